#pragma once
/// @file data.hpp
/// What an Engine iterates over. Python distinguishes re-iterable collections (a list,
/// a DataLoader: each `iter()` starts over) from one-pass iterators (a generator:
/// `iter()` returns itself, so once exhausted it stays exhausted). The engine's rules
/// depend on that difference and on whether the length is known, so both are explicit.

#include <ATen/core/ivalue.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace ignite {

/// One pass over a data source.
class DataIterator {
public:
    virtual ~DataIterator() = default;
    /// Writes the next batch into `out` and returns true, or returns false when the
    /// pass is exhausted (Python's StopIteration). May throw; the engine routes the
    /// exception to EXCEPTION_RAISED like one from the process function.
    virtual bool next(c10::IValue& out) = 0;
};

/// A source of batches.
class DataSource {
public:
    virtual ~DataSource() = default;
    /// Starts a pass. Re-iterable sources return a fresh iterator each call; one-pass
    /// sources return the same, shared iterator every time.
    virtual std::shared_ptr<DataIterator> iter() = 0;
    /// Number of batches per pass when known (Python's len()); nullopt otherwise.
    [[nodiscard]] virtual std::optional<std::int64_t> size() const { return std::nullopt; }
};

using DataPtr = std::shared_ptr<DataSource>;

namespace data {

/// A re-iterable, sized source over a vector of batches (Python's list). Elements are
/// anything c10::IValue is constructible from (int64_t, double, at::Tensor, tuples...).
DataPtr from_values(std::vector<c10::IValue> batches);

template <typename T>
DataPtr from(const std::vector<T>& batches) {
    std::vector<c10::IValue> values;
    values.reserve(batches.size());
    for (const auto& b : batches) values.emplace_back(b);
    return from_values(std::move(values));
}

/// list(range(begin, end)): a re-iterable, sized source of int64 batches.
DataPtr range(std::int64_t begin, std::int64_t end);
inline DataPtr range(std::int64_t n) { return range(0, n); }

/// A generator function: returns false when exhausted. Called on the engine's thread.
using Generator = std::function<bool(c10::IValue&)>;

/// A one-pass iterator (Python's generator / iter(list)): iter() always returns the
/// same pass. `length`, when given, is reported as size() (a sized iterator).
DataPtr one_pass(Generator next, std::optional<std::int64_t> length = std::nullopt);

/// iter(list): a one-pass, unsized iterator over `batches`.
DataPtr one_pass_values(std::vector<c10::IValue> batches);

/// A re-iterable source whose passes come from `make_pass` (called once per pass), with
/// an optional known length. Adapts any C++ container or loader without copying.
DataPtr reiterable(std::function<Generator()> make_pass, std::optional<std::int64_t> length = std::nullopt);

}  // namespace data
}  // namespace ignite
