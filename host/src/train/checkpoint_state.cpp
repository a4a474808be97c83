#include "checkpoint_state.hpp"

#include "cli_common.hpp"
#include "optimizer_state.hpp"

#include <ignite/runtime/console_log.hpp>

#include <ignite/core/checkpoint_file.hpp>

#include <ATen/ATen.h>
#include <fmt/format.h>

#include <map>

namespace ignite::host {
namespace {

using GenericDict = c10::impl::GenericDict;

GenericDict str_dict() { return GenericDict(c10::StringType::get(), c10::AnyType::get()); }

constexpr std::int64_t kHostFormat = 1;

GenericDict host_entry(const TrainOptions& c, const Training& t) {
    auto d = str_dict();
    d.insert("format", kHostFormat);
    d.insert("model", c.model);
    d.insert("dataset", c.dataset);
    // The training split as loaded (after --limit), then how much --val-split held out of it:
    // each names its own option when a resume finds it changed.
    d.insert("train_samples", t.data.train.size() + t.data.val.size());
    d.insert("val_samples", t.data.val.size());
    d.insert("batch_size", c.batch_size);
    d.insert("seed", c.seed);
    d.insert("optimizer", c.optimizer);
    d.insert("lr_schedule", c.lr_schedule);
    d.insert("epochs", c.epochs);
    d.insert("drop_last", c.drop_last);
    d.insert("shuffle", c.shuffle);
    return d;
}

GenericDict as_dict(const c10::IValue& v, const std::string& path) {
    if (!v.isGenericDict())
        throw UsageError(fmt::format("checkpoint '{}' is not a dict; give a checkpoint ignite-host wrote", path));
    return v.toGenericDict();
}

c10::IValue entry(const GenericDict& d, const char* key, const std::string& path) {
    if (!d.contains(key)) {
        throw UsageError(
            fmt::format("checkpoint '{}' has no '{}' entry; give a checkpoint of ignite-host train (plugin "
                        "checkpoint)",
                        path, key));
    }
    return d.at(key);
}

// The text of a scalar of the ignite_host entry, for the message.
std::string text(const c10::IValue& v) {
    if (v.isString()) return v.toStringRef();
    if (v.isInt()) return std::to_string(v.toInt());
    if (v.isBool()) return v.toBool() ? "true" : "false";
    return "?";
}

}  // namespace

const std::vector<std::string>& host_checkpoint_keys() {
    static const std::vector<std::string> keys{"model", "optimizer", "trainer", "lr_scheduler", "ignite_host"};
    return keys;
}

std::vector<std::string> checkpoint_entry_keys(const Training& t) {
    std::vector<std::string> keys{"model", "optimizer", "trainer"};
    if (t.lr_scheduler) keys.emplace_back("lr_scheduler");
    keys.emplace_back("ignite_host");
    return keys;
}

c10::impl::GenericDict checkpoint_entries(const TrainOptions& c, Training& t) {
    auto d = str_dict();
    auto model = c10::Dict<std::string, at::Tensor>();
    for (const auto& item : t.model->state_dict()) model.insert(item.key(), item.value().detach());
    d.insert("model", model);
    d.insert("optimizer", optimizer_state_dict(*t.optimizer));
    d.insert("trainer", checkpoint::to_value(t.trainer->state_dict()));
    if (t.lr_scheduler) d.insert("lr_scheduler", checkpoint::to_value(t.lr_scheduler->state_dict()));
    d.insert("ignite_host", host_entry(c, t));
    return d;
}

std::int64_t checkpoint_iteration(const c10::IValue& v) {
    if (!v.isGenericDict()) return -1;
    const auto d = v.toGenericDict();
    if (!d.contains("trainer") || !d.at("trainer").isGenericDict()) return -1;
    const auto tr = d.at("trainer").toGenericDict();
    if (!tr.contains("iteration") || !tr.at("iteration").isInt()) return -1;
    return tr.at("iteration").toInt();
}

void check_resumable(const std::string& path, const c10::IValue& v, const TrainOptions& c, const Training& t) {
    const auto d = as_dict(v, path);
    const auto h = entry(d, "ignite_host", path);
    if (!h.isGenericDict()) throw UsageError(fmt::format("checkpoint '{}': 'ignite_host' is not a dict", path));
    const auto saved = h.toGenericDict();
    const auto now = host_entry(c, t);
    // The options whose change would make the resumed run another run (epochs may grow).
    const std::pair<const char*, const char*> checked[] = {{"model", "--model"},
                                                           {"dataset", "--dataset"},
                                                           {"train_samples", "--dataset/--limit"},
                                                           {"val_samples", "--val-split"},
                                                           {"batch_size", "--batch-size"},
                                                           {"seed", "--seed"},
                                                           {"optimizer", "--optimizer"},
                                                           {"lr_schedule", "--lr-schedule"},
                                                           {"drop_last", "--drop-last"},
                                                           {"shuffle", "--no-shuffle"}};
    for (const auto& [key, option] : checked) {
        // Checkpoints from before --val-split held nothing out.
        const bool before_val_split = key == std::string("val_samples") && !saved.contains(key);
        if (!saved.contains(key) && !before_val_split) {
            throw UsageError(
                fmt::format("checkpoint '{}' does not record '{}'; it was not written by this ignite-host", path, key));
        }
        const auto a = before_val_split ? c10::IValue(std::int64_t{0}) : saved.at(key), b = now.at(key);
        if (text(a) != text(b)) {
            throw UsageError(fmt::format(
                "--resume '{}': the checkpoint's {} is {} but this run's is {}; resume with "
                "the checkpointed run's {} or start a new run without --resume",
                path, key == std::string("train_samples") ? "training set size" : key, text(a), text(b), option));
        }
    }
    if (c.lr_schedule == "cosine" && saved.at("epochs").toInt() != c.epochs) {
        // The cosine schedule spans the run's iterations: another --epochs is another schedule.
        throw UsageError(
            fmt::format("--resume '{}': the checkpoint's run has --epochs {} but this one {}; with "
                        "--lr-schedule cosine resume with --epochs {}",
                        path, saved.at("epochs").toInt(), c.epochs, saved.at("epochs").toInt()));
    }
}

void restore_checkpoint(const std::string& path, const c10::IValue& v, Training& t, PluginHost& plugins) {
    const auto d = as_dict(v, path);
    // Runs one part's restore; its error becomes one line naming the file and the entry.
    const auto restoring = [&](const char* what, auto&& restore) {
        try {
            restore(entry(d, what, path));
        } catch (const UsageError&) {
            throw;
        } catch (const std::exception& e) {
            throw UsageError(fmt::format("checkpoint '{}': its '{}' does not fit this run: {}", path, what, e.what()));
        }
    };
    restoring("model", [&](const c10::IValue& model) {
        if (!model.isGenericDict()) throw std::invalid_argument("not a state_dict");
        c10::Dict<std::string, at::Tensor> sd;
        for (const auto& item : model.toGenericDict()) {
            if (!item.key().isString() || !item.value().isTensor()) throw std::invalid_argument("not a state_dict");
            sd.insert(item.key().toStringRef(), item.value().toTensor());
        }
        load_model_state(*t.model, sd);
    });
    restoring("optimizer", [&](const c10::IValue& o) { load_optimizer_state_dict(*t.optimizer, o); });
    restoring("trainer", [&](const c10::IValue& s) { t.trainer->load_state_dict(checkpoint::to_dict(s, "trainer")); });
    if (t.lr_scheduler) {
        restoring("lr_scheduler", [&](const c10::IValue& s) {
            t.lr_scheduler->load_state_dict(checkpoint::to_dict(s, "lr_scheduler"));
        });
    }
    const auto& host_keys = host_checkpoint_keys();
    std::map<std::string, c10::IValue> states;
    for (const auto& item : d) {
        if (!item.key().isString()) continue;
        const auto& key = item.key().toStringRef();
        if (std::find(host_keys.begin(), host_keys.end(), key) != host_keys.end()) continue;
        states.emplace(key, item.value());
    }
    try {
        for (const auto& key : plugins.load_plugin_states(states)) {
            log_line(
                fmt::format("ignite-host: warning: checkpoint '{}' holds state '{}' that no loaded plugin claims; "
                            "it is not restored",
                            path, key));
        }
    } catch (const std::exception& e) {
        throw UsageError(fmt::format("checkpoint '{}': {}", path, e.what()));
    }
    t.train_batches->seek(t.trainer->state.iteration);
}

}  // namespace ignite::host
