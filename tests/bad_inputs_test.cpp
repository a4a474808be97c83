// The bad-input catalogue (issue 8): ignite-host given what a new user gives it. Every case
// runs the real binary in a folder of its own, next to an earlier run's results, and checks
//  - the exit code (2 bad input, 1 a run that failed),
//  - exactly one error line, which names the offending thing,
//  - that the earlier results are byte for byte unchanged (and, for bad input, that no
//    output folder was created),
//  - that every .jsonl line left anywhere in the folder parses as JSON.
// Signals, closed standard descriptors, disk errors and two runs at once have their own
// cases at the end.
#include "support/process.hpp"

#include <torch/cuda.h>
#include <torch/script.h>

// LibTorch headers first: c10's logging defines CHECK, which catch.hpp must override.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <zlib.h>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <map>
#include <thread>

#ifndef IGNITE_HOST_EXE
#error "IGNITE_HOST_EXE must name the ignite-host binary"
#endif

extern char** environ;

namespace fs = std::filesystem;
using ignite::test::lines_of;
using ignite::test::read_file;
using ignite::test::shell_quote;

namespace {

const std::string kHost = IGNITE_HOST_EXE;
const bool kHasCuda = torch::cuda::is_available();
const std::string kMissingCuda = kHasCuda ? "cuda:" + std::to_string(torch::cuda::device_count()) : "cuda";
const std::string kPluginDir = IGNITE_PLUGIN_DIR;
const std::string kBadDir = IGNITE_ABI_BAD_DIR;

// ---- fixtures shared by every case (created once per test process) ----------------------

void write_bytes(const fs::path& p, const std::string& bytes) { std::ofstream(p, std::ios::binary) << bytes; }

std::string be32(std::uint32_t v) {
    return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

std::string idx_images(std::uint32_t n, std::uint32_t rows, std::uint32_t cols, std::size_t payload) {
    return be32(0x803) + be32(n) + be32(rows) + be32(cols) + std::string(payload, '\x10');
}
std::string idx_labels(std::uint32_t n, std::size_t payload, char label = 3) {
    return be32(0x801) + be32(n) + std::string(payload, label);
}

void write_gz(const fs::path& p, const std::string& bytes) {
    gzFile f = gzopen(p.c_str(), "wb");
    REQUIRE(f != nullptr);
    REQUIRE(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())) == static_cast<int>(bytes.size()));
    gzclose(f);
}

// A complete MNIST-format folder with `n` images per split; `mutate` changes one file.
fs::path mnist_dir(const fs::path& root, const std::string& name,
                   const std::map<std::string, std::string>& replace = {}) {
    const auto dir = root / name;
    fs::create_directories(dir);
    std::map<std::string, std::string> files = {
        {"train-images-idx3-ubyte", idx_images(20, 28, 28, 20 * 784)},
        {"train-labels-idx1-ubyte", idx_labels(20, 20)},
        {"t10k-images-idx3-ubyte", idx_images(10, 28, 28, 10 * 784)},
        {"t10k-labels-idx1-ubyte", idx_labels(10, 10)},
    };
    for (const auto& [file, bytes] : replace) files[file] = bytes;
    for (const auto& [file, bytes] : files) {
        if (file.size() > 3 && file.substr(file.size() - 3) == ".gz") {
            write_gz(dir / file, bytes);
        } else {
            write_bytes(dir / file, bytes);
        }
    }
    return dir;
}

void save_model(const fs::path& path, const std::string& body, bool with_weights = true, std::int64_t outputs = 10) {
    torch::jit::Module m("Model");
    if (with_weights) m.register_parameter("w", torch::zeros({28 * 28, outputs}), false);
    m.define(body);
    m.save(path.string());
}

struct Fixtures {
    fs::path root;
    fs::path models;
    fs::path data;
};

const Fixtures& fixtures() {
    static const Fixtures f = [] {
        Fixtures x;
        x.root = ignite::test::scratch_dir("ignite_bad_inputs");
        x.models = x.root / "models";
        x.data = x.root / "data";
        fs::create_directories(x.models);
        fs::create_directories(x.data);
        const auto& m = x.models;
        save_model(m / "five.pt", "def forward(self, x):\n    return x.flatten(1).matmul(self.w)\n", true, 5);
        save_model(m / "one_d.pt", "def forward(self, x):\n    return x.flatten(1).matmul(self.w).sum(1)\n");
        save_model(m / "tuple.pt", "def forward(self, x):\n    y = x.flatten(1).matmul(self.w)\n    return (y, y)\n");
        save_model(m / "int64.pt", "def forward(self, x):\n    return x.flatten(1).matmul(self.w).long()\n");
        save_model(m / "nograd.pt", "def forward(self, x):\n    return x.flatten(1).matmul(self.w).detach()\n");
        save_model(m / "one_row.pt", "def forward(self, x):\n    return x.flatten(1).matmul(self.w)[0:1]\n");
        save_model(m / "throws.pt",
                   "def forward(self, x):\n"
                   "    assert x.size(0) == 0, 'the model refuses batches of ' + str(x.size(0)) + ' images'\n"
                   "    return x.flatten(1).matmul(self.w)\n");
        save_model(m / "noparams.pt", "def forward(self, x):\n    return x.flatten(1)[:, 0:10]\n", false);
        save_model(m / "nan.pt", "def forward(self, x):\n    return x.flatten(1).matmul(self.w) * float('nan')\n");
        write_bytes(m / "garbage.pt", "this is not a TorchScript archive\n");

        const auto& d = x.data;
        mnist_dir(d, "good");
        fs::create_directories(d / "empty");
        write_bytes(d / "a_file", "not a folder\n");
        mnist_dir(d, "truncated_images", {{"train-images-idx3-ubyte", idx_images(20, 28, 28, 5 * 784)}});
        mnist_dir(d, "huge_count", {{"train-images-idx3-ubyte", idx_images(2000000000u, 28, 28, 20 * 784)}});
        mnist_dir(d, "huge_labels", {{"train-labels-idx1-ubyte", idx_labels(4000000000u, 20)}});
        {
            // The same, gzip-compressed: the declared size is checked against the trailer.
            const auto dir = d / "huge_count_gz";
            mnist_dir(d, "huge_count_gz", {{"train-images-idx3-ubyte.gz", idx_images(2000000000u, 28, 28, 20 * 784)}});
            fs::remove(dir / "train-images-idx3-ubyte");
        }
        mnist_dir(d, "bad_magic", {{"train-images-idx3-ubyte", be32(0x1234) + std::string(100, '\0')}});
        mnist_dir(d, "count_mismatch", {{"train-labels-idx1-ubyte", idx_labels(19, 19)}});
        mnist_dir(d, "bad_labels", {{"train-labels-idx1-ubyte", idx_labels(20, 20, 12)}});
        mnist_dir(d, "not_square",
                  {{"train-images-idx3-ubyte", idx_images(20, 28, 14, 20 * 28 * 14)},
                   {"t10k-images-idx3-ubyte", idx_images(10, 28, 14, 10 * 28 * 14)}});
        mnist_dir(d, "size_mismatch", {{"t10k-images-idx3-ubyte", idx_images(10, 14, 14, 10 * 196)}});
        mnist_dir(d, "zero_dims", {{"train-images-idx3-ubyte", idx_images(20, 0, 28, 0)}});
        mnist_dir(d, "missing_file");
        fs::remove(d / "missing_file" / "t10k-labels-idx1-ubyte");
        {
            const auto dir = d / "corrupt_gz";
            mnist_dir(d, "corrupt_gz");
            fs::remove(dir / "train-images-idx3-ubyte");
            write_bytes(dir / "train-images-idx3-ubyte.gz", std::string("\x1f\x8b\x08\x00", 4) + std::string(200, 'z'));
        }
        mnist_dir(d, "header_only", {{"train-images-idx3-ubyte", be32(0x803) + be32(20)}});

        // Plugin files that are not plugins.
        write_bytes(d / "ignite-plugin-text.so", "just text\n");
        write_bytes(d / "ignite-plugin-empty.so", "");
        const auto console = read_file(fs::path(kPluginDir) / "ignite-plugin-console.so");
        write_bytes(d / "ignite-plugin-halfconsole.so", console.substr(0, console.size() / 2));
        write_bytes(d / "ignite-plugin-headconsole.so", console.substr(0, 64));
        fs::create_directories(d / "ignite-plugin-folder.so");
        // Config files.
        write_bytes(d / "unknown_key.ini", "model = mlp\nfoo = 1\n");
        write_bytes(d / "nested.ini", "model = mlp\nconfig = other.ini\n");
        write_bytes(d / "bad_value.ini", "epochs = abc\n");
        write_bytes(d / "nan_lr.ini", "lr = nan\n");
        write_bytes(d / "not_ini.ini", "this line is not key = value ]\n[unclosed\n");
        write_bytes(d / "help.ini", "help = true\n");
        write_bytes(d / "bad_plugin.ini", "plugin = no_such_plugin\n");
        write_bytes(d / "bad_plugin_opt.ini", "plugin-opt = progress.bogus=1\n");
        // A [NAME] section holds plugin NAME's options; it does not load the plugin.
        write_bytes(d / "section.ini", "[console]\nevery = 5\n");
        write_bytes(d / "section_unknown_key.ini", "[progress]\nbogus = 1\n");
        write_bytes(d / "section_bad_value.ini", "[progress]\nwidth = 2\n");
        write_bytes(d / "stray_word.ini", "epochs = 2 3\n");
        return x;
    }();
    return f;
}

// ---- one case ------------------------------------------------------------------------------

struct Case {
    std::string name;
    std::vector<std::string> args;  // {D}: fixtures' data, {M}: models, {B}: bad plugins, {P}: shipped plugins
    int rc;
    std::string names;            // the error line must contain this
    std::string setup = "";       // shell commands run in the case's folder first
    bool creates_output = false;  // a failed run (rc 1) writes its output folder
};

std::string expand(std::string s) {
    const auto& f = fixtures();
    for (const auto& [key, value] : std::map<std::string, std::string>{
             {"{D}", f.data.string()}, {"{M}", f.models.string()}, {"{B}", kBadDir}, {"{P}", kPluginDir}}) {
        for (auto pos = s.find(key); pos != std::string::npos; pos = s.find(key)) s.replace(pos, key.size(), value);
    }
    return s;
}

// Every line of every .jsonl file under `dir` parses.
void check_jsonl_parses(const fs::path& dir) {
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        if (!e.is_regular_file() || e.path().extension() != ".jsonl") continue;
        for (const auto& line : lines_of(read_file(e.path()))) {
            INFO(e.path().string() << ": " << line);
            CHECK_NOTHROW(nlohmann::json::parse(line));
        }
    }
}

const std::string kEarlierMetrics = "{\"split\":\"train\",\"epoch\":1,\"loss\":0.5}\n";

struct CaseResult {
    int status = 0;
    std::string out, err;
};

std::vector<std::string> expand_all(std::vector<std::string> args) {
    for (auto& a : args) a = expand(a);
    return args;
}

// ignite-host ARGS ({D}, {M}, {B}, {P} expanded) run in `dir` with the shipped plugins on
// the path; `how` adds to that.
CaseResult run_in(const fs::path& dir, const std::vector<std::string>& args, ignite::test::HostRun how = {}) {
    how.plugin_path = kPluginDir;
    how.cwd = dir;
    const auto p = ignite::test::run_host(kHost, expand_all(args), how);
    return {p.status, p.out, p.err};
}

// The shell command for run_in's ignite-host, for a case that starts it itself.
std::string host_command(const fs::path& dir, const std::vector<std::string>& args) {
    return ignite::test::host_command(kHost, expand_all(args), {.plugin_path = kPluginDir, .cwd = dir});
}

void run_case(const Case& c) {
    static int counter = 0;
    const auto dir = fixtures().root / "cases" / (std::to_string(++counter) + "_" + c.name);
    fs::remove_all(dir);
    fs::create_directories(dir / "earlier");
    write_bytes(dir / "earlier" / "metrics.jsonl", kEarlierMetrics);
    write_bytes(dir / "trace.jsonl", "{\"event\":\"STARTED\"}\n");
    if (!c.setup.empty()) {
        REQUIRE(std::system(("cd " + shell_quote(dir.string()) + " && " + expand(c.setup)).c_str()) == 0);
    }
    std::vector<fs::path> entries_before;
    for (const auto& e : fs::directory_iterator(dir)) entries_before.push_back(e.path().filename());

    // A bad input is refused promptly: one that hangs (e.g. a FIFO opened before its kind is
    // checked) fails its case with timeout's 124 instead of hanging the suite.
    const auto r = run_in(dir, c.args, {.launcher = {"timeout", "-k", "5", "120"}});
    INFO("case " << c.name << ": ignite-host " << expand([&] {
             std::string s;
             for (const auto& a : c.args) s += a + " ";
             return s;
         }()));
    INFO("stderr: " << r.err);
    INFO("stdout: " << r.out);
    REQUIRE(WIFEXITED(r.status));
    CHECK(WEXITSTATUS(r.status) == c.rc);
    std::vector<std::string> error_lines;
    for (const auto& line : lines_of(r.err)) {
        if (line.find("error:") != std::string::npos) error_lines.push_back(line);
    }
    REQUIRE(error_lines.size() == 1);
    CHECK_THAT(error_lines[0], Catch::StartsWith("ignite-host: error: ") || Catch::Contains("] error: "));
    CHECK_THAT(error_lines[0], Catch::Contains(c.names));
    CHECK(error_lines[0].size() < 1200);
    // Earlier results untouched.
    CHECK(read_file(dir / "earlier" / "metrics.jsonl") == kEarlierMetrics);
    CHECK(read_file(dir / "trace.jsonl") == "{\"event\":\"STARTED\"}\n");
    if (!c.creates_output) {
        std::vector<fs::path> entries_after;
        for (const auto& e : fs::directory_iterator(dir)) entries_after.push_back(e.path().filename());
        std::sort(entries_before.begin(), entries_before.end());
        std::sort(entries_after.begin(), entries_after.end());
        CHECK(entries_after == entries_before);  // bad input: nothing created, not even a folder
    }
    check_jsonl_parses(dir);
}

void run_cases(const std::vector<Case>& cases) {
    for (const auto& c : cases) {
        DYNAMIC_SECTION(c.name) { run_case(c); }
    }
}

// The fast, valid base of a training run (synthetic data, the default progress plugin);
// an option in `extra` that the base sets replaces the base's value.
std::vector<std::string> train(std::vector<std::string> extra) {
    std::vector<std::pair<std::string, std::string>> base{
        {"--model", "mlp"}, {"--dataset", "synthetic:200"}, {"--epochs", "1"}, {"--output-dir", "out"}};
    std::vector<std::string> rest;
    for (std::size_t i = 0; i < extra.size(); ++i) {
        auto it = std::find_if(base.begin(), base.end(), [&](const auto& kv) { return kv.first == extra[i]; });
        if (it != base.end() && i + 1 < extra.size()) {
            it->second = extra[++i];
        } else {
            rest.push_back(extra[i]);
        }
    }
    std::vector<std::string> args{"train"};
    for (const auto& [k, v] : base) args.insert(args.end(), {k, v});
    args.insert(args.end(), rest.begin(), rest.end());
    return args;
}

}  // namespace

TEST_CASE("bad options of train: exit 2, one line naming the option, nothing written", "[bad_inputs]") {
    run_cases({
        {"stray_word", {"train", "mlp"}, 2, "unexpected argument 'mlp'"},
        {"stray_word_after_options", train({"extra"}), 2, "unexpected argument 'extra'"},
        {"unknown_option", train({"--epoch", "3"}), 2, "epoch"},
        {"epochs_zero", train({"--epochs", "0"}), 2, "--epochs"},
        {"epochs_negative", train({"--epochs", "-1"}), 2, "--epochs"},
        {"epochs_not_a_number", train({"--epochs", "abc"}), 2, "epochs"},
        {"batch_size_zero", train({"--batch-size", "0"}), 2, "--batch-size"},
        {"batch_size_negative", train({"--batch-size", "-5"}), 2, "--batch-size"},
        {"lr_zero", train({"--lr", "0"}), 2, "--lr"},
        {"lr_negative", train({"--lr", "-0.1"}), 2, "--lr"},
        {"lr_infinite", train({"--lr", "inf"}), 2, "--lr"},
        {"lr_nan", train({"--lr", "nan"}), 2, "--lr"},
        {"lr_absurd", train({"--lr", "1e9"}), 2, "--lr"},
        {"lr_not_a_number", train({"--lr", "fast"}), 2, "lr"},
        {"weight_decay_infinite", train({"--weight-decay", "inf"}), 2, "--weight-decay"},
        {"weight_decay_nan", train({"--weight-decay", "nan"}), 2, "--weight-decay"},
        {"weight_decay_absurd", train({"--weight-decay", "1e9"}), 2, "--weight-decay"},
        {"weight_decay_negative", train({"--weight-decay", "-1"}), 2, "--weight-decay"},
        {"momentum_one", train({"--momentum", "1"}), 2, "--momentum"},
        {"momentum_negative", train({"--momentum", "-0.1"}), 2, "--momentum"},
        {"momentum_nan", train({"--momentum", "nan"}), 2, "--momentum"},
        {"nesterov_without_momentum", train({"--nesterov", "--momentum", "0"}), 2, "--nesterov"},
        {"adam_with_momentum", train({"--optimizer", "adam", "--momentum", "0.5"}), 2, "--momentum"},
        {"adam_with_nesterov", train({"--optimizer", "adam", "--nesterov"}), 2, "--nesterov"},
        {"unknown_optimizer", train({"--optimizer", "lbfgs"}), 2, "--optimizer"},
        {"unknown_lr_schedule", train({"--lr-schedule", "step"}), 2, "--lr-schedule"},
        {"threads_negative", train({"--threads", "-1"}), 2, "--threads"},
        {"threads_absurd", train({"--threads", "100000"}), 2, "--threads"},
        {"threads_just_above_limit", train({"--threads", "1025"}), 2, "--threads"},
        {"limit_negative", train({"--limit", "-1"}), 2, "--limit"},
        {"test_limit_negative", train({"--test-limit", "-1"}), 2, "--test-limit"},
        {"val_split_negative", train({"--val-split", "-0.1"}), 2, "--val-split"},
        {"val_split_one", train({"--val-split", "1"}), 2, "--val-split"},
        {"val_split_nan", train({"--val-split", "nan"}), 2, "--val-split"},
        {"val_split_holds_out_none", train({"--val-split", "0.001"}), 2, "holds out no sample"},
        {"val_split_never_evaluated", train({"--val-split", "0.1", "--eval-every", "0"}), 2, "--eval-every 0"},
        {"prefetch_below_auto", train({"--prefetch", "-2"}), 2, "--prefetch"},
        {"prefetch_absurd", train({"--prefetch", "5000"}), 2, "--prefetch"},
        {"eval_every_negative", train({"--eval-every", "-1"}), 2, "--eval-every"},
        {"metric_never_computed", train({"--eval-every", "0", "--plugin", "metrics", "--metric", "f1_macro"}), 2,
         "--eval-every 0"},
        {"unknown_device", train({"--device", "tpu"}), 2, "--device"},
        // On a machine with a GPU the same mistakes are a missing device index.
        {"cuda_without_cuda", train({"--device", kMissingCuda}), 2, kHasCuda ? kMissingCuda : "CUDA"},
        {"cuda_index_without_cuda", train({"--device", "cuda:77"}), 2, "cuda:77"},
        {"cuda_bad_index", train({"--device", "cuda:x"}), 2, "cuda:x"},
        {"metric_always_computed", train({"--metric", "accuracy"}), 2, "always computes"},
        {"metric_not_loaded", train({"--metric", "f1_macro"}), 2, "--plugin metrics"},
        {"metric_twice", train({"--plugin", "metrics", "--metric", "f1_macro", "--metric", "f1_macro"}), 2, "twice"},
        {"metric_unknown_everywhere", train({"--metric", "no_such_metric"}), 2, "no_such_metric"},
    });
}

TEST_CASE("bad output folders: refused before anything is written", "[bad_inputs]") {
    run_cases({
        {"output_dir_empty",
         {"train", "--model", "mlp", "--dataset", "synthetic:200", "--output-dir", ""},
         2,
         "--output-dir is empty"},
        {"output_dir_holds_earlier_run",
         {"train", "--model", "mlp", "--dataset", "synthetic:200", "--output-dir", "earlier"},
         2,
         "not empty"},
        {"output_dir_is_a_file",
         {"train", "--model", "mlp", "--dataset", "synthetic:200", "--output-dir", "trace.jsonl"},
         2,
         "is not a folder"},
        {"output_dir_under_a_file",
         {"train", "--model", "mlp", "--dataset", "synthetic:200", "--output-dir", "trace.jsonl/run"},
         2,
         "trace.jsonl/run"},
        {"default_output_dir_holds_earlier_run",
         {"train", "--model", "mlp", "--dataset", "synthetic:200"},
         2,
         "ignite-output",
         "mkdir ignite-output && echo '{}' > ignite-output/metrics.jsonl"},
    });
}

TEST_CASE("resume of what is not a checkpoint file: exit 2 at once, one line naming it, nothing written",
          "[bad_inputs]") {
    // The kind of file is checked before it is opened: opening a FIFO for reading would wait
    // for a writer forever.
    run_cases({
        {"resume_fifo", train({"--resume", "ck.pt"}), 2, "checkpoint 'ck.pt': not a regular file (a FIFO)",
         "mkfifo ck.pt"},
        {"resume_folder", train({"--resume", "ck.pt"}), 2, "checkpoint 'ck.pt': not a regular file (a folder)",
         "mkdir ck.pt"},
        {"resume_char_device", train({"--resume", "/dev/zero"}), 2,
         "checkpoint '/dev/zero': not a regular file (a character device)"},
        {"resume_socket", train({"--resume", "ck.sock"}), 2, "checkpoint 'ck.sock': not a regular file (a socket)",
         "python3 -c \"import socket; socket.socket(socket.AF_UNIX).bind('ck.sock')\""},
        {"resume_missing", train({"--resume", "nowhere.pt"}), 2, "checkpoint 'nowhere.pt': cannot open"},
        {"resume_empty_file", train({"--resume", "ck.pt"}), 2, "checkpoint 'ck.pt': empty file", ": > ck.pt"},
    });
}

TEST_CASE("bad models: exit 2 before training", "[bad_inputs]") {
    run_cases({
        {"unknown_model", train({"--model", "resnet"}), 2, "resnet"},
        {"missing_model_file", train({"--model", "/nonexistent/model.pt"}), 2, "/nonexistent/model.pt"},
        {"garbage_model_file", train({"--model", "{M}/garbage.pt"}), 2, "garbage.pt"},
        {"model_is_a_folder", train({"--model", "{M}"}), 2, "models"},
    });
}

TEST_CASE("bad datasets: exit 2 naming the file and the problem", "[bad_inputs]") {
    run_cases({
        {"unknown_dataset", train({"--dataset", "imagenet"}), 2, "imagenet"},
        {"dataset_folder_missing", train({"--dataset", "mnist:/nonexistent/mnist"}), 2, "/nonexistent/mnist"},
        {"dataset_is_a_file", train({"--dataset", "mnist:{D}/a_file"}), 2, "is not a folder"},
        {"dataset_folder_empty", train({"--dataset", "mnist:{D}/empty"}), 2, "train-images-idx3-ubyte"},
        {"dataset_missing_one_file", train({"--dataset", "mnist:{D}/missing_file"}), 2, "t10k-labels-idx1-ubyte"},
        {"synthetic_too_small", train({"--dataset", "synthetic:1"}), 2, "synthetic:1"},
        {"synthetic_not_a_number", train({"--dataset", "synthetic:lots"}), 2, "synthetic:lots"},
        {"no_batches_drop_last", train({"--dataset", "synthetic:10", "--batch-size", "64", "--drop-last"}), 2,
         "--drop-last"},
        {"no_batches_with_limit", train({"--limit", "5", "--batch-size", "64", "--drop-last"}), 2, "--limit"},
        {"idx_truncated", train({"--dataset", "mnist:{D}/truncated_images"}), 2, "truncated"},
        {"idx_count_exceeds_file", train({"--dataset", "mnist:{D}/huge_count"}), 2, "2000000000 images"},
        {"idx_label_count_exceeds_file", train({"--dataset", "mnist:{D}/huge_labels"}), 2, "4000000000 labels"},
        {"idx_gz_count_exceeds_file", train({"--dataset", "mnist:{D}/huge_count_gz"}), 2, "2000000000 images"},
        {"idx_bad_magic", train({"--dataset", "mnist:{D}/bad_magic"}), 2, "magic"},
        {"idx_count_mismatch", train({"--dataset", "mnist:{D}/count_mismatch"}), 2, "19 labels"},
        {"idx_labels_out_of_range", train({"--dataset", "mnist:{D}/bad_labels"}), 2, "0..9"},
        {"idx_not_square", train({"--dataset", "mnist:{D}/not_square"}), 2, "28x14"},
        {"idx_split_size_mismatch", train({"--dataset", "mnist:{D}/size_mismatch"}), 2, "14x14"},
        {"idx_zero_dims", train({"--dataset", "mnist:{D}/zero_dims"}), 2, "implausible"},
        {"idx_corrupt_gz", train({"--dataset", "mnist:{D}/corrupt_gz"}), 2, "train-images-idx3-ubyte.gz"},
        {"idx_header_only", train({"--dataset", "mnist:{D}/header_only"}), 2, "train-images-idx3-ubyte"},
    });
}

TEST_CASE("bad config files: exit 2 naming the file or key", "[bad_inputs]") {
    run_cases({
        {"config_missing", train({"--config", "/nonexistent/train.ini"}), 2, "/nonexistent/train.ini"},
        {"config_is_a_folder", train({"--config", "{D}"}), 2, "is not a regular file"},
        {"config_is_a_device", train({"--config", "/dev/null"}), 2, "/dev/null"},
        {"config_unknown_key", train({"--config", "{D}/unknown_key.ini"}), 2, "foo"},
        {"config_nested", train({"--config", "{D}/nested.ini"}), 2, "config"},
        {"config_bad_value", train({"--config", "{D}/bad_value.ini"}), 2, "epochs"},
        {"config_nan_lr", train({"--config", "{D}/nan_lr.ini"}), 2, "--lr"},
        {"config_not_ini", train({"--config", "{D}/not_ini.ini"}), 2, "not_ini.ini"},
        {"config_sets_help", train({"--config", "{D}/help.ini"}), 2, "help"},
        {"config_bad_plugin", train({"--config", "{D}/bad_plugin.ini"}), 2, "no_such_plugin"},
        {"config_bad_plugin_opt", train({"--config", "{D}/bad_plugin_opt.ini"}), 2, "bogus"},
        {"config_section_plugin_not_loaded", train({"--config", "{D}/section.ini"}), 2, "`plugin = console`"},
        {"config_section_default_plugin_off",
         train({"--no-default-plugins", "--config", "{D}/section_unknown_key.ini"}), 2, "section [progress]"},
        {"config_section_unknown_key", train({"--config", "{D}/section_unknown_key.ini"}), 2,
         "section [progress]: plugin 'progress' has no option 'bogus'"},
        {"config_section_bad_value", train({"--config", "{D}/section_bad_value.ini"}), 2, "section [progress]"},
        {"config_two_values", train({"--config", "{D}/stray_word.ini"}), 2, "epochs"},
    });
}

TEST_CASE("bad plugins and plugin options: exit 2, every existing file untouched", "[bad_inputs]") {
    run_cases({
        {"plugin_not_found", train({"--plugin", "no_such_plugin"}), 2, "no_such_plugin"},
        {"plugin_path_missing", train({"--plugin", "/nonexistent/ignite-plugin-x.so"}), 2, "/nonexistent"},
        {"plugin_text_file", train({"--plugin", "{D}/ignite-plugin-text.so"}), 2, "ignite-plugin-text.so"},
        {"plugin_empty_file", train({"--plugin", "{D}/ignite-plugin-empty.so"}), 2, "ignite-plugin-empty.so"},
        {"plugin_truncated_half", train({"--plugin", "{D}/ignite-plugin-halfconsole.so"}), 2, "halfconsole"},
        {"plugin_truncated_header", train({"--plugin", "{D}/ignite-plugin-headconsole.so"}), 2, "headconsole"},
        {"plugin_is_a_folder", train({"--plugin", "{D}/ignite-plugin-folder.so"}), 2, "ignite-plugin-folder.so"},
        {"plugin_no_entry", train({"--plugin", "{B}/ignite-plugin-noentry.so"}), 2, "noentry"},
        {"plugin_null_entry", train({"--plugin", "{B}/ignite-plugin-nullentry.so"}), 2, "nullentry"},
        {"plugin_abi_major_2", train({"--plugin", "{B}/ignite-plugin-abi2.so"}), 2, "abi2"},
        {"plugin_abi_minor_99", train({"--plugin", "{B}/ignite-plugin-abi1_99.so"}), 2, "abi1_99"},
        {"plugin_small_struct", train({"--plugin", "{B}/ignite-plugin-smallstruct.so"}), 2, "smallstruct"},
        {"plugin_state_format_unknown", train({"--plugin", "{B}/ignite-plugin-stateformat7.so"}), 2, "state_format 7"},
        {"plugin_json_state_claims_1_3", train({"--plugin", "{B}/ignite-plugin-jsonstate13.so"}), 2, "abi_minor to 4"},
        {"plugin_state_key_of_the_host", train({"--plugin", "{B}/ignite-plugin-statekey_model.so"}), 2,
         "under 'model', which this host's checkpoints use"},
        {"plugin_state_key_taken", train({"--plugin", "checkpoint", "--plugin", "{B}/ignite-plugin-statekey_dup.so"}),
         2, "plugins 'checkpoint' and 'statekey_dup' both save their state under 'checkpointer'"},
        {"plugin_init_fails", train({"--plugin", "{B}/ignite-plugin-initfail.so"}), 2, "initfail"},
        {"plugin_init_throws", train({"--plugin", "{B}/ignite-plugin-initthrows.so"}), 2, "initthrows"},
        {"plugin_duplicate_name",
         train({"--plugin", "{B}/ignite-plugin-dupname_a.so", "--plugin", "{B}/ignite-plugin-dupname_b.so"}), 2, "dup"},
        {"plugin_opt_unknown_key", train({"--plugin-opt", "progress.bogus=1"}), 2, "bogus"},
        {"plugin_opt_bad_type", train({"--plugin-opt", "progress.every=often"}), 2, "every"},
        {"plugin_opt_out_of_range", train({"--plugin-opt", "progress.every=0"}), 2, "progress.every"},
        {"plugin_opt_not_loaded", train({"--plugin-opt", "console.every=2"}), 2, "console"},
        {"plugin_opt_malformed", train({"--plugin-opt", "nonsense"}), 2, "nonsense"},
        {"plugin_opt_no_value", train({"--plugin-opt", "progress.every"}), 2, "progress.every"},
        {"trace_path_is_a_folder", train({"--plugin", "trace", "--plugin-opt", "trace.path=earlier"}), 2, "trace.path"},
        {"trace_path_in_missing_folder",
         train({"--plugin", "trace", "--plugin-opt", "trace.path=/nonexistent/t.jsonl"}), 2, "trace.path"},
        {"trace_file_kept_when_a_later_plugin_fails",
         train({"--plugin", "trace", "--plugin-opt", "trace.path=trace.jsonl", "--plugin", "/nonexistent/x.so"}), 2,
         "/nonexistent/x.so"},
        {"trace_file_kept_when_metric_unknown",
         train({"--plugin", "trace", "--plugin-opt", "trace.path=trace.jsonl", "--metric", "f1_macro"}), 2, "f1_macro"},
        {"trace_file_kept_when_output_dir_refused",
         {"train", "--model", "mlp", "--dataset", "synthetic:200", "--plugin", "trace", "--plugin-opt",
          "trace.path=trace.jsonl", "--output-dir", "earlier"},
         2,
         "not empty"},
    });
}

TEST_CASE("bad subcommands and arguments: exit 2 with one line", "[bad_inputs]") {
    run_cases({
        {"no_command", {}, 2, "command"},
        {"unknown_command", {"frobnicate"}, 2, "frobnicate"},
        {"plugins_without_command", {"plugins"}, 2, "list or inspect"},
        {"plugins_unknown_command", {"plugins", "remove"}, 2, "remove"},
        {"plugins_inspect_without_name", {"plugins", "inspect"}, 2, "inspect"},
        {"plugins_inspect_unknown", {"plugins", "inspect", "no_such_plugin"}, 2, "no_such_plugin"},
        {"plugins_inspect_truncated", {"plugins", "inspect", "{D}/ignite-plugin-halfconsole.so"}, 2, "halfconsole"},
        {"plugins_list_extra", {"plugins", "list", "extra"}, 2, "extra"},
        {"dry_run_epochs_zero", {"dry-run", "--epochs", "0"}, 2, "--epochs"},
        {"dry_run_epoch_length_zero", {"dry-run", "--epoch-length", "0"}, 2, "--epoch-length"},
        {"dry_run_stray_word", {"dry-run", "now"}, 2, "now"},
        {"dry_run_truncated_plugin", {"dry-run", "--plugin", "{D}/ignite-plugin-headconsole.so"}, 2, "headconsole"},
    });
}

TEST_CASE("failed runs: exit 1, one line saying where and what, results so far kept", "[bad_inputs]") {
    const std::string where = "in the trainer at epoch 1, iteration 1";
    run_cases({
        {"model_five_classes", train({"--model", "{M}/five.pt"}), 1, "labels, which go from 0 to 9", "", true},
        {"model_five_classes_where", train({"--model", "{M}/five.pt"}), 1, where, "", true},
        {"model_one_d_output", train({"--model", "{M}/one_d.pt"}), 1, where, "", true},
        {"model_tuple_output", train({"--model", "{M}/tuple.pt"}), 1, where, "", true},
        {"model_int64_logits", train({"--model", "{M}/int64.pt"}), 1, where, "", true},
        {"model_output_without_grad", train({"--model", "{M}/nograd.pt"}), 1, "does not require grad", "", true},
        {"model_one_row", train({"--model", "{M}/one_row.pt"}), 1, "batch_size", "", true},
        {"model_throws_keeps_its_message", train({"--model", "{M}/throws.pt"}), 1,
         "the model refuses batches of 64 images", "", true},
        {"model_without_parameters", train({"--model", "{M}/noparams.pt"}), 1, "no parameters", "", true},
        {"metric_k_above_classes",
         train({"--plugin", "metrics", "--metric", "top_k_accuracy", "--plugin-opt", "metrics.k=100"}), 1, "metrics.k",
         "", true},
        {"metric_fails_in_the_evaluator",
         train({"--plugin", "metrics", "--metric", "top_k_accuracy", "--plugin-opt", "metrics.k=100"}), 1,
         "in the evaluator", "", true},
        {"plugin_handler_fails", train({"--plugin", "{B}/ignite-plugin-handlerfail.so"}), 1, "handlerfail", "", true},
        {"plugin_handler_throws", train({"--plugin", "{B}/ignite-plugin-handlerthrows.so"}), 1, "handlerthrows", "",
         true},
        {"trace_to_full_disk", train({"--plugin", "trace", "--plugin-opt", "trace.path=/dev/full"}), 1, "/dev/full", "",
         true},
        {"metrics_to_full_disk", train({"--output-dir", "full", "--overwrite"}), 1, "No space left on device",
         "mkdir full && ln -s /dev/full full/metrics.jsonl", true},
        {"dry_run_plugin_handler_fails",
         {"dry-run", "--plugin", "{B}/ignite-plugin-handlerfail.so"},
         1,
         "handlerfail",
         "",
         true},
    });
}

// ---- signals, closed descriptors, disk limits, two runs at once ------------------------------

namespace {

// ignite-host started in the background (posix_spawn), in `dir`.
struct Background {
    pid_t pid = -1;
    fs::path dir;

    Background(const fs::path& d, const std::vector<std::string>& args) : dir(d) {
        const std::string cmd = host_command(dir, args) + " >" + shell_quote((dir / ".stdout").string()) + " 2>" +
                                shell_quote((dir / ".stderr").string()) + " </dev/null";
        const char* argv[] = {"/bin/sh", "-c", cmd.c_str(), nullptr};
        REQUIRE(posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ) == 0);
    }
    // Waits until `file` has at least `lines` lines (or the process ended); false on timeout.
    bool wait_for_lines(const fs::path& file, std::size_t lines, double seconds = 60) const {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
        while (std::chrono::steady_clock::now() < deadline) {
            if (lines_of(read_file(file)).size() >= lines) return true;
            int status = 0;
            if (waitpid(pid, &status, WNOHANG) == pid) {
                finished = true;
                final_status = status;
                return lines_of(read_file(file)).size() >= lines;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return false;
    }
    int wait() {
        if (!finished) {
            REQUIRE(waitpid(pid, &final_status, 0) == pid);
            finished = true;
        }
        return final_status;
    }
    std::string err() const { return read_file(dir / ".stderr"); }
    ~Background() {
        if (!finished) {
            ::kill(pid, SIGKILL);
            waitpid(pid, nullptr, 0);
        }
    }
    mutable bool finished = false;
    mutable int final_status = 0;
};

fs::path fresh_case_dir(const std::string& name) {
    const auto dir = fixtures().root / "cases" / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

// A run long enough to be interrupted: many short epochs of the mlp on synthetic data. The
// shell's `exec` makes the spawned pid ignite-host itself.
std::vector<std::string> long_run(const std::string& output_dir) {
    return {"train",        "--model", "mlp",           "--dataset", "synthetic:400", "--epochs", "100000",
            "--eval-every", "1",       "--lr-schedule", "constant",  "--output-dir",  output_dir};
}

std::size_t error_line_count(const std::string& err) {
    std::size_t n = 0;
    for (const auto& line : lines_of(err)) n += line.find("error:") != std::string::npos;
    return n;
}

}  // namespace

TEST_CASE("SIGINT and SIGTERM stop after the current iteration, flush and exit 130 / 143", "[bad_inputs][signals]") {
    for (const auto& [signal, name, rc] : {std::tuple{SIGINT, "SIGINT", 130}, std::tuple{SIGTERM, "SIGTERM", 143}}) {
        DYNAMIC_SECTION(name) {
            const auto dir = fresh_case_dir(std::string("signal_") + name);
            Background run(dir, [&] {
                auto a = long_run("out");
                a.insert(a.end(), {"--plugin", "trace", "--plugin-opt", "trace.path=trace.jsonl"});
                return a;
            }());
            REQUIRE(run.wait_for_lines(dir / "out" / "metrics.jsonl", 4));
            REQUIRE(::kill(run.pid, signal) == 0);
            const int status = run.wait();
            INFO(run.err());
            REQUIRE(WIFEXITED(status));
            CHECK(WEXITSTATUS(status) == rc);
            CHECK_THAT(run.err(), Catch::Contains(std::string("stopped by ") + name));
            CHECK(error_line_count(run.err()) == 0);
            const auto metrics = ignite::test::read_jsonl(dir / "out" / "metrics.jsonl");
            CHECK(metrics.size() >= 4);
            // The trace was flushed: it ends with the run's last events.
            const auto trace = ignite::test::read_jsonl(dir / "trace.jsonl");
            REQUIRE(!trace.empty());
            bool terminated = false;
            for (const auto& j : trace) terminated = terminated || j["event"] == "TERMINATE";
            CHECK(terminated);
            CHECK(trace.back()["event"] == "COMPLETED");
        }
    }
}

TEST_CASE("a second SIGINT stops at once", "[bad_inputs][signals]") {
    const auto dir = fresh_case_dir("signal_twice");
    // A slow evaluation step would be needed to catch the window between the two
    // signals reliably; sending both at once tests the rule: the second one kills.
    Background run(dir, long_run("out"));
    REQUIRE(run.wait_for_lines(dir / "out" / "metrics.jsonl", 2));
    REQUIRE(::kill(run.pid, SIGINT) == 0);
    REQUIRE(::kill(run.pid, SIGINT) == 0);
    const int status = run.wait();
    INFO(run.err());
    // Either the second signal arrived while the first was being handled (killed by it)
    // or the run had already stopped cleanly: never a hang, never exit 0.
    if (WIFSIGNALED(status)) {
        CHECK(WTERMSIG(status) == SIGINT);
    } else {
        REQUIRE(WIFEXITED(status));
        CHECK(WEXITSTATUS(status) == 130);
    }
    for (const auto& line : lines_of(read_file(dir / "out" / "metrics.jsonl"))) {
        if (!line.empty()) CHECK_NOTHROW(nlohmann::json::parse(line));
    }
}

TEST_CASE("two runs into one folder at once: the second is refused, even with --overwrite", "[bad_inputs]") {
    const auto dir = fresh_case_dir("concurrent");
    Background first(dir, long_run("shared"));
    REQUIRE(first.wait_for_lines(dir / "shared" / "metrics.jsonl", 1));
    for (const bool overwrite : {false, true}) {
        auto args = train({"--output-dir", "shared"});
        if (overwrite) args.push_back("--overwrite");
        const auto r = run_in(dir, args);
        INFO(r.err);
        REQUIRE(WIFEXITED(r.status));
        CHECK(WEXITSTATUS(r.status) == 2);
        CHECK(error_line_count(r.err) == 1);
        CHECK_THAT(r.err, Catch::Contains(overwrite ? "in use by another ignite-host run" : "shared"));
    }
    REQUIRE(::kill(first.pid, SIGTERM) == 0);
    const int status = first.wait();
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 143);
    // The first run's lines were never interleaved with a second run's: epochs count up.
    std::int64_t last_epoch = 0;
    for (const auto& j : ignite::test::read_jsonl(dir / "shared" / "metrics.jsonl")) {
        CHECK(j["epoch"].get<std::int64_t>() >= last_epoch);
        last_epoch = j["epoch"];
    }
    // Once it is over, --overwrite may reuse the folder.
    auto again = train({"--overwrite", "--output-dir", "shared"});
    const auto r = run_in(dir, again);
    INFO(r.err);
    CHECK(WEXITSTATUS(r.status) == 0);
    CHECK(ignite::test::read_jsonl(dir / "shared" / "metrics.jsonl").size() == 2);
}

TEST_CASE("a folder removed during the run fails it with one line", "[bad_inputs]") {
    const auto dir = fresh_case_dir("vanished");
    Background run(dir, long_run("out"));
    REQUIRE(run.wait_for_lines(dir / "out" / "metrics.jsonl", 2));
    // As `rm -rf` does: a file the run removes meanwhile (a logger's temporary, renamed or
    // cleaned up) is not an error, so try until the folder is gone.
    std::error_code ec;
    for (int attempt = 0; attempt < 100 && fs::exists(dir / "out"); ++attempt) fs::remove_all(dir / "out", ec);
    REQUIRE_FALSE(fs::exists(dir / "out"));
    const int status = run.wait();
    INFO(run.err());
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 1);
    CHECK(error_line_count(run.err()) == 1);
    CHECK_THAT(run.err(), Catch::Contains("vanished during the run"));
}

TEST_CASE("a file-size limit is a write error, not a kill or a silent success", "[bad_inputs]") {
    const auto dir = fresh_case_dir("fsize");
    // The limit covers stderr's file too: no progress bar, so the error line still fits.
    // (ulimit -f counts 512-byte blocks in dash, 1024 in bash: a few dozen metrics lines.)
    auto args = long_run("out");
    args.insert(args.end(), {"--no-default-plugins", "--plugin", "jsonl"});
    const auto r = run_in(dir, args, {.shell_prefix = "ulimit -f 8"});
    INFO(r.err);
    REQUIRE(WIFEXITED(r.status));
    CHECK(WEXITSTATUS(r.status) == 1);
    CHECK(error_line_count(r.err) == 1);
    CHECK_THAT(r.err, Catch::Contains("File too large"));
    for (const auto& line : lines_of(read_file(dir / "out" / "metrics.jsonl")))
        CHECK_NOTHROW(nlohmann::json::parse(line));
}

TEST_CASE("with stdin, stdout and stderr closed, results still go to their files", "[bad_inputs]") {
    const auto dir = fresh_case_dir("closed_fds");
    const std::string cmd =
        host_command(dir, train({"--epochs", "2", "--plugin", "trace", "--plugin-opt", "trace.path=trace.jsonl"})) +
        " <&- >&- 2>&-";
    const int status = std::system(cmd.c_str());
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    const auto metrics = ignite::test::read_jsonl(dir / "out" / "metrics.jsonl");
    CHECK(metrics.size() == 4);  // train + test lines of 2 epochs
    CHECK(!ignite::test::read_jsonl(dir / "trace.jsonl").empty());
}

TEST_CASE("non-finite losses are written as null, with the reason logged", "[bad_inputs]") {
    const auto dir = fresh_case_dir("nan");
    // Without terminate_on_nan (a default participant since issue 20, which would stop the run
    // at the first NaN loss and fail it): the jsonl writer's own handling of NaN.
    const auto r = run_in(dir, train({"--model", "{M}/nan.pt", "--epochs", "2", "--no-default-plugins", "--plugin",
                                      "jsonl"}));
    INFO(r.err);
    REQUIRE(WIFEXITED(r.status));
    CHECK(WEXITSTATUS(r.status) == 0);
    const auto metrics = ignite::test::read_jsonl(dir / "out" / "metrics.jsonl");
    REQUIRE(metrics.size() == 4);
    CHECK(metrics[0]["avg_loss"].is_null());
    CHECK(metrics[1]["loss"].is_null());
    CHECK_THAT(r.err, Catch::Contains("written as null"));
    CHECK(read_file(dir / "out" / "metrics.jsonl").find("nan") == std::string::npos);
}

TEST_CASE("the summary says how many epochs ran and why a run stopped early", "[bad_inputs]") {
    const auto dir = fresh_case_dir("summary");
    const auto full = run_in(dir, train({"--epochs", "2"}));
    INFO(full.err);
    CHECK(WEXITSTATUS(full.status) == 0);
    CHECK_THAT(full.out, Catch::StartsWith("trained 2 epochs in "));
    // One console line per evaluation, above the bar.
    CHECK_THAT(full.err, Catch::Contains("ignite-host: epoch 1/2: test accuracy"));
    CHECK_THAT(full.err, Catch::Contains("ignite-host: epoch 2/2: test accuracy"));

    auto args = train({"--epochs", "5", "--output-dir", "early", "--plugin", TERMINATE_FIXTURE, "--plugin-opt",
                       "terminator.at_epoch=2"});
    const auto early = run_in(dir, args);
    INFO(early.err);
    CHECK(WEXITSTATUS(early.status) == 0);
    CHECK_THAT(early.out, Catch::StartsWith("trained 2 of 5 epochs in "));
    CHECK_THAT(early.out, Catch::Contains("stopped early: plugin 'terminator' terminated the trainer (handler) at epoch 2"));
    CHECK(ignite::test::read_jsonl(dir / "early" / "metrics.jsonl").size() == 4);
}

TEST_CASE("a plugin observes exceptions by default and swallows one only by handling it", "[bad_inputs][abi]") {
    const auto dir = fresh_case_dir("handle_exception");
    const std::vector<std::string> base{"dry-run", "--plugin", "{B}/ignite-plugin-handlerfail.so", "--plugin",
                                        HANDLE_EXCEPTION_FIXTURE};
    const auto observed = run_in(dir, base);
    INFO(observed.err);
    CHECK(WEXITSTATUS(observed.status) == 1);
    CHECK(error_line_count(observed.err) == 1);
    CHECK_THAT(observed.err, Catch::Contains("[catcher] RuntimeError: plugin 'handlerfail' failed"));
    CHECK_THAT(observed.err, Catch::Contains("handler gave up at 3"));

    auto args = base;
    args.insert(args.end(), {"--plugin-opt", "catcher.handle=true"});
    const auto handled = run_in(dir, args);
    INFO(handled.err);
    CHECK(WEXITSTATUS(handled.status) == 0);
    CHECK(error_line_count(handled.err) == 0);
    CHECK_THAT(handled.err, Catch::Contains("warning: plugin 'catcher' handled (swallowed) the trainer's exception at "
                                            "epoch 1, iteration 3: RuntimeError: plugin 'handlerfail' failed"));
}

TEST_CASE("fewer threads available than asked: the run starts with what it can have, never hangs", "[bad_inputs]") {
    // A thread limit (as a pids cgroup or RLIMIT_NPROC imposes) simulated by a preloaded
    // pthread_create that fails with EAGAIN beyond N live threads: LibTorch's pthreadpool
    // waits forever for a worker that could not start, so without the host's probe this
    // run hangs (timeout's 124).
    const auto dir = fresh_case_dir("thread_limit");
    for (const int limit : {3, 6}) {
        DYNAMIC_SECTION("at most " << limit << " threads") {
            const auto out = "out" + std::to_string(limit);
            // Under ASan the preloaded library comes before ASan's runtime, which ASan
            // refuses unless told the order is intended (the shim forwards to its
            // pthread_create interceptor through RTLD_NEXT).
            const auto r =
                run_in(dir, train({"--threads", "8", "--output-dir", out}),
                       {.env = {std::string("LD_PRELOAD=") + THREAD_LIMIT_PRELOAD,
                                "IGNITE_TEST_THREAD_LIMIT=" + std::to_string(limit)},
                        .launcher = {"timeout", "120"},
                        .shell_prefix = "export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"});
            INFO(r.err);
            REQUIRE(WIFEXITED(r.status));
            CHECK(WEXITSTATUS(r.status) == 0);
            CHECK_THAT(r.err, Catch::Contains("of the 8 threads asked for can be started"));
            CHECK(ignite::test::read_jsonl(dir / out / "metrics.jsonl").size() == 2);
        }
    }
}
