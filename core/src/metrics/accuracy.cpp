#include <ignite/core/metrics/accuracy.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <utility>

namespace ignite {
namespace {

// Shapes as Python prints them, so messages read like Ignite's.
std::string shape(const at::Tensor& t) { return fmt::format("torch.Size([{}])", fmt::join(t.sizes(), ", ")); }

const char* type_name(int t) {
    static const char* const names[] = {"unknown", "binary", "multiclass", "multilabel"};
    return names[t];
}

}  // namespace

Accuracy::Accuracy(OutputTransform output_transform, bool is_multilabel)
    : Metric(std::move(output_transform)), is_multilabel_(is_multilabel) {
    reset();
}

void Accuracy::reset() {
    num_correct_ = at::zeros({}, at::kLong);
    num_examples_ = 0;
    type_ = Type::kUnknown;
    num_classes_ = 0;
}

void Accuracy::check_shape(const at::Tensor& y_pred, const at::Tensor& y) const {
    if (!(y.dim() == y_pred.dim() || y.dim() + 1 == y_pred.dim())) {
        throw ValueError(
            fmt::format("y must have shape of (batch_size, ...) and y_pred must have shape of "
                        "(batch_size, num_categories, ...) or (batch_size, ...), but given {} vs {}.",
                        shape(y), shape(y_pred)));
    }
    std::vector<std::int64_t> pred_shape(y_pred.sizes().begin(), y_pred.sizes().end());
    if (y.dim() + 1 == y_pred.dim()) pred_shape.erase(pred_shape.begin() + 1);  // drop num_categories
    if (!(y.sizes() == at::IntArrayRef(pred_shape))) {
        throw ValueError(
            fmt::format("y and y_pred must have compatible shapes, but given {} vs {}.", shape(y), shape(y_pred)));
    }
    if (is_multilabel_ && !(y.sizes() == y_pred.sizes() && y.dim() > 1 && y.size(1) > 1)) {
        throw ValueError(
            fmt::format("y and y_pred must have same shape of (batch_size, num_categories, ...) and "
                        "num_categories > 1, but given {} vs {}.",
                        shape(y), shape(y_pred)));
    }
}

void Accuracy::check_type(const at::Tensor& y_pred, const at::Tensor& y) {
    auto check_binary = [&] {
        // x == x*x holds exactly for 0 and 1 (Ignite's torch.equal(y, y ** 2)).
        if (!at::equal(y, y * y)) throw ValueError("For binary cases, y must be comprised of 0's and 1's.");
        if (!at::equal(y_pred, y_pred * y_pred)) {
            throw ValueError("For binary cases, y_pred must be comprised of 0's and 1's.");
        }
    };
    Type update_type;
    std::int64_t num_classes;
    if (y.dim() + 1 == y_pred.dim()) {
        num_classes = y_pred.size(1);
        if (num_classes == 1) {
            update_type = Type::kBinary;
            check_binary();
        } else {
            update_type = Type::kMulticlass;
        }
    } else {  // same dim (check_shape ruled out the rest)
        check_binary();
        update_type = is_multilabel_ ? Type::kMultilabel : Type::kBinary;
        num_classes = is_multilabel_ ? y_pred.size(1) : 1;
    }
    if (type_ == Type::kUnknown) {
        type_ = update_type;
        num_classes_ = num_classes;
        return;
    }
    if (type_ != update_type) {
        throw RuntimeError(fmt::format("Input data type has changed from {} to {}.", type_name(int(type_)),
                                       type_name(int(update_type))));
    }
    if (num_classes_ != num_classes) {
        throw ValueError(
            fmt::format("Input data number of classes has changed from {} to {}", num_classes_, num_classes));
    }
}

void Accuracy::update(const c10::IValue& output) {
    auto [y_pred, y] = unpack_pair(output, "Accuracy");
    check_shape(y_pred, y);
    check_type(y_pred, y);

    at::Tensor correct;
    switch (type_) {
        case Type::kBinary:
            correct = at::eq(y_pred.reshape({-1}).to(y.scalar_type()), y.reshape({-1}));
            break;
        case Type::kMulticlass:
            correct = at::eq(at::argmax(y_pred, 1), y).reshape({-1});
            break;
        case Type::kMultilabel: {
            // (N, C, ...) -> (N * ..., C): each row is one sample's labels.
            const auto c = y_pred.size(1);
            const auto last = y_pred.dim() - 1;
            const at::Tensor p = y_pred.transpose(1, last).reshape({-1, c});
            const at::Tensor t = y.transpose(1, last).reshape({-1, c});
            correct = at::all(at::eq(t, p.to(t.scalar_type())), -1);
            break;
        }
        case Type::kUnknown:
            break;  // unreachable: check_type set it
    }
    if (num_correct_.device() != correct.device()) num_correct_ = num_correct_.to(correct.device());
    num_correct_ += correct.sum();
    num_examples_ += correct.size(0);
}

c10::IValue Accuracy::compute() const {
    if (num_examples_ == 0) {
        throw RuntimeError("Accuracy must have at least one example before it can be computed.");
    }
    return static_cast<double>(num_correct_.item<std::int64_t>()) / static_cast<double>(num_examples_);
}

std::vector<double> Accuracy::statistics() const {
    return {static_cast<double>(num_correct_.item<std::int64_t>()), static_cast<double>(num_examples_)};
}

void Accuracy::load_statistics(const std::vector<double>& stats) {
    if (stats.size() != 2) {
        throw ValueError(
            fmt::format("Accuracy.load_statistics: expected {{correct, total}}, got {} numbers", stats.size()));
    }
    num_correct_ = at::scalar_tensor(static_cast<std::int64_t>(stats[0]), num_correct_.options());
    num_examples_ = static_cast<std::int64_t>(stats[1]);
}

}  // namespace ignite
