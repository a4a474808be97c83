// tensorboard: nanoseconds per scalar record (issue 19 §1: <= 1 us), as the plugin pays them:
// encode the Event, frame it with both masked CRC32Cs into the buffer, and the buffered
// write() (flushed every 1000 records, as a run's epoch-end flushes do, to a real file).
//
//   build/bench/tb_record [records]       prints ns/record, with and without the write
#include "event_file.hpp"
#include "tfevents_record.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

int main(int argc, char** argv) {
    const long n = argc > 1 ? std::atol(argv[1]) : 2'000'000;
    const auto dir = std::filesystem::temp_directory_path() / ("tb_record_bench_" + std::to_string(::getpid()));
    const std::string tags[] = {"training/loss", "lr/group_0", "validation/accuracy", "weights_norm/fc1/weight"};
    using clock = std::chrono::steady_clock;
    double best_file = 1e9, best_encode = 1e9;
    for (int round = 0; round < 5; ++round) {
        {
            ignite::tfevents::EventFile file(dir, 5.0);
            const auto t0 = clock::now();
            for (long i = 0; i < n; ++i) {
                file.append(file.encoder().scalar(1.7e9 + static_cast<double>(i) * 1e-3, i, tags[i & 3],
                                                  static_cast<float>(i) * 0.5f));
                if (i % 1000 == 999) file.flush();
            }
            file.close();
            const double ns =
                std::chrono::duration<double, std::nano>(clock::now() - t0).count() / static_cast<double>(n);
            best_file = ns < best_file ? ns : best_file;
        }
        {
            ignite::tfevents::Encoder enc;
            std::string buffer;
            std::size_t bytes = 0;
            const auto t0 = clock::now();
            for (long i = 0; i < n; ++i) {
                ignite::tfevents::append_record(
                    buffer, enc.scalar(1.7e9 + static_cast<double>(i) * 1e-3, i, tags[i & 3], static_cast<float>(i)));
                if (buffer.size() > 65536) {
                    bytes += buffer.size();
                    buffer.clear();
                }
            }
            const double ns =
                std::chrono::duration<double, std::nano>(clock::now() - t0).count() / static_cast<double>(n);
            best_encode = ns < best_encode ? ns : best_encode;
            if (bytes + buffer.size() == 0) return 1;  // keeps the loop from being optimized away
        }
        std::filesystem::remove_all(dir);
    }
    std::printf("scalar record, encode + frame + buffered write to a file: %.0f ns (target <= 1000)\n", best_file);
    std::printf("scalar record, encode + frame only:                       %.0f ns\n", best_encode);
    return best_file <= 1000 ? 0 : 1;
}
