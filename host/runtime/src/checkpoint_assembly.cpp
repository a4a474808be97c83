// What goes into a checkpoint and back: the host's entries and every participant's state
// (a shared-library plugin's bytes or JSON, a component's value), and the files the ABI's
// checkpoint_bytes / checkpoint_bytes_of hand a plugin.
#include "abi_sizes.hpp"
#include "handles.hpp"
#include "json_state.hpp"

#include <ignite/core/checkpoint_file.hpp>

#include <ATen/ATen.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <optional>

namespace ignite::host {

std::size_t plugin_bytes_size(const ignite_plugin_info& info) {
    if (info.struct_size >= abi::kInfoSize_1_2 && info.bytes_size != 0) return info.bytes_size;
    return sizeof(ignite_bytes);
}

namespace {

// A shared-library plugin's state (save_state) as the checkpoint value plugin.h's
// state_format says; nullopt when it saves nothing now (0 bytes) or has no save_state.
std::optional<c10::IValue> save_module_state(PluginHost::Loaded& l) {
    const auto& info = *l.module.info;
    if (!info.save_state) return std::nullopt;
    // A zeroed ignite_bytes as large as the plugin's header declares (plugin.h, bytes_size).
    const std::size_t size = std::max(sizeof(ignite_bytes), plugin_bytes_size(info));
    std::vector<std::max_align_t> buffer((size + sizeof(std::max_align_t) - 1) / sizeof(std::max_align_t));
    auto* bytes = reinterpret_cast<ignite_bytes*>(buffer.data());
    l.error.clear();
    if (info.save_state(l.state, bytes) != IGNITE_OK) {
        throw PluginRunError(fmt::format("plugin '{}': save_state failed: {}", info.name,
                                         l.error.empty() ? "no message given" : l.error));
    }
    if (bytes->size == 0) return std::nullopt;
    const std::string_view data(static_cast<const char*>(bytes->data), bytes->size);
    if (plugin_state_format(info) == IGNITE_STATE_JSON) {
        try {
            return json_state::to_value(data);
        } catch (const std::invalid_argument& e) {
            throw PluginRunError(fmt::format("plugin '{}': save_state gave JSON state that is {}; fix the plugin",
                                             info.name, e.what()));
        }
    }
    auto t = at::empty({static_cast<std::int64_t>(data.size())}, at::kByte);
    std::memcpy(t.data_ptr(), data.data(), data.size());
    return t;
}

// Hands a shared-library plugin the value saved under its state_key.
void load_module_state(PluginHost::Loaded& l, const c10::IValue& value) {
    const auto& info = *l.module.info;
    if (!info.load_state) return;
    const auto& key = l.spec.state_key;
    // Bytes (a uint8 tensor) go over as they are, also to a JSON plugin: they are what it
    // saved while its state was bytes. A JSON plugin gets any other value as JSON text.
    std::string bytes;
    const bool is_bytes = value.isTensor() && value.toTensor().scalar_type() == at::kByte && value.toTensor().dim() == 1;
    if (is_bytes) {
        const auto t = value.toTensor().contiguous().to(at::kCPU);
        bytes.assign(static_cast<const char*>(t.data_ptr()), static_cast<std::size_t>(t.numel()));
    } else if (plugin_state_format(info) == IGNITE_STATE_JSON) {
        try {
            bytes = json_state::to_json(value);
        } catch (const std::invalid_argument& e) {
            throw PluginRunError(fmt::format("plugin '{}': the state under '{}': {}; give a checkpoint this plugin saved",
                                             info.name, key, e.what()));
        }
    } else {
        throw PluginRunError(
            fmt::format("plugin '{}': the state under '{}' is a {}, not the bytes (a uint8 tensor) it saves; give a "
                        "checkpoint this plugin saved",
                        info.name, key, value.tagKind()));
    }
    l.error.clear();
    if (info.load_state(l.state, bytes.data(), bytes.size()) != IGNITE_OK) {
        throw PluginRunError(fmt::format("plugin '{}': load_state failed: {}", info.name,
                                         l.error.empty() ? "no message given" : l.error));
    }
}

}  // namespace

void PluginHost::set_checkpoint_source(std::vector<std::string> host_keys, CheckpointEntries entries) {
    // A plugin state under one of them would collide with the host's entry.
    reserved_state_keys_.insert(reserved_state_keys_.end(), host_keys.begin(), host_keys.end());
    checkpoint_host_keys_ = std::move(host_keys);
    checkpoint_entries_ = std::move(entries);
}

void PluginHost::check_checkpoint_keys(const std::vector<std::string>& keys) const {
    if (!checkpoint_entries_) throw std::logic_error("this host has nothing to checkpoint");
    std::vector<std::string> known = checkpoint_host_keys_;
    for (const auto& l : plugins_)
        if (!l->spec.state_key.empty()) known.emplace_back(l->spec.state_key);
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (keys[i].empty()) throw std::invalid_argument("an empty checkpoint entry name");
        if (std::find(keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(i), keys[i]) !=
            keys.begin() + static_cast<std::ptrdiff_t>(i))
            throw std::invalid_argument(fmt::format("checkpoint entry '{}' is named twice", keys[i]));
        if (std::find(known.begin(), known.end(), keys[i]) == known.end()) {
            throw std::out_of_range(
                fmt::format("the checkpoint has no entry '{}'; it has {}", keys[i], fmt::join(known, ", ")));
        }
    }
}

std::vector<char> PluginHost::checkpoint_file(const std::vector<std::string>& keys) {
    return ignite::checkpoint::encode(checkpoint_value(keys), "checkpoint");
}

c10::IValue PluginHost::checkpoint_value(const std::vector<std::string>& keys) {
    check_checkpoint_keys(keys);
    auto own = checkpoint_entries_();
    if (keys.empty()) {
        for (auto& [key, value] : save_plugin_states()) own.insert_or_assign(key, std::move(value));
        return own;
    }
    // Only the chosen plugins' save_state runs.
    std::map<std::string, c10::IValue> states;
    const auto chosen_plugin = [&](const char* key) { return std::find(keys.begin(), keys.end(), key) != keys.end(); };
    for (auto& [key, value] : save_plugin_states_of(chosen_plugin)) states.emplace(key, std::move(value));
    c10::impl::GenericDict chosen(c10::StringType::get(), c10::AnyType::get());
    for (const auto& key : keys) {
        if (own.contains(key)) {
            chosen.insert(key, own.at(key));
        } else if (auto it = states.find(key); it != states.end()) {
            chosen.insert(key, it->second);
        } else {
            // A plugin that saved nothing (empty state), or a host key its entries lack now.
            throw std::runtime_error(fmt::format("checkpoint entry '{}' is empty now; nothing to save under it", key));
        }
    }
    if (keys.size() == 1) return chosen.at(keys.front());
    return chosen;
}

std::vector<std::pair<std::string, c10::IValue>> PluginHost::save_plugin_states() {
    return save_plugin_states_of([](const char*) { return true; });
}

std::vector<std::pair<std::string, c10::IValue>> PluginHost::save_plugin_states_of(
    const std::function<bool(const char*)>& wanted) {
    std::vector<std::pair<std::string, c10::IValue>> out;
    for (auto& l : plugins_) {
        const auto& key = l->spec.state_key;
        if (!l->initialised || key.empty() || !wanted(key.c_str())) continue;
        if (l->is_component()) {
            std::optional<c10::IValue> state;
            try {
                state = l->component->save_state();
            } catch (const std::exception& e) {
                throw PluginRunError(fmt::format("component '{}': save_state failed: {}", l->spec.name, e.what()));
            }
            if (state) out.emplace_back(key, std::move(*state));
            continue;
        }
        if (auto state = save_module_state(*l)) out.emplace_back(key, std::move(*state));
    }
    return out;
}

std::vector<std::string> PluginHost::load_plugin_states(const std::map<std::string, c10::IValue>& states) {
    std::vector<std::string> unclaimed;
    for (const auto& [key, value] : states) {
        const auto owner = std::find_if(plugins_.begin(), plugins_.end(),
                                        [&](const auto& l) { return l->spec.state_key == key; });
        if (owner == plugins_.end()) unclaimed.push_back(key);
    }
    for (auto& l : plugins_) {
        const auto& key = l->spec.state_key;
        if (!l->initialised || key.empty()) continue;
        const auto it = states.find(key);
        if (l->is_component()) {
            try {
                if (it == states.end()) {
                    l->component->load_state_missing();
                } else {
                    l->component->load_state(it->second);
                }
            } catch (const std::exception& e) {
                throw PluginRunError(fmt::format("component '{}': {}", l->spec.name, e.what()));
            }
            continue;
        }
        if (it != states.end()) load_module_state(*l, it->second);
    }
    return unclaimed;
}

}  // namespace ignite::host
