#include "run_record.hpp"

namespace ignite::host {

RunRecord::RunRecord(const TrainOptions& options, Training& training,
                     const std::optional<std::filesystem::path>& resumed_from)
    : output_(options.output_dir, options.overwrite || !options.resume.empty()),
      metrics_(output_.path() / "metrics.jsonl", resumed_from) {
    std::vector<std::pair<std::string, ignite::Engine*>> engines{{"trainer", training.trainer.get()}};
    if (options.eval_every > 0) {
        if (training.validator) engines.emplace_back("validation", training.validator.get());
        engines.emplace_back("evaluator", training.evaluator.get());
    }
    metrics_.attach(engines, training.optimizer.get());
}

}  // namespace ignite::host
