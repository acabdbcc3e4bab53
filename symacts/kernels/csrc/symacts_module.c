/* symacts.kernels._compiled: the printed kernels as NumPy ufuncs (SY_MODULE names another
 * module: activations compiled at run time, symacts/kernels/runtime.py).
 *
 * Every kernel of symacts_kernel_list.inc becomes one ufunc with a float32 and a float64 loop
 * (inputs x and the parameters, one or two outputs). The loops come from the unit of the best
 * instruction set the running CPU supports (AVX-512, AVX2, portable one-lane C); the
 * environment variable SYMACTS_SIMD=avx512|avx2|scalar asks for one (never above what the CPU
 * has). NumPy releases the GIL around the loops (no object dtypes).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/ndarraytypes.h>
#include <numpy/ufuncobject.h>

#ifndef SY_LEAN
#include <sleef.h>
#endif
#ifndef SLEEF_VERSION_MAJOR /* a lean build is told SLEEF's version (-D) or reports -1 */
#define SLEEF_VERSION_MAJOR -1
#define SLEEF_VERSION_MINOR -1
#endif

#include "symacts_metadata.inc"
#include "symacts_pool.h"

typedef intptr_t sy_intp;
typedef void (*symacts_loop_fn)(char **, const sy_intp *, const sy_intp *, void *);

/* The units linked in: every one (the extension), or those -DSY_WITH_<ISA>=0|1 name (a module
 * compiled at run time links only the unit the running CPU uses). */
#if defined(__x86_64__) || defined(_M_X64)
#define SY_X86 1
#else
#define SY_X86 0
#endif
#ifndef SY_WITH_SCALAR
#define SY_WITH_SCALAR 1
#endif
#ifndef SY_WITH_AVX2
#define SY_WITH_AVX2 SY_X86
#endif
#ifndef SY_WITH_AVX512
#define SY_WITH_AVX512 SY_X86
#endif
#define SY_UNIT(dt, isa) extern const symacts_loop_fn symacts_loops_##dt##_##isa[];
#if SY_WITH_SCALAR
SY_UNIT(f32, scalar)
SY_UNIT(f64, scalar)
#endif
#if SY_WITH_AVX2
SY_UNIT(f32, avx2)
SY_UNIT(f64, avx2)
#endif
#if SY_WITH_AVX512
SY_UNIT(f32, avx512)
SY_UNIT(f64, avx512)
#endif

typedef struct {
    const char *cname, *uname, *activation, *kind, *doc;
    int nparams, nout;
} kernel_info;

static const kernel_info kernels[] = {
#define SY_KERNEL(cname, uname, act, kind, np, no, doc) {#cname, uname, act, kind, doc, np, no},
#include "symacts_kernel_list.inc"
#undef SY_KERNEL
};
#define N_KERNELS ((int)(sizeof(kernels) / sizeof(kernels[0])))

static const char *choose_isa(void)
{
    const char *want = getenv("SYMACTS_SIMD");
    int has512 = 0, has2 = 0;
#if SY_X86 && defined(__GNUC__)
    __builtin_cpu_init();
    has512 = SY_WITH_AVX512 && __builtin_cpu_supports("avx512f")
             && __builtin_cpu_supports("avx512dq");
    has2 = SY_WITH_AVX2 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
    if (want && strcmp(want, "scalar") == 0)
        return "scalar";
    if (want && strcmp(want, "avx2") == 0)
        return has2 ? "avx2" : "scalar";
    if (want && strcmp(want, "avx512") == 0)
        return has512 ? "avx512" : has2 ? "avx2" : "scalar";
    if (has512)
        return "avx512";
    if (has2)
        return "avx2";
    return "scalar";
}

static int tables(const char *isa, const symacts_loop_fn **f32, const symacts_loop_fn **f64)
{
#if SY_WITH_SCALAR
    if (strcmp(isa, "scalar") == 0) {
        *f32 = symacts_loops_f32_scalar;
        *f64 = symacts_loops_f64_scalar;
        return 0;
    }
#endif
#if SY_WITH_AVX2
    if (strcmp(isa, "avx2") == 0) {
        *f32 = symacts_loops_f32_avx2;
        *f64 = symacts_loops_f64_avx2;
        return 0;
    }
#endif
#if SY_WITH_AVX512
    if (strcmp(isa, "avx512") == 0) {
        *f32 = symacts_loops_f32_avx512;
        *f64 = symacts_loops_f64_avx512;
        return 0;
    }
#endif
    return -1;
}

static int supported(const char *isa)
{
    if (strcmp(isa, "scalar") == 0)
        return SY_WITH_SCALAR;
#if SY_X86 && defined(__GNUC__)
    __builtin_cpu_init();
    if (strcmp(isa, "avx2") == 0)
        return SY_WITH_AVX2 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    if (strcmp(isa, "avx512") == 0)
        return SY_WITH_AVX512 && __builtin_cpu_supports("avx512f")
               && __builtin_cpu_supports("avx512dq");
#endif
    return 0;
}

/* name -> ufunc for every kernel, with the loops of one instruction set (the loop tables live
 * as long as the process: ufuncs keep pointers into them) */
static PyObject *build(const char *isa)
{
    const symacts_loop_fn *f32, *f64;
    if (!supported(isa) || tables(isa, &f32, &f64) < 0) {
        PyErr_Format(PyExc_ValueError, "symacts: this CPU or build has no %s kernels", isa);
        return NULL;
    }
    PyUFuncGenericFunction *funcs = PyMem_RawMalloc(sizeof(*funcs) * 2 * N_KERNELS);
    char *types = PyMem_RawMalloc(16 * N_KERNELS);
    void **data = PyMem_RawMalloc(sizeof(*data) * 2 * N_KERNELS);
    PyObject *ufuncs = PyDict_New();
    if (funcs == NULL || types == NULL || data == NULL || ufuncs == NULL) {
        Py_XDECREF(ufuncs);
        return PyErr_NoMemory();
    }
    for (int i = 0; i < N_KERNELS; i++) {
        const kernel_info *k = &kernels[i];
        int nargs = 1 + k->nparams + k->nout;
        if (nargs > 8) {
            PyErr_Format(PyExc_ValueError, "symacts: kernel %s has too many arguments",
                         k->cname);
            Py_DECREF(ufuncs);
            return NULL;
        }
        funcs[2 * i] = (PyUFuncGenericFunction)f32[i];
        funcs[2 * i + 1] = (PyUFuncGenericFunction)f64[i];
        data[2 * i] = data[2 * i + 1] = NULL;
        for (int a = 0; a < nargs; a++) {
            types[16 * i + a] = NPY_FLOAT;
            types[16 * i + nargs + a] = NPY_DOUBLE;
        }
        PyObject *uf = PyUFunc_FromFuncAndData(funcs + 2 * i, data + 2 * i, types + 16 * i, 2,
                                               1 + k->nparams, k->nout, PyUFunc_None,
                                               k->uname, k->doc, 0);
        if (uf == NULL || PyDict_SetItemString(ufuncs, k->uname, uf) < 0) {
            Py_XDECREF(uf);
            Py_DECREF(ufuncs);
            return NULL;
        }
        Py_DECREF(uf);
    }
    return ufuncs;
}

static PyObject *py_build(PyObject *self, PyObject *arg)
{
    (void)self;
    const char *isa = PyUnicode_AsUTF8(arg);
    return isa == NULL ? NULL : build(isa);
}

static PyObject *py_supported(PyObject *self, PyObject *arg)
{
    (void)self;
    const char *isa = PyUnicode_AsUTF8(arg);
    if (isa == NULL)
        return NULL;
    return PyBool_FromLong(supported(isa));
}

static PyObject *py_set_threads(PyObject *self, PyObject *arg)
{
    (void)self;
    long n = PyLong_AsLong(arg);
    if (n == -1 && PyErr_Occurred())
        return NULL;
    return PyLong_FromLong(sy_set_threads(n < 1 ? 1 : n > SY_POOL_MAX ? SY_POOL_MAX : (int)n));
}

static PyObject *py_set_runner(PyObject *self, PyObject *arg)
{
    (void)self;
    sy_runner_fn runner = NULL;
    if (arg != Py_None) {
        runner = (sy_runner_fn)PyCapsule_GetPointer(arg, SY_RUNNER_CAPSULE);
        if (runner == NULL)
            return NULL;
    }
    sy_set_runner(runner);
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"set_threads", py_set_threads, METH_O,
     "set_threads(n) -> previous: threads the ufuncs called from this thread may split a "
     "contiguous array over (1: serial; results are the same bits for any n)."},
    {"set_runner", py_set_runner, METH_O,
     "set_runner(capsule or None): the threads that split the loops (a '"
     SY_RUNNER_CAPSULE "' capsule, e.g. symacts.kernels._openmp.RUNNER; None: this "
     "module's own pool)."},
    {"build_ufuncs", py_build, METH_O,
     "build_ufuncs(isa) -> {name: ufunc} with the loops of 'avx512', 'avx2' or 'scalar'."},
    {"supported", py_supported, METH_O, "supported(isa) -> whether this module has it and this CPU runs it."},
    {NULL, NULL, 0, NULL},
};

#ifndef SY_MODULE
#define SY_MODULE _compiled
#endif
#define SY_STR_(a) #a
#define SY_STR(a) SY_STR_(a)
#define SY_INIT_(m) PyInit_##m
#define SY_INIT(m) SY_INIT_(m)

static struct PyModuleDef moduledef = {
    PyModuleDef_HEAD_INIT, SY_STR(SY_MODULE),
    "The compiled kernels as NumPy ufuncs (see symacts.kernels.ufuncs).", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC SY_INIT(SY_MODULE)(void)
{
    import_array();
    import_umath();
    PyObject *m = PyModule_Create(&moduledef);
    if (m == NULL)
        return NULL;
    const char *isa = choose_isa();
    PyObject *ufuncs = build(isa);
    if (ufuncs == NULL || PyModule_AddObject(m, "UFUNCS", ufuncs) < 0) {
        Py_XDECREF(ufuncs);
        Py_DECREF(m);
        return NULL;
    }
    if (PyModule_AddStringConstant(m, "ISA", isa) < 0
        || PyModule_AddStringConstant(m, "METADATA", symacts_metadata) < 0
        || PyModule_AddIntConstant(m, "SLEEF_VERSION_MAJOR", SLEEF_VERSION_MAJOR) < 0
        || PyModule_AddIntConstant(m, "SLEEF_VERSION_MINOR", SLEEF_VERSION_MINOR) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
