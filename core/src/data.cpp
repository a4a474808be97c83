// Built-in data sources: vectors (re-iterable), generators (one-pass), adapters.
#include <ignite/core/data.hpp>
#include <ignite/core/errors.hpp>

namespace ignite::data {
namespace {

class VectorIterator final : public DataIterator {
public:
    explicit VectorIterator(std::shared_ptr<const std::vector<c10::IValue>> values) : values_(std::move(values)) {}
    bool next(c10::IValue& out) override {
        if (pos_ >= values_->size()) return false;
        out = (*values_)[pos_++];
        return true;
    }

private:
    std::shared_ptr<const std::vector<c10::IValue>> values_;
    std::size_t pos_ = 0;
};

class VectorSource final : public DataSource {
public:
    explicit VectorSource(std::vector<c10::IValue> values)
        : values_(std::make_shared<const std::vector<c10::IValue>>(std::move(values))) {}
    std::shared_ptr<DataIterator> iter() override { return std::make_shared<VectorIterator>(values_); }
    std::optional<std::int64_t> size() const override { return static_cast<std::int64_t>(values_->size()); }

private:
    std::shared_ptr<const std::vector<c10::IValue>> values_;
};

class RangeIterator final : public DataIterator {
public:
    RangeIterator(std::int64_t begin, std::int64_t end) : next_(begin), end_(end) {}
    bool next(c10::IValue& out) override {
        if (next_ >= end_) return false;
        out = next_++;
        return true;
    }

private:
    std::int64_t next_, end_;
};

class RangeSource final : public DataSource {
public:
    RangeSource(std::int64_t begin, std::int64_t end) : begin_(begin), end_(end) {}
    std::shared_ptr<DataIterator> iter() override { return std::make_shared<RangeIterator>(begin_, end_); }
    std::optional<std::int64_t> size() const override { return std::max<std::int64_t>(0, end_ - begin_); }

private:
    std::int64_t begin_, end_;
};

class GeneratorIterator final : public DataIterator {
public:
    explicit GeneratorIterator(Generator gen) : gen_(std::move(gen)) {}
    bool next(c10::IValue& out) override {
        if (exhausted_) return false;  // a finished Python generator stays finished
        c10::IValue value;
        if (!gen_(value)) {
            exhausted_ = true;
            return false;
        }
        out = std::move(value);
        return true;
    }

private:
    Generator gen_;
    bool exhausted_ = false;
};

class OnePassSource final : public DataSource {
public:
    OnePassSource(Generator gen, std::optional<std::int64_t> length)
        : iter_(std::make_shared<GeneratorIterator>(std::move(gen))), length_(length) {}
    std::shared_ptr<DataIterator> iter() override { return iter_; }
    std::optional<std::int64_t> size() const override { return length_; }

private:
    std::shared_ptr<DataIterator> iter_;
    std::optional<std::int64_t> length_;
};

class ReiterableSource final : public DataSource {
public:
    ReiterableSource(std::function<Generator()> make_pass, std::optional<std::int64_t> length)
        : make_pass_(std::move(make_pass)), length_(length) {}
    std::shared_ptr<DataIterator> iter() override { return std::make_shared<GeneratorIterator>(make_pass_()); }
    std::optional<std::int64_t> size() const override { return length_; }

private:
    std::function<Generator()> make_pass_;
    std::optional<std::int64_t> length_;
};

}  // namespace

DataPtr from_values(std::vector<c10::IValue> batches) { return std::make_shared<VectorSource>(std::move(batches)); }

DataPtr range(std::int64_t begin, std::int64_t end) { return std::make_shared<RangeSource>(begin, end); }

DataPtr one_pass(Generator next, std::optional<std::int64_t> length) {
    if (!next) throw ValueError("data::one_pass needs a generator function");
    return std::make_shared<OnePassSource>(std::move(next), length);
}

DataPtr one_pass_values(std::vector<c10::IValue> batches) {
    auto values = std::make_shared<std::vector<c10::IValue>>(std::move(batches));
    auto pos = std::make_shared<std::size_t>(0);
    return one_pass([values, pos](c10::IValue& out) {
        if (*pos >= values->size()) return false;
        out = (*values)[(*pos)++];
        return true;
    });
}

DataPtr reiterable(std::function<Generator()> make_pass, std::optional<std::int64_t> length) {
    if (!make_pass) throw ValueError("data::reiterable needs a function that starts a pass");
    return std::make_shared<ReiterableSource>(std::move(make_pass), length);
}

}  // namespace ignite::data
