#pragma once
// Writes engine activity in the grammar of the Ignite conformance traces
// (tests/fixtures/README in shared/conformance): RUN / EV / PF / H / CALL / RET / RAISE /
// STATE / WARN lines. Used by the conformance replay and the behaviour tests.

#include <ignite/core/engine.hpp>

#include <optional>
#include <string>
#include <vector>

namespace ignite::test {

/// Formats a value as the traces do: null, true/false, ints, floats as %.6g (".0"
/// added), JSON strings, [a,b] lists/tuples, {"k":v} dicts, tensor[...].
std::string format_value(const c10::IValue& v);
/// "epoch= iteration= max_epochs= epoch_length= output= batch= times={...}".
std::string format_state(const State& s);
/// Kind("message") for an exception_ptr, as Python reprs an exception.
std::string format_exception(const std::exception_ptr& e);

class Trace {
public:
    std::vector<std::string> lines;

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
