/* cuda_call_count: an LD_PRELOAD library that counts the CUDA runtime calls that make the
 * host wait for the device, and the host-to-device copies and where they copy from, in one
 * process (scripts/gpu-check.sh's "sync" check).
 *
 *   LD_PRELOAD=libcuda_call_count.so CUDA_CALL_COUNT_OUT=counts.json ignite-host train ...
 *
 * It defines the runtime's functions (unversioned: the dynamic linker lets an unversioned
 * definition in a preloaded object satisfy libtorch_cuda.so's references to
 * cudaStreamSynchronize@libcudart.so.13), counts, and calls the real one found with
 * dlsym(RTLD_NEXT). It needs no CUDA header: the few types are declared below with the
 * runtime's layout. At exit it writes one JSON object to $CUDA_CALL_COUNT_OUT (or stderr).
 *
 * What makes the host wait: cudaStreamSynchronize, cudaDeviceSynchronize,
 * cudaEventSynchronize, and cudaMemcpy (synchronous). Tensor.item() and a blocking
 * device-to-host copy are cudaMemcpyAsync(DtoH) + cudaStreamSynchronize in LibTorch
 * (at::cuda::memcpy_and_sync). A non_blocking host-to-device copy from pinned memory is a
 * cudaMemcpyAsync(HtoD) with no synchronisation after it; for every HtoD copy the source is
 * classified with cudaPointerGetAttributes (pinned host memory or pageable).
 * Kernel launches are counted too (cudaLaunchKernel and kin): a run on the GPU that counts
 * none shows the interposition did not take (then the sync counts mean nothing).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

typedef int cudaError_t;
typedef void* cudaStream_t;
typedef void* cudaEvent_t;
typedef struct {
    unsigned x, y, z;
} dim3_t;
/* cudaMemcpyKind */
enum { kH2H = 0, kH2D = 1, kD2H = 2, kD2D = 3, kDefault = 4 };
/* cudaPointerAttributes (CUDA >= 11): type is cudaMemoryType */
typedef struct {
    int type; /* 0 unregistered (pageable), 1 host (pinned), 2 device, 3 managed */
    int device;
    void* devicePointer;
    void* hostPointer;
    long reserved[8]; /* room for fields newer runtimes may add */
} pointer_attributes_t;

static atomic_long n_stream_sync, n_device_sync, n_event_sync, n_memcpy_sync, n_memcpy_sync_d2h;
static atomic_long n_async_h2d, n_async_h2d_pinned, n_async_h2d_pageable, n_async_h2d_other, n_async_d2h, n_async_d2d,
    n_async_other;
static atomic_long n_launch, n_host_alloc;

#define REAL(name, type)     \
    static type real_##name; \
    if (!real_##name) real_##name = (type)dlsym(RTLD_NEXT, #name);

typedef cudaError_t (*pointer_attr_fn)(pointer_attributes_t*, const void*);

static void classify_h2d(const void* src) {
    REAL(cudaPointerGetAttributes, pointer_attr_fn);
    pointer_attributes_t a = {0};
    if (real_cudaPointerGetAttributes && real_cudaPointerGetAttributes(&a, src) == 0) {
        if (a.type == 1)
            atomic_fetch_add(&n_async_h2d_pinned, 1);
        else if (a.type == 0)
            atomic_fetch_add(&n_async_h2d_pageable, 1);
        else
            atomic_fetch_add(&n_async_h2d_other, 1);
    } else {
        atomic_fetch_add(&n_async_h2d_other, 1);
    }
}

cudaError_t cudaStreamSynchronize(cudaStream_t s) {
    typedef cudaError_t (*fn)(cudaStream_t);
    REAL(cudaStreamSynchronize, fn);
    atomic_fetch_add(&n_stream_sync, 1);
    return real_cudaStreamSynchronize(s);
}

cudaError_t cudaDeviceSynchronize(void) {
    typedef cudaError_t (*fn)(void);
    REAL(cudaDeviceSynchronize, fn);
    atomic_fetch_add(&n_device_sync, 1);
    return real_cudaDeviceSynchronize();
}

cudaError_t cudaEventSynchronize(cudaEvent_t e) {
    typedef cudaError_t (*fn)(cudaEvent_t);
    REAL(cudaEventSynchronize, fn);
    atomic_fetch_add(&n_event_sync, 1);
    return real_cudaEventSynchronize(e);
}

cudaError_t cudaMemcpy(void* dst, const void* src, size_t count, int kind) {
    typedef cudaError_t (*fn)(void*, const void*, size_t, int);
    REAL(cudaMemcpy, fn);
    atomic_fetch_add(&n_memcpy_sync, 1);
    if (kind == kD2H) atomic_fetch_add(&n_memcpy_sync_d2h, 1);
    return real_cudaMemcpy(dst, src, count, kind);
}

cudaError_t cudaMemcpyAsync(void* dst, const void* src, size_t count, int kind, cudaStream_t s) {
    typedef cudaError_t (*fn)(void*, const void*, size_t, int, cudaStream_t);
    REAL(cudaMemcpyAsync, fn);
    switch (kind) {
        case kH2D:
            atomic_fetch_add(&n_async_h2d, 1);
            classify_h2d(src);
            break;
        case kD2H:
            atomic_fetch_add(&n_async_d2h, 1);
            break;
        case kD2D:
            atomic_fetch_add(&n_async_d2d, 1);
            break;
        default:
            atomic_fetch_add(&n_async_other, 1);
    }
    return real_cudaMemcpyAsync(dst, src, count, kind, s);
}

cudaError_t cudaHostAlloc(void** p, size_t size, unsigned flags) {
    typedef cudaError_t (*fn)(void**, size_t, unsigned);
    REAL(cudaHostAlloc, fn);
    atomic_fetch_add(&n_host_alloc, 1);
    return real_cudaHostAlloc(p, size, flags);
}

cudaError_t cudaLaunchKernel(const void* f, dim3_t g, dim3_t b, void** args, size_t shm, cudaStream_t s) {
    typedef cudaError_t (*fn)(const void*, dim3_t, dim3_t, void**, size_t, cudaStream_t);
    REAL(cudaLaunchKernel, fn);
    atomic_fetch_add(&n_launch, 1);
    return real_cudaLaunchKernel(f, g, b, args, shm, s);
}

/* CUDA 13's <<<>>> stubs call __cudaLaunchKernel (same arguments). */
cudaError_t __cudaLaunchKernel(const void* f, dim3_t g, dim3_t b, void** args, size_t shm, cudaStream_t s) {
    typedef cudaError_t (*fn)(const void*, dim3_t, dim3_t, void**, size_t, cudaStream_t);
    REAL(__cudaLaunchKernel, fn);
    atomic_fetch_add(&n_launch, 1);
    return real___cudaLaunchKernel(f, g, b, args, shm, s);
}

cudaError_t cudaLaunchKernelExC(const void* config, const void* f, void** args) {
    typedef cudaError_t (*fn)(const void*, const void*, void**);
    REAL(cudaLaunchKernelExC, fn);
    atomic_fetch_add(&n_launch, 1);
    return real_cudaLaunchKernelExC(config, f, args);
}

__attribute__((destructor)) static void cuda_call_count_report(void) {
    const char* path = getenv("CUDA_CALL_COUNT_OUT");
    FILE* f = path ? fopen(path, "w") : NULL;
    FILE* o = f ? f : stderr;
    fprintf(o,
            "{\"cudaStreamSynchronize\": %ld, \"cudaDeviceSynchronize\": %ld, \"cudaEventSynchronize\": %ld, "
            "\"cudaMemcpy\": %ld, \"cudaMemcpy_DtoH\": %ld, \"cudaMemcpyAsync_HtoD\": %ld, "
            "\"cudaMemcpyAsync_HtoD_pinned\": %ld, \"cudaMemcpyAsync_HtoD_pageable\": %ld, "
            "\"cudaMemcpyAsync_HtoD_unknown\": %ld, \"cudaMemcpyAsync_DtoH\": %ld, \"cudaMemcpyAsync_DtoD\": %ld, "
            "\"cudaMemcpyAsync_other\": %ld, \"cudaHostAlloc\": %ld, \"kernel_launches\": %ld}\n",
            atomic_load(&n_stream_sync), atomic_load(&n_device_sync), atomic_load(&n_event_sync),
            atomic_load(&n_memcpy_sync), atomic_load(&n_memcpy_sync_d2h), atomic_load(&n_async_h2d),
            atomic_load(&n_async_h2d_pinned), atomic_load(&n_async_h2d_pageable), atomic_load(&n_async_h2d_other),
            atomic_load(&n_async_d2h), atomic_load(&n_async_d2d), atomic_load(&n_async_other),
            atomic_load(&n_host_alloc), atomic_load(&n_launch));
    if (f) fclose(f);
}
