#include "thread_probe.hpp"

#include <pthread.h>

#include <vector>

namespace ignite::host {
namespace {

// Each helper waits on the mutex the prober holds, so they all live at the same time.
void* wait_for_release(void* mutex) {
    auto* m = static_cast<pthread_mutex_t*>(mutex);
    pthread_mutex_lock(m);
    pthread_mutex_unlock(m);
    return nullptr;
}

}  // namespace

int startable_threads(int wanted) noexcept {
    // pthread directly: std::thread would throw. Default stack size: LibTorch's static TLS
    // needs more than a small custom stack leaves, and pthread_create would refuse it.
    pthread_attr_t attr;
    if (pthread_attr_init(&attr) != 0) return 1;
    std::vector<pthread_t> started;
    try {
        started.reserve(static_cast<std::size_t>(wanted > 1 ? wanted - 1 : 0));
    } catch (...) {
        pthread_attr_destroy(&attr);
        return 1;
    }
    pthread_mutex_t release = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&release);
    for (int i = 1; i < wanted; ++i) {
        pthread_t t;
        if (pthread_create(&t, &attr, wait_for_release, &release) != 0) break;
        started.push_back(t);
    }
    pthread_mutex_unlock(&release);
    pthread_attr_destroy(&attr);
    for (const auto t : started) pthread_join(t, nullptr);
    pthread_mutex_destroy(&release);
    return static_cast<int>(started.size()) + 1;
}

}  // namespace ignite::host
