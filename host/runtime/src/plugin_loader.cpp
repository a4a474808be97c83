#include <ignite/runtime/plugin_loader.hpp>

#include <ignite/runtime/elf_check.hpp>
#include <ignite/runtime/plugin_metric.hpp>
#include <ignite/runtime/plugin_options.hpp>

#include "abi_sizes.hpp"

#include <boost/dll/shared_library.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <regex>
#include <set>

// host/CMakeLists.txt defines these. The build tree's plugin directory and root are only
// consulted when the running executable lies inside that tree; an installed ignite-host
// finds its plugins relative to itself, so a staged or moved installation still works.
#ifndef IGNITE_BUILD_TREE
#define IGNITE_BUILD_TREE ""
#endif
#ifndef IGNITE_PLUGIN_BUILD_DIR
#define IGNITE_PLUGIN_BUILD_DIR ""
#endif
#ifndef IGNITE_PLUGIN_DIR_FROM_BINDIR
#define IGNITE_PLUGIN_DIR_FROM_BINDIR "../lib/ignite/plugins"
#endif

namespace ignite::host {
namespace fs = std::filesystem;

namespace {
// Whether `path` is `root` or lies below it (both canonical).
bool is_within(const fs::path& path, const fs::path& root) {
    if (root.empty()) return false;
    return std::mismatch(root.begin(), root.end(), path.begin(), path.end()).first == root.end();
}

// The directories the running program itself implies, after $IGNITE_PLUGIN_PATH:
// <exe dir>/<IGNITE_PLUGIN_DIR_FROM_BINDIR> (<prefix>/lib/ignite/plugins for <prefix>/bin),
// or, for a program inside the build tree with no such directory beside it, the build's
// plugin directory. Empty when the executable cannot be located (no /proc).
std::vector<fs::path> builtin_plugin_dirs() {
    std::error_code ec;
    const fs::path exe = fs::canonical("/proc/self/exe", ec);
    if (ec) return {};
    const fs::path installed = (exe.parent_path() / IGNITE_PLUGIN_DIR_FROM_BINDIR).lexically_normal();
    if (fs::is_directory(installed, ec)) return {installed};
    const fs::path build_tree = fs::weakly_canonical(IGNITE_BUILD_TREE, ec);
    if (!ec && *IGNITE_PLUGIN_BUILD_DIR && is_within(exe, build_tree)) return {fs::path(IGNITE_PLUGIN_BUILD_DIR)};
    return {installed};  // named in "not found" messages: where an installation keeps them
}
}  // namespace

std::vector<fs::path> plugin_search_path() {
    std::vector<fs::path> dirs;
    if (const char* env = std::getenv("IGNITE_PLUGIN_PATH")) {
        std::string s = env;
        std::size_t start = 0;
        while (start <= s.size()) {
            const auto end = s.find(':', start);
            const auto part = s.substr(start, end == std::string::npos ? std::string::npos : end - start);
            if (!part.empty()) dirs.emplace_back(part);
            if (end == std::string::npos) break;
            start = end + 1;
        }
    }
    for (auto& d : builtin_plugin_dirs()) dirs.push_back(std::move(d));
    return dirs;
}

std::string plugin_file_name(const std::string& name) { return "ignite-plugin-" + name + ".so"; }

fs::path resolve_plugin(const std::string& name_or_path) {
    const bool is_path = name_or_path.find('/') != std::string::npos ||
                         (name_or_path.size() > 3 && name_or_path.substr(name_or_path.size() - 3) == ".so");
    if (is_path) {
        if (!fs::exists(name_or_path)) {
            throw PluginError(fmt::format("plugin file '{}' does not exist; check the path", name_or_path));
        }
        return fs::absolute(name_or_path);
    }
    std::string searched;
    for (const auto& dir : plugin_search_path()) {
        const auto candidate = dir / plugin_file_name(name_or_path);
        if (fs::exists(candidate)) return candidate;
        searched += (searched.empty() ? "" : ", ") + dir.string();
    }
    throw PluginError(
        fmt::format("plugin '{}' not found: no {} in [{}]; give its path or add its directory to "
                    "IGNITE_PLUGIN_PATH",
                    name_or_path, plugin_file_name(name_or_path), searched));
}

namespace {
using namespace abi;  // kInfoSize_1_0 ...: what each ABI minor's structs hold

// The ABI 1.2 strides (present when struct_size covers them): 0 (the 1.2 size) or at least
// the 1.0 struct.
void validate_strides(const ignite_plugin_info& info, const std::string& label) {
    if (info.struct_size < kInfoSize_1_2) return;
    const struct {
        const char* what;
        std::size_t value, minimum;
    } strides[] = {{"option_stride", info.option_stride, kOptionSize_1_0},
                   {"event_stride", info.event_stride, sizeof(ignite_event_decl)},
                   {"bytes_size", info.bytes_size, sizeof(ignite_bytes)}};
    for (const auto& s : strides) {
        if (s.value != 0 && s.value < s.minimum) {
            throw PluginError(
                fmt::format("plugin '{}' ({}) has {} {}, smaller than ABI 1.0's {}; rebuild it against "
                            "this SDK",
                            info.name, label, s.what, s.value, s.minimum));
        }
    }
}

// ABI 1.4's state_format: a value this host knows, on a plugin that claims 1.4 (so that an
// older host, which would store its JSON as bytes, refuses it).
void validate_state_format(const ignite_plugin_info& info, const std::string& label) {
    if (info.struct_size < kInfoSize_1_4 || info.state_format == IGNITE_STATE_BYTES) return;
    if (info.state_format != IGNITE_STATE_JSON) {
        throw PluginError(
            fmt::format("plugin '{}' ({}) has state_format {}; this host knows {} (bytes) and {} "
                        "(JSON): rebuild it against this SDK",
                        info.name, label, info.state_format, IGNITE_STATE_BYTES, IGNITE_STATE_JSON));
    }
    if (info.abi_minor < 4) {
        throw PluginError(
            fmt::format("plugin '{}' ({}) sets state_format (ABI 1.4) but claims ABI {}.{}; "
                        "set abi_minor to 4 or more",
                        info.name, label, info.abi_major, info.abi_minor));
    }
}

// Validates the metrics a 1.1+ plugin declares (names, callbacks, struct_size). Throws PluginError.
void validate_metrics(const ignite_plugin_info& info, const std::string& label) {
    if (info.abi_minor < 1 || info.metric_count == 0) return;
    if (info.metrics == nullptr) {
        throw PluginError(fmt::format("plugin '{}' ({}) declares {} metrics but its metrics array is null", info.name,
                                      label, info.metric_count));
    }
    if (info.metrics->struct_size < kMetricDeclSize_1_1) {
        throw PluginError(
            fmt::format("plugin '{}' ({}) has an ignite_metric_decl of {} bytes, smaller than ABI 1.1's "
                        "{}; rebuild it against this SDK",
                        info.name, label, info.metrics->struct_size, kMetricDeclSize_1_1));
    }
    static const std::regex kMetricName("[a-z0-9_]+");
    std::set<std::string> seen;
    const auto* base = reinterpret_cast<const char*>(info.metrics);
    for (std::size_t k = 0; k < info.metric_count; ++k) {
        const auto& d = *reinterpret_cast<const ignite_metric_decl*>(base + k * info.metrics->struct_size);
        if (d.struct_size != info.metrics->struct_size) {
            throw PluginError(
                fmt::format("plugin '{}' ({}): metric {} has struct_size {}, the first has {}; every "
                            "entry of the metrics array must have the same size",
                            info.name, label, k, d.struct_size, info.metrics->struct_size));
        }
        if (d.name == nullptr || !std::regex_match(d.name, kMetricName)) {
            throw PluginError(
                fmt::format("plugin '{}' ({}) declares a metric with an invalid name '{}'; use lowercase "
                            "letters, digits and _",
                            info.name, label, d.name ? d.name : "(null)"));
        }
        if (!seen.insert(d.name).second) {
            throw PluginError(fmt::format("plugin '{}' ({}) declares metric '{}' twice", info.name, label, d.name));
        }
        const bool create_metric = d.struct_size >= kMetricDeclSize_1_2 && d.create_metric;
        if (!(d.create || create_metric) || !d.destroy || !d.reset || !d.update || !d.compute || !d.statistics ||
            !d.load_statistics) {
            throw PluginError(
                fmt::format("plugin '{}' ({}): metric '{}' lacks a callback (create or create_metric, "
                            "destroy, reset, update, compute, statistics and load_statistics are all "
                            "required)",
                            info.name, label, d.name));
        }
    }
}
}  // namespace

LoadedModule load_plugin_module(const fs::path& path) {
    // Before dlopen: a truncated file would kill the process with SIGBUS inside it.
    if (const auto problem = elf_file_problem(path)) {
        throw PluginError(fmt::format("plugin file '{}' {}", path.string(), *problem));
    }
    boost::dll::shared_library lib;
    boost::system::error_code ec;
    lib.load(boost::dll::fs::path(path.string()), boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local,
             ec);
    if (ec) {
        throw PluginError(
            fmt::format("'{}' is not a loadable shared library ({}); rebuild it as a plugin with "
                        "ignite_add_plugin()",
                        path.string(), ec.message()));
    }
    if (!lib.has(IGNITE_PLUGIN_ENTRY_SYMBOL)) {
        throw PluginError(
            fmt::format("'{}' exports no {} symbol; define it with IGNITE_DEFINE_PLUGIN or "
                        "IGNITE_SDK_PLUGIN",
                        path.string(), IGNITE_PLUGIN_ENTRY_SYMBOL));
    }
    auto entry = lib.get<const ignite_plugin_info*()>(IGNITE_PLUGIN_ENTRY_SYMBOL);
    const ignite_plugin_info* info = nullptr;
    try {
        info = entry();
    } catch (...) {
        throw PluginError(fmt::format("'{}': {} threw an exception; it must only return its info", path.string(),
                                      IGNITE_PLUGIN_ENTRY_SYMBOL));
    }
    if (info == nullptr) {
        throw PluginError(
            fmt::format("'{}': {} returned no plugin info (null)", path.string(), IGNITE_PLUGIN_ENTRY_SYMBOL));
    }
    const std::string label = fmt::format("'{}'", path.string());
    if (info->abi_major != IGNITE_ABI_MAJOR) {
        throw PluginError(
            fmt::format("{} was built for plugin ABI {}.{}, this host implements ABI {}.{}; rebuild the "
                        "plugin against this SDK",
                        label, info->abi_major, info->abi_minor, IGNITE_ABI_MAJOR, IGNITE_ABI_MINOR));
    }
    if (info->abi_minor > IGNITE_ABI_MINOR) {
        throw PluginError(fmt::format("{} needs plugin ABI {}.{}, newer than this host's {}.{}; upgrade ignite-host",
                                      label, info->abi_major, info->abi_minor, IGNITE_ABI_MAJOR, IGNITE_ABI_MINOR));
    }
    if (info->struct_size < kInfoSize_1_0) {
        throw PluginError(
            fmt::format("{} has a plugin info of {} bytes, smaller than ABI 1.0's {}; it was not built "
                        "with the SDK header",
                        label, info->struct_size, kInfoSize_1_0));
    }
    if (info->abi_minor >= 1 && info->struct_size < kInfoSize_1_1) {
        throw PluginError(
            fmt::format("{} claims plugin ABI {}.{} but its plugin info is {} bytes, smaller than ABI "
                        "1.1's {} (no metrics fields); rebuild it against this SDK",
                        label, info->abi_major, info->abi_minor, info->struct_size, kInfoSize_1_1));
    }
    if (info->abi_minor >= 2 && info->struct_size < kInfoSize_1_2) {
        throw PluginError(
            fmt::format("{} claims plugin ABI {}.{} but its plugin info is {} bytes, smaller than ABI "
                        "1.2's {} (no stride fields); rebuild it against this SDK",
                        label, info->abi_major, info->abi_minor, info->struct_size, kInfoSize_1_2));
    }
    static const std::regex kName("[a-z0-9_]+");
    if (info->name == nullptr || !std::regex_match(info->name, kName)) {
        throw PluginError(fmt::format("{} has an invalid name '{}'; use lowercase letters, digits and _", label,
                                      info->name ? info->name : "(null)"));
    }
    if (info->init == nullptr) {
        throw PluginError(fmt::format("plugin '{}' ({}) has no init callback", info->name, path.string()));
    }
    validate_strides(*info, path.string());
    validate_metrics(*info, path.string());
    validate_state_format(*info, path.string());
    if (info->abi_minor >= 6 && info->struct_size < kInfoSize_1_6) {
        throw PluginError(
            fmt::format("{} claims plugin ABI {}.{} but its plugin info is {} bytes, smaller than ABI "
                        "1.6's {} (no placement fields); rebuild it against this SDK",
                        label, info->abi_major, info->abi_minor, info->struct_size, kInfoSize_1_6));
    }
    if (info->abi_minor >= 6 && info->placement != IGNITE_PLACEMENT_EVERY_RANK &&
        info->placement != IGNITE_PLACEMENT_RANK_ZERO) {
        throw PluginError(
            fmt::format("plugin '{}' ({}) has placement {}; this host knows {} (every rank) and {} (rank 0): "
                        "rebuild it against this SDK",
                        info->name, path.string(), info->placement, IGNITE_PLACEMENT_EVERY_RANK,
                        IGNITE_PLACEMENT_RANK_ZERO));
    }
    // Never unloaded (DESIGN.md): code, type_info and deleters from the plugin must
    // outlive every object that points at them. Leak the handle on purpose.
    static auto* kept = new std::vector<boost::dll::shared_library>();  // reachable, never destroyed
    kept->push_back(std::move(lib));
    return LoadedModule{path, info};
}

Placement plugin_placement(const ignite_plugin_info& info) noexcept {
    // Before 1.6 the field lay in the struct's padding: only a 1.6 plugin says where it runs.
    return info.abi_minor >= 6 && info.struct_size >= abi::kInfoSize_1_6 ? static_cast<Placement>(info.placement)
                                                                         : Placement::every_rank;
}

ParticipantSpec module_spec(const LoadedModule& module) {
    const auto& i = *module.info;
    ParticipantSpec spec;
    spec.kind = ParticipantKind::shared_library;
    spec.name = i.name;
    spec.version = i.version ? i.version : "";
    spec.description = i.description ? i.description : "";
    spec.options = option_schema(i);
    spec.state_key = i.state_key ? i.state_key : "";
    spec.state_is_json = plugin_state_format(i) == IGNITE_STATE_JSON;
    spec.placement = plugin_placement(i);
    spec.priority_band = i.abi_minor >= 6 && i.struct_size >= abi::kInfoSize_1_6 ? i.priority_band : 0;
    spec.path = module.path;
    spec.abi = fmt::format("{}.{}", i.abi_major, i.abi_minor);
    for (const auto* e : event_decls(i)) {
        spec.events.push_back({fmt::format("{}.{}", i.name, e->name),
                               fmt::format("{}{}", e->state_attr ? fmt::format("[state.{}] ", e->state_attr) : "",
                                           e->help ? e->help : "")});
    }
    for (const auto* m : metric_decls(i)) {
        spec.metrics.push_back({m->name, fmt::format("{}{}", (m->flags & IGNITE_METRIC_SQUARE) ? "[matrix] " : "",
                                                     m->help ? m->help : "")});
    }
    return spec;
}

std::uint32_t plugin_state_format(const ignite_plugin_info& info) noexcept {
    return info.struct_size >= abi::kInfoSize_1_4 ? info.state_format : IGNITE_STATE_BYTES;
}

std::vector<fs::path> discover_plugins() {
    std::vector<fs::path> out;
    std::set<std::string> seen;
    static const std::regex kFile("ignite-plugin-([a-z0-9_]+)\\.so");
    for (const auto& dir : plugin_search_path()) {
        std::error_code ec;
        if (!fs::is_directory(dir, ec)) continue;
        std::map<std::string, fs::path> here;  // sorted by name
        for (const auto& entry : fs::directory_iterator(dir, ec)) {
            std::smatch m;
            const std::string file = entry.path().filename().string();
            if (std::regex_match(file, m, kFile)) here.emplace(m[1], entry.path());
        }
        for (const auto& [name, path] : here) {
            if (seen.insert(name).second) out.push_back(path);
        }
    }
    return out;
}

}  // namespace ignite::host
