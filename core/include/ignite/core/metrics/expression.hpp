#pragma once
/// @file expression.hpp
/// Metric expressions: `f1 = 2*precision*recall/(precision+recall)`, the command line's
/// MetricsLambda (`--metric "NAME = EXPR"`), parsed without I/O and tested alone.
///
/// Grammar (whitespace anywhere between tokens):
///   definition := NAME '=' expr
///   expr       := term (('+' | '-') term)*
///   term       := unary (('*' | '/') unary)*
///   unary      := ('-' | '+') unary | primary
///   primary    := NUMBER | NAME | FUNCTION '(' expr ')' | '(' expr ')'
///   NAME       := [A-Za-z_][A-Za-z0-9_]*      NUMBER := digits [. digits] [e[+-]digits]
///   FUNCTION   := mean | sum | sqrt | abs
/// Values are double tensors: a metric's value may be a number or a per-class vector, and
/// the operators apply element-wise with broadcasting as torch's do (so Ignite's
/// `(precision * recall * 2 / (precision + recall)).mean()` is
/// `mean(precision*recall*2/(precision+recall))`); a 0-d result is a double.
///
/// Decision record: errors are one line, "position P: WHAT" with P the 1-based character
/// position in the text as given (the end counts as length + 1), so a host can prefix the
/// flag and the text. A NAME that is a function without '(' is an error, not a metric.

#include <ignite/core/metric.hpp>
#include <ignite/core/metrics/metrics_lambda.hpp>

#include <ATen/ATen.h>

#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace ignite {

/// A malformed expression: what() is "position P: WHAT".
class ExpressionError : public std::invalid_argument {
public:
    ExpressionError(std::size_t position, const std::string& what);
    [[nodiscard]] std::size_t position() const noexcept { return position_; }

private:
    std::size_t position_;
};

/// A parsed expression.
class MetricExpression {
public:
    struct Node;
    /// Parses `text` (an expression, no `NAME =`). Throws ExpressionError.
    static MetricExpression parse(const std::string& text);
    /// Splits "NAME = EXPR" and parses EXPR (positions still count in the whole text).
    /// Throws ExpressionError (a missing '=', a bad NAME, an empty expression, ...).
    static std::pair<std::string, MetricExpression> parse_definition(const std::string& text);
    /// True when `text` looks like a definition (holds '='), so a host tells a metric name
    /// from an expression.
    static bool is_definition(const std::string& text);

    /// The metric names used, in first-use order, each once.
    [[nodiscard]] const std::vector<std::string>& names() const noexcept { return names_; }
    /// Evaluates with `values` (one per names() entry, same order). Throws ValueError for
    /// shapes that do not broadcast.
    [[nodiscard]] at::Tensor evaluate(const std::vector<at::Tensor>& values) const;
    /// A MetricsLambda over `metrics` (one per names() entry, same order): a double for a
    /// one-element result, else the tensor. A metric whose value is not numeric (a dict, a
    /// string) throws TypeError naming it at compute.
    [[nodiscard]] std::shared_ptr<MetricsLambda> metric(std::vector<std::shared_ptr<Metric>> metrics,
                                                        const std::string& name) const;

private:
    std::shared_ptr<const Node> root_;
    std::vector<std::string> names_;
};

}  // namespace ignite
