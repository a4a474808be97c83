#pragma once
/// @file random_state.hpp
/// Seeding and saving torch's default random generators (Ignite's ignite.utils.manual_seed
/// and the rng-state helpers of ignite.engine.deterministic). C++ has no Python `random` or
/// numpy state, so "the random state" is torch's: the CPU default generator and, when CUDA
/// is available, every CUDA device's default generator.

#include <ATen/core/ivalue.h>

#include <concepts>
#include <cstdint>
#include <functional>
#include <utility>

namespace ignite {

/// Ignite's manual_seed: seeds the CPU default generator and every CUDA device's.
/// Throws ValueError, seeding nothing, unless 0 <= seed <= 2**32 - 1 (Ignite raises the
/// same through numpy, after torch was already seeded).
void manual_seed(std::int64_t seed);

/// The complete state of torch's default generators, as one value a state_dict can hold:
/// a dict {"cpu": uint8 tensor, "cuda": [uint8 tensor per device]} ("cuda" is empty
/// without CUDA). The CPU state includes the cached normal samples, so restoring it
/// reproduces every later draw bit for bit.
c10::IValue get_rng_states();

/// Restores what get_rng_states() returned. Also accepts Python Ignite's layout, a list
/// [random state, torch CPU state tensor, numpy state], of which only the torch tensor
/// applies here. Throws ValueError for anything else, or when the value names more CUDA
/// devices than this process has; nothing is restored then.
void set_rng_states(const c10::IValue& states);

/// Captures the random state on construction and restores it on destruction, also when
/// leaving by an exception (Ignite's keep_random_state restores only on a normal return).
class RandomStateGuard {
public:
    RandomStateGuard() : saved_(get_rng_states()) {}
    ~RandomStateGuard() { set_rng_states(saved_); }
    RandomStateGuard(const RandomStateGuard&) = delete;
    RandomStateGuard& operator=(const RandomStateGuard&) = delete;

private:
    c10::IValue saved_;
};

/// Ignite's @keep_random_state: wraps a handler so that the random state is the same after
/// it as before it, whatever it draws or seeds. The wrapper takes the same arguments as `f`,
/// so it registers with add_event_handler in every signature `f` supports.
template <typename F>
auto keep_random_state(F f) {
    return [f = std::move(f)]<typename... Args>(
               Args && ... args) mutable -> decltype(auto) requires std::invocable<F&, Args...> {
        RandomStateGuard guard;
        return std::invoke(f, std::forward<Args>(args)...);
    };
}

}  // namespace ignite
