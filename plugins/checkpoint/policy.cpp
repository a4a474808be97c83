#include "policy.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace ignite_checkpoint {

std::string Policy::priority_text(double priority, bool integral) {
    char buf[64];
    if (integral) {
        std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(priority));
    } else {
        std::snprintf(buf, sizeof buf, "%.4f", priority);
    }
    return buf;
}

std::string Policy::filename(double priority, bool integral, std::optional<std::int64_t> global_step) const {
    // Ignite's setup_filename_pattern, for name "checkpoint".
    std::string out = options_.filename_prefix.empty() ? "" : options_.filename_prefix + "_";
    out += "checkpoint";
    if (global_step) out += "_" + std::to_string(*global_step);
    if (!options_.score_name.empty()) out += "_" + options_.score_name + "=" + priority_text(priority, integral);
    return out + ".pt";
}

std::optional<Item> Policy::parse(std::string_view name) const {
    std::string head = options_.filename_prefix.empty() ? "" : options_.filename_prefix + "_";
    head += "checkpoint_";
    if (name.size() <= head.size() + 3 || name.substr(0, head.size()) != head ||
        name.substr(name.size() - 3) != ".pt") {
        return std::nullopt;
    }
    const std::string middle(name.substr(head.size(), name.size() - head.size() - 3));
    std::size_t used = 0;
    long long step = 0;
    try {
        step = std::stoll(middle, &used);
    } catch (const std::exception&) {
        return std::nullopt;
    }
    if (used == 0 || middle[0] == '-' || middle[0] == '+') return std::nullopt;
    if (options_.score_name.empty()) {
        if (used != middle.size()) return std::nullopt;
        return Item{static_cast<double>(step), true, std::string(name)};
    }
    const std::string tail = "_" + options_.score_name + "=";
    if (middle.compare(used, tail.size(), tail) != 0) return std::nullopt;
    const std::string score = middle.substr(used + tail.size());
    std::size_t score_used = 0;
    double value = 0;
    try {
        value = std::stod(score, &score_used);
    } catch (const std::exception&) {
        return std::nullopt;
    }
    if (score_used != score.size()) return std::nullopt;
    return Item{value, score.find('.') == std::string::npos, std::string(name)};
}

std::optional<Plan> Policy::plan(double priority, bool integral, std::optional<std::int64_t> global_step) const {
    const bool full = options_.n_saved > 0 && static_cast<std::int64_t>(saved_.size()) >= options_.n_saved;
    if (full) {
        const double worst = saved_.front().priority;
        const bool better = options_.greater_or_equal ? priority >= worst : priority > worst;
        if (!better) return std::nullopt;
    }
    Plan p;
    p.filename = filename(priority, integral, global_step);
    p.saved = saved_;
    const auto same =
        std::find_if(p.saved.begin(), p.saved.end(), [&](const Item& i) { return i.filename == p.filename; });
    if (same != p.saved.end()) {
        p.saved.erase(same);  // rewritten in place: nothing to delete
    } else if (options_.n_saved > 0) {
        // Down to n_saved - 1 before the new one; more than one only when adopted files
        // exceeded n_saved.
        while (static_cast<std::int64_t>(p.saved.size()) >= options_.n_saved) {
            p.remove.push_back(p.saved.front().filename);
            p.saved.erase(p.saved.begin());
        }
    }
    p.saved.push_back(Item{priority, integral, p.filename});
    std::stable_sort(p.saved.begin(), p.saved.end(),
                     [](const Item& a, const Item& b) { return a.priority < b.priority; });
    return p;
}

void Policy::set_saved(std::vector<Item> items) {
    std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.priority < b.priority; });
    saved_ = std::move(items);
}

std::string Policy::encode(const std::vector<Item>& items) {
    std::string out;
    for (const auto& i : items) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.17g", i.priority);
        out += (i.integral ? "i " : "d ") + std::string(buf) + " " + i.filename + "\n";
    }
    return out;
}

std::vector<Item> Policy::decode(std::string_view text) {
    std::vector<Item> out;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        if (nl == std::string_view::npos) throw std::invalid_argument("checkpoint state: unterminated line");
        const std::string line(text.substr(0, nl));
        text.remove_prefix(nl + 1);
        const auto sp1 = line.find(' '), sp2 = line.find(' ', sp1 == std::string::npos ? 0 : sp1 + 1);
        if (line.size() < 5 || (line[0] != 'i' && line[0] != 'd') || sp1 != 1 || sp2 == std::string::npos ||
            sp2 + 1 >= line.size()) {
            throw std::invalid_argument("checkpoint state: malformed line '" + line + "'");
        }
        out.push_back(Item{std::stod(line.substr(2, sp2 - 2)), line[0] == 'i', line.substr(sp2 + 1)});
    }
    return out;
}

}  // namespace ignite_checkpoint
