#pragma once
/// @file checkpoint_file.hpp
/// The checkpoint file format: torch's zip format, the one Python's `torch.save` writes
/// and `torch.load(path, weights_only=True)` / Ignite's `Checkpoint.load_objects` read.
/// This is the only place in the project that writes or reads it.
///
/// Value model (c10::IValue, both directions):
///   Python dict / collections.OrderedDict <-> c10 Dict (str or int keys, insertion order kept)
///   list <-> c10 List, tuple <-> ivalue::Tuple, str <-> string, int <-> int64 (a Python int
///   outside int64 is an error), float <-> double, bool, None, torch.Tensor <-> at::Tensor.
/// Which dicts become OrderedDict: a dict whose value type is Tensor (`c10::Dict<std::string,
/// at::Tensor>`, i.e. a module state_dict) is written as `collections.OrderedDict`, every
/// other dict as a plain dict. Reading, an OrderedDict whose values are all tensors comes
/// back as `c10::Dict<std::string, at::Tensor>`, every other dict as a GenericDict with Any
/// values, so a state_dict round-trips as an OrderedDict. A state_dict's `_metadata`
/// attribute (module versions) is not kept.
/// Tensors: CPU, any common dtype (float32/64, float16, bfloat16, int8/16/32/64, uint8, bool,
/// complex64/128), any strides; storage shared between tensors stays shared; CUDA tensors
/// are copied to the CPU when saved; loaded tensors are on the CPU.
///
/// Loading checks the whole file before building anything: the zip structure, every
/// entry's CRC32 (torch.load does not: a flipped bit would load silently), the record
/// layout, and the pickle, which may only use the globals torch.load(weights_only=True)
/// allows for state dicts. Every problem is one FileError.

#include "ignite/core/dict.hpp"
#include "ignite/core/errors.hpp"

#include <ATen/core/ivalue.h>

#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace ignite::checkpoint {

/// A checkpoint file could not be read or written. what() is one line,
/// "checkpoint 'PATH': REASON", naming the file and what is wrong with it.
class FileError : public RuntimeError {
public:
    FileError(std::string path, std::string reason);
    /// The file as given by the caller (or the name given to decode()).
    [[nodiscard]] const std::string& path() const noexcept { return path_; }
    /// What is wrong, without the file name (e.g. "CRC32 mismatch in entry 'archive/data/0'").
    [[nodiscard]] const std::string& reason() const noexcept { return reason_; }

private:
    std::string path_;
    std::string reason_;
};

/// The bytes of a torch zip file holding `value` (archive folder "archive", as torch.save
/// to a buffer writes). Throws FileError (path = `name`) for a value outside the model
/// above (e.g. an Object, a sparse tensor, a dict with mixed key types).
[[nodiscard]] std::vector<char> encode(const c10::IValue& value, const std::string& name = "<memory>");

/// The value held by the torch zip file `bytes`, after every check above; `name` is the
/// file's name in error messages. Throws FileError.
[[nodiscard]] c10::IValue decode(std::span<const char> bytes, const std::string& name = "<memory>");

/// Saves `value` to `path` durably (durable_file.hpp: temporary file in the same folder,
/// fsync, rename, fsync of the folder). Throws FileError for a value outside the model and
/// io::WriteError when writing fails (disk full, file too large, I/O error); either way the
/// earlier file at `path` is untouched and no temporary is left.
void save(const c10::IValue& value, const std::filesystem::path& path);

/// Reads and checks the checkpoint at `path` (see decode). Throws FileError, also when the
/// file cannot be opened or read.
[[nodiscard]] c10::IValue load(const std::filesystem::path& path);

/// `d` as a checkpoint value: a plain dict (str keys, Any values) in `d`'s order, e.g. for
/// Engine::state_dict() under "trainer".
[[nodiscard]] c10::IValue to_value(const Dict& d);

/// A loaded dict with str keys as a Dict (e.g. for Engine::load_state_dict); `what` names it
/// in the message. Throws TypeError when `v` is not a dict with str keys.
[[nodiscard]] Dict to_dict(const c10::IValue& v, std::string_view what);

}  // namespace ignite::checkpoint
