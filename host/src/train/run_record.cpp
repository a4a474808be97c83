#include "run_record.hpp"

namespace ignite::host {

RunRecord::RunRecord(const TrainOptions& options)
    : output_(options.output_dir, options.overwrite || !options.resume.empty()) {}

}  // namespace ignite::host
