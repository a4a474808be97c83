// One way to show an exception, wherever it must be printed or handed across the C ABI.
#include <ignite/core/errors.hpp>

#include <c10/util/Exception.h>

#include <cctype>
#include <sstream>
#include <vector>

namespace ignite {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
        if (!line.empty()) out.push_back(line);
    }
    return out;
}

// "RuntimeError: boom" -> true: an unindented "Name: ..." line whose name ends in
// Error or Exception, as TorchScript ends its traceback with the raised error.
bool is_error_line(const std::string& line) {
    const auto colon = line.find(": ");
    if (colon == std::string::npos || colon == 0 || std::isspace(static_cast<unsigned char>(line[0]))) return false;
    const std::string name = line.substr(0, colon);
    for (const char c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.') return false;
    }
    auto ends_with = [&](const char* suffix) {
        const std::string s = suffix;
        return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
    };
    return ends_with("Error") || ends_with("Exception");
}

// A message that names its own kind (a TorchScript "AssertionError: ...") keeps it;
// anything else is a RuntimeError, as Python shows a C++ exception.
std::string with_kind(const std::string& message) {
    return is_error_line(message) ? message : "RuntimeError: " + message;
}

}  // namespace

std::string one_line_message(const std::string& text) {
    const auto lines = lines_of(text);
    if (lines.empty()) return "no message";
    // The TorchScript interpreter wraps the model's own error in a traceback: the useful
    // part is the raised error at the end, plus where in the script it was raised.
    if (text.find("Traceback of TorchScript") != std::string::npos) {
        std::size_t k = lines.size();
        while (k > 0 && !is_error_line(lines[k - 1])) --k;
        if (k > 0) {
            std::string out = lines[k - 1];
            // "RuntimeError: AssertionError: msg": the script's own kind is the inner one.
            if (const auto inner = out.find(": "); inner != std::string::npos && is_error_line(out.substr(inner + 2))) {
                out = out.substr(inner + 2);
            }
            for (std::size_t i = k; i < lines.size(); ++i) out += " " + lines[i];
            for (std::size_t i = k - 1; i-- > 0;) {  // the innermost `File "...", line N, in f`
                const auto pos = lines[i].find("File \"");
                if (pos != std::string::npos) {
                    out += " (TorchScript " + lines[i].substr(pos) + ")";
                    break;
                }
            }
            return out;
        }
    }
    std::string out = lines.front();
    for (std::size_t i = 1; i < lines.size(); ++i) out += " " + lines[i];
    return out;
}

std::string describe_exception(const std::exception_ptr& e) {
    try {
        std::rethrow_exception(e);
    } catch (const Error& err) {
        return std::string(err.kind()) + ": " + one_line_message(err.what());
    } catch (const c10::Error& err) {
        // LibTorch appends a multi-line C++ backtrace to what(); users want the message.
        return with_kind(one_line_message(err.what_without_backtrace()));
    } catch (const std::exception& err) {
        return with_kind(one_line_message(err.what()));
    } catch (...) {
        return "RuntimeError: unknown exception";
    }
}

}  // namespace ignite
