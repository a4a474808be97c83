#include <ignite/core/metrics/expression.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <variant>

namespace ignite {

ExpressionError::ExpressionError(std::size_t position, const std::string& what)
    : std::invalid_argument(fmt::format("position {}: {}", position, what)), position_(position) {}

// A node: a number, a metric (index into names_), a unary/binary operator or a function.
struct MetricExpression::Node {
    enum class Kind { number, name, negate, add, subtract, multiply, divide, call } kind;
    double number = 0;
    std::size_t index = 0;  // name
    std::string function;   // call
    std::shared_ptr<const Node> left, right;
};

namespace {

using Node = MetricExpression::Node;
using NodePtr = std::shared_ptr<const Node>;

const char* const kFunctions[] = {"mean", "sum", "sqrt", "abs"};

bool is_function(const std::string& s) {
    return std::find(std::begin(kFunctions), std::end(kFunctions), s) != std::end(kFunctions);
}

class Parser {
public:
    Parser(const std::string& text, std::size_t begin, std::vector<std::string>& names)
        : text_(text), pos_(begin), names_(names) {}

    NodePtr parse_all() {
        skip();
        if (pos_ >= text_.size()) fail("the expression is empty; expected a number, a metric name or '('");
        auto n = expr();
        skip();
        if (pos_ < text_.size()) {
            fail(text_[pos_] == ')' ? std::string("unmatched ')'")
                                    : fmt::format("unexpected '{}'; expected an operator (+ - * /) or the end",
                                                  text_[pos_]));
        }
        return n;
    }

private:
    [[noreturn]] void fail(const std::string& what) const { throw ExpressionError(pos_ + 1, what); }
    void skip() {
        while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    }
    bool eat(char c) {
        skip();
        if (pos_ < text_.size() && text_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }
    static NodePtr make(Node::Kind k, NodePtr l, NodePtr r = nullptr) {
        auto n = std::make_shared<Node>();
        n->kind = k;
        n->left = std::move(l);
        n->right = std::move(r);
        return n;
    }

    NodePtr expr() {
        auto n = term();
        for (;;) {
            if (eat('+')) n = make(Node::Kind::add, n, term());
            else if (eat('-')) n = make(Node::Kind::subtract, n, term());
            else return n;
        }
    }
    NodePtr term() {
        auto n = unary();
        for (;;) {
            if (eat('*')) n = make(Node::Kind::multiply, n, unary());
            else if (eat('/')) n = make(Node::Kind::divide, n, unary());
            else return n;
        }
    }
    NodePtr unary() {
        if (eat('-')) return make(Node::Kind::negate, unary());
        if (eat('+')) return unary();
        return primary();
    }
    NodePtr primary() {
        skip();
        if (pos_ >= text_.size()) fail("the expression ends early; expected a number, a metric name or '('");
        const char c = text_[pos_];
        if (c == '(') {
            ++pos_;
            auto n = expr();
            if (!eat(')')) fail("expected ')'");
            return n;
        }
        if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') return number();
        if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') return name();
        fail(fmt::format("unexpected '{}'; expected a number, a metric name or '('", c));
    }
    NodePtr number() {
        const std::size_t start = pos_;
        auto digits = [&] {
            const auto from = pos_;
            while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
            return pos_ > from;
        };
        bool any = digits();
        if (pos_ < text_.size() && text_[pos_] == '.') {
            ++pos_;
            any = digits() || any;
        }
        if (!any) {
            pos_ = start;
            fail("'.' is not a number; write 0.5, not .");
        }
        if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
            ++pos_;
            if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
            if (!digits()) fail("the exponent of a number needs digits (e.g. 1e-3)");
        }
        auto n = std::make_shared<Node>();
        n->kind = Node::Kind::number;
        n->number = std::strtod(text_.substr(start, pos_ - start).c_str(), nullptr);
        return n;
    }
    NodePtr name() {
        const std::size_t start = pos_;
        while (pos_ < text_.size() &&
               (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_'))
            ++pos_;
        const std::string word = text_.substr(start, pos_ - start);
        if (is_function(word)) {
            if (!eat('(')) {
                pos_ = start;
                fail(fmt::format("{} is a function: write {}(...)", word, word));
            }
            auto arg = expr();
            if (!eat(')')) fail(fmt::format("expected ')' closing {}(", word));
            auto n = std::make_shared<Node>();
            n->kind = Node::Kind::call;
            n->function = word;
            n->left = std::move(arg);
            return n;
        }
        skip();
        if (pos_ < text_.size() && text_[pos_] == '(') {
            pos_ = start;
            fail(fmt::format("unknown function '{}'; the functions are mean, sum, sqrt, abs", word));
        }
        auto it = std::find(names_.begin(), names_.end(), word);
        if (it == names_.end()) it = names_.insert(names_.end(), word);
        auto n = std::make_shared<Node>();
        n->kind = Node::Kind::name;
        n->index = static_cast<std::size_t>(it - names_.begin());
        return n;
    }

    const std::string& text_;
    std::size_t pos_;
    std::vector<std::string>& names_;
};

at::Tensor eval(const Node& n, const std::vector<at::Tensor>& values) {
    switch (n.kind) {
        case Node::Kind::number:
            return at::scalar_tensor(n.number, at::kDouble);
        case Node::Kind::name:
            return values.at(n.index);
        case Node::Kind::negate:
            return -eval(*n.left, values);
        case Node::Kind::call: {
            const at::Tensor a = eval(*n.left, values);
            if (n.function == "mean") return a.mean();
            if (n.function == "sum") return a.sum();
            if (n.function == "sqrt") return a.sqrt();
            return a.abs();
        }
        default:
            break;
    }
    const at::Tensor a = eval(*n.left, values), b = eval(*n.right, values);
    try {
        switch (n.kind) {
            case Node::Kind::add:
                return a + b;
            case Node::Kind::subtract:
                return a - b;
            case Node::Kind::multiply:
                return a * b;
            default:
                return a / b;
        }
    } catch (const c10::Error&) {
        throw ValueError(fmt::format("values of sizes [{}] and [{}] cannot be combined element-wise",
                                     fmt::join(a.sizes(), ", "), fmt::join(b.sizes(), ", ")));
    }
}

}  // namespace

MetricExpression MetricExpression::parse(const std::string& text) {
    MetricExpression e;
    e.root_ = Parser(text, 0, e.names_).parse_all();
    return e;
}

bool MetricExpression::is_definition(const std::string& text) { return text.find('=') != std::string::npos; }

std::pair<std::string, MetricExpression> MetricExpression::parse_definition(const std::string& text) {
    const auto eq = text.find('=');
    if (eq == std::string::npos) throw ExpressionError(text.size() + 1, "expected 'NAME = EXPRESSION'");
    std::size_t a = 0;
    while (a < eq && std::isspace(static_cast<unsigned char>(text[a]))) ++a;
    std::size_t b = eq;
    while (b > a && std::isspace(static_cast<unsigned char>(text[b - 1]))) --b;
    if (a == b) throw ExpressionError(a + 1, "the metric's name is missing before '='");
    const std::string name = text.substr(a, b - a);
    for (std::size_t i = 0; i < name.size(); ++i) {
        const auto ch = static_cast<unsigned char>(name[i]);
        if (!(std::isalnum(ch) || ch == '_') || (i == 0 && std::isdigit(ch))) {
            throw ExpressionError(a + i + 1, fmt::format("the name '{}' is not [A-Za-z_][A-Za-z0-9_]*", name));
        }
    }
    if (is_function(name)) throw ExpressionError(a + 1, fmt::format("'{}' is a function, not a metric name", name));
    if (text.find('=', eq + 1) != std::string::npos) {
        throw ExpressionError(text.find('=', eq + 1) + 1, "a second '='; give one 'NAME = EXPRESSION'");
    }
    MetricExpression e;
    e.root_ = Parser(text, eq + 1, e.names_).parse_all();
    if (std::find(e.names_.begin(), e.names_.end(), name) != e.names_.end()) {
        throw ExpressionError(text.find(name, eq + 1) + 1, fmt::format("'{}' is defined in terms of itself", name));
    }
    return {name, std::move(e)};
}

at::Tensor MetricExpression::evaluate(const std::vector<at::Tensor>& values) const {
    if (values.size() != names_.size()) {
        throw ValueError(fmt::format("the expression uses {} metrics, {} values given", names_.size(), values.size()));
    }
    return eval(*root_, values);
}

std::shared_ptr<MetricsLambda> MetricExpression::metric(std::vector<std::shared_ptr<Metric>> metrics,
                                                        const std::string& name) const {
    if (metrics.size() != names_.size()) {
        throw ValueError(
            fmt::format("{}: the expression uses {} metrics, {} given", name, names_.size(), metrics.size()));
    }
    if (metrics.empty()) {
        // Ignite's MetricsLambda needs a metric; a constant has none to follow.
        throw ValueError(fmt::format("{}: the expression uses no metric", name));
    }
    auto self = *this;
    return MetricsLambda::make(
        [self, names = names_](const std::vector<c10::IValue>& v) -> c10::IValue {
            std::vector<at::Tensor> values;
            values.reserve(v.size());
            for (std::size_t i = 0; i < v.size(); ++i) values.push_back(metric_tensor(v[i], "metric '" + names[i] + "'"));
            at::Tensor r = self.evaluate(values);
            if (r.numel() == 1) return r.item<double>();
            return r;
        },
        std::move(metrics), name);
}

}  // namespace ignite
