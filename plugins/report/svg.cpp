#include "svg.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace ignite_report::svg {

std::string escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (const char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string number(double v, int digits) {
    if (!std::isfinite(v)) return "\xe2\x80\x94";  // an em dash
    if (v == 0) return "0";
    const double a = std::fabs(v);
    if (a >= 1e6 || a < 1e-4) return fmt::format("{:.{}g}", v, digits);
    std::string s = fmt::format("{:.{}g}", v, digits);
    if (s.find('e') != std::string::npos)
        s = fmt::format("{:.{}f}", v, std::max(0, digits - 1 - int(std::floor(std::log10(a)))));
    if (s.find('.') != std::string::npos) {
        while (s.back() == '0') s.pop_back();
        if (s.back() == '.') s.pop_back();
    }
    return s;
}

std::string coord(double v) { return fmt::format("{:.1f}", v); }

namespace {
double nice(double range, bool round) {
    const double exponent = std::floor(std::log10(range));
    const double fraction = range / std::pow(10, exponent);
    double f = 10;
    if (round) {
        f = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
    } else {
        f = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
    }
    return f * std::pow(10, exponent);
}
}  // namespace

std::vector<double> nice_ticks(double lo, double hi, int count) {
    if (!std::isfinite(lo) || !std::isfinite(hi)) return {};
    if (hi <= lo) return {lo};
    const double step = nice(nice(hi - lo, false) / std::max(1, count - 1), true);
    std::vector<double> out;
    for (double t = std::ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) {
        out.push_back(std::fabs(t) < step * 1e-9 ? 0 : t);
        if (out.size() > 50) break;
    }
    return out;
}

const char* colour(std::size_t i) {
    static const char* const kPalette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                           "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
    return kPalette[i % (sizeof kPalette / sizeof kPalette[0])];
}

double Frame::px(double x) const {
    const double span = x_hi - x_lo;
    return left + (span > 0 ? (x - x_lo) / span : 0.5) * plot_w();
}

double Frame::py(double y) const {
    double lo = y_lo, hi = y_hi, v = y;
    if (log_y) {
        lo = std::log10(lo);
        hi = std::log10(hi);
        v = std::log10(v);
    }
    const double span = hi - lo;
    return top + plot_h() - (span > 0 ? (v - lo) / span : 0.5) * plot_h();
}

std::string open(const Frame& f, std::string_view chart, std::size_t points, std::string_view title) {
    return fmt::format(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {w} {h}\" role=\"img\" "
        "data-chart=\"{c}\" data-points=\"{n}\"><title>{t}</title>\n"
        "<text class=\"ctitle\" x=\"{l}\" y=\"18\">{t}</text>\n",
        fmt::arg("w", f.width), fmt::arg("h", f.height), fmt::arg("c", escape(chart)), fmt::arg("n", points),
        fmt::arg("t", escape(title)), fmt::arg("l", coord(f.left)));
}

std::string axes(const Frame& f, std::string_view x_label, std::string_view y_label, bool integer_x) {
    std::string out = "<g class=\"axes\">\n";
    // y: gridlines and labels
    std::vector<double> yt;
    if (f.log_y) {
        for (double d = std::floor(std::log10(f.y_lo)); d <= std::ceil(std::log10(f.y_hi)); ++d) {
            const double v = std::pow(10, d);
            if (v >= f.y_lo * (1 - 1e-9) && v <= f.y_hi * (1 + 1e-9)) yt.push_back(v);
        }
        if (yt.size() < 2) yt = {f.y_lo, f.y_hi};
    } else {
        yt = nice_ticks(f.y_lo, f.y_hi, 5);
    }
    for (const double t : yt) {
        const double y = f.py(t);
        out += fmt::format(
            "<line class=\"grid\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/>"
            "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n",
            coord(f.left), coord(f.width - f.right), coord(y), coord(y), coord(f.left - 6), coord(y + 4),
            escape(number(t, 3)));
    }
    // x ticks
    auto xt = nice_ticks(f.x_lo, f.x_hi, 6);
    if (integer_x) {
        xt.erase(std::remove_if(xt.begin(), xt.end(), [](double t) { return t != std::floor(t); }), xt.end());
        if (xt.empty()) xt = {std::round(f.x_lo)};
    }
    const double base = f.top + f.plot_h();
    for (const double t : xt) {
        const double x = f.px(t);
        out += fmt::format(
            "<line class=\"axis\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"/>"
            "<text class=\"tick\" x=\"{0}\" y=\"{3}\" text-anchor=\"middle\">{4}</text>\n",
            coord(x), coord(base), coord(base + 5), coord(base + 18), escape(number(t, 6)));
    }
    out += fmt::format(
        "<line class=\"axis\" x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\"/>"
        "<line class=\"axis\" x1=\"{0}\" x2=\"{0}\" y1=\"{3}\" y2=\"{2}\"/>\n",
        coord(f.left), coord(f.width - f.right), coord(base), coord(f.top));
    out += fmt::format("<text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                       coord(f.left + f.plot_w() / 2), coord(f.height - 6), escape(x_label));
    out += fmt::format(
        "<text class=\"label\" transform=\"translate(14 {}) rotate(-90)\" text-anchor=\"middle\">{}</text>\n",
        coord(f.top + f.plot_h() / 2), escape(y_label));
    return out + "</g>\n";
}

std::string legend(const Frame& f, const std::vector<LegendEntry>& entries) {
    // Laid out right to left so it ends at the plot's right edge; ~6.5 px per character.
    std::string out = "<g class=\"legend\">\n";
    double x = f.width - f.right;
    const double y = 32;
    for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
        const double text_w = 6.5 * static_cast<double>(it->label.size());
        x -= text_w;
        out +=
            fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\">{}</text>", coord(x), coord(y + 4), escape(it->label));
        x -= 22;
        const auto& c = it->colour;
        if (it->kind == "dot") {
            out += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{}\"/>", coord(x + 9), coord(y), c);
        } else if (it->kind == "ring") {
            out += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"5\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>",
                               coord(x + 9), coord(y), c);
        } else if (it->kind == "diamond") {
            out += fmt::format("<path d=\"M{0} {1}l5 5-5 5-5-5z\" fill=\"{2}\"/>", coord(x + 9), coord(y - 5), c);
        } else {
            const char* extra = it->kind == "faint"  ? " stroke-opacity=\"0.3\""
                                : it->kind == "dash" ? " stroke-dasharray=\"4 3\""
                                                     : "";
            out +=
                fmt::format("<line x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\" stroke=\"{3}\" stroke-width=\"2\"{4}/>",
                            coord(x), coord(x + 18), coord(y), c, extra);
        }
        out += "\n";
        x -= 14;
    }
    return out + "</g>\n";
}

std::string note(const Frame& f, std::string_view text) {
    return fmt::format("<text class=\"note\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                       coord(f.left + f.plot_w() / 2), coord(f.top + f.plot_h() / 2), escape(text));
}

}  // namespace ignite_report::svg
