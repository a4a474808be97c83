#pragma once
// A pickle reader for the opcodes Python's torch.save emits (protocol 2, and the few of
// protocol 4 a re-saved file may hold), building the checkpoint value model. It allows only
// the globals torch.load(weights_only=True) allows for state dicts: collections.OrderedDict,
// torch._utils._rebuild_tensor_v2 / _rebuild_parameter, torch.<T>Storage and torch.Size;
// anything else is refused by name. Own code because LibTorch's unpickler turns OrderedDict
// into None and rejects one-item dicts and lists and ints of 5-7 bytes (notes E4).
#include <ATen/core/ivalue.h>

#include <cstdint>
#include <functional>
#include <span>
#include <string>

namespace ignite::checkpoint::detail {

/// Returns the CPU storage of record `key` holding `numel` elements of `dtype`; called once
/// per key. Throws detail::Malformed when the record is missing or has another size.
using StorageLoader = std::function<c10::Storage(const std::string& key, c10::ScalarType dtype, std::uint64_t numel)>;

/// The value pickled in `pickle`. Throws detail::Malformed naming what is wrong.
c10::IValue unpickle(std::span<const char> pickle, const StorageLoader& load_storage);

}  // namespace ignite::checkpoint::detail
