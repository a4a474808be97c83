#pragma once
// How many threads this process can really start, so that a pids or thread limit lowers
// --threads instead of making LibTorch's thread pool fail (or wait) half-way through.

namespace ignite::host {

/// Starts up to `wanted` - 1 helper threads at once (the calling thread is the last one),
/// joins them and returns how many threads, the caller included, could run together:
/// `wanted` when nothing stopped them, at least 1. Never throws.
int startable_threads(int wanted) noexcept;

}  // namespace ignite::host
