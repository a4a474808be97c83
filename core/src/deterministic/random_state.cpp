// Seeding and capturing torch's default generators (CPU and, when present, CUDA).
#include <ignite/core/errors.hpp>
#include <ignite/core/random_state.hpp>

#include <ATen/Context.h>
#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>
#include <c10/core/DeviceType.h>
#include <fmt/format.h>
#include <torch/cuda.h>
#include <torch/utils.h>

#include <mutex>
#include <vector>

namespace ignite {
namespace {

std::int64_t cuda_devices() {
    return torch::cuda::is_available() ? static_cast<std::int64_t>(torch::cuda::device_count()) : 0;
}

at::Generator cpu_generator() { return at::globalContext().defaultGenerator(c10::Device(c10::kCPU)); }

at::Generator cuda_generator(std::int64_t device) {
    return at::globalContext().defaultGenerator(c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(device)));
}

at::Tensor state_of(at::Generator gen) {
    std::lock_guard<std::mutex> lock(gen.mutex());
    return gen.get_state();
}

void restore(at::Generator gen, const at::Tensor& state) {
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_state(state.device().is_cpu() ? state : state.cpu());  // Ignite moves a non-CPU state to the CPU
}

at::Tensor as_state_tensor(const c10::IValue& v, std::string_view what) {
    if (!v.isTensor())
        throw ValueError(fmt::format("rng_states: {} should be a uint8 tensor, got {}", what, v.tagKind()));
    return v.toTensor();
}

}  // namespace

void manual_seed(std::int64_t seed) {
    if (seed < 0 || seed > 0xFFFFFFFFLL)
        throw ValueError(fmt::format("Seed must be between 0 and 2**32 - 1, got {}", seed));
    torch::manual_seed(static_cast<std::uint64_t>(seed));  // CPU and every CUDA device
}

c10::IValue get_rng_states() {
    c10::impl::GenericList cuda(c10::TensorType::get());
    for (std::int64_t d = 0; d < cuda_devices(); ++d) cuda.push_back(state_of(cuda_generator(d)));
    c10::impl::GenericDict out(c10::StringType::get(), c10::AnyType::get());
    out.insert("cpu", state_of(cpu_generator()));
    out.insert("cuda", cuda);
    return out;
}

void set_rng_states(const c10::IValue& states) {
    at::Tensor cpu;
    std::vector<at::Tensor> cuda;
    if (states.isGenericDict()) {
        const auto d = states.toGenericDict();
        if (!d.contains("cpu")) throw ValueError("rng_states should hold a 'cpu' generator state");
        cpu = as_state_tensor(d.at("cpu"), "'cpu'");
        if (d.contains("cuda")) {
            const auto& list = d.at("cuda");
            if (!list.isList()) throw ValueError("rng_states: 'cuda' should be a list of tensors");
            for (const auto& s : list.toListRef()) cuda.push_back(as_state_tensor(s, "a 'cuda' entry"));
        }
    } else if (states.isList() || states.isTuple()) {
        // Python Ignite's _get_rng_states(): [random.getstate(), torch.get_rng_state(), ...].
        const auto items = states.isList() ? states.toListRef().vec() : states.toTupleRef().elements().vec();
        if (items.size() < 2) throw ValueError("rng_states as a list should be Ignite's [random, torch, numpy] states");
        cpu = as_state_tensor(items[1], "the torch state (item 1)");
    } else {
        throw ValueError(fmt::format("rng_states should be what get_rng_states() returns, got {}", states.tagKind()));
    }
    if (static_cast<std::int64_t>(cuda.size()) > cuda_devices()) {
        throw ValueError(fmt::format("rng_states holds {} CUDA generator states but this process sees {} CUDA devices",
                                     cuda.size(), cuda_devices()));
    }
    restore(cpu_generator(), cpu);
    for (std::size_t d = 0; d < cuda.size(); ++d) restore(cuda_generator(static_cast<std::int64_t>(d)), cuda[d]);
}

}  // namespace ignite
