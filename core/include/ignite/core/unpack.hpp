#pragma once
/// @file unpack.hpp
/// unpack<T...>(value): typed C++ values out of the engine's dynamic c10::IValue, the
/// way Python unpacks `x, y = batch` or `y_pred, y = output`.
///
///     auto [x, y] = ignite::unpack<at::Tensor, at::Tensor>(engine.state.batch);
///     auto loss = ignite::unpack<double>(engine.state.output);
///
/// Supported types: c10::IValue (as is), at::Tensor, double (also from an int or a
/// one-element tensor), std::int64_t, bool, std::string, std::optional<T> (None is
/// nullopt), std::vector<T> (from a list, tuple or tensor list), and std::tuple<T...> /
/// std::pair<A, B> (from a tuple, list or tensor list of exactly that many elements,
/// element by element). Tensors are returned as they are (not detached, not copied).

#include <ignite/core/dict.hpp>
#include <ignite/core/errors.hpp>

#include <ATen/core/ivalue.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace ignite {

namespace detail {

/// The elements of a tuple, list or tensor list; nullopt for any other value.
std::optional<std::vector<c10::IValue>> sequence_items(const c10::IValue& v);
/// "a Tuple of 3", "a Tensor", "None": what a value is, for messages.
std::string describe_value(const c10::IValue& v);
[[noreturn]] void unpack_mismatch(const c10::IValue& v, std::string_view what, const std::string& wanted);

template <typename T>
struct Unpack;

template <typename T>
concept Scalar = std::is_same_v<T, at::Tensor> || std::is_same_v<T, double> || std::is_same_v<T, std::int64_t> ||
    std::is_same_v<T, bool> || std::is_same_v<T, std::string>;

template <Scalar T>
struct Unpack<T> {
    static std::string name() {
        if constexpr (std::is_same_v<T, at::Tensor>)
            return "Tensor";
        else if constexpr (std::is_same_v<T, double>)
            return "float";
        else if constexpr (std::is_same_v<T, std::int64_t>)
            return "int";
        else if constexpr (std::is_same_v<T, bool>)
            return "bool";
        else
            return "str";
    }
    static T from(const c10::IValue& v, std::string_view what) {
        // value_as gives the same rules (ints widen to double) with its own message.
        const bool ok = std::is_same_v<T, at::Tensor> ? v.isTensor()
                        : std::is_same_v<T, double>
                            ? v.isDouble() || v.isInt() || (v.isTensor() && v.toTensor().numel() == 1)
                        : std::is_same_v<T, std::int64_t> ? v.isInt() || v.isBool()
                        : std::is_same_v<T, bool>         ? v.isBool()
                                                          : v.isString();
        if (!ok) unpack_mismatch(v, what, name());
        return value_as<T>(v, what);
    }
};

template <>
struct Unpack<c10::IValue> {
    static std::string name() { return "any"; }
    static c10::IValue from(const c10::IValue& v, std::string_view) { return v; }
};

template <typename T>
struct Unpack<std::optional<T>> {
    static std::string name() { return "Optional[" + Unpack<T>::name() + "]"; }
    static std::optional<T> from(const c10::IValue& v, std::string_view what) {
        if (v.isNone()) return std::nullopt;
        return Unpack<T>::from(v, what);
    }
};

template <typename T>
struct Unpack<std::vector<T>> {
    static std::string name() { return "List[" + Unpack<T>::name() + "]"; }
    static std::vector<T> from(const c10::IValue& v, std::string_view what) {
        auto items = sequence_items(v);
        if (!items) unpack_mismatch(v, what, name());
        std::vector<T> out;
        out.reserve(items->size());
        for (const auto& item : *items) out.push_back(Unpack<T>::from(item, what));
        return out;
    }
};

template <typename... Ts>
struct UnpackSequence {
    static std::string name() {
        std::string out = "(";
        bool first = true;
        ((out += (first ? "" : ", ") + Unpack<Ts>::name(), first = false), ...);
        return out + ")";
    }
    template <typename Result>
    static Result from(const c10::IValue& v, std::string_view what) {
        auto items = sequence_items(v);
        if (!items || items->size() != sizeof...(Ts)) unpack_mismatch(v, what, "a tuple or list " + name());
        return [&]<std::size_t... I>(std::index_sequence<I...>) {
            return Result{Unpack<Ts>::from((*items)[I], what)...};
        }
        (std::index_sequence_for<Ts...>{});
    }
};

template <typename... Ts>
struct Unpack<std::tuple<Ts...>> {
    static std::string name() { return UnpackSequence<Ts...>::name(); }
    static std::tuple<Ts...> from(const c10::IValue& v, std::string_view what) {
        return UnpackSequence<Ts...>::template from<std::tuple<Ts...>>(v, what);
    }
};

template <typename A, typename B>
struct Unpack<std::pair<A, B>> {
    static std::string name() { return UnpackSequence<A, B>::name(); }
    static std::pair<A, B> from(const c10::IValue& v, std::string_view what) {
        return UnpackSequence<A, B>::template from<std::pair<A, B>>(v, what);
    }
};

/// A callable whose parameter types can be read: a non-generic lambda or functor, a
/// function pointer, a std::function.
template <typename F>
concept HasParameterTypes = requires {
    &F::operator();
}
|| std::is_function_v<std::remove_pointer_t<F>>;

/// The parameter types of a callable with one call operator (a non-generic lambda, a
/// function pointer, a std::function): Arg<N> is the N-th parameter, decayed.
template <typename F>
struct CallableTraits : CallableTraits<decltype(&F::operator())> {};
template <typename R, typename... A>
struct CallableTraits<R (*)(A...)> {
    static constexpr std::size_t arity = sizeof...(A);
    template <std::size_t N>
    using Arg = std::decay_t<std::tuple_element_t<N, std::tuple<A...>>>;
};
template <typename C, typename R, typename... A>
struct CallableTraits<R (C::*)(A...)> : CallableTraits<R (*)(A...)> {};
template <typename C, typename R, typename... A>
struct CallableTraits<R (C::*)(A...) const> : CallableTraits<R (*)(A...)> {};
template <typename R, typename... A>
struct CallableTraits<R(A...)> : CallableTraits<R (*)(A...)> {};
// noexcept is part of the type since C++17: `[](Engine&, const Batch&) noexcept {...}` and
// noexcept functions are read the same way.
template <typename R, typename... A>
struct CallableTraits<R (*)(A...) noexcept> : CallableTraits<R (*)(A...)> {};
template <typename C, typename R, typename... A>
struct CallableTraits<R (C::*)(A...) noexcept> : CallableTraits<R (*)(A...)> {};
template <typename C, typename R, typename... A>
struct CallableTraits<R (C::*)(A...) const noexcept> : CallableTraits<R (*)(A...)> {};
template <typename R, typename... A>
struct CallableTraits<R(A...) noexcept> : CallableTraits<R (*)(A...)> {};

/// T is a type unpack<T>() produces.
template <typename T>
concept Unpackable = requires(const c10::IValue& v) {
    Unpack<T>::from(v, std::string_view{});
};

}  // namespace detail

/// `unpack<T>(v)` converts `v` to T; `unpack<T1, T2, ...>(v)` unpacks a tuple or list of
/// exactly that many elements into std::tuple<T1, T2, ...> (use a structured binding).
/// `what` names the value in the error. Throws TypeError naming `what`, the expected
/// types and what `v` holds, e.g. "output should be a tuple or list (Tensor, Tensor),
/// but given a Tuple of 3".
template <typename... Ts>
requires(sizeof...(Ts) >= 1) auto unpack(const c10::IValue& v, std::string_view what = "value") {
    if constexpr (sizeof...(Ts) == 1) {
        return detail::Unpack<Ts...>::from(v, what);
    } else {
        return detail::Unpack<std::tuple<Ts...>>::from(v, what);
    }
}

}  // namespace ignite
