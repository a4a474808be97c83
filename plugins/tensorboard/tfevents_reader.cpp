#include "tfevents_reader.hpp"

#include "tfevents_record.hpp"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

namespace ignite::tfevents {
namespace {

// A protobuf wire-format cursor: fields in order, unknown ones skipped.
class Cursor {
public:
    explicit Cursor(std::string_view b) : b_(b) {}
    bool done() const { return at_ >= b_.size(); }
    bool varint(std::uint64_t& v) {
        v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (at_ >= b_.size()) return false;
            const auto c = static_cast<unsigned char>(b_[at_++]);
            v |= static_cast<std::uint64_t>(c & 0x7f) << shift;
            if (!(c & 0x80)) return true;
        }
        return false;
    }
    bool fixed(std::uint64_t& v, int n) {
        if (b_.size() - at_ < static_cast<std::size_t>(n)) return false;
        v = 0;
        for (int i = n - 1; i >= 0; --i)
            v = (v << 8) | static_cast<unsigned char>(b_[at_ + static_cast<std::size_t>(i)]);
        at_ += static_cast<std::size_t>(n);
        return true;
    }
    bool bytes(std::string_view& out) {
        std::uint64_t n = 0;
        if (!varint(n) || n > b_.size() - at_) return false;
        out = b_.substr(at_, n);
        at_ += n;
        return true;
    }
    // Reads the next key; `value` gets the varint/fixed value, `len` a length-delimited body.
    bool next(std::uint32_t& field, std::uint32_t& type, std::uint64_t& value, std::string_view& len) {
        std::uint64_t key = 0;
        if (!varint(key)) return false;
        field = static_cast<std::uint32_t>(key >> 3);
        type = static_cast<std::uint32_t>(key & 7);
        switch (type) {
            case 0:
                return varint(value);
            case 1:
                return fixed(value, 8);
            case 2:
                return bytes(len);
            case 5:
                return fixed(value, 4);
            default:
                return false;  // groups: never in these messages
        }
    }

private:
    std::string_view b_;
    std::size_t at_ = 0;
};

double as_double(std::uint64_t u) {
    double d;
    std::memcpy(&d, &u, 8);
    return d;
}

std::optional<EventView::Value> decode_value(std::string_view data) {
    EventView::Value v;
    Cursor c(data);
    std::uint32_t field = 0, type = 0;
    std::uint64_t num = 0;
    std::string_view len;
    while (!c.done()) {
        if (!c.next(field, type, num, len)) return std::nullopt;
        if (field == 1 && type == 2) v.tag.assign(len);
        if (field == 2 && type == 5) {
            const auto u = static_cast<std::uint32_t>(num);
            float f;
            std::memcpy(&f, &u, 4);
            v.simple_value = f;
        }
        if (field == 5 && type == 2) v.histogram = true;
        if (field == 8 && type == 2) v.tensor = true;
    }
    return v;
}

}  // namespace

std::optional<EventView> decode_event(std::string_view data) {
    EventView ev;
    Cursor c(data);
    std::uint32_t field = 0, type = 0;
    std::uint64_t num = 0;
    std::string_view len;
    while (!c.done()) {
        if (!c.next(field, type, num, len)) return std::nullopt;
        if (field == 1 && type == 1)
            ev.wall_time = as_double(num);
        else if (field == 2 && type == 0)
            ev.step = static_cast<std::int64_t>(num);
        else if (field == 3 && type == 2)
            ev.file_version = std::string(len);
        else if (field == 5 && type == 2) {
            Cursor s(len);
            std::uint32_t f2 = 0, t2 = 0;
            std::uint64_t n2 = 0;
            std::string_view l2;
            while (!s.done()) {
                if (!s.next(f2, t2, n2, l2)) return std::nullopt;
                if (f2 != 1 || t2 != 2) continue;
                auto v = decode_value(l2);
                if (!v) return std::nullopt;
                ev.values.push_back(std::move(*v));
            }
        } else if (field == 7 && type == 2) {
            Cursor s(len);
            std::uint32_t f2 = 0, t2 = 0;
            std::uint64_t n2 = 0;
            std::string_view l2;
            ev.session_status = 0;
            while (!s.done()) {
                if (!s.next(f2, t2, n2, l2)) return std::nullopt;
                if (f2 == 1 && t2 == 0) ev.session_status = static_cast<std::int32_t>(n2);
            }
        }
    }
    return ev;
}

std::vector<std::string_view> whole_records(std::string_view bytes) {
    std::vector<std::string_view> out;
    std::size_t at = 0;
    for (;;) {
        const auto r = read_record(bytes, at);
        if (r.status != RecordRead::Status::ok) return out;
        out.push_back(r.data);
        at = r.next;
    }
}

std::vector<ScalarPoint> read_scalars(const std::filesystem::path& logdir) {
    namespace fs = std::filesystem;
    std::vector<fs::path> files;
    std::error_code ec;
    for (fs::directory_iterator it(logdir, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->path().filename().string().find("tfevents") == std::string::npos) continue;
        if (!it->is_regular_file(ec)) continue;
        files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());
    std::vector<ScalarPoint> points;
    bool versioned = false;  // TensorBoard purges on START only once a file_version was seen
    for (const auto& file : files) {
        std::ifstream in(file, std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        for (const auto record : whole_records(bytes)) {
            const auto ev = decode_event(record);
            if (!ev) break;  // TensorBoard's loader fails the record and the rest of the file
            if (ev->file_version) versioned = true;
            if (versioned && ev->session_status == 1) {
                const auto t = ev->step;
                points.erase(
                    std::remove_if(points.begin(), points.end(), [t](const ScalarPoint& p) { return p.step >= t; }),
                    points.end());
            }
            for (const auto& v : ev->values) {
                if (v.simple_value) points.push_back({v.tag, ev->step, ev->wall_time, *v.simple_value});
            }
        }
    }
    return points;
}

}  // namespace ignite::tfevents
