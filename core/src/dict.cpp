// Ordered dictionary of dynamic values and typed conversion with clear messages.
#include <ignite/core/dict.hpp>
#include <ignite/core/errors.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace ignite {

Dict::Dict(const TorchDict& d) {
    for (const auto& e : d) set(e.key(), e.value());
}

Dict::Dict(const c10::impl::GenericDict& d) {
    for (const auto& e : d) {
        if (!e.key().isString()) {
            throw TypeError(fmt::format("a state dict's keys should be strings, but one is a {}", e.key().tagKind()));
        }
        set(e.key().toStringRef(), e.value());
    }
}

TorchDict Dict::to_torch() const {
    // A Dict<_, IValue> cannot be built directly: LibTorch wants its element types, which
    // only a generic dict takes.
    c10::impl::GenericDict out(c10::StringType::get(), c10::AnyType::get());
    out.reserve(items_.size());
    for (const auto& [k, v] : items_) out.insert(k, v);
    return c10::impl::toTypedDict<std::string, c10::IValue>(std::move(out));
}

const c10::IValue* Dict::find(std::string_view key) const noexcept {
    for (const auto& item : items_) {
        if (item.first == key) return &item.second;
    }
    return nullptr;
}

c10::IValue* Dict::find(std::string_view key) noexcept {
    for (auto& item : items_) {
        if (item.first == key) return &item.second;
    }
    return nullptr;
}

const c10::IValue& Dict::at(std::string_view key) const {
    if (const auto* v = find(key)) return *v;
    throw ValueError(fmt::format("key '{}' is absent; present keys: [{}]", key, fmt::join(keys(), ", ")));
}

void Dict::set(std::string_view key, c10::IValue value) {
    if (auto* v = find(key)) {
        *v = std::move(value);
        return;
    }
    items_.emplace_back(std::string(key), std::move(value));
}

bool Dict::erase(std::string_view key) {
    for (auto it = items_.begin(); it != items_.end(); ++it) {
        if (it->first == key) {
            items_.erase(it);
            return true;
        }
    }
    return false;
}

std::vector<std::string> Dict::keys() const {
    std::vector<std::string> out;
    out.reserve(items_.size());
    for (const auto& item : items_) out.push_back(item.first);
    return out;
}

namespace {
[[noreturn]] void type_mismatch(const c10::IValue& v, std::string_view what, std::string_view wanted) {
    throw TypeError(fmt::format("{} holds a {}, not {}", what, v.tagKind(), wanted));
}
}  // namespace

template <>
std::int64_t value_as<std::int64_t>(const c10::IValue& v, std::string_view what) {
    if (v.isInt()) return v.toInt();
    if (v.isBool()) return v.toBool() ? 1 : 0;
    type_mismatch(v, what, "an int");
}

template <>
double value_as<double>(const c10::IValue& v, std::string_view what) {
    if (v.isDouble()) return v.toDouble();
    if (v.isInt()) return static_cast<double>(v.toInt());
    if (v.isTensor() && v.toTensor().numel() == 1) return v.toTensor().item<double>();
    type_mismatch(v, what, "a double");
}

template <>
bool value_as<bool>(const c10::IValue& v, std::string_view what) {
    if (v.isBool()) return v.toBool();
    type_mismatch(v, what, "a bool");
}

template <>
std::string value_as<std::string>(const c10::IValue& v, std::string_view what) {
    if (v.isString()) return v.toStringRef();
    type_mismatch(v, what, "a string");
}

template <>
at::Tensor value_as<at::Tensor>(const c10::IValue& v, std::string_view what) {
    if (v.isTensor()) return v.toTensor();
    type_mismatch(v, what, "a tensor");
}

}  // namespace ignite
