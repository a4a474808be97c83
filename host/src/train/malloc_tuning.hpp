#pragma once
// glibc malloc settings for a training process.

#include <string>

namespace ignite::host {

/// Keeps freed heap memory in the process instead of handing it back to the kernel after
/// every iteration. With glibc's defaults a cnn step can free its multi-megabyte buffers,
/// have the heap top trimmed (or the block was mmap'ed), and fault the same pages in again
/// on the next step: one measured run took ~3.4 million page faults and ~9.6 s of kernel
/// time in two Fashion-MNIST cnn epochs (~25% of the run); whether it happens depends on
/// glibc's dynamic thresholds, which these fixed settings take out of the picture. Sets M_MMAP_THRESHOLD
/// to its maximum (32 MiB: smaller blocks come from the heap), M_TRIM_THRESHOLD to 1 GiB
/// and M_TOP_PAD to 64 MiB. Call once, early, before large allocations; the process keeps
/// its peak heap until it exits. Returns a one-line description for the start-up log
/// ("default malloc" where the C library is not glibc). Never throws.
std::string tune_malloc_for_training() noexcept;

}  // namespace ignite::host
