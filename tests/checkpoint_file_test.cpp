// The checkpoint file format (core/include/ignite/core/checkpoint_file.hpp) against real
// Python torch and pytorch-ignite from the project's venv: C++ -> Python -> C++ and
// Python -> C++ -> Python with tensors bit-equal, Ignite's load_objects on our file, our
// reader on Python Ignite's Checkpoint/DiskSaver file, every kind of bad file, and the
// durable write under a real file-size limit (EFBIG).
#include "support/process.hpp"

#include <ignite/core/checkpoint_file.hpp>
#include <ignite/core/durable_file.hpp>

#include <ATen/ATen.h>

// LibTorch headers first: c10's logging defines CHECK, which catch.hpp must override.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <atomic>
#include <bit>
#include <cmath>
#include <csignal>
#include <fstream>
#include <limits>
#include <thread>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;
namespace ck = ignite::checkpoint;
using ignite::test::read_file;
using ignite::test::run_process;

namespace {

const fs::path kScripts = fs::path(IGNITE_SOURCE_DIR) / "tests" / "checkpoint_interop";

fs::path dir_for(const std::string& name) {
    const auto d = ignite::test::scratch_dir("checkpoint_file_test") / name;
    fs::remove_all(d);
    fs::create_directories(d);
    return d;
}

// Runs tests/checkpoint_interop/SCRIPT ARGS with the venv's Python; returns its stdout.
std::string python(const std::string& script, const std::vector<std::string>& args) {
    std::vector<std::string> argv{IGNITE_VENV_PYTHON, (kScripts / script).string()};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = run_process(argv);
    INFO(r.cmd << "\nstdout: " << r.out << "\nstderr: " << r.err);
    REQUIRE(r.exited);
    REQUIRE(r.rc == 0);
    return r.out;
}

void write_bytes(const fs::path& p, const std::string& bytes) {
    std::ofstream(p, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

c10::impl::GenericDict str_dict() { return c10::impl::GenericDict(c10::StringType::get(), c10::AnyType::get()); }

c10::impl::GenericList list_of(std::initializer_list<c10::IValue> items) {
    c10::impl::GenericList l(c10::AnyType::get());
    for (const auto& v : items) l.push_back(v);
    return l;
}

// tests/checkpoint_interop/matrix.py's make_matrix, built in C++ (plus shared_b).
c10::IValue make_matrix() {
    const auto f32 = at::kFloat;
    const at::Tensor base = at::arange(20, f32);
    c10::Dict<std::string, at::Tensor> model;
    model.insert("0.weight", at::arange(12, f32).reshape({3, 4}) / 10);
    model.insert("0.bias", at::zeros({3}));
    auto d = str_dict();
    d.insert("f32", at::arange(24, f32).reshape({2, 3, 4}) / 7);
    d.insert("f64", at::arange(5, at::kDouble) / 3);
    d.insert("f16", (at::arange(10, f32) / 3).to(at::kHalf));
    d.insert("bf16", (at::arange(10, f32) / 3).to(at::kBFloat16));
    d.insert("i64", at::arange(-5, 5, at::kLong) * 1000000007);
    d.insert("i32", at::arange(-3, 3, at::kInt));
    d.insert("i16", at::arange(-3, 3, at::kShort));
    d.insert("i8", at::arange(-3, 3, at::kChar));
    d.insert("u8", at::arange(256, at::kLong).to(at::kByte));
    d.insert("bool", at::arange(6).remainder(2) == 0);
    d.insert("c64", at::complex(at::arange(3, f32), -at::arange(3, f32)));
    const float inf = std::numeric_limits<float>::infinity();
    d.insert("special", at::tensor({std::nanf(""), -0.0f, inf, -inf, 1e-45f}, f32));
    d.insert("scalar0d", at::scalar_tensor(3.25, f32));
    d.insert("empty", at::empty({0, 3}));
    d.insert("noncontig", at::arange(12, f32).reshape({3, 4}).t());
    d.insert("slice", base.slice(0, 5, 15, 2));
    d.insert("shared_a", base.slice(0, 0, 4));
    d.insert("large", at::arange(1 << 20, f32) * 1.5);
    d.insert("model", model);
    d.insert("int_small", 7);
    d.insert("int_big", std::int64_t{1} << 40);
    d.insert("int_neg", -(std::int64_t{1} << 40));
    d.insert("int_max", std::numeric_limits<std::int64_t>::max());
    d.insert("int_min", std::numeric_limits<std::int64_t>::min());
    d.insert("float", 0.1);
    d.insert("float_nan", std::nan(""));
    d.insert("true", true);
    d.insert("none", c10::IValue());
    d.insert("str", std::string("h\xc3\xa9llo \xe2\x98\x83"));
    d.insert("empty_str", std::string());
    d.insert("list1", list_of({1}));
    d.insert("list_mixed", list_of({1, std::string("a"), 2.5, c10::IValue(), list_of({2, 3})}));
    d.insert("tuple", c10::ivalue::Tuple::create({1, std::string("x")}));
    d.insert("tuple5", c10::ivalue::Tuple::create({1, 2, 3, 4, 5}));
    auto c = str_dict();
    c.insert("c", 1);
    auto b = str_dict();
    b.insert("b", list_of({c}));
    auto nested = str_dict();
    nested.insert("a", b);
    d.insert("nested", nested);
    c10::impl::GenericDict intkeys(c10::IntType::get(), c10::AnyType::get());
    intkeys.insert(0, std::string("a"));
    intkeys.insert(5, std::string("b"));
    d.insert("intkeys", intkeys);
    auto dict1 = str_dict();
    dict1.insert("k", 1);
    d.insert("dict1", dict1);
    d.insert("empty_dict", str_dict());
    d.insert("empty_list", list_of({}));
    d.insert("shared_b", base.slice(0, 2, 6));
    return d;
}

std::string tensor_bytes(const at::Tensor& t) {
    const at::Tensor c = t.detach().contiguous();
    return {static_cast<const char*>(c.data_ptr()), c.nbytes()};
}

std::string hex(std::string_view bytes) {
    std::string out;
    for (const char ch : bytes) out += fmt::format("{:02x}", static_cast<unsigned char>(ch));
    return out;
}

// tests/checkpoint_interop/common.py's flatten, for C++ values.
void flatten(const c10::IValue& v, const std::string& path, std::vector<std::string>& out) {
    if (v.isGenericDict()) {
        const auto d = v.toGenericDict();
        out.push_back(fmt::format("{}\tdict\t{}", path, d.size()));
        for (const auto& e : d) {
            const auto key =
                e.key().isString() ? fmt::format("'{}'", e.key().toStringRef()) : std::to_string(e.key().toInt());
            flatten(e.value(), path + "/" + key, out);
        }
    } else if (v.isList() || v.isTuple()) {
        const auto items = v.isList() ? v.toListRef() : v.toTupleRef().elements();
        out.push_back(fmt::format("{}\t{}\t{}", path, v.isList() ? "list" : "tuple", items.size()));
        for (std::size_t i = 0; i < items.size(); ++i) flatten(items[i], fmt::format("{}[{}]", path, i), out);
    } else if (v.isBool()) {
        out.push_back(fmt::format("{}\tbool\t{}", path, v.toBool() ? "True" : "False"));
    } else if (v.isInt()) {
        out.push_back(fmt::format("{}\tint\t{}", path, v.toInt()));
    } else if (v.isDouble()) {
        const auto bits = std::bit_cast<std::uint64_t>(v.toDouble());
        out.push_back(fmt::format("{}\tfloat\t{}", path, hex({reinterpret_cast<const char*>(&bits), 8})));
    } else if (v.isString()) {
        out.push_back(fmt::format("{}\tstr\t{}", path, hex(v.toStringRef())));
    } else if (v.isNone()) {
        out.push_back(fmt::format("{}\tNone\t", path));
    } else if (v.isTensor()) {
        const auto& t = v.toTensor();
        out.push_back(fmt::format("{}\ttensor\t{}\t{}\t{}", path, c10::toString(t.scalar_type()),
                                  fmt::join(t.sizes(), ","), hex(tensor_bytes(t))));
    } else {
        FAIL(path << ": unexpected " << v.tagKind());
    }
}

// Deep equality; tensors bit for bit with dtype, sizes, strides and storage offset.
void expect_same(const c10::IValue& a, const c10::IValue& b, const std::string& path = "") {
    INFO(path);
    REQUIRE(a.tagKind() == b.tagKind());
    if (a.isTensor()) {
        const auto &x = a.toTensor(), &y = b.toTensor();
        REQUIRE(x.scalar_type() == y.scalar_type());
        REQUIRE(x.sizes() == y.sizes());
        REQUIRE(x.strides() == y.strides());
        REQUIRE(x.storage_offset() == y.storage_offset());
        REQUIRE(tensor_bytes(x) == tensor_bytes(y));
    } else if (a.isGenericDict()) {
        const auto x = a.toGenericDict(), y = b.toGenericDict();
        REQUIRE(*x.keyType() == *y.keyType());
        REQUIRE(*x.valueType() == *y.valueType());
        REQUIRE(x.size() == y.size());
        auto ix = x.begin();
        auto iy = y.begin();
        for (; ix != x.end(); ++ix, ++iy) {
            REQUIRE(ix->key() == iy->key());
            expect_same(ix->value(), iy->value(),
                        path + "/" + (ix->key().isString() ? ix->key().toStringRef() : "int"));
        }
    } else if (a.isList() || a.isTuple()) {
        const auto x = a.isList() ? a.toListRef() : a.toTupleRef().elements();
        const auto y = b.isList() ? b.toListRef() : b.toTupleRef().elements();
        REQUIRE(x.size() == y.size());
        for (std::size_t i = 0; i < x.size(); ++i) expect_same(x[i], y[i], fmt::format("{}[{}]", path, i));
    } else if (a.isDouble()) {
        REQUIRE(std::bit_cast<std::uint64_t>(a.toDouble()) == std::bit_cast<std::uint64_t>(b.toDouble()));
    } else {
        REQUIRE(a == b);
    }
}

c10::IValue at_key(const c10::IValue& d, const c10::IValue& key) { return d.toGenericDict().at(key); }

// The one-line FileError that loading `path` throws.
std::string load_error(const fs::path& path) {
    try {
        (void)ck::load(path);
    } catch (const ck::FileError& e) {
        const std::string what = e.what();
        CHECK(what.find('\n') == std::string::npos);
        CHECK(what.find(path.string()) != std::string::npos);
        return what;
    }
    FAIL("loading " << path << " did not throw");
    return {};
}

std::vector<fs::path> files_in(const fs::path& dir) {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename());
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

TEST_CASE("C++ -> Python -> C++: the value matrix, bit-equal, read by torch.load(weights_only=True)") {
    const auto dir = dir_for("cpp_py_cpp");
    const c10::IValue matrix = make_matrix();
    ck::save(matrix, dir / "cpp.pt");
    expect_same(matrix, ck::load(dir / "cpp.pt"));  // C++ -> C++
    python("check_cpp_matrix.py", {(dir / "cpp.pt").string(), (dir / "py.pt").string()});
    const c10::IValue back = ck::load(dir / "py.pt");
    expect_same(matrix, back);
    // Storage shared in the value stays shared through Python.
    const at::Tensor a = at_key(back, std::string("shared_a")).toTensor();
    const at::Tensor b = at_key(back, std::string("shared_b")).toTensor();
    CHECK(a.storage().unsafeGetStorageImpl() == b.storage().unsafeGetStorageImpl());
}

TEST_CASE("Python -> C++ -> Python: the matrix and PyTorch's own state dicts, bit-equal") {
    const auto dir = dir_for("py_cpp_py");
    python("make_python_matrix.py", {(dir / "py.pt").string()});
    const c10::IValue v = ck::load(dir / "py.pt");
    CHECK(at_key(v, std::string("int_big")).toInt() == (std::int64_t{1} << 40));
    CHECK(at_key(v, std::string("list1")).toListRef().size() == 1);
    CHECK(at_key(v, std::string("dict1")).toGenericDict().size() == 1);
    CHECK(at_key(v, std::string("size")).isTuple());
    CHECK(at_key(v, std::string("parameter")).toTensor().requires_grad());
    // A module state_dict (OrderedDict of tensors) is a Dict[str, Tensor]; the optimizer's
    // state has int keys.
    const auto net = at_key(v, std::string("net")).toGenericDict();
    CHECK(net.valueType()->kind() == c10::TypeKind::TensorType);
    CHECK(net.contains("1.num_batches_tracked"));
    const auto sgd_state = at_key(at_key(v, std::string("sgd")), std::string("state")).toGenericDict();
    CHECK(sgd_state.keyType()->kind() == c10::TypeKind::IntType);
    CHECK(sgd_state.size() == 6);
    ck::save(v, dir / "cpp.pt");
    CHECK(python("compare.py", {(dir / "py.pt").string(), (dir / "cpp.pt").string()}) == "same\n");
}

TEST_CASE("Ignite's Checkpoint.load_objects restores nn.Sequential, SGD momentum and Engine from our file") {
    const auto dir = dir_for("load_objects");
    at::manual_seed(1);
    c10::Dict<std::string, at::Tensor> model;
    model.insert("0.weight", at::randn({3, 4}));
    model.insert("0.bias", at::randn({3}));
    model.insert("2.weight", at::randn({2, 3}));
    model.insert("2.bias", at::randn({2}));
    c10::impl::GenericDict state(c10::IntType::get(), c10::AnyType::get());
    std::int64_t id = 0;
    auto params = list_of({});
    for (const auto& e : model) {
        auto s = str_dict();
        s.insert("momentum_buffer", at::randn_like(e.value()));
        state.insert(id, s);
        params.push_back(id++);
    }
    auto group = str_dict();
    group.insert("lr", 0.1);
    group.insert("momentum", 0.9);
    group.insert("dampening", 0);
    group.insert("weight_decay", 0);
    group.insert("nesterov", false);
    group.insert("maximize", false);
    group.insert("foreach", c10::IValue());
    group.insert("differentiable", false);
    group.insert("fused", c10::IValue());
    group.insert("params", params);
    auto optimizer = str_dict();
    optimizer.insert("state", state);
    optimizer.insert("param_groups", list_of({group}));
    // The trainer through ignite::Dict, as Engine::state_dict() gives it.
    const ignite::Dict engine_state{{"epoch_length", 10}, {"max_epochs", 5}, {"iteration", 30}};
    const c10::IValue trainer = ck::to_value(engine_state);
    CHECK(ck::to_dict(trainer, "trainer").get<std::int64_t>("iteration") == 30);
    CHECK_THROWS_AS(ck::to_dict(c10::IValue(3), "trainer"), ignite::TypeError);
    auto checkpoint = str_dict();
    checkpoint.insert("model", model);
    checkpoint.insert("optimizer", optimizer);
    checkpoint.insert("trainer", trainer);
    ck::save(checkpoint, dir / "checkpoint_30.pt");
    CHECK(python("ignite_load.py", {(dir / "checkpoint_30.pt").string()}) == "ok\n");
}

TEST_CASE("A checkpoint written by Python Ignite's Checkpoint/DiskSaver loads, every value checked") {
    const auto dir = dir_for("ignite_checkpoint");
    std::string path = python("make_ignite_checkpoint.py", {dir.string()});
    path.erase(path.find_last_not_of('\n') + 1);
    const c10::IValue v = ck::load(path);
    std::vector<std::string> lines;
    flatten(v, "", lines);
    CHECK(lines == ignite::test::lines_of(read_file(dir / "expected.txt")));
    const c10::IValue trainer = at_key(v, std::string("trainer"));
    CHECK(at_key(trainer, std::string("iteration")).toInt() == 15);
    CHECK(at_key(trainer, std::string("epoch_length")).toInt() == 5);
    CHECK(at_key(trainer, std::string("max_epochs")).toInt() == 3);
    CHECK(at_key(at_key(v, std::string("lr_scheduler")), std::string("last_epoch")).toInt() == 3);
    const c10::IValue groups = at_key(at_key(v, std::string("optimizer")), std::string("param_groups"));
    CHECK(groups.toListRef().size() == 1);
    CHECK(at_key(groups.toListRef()[0], std::string("lr")).toDouble() == 0.05);
    CHECK(at_key(v, std::string("model")).toGenericDict().size() == 4);
    // And back: our copy is the same file to Python.
    ck::save(v, dir / "again.pt");
    CHECK(python("compare.py", {path, (dir / "again.pt").string()}) == "same\n");
}

TEST_CASE("Bad files: one line naming the file and what is wrong") {
    const auto dir = dir_for("bad");
    auto d = str_dict();
    d.insert("w", at::arange(6, at::kFloat));
    d.insert("step", 3);
    ck::save(d, dir / "good.pt");
    const std::string good = read_file(dir / "good.pt");

    write_bytes(dir / "empty.pt", "");
    CHECK_THAT(load_error(dir / "empty.pt"), Catch::Contains("empty file"));
    write_bytes(dir / "text.pt", "epoch=3\nloss=0.25\n");
    CHECK_THAT(load_error(dir / "text.pt"), Catch::Contains("not a zip archive"));
    CHECK_THAT(load_error(dir / "missing.pt"), Catch::Contains("cannot open: No such file"));
    CHECK_THAT(load_error(dir), Catch::Contains("not a regular file"));
    for (const std::size_t keep : {good.size() / 2, good.size() - 1, good.size() - 22, std::size_t{30}}) {
        write_bytes(dir / "truncated.pt", good.substr(0, keep));
        CHECK_THAT(load_error(dir / "truncated.pt"), Catch::Contains("truncated"));
    }
    python("make_bad_files.py", {dir.string()});
    CHECK_THAT(load_error(dir / "legacy.pt"), Catch::Contains("legacy (non-zip) torch.save format"));
    CHECK_THAT(load_error(dir / "no_data_pkl.pt"), Catch::Contains("no record 'x/data.pkl'"));
    CHECK_THAT(load_error(dir / "forbidden.pt"), Catch::Contains("the global 'datetime.date'"));
    CHECK_THAT(load_error(dir / "module.pt"), Catch::Contains("the global 'torch.nn.modules.linear.Linear'"));
    CHECK_THAT(load_error(dir / "torchscript.pt"), Catch::Contains("TorchScript archive"));
    CHECK_THAT(load_error(dir / "deflated.pt"), Catch::Contains("is compressed"));
    CHECK_THAT(load_error(dir / "two_folders.pt"), Catch::Contains("two top-level folders"));
    const c10::IValue proto4 = ck::load(dir / "proto4.pt");
    CHECK(at_key(proto4, std::string("w")).toTensor().equal(at::arange(3.0)));

    // A bit flip in a tensor's bytes: torch.load would load it silently (notes E5).
    const auto at = good.find("\x00\x00\x80\x3f", 0, 4);  // 1.0f of arange(6)
    REQUIRE(at != std::string::npos);
    std::string flipped = good;
    flipped[at + 2] = static_cast<char>(flipped[at + 2] ^ 0x01);
    write_bytes(dir / "flipped.pt", flipped);
    CHECK_THAT(load_error(dir / "flipped.pt"), Catch::Contains("CRC32 mismatch in entry 'archive/data/0'"));
}

// Every byte of a small checkpoint, one bit each. The ones that load are the central
// directory's informational fields ("version made by", file attributes), which change nothing.
TEST_CASE("A bit flip anywhere never changes what loads: it throws, or (in an unused zip field) loads the same") {
    const auto dir = dir_for("bitflip");
    auto d = str_dict();
    d.insert("w", at::arange(6, at::kFloat));
    d.insert("step", 3);
    const auto good = ck::encode(d);
    std::size_t rejected = 0;
    for (std::size_t i = 0; i < good.size(); ++i) {
        auto bad = good;
        bad[i] = static_cast<char>(bad[i] ^ (1 << (i % 8)));
        try {
            expect_same(d, ck::decode(bad, "flip"));
        } catch (const ck::FileError& e) {
            ++rejected;
            INFO(e.what());
            CHECK(std::string(e.what()).find('\n') == std::string::npos);
        }
    }
    WARN(rejected << " of " << good.size() << " flips rejected; the rest loaded the same value");
    CHECK(rejected > good.size() * 95 / 100);
}

TEST_CASE("Values outside the model are refused by name, the earlier file stays") {
    const auto dir = dir_for("refused");
    auto d = str_dict();
    d.insert("a", 1);
    ck::save(d, dir / "ck.pt");
    const std::string before = read_file(dir / "ck.pt");
    auto bad = str_dict();
    bad.insert("device", c10::Device(c10::kCPU));
    CHECK_THROWS_WITH(ck::save(bad, dir / "ck.pt"), Catch::Contains("cannot save a value of type Device"));
    auto latin1 = str_dict();
    latin1.insert("file", std::string("caf\xe9.pt"));
    CHECK_THROWS_WITH(ck::save(latin1, dir / "ck.pt"),
                      Catch::Contains("cannot save the string 'caf\\xe9.pt': it is not UTF-8"));
    auto sparse = str_dict();
    sparse.insert("s", at::eye(3).to_sparse());
    CHECK_THROWS_AS(ck::save(sparse, dir / "ck.pt"), ck::FileError);
    CHECK(read_file(dir / "ck.pt") == before);
    CHECK(files_in(dir) == std::vector<fs::path>{"ck.pt"});
}

TEST_CASE("Durable write: a file-size limit (EFBIG) fails cleanly, the earlier file intact, no temporary left") {
    const auto dir = dir_for("durable");
    const std::string before(5000, 'a');
    ignite::io::write_file_durably(dir / "ck.pt", std::span<const char>(before.data(), before.size()));
    CHECK(read_file(dir / "ck.pt") == before);

    // A real write failure: RLIMIT_FSIZE below the new file's size (SIGXFSZ ignored, so
    // write(2) returns EFBIG as it does under `ulimit -f`).
    const std::vector<char> big(200000, 'b');
    rlimit old{};
    REQUIRE(::getrlimit(RLIMIT_FSIZE, &old) == 0);
    const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit small = old;
    small.rlim_cur = 65536;
    REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
    int err = 0;
    std::string what;
    try {
        ignite::io::write_file_durably(dir / "ck.pt", big);
    } catch (const ignite::io::WriteError& e) {
        err = e.error_number();
        what = e.what();
    }
    ::setrlimit(RLIMIT_FSIZE, &old);
    std::signal(SIGXFSZ, old_handler);
    CHECK(err == EFBIG);
    CHECK_THAT(what, Catch::Contains("ck.pt") && Catch::Contains("writing the temporary file failed: File too large"));
    CHECK(read_file(dir / "ck.pt") == before);
    CHECK(files_in(dir) == std::vector<fs::path>{"ck.pt"});

    // The same through checkpoint::save.
    auto d = str_dict();
    d.insert("big", at::zeros({100000}));
    REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
    std::signal(SIGXFSZ, SIG_IGN);
    CHECK_THROWS_AS(ck::save(d, dir / "ck.pt"), ignite::io::WriteError);
    ::setrlimit(RLIMIT_FSIZE, &old);
    std::signal(SIGXFSZ, old_handler);
    CHECK(read_file(dir / "ck.pt") == before);
    CHECK(files_in(dir) == std::vector<fs::path>{"ck.pt"});

    CHECK_THROWS_WITH(ignite::io::write_file_durably(dir / "no" / "such" / "dir.pt", big),
                      Catch::Contains("creating a temporary file in its folder failed: No such file or directory"));
}

TEST_CASE("Stray temporaries: ours are recognised and removed, nothing else is touched") {
    using ignite::io::is_temporary_name;
    const auto dir = dir_for("strays");
    // PIDs no process has (above pid_max), as a killed writer's would be.
    const std::vector<std::string> ours{".ck.pt.ignite-tmp-99999999-0123456789abcdef",
                                        ".a.ignite-tmp-99999998-ffffffffffffffff"};
    // A live writer's temporary (this process's) is not a stray.
    const std::string live = fmt::format(".b.ignite-tmp-{}-0123456789abcdef", ::getpid());
    const std::vector<std::string> foreign{".hidden",
                                           "ck.pt",
                                           "ck.pt.tmp",
                                           ".ck.pt.ignite-tmp-12x-0123456789abcdef",
                                           ".ck.pt.ignite-tmp-123-0123",
                                           "x.ignite-tmp-1-0123456789abcdef",
                                           ".ignite-tmp-1-0123456789abcdef"};
    for (const auto& n : ours) {
        CHECK(is_temporary_name(n));
        write_bytes(dir / n, "x");
    }
    for (const auto& n : foreign) {
        CHECK_FALSE(is_temporary_name(n));
        write_bytes(dir / n, "x");
    }
    CHECK(is_temporary_name(live));
    write_bytes(dir / live, "x");
    CHECK(ignite::io::is_temporary_name_for(ours[0], "ck.pt"));
    CHECK_FALSE(ignite::io::is_temporary_name_for(ours[0], "ck"));
    const auto removed = ignite::io::remove_stray_temporaries(dir);
    CHECK(removed.size() == ours.size());
    std::vector<fs::path> expected(foreign.begin(), foreign.end());
    expected.push_back(live);
    std::sort(expected.begin(), expected.end());
    CHECK(files_in(dir) == expected);
}

namespace {

// Runs `body` in a forked child and returns its wait status: discard_temporary_in_progress
// is one-way (every later write fails), so it must not run in the test process itself.
template <class Body>
int in_child(Body body) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        int code = 99;
        try {
            code = body();
        } catch (...) {}
        ::_exit(code);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return status;
}

}  // namespace

TEST_CASE("Durable write: a fatal-signal handler's discard_temporary_in_progress deletes the temporary being written") {
    const auto dir = dir_for("discard");
    const std::string before(5000, 'a');
    ignite::io::write_file_durably(dir / "ck.pt", std::span<const char>(before.data(), before.size()));

    // A signal that lands mid-write, for sure: SIGXFSZ, raised by write(2) on the writing
    // thread once the temporary reaches RLIMIT_FSIZE. Its handler discards and ends the
    // process at once, as ignite-host's second Ctrl-C does.
    const int status = in_child([&] {
        struct sigaction action {};
        action.sa_handler = [](int) {
            ignite::io::discard_temporary_in_progress();
            ::_exit(42);
        };
        sigemptyset(&action.sa_mask);
        ::sigaction(SIGXFSZ, &action, nullptr);
        rlimit small{};
        ::getrlimit(RLIMIT_FSIZE, &small);
        small.rlim_cur = 65536;
        ::setrlimit(RLIMIT_FSIZE, &small);
        const std::vector<char> big(200000, 'b');
        ignite::io::write_file_durably(dir / "ck.pt", big);
        return 1;  // not reached: the handler ended the process
    });
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 42);
    CHECK(files_in(dir) == std::vector<fs::path>{"ck.pt"});  // no temporary left
    CHECK(read_file(dir / "ck.pt") == before);

    // One-way: a write after it, or one on another thread meanwhile, is abandoned (EINTR),
    // its target untouched and no temporary left.
    const int later = in_child([&] {
        std::atomic<bool> writing{false};
        int err = 0;
        std::thread writer([&] {
            const std::vector<char> big(16 << 20, 'c');
            try {
                for (;;) {
                    writing = true;
                    ignite::io::write_file_durably(dir / "other.pt", big);
                }
            } catch (const ignite::io::WriteError& e) {
                err = e.error_number();
            }
        });
        while (!writing) std::this_thread::yield();
        ignite::io::discard_temporary_in_progress();
        writer.join();
        if (err != EINTR) return 2;
        try {
            ignite::io::write_file_durably(dir / "ck.pt", std::span<const char>(before.data(), 10));
        } catch (const ignite::io::WriteError& e) {
            return e.error_number() == EINTR ? 0 : 3;
        }
        return 4;
    });
    REQUIRE(WIFEXITED(later));
    CHECK(WEXITSTATUS(later) == 0);
    for (const auto& name : files_in(dir)) CHECK_FALSE(ignite::io::is_temporary_name(name.string()));
    CHECK(read_file(dir / "ck.pt") == before);
}
