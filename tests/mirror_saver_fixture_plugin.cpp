// mirror: a checkpoint saver a third party writes against the SDK alone (no Ignite C++
// internals), standing in for remote storage: every `every` trainer iterations it takes the
// host's checkpoint (Host::checkpoint_bytes, the same file the checkpoint plugin writes) and
// stores it as `store`/step-ITERATION.pt with the host's durable write. checkpoint_resume_test
// resumes ignite-host from such a file.
#include <ignite/plugin.hpp>

#include <filesystem>

namespace {

using ignite::sdk::Engine;
using ignite::sdk::Events;
using ignite::sdk::Host;
using ignite::sdk::Option;
using ignite::sdk::PluginSpec;

class Mirror : public ignite::sdk::Plugin {
    void init(Host& host) override {
        store_ = host.option_string("store");
        host.require_engine("trainer").on(Events::ITERATION_COMPLETED.every(host.option_int("every")),
                                          [this](Engine& trainer) { save(trainer); });
    }

    void save(Engine& trainer) {
        std::filesystem::create_directories(store_);
        const auto path = std::filesystem::path(store_) / ("step-" + std::to_string(trainer.iteration()) + ".pt");
        host().write_file_durably(path.string(), host().checkpoint_bytes(trainer));
        host().log(IGNITE_LOG_INFO, "stored " + path.string());
    }

    std::string store_;
};

}  // namespace

IGNITE_SDK_PLUGIN(Mirror, PluginSpec("mirror")
                              .version("1.0")
                              .description("stores the host's checkpoint every K iterations (a third-party saver)")
                              .needs_abi_minor(3)
                              .option(Option::string("store", "mirror").help("folder standing in for remote storage"))
                              .option(Option::integer("every", 5).min(1).help("trainer iterations between saves")))
