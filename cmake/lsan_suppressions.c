/* Linked into every target when IGNITE_SANITIZE=ON (CMakeLists.txt): LeakSanitizer's
 * built-in suppressions, read from the executable, so they hold for ctest, for the
 * processes the tests start and for a hand-run binary alike (no LSAN_OPTIONS needed).
 * Only allocations LibTorch makes on purpose and never frees belong here, named by the
 * function that makes them:
 *  - libtorch_cuda.so's static initialiser of CachingHostAllocator.cpp allocates a 24-byte
 *    registry object at load time (torch 2.14 wheel), in every process that links it. */
const char* __lsan_default_suppressions(void);
const char* __lsan_default_suppressions(void) { return "leak:_GLOBAL__sub_I_CachingHostAllocator.cpp\n"; }

/* Without this, LeakSanitizer appends a "Suppressions used:" table to the stderr of every
 * process whose suppression matched, and the tests read stderr. */
const char* __lsan_default_options(void);
const char* __lsan_default_options(void) { return "print_suppressions=0"; }
