#pragma once
// metrics.csv's rules, without I/O: which columns, what a row holds, how a field is quoted,
// how a header widens, and what a resumed run keeps. The plugin (csv.cpp) only writes what
// this decides; tests/csv_table_test.cpp runs it alone.
//
// Decisions:
// - Columns: `engine,epoch,iteration,global_step` first (the engine's own counters, and the
//   trainer's iteration at that point, so one x axis serves every engine), then every value
//   column in the order it first appeared. A row leaves the columns it has no value for empty.
// - A column that appears later (a metric first computed in epoch 3, the first epoch row after
//   iteration rows) WIDENS the header: add() says so, and the plugin rewrites the whole file
//   atomically (text(): the new header, old rows with empty cells). Considered: a second file
//   per header (pandas then needs a concat), a header fixed at the first row (drops the
//   metric), columns declared up front (a plugin's metric is not known before it is computed).
//   A widening rewrite is rare (once per new column), every other row is one append.
// - Quoting as RFC 4180 / Python's csv.QUOTE_MINIMAL: a field with a comma, a quote, a CR or
//   LF, or a leading or trailing space is quoted, quotes doubled. Numbers never need it.
// - Numbers: the shortest text that reads back as the same double (std::to_chars), so pandas
//   gets exactly the value the run had; `nan`, `inf`, `-inf` for the non-finite ones (pandas
//   reads all three as floats). metrics.jsonl rounds to 6 decimals; this file does not round.
// - Resume (cut_after): the records whose global_step is after the resumed trainer iteration
//   belong to the abandoned continuation and are MOVED to an orphaned file (their bytes as
//   they were, under the file's header), like metrics.jsonl's superseded lines; so are a last
//   record cut short (a killed writer: no final newline) and a record that does not fit the
//   header (more cells than it has, or no integer global_step), which pandas would refuse.
//   Resuming from the newest checkpoint usually moves nothing and the file is only appended to.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ignite_csv {

/// The columns every row fills, in this order.
inline const std::vector<std::string> kFixedColumns{"engine", "epoch", "iteration", "global_step"};

/// `field` as a CSV field (quoted only when it must be).
std::string quote(std::string_view field);
/// `v` as the shortest text that parses back to `v`; nan, inf, -inf.
std::string number(double v);

/// A metric's columns, flattened as Ignite's loggers flatten (`_flatten_dict`): a number (0-D)
/// under its name, a 1-D tensor's elements as name/0, name/1...; nothing for more dimensions
/// (a confusion matrix: Ignite's loggers warn and drop it; metrics.jsonl has it). `elements`
/// in row-major order.
std::vector<std::pair<std::string, double>> flatten(const std::string& name, std::size_t ndim,
                                                    const std::vector<double>& elements);

/// One row before it is placed into columns.
struct Row {
    std::string engine;
    std::int64_t epoch = 0, iteration = 0, global_step = 0;
    /// (column, value) in the order new columns should be added; a column given twice keeps
    /// its last value. A value named like a fixed column goes to "<engine>/<name>" instead
    /// (a metric called `epoch` never overwrites the counter).
    std::vector<std::pair<std::string, double>> values;
};

/// The parsed records of a CSV text (fields unquoted) and their bytes.
struct Record {
    std::vector<std::string> fields;
    std::string text;  ///< the record's bytes as in the file, its line end included
};
struct Parsed {
    std::vector<Record> records;  ///< whole records (ending in a newline), the header first
    std::string cut;              ///< a last record without its newline (a killed writer), or ""
};
/// Splits `text` into records (quoted fields may hold commas, quotes and newlines; "\r\n" ends
/// a record as "\n" does).
Parsed parse(std::string_view text);

/// The table the file shows: its columns and every row's cells.
class Table {
public:
    /// An empty table with the fixed columns.
    Table();

    /// What adding a row did: `widened` when it brought columns the header did not have
    /// (rewrite the whole file: text()); `line` is the row as one CSV line ('\n' included),
    /// under the widened header.
    struct Added {
        bool widened = false;
        std::string line;
    };
    Added add(const Row& row);

    /// The header line ('\n' included).
    [[nodiscard]] std::string header() const;
    /// The whole file: header and every row, each padded to the current columns.
    [[nodiscard]] std::string text() const;
    [[nodiscard]] const std::vector<std::string>& columns() const noexcept { return columns_; }
    [[nodiscard]] std::size_t rows() const noexcept { return rows_.size(); }

    /// What a resumed run keeps of an existing file (see the decisions above).
    struct Cut {
        std::size_t moved = 0;   ///< records moved aside (the cut last one included)
        std::string moved_text;  ///< the orphaned file: the old header, then the moved records' bytes
    };
    /// Replaces this table by the rows of `file` (a metrics.csv's text) whose global_step is at
    /// most `global_step`; the others go into the returned moved_text. An empty `file` keeps
    /// the empty table. Throws std::invalid_argument when the file's header does not start
    /// with the fixed columns (not this plugin's file: nothing is decided for it).
    Cut load_until(std::string_view file, std::int64_t global_step);

private:
    [[nodiscard]] std::string line(const std::vector<std::string>& cells) const;
    std::vector<std::string> columns_;
    std::vector<std::vector<std::string>> rows_;  // cells by column index; shorter = empty tail
};

}  // namespace ignite_csv
