#include "pickle_writer.hpp"

#include "malformed.hpp"
#include "pickle_opcodes.hpp"
#include "storage_types.hpp"

#include <ATen/core/Tensor.h>
#include <ATen/ops/empty.h>
#include <fmt/format.h>

#include <bit>
#include <cstring>
#include <unordered_map>

namespace ignite::checkpoint::detail {

namespace {

// Python decodes every pickled str as UTF-8: a string that is not would make the whole file
// unreadable there, so it is refused when saving.
bool is_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (n == 0 || n > s.size() - i) return false;
        std::uint32_t cp = n == 1 ? c : c & (0x7F >> n);
        for (std::size_t k = 1; k < n; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc >> 6) != 0x2) return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += n;
    }
    return true;
}

class Writer {
public:
    Pickled finish(const c10::IValue& value) {
        out_ += op::PROTO;
        out_ += '\x02';
        write(value, 0);
        out_ += op::STOP;
        return Pickled{std::move(out_), std::move(storages_)};
    }

private:
    static constexpr int kMaxDepth = 1000;  // Python's own recursion limit

    void write(const c10::IValue& v, int depth) {
        if (depth > kMaxDepth) throw Malformed("value nested too deeply (or recursive)");
        if (v.isNone()) {
            out_ += op::NONE;
        } else if (v.isBool()) {
            out_ += v.toBool() ? op::NEWTRUE : op::NEWFALSE;
        } else if (v.isInt()) {
            write_int(v.toInt());
        } else if (v.isDouble()) {
            out_ += op::BINFLOAT;
            put_be64(std::bit_cast<std::uint64_t>(v.toDouble()));
        } else if (v.isString()) {
            write_str(v.toStringRef());
        } else if (v.isTensor()) {
            write_tensor(v.toTensor());
        } else if (v.isTuple()) {
            write_tuple(v.toTupleRef().elements(), depth);
        } else if (v.isList()) {
            out_ += op::EMPTY_LIST;
            const auto items = v.toListRef();
            if (items.empty()) return;
            out_ += op::MARK;
            for (const auto& item : items) write(item, depth + 1);
            out_ += op::APPENDS;
        } else if (v.isGenericDict()) {
            write_dict(v.toGenericDict(), depth);
        } else {
            throw Malformed(fmt::format("cannot save a value of type {}", v.tagKind()));
        }
    }

    void write_int(std::int64_t i) {
        if (i >= 0 && i < 0x100) {
            out_ += op::BININT1;
            out_ += static_cast<char>(i);
        } else if (i >= 0 && i < 0x10000) {
            out_ += op::BININT2;
            put_le(static_cast<std::uint64_t>(i), 2);
        } else if (i >= INT32_MIN && i <= INT32_MAX) {
            out_ += op::BININT;
            put_le(static_cast<std::uint64_t>(i), 4);
        } else {
            // LONG1: little-endian two's complement, without redundant sign bytes (as Python).
            auto u = static_cast<std::uint64_t>(i);
            int n = 8;
            while (n > 1) {
                const auto top = static_cast<unsigned>((u >> (8 * (n - 1))) & 0xFF);
                const auto next_sign = (u >> (8 * (n - 1) - 1)) & 1;
                if ((top == 0x00 && next_sign == 0) || (top == 0xFF && next_sign == 1)) {
                    --n;
                } else {
                    break;
                }
            }
            out_ += op::LONG1;
            out_ += static_cast<char>(n);
            put_le(u, n);
        }
    }

    void write_str(const std::string& s) {
        if (!is_utf8(s)) throw Malformed(fmt::format("cannot save the string '{}': it is not UTF-8", printable(s)));
        out_ += op::BINUNICODE;
        put_le(s.size(), 4);
        out_ += s;
    }

    void write_tuple(c10::ArrayRef<c10::IValue> items, int depth) {
        if (items.empty()) {
            out_ += op::EMPTY_TUPLE;
            return;
        }
        if (items.size() > 3) out_ += op::MARK;
        for (const auto& item : items) write(item, depth + 1);
        constexpr char kSmall[] = {op::TUPLE1, op::TUPLE2, op::TUPLE3};
        out_ += items.size() <= 3 ? kSmall[items.size() - 1] : op::TUPLE;
    }

    void write_dict(const c10::impl::GenericDict& dict, int depth) {
        const bool ordered = dict.valueType()->kind() == c10::TypeKind::TensorType;
        if (ordered) {
            write_empty_ordered_dict();
        } else {
            out_ += op::EMPTY_DICT;
        }
        if (dict.empty()) return;
        out_ += op::MARK;
        for (const auto& entry : dict) {
            const auto& key = entry.key();
            if (!key.isString() && !key.isInt()) {
                throw Malformed(fmt::format("cannot save a dict key of type {} (only str and int)", key.tagKind()));
            }
            write(key, depth + 1);
            write(entry.value(), depth + 1);
        }
        out_ += op::SETITEMS;
    }

    void write_empty_ordered_dict() {
        write_global("collections", "OrderedDict");
        out_ += op::EMPTY_TUPLE;
        out_ += op::REDUCE;
    }

    void write_tensor(const at::Tensor& tensor) {
        if (!tensor.defined()) {
            out_ += op::NONE;  // an undefined tensor is Python's None (e.g. a missing grad)
            return;
        }
        if (tensor.layout() != c10::kStrided || tensor.is_quantized()) {
            throw Malformed(fmt::format("cannot save a tensor with layout {}", c10::toString(tensor.layout())));
        }
        const at::Tensor t = tensor.resolve_conj().resolve_neg();
        const auto class_name = storage_class_name(t.scalar_type());
        if (!class_name) throw Malformed(fmt::format("cannot save a tensor of dtype {}", c10::toString(t.scalar_type())));
        const std::size_t key = storage_key(t);

        write_global("torch._utils", "_rebuild_tensor_v2");
        out_ += op::MARK;
        // The persistent id ('storage', torch.<T>Storage, key, location, numel).
        out_ += op::MARK;
        write_str("storage");
        write_global("torch", *class_name);
        write_str(std::to_string(key));
        write_str("cpu");
        write_int(static_cast<std::int64_t>(storages_[key].nbytes() / t.element_size()));
        out_ += op::TUPLE;
        out_ += op::BINPERSID;
        write_int(t.storage_offset());
        write_int_tuple(t.sizes());
        write_int_tuple(t.strides());
        out_ += t.requires_grad() ? op::NEWTRUE : op::NEWFALSE;
        write_empty_ordered_dict();  // backward hooks
        out_ += op::TUPLE;
        out_ += op::REDUCE;
    }

    void write_int_tuple(c10::IntArrayRef values) {
        if (values.empty()) {
            out_ += op::EMPTY_TUPLE;
            return;
        }
        out_ += op::MARK;
        for (const auto v : values) write_int(v);
        out_ += op::TUPLE;
    }

    // The record index of the tensor's whole storage (copied to the CPU when elsewhere);
    // tensors sharing a storage share the record, as torch.save does.
    std::size_t storage_key(const at::Tensor& t) {
        const auto* impl = t.storage().unsafeGetStorageImpl();
        if (const auto it = keys_.find(impl); it != keys_.end()) {
            if (dtypes_[it->second] != t.scalar_type()) {
                throw Malformed("cannot save tensors that view one storage as different dtypes");
            }
            return it->second;
        }
        if (t.storage().nbytes() % t.element_size() != 0) {
            throw Malformed("cannot save a tensor whose storage is not a whole number of elements");
        }
        c10::Storage storage = t.storage();
        if (!t.is_cpu()) {
            const auto numel = static_cast<std::int64_t>(storage.nbytes() / t.element_size());
            const at::Tensor whole = at::empty({0}, t.options()).set_(storage, 0, {numel}, {1});
            storage = whole.cpu().storage();
        }
        const std::size_t key = storages_.size();
        storages_.push_back(std::move(storage));
        dtypes_.push_back(t.scalar_type());
        keys_.emplace(impl, key);
        return key;
    }

    // GLOBAL once per name, then a memo reference (as Python's pickler does).
    void write_global(std::string_view module, std::string_view name) {
        const std::string qualified = fmt::format("{}\n{}\n", module, name);
        if (const auto it = memo_.find(qualified); it != memo_.end()) {
            out_ += op::LONG_BINGET;
            put_le(it->second, 4);
            return;
        }
        out_ += op::GLOBAL;
        out_ += qualified;
        const auto index = static_cast<std::uint32_t>(memo_.size());
        out_ += op::LONG_BINPUT;
        put_le(index, 4);
        memo_.emplace(qualified, index);
    }

    void put_le(std::uint64_t v, int n) {
        for (int i = 0; i < n; ++i) out_ += static_cast<char>((v >> (8 * i)) & 0xFF);
    }
    void put_be64(std::uint64_t v) {
        for (int i = 7; i >= 0; --i) out_ += static_cast<char>((v >> (8 * i)) & 0xFF);
    }

    std::string out_;
    std::vector<c10::Storage> storages_;
    std::vector<c10::ScalarType> dtypes_;
    std::unordered_map<const c10::StorageImpl*, std::size_t> keys_;
    std::unordered_map<std::string, std::uint32_t> memo_;
};

}  // namespace

Pickled pickle_value(const c10::IValue& value) { return Writer().finish(value); }

}  // namespace ignite::checkpoint::detail
