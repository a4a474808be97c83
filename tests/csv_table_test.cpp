// metrics.csv's rules (plugins/csv/table.cpp) without I/O, as tables: quoting, numbers, the
// header that widens, the parser, and what a resumed run keeps. tests/csv_test.cpp runs the
// plugin end to end and reads its file with pandas.
#include "../plugins/csv/table.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

using ignite_csv::number;
using ignite_csv::parse;
using ignite_csv::quote;
using ignite_csv::Row;
using ignite_csv::Table;

TEST_CASE("csv quoting: a field is quoted only when it must be, quotes doubled", "[csv]") {
    struct Case {
        std::string field, written;
    };
    const std::vector<Case> cases{
        {"accuracy", "accuracy"},     {"lr/group_0", "lr/group_0"},         {"", ""},
        {"f1,macro", "\"f1,macro\""}, {"say \"hi\"", "\"say \"\"hi\"\"\""}, {"two\nlines", "\"two\nlines\""},
        {"cr\r", "\"cr\r\""},         {" padded", "\" padded\""},           {"padded ", "\"padded \""},
        {"in side", "in side"},
    };
    for (const auto& c : cases) {
        INFO(c.field);
        CHECK(quote(c.field) == c.written);
        // And the parser reads back the field written.
        const auto p = parse(quote(c.field) + ",x\n");
        REQUIRE(p.records.size() == 1);
        CHECK(p.records[0].fields == std::vector<std::string>{c.field, "x"});
    }
}

TEST_CASE("csv numbers: the shortest text that reads back as the same double, nan and inf by name", "[csv]") {
    struct Case {
        double v;
        std::string written;
    };
    const std::vector<Case> cases{
        {0.1, "0.1"},
        {1.0, "1"},
        {0.30000000000000004, "0.30000000000000004"},
        {1e-300, "1e-300"},
        {-2.5, "-2.5"},
        {std::numeric_limits<double>::quiet_NaN(), "nan"},
        {std::numeric_limits<double>::infinity(), "inf"},
        {-std::numeric_limits<double>::infinity(), "-inf"},
    };
    for (const auto& c : cases) {
        INFO(c.written);
        CHECK(number(c.v) == c.written);
        if (std::isfinite(c.v)) CHECK(std::stod(number(c.v)) == c.v);
    }
}

TEST_CASE("csv table: a column that appears later widens the header and pads the rows before it", "[csv]") {
    Table t;
    CHECK(t.header() == "engine,epoch,iteration,global_step\n");
    // Iteration rows first (loss, lr), then the epoch row brings avg_loss, the evaluator accuracy.
    struct Step {
        Row row;
        bool widened;
        std::string line;
    };
    const std::vector<Step> steps{
        {{"trainer", 1, 2, 2, {{"loss", 0.5}, {"lr/group_0", 0.01}}}, true, "trainer,1,2,2,0.5,0.01\n"},
        {{"trainer", 1, 4, 4, {{"loss", 0.25}, {"lr/group_0", 0.01}}}, false, "trainer,1,4,4,0.25,0.01\n"},
        {{"trainer", 1, 5, 5, {{"avg_loss", 0.4}, {"lr/group_0", 0.01}}}, true, "trainer,1,5,5,,0.01,0.4\n"},
        {{"evaluator", 1, 2, 5, {{"accuracy", 0.9}, {"loss", 0.3}}}, true, "evaluator,1,2,5,0.3,,,0.9\n"},
        {{"evaluator", 1, 2, 10, {{"loss", 0.2}}}, false, "evaluator,1,2,10,0.2,,,\n"},
    };
    for (const auto& s : steps) {
        INFO(s.line);
        const auto added = t.add(s.row);
        CHECK(added.widened == s.widened);
        CHECK(added.line == s.line);
    }
    CHECK(t.text() ==
          "engine,epoch,iteration,global_step,loss,lr/group_0,avg_loss,accuracy\n"
          "trainer,1,2,2,0.5,0.01,,\n"
          "trainer,1,4,4,0.25,0.01,,\n"
          "trainer,1,5,5,,0.01,0.4,\n"
          "evaluator,1,2,5,0.3,,,0.9\n"
          "evaluator,1,2,10,0.2,,,\n");
}

TEST_CASE(
    "csv table: names with commas and quotes are quoted in the header and a value named like a counter gets the "
    "engine's prefix",
    "[csv]") {
    Table t;
    t.add({"trainer", 1, 5, 5, {{"f1,macro", 0.5}, {"say \"x\"", 1}, {"epoch", 7}}});
    CHECK(t.header() == "engine,epoch,iteration,global_step,\"f1,macro\",\"say \"\"x\"\"\",trainer/epoch\n");
    const auto p = parse(t.text());
    REQUIRE(p.records.size() == 2);
    CHECK(p.records[0].fields[4] == "f1,macro");
    CHECK(p.records[1].fields == std::vector<std::string>{"trainer", "1", "5", "5", "0.5", "1", "7"});
}

TEST_CASE("csv parser: whole records, CRLF, quoted newlines, and a last record cut short", "[csv]") {
    struct Case {
        std::string text;
        std::size_t records;
        std::string cut;
    };
    const std::vector<Case> cases{
        {"", 0, ""},
        {"a,b\n", 1, ""},
        {"a,b\r\n1,2\r\n", 2, ""},
        {"a,b\n1,2", 1, "1,2"},
        {"a,b\n\"x\ny\",2\n", 2, ""},
        {"a,b\n\"x\ny", 1, "\"x\ny"},
        {"a,b", 0, "a,b"},
    };
    for (const auto& c : cases) {
        INFO(c.text);
        const auto p = parse(c.text);
        CHECK(p.records.size() == c.records);
        CHECK(p.cut == c.cut);
    }
    CHECK(parse("a,b\r\n1,2\r\n").records[1].fields == std::vector<std::string>{"1", "2"});
    CHECK(parse("a,b\n\"x\ny\",2\n").records[1].fields == std::vector<std::string>{"x\ny", "2"});
}

namespace {

const std::string kHeader = "engine,epoch,iteration,global_step,loss,avg_loss\n";

}  // namespace

TEST_CASE("csv resume: rows after the resumed step move aside with the header, the rest are kept", "[csv]") {
    const std::string file = kHeader +
                             "trainer,1,5,5,0.3,0.4\n"
                             "evaluator,1,2,5,0.2,\n"
                             "trainer,2,10,10,0.2,0.3\n"
                             "evaluator,1,2,10,0.1,\n"
                             "trainer,3,12,12,0.1,\n";
    struct Case {
        std::int64_t step;
        std::size_t kept, moved;
    };
    // (the step resumed at, rows kept, rows moved)
    const std::vector<Case> cases{{0, 0, 5}, {5, 2, 3}, {9, 2, 3}, {10, 4, 1}, {12, 5, 0}, {100, 5, 0}};
    for (const auto& c : cases) {
        INFO("resumed at " << c.step);
        Table t;
        const auto cut = t.load_until(file, c.step);
        CHECK(t.rows() == c.kept);
        CHECK(cut.moved == c.moved);
        const auto kept = parse(t.text());
        for (std::size_t i = 1; i < kept.records.size(); ++i) CHECK(std::stoll(kept.records[i].fields[3]) <= c.step);
        if (c.moved == 0) {
            CHECK(cut.moved_text.empty());
            CHECK(t.text() == file);  // nothing to rewrite: the same bytes
        } else {
            const auto moved = parse(cut.moved_text);
            REQUIRE(moved.records.size() == c.moved + 1);
            CHECK(moved.records[0].text == kHeader);
            for (std::size_t i = 1; i < moved.records.size(); ++i)
                CHECK(std::stoll(moved.records[i].fields[3]) > c.step);
        }
    }
}

TEST_CASE("csv resume: a cut last row and rows that do not fit the header move aside too", "[csv]") {
    struct Case {
        std::string name, rows;
        std::size_t kept, moved;
    };
    const std::vector<Case> cases{
        {"a last row without its newline", "trainer,1,5,5,0.3,0.4\ntrainer,2,10,1", 1, 1},
        {"more cells than the header", "trainer,1,5,5,0.3,0.4,9\ntrainer,2,10,10,0.2,0.3\n", 1, 1},
        {"a global_step that is not an integer", "trainer,1,5,x,0.3,0.4\n", 0, 1},
        {"an empty line", "\ntrainer,1,5,5,0.3,0.4\n", 1, 1},
        {"a shorter row is a row with empty cells", "trainer,1,5,5\n", 1, 0},
    };
    for (const auto& c : cases) {
        INFO(c.name);
        Table t;
        const auto cut = t.load_until(kHeader + c.rows, 100);
        CHECK(t.rows() == c.kept);
        CHECK(cut.moved == c.moved);
        // Whatever was moved, the kept file parses whole with the header's width.
        const auto kept = parse(t.text());
        CHECK(kept.cut.empty());
        for (const auto& r : kept.records) CHECK(r.fields.size() == 6);
    }
    SECTION("the rows appended after a resume continue under the kept header") {
        Table t;
        t.load_until(kHeader + "trainer,1,5,5,0.3,0.4\n", 5);
        const auto added = t.add({"trainer", 2, 10, 10, {{"avg_loss", 0.2}, {"accuracy", 0.9}}});
        CHECK(added.widened);
        CHECK(t.text() ==
              "engine,epoch,iteration,global_step,loss,avg_loss,accuracy\n"
              "trainer,1,5,5,0.3,0.4,\n"
              "trainer,2,10,10,,0.2,0.9\n");
    }
}

TEST_CASE("csv resume: a file that is not the plugin's is refused, an empty one starts afresh", "[csv]") {
    Table t;
    CHECK_THROWS_WITH(t.load_until("a,b\n1,2\n", 5),
                      Catch::Contains("header does not start with engine,epoch,iteration,global_step"));
    const auto cut = t.load_until("", 5);
    CHECK(cut.moved == 0);
    CHECK(t.text() == "engine,epoch,iteration,global_step\n");
    // A header cut short (killed while writing it): moved aside, the file starts afresh.
    const auto half = t.load_until("engine,ep", 5);
    CHECK(half.moved == 1);
    CHECK(t.rows() == 0);
}

TEST_CASE("csv flattening as Ignite's loggers: a number, a vector's elements by index, nothing for a matrix", "[csv]") {
    using V = std::vector<std::pair<std::string, double>>;
    CHECK(ignite_csv::flatten("accuracy", 0, {0.9}) == V{{"accuracy", 0.9}});
    CHECK(ignite_csv::flatten("precision", 1, {0.5, 0.25, 1}) ==
          V{{"precision/0", 0.5}, {"precision/1", 0.25}, {"precision/2", 1}});
    CHECK(ignite_csv::flatten("precision", 1, {}).empty());
    CHECK(ignite_csv::flatten("confusion_matrix", 2, {1, 2, 3, 4}).empty());
}
