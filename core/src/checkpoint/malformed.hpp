#pragma once
// The internal error of the checkpoint reader and writer: what is wrong, without the file
// name. checkpoint_file.cpp turns it into a FileError that names the file.
#include <stdexcept>

namespace ignite::checkpoint::detail {

class Malformed : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace ignite::checkpoint::detail
