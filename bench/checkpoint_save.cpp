// Cost of saving a checkpoint the size of ignite-host's `cnn` (host/src/train/models.cpp:
// conv 1->32 3x3, conv 32->64 3x3, fc 1600->128, fc 128->10; 225,034 float parameters) with
// SGD momentum buffers and the trainer's state: encoding, the durable write (fsync of the
// file and the folder) and both together, median over runs. The target: <= 20 ms.
//   checkpoint_save [DIR] [RUNS]    (DIR: where to write, default the current folder)
#include <ignite/core/checkpoint_file.hpp>
#include <ignite/core/durable_file.hpp>

#include <ATen/ATen.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

c10::IValue cnn_checkpoint(std::int64_t iteration) {
    const std::vector<std::pair<std::string, std::vector<std::int64_t>>> shapes{
        {"conv1.weight", {32, 1, 3, 3}}, {"conv1.bias", {32}},   {"conv2.weight", {64, 32, 3, 3}}, {"conv2.bias", {64}},
        {"fc1.weight", {128, 1600}},     {"fc1.bias", {128}},    {"fc2.weight", {10, 128}},        {"fc2.bias", {10}}};
    c10::Dict<std::string, at::Tensor> model;
    c10::impl::GenericDict state(c10::IntType::get(), c10::AnyType::get());
    c10::impl::GenericList params(c10::AnyType::get());
    std::int64_t id = 0;
    for (const auto& [name, shape] : shapes) {
        model.insert(name, at::randn(shape));
        c10::impl::GenericDict s(c10::StringType::get(), c10::AnyType::get());
        s.insert("momentum_buffer", at::randn(shape));
        state.insert(id, s);
        params.push_back(id++);
    }
    c10::impl::GenericDict group(c10::StringType::get(), c10::AnyType::get());
    group.insert("lr", 0.01);
    group.insert("momentum", 0.9);
    group.insert("params", params);
    c10::impl::GenericList groups(c10::AnyType::get());
    groups.push_back(group);
    c10::impl::GenericDict optimizer(c10::StringType::get(), c10::AnyType::get());
    optimizer.insert("state", state);
    optimizer.insert("param_groups", groups);
    c10::impl::GenericDict trainer(c10::StringType::get(), c10::AnyType::get());
    trainer.insert("epoch_length", 469);
    trainer.insert("max_epochs", 10);
    trainer.insert("iteration", iteration);
    c10::impl::GenericDict checkpoint(c10::StringType::get(), c10::AnyType::get());
    checkpoint.insert("model", model);
    checkpoint.insert("optimizer", optimizer);
    checkpoint.insert("trainer", trainer);
    return checkpoint;
}

}  // namespace

int main(int argc, char** argv) {
    const std::filesystem::path dir = argc > 1 ? argv[1] : ".";
    const int runs = argc > 2 ? std::stoi(argv[2]) : 30;
    const auto value = cnn_checkpoint(4690);
    const auto path = dir / "checkpoint_bench.pt";
    std::vector<double> encode_ms, write_ms, save_ms, load_ms;
    std::size_t bytes = 0;
    for (int i = 0; i < runs; ++i) {
        auto t0 = Clock::now();
        const auto encoded = ignite::checkpoint::encode(value);
        encode_ms.push_back(ms_since(t0));
        bytes = encoded.size();
        t0 = Clock::now();
        ignite::io::write_file_durably(path, encoded);
        write_ms.push_back(ms_since(t0));
        t0 = Clock::now();
        ignite::checkpoint::save(value, path);
        save_ms.push_back(ms_since(t0));
        t0 = Clock::now();
        (void)ignite::checkpoint::load(path);
        load_ms.push_back(ms_since(t0));
    }
    std::filesystem::remove(path);
    fmt::print("cnn checkpoint (model + SGD momentum + trainer), {} bytes, {} runs, median ms:\n", bytes, runs);
    fmt::print("  encode {:.2f}  durable write (fsync file + folder) {:.2f}  save (both) {:.2f}  load (checked) {:.2f}\n",
               median(encode_ms), median(write_ms), median(save_ms), median(load_ms));
    return 0;
}
