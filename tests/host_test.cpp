// ignite-host as a user meets it: the CLI, the plugin loader and the bridge, driven through
// the real binary with the fixture plugins of tests/abi/:
//  - IGNITE_ABI_FIXTURE_DIR: frozen_fixture (C, frozen 1.0 header) and opts (every option type);
//  - IGNITE_ABI_BAD_DIR: deliberately broken plugins, one per failure the host must report.
// Every failure must give a non-zero exit (2: bad input/plugin, 1: a failed run), ONE line
// "ignite-host: error: ..." naming the plugin and the cause, and never a crash.
#include "support/process.hpp"

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#ifndef IGNITE_HOST_EXE
#error "IGNITE_HOST_EXE must name the ignite-host binary"
#endif
#ifndef IGNITE_ABI_FIXTURE_DIR
#error "IGNITE_ABI_FIXTURE_DIR must name the directory of the fixture plugins"
#endif
#ifndef IGNITE_ABI_BAD_DIR
#error "IGNITE_ABI_BAD_DIR must name the directory of the broken plugins"
#endif

namespace fs = std::filesystem;

namespace {

using ignite::test::shell_quote;

fs::path scratch_dir() {
    static const fs::path dir = ignite::test::scratch_dir("ignite_host_test");
    return dir;
}

const std::string kFixtureDir = IGNITE_ABI_FIXTURE_DIR;
const std::string kBadDir = IGNITE_ABI_BAD_DIR;

std::string fixture(const std::string& name) { return kFixtureDir + "/ignite-plugin-" + name + ".so"; }
std::string bad(const std::string& name) { return kBadDir + "/ignite-plugin-" + name + ".so"; }
const std::string kFrozen = fixture("frozen_fixture");
const std::string kOpts = fixture("opts");

struct Result {
    std::string cmd;
    bool exited = false;  // terminated normally (not by a signal)
    int status = -1;      // WEXITSTATUS when exited
    std::string output;   // stdout and stderr together (2>&1)

    [[nodiscard]] bool has(const std::string& text) const { return output.find(text) != std::string::npos; }
    [[nodiscard]] bool has_line(const std::string& line) const { return ignite::test::has_line(output, line); }
    [[nodiscard]] std::vector<std::string> error_lines() const { return ignite::test::error_lines(output); }
    // The one error line (empty when there is not exactly one).
    [[nodiscard]] std::string error_line() const {
        const auto e = error_lines();
        return e.size() == 1 ? e.front() : std::string();
    }
};

std::vector<std::string> dry_run(std::vector<std::string> extra) {
    std::vector<std::string> args{"dry-run"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

// Runs `ignite-host ARGS 2>&1` (a crash shows as a signal, not a shell's exit code).
// IGNITE_PLUGIN_PATH is cleared unless `plugin_path` is given.
Result host(const std::vector<std::string>& args, const std::string& plugin_path = "") {
    const auto p = ignite::test::run_host(
        IGNITE_HOST_EXE, args,
        {.plugin_path = plugin_path.empty() ? std::nullopt : std::optional(plugin_path), .merge_stderr = true});
    Result r;
    r.cmd = p.cmd;
    r.exited = p.exited;
    r.status = p.rc;
    r.output = p.out;
    if (!p.exited) r.output += "\n<killed by signal " + std::to_string(p.signal) + ">";
    return r;
}

// A failure as the contract wants it: no crash, the exit code, one error line containing
// every piece of `expected`.
void check_failure(const Result& r, int status, const std::vector<std::string>& expected) {
    INFO("command: " << r.cmd);
    INFO("output:\n" << r.output);
    REQUIRE(r.exited);  // not killed by a signal
    CHECK(r.status == status);
    REQUIRE(r.error_lines().size() == 1);
    const auto line = r.error_line();
    for (const auto& piece : expected) {
        INFO("expected in the error line: " << piece);
        CHECK(line.find(piece) != std::string::npos);
    }
}

void check_ok(const Result& r) {
    INFO("command: " << r.cmd);
    INFO("output:\n" << r.output);
    REQUIRE(r.exited);
    REQUIRE(r.status == 0);
    CHECK(r.error_lines().empty());
}

fs::path write_file(const std::string& name, const std::string& text) {
    const auto p = scratch_dir() / name;
    std::ofstream(p) << text;
    return p;
}

}  // namespace

// ---- the frozen 1.0 fixture keeps working --------------------------------------------------

TEST_CASE("host: the frozen ABI 1.0 fixture loads and runs (C plugin with every=2)") {
    const auto r = host(dry_run({"--epochs", "2", "--epoch-length", "4", "--plugin", kFrozen}));
    check_ok(r);
    INFO(r.output);
    CHECK(r.has_line("[frozen_fixture] loaded (every=2, host ABI 1.7)"));
    // ITERATION_COMPLETED(every=2) over 8 iterations: 2, 4, 6, 8; state.ticks written and
    // read back through the custom event.
    for (int tick = 1; tick <= 4; ++tick) {
        CHECK(r.has_line("[frozen_fixture] iteration " + std::to_string(2 * tick) + ": tick " + std::to_string(tick)));
        CHECK(r.has_line("[frozen_fixture] frozen_fixture.TICK seen: state.ticks=" + std::to_string(tick)));
    }
    for (int odd : {1, 3, 5, 7}) CHECK_FALSE(r.has("[frozen_fixture] iteration " + std::to_string(odd) + ":"));
    CHECK(r.has_line("[frozen_fixture] completed at epoch 2 iteration 8 with ticks=4"));
    CHECK(r.has_line("[frozen_fixture] shutdown after 4 ticks"));
}

TEST_CASE("host: the frozen fixture's int option and lookup by name on IGNITE_PLUGIN_PATH") {
    const auto r = host(dry_run({"--epochs", "2", "--epoch-length", "4", "--plugin", "frozen_fixture", "--plugin-opt",
                                 "frozen_fixture.every=3"}),
                        kFixtureDir);
    check_ok(r);
    INFO(r.output);
    CHECK(r.has_line("[frozen_fixture] iteration 3: tick 1"));
    CHECK(r.has_line("[frozen_fixture] iteration 6: tick 2"));
    CHECK_FALSE(r.has("[frozen_fixture] iteration 2:"));
    CHECK(r.has_line("[frozen_fixture] completed at epoch 2 iteration 8 with ticks=2"));
}

TEST_CASE("host: a plugin given twice is refused") {
    check_failure(host(dry_run({"--plugin", kFrozen, "--plugin", kFrozen})), 2, {"frozen_fixture", "given twice"});
}

// ---- broken plugins: load errors -----------------------------------------------------------

TEST_CASE("host: a library without the entry symbol") {
    check_failure(host(dry_run({"--plugin", bad("noentry")})), 2,
                  {bad("noentry"), "exports no ignite_plugin_entry symbol"});
}

TEST_CASE("host: an entry symbol that returns NULL") {
    check_failure(host(dry_run({"--plugin", bad("nullentry")})), 2, {bad("nullentry"), "returned no plugin info"});
}

TEST_CASE("host: a plugin built for ABI 2.0") {
    const auto r = host(dry_run({"--plugin", bad("abi2")}));
    check_failure(r, 2, {bad("abi2"), "plugin ABI 2.", "this host implements ABI 1.7"});
    CHECK_FALSE(r.has("init of a refused plugin was called"));
}

TEST_CASE("host: a plugin that needs a newer minor ABI (1.99) than the host") {
    const auto r = host(dry_run({"--plugin", bad("abi1_99")}));
    check_failure(r, 2, {bad("abi1_99"), "needs plugin ABI 1.99", "upgrade ignite-host"});
    CHECK_FALSE(r.has("init of a refused plugin was called"));
}

TEST_CASE("host: a plugin info whose struct_size is too small") {
    const auto r = host(dry_run({"--plugin", bad("smallstruct")}));
    check_failure(r, 2, {bad("smallstruct"), "8 bytes", "smaller than ABI 1.0's 104"});
    CHECK_FALSE(r.has("init of a refused plugin was called"));
}

TEST_CASE("host: a plugin with an unknown state_format, or JSON state claiming ABI 1.3 (ABI 1.4)") {
    auto r = host(dry_run({"--plugin", bad("stateformat7")}));
    check_failure(r, 2, {bad("stateformat7"), "state_format 7", "0 (bytes) and 1 (JSON)"});
    CHECK_FALSE(r.has("init of a refused plugin was called"));
    r = host(dry_run({"--plugin", bad("jsonstate13")}));
    check_failure(r, 2, {bad("jsonstate13"), "sets state_format (ABI 1.4) but claims ABI 1.3", "abi_minor to 4"});
    CHECK_FALSE(r.has("init of a refused plugin was called"));
}

TEST_CASE("host: a plugin with a placement this host does not know (ABI 1.6)") {
    const auto r = host(dry_run({"--plugin", bad("placement5")}));
    check_failure(r, 2, {bad("placement5"), "placement 5", "0 (every rank) and 1 (rank 0)"});
    CHECK_FALSE(r.has("init of a refused plugin was called"));
}

TEST_CASE("host: two different plugin files with the same name") {
    check_failure(host(dry_run({"--plugin", bad("dupname_a"), "--plugin", bad("dupname_b")})), 2,
                  {"two plugins are named 'dupname'", bad("dupname_a"), bad("dupname_b")});
}

TEST_CASE("host: a file named like a plugin that is not a shared library") {
    check_failure(host(dry_run({"--plugin", bad("notalib")})), 2, {bad("notalib"), "is not a loadable shared library"});
}

TEST_CASE("host: a plugin file that does not exist") {
    const auto missing = kBadDir + "/ignite-plugin-missing.so";
    check_failure(host(dry_run({"--plugin", missing})), 2, {missing, "does not exist"});
}

TEST_CASE("host: a plugin name not on the search path") {
    check_failure(host(dry_run({"--plugin", "no_such_plugin"}), kFixtureDir), 2,
                  {"plugin 'no_such_plugin' not found", "IGNITE_PLUGIN_PATH"});
}

// ---- broken plugins: init errors -----------------------------------------------------------

TEST_CASE("host: init returns an error with a message (C)") {
    check_failure(host(dry_run({"--plugin", bad("initfail")})), 2,
                  {"plugin 'initfail'", "failed to initialise", "database unreachable"});
}

TEST_CASE("host: init throws inside the SDK's C++ layer") {
    check_failure(host(dry_run({"--plugin", bad("initthrows")})), 2,
                  {"plugin 'initthrows'", "failed to initialise", "boom in init"});
}

TEST_CASE("host: a plugin initialised before a failing init is shut down cleanly") {
    const auto r = host(dry_run({"--plugin", kFrozen, "--plugin", bad("initfail")}));
    check_failure(r, 2, {"plugin 'initfail'", "database unreachable"});
    CHECK(r.has_line("[frozen_fixture] shutdown after 0 ticks"));
}

// ---- broken plugins: handler errors during a run ---------------------------------------------

TEST_CASE("host: a handler returns an error at iteration 3 (C) and the run stops there") {
    // No plugin registers an EXCEPTION_RAISED handler: the error is reported without one.
    const auto r =
        host(dry_run({"--epochs", "2", "--epoch-length", "4", "--plugin", kFrozen, "--plugin", bad("handlerfail")}));
    check_failure(r, 1, {"plugin 'handlerfail'", "ITERATION_COMPLETED", "handler gave up at 3"});
    INFO(r.output);
    CHECK(r.has_line("[handlerfail] iteration 3"));
    CHECK_FALSE(r.has("[handlerfail] iteration 4"));
    CHECK(r.has_line("[frozen_fixture] iteration 2: tick 1"));
    CHECK_FALSE(r.has("[frozen_fixture] iteration 4"));
    CHECK_FALSE(r.has("[frozen_fixture] completed"));  // COMPLETED never fired
    CHECK(r.has_line("[frozen_fixture] shutdown after 1 ticks"));
}

TEST_CASE("host: a handler's failing iteration follows its option") {
    const auto r = host(dry_run(
        {"--epochs", "3", "--epoch-length", "4", "--plugin", bad("handlerfail"), "--plugin-opt", "handlerfail.at=6"}));
    check_failure(r, 1, {"plugin 'handlerfail'", "handler gave up at 6"});
    CHECK(r.has_line("[handlerfail] iteration 6"));
    CHECK_FALSE(r.has("[handlerfail] iteration 7"));
}

TEST_CASE("host: a handler throws inside the SDK's C++ layer and the run stops there") {
    const auto r = host(dry_run({"--epochs", "2", "--epoch-length", "4", "--plugin", bad("handlerthrows")}));
    check_failure(r, 1, {"plugin 'handlerthrows'", "ITERATION_COMPLETED", "handler threw at iteration 2"});
    CHECK(r.has_line("[handlerthrows] iteration 2"));
    CHECK_FALSE(r.has("[handlerthrows] iteration 3"));
}

// ---- options ---------------------------------------------------------------------------------

TEST_CASE("host: options of every type are validated and reach the plugin") {
    SECTION("valid values") {
        const auto r = host(dry_run({"--epochs", "1", "--epoch-length", "1", "--plugin", kOpts, "--plugin-opt",
                                     "opts.flag=yes", "--plugin-opt", "opts.count=-7", "--plugin-opt",
                                     "opts.ratio=2.5e-1", "--plugin-opt", "opts.label=hello world"}));
        check_ok(r);
        CHECK(r.has_line("[opts] flag=true count=-7 ratio=0.25 label=hello world"));
    }
    SECTION("defaults apply to what is not given") {
        const auto r =
            host(dry_run({"--epochs", "1", "--epoch-length", "1", "--plugin", kOpts, "--plugin-opt", "opts.label=x"}));
        check_ok(r);
        CHECK(r.has_line("[opts] flag=false count=1 ratio=0.5 label=x"));
    }
    SECTION("the last occurrence of an option wins") {
        const auto r = host(dry_run({"--epochs", "1", "--epoch-length", "1", "--plugin", kOpts, "--plugin-opt",
                                     "opts.label=a", "--plugin-opt", "opts.label=b", "--plugin-opt", "opts.flag=off"}));
        check_ok(r);
        CHECK(r.has_line("[opts] flag=false count=1 ratio=0.5 label=b"));
    }
    SECTION("a bool that is not a bool") {
        check_failure(
            host(dry_run({"--plugin", kOpts, "--plugin-opt", "opts.label=x", "--plugin-opt", "opts.flag=maybe"})), 2,
            {"plugin 'opts'", "option 'flag'", "a bool", "maybe"});
    }
    SECTION("an int that is not an int") {
        check_failure(
            host(dry_run({"--plugin", kOpts, "--plugin-opt", "opts.label=x", "--plugin-opt", "opts.count=1.5"})), 2,
            {"plugin 'opts'", "option 'count'", "an integer", "1.5"});
    }
    SECTION("a double that is not a number") {
        check_failure(
            host(dry_run({"--plugin", kOpts, "--plugin-opt", "opts.label=x", "--plugin-opt", "opts.ratio=fast"})), 2,
            {"plugin 'opts'", "option 'ratio'", "a number", "fast"});
    }
    SECTION("an int for the frozen fixture that is not an int") {
        check_failure(host(dry_run({"--plugin", kFrozen, "--plugin-opt", "frozen_fixture.every=two"})), 2,
                      {"plugin 'frozen_fixture'", "option 'every'", "an integer", "two"});
    }
    SECTION("an unknown key lists the valid ones") {
        check_failure(
            host(dry_run({"--plugin", kOpts, "--plugin-opt", "opts.label=x", "--plugin-opt", "opts.colour=red"})), 2,
            {"plugin 'opts'", "no option 'colour'", "flag, count, ratio, label"});
    }
    SECTION("a required option that is missing") {
        check_failure(host(dry_run({"--plugin", kOpts})), 2,
                      {"plugin 'opts'", "requires option 'label'", "string", "--plugin-opt opts.label="});
    }
    SECTION("an option for a plugin that is not loaded") {
        check_failure(host(dry_run({"--plugin", kFrozen, "--plugin-opt", "ghost.level=1"})), 2,
                      {"plugin 'ghost'", "not loaded"});
    }
    SECTION("an option that is not NAME.key=value") {
        check_failure(host(dry_run({"--plugin", kFrozen, "--plugin-opt", "frozen_fixture_every_2"})), 2,
                      {"frozen_fixture_every_2", "NAME.key=value"});
    }
}

// ---- --config FILE ---------------------------------------------------------------------------

TEST_CASE("host: --config reads an INI file and the command line wins") {
    const auto cfg = write_file("run.ini",
                                "# a dry run from a file\n"
                                "epochs = 5\n"
                                "epoch-length = 4\n"
                                "plugin = " +
                                    kFrozen +
                                    "\n"
                                    "plugin-opt = frozen_fixture.every=4\n");
    SECTION("the file alone") {
        const auto r = host(dry_run({"--config", cfg.string()}));
        check_ok(r);
        CHECK(r.has_line("[frozen_fixture] loaded (every=4, host ABI 1.7)"));
        CHECK(r.has_line("[frozen_fixture] completed at epoch 5 iteration 20 with ticks=5"));
    }
    SECTION("--epochs on the command line overrides the file") {
        const auto r = host(dry_run({"--config", cfg.string(), "--epochs", "1"}));
        check_ok(r);
        CHECK(r.has_line("[frozen_fixture] completed at epoch 1 iteration 4 with ticks=1"));
        CHECK_FALSE(r.has("epoch 5"));
    }
    SECTION("a missing file") {
        const auto missing = (scratch_dir() / "nope.ini").string();
        check_failure(host(dry_run({"--config", missing})), 2, {missing, "does not exist"});
    }
    SECTION("an unknown key in the file") {
        const auto wrong = write_file("wrong.ini", "epochs = 1\nspeed = 11\n");
        check_failure(host(dry_run({"--config", wrong.string()})), 2, {"speed"});
    }
}

TEST_CASE("host: --plugin-opt on the command line wins over the config file", "[host]") {
    // The file's repeatable values are merged before the command line's, and the last
    // occurrence of an option wins; a plugin named in both is loaded once.
    const auto cfg = write_file("opt.ini", "plugin = " + kFrozen + "\nplugin-opt = frozen_fixture.every=4\n");
    const auto r = host(dry_run(
        {"--config", cfg.string(), "--epochs", "1", "--epoch-length", "4", "--plugin-opt", "frozen_fixture.every=2"}));
    check_ok(r);
    CHECK(r.has_line("[frozen_fixture] loaded (every=2, host ABI 1.7)"));
}

// ---- plugins inspect / list, --version, bad commands -------------------------------------------

TEST_CASE("host: plugins inspect prints the options and events a plugin declares") {
    SECTION("the frozen fixture, by path") {
        const auto r = host({"plugins", "inspect", kFrozen});
        check_ok(r);
        INFO(r.output);
        CHECK(r.has_line("name:        frozen_fixture"));
        CHECK(r.has_line("version:     1.0.0"));
        CHECK(r.has_line("abi:         1.0"));
        CHECK(r.has_line("description: Fixture built against the frozen ABI 1.0 header"));
        CHECK(std::regex_search(
            r.output, std::regex(R"(\n  every +int +default=2 +log \(and tick\) every N trainer iterations\n)")));
        CHECK(std::regex_search(
            r.output, std::regex(R"(\n  frozen_fixture\.TICK +\[state\.ticks\] fired after each logged iteration\n)")));
        CHECK(r.has_line("state:       (none)"));
    }
    SECTION("every option type, a required option, no events; by name") {
        const auto r = host({"plugins", "inspect", "opts"}, kFixtureDir);
        check_ok(r);
        INFO(r.output);
        CHECK(std::regex_search(r.output, std::regex(R"(\n  flag +bool +default=false +a bool\n)")));
        CHECK(std::regex_search(r.output, std::regex(R"(\n  count +int +default=1 +an int\n)")));
        CHECK(std::regex_search(r.output, std::regex(R"(\n  ratio +double +default=0\.5 +a double\n)")));
        CHECK(std::regex_search(r.output, std::regex(R"(\n  label +string +required +a required string\n)")));
        CHECK(std::regex_search(r.output, std::regex(R"(events:\n  \(none\)\n)")));
    }
    SECTION("a broken plugin is an error, not a crash") {
        check_failure(host({"plugins", "inspect", bad("abi2")}), 2, {bad("abi2"), "ABI 2."});
    }
}

TEST_CASE("host: plugins list shows the plugins on IGNITE_PLUGIN_PATH") {
    const auto r = host({"plugins", "list"}, kFixtureDir);
    check_ok(r);
    INFO(r.output);
    CHECK(std::regex_search(
        r.output,
        std::regex(R"(\nfrozen_fixture +1\.0\.0 +plugin 1\.0 +every rank +Fixture built against the frozen ABI 1\.0 header\n)")));
    CHECK(std::regex_search(r.output,
                            std::regex(R"(\nopts +0\.3\.1 +plugin 1\.0 +every rank +Fixture with one option of every type\n)")));
    // A 1.6 plugin says where it runs.
    CHECK(std::regex_search(r.output, std::regex(R"(\nrun16 +1\.0 +plugin 1\.7 +rank 0 +every ABI 1\.6 call, logged\n)")));
}

TEST_CASE("host: plugins inspect and list show the lr_schedule component with Ignite's option names") {
    auto r = host({"plugins", "inspect", "lr_schedule"});
    check_ok(r);
    INFO(r.output);
    CHECK(r.has_line("name:        lr_schedule"));
    CHECK(r.has_line("kind:        component (built into ignite-host)"));
    CHECK(r.has_line("runs on:     every rank"));
    CHECK(r.has_line("band:        handlers (-50)"));
    CHECK(std::regex_search(r.output, std::regex(R"(\n  start_value +double +default=0\.03 +[^\n]*the run's --lr\n)")));
    CHECK(std::regex_search(r.output, std::regex(R"(\n  end_value +double +default=0 )")));
    CHECK(std::regex_search(r.output, std::regex(R"(\n  cycle_size +int +default=0 )")));
    CHECK(std::regex_search(r.output, std::regex(R"(\n  param_name +string +default=lr )")));
    CHECK(r.has_line("state:       lr_scheduler"));
    r = host({"plugins", "list"}, kFixtureDir);
    check_ok(r);
    CHECK(std::regex_search(r.output, std::regex(R"(\nlr_schedule +1\.0 +component +every rank +Ignite's CosineAnnealingScheduler)")));
}

TEST_CASE("host: plugins list survives a directory of broken plugins") {
    const auto r = host({"plugins", "list"}, kBadDir);
    check_ok(r);
    INFO(r.output);
    for (const char* name :
         {"noentry", "nullentry", "abi2", "abi1_99", "smallstruct", "stateformat7", "placement5", "jsonstate13",
          "notalib"}) {
        CHECK(r.has("ignite-plugin-" + std::string(name) + ".so (unusable: "));
    }
    // Loadable ones are listed, even those that fail later (at init or in a handler).
    CHECK(std::regex_search(r.output, std::regex(R"(\ninitfail +0\.0\.1 +plugin 1\.7 )")));
    CHECK(std::regex_search(r.output, std::regex(R"(\ndupname +0\.0\.1-a +plugin 1\.7 )")));
}

TEST_CASE("host: --version names the host and plugin ABI versions") {
    const auto r = host({"--version"});
    check_ok(r);
    CHECK(std::regex_search(r.output, std::regex(R"(^ignite-host [0-9]+\.[0-9]+\.[0-9]+ \(plugin ABI 1\.7\)\n$)")));
}

TEST_CASE("host: an unknown command is bad input") {
    check_failure(host({"frobnicate"}), 2, {"unknown command 'frobnicate'"});
}

TEST_CASE("host: an unknown plugins subcommand and an unknown dry-run flag are bad input") {
    check_failure(host({"plugins", "explode"}), 2, {"unknown plugins command 'explode'"});
    check_failure(host(dry_run({"--epochz", "3"})), 2, {"epochz"});
}

TEST_CASE("host: no command prints the usage and exits 2") {
    const auto r = host({});
    REQUIRE(r.exited);
    CHECK(r.status == 2);
    CHECK(r.has("Usage: ignite-host"));
}
