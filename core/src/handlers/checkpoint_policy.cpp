#include "ignite/core/handlers/checkpoint_policy.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <regex>

#include <stdexcept>

namespace ignite::checkpoint {
namespace {

// A filename_pattern as literal text and {field}s, in order (Python's str.format syntax,
// without conversions or format specs: Ignite passes plain values).
struct PatternPart {
    bool field = false;
    std::string text;  ///< the literal, or the field's name
};

std::vector<PatternPart> split_pattern(const std::string& pattern) {
    static const char* const kFields[] = {"filename_prefix", "name", "score", "score_name", "global_step", "ext"};
    std::vector<PatternPart> parts;
    std::string literal;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        const char c = pattern[i];
        if ((c == '{' || c == '}') && i + 1 < pattern.size() && pattern[i + 1] == c) {
            literal += c, ++i;  // {{ and }} are literal braces, as in Python
            continue;
        }
        if (c == '}') throw std::invalid_argument("filename_pattern '" + pattern + "' has a '}' without its '{'");
        if (c != '{') {
            literal += c;
            continue;
        }
        const auto end = pattern.find('}', i);
        if (end == std::string::npos)
            throw std::invalid_argument("filename_pattern '" + pattern + "' has a '{' without its '}'");
        const std::string name = pattern.substr(i + 1, end - i - 1);
        if (std::find(std::begin(kFields), std::end(kFields), name) == std::end(kFields)) {
            throw std::invalid_argument("filename_pattern '" + pattern + "' names an unknown field {" + name +
                                        "}; use {filename_prefix} {name} {score} {score_name} {global_step} {ext}");
        }
        if (!literal.empty()) parts.push_back({false, literal}), literal.clear();
        parts.push_back({true, name});
        i = end;
    }
    if (!literal.empty()) parts.push_back({false, literal});
    return parts;
}

std::string regex_escaped(const std::string& text) {
    static const std::string kSpecial = R"(\^$.|?*+()[]{}/)";
    std::string out;
    for (char c : text) {
        if (kSpecial.find(c) != std::string::npos) out += '\\';
        out += c;
    }
    return out;
}

}  // namespace

Policy::Policy(PolicyOptions options) : options_(std::move(options)) {
    if (!options_.filename_pattern.empty()) (void)split_pattern(options_.filename_pattern);  // throws when bad
    // Every name this policy makes must be a plain, visible file inside dirname: hidden names
    // are the folder's lock and the durable writer's temporaries, which nothing adopts.
    const auto what = options_.filename_pattern.empty()
                          ? "filename_prefix '" + options_.filename_prefix + "'"
                          : "filename_pattern '" + options_.filename_pattern + "'";
    const auto name = filename(0, true, 0);
    if (name.find('/') != std::string::npos)
        throw std::invalid_argument(what + " makes names with '/' (" + name + "); the files go straight into dirname");
    if (name.empty() || name == "." || name == "..")
        throw std::invalid_argument(what + " makes the name '" + name + "', which is not a file name; give a pattern "
                                    "such as {name}_{global_step}.{ext}");
    if (name.front() == '.')
        throw std::invalid_argument(what + " makes hidden names (" + name +
                                    "), which are reserved for the folder's lock and temporaries; start the name "
                                    "with another character");
}

std::string Policy::priority_text(double priority, bool integral) {
    char buf[64];
    if (integral) {
        std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(priority));
    } else {
        std::snprintf(buf, sizeof buf, "%.4f", priority);
    }
    return buf;
}

// One field's text, as Ignite's filename_dict gives it to str.format.
static std::string field_text(const PolicyOptions& o, const std::string& field, double priority, bool integral,
                              std::optional<std::int64_t> global_step) {
    if (field == "filename_prefix") return o.filename_prefix;
    if (field == "name") return o.name;
    if (field == "ext") return "pt";
    if (field == "score_name") return o.score_name.empty() ? "None" : o.score_name;
    if (field == "score")
        return o.score_name.empty() && !o.scored_without_name ? "None" : Policy::priority_text(priority, integral);
    return global_step ? std::to_string(*global_step) : "None";
}

std::string Policy::render_pattern(double priority, bool integral, std::optional<std::int64_t> global_step) const {
    std::string out;
    for (const auto& part : split_pattern(options_.filename_pattern))
        out += part.field ? field_text(options_, part.text, priority, integral, global_step) : part.text;
    return out;
}

std::optional<Item> Policy::parse_pattern(std::string_view name) const {
    const bool scored = !options_.score_name.empty() || options_.scored_without_name;
    // The pattern as a regex: the score (with a score_name) and the global step are read
    // back; every other field is the literal this policy renders.
    std::string re;
    int groups = 0, score_group = 0, step_group = 0;
    for (const auto& part : split_pattern(options_.filename_pattern)) {
        if (part.field && part.text == "score" && scored) {
            re += R"((-?[0-9]+(?:\.[0-9]+)?|nan|-?inf))";
            ++groups;
            if (score_group == 0) score_group = groups;
        } else if (part.field && part.text == "global_step") {
            re += "([0-9]+)";
            ++groups;
            if (step_group == 0) step_group = groups;
        } else {
            re += regex_escaped(part.field ? field_text(options_, part.text, 0, true, std::nullopt) : part.text);
        }
    }
    const int key_group = scored ? score_group : step_group;
    if (key_group == 0) return std::nullopt;  // nothing in the name says its priority
    std::smatch m;
    const std::string text(name);
    if (!std::regex_match(text, m, std::regex(re))) return std::nullopt;
    const std::string key = m[key_group].str();
    try {
        if (!scored) return Item{static_cast<double>(std::stoll(key)), true, text};
        return Item{std::stod(key), key.find('.') == std::string::npos, text};
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::string Policy::filename(double priority, bool integral, std::optional<std::int64_t> global_step) const {
    if (!options_.filename_pattern.empty()) return render_pattern(priority, integral, global_step);
    // Ignite's setup_filename_pattern.
    std::string out = options_.filename_prefix.empty() ? "" : options_.filename_prefix + "_";
    out += options_.name;
    if (global_step) out += "_" + std::to_string(*global_step);
    if (!options_.score_name.empty()) {
        out += "_" + options_.score_name + "=" + priority_text(priority, integral);
    } else if (options_.scored_without_name) {
        out += "_" + priority_text(priority, integral);
    }
    return out + ".pt";
}

std::optional<Item> Policy::parse(std::string_view name) const {
    if (!options_.filename_pattern.empty()) return parse_pattern(name);
    // Ignite's default pattern: {prefix}_checkpoint[_{global_step}][_{score_name}={score}].pt
    const bool scored = !options_.score_name.empty() || options_.scored_without_name;
    const bool has_step = !scored || options_.scored_names_have_step;
    std::string head = options_.filename_prefix.empty() ? "" : options_.filename_prefix + "_";
    head += options_.name;
    if (name.size() <= head.size() + 3 || name.substr(0, head.size()) != head ||
        name.substr(name.size() - 3) != ".pt") {
        return std::nullopt;
    }
    std::string rest(name.substr(head.size(), name.size() - head.size() - 3));
    long long step = 0;
    if (has_step) {
        // "_" and digits only: no sign, no space (std::stoll would take both).
        std::size_t digits = 1;
        while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
        if (rest.empty() || rest[0] != '_' || digits == 1) return std::nullopt;
        try {
            step = std::stoll(rest.substr(1, digits - 1));
        } catch (const std::exception&) {
            return std::nullopt;
        }
        rest.erase(0, digits);
    }
    if (!scored) {
        if (!rest.empty()) return std::nullopt;
        return Item{static_cast<double>(step), true, std::string(name)};
    }
    const std::string tail = options_.score_name.empty() ? "_" : "_" + options_.score_name + "=";
    if (rest.compare(0, tail.size(), tail) != 0) return std::nullopt;
    const std::string score = rest.substr(tail.size());
    std::size_t score_used = 0;
    double value = 0;
    try {
        value = std::stod(score, &score_used);
    } catch (const std::exception&) {
        return std::nullopt;
    }
    if (score.empty() || score_used != score.size() || score[0] == '+' ||
        std::isspace(static_cast<unsigned char>(score[0])))
        return std::nullopt;
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

c10::IValue Policy::state_value(const std::vector<Item>& items) {
    // Ignite's Checkpoint.state_dict(): OrderedDict(_saved=[(priority, filename), ...]).
    c10::impl::GenericList saved(c10::AnyType::get());
    for (const auto& i : items) {
        const c10::IValue priority =
            i.integral ? c10::IValue(static_cast<std::int64_t>(i.priority)) : c10::IValue(i.priority);
        saved.push_back(c10::ivalue::Tuple::create({priority, c10::IValue(i.filename)}));
    }
    c10::impl::GenericDict state(c10::StringType::get(), c10::AnyType::get());
    state.insert("_saved", saved);
    return state;
}

std::vector<Item> Policy::decode_text(std::string_view text) {
    // The one-line-per-item text the plugin saved before its state was JSON ("i|d P NAME\n").
    std::vector<Item> out;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        if (nl == std::string_view::npos) throw std::invalid_argument("checkpointer state: unterminated line");
        const std::string line(text.substr(0, nl));
        text.remove_prefix(nl + 1);
        const auto sp1 = line.find(' '), sp2 = line.find(' ', sp1 == std::string::npos ? 0 : sp1 + 1);
        if (line.size() < 5 || (line[0] != 'i' && line[0] != 'd') || sp1 != 1 || sp2 == std::string::npos ||
            sp2 + 1 >= line.size()) {
            throw std::invalid_argument("checkpointer state: malformed line '" + line + "'");
        }
        out.push_back(Item{std::stod(line.substr(2, sp2 - 2)), line[0] == 'i', line.substr(sp2 + 1)});
    }
    return out;
}

std::vector<Item> Policy::from_state_value(const c10::IValue& state) {
    const auto bad = [](const std::string& what) {
        return std::invalid_argument("checkpointer state: " + what +
                                     "; expected Ignite's Checkpoint.state_dict(), {'_saved': [(priority, filename), "
                                     "...]}");
    };
    if (!state.isGenericDict()) throw bad("not a dict");
    const auto d = state.toGenericDict();
    if (!d.contains("_saved")) throw bad("no '_saved'");
    const auto saved = d.at("_saved");
    if (!saved.isList()) throw bad("'_saved' is not a list");
    std::vector<Item> out;
    for (const auto& pair_ref : saved.toList()) {
        const c10::IValue pair = pair_ref;
        std::vector<c10::IValue> parts;
        if (pair.isTuple()) {
            for (const auto& e : pair.toTupleRef().elements()) parts.push_back(e);
        } else if (pair.isList()) {
            for (const auto& e : pair.toList()) parts.push_back(e);
        }
        if (parts.size() != 2 || !parts[1].isString() || !(parts[0].isInt() || parts[0].isDouble() || parts[0].isNone()))
            throw bad("an item of '_saved' is not a (number, str) pair");
        Item item;
        item.integral = parts[0].isInt();
        item.priority = parts[0].isNone() ? std::nan("") : parts[0].isInt() ? static_cast<double>(parts[0].toInt())
                                                                           : parts[0].toDouble();
        item.filename = parts[1].toStringRef();
        if (item.filename.empty() || item.filename.find('/') != std::string::npos)
            throw bad("the file name '" + item.filename + "' is not a name inside the folder");
        out.push_back(std::move(item));
    }
    return out;
}

}  // namespace ignite::checkpoint
