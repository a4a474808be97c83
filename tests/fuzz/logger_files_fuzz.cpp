// libFuzzer target for the readers of the loggers' files, which a resumed run or
// `ignite-host report DIR` reads back from disk as they are (issue 19): TensorBoard event
// files (plugins/tensorboard/tfevents_reader: framing, both CRCs, the Event decoder) and
// metrics.csv (plugins/csv/table: the CSV parser and the resume cut). Any bytes give records
// or a clean refusal, with no out-of-bounds read (ASan), overflow (UBSan) or huge allocation.
// Built with -DIGNITE_FUZZ=ON and clang, or directly (tests/fuzz/README.md); run e.g.
//   build/tests/logger_files_fuzz -max_len=4096 -max_total_time=60 CORPUS_DIR
#include <table.hpp>
#include <tfevents_reader.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    // Event files: every whole record decodes or is refused; a record never reaches past the input.
    for (const auto record : ignite::tfevents::whole_records(bytes)) {
        if (record.data() < bytes.data() || record.data() + record.size() > bytes.data() + bytes.size()) std::abort();
        (void)ignite::tfevents::decode_event(record);
    }
    (void)ignite::tfevents::decode_event(bytes);
    // metrics.csv: parsed, and cut for a resume at a step taken from the input.
    (void)ignite_csv::parse(bytes);
    ignite_csv::Table table;
    try {
        const auto cut = table.load_until(bytes, size > 0 ? static_cast<std::int64_t>(data[0]) - 10 : 0);
        if (cut.moved > 0 && cut.moved_text.empty()) std::abort();
    } catch (const std::invalid_argument&) {
        // not this plugin's file: refused, as the plugin refuses it
    }
    return 0;
}
