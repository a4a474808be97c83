// One way to show an exception, wherever it must be printed or handed across the C ABI.
#include <ignite/core/errors.hpp>

#include <c10/util/Exception.h>

namespace ignite {

std::string describe_exception(const std::exception_ptr& e) {
    try {
        std::rethrow_exception(e);
    } catch (const Error& err) {
        return std::string(err.kind()) + ": " + err.what();
    } catch (const c10::Error& err) {
        // LibTorch appends a multi-line C++ backtrace to what(); users want the message.
        std::string msg = err.what_without_backtrace();
        return "RuntimeError: " + msg.substr(0, msg.find('\n'));
    } catch (const std::exception& err) {
        return std::string("RuntimeError: ") + err.what();
    } catch (...) {
        return "RuntimeError: unknown exception";
    }
}

}  // namespace ignite
