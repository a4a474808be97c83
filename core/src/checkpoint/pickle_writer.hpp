#pragma once
// A pickle protocol 2 writer for the checkpoint value model, as Python's torch.save pickles:
// tensors as torch._utils._rebuild_tensor_v2 over persistent storages
// ('storage', torch.<T>Storage, key, 'cpu', numel), state_dicts as collections.OrderedDict.
// Own code because LibTorch's Pickler wraps every dict and list in restore_type_tag, which
// torch.load(weights_only=True) refuses (notes E1), and writes no OrderedDict.
#include <ATen/core/ivalue.h>

#include <string>
#include <vector>

namespace ignite::checkpoint::detail {

struct Pickled {
    std::string pickle;                 // the bytes of data.pkl
    std::vector<c10::Storage> storages;  // CPU storages; storage i is record "data/i"
};

/// Pickles `value`. Throws detail::Malformed for a value outside the model.
Pickled pickle_value(const c10::IValue& value);

}  // namespace ignite::checkpoint::detail
