#include <ignite/core/handlers/cosine_annealing.hpp>

#include <cmath>
#include <numbers>

namespace ignite {

double CosineAnnealingScheduler::cycle_value(double start, double end, double progress) const {
    // Ignite's expression, term for term, so the values agree to the last bit.
    return start + ((end - start) / 2) * (1 - std::cos(std::numbers::pi * progress));
}

}  // namespace ignite
