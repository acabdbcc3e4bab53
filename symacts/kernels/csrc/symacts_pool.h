/* A small thread pool for the ufunc loops: one parallel region at a time splits [0, n) into
 * parts at multiples of 64 elements (so every SIMD vector holds the same elements whatever the
 * thread count: results are bit-identical), the calling thread taking the first part.
 *
 * Workers spin on a generation counter for a short while after each region (a region every
 * few hundred µs, as the kernels on 1e6 elements are, then costs no wake-up) and sleep on a
 * condition variable after that. The number of threads a call may use is thread-local
 * (sy_set_threads, from the Python front's threads=): a ufunc called directly runs on one.
 * A second region while one is running (another Python thread) runs serially. After fork()
 * the child starts with no workers.
 *
 * A runner (sy_set_runner) may take the regions instead: symacts.torch hands them to the
 * OpenMP threads PyTorch computes on (symacts_openmp.c), so that two pools do not fight over
 * the cores. A runner must split on the same multiples of 64.
 */
#ifndef SYMACTS_POOL_H
#define SYMACTS_POOL_H

#include <stddef.h>
#include <stdint.h>

typedef void (*sy_task_fn)(void *ctx, intptr_t start, intptr_t end, int *bad);

#define SY_POOL_MAX 64

/* threads the next loops on this thread may use (1: serial); returns the previous value */
int sy_set_threads(int n) __attribute__((visibility("hidden")));
int sy_get_threads(void) __attribute__((visibility("hidden")));
/* fn(ctx, start, end, &bad) over [0, n) on up to nt threads; bad: OR of the parts' */
void sy_parallel(intptr_t n, int nt, sy_task_fn fn, void *ctx, int *bad)
    __attribute__((visibility("hidden")));

/* runs fn over [0, n) like sy_parallel (same part bounds: sy_part_bound) */
typedef void (*sy_runner_fn)(intptr_t n, int nt, sy_task_fn fn, void *ctx, int *bad);
#define SY_RUNNER_CAPSULE "symacts.kernels.runner"
/* regions with more than one thread go to runner (NULL: this pool's own threads) */
void sy_set_runner(sy_runner_fn runner) __attribute__((visibility("hidden")));

/* start of part k of nt over [0, n): a multiple of 64 (n itself for k = nt) */
static inline intptr_t sy_part_bound(intptr_t n, int k, int nt)
{
    return k >= nt ? n : (intptr_t)((n * k / nt) / 64 * 64);
}

#endif
