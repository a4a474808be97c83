#pragma once
/// @file errors.hpp
/// Exception types thrown by libignite_core.
///
/// They mirror the Python exception kinds Ignite raises (ValueError, TypeError,
/// RuntimeError) so a PyTorch user reading an error recognises it, and so tests can
/// compare against traces recorded from Ignite. All derive from ignite::Error, which
/// derives from std::runtime_error: catch ignite::Error to catch every engine error.

#include <exception>
#include <stdexcept>
#include <string>

namespace ignite {

/// Base class of every error thrown by the engine. what() is a one-line message that
/// names the offending value and, where there is one, the fix.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
    /// The Python-equivalent kind ("ValueError", "TypeError", "RuntimeError").
    [[nodiscard]] virtual const char* kind() const noexcept { return "Error"; }
};

/// An argument has the right type but a wrong value (Ignite's ValueError).
class ValueError : public Error {
public:
    using Error::Error;
    [[nodiscard]] const char* kind() const noexcept override { return "ValueError"; }
};

/// A value has the wrong type, e.g. a state attribute read as int64 holds a string.
class TypeError : public Error {
public:
    using Error::Error;
    [[nodiscard]] const char* kind() const noexcept override { return "TypeError"; }
};

/// The engine was used in a state where the operation is impossible.
class RuntimeError : public Error {
public:
    using Error::Error;
    [[nodiscard]] const char* kind() const noexcept override { return "RuntimeError"; }
};

/// "Kind: message" on one line for any exception: ignite::Error gives its kind, another
/// std::exception counts as "RuntimeError", anything else is "RuntimeError: unknown
/// exception". LibTorch's C++ backtrace is dropped. Used wherever an exception must be
/// shown or handed across the C ABI.
std::string describe_exception(const std::exception_ptr& e);

/// A possibly multi-line message as one line: lines joined by spaces; for a TorchScript
/// interpreter traceback, the error the script raised (its own message, every line of
/// it) and where. "no message" for empty text.
std::string one_line_message(const std::string& text);

}  // namespace ignite
