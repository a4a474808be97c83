#include "live_run.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace ignite_report {

std::string split_of_engine(const std::string& engine) {
    if (engine == "trainer") return "train";
    if (engine == "validation") return "val";
    if (engine == "evaluator") return "test";
    return engine;
}

namespace {
std::string text_of(const nlohmann::json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_array()) {
        std::string out;
        for (const auto& x : v) out += (out.empty() ? "" : " ") + text_of(x);
        return out;
    }
    return v.dump();
}

std::string shell_word(const std::string& s) {
    if (!s.empty() && s.find_first_of(" \t'\"$\\;&|<>*?()") == std::string::npos) return s;
    std::string out = "'";
    for (const char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}
}  // namespace

void read_run_config(RunFacts& facts, const std::string& config_json) {
    const auto j = nlohmann::ordered_json::parse(config_json, nullptr, false);
    if (!j.is_object()) return;
    std::string command = "ignite-host train";
    for (const auto& [key, value] : j.items()) {
        facts.config.emplace_back(key, text_of(value));
        std::string flag = key;
        for (auto& c : flag) c = c == '_' ? '-' : c;
        if (key == "command_line") continue;
        if (value.is_boolean()) {
            if (value.get<bool>()) command += " --" + flag;
        } else if (value.is_array()) {
            for (const auto& x : value) command += " --" + flag + " " + shell_word(text_of(x));
        } else {
            command += " --" + flag + " " + shell_word(text_of(value));
        }
    }
    if (j.contains("command_line")) {
        facts.command_line = text_of(j["command_line"]);
    } else {
        facts.command_line = command;  // every option with its value: runs the same configuration
        facts.command_line_rebuilt = true;
    }
    if (j.contains("seed")) facts.seed = text_of(j["seed"]);
    if (j.contains("device")) facts.device = text_of(j["device"]);
    // Every participant the run loaded (the defaults too) when the host says; else the ones
    // --plugin named.
    const char* list = j.contains("participants") && j["participants"].is_array() ? "participants" : "plugin";
    if (j.contains(list) && j[list].is_array()) {
        for (const auto& p : j[list]) {
            const std::string name = text_of(p);
            std::string opts;
            if (j.contains("plugin_opt") && j["plugin_opt"].is_array()) {
                for (const auto& o : j["plugin_opt"]) {
                    const std::string kv = text_of(o);
                    if (kv.rfind(name + ".", 0) == 0) opts += (opts.empty() ? "" : ", ") + kv.substr(name.size() + 1);
                }
            }
            facts.plugins.emplace_back(name, opts);
        }
    }
}

void set_ended(RunFacts& facts, int terminate_reason, const std::string& engine) {
    switch (terminate_reason) {
        case 0:
            facts.outcome = "completed";
            facts.why = "ran every planned epoch";
            facts.who.clear();
            return;
        case 2:
            facts.outcome = "terminated";
            facts.why = "stop signal (SIGINT/SIGTERM)";
            facts.who = "the user";
            return;
        case 3:
            facts.outcome = "terminated";
            facts.why = "bad weights (a NaN or infinite loss or parameter)";
            facts.who = fmt::format("a handler on the {} that checks the weights", engine);
            return;
        case 4:
            facts.outcome = "terminated";
            facts.why = "reached the run's iteration limit";
            facts.who = fmt::format("the {}'s iteration limit", engine);
            return;
        default:
            facts.outcome = "terminated";
            facts.why = "a handler decided to stop (early stopping, a time limit, a plugin)";
            facts.who = fmt::format("a handler on the {} (the run's log names it)", engine);
    }
}

}  // namespace ignite_report
