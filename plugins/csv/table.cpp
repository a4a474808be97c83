#include "table.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <system_error>

namespace ignite_csv {

std::string quote(std::string_view field) {
    const bool must = field.find_first_of(",\"\r\n") != std::string_view::npos ||
                      (!field.empty() && (field.front() == ' ' || field.back() == ' '));
    if (!must) return std::string(field);
    std::string out = "\"";
    for (char c : field) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + '"';
}

std::string number(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

std::vector<std::pair<std::string, double>> flatten(const std::string& name, std::size_t ndim,
                                                    const std::vector<double>& elements) {
    std::vector<std::pair<std::string, double>> out;
    if (ndim == 0 && elements.size() == 1) out.emplace_back(name, elements.front());
    if (ndim == 1)
        for (std::size_t i = 0; i < elements.size(); ++i) out.emplace_back(name + "/" + std::to_string(i), elements[i]);
    return out;
}

Parsed parse(std::string_view text) {
    Parsed out;
    std::size_t start = 0;
    while (start < text.size()) {
        Record rec;
        std::string field;
        bool quoted = false, whole = false;
        std::size_t i = start;
        for (; i < text.size(); ++i) {
            const char c = text[i];
            if (quoted) {
                if (c != '"') {
                    field += c;
                } else if (i + 1 < text.size() && text[i + 1] == '"') {
                    field += '"';
                    ++i;
                } else {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                rec.fields.push_back(std::move(field));
                field.clear();
            } else if (c == '\n') {
                if (!field.empty() && field.back() == '\r') field.pop_back();
                whole = true;
                break;
            } else {
                field += c;
            }
        }
        rec.fields.push_back(std::move(field));
        const std::size_t end = whole ? i + 1 : text.size();
        rec.text = std::string(text.substr(start, end - start));
        if (whole)
            out.records.push_back(std::move(rec));
        else
            out.cut = std::move(rec.text);
        start = end;
    }
    return out;
}

Table::Table() : columns_(kFixedColumns) {}

Table::Added Table::add(const Row& row) {
    std::vector<std::string> cells{row.engine, std::to_string(row.epoch), std::to_string(row.iteration),
                                   std::to_string(row.global_step)};
    bool widened = false;
    for (const auto& [given, value] : row.values) {
        const bool fixed = std::find(kFixedColumns.begin(), kFixedColumns.end(), given) != kFixedColumns.end();
        const std::string name = fixed ? row.engine + "/" + given : given;
        auto it = std::find(columns_.begin(), columns_.end(), name);
        if (it == columns_.end()) {
            columns_.push_back(name);
            widened = true;
            it = columns_.end() - 1;
        }
        const auto index = static_cast<std::size_t>(it - columns_.begin());
        if (cells.size() <= index) cells.resize(index + 1);
        cells[index] = number(value);
    }
    Added out{widened, line(cells)};
    rows_.push_back(std::move(cells));
    return out;
}

std::string Table::line(const std::vector<std::string>& cells) const {
    std::string s;
    for (std::size_t i = 0; i < columns_.size(); ++i) {
        if (i) s += ',';
        if (i < cells.size()) s += quote(cells[i]);
    }
    return s + '\n';
}

std::string Table::header() const { return line(columns_); }

std::string Table::text() const {
    std::string s = header();
    for (const auto& r : rows_) s += line(r);
    return s;
}

namespace {

// The record's global_step when it is a whole integer.
bool step_of(const std::string& field, std::int64_t& out) {
    const auto* end = field.data() + field.size();
    const auto r = std::from_chars(field.data(), end, out);
    return r.ec == std::errc() && r.ptr == end && !field.empty();
}

}  // namespace

Table::Cut Table::load_until(std::string_view file, std::int64_t global_step) {
    Cut cut;
    *this = Table();
    const Parsed parsed = parse(file);
    if (parsed.records.empty()) {
        // A file holding only part of its header line: nothing of it can be kept.
        if (!parsed.cut.empty()) {
            cut.moved = 1;
            cut.moved_text = parsed.cut + '\n';
        }
        return cut;
    }
    const auto& header = parsed.records.front();
    if (header.fields.size() < kFixedColumns.size() ||
        !std::equal(kFixedColumns.begin(), kFixedColumns.end(), header.fields.begin()))
        throw std::invalid_argument("its header does not start with engine,epoch,iteration,global_step");
    columns_ = header.fields;
    cut.moved_text = header.text;
    const std::size_t step_column = 3;
    for (std::size_t i = 1; i < parsed.records.size(); ++i) {
        const auto& rec = parsed.records[i];
        std::int64_t step = 0;
        const bool fits = rec.fields.size() <= columns_.size() && rec.fields.size() > step_column &&
                          step_of(rec.fields[step_column], step);
        if (fits && step <= global_step) {
            rows_.push_back(rec.fields);
        } else {
            cut.moved_text += rec.text;
            ++cut.moved;
        }
    }
    if (!parsed.cut.empty()) {
        cut.moved_text += parsed.cut + '\n';
        ++cut.moved;
    }
    if (cut.moved == 0) cut.moved_text.clear();
    return cut;
}

}  // namespace ignite_csv
