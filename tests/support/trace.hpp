#pragma once
// Writes engine activity in the grammar of the Ignite conformance traces
// (tests/fixtures/README in shared/conformance): RUN / EV / PF / H / CALL / RET / RAISE /
// STATE / WARN lines. Used by the conformance replay and the behaviour tests.

#include <ignite/core/engine.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace ignite::test {

/// Python's list(range(n)) and its label in RUN lines, "list(range(n))".
DataPtr list(std::int64_t n);
std::string list_label(std::int64_t n);

/// Formats a value as the traces do: null, true/false, ints, floats as %.6g (".0"
/// added), JSON strings, [a,b] lists/tuples, {"k":v} dicts, tensor[...].
std::string format_value(const c10::IValue& v);
/// "epoch= iteration= max_epochs= epoch_length= output= batch= times={...}", then
/// " max_iters=" when `with_max_iters` (the traces recorded from Ignite 0.5.5).
std::string format_state(const State& s, bool with_max_iters = false);
/// Kind("message") for an exception_ptr, as Python reprs an exception.
std::string format_exception(const std::exception_ptr& e);

/// A recorded line against ours: equal, or for RAISE lines the same position, error kind
/// and message up to its first Python repr (shared/conformance/README.md, "Comparing").
bool lines_match(const std::string& expected, const std::string& actual);
/// Parses tests/fixtures/<file>; fails the test when it cannot be read.
nlohmann::json load_fixture(const std::string& file);
/// Checks `actual` against `expected` line by line (Catch CHECKs naming `scenario` and
/// the line), stopping at the first difference, which it shows in full.
void check_trace(const std::string& scenario, const std::vector<std::string>& expected,
                 const std::vector<std::string>& actual);

class Trace {
public:
    std::vector<std::string> lines;
    /// STATE / RET lines end with max_iters (Ignite 0.5.5's state has it).
    bool with_max_iters = false;

    void add(std::string line) { lines.push_back(std::move(line)); }
    /// Adds EV lines for every event `engine` dispatches (tag "[eval]" for EV[eval]).
    void observe(Engine& engine, const std::string& tag = "");
    /// A process function that writes PF and returns its batch.
    ProcessFunction echo();
    /// Writes "H label e= i=" + suffix for the engine's current state.
    void h(Engine& engine, const std::string& label, const std::string& suffix = "");
    /// A handler writing "H label ...".
    std::function<void(Engine&)> handler(const std::string& label);
    /// Writes RUN, runs, and writes RET, or RAISE + STATE when run() throws.
    void run(Engine& engine, DataPtr data, const std::string& data_label,
             std::optional<std::int64_t> max_epochs = std::nullopt,
             std::optional<std::int64_t> epoch_length = std::nullopt);
    /// The same with run()'s keyword arguments (max_iters included).
    void run(Engine& engine, DataPtr data, const std::string& data_label, const Engine::RunArgs& args);
    /// "STATE <state>" for the engine's current state.
    void state(const Engine& engine) { add("STATE " + format_state(engine.state, with_max_iters)); }
    /// Writes "CALL what -> result".
    void call(const std::string& what, const std::string& result) { add("CALL " + what + " -> " + result); }
    /// Runs f, writing "CALL what -> null" or "CALL what -> RAISE Kind: msg".
    template <typename F>
    void call_raising(const std::string& what, F&& f) {
        try {
            f();
            call(what, "null");
        } catch (...) {
            call(what, "RAISE " + describe_exception(std::current_exception()));
        }
    }
};

}  // namespace ignite::test
