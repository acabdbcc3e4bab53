/* symacts.kernels._openmp: a runner (symacts_pool.h) that splits the ufunc loops over the
 * OpenMP threads of the process.
 *
 * PyTorch computes on OpenMP threads that spin for a while after each of its operations; a
 * second pool started next to them finds both cores taken and waits (on 2 cores a 0.2 ms
 * kernel took 2-5 ms). Imported after torch, this module resolves libgomp.so.1 to the copy
 * torch loaded, so the kernels run on torch's own, already spinning, threads.
 *
 * Part k of m covers [sy_part_bound(n, k, m), sy_part_bound(n, k + 1, m)): the same multiples
 * of 64 elements as the own pool, so the bits do not depend on which threads ran them.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <omp.h>

#include "symacts_pool.h"

static void omp_runner(intptr_t n, int nt, sy_task_fn fn, void *ctx, int *bad)
{
    int bads[SY_POOL_MAX] = {0};
    int used = 1;
    if (nt > SY_POOL_MAX)
        nt = SY_POOL_MAX;
#pragma omp parallel num_threads(nt)
    {
        int k = omp_get_thread_num(), m = omp_get_num_threads();
        if (k == 0)
            used = m;
        fn(ctx, sy_part_bound(n, k, m), sy_part_bound(n, k + 1, m), &bads[k]);
    }
    for (int k = 0; k < used; k++)
        *bad |= bads[k];
}

static struct PyModuleDef moduledef = {
    PyModuleDef_HEAD_INIT, "_openmp",
    "RUNNER: a capsule for set_runner of the compiled kernels that splits their loops over "
    "the process's OpenMP threads (those PyTorch computes on).", -1, NULL,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__openmp(void)
{
    PyObject *m = PyModule_Create(&moduledef);
    if (m == NULL)
        return NULL;
    PyObject *cap = PyCapsule_New((void *)omp_runner, SY_RUNNER_CAPSULE, NULL);
    if (cap == NULL || PyModule_AddObject(m, "RUNNER", cap) < 0) {
        Py_XDECREF(cap);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
