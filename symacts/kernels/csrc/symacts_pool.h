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

#endif
