/* The thread pool of the ufunc loops: see symacts_pool.h. */
#include "symacts_pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>

/* how long a worker spins for the next region before it sleeps (yielding its core every few
 * dozen spins: other threads, PyTorch's among them, are not held up) */
#define SY_SPIN_NS 50000L

static _Thread_local int sy_threads = 1;
static _Atomic(sy_runner_fn) sy_runner = NULL;

int sy_set_threads(int n)
{
    int old = sy_threads;
    sy_threads = n < 1 ? 1 : n > SY_POOL_MAX ? SY_POOL_MAX : n;
    return old;
}

int sy_get_threads(void) { return sy_threads; }

static struct {
    pthread_mutex_t lock;        /* guards sleeping and starting workers */
    pthread_cond_t wake;
    pthread_mutex_t region;      /* one parallel region at a time */
    atomic_ulong gen;            /* bumped to start a region */
    atomic_int pending;          /* parts still running in workers */
    int started;                 /* workers running */
    int nt;                      /* threads of the current region */
    sy_task_fn fn;
    void *ctx;
    intptr_t bounds[SY_POOL_MAX + 1];
    int bad[SY_POOL_MAX];
    unsigned long start_gen[SY_POOL_MAX]; /* the generation a worker was made in */
} pool = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_MUTEX_INITIALIZER};

static inline void sy_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static long sy_now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long)t.tv_sec * 1000000000L + t.tv_nsec;
}

static void *worker(void *arg)
{
    int me = (int)(intptr_t)arg; /* part me + 1 of a region */
    unsigned long seen = pool.start_gen[me]; /* (a region may start before this thread runs) */
    for (;;) {
        unsigned long g;
        long until = sy_now_ns() + SY_SPIN_NS;
        int spins = 0;
        while ((g = atomic_load_explicit(&pool.gen, memory_order_acquire)) == seen) {
            sy_relax();
            if ((++spins & 63) != 0)
                continue;
            sched_yield(); /* a spinning worker gives its core to any thread that wants it */
            if (sy_now_ns() < until)
                continue;
            pthread_mutex_lock(&pool.lock);
            while ((g = atomic_load(&pool.gen)) == seen)
                pthread_cond_wait(&pool.wake, &pool.lock);
            pthread_mutex_unlock(&pool.lock);
            break;
        }
        seen = g;
        if (me + 1 < pool.nt) {
            pool.bad[me + 1] = 0;
            pool.fn(pool.ctx, pool.bounds[me + 1], pool.bounds[me + 2], &pool.bad[me + 1]);
            atomic_fetch_sub_explicit(&pool.pending, 1, memory_order_release);
        }
    }
    return NULL;
}

static void after_fork_child(void)
{
    pthread_mutex_init(&pool.lock, NULL);
    pthread_cond_init(&pool.wake, NULL);
    pthread_mutex_init(&pool.region, NULL);
    pool.started = 0;
    /* libgomp's threads do not survive fork (an OpenMP region in the child hangs, PyTorch's
     * own included): a forked child splits on this pool's threads */
    atomic_store(&sy_runner, NULL);
}

static void after_fork_register(void) { pthread_atfork(NULL, NULL, after_fork_child); }

static void register_atfork(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, after_fork_register);
}

void sy_set_runner(sy_runner_fn runner)
{
    register_atfork();
    atomic_store(&sy_runner, runner);
}

/* workers 0 … want − 2 running; the number running (fewer if a thread cannot start) */
static int ensure_workers(int want)
{
    register_atfork();
    pthread_mutex_lock(&pool.lock);
    while (pool.started < want - 1) {
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        pool.start_gen[pool.started] = atomic_load(&pool.gen);
        int rc = pthread_create(&t, &attr, worker, (void *)(intptr_t)pool.started);
        pthread_attr_destroy(&attr);
        if (rc != 0)
            break;
        pool.started++;
    }
    int have = pool.started + 1;
    pthread_mutex_unlock(&pool.lock);
    return have;
}

void sy_parallel(intptr_t n, int nt, sy_task_fn fn, void *ctx, int *bad)
{
    if (nt > SY_POOL_MAX)
        nt = SY_POOL_MAX;
    sy_runner_fn runner = atomic_load(&sy_runner);
    if (nt > 1 && runner != NULL) {
        runner(n, nt, fn, ctx, bad);
        return;
    }
    if (nt > 1 && pthread_mutex_trylock(&pool.region) != 0)
        nt = 1; /* a region is running (another thread): this one runs serially */
    else if (nt > 1) {
        int have = ensure_workers(nt);
        if (have < nt)
            nt = have;
        if (nt < 2)
            pthread_mutex_unlock(&pool.region);
    }
    if (nt < 2) {
        fn(ctx, 0, n, bad);
        return;
    }
    for (int k = 0; k <= nt; k++)
        pool.bounds[k] = sy_part_bound(n, k, nt);
    pool.nt = nt;
    pool.fn = fn;
    pool.ctx = ctx;
    atomic_store(&pool.pending, nt - 1);
    atomic_fetch_add_explicit(&pool.gen, 1, memory_order_release);
    pthread_mutex_lock(&pool.lock);
    pthread_cond_broadcast(&pool.wake);
    pthread_mutex_unlock(&pool.lock);
    pool.bad[0] = 0;
    fn(ctx, pool.bounds[0], pool.bounds[1], &pool.bad[0]);
    for (int spins = 1; atomic_load_explicit(&pool.pending, memory_order_acquire) > 0; spins++) {
        sy_relax();
        if ((spins & 63) == 0)
            sched_yield(); /* a worker without a core of its own */
    }
    for (int k = 0; k < nt; k++)
        *bad |= pool.bad[k];
    pthread_mutex_unlock(&pool.region);
}
