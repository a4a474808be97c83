#pragma once
/// @file dict.hpp
/// An insertion-ordered string -> c10::IValue map (Python's dict), used for state
/// attributes, metrics and state_dict(). Small by nature (tens of keys), so it is a
/// vector with linear lookup: faster than a hash map at this size and keeps order.

#include <ATen/core/Dict.h>
#include <ATen/core/ivalue.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ignite {

/// LibTorch's ordered dict with string keys (torch::Dict<std::string, c10::IValue>), the
/// form torch::pickle_save / torch::jit code and Python's torch.load exchange.
using TorchDict = c10::Dict<std::string, c10::IValue>;

/// Insertion-ordered dictionary of dynamic values. Values are c10::IValue, so a key
/// may hold None, bool, int64, double, string, tensor, tuple, list or dict. Converts to
/// and from LibTorch dicts in both directions, order kept:
///
///     TorchDict sd = engine.state_dict();                        // or .to_torch()
///     auto bytes = torch::pickle_save(c10::IValue(sd));
///     engine.load_state_dict(torch::pickle_load(bytes).toGenericDict());
class Dict {
public:
    using Item = std::pair<std::string, c10::IValue>;

    Dict() = default;
    Dict(std::initializer_list<Item> items) {
        for (const auto& [k, v] : items) set(k, v);
    }
    /// From a LibTorch dict (implicit, as Python passes any mapping).
    Dict(const TorchDict& d);  // NOLINT(google-explicit-constructor)
    /// From a generic LibTorch dict, e.g. `torch::pickle_load(bytes).toGenericDict()`.
    /// Throws TypeError when a key is not a string.
    Dict(const c10::impl::GenericDict& d);  // NOLINT(google-explicit-constructor)
    /// The same content as a LibTorch dict (values shared, not deep-copied).
    [[nodiscard]] TorchDict to_torch() const;
    operator TorchDict() const { return to_torch(); }  // NOLINT(google-explicit-constructor)

    /// True when `key` is present (a None value is present).
    [[nodiscard]] bool contains(std::string_view key) const noexcept { return find(key) != nullptr; }
    /// Pointer to the value, or null when absent. Invalidated by set()/erase().
    [[nodiscard]] const c10::IValue* find(std::string_view key) const noexcept;
    [[nodiscard]] c10::IValue* find(std::string_view key) noexcept;
    /// The value; throws ValueError naming the key and the keys present when absent.
    [[nodiscard]] const c10::IValue& at(std::string_view key) const;
    /// Inserts or replaces; a new key goes last, a replaced key keeps its position.
    void set(std::string_view key, c10::IValue value);
    /// Removes `key`; returns false when it was absent.
    bool erase(std::string_view key);
    void clear() noexcept { items_.clear(); }

    /// Typed read: int64_t, double, bool, std::string or at::Tensor. Throws ValueError
    /// when absent and TypeError when the value has another type (ints widen to double).
    template <typename T>
    [[nodiscard]] T get(std::string_view key) const;

    [[nodiscard]] std::size_t size() const noexcept { return items_.size(); }
    [[nodiscard]] bool empty() const noexcept { return items_.empty(); }
    [[nodiscard]] auto begin() const noexcept { return items_.begin(); }
    [[nodiscard]] auto end() const noexcept { return items_.end(); }
    /// Keys in insertion order.
    [[nodiscard]] std::vector<std::string> keys() const;

private:
    std::vector<Item> items_;
};

/// Converts a dynamic value to T with the same rules and messages as Dict::get;
/// `what` names the value in the message (e.g. "state attribute 'alpha'").
template <typename T>
T value_as(const c10::IValue& v, std::string_view what);

template <>
std::int64_t value_as<std::int64_t>(const c10::IValue&, std::string_view);
template <>
double value_as<double>(const c10::IValue&, std::string_view);
template <>
bool value_as<bool>(const c10::IValue&, std::string_view);
template <>
std::string value_as<std::string>(const c10::IValue&, std::string_view);
template <>
at::Tensor value_as<at::Tensor>(const c10::IValue&, std::string_view);

template <typename T>
T Dict::get(std::string_view key) const {
    return value_as<T>(at(key), key);
}

}  // namespace ignite
