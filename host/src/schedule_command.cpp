#include "schedule_command.hpp"

#include "cli_common.hpp"
#include "exit_status.hpp"
#include "train/components/lr_schedule.hpp"
#include "train/train_options.hpp"

#include <ignite/core/errors.hpp>
#include <ignite/core/optimizer_params.hpp>
#include <ignite/runtime/plugin_options.hpp>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include <torch/optim/sgd.h>

#include <iostream>

namespace po = boost::program_options;

namespace ignite::host {
namespace {

std::vector<double> parse_metric_values(const std::string& text) {
    std::vector<double> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto end = text.find(',', start);
        const auto item = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
        try {
            std::size_t used = 0;
            out.push_back(std::stod(item, &used));
            if (used != item.size()) throw std::invalid_argument(item);
        } catch (const std::exception&) {
            throw UsageError(fmt::format("--metric-values '{}': give the evaluator's metric per evaluation, "
                                         "comma-separated numbers, e.g. 10,5,3,4",
                                         text));
        }
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return out;
}

}  // namespace

int schedule_command(const std::vector<std::string>& args) {
    po::options_description desc(
        "ignite-host schedule: the values lr_schedule's schedule takes (Ignite's simulate_values), one `event value` "
        "line per event");
    std::int64_t events = 0, groups = 1;
    double lr = kDefaultLr;
    desc.add_options()("help,h", "this help")("simulate", po::value(&events)->required(),
                                               "the number of events (iterations; plateau: evaluations) to print")(
        "lr", po::value(&lr)->default_value(kDefaultLr, fmt::format("{}", kDefaultLr)),
        "the optimizer's learning rate (start_value's default, as in train)")(
        "groups", po::value(&groups)->default_value(1), "the optimizer's parameter groups (a value per group)")(
        "metric-values", po::value<std::string>(),
        "plateau: the evaluator's metric at each evaluation, comma-separated (as many as --simulate)")(
        "plugin-opt", po::value<std::vector<std::string>>()->composing(),
        "lr_schedule.KEY=VALUE: the schedule's options (ignite-host plugins inspect lr_schedule)");
    for (const auto& a : args) {
        if (a == "--help" || a == "-h") {
            std::cout << "Usage: ignite-host schedule --simulate N [--plugin-opt lr_schedule.KEY=VALUE ...] [--lr X]\n\n"
                      << desc << "\nExample: ignite-host schedule --simulate 6 --plugin-opt lr_schedule.cycle_size=4\n";
            return 0;
        }
    }
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args).options(desc).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        throw UsageError(fmt::format("schedule: {}", e.what()));
    }
    if (events < 0) throw UsageError(fmt::format("--simulate {}: give the number of events, >= 0", events));
    if (!(lr > 0)) throw UsageError(fmt::format("--lr must be > 0, got {}", lr));
    if (groups < 1) throw UsageError(fmt::format("--groups must be >= 1, got {}", groups));
    std::vector<std::pair<std::string, std::string>> raw{{"start_value", fmt::format("{}", lr)}};
    if (vm.count("plugin-opt")) {
        RawPluginOptions given;
        for (const auto& spec : vm["plugin-opt"].as<std::vector<std::string>>()) {
            try {
                add_raw_option(given, spec);
            } catch (const std::invalid_argument& e) {
                throw UsageError(e.what());
            }
        }
        for (const auto& [name, options] : given) {
            if (name != kLrScheduleName)
                throw UsageError(fmt::format("--plugin-opt {}.*: schedule takes lr_schedule's options only", name));
            raw.insert(raw.end(), options.begin(), options.end());
        }
    }
    try {
        const auto settings = LrScheduleSettings::from(validate_options(kLrScheduleName, lr_schedule_spec().options, raw));
        std::vector<torch::optim::OptimizerParamGroup> pgs;
        for (std::int64_t i = 0; i < groups; ++i)
            pgs.emplace_back(std::vector<at::Tensor>{torch::zeros({1}, torch::requires_grad())});
        torch::optim::SGD optimizer(pgs, torch::optim::SGDOptions(lr));
        auto built = build_schedule(optimizer, settings, events);
        std::vector<std::vector<double>> rows;
        if (built.plateau) {
            if (!vm.count("metric-values"))
                throw UsageError("scheduler=plateau needs --metric-values, the evaluator's metric per evaluation");
            const auto metrics = parse_metric_values(vm["metric-values"].as<std::string>());
            if (static_cast<std::int64_t>(metrics.size()) != events) {
                throw UsageError(fmt::format("--metric-values has {} values for --simulate {}; give one per event",
                                             metrics.size(), events));
            }
            for (std::int64_t i = 0; i < events; ++i) {
                built.plateau->step(metrics[static_cast<std::size_t>(i)]);
                std::vector<double> row{static_cast<double>(i)};
                for (auto& g : optimizer.param_groups()) row.push_back(*ignite::param_slot(g.options(), "lr"));
                rows.push_back(std::move(row));
            }
        } else {
            if (vm.count("metric-values")) throw UsageError("--metric-values is for lr_schedule.scheduler=plateau only");
            // Every group of the optimizer, as a run's TensorBoard lr/group_i shows them.
            auto& s = *built.per_event;
            for (std::int64_t i = 0; i < events; ++i) {
                s(nullptr);
                std::vector<double> row{static_cast<double>(i)};
                for (auto& g : optimizer.param_groups())
                    row.push_back(*ignite::param_slot(g.options(), settings.param_name));
                rows.push_back(std::move(row));
            }
        }
        std::string out;
        for (const auto& row : rows) {
            out += fmt::format("{}", static_cast<std::int64_t>(row[0]));
            for (std::size_t i = 1; i < row.size(); ++i) out += fmt::format(" {}", row[i]);
            out += '\n';
        }
        std::cout << out << std::flush;
        if (!std::cout) throw RunFailed("schedule: could not write the values to standard output");
    } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
    } catch (const ignite::ValueError& e) {
        throw UsageError(fmt::format("{}: {}", kLrScheduleName, e.what()));
    }
    return 0;
}

}  // namespace ignite::host
