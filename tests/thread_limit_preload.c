/* Test fixture (LD_PRELOAD): a process-wide limit on live threads, as a pids cgroup or
 * RLIMIT_NPROC imposes, without root or a second user. pthread_create fails with EAGAIN
 * once IGNITE_TEST_THREAD_LIMIT threads (the main thread included) are alive.
 * A thread counts as gone when its start routine returns. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

typedef int (*create_fn)(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*);

static atomic_int g_live = 1;

struct start {
    void* (*fn)(void*);
    void* arg;
};

static void* run_counted(void* p) {
    struct start s = *(struct start*)p;
    void* result;
    free(p);
    result = s.fn(s.arg);
    atomic_fetch_sub(&g_live, 1);
    return result;
}

__attribute__((visibility("default"))) int pthread_create(pthread_t* thread, const pthread_attr_t* attr,
                                                          void* (*fn)(void*), void* arg) {
    static create_fn real;
    static int limit = -1;
    struct start* s;
    int rc;
    if (!real) real = (create_fn)dlsym(RTLD_NEXT, "pthread_create");
    if (limit < 0) {
        const char* text = getenv("IGNITE_TEST_THREAD_LIMIT");
        limit = text ? atoi(text) : 1 << 30;
    }
    if (atomic_fetch_add(&g_live, 1) >= limit) {
        atomic_fetch_sub(&g_live, 1);
        return EAGAIN;
    }
    s = (struct start*)malloc(sizeof *s);
    if (!s) {
        atomic_fetch_sub(&g_live, 1);
        return EAGAIN;
    }
    s->fn = fn;
    s->arg = arg;
    rc = real(thread, attr, run_counted, s);
    if (rc != 0) {
        free(s);
        atomic_fetch_sub(&g_live, 1);
    }
    return rc;
}
