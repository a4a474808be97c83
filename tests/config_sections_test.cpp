// Config files' [NAME] sections (issue 17): a section holds plugin NAME's options, as
// --plugin-opt NAME.key=value does; the command line wins over the file; a section does not
// load its plugin; a bad key or value in a section is one line naming the file, the section
// and the key. Driven through `ignite-host dry-run` (fast) and one `train`.
#include "support/process.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const fs::path& root() {
    static const auto dir = ignite::test::scratch_dir("ignite_config_sections");
    return dir;
}

fs::path ini(const std::string& name, const std::string& text) {
    const auto path = root() / (name + ".ini");
    std::ofstream(path) << text;
    return path;
}

struct Run {
    int rc = -1;
    std::string out, err;
};

Run host(const std::string& args) {
    const auto p = ignite::test::run_host(IGNITE_HOST_EXE, ignite::test::words_of(args),
                                          {.plugin_path = IGNITE_PLUGIN_DIR, .cwd = root()});
    REQUIRE(p.exited);
    return {p.rc, p.out, p.err};
}

// dry-run: 1 epoch of 6 iterations, no evaluator.
Run dry_run(const fs::path& config, const std::string& more = "") {
    return host("dry-run --epochs 1 --epoch-length 6 --config " + config.string() + " " + more);
}

bool has_line(const std::string& text, const std::string& what) {
    for (const auto& line : ignite::test::lines_of(text)) {
        if (line.find(what) != std::string::npos) return true;
    }
    return false;
}

std::vector<std::string> error_lines(const Run& r) {
    std::vector<std::string> out;
    for (const auto& line : ignite::test::lines_of(r.err)) {
        if (line.find("error:") != std::string::npos) out.push_back(line);
    }
    return out;
}

}  // namespace

TEST_CASE("a [plugin] section sets that plugin's options, as --plugin-opt does", "[config_sections]") {
    const auto r = dry_run(ini("every3", "plugin = console\n[console]\nevery = 3\nformat = json\n"));
    INFO(r.out << r.err);
    REQUIRE(r.rc == 0);
    CHECK(has_line(r.out, "\"event\":\"ITERATION_COMPLETED\""));  // format = json applied
    CHECK(has_line(r.out, "\"iteration\":3"));
    CHECK(has_line(r.out, "\"iteration\":6"));
    CHECK_FALSE(has_line(r.out, "\"iteration\":2"));
    // The same through --plugin-opt gives the same lines.
    const auto flags = host(
        "dry-run --epochs 1 --epoch-length 6 --plugin console --plugin-opt console.every=3 "
        "--plugin-opt console.format=json");
    REQUIRE(flags.rc == 0);
    CHECK(has_line(flags.out, "\"iteration\":3"));
    CHECK_FALSE(has_line(flags.out, "\"iteration\":2"));
}

TEST_CASE("the command line's --plugin-opt wins over a section, and a section over a plugin-opt line",
          "[config_sections]") {
    const auto config = ini("every3_wins", "plugin = console\nplugin-opt = console.every=1\n[console]\nevery = 3\n");
    const auto file_only = dry_run(config);
    INFO(file_only.out << file_only.err);
    REQUIRE(file_only.rc == 0);
    CHECK(has_line(file_only.err, "[console] [trainer] epoch 1/1 iteration 3"));
    CHECK_FALSE(has_line(file_only.err, "iteration 1:"));  // the section came after the plugin-opt line

    const auto overridden = dry_run(config, "--plugin-opt console.every=2");
    INFO(overridden.out << overridden.err);
    REQUIRE(overridden.rc == 0);
    CHECK(has_line(overridden.err, "iteration 2"));
    CHECK(has_line(overridden.err, "iteration 4"));
    CHECK_FALSE(has_line(overridden.err, "iteration 3"));
}

TEST_CASE("a section sets a plugin loaded by --plugin on the command line, or by default", "[config_sections]") {
    const auto r = dry_run(ini("no_plugin_line", "[console]\nevery = 3\n"), "--plugin console");
    INFO(r.out << r.err);
    REQUIRE(r.rc == 0);
    CHECK(has_line(r.err, "[console] [trainer] epoch 1/1 iteration 3"));
    CHECK_FALSE(has_line(r.err, "iteration 2"));
    // train loads progress by default: its section needs no plugin line.
    const auto out = root() / "train_progress";
    fs::remove_all(out);
    const auto t =
        host("train --model mlp --dataset synthetic:100 --epochs 1 --batch-size 50 --threads 1 --config " +
             ini("progress", "[progress]\nwidth = 7\nmin_interval = 0\n").string() + " --output-dir " + out.string());
    INFO(t.out << t.err);
    CHECK(t.rc == 0);
    CHECK(fs::exists(out / "metrics.jsonl"));
}

TEST_CASE("bad sections: exit 2, one line naming the file, the section and the key", "[config_sections][errors]") {
    struct Bad {
        std::string name, text, more;
        std::vector<std::string> names;
    };
    const std::vector<Bad> cases{
        {"not_loaded", "[console]\nevery = 3\n", "", {"section [console]", "not loaded", "plugin = console"}},
        {"unknown_key",
         "plugin = console\n[console]\nbogus = 1\n",
         "",
         {"section [console]", "plugin 'console' has no option 'bogus'", "plugins inspect console"}},
        {"bad_value",
         "plugin = console\n[console]\nevery = often\n",
         "",
         {"section [console]", "option 'every' expects", "often"}},
        {"below_min", "plugin = console\n[console]\nevery = -1\n", "", {"section [console]", "every"}},
        // A value the command line overrides is still checked, as a repeated --plugin-opt is.
        {"bad_but_overridden",
         "plugin = console\n[console]\nevery = often\n",
         "--plugin-opt console.every=2",
         {"section [console]", "often"}},
        {"second_of_two",
         "plugin = console\n[console]\nevery = 2\nformat = yaml\n",
         "",
         {"section [console]", "format", "yaml"}},
        {"plugin_opt_line_not_loaded",
         "plugin-opt = console.every=3\n",
         "",
         {"config file", "plugin 'console'", "not loaded"}},
        {"unknown_key_outside_sections", "every = 3\n", "", {"unrecognised option 'every'"}},
    };
    for (const auto& c : cases) {
        const auto path = ini("bad_" + c.name, c.text);
        const auto r = dry_run(path, c.more);
        INFO(c.name << "\n" << c.text << "\nstdout: " << r.out << "\nstderr: " << r.err);
        CHECK(r.rc == 2);
        const auto errors = error_lines(r);
        REQUIRE(errors.size() == 1);
        CHECK_THAT(errors[0], Catch::StartsWith("ignite-host: error: ") && Catch::Contains(path.string()));
        for (const auto& words : c.names) CHECK_THAT(errors[0], Catch::Contains(words));
        CHECK(r.out.empty());  // refused before the trainer ran
    }
}

TEST_CASE("a command-line --plugin-opt error still names --plugin-opt, not the file", "[config_sections][errors]") {
    const auto r = dry_run(ini("good", "plugin = console\n[console]\nevery = 3\n"), "--plugin-opt console.every=often");
    INFO(r.err);
    CHECK(r.rc == 2);
    const auto errors = error_lines(r);
    REQUIRE(errors.size() == 1);
    CHECK_THAT(errors[0], Catch::Contains("often") && !Catch::Contains("section"));
}
