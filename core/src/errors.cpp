// One way to show an exception, wherever it must be printed or handed across the C ABI.
#include <ignite/core/errors.hpp>

namespace ignite {

std::string describe_exception(const std::exception_ptr& e) {
    try {
        std::rethrow_exception(e);
    } catch (const Error& err) {
        return std::string(err.kind()) + ": " + err.what();
    } catch (const std::exception& err) {
        return std::string("RuntimeError: ") + err.what();
    } catch (...) {
        return "RuntimeError: unknown exception";
    }
}

}  // namespace ignite
