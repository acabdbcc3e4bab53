/* One translation unit of the compiled kernels: the vector API for this unit's instruction set
 * and dtype, every printed kernel, and the table of their ufunc loops (in the order of
 * symacts_kernel_list.inc) that symacts_module.c registers. */
#include "symacts_simd.h"
#include "symacts_loop.h"

#include "symacts_kernels.inc"

const symacts_loop_fn SFX(symacts_loops)[] = {
#define SY_KERNEL(cname, uname, act, kind, np, no, doc) SFX(cname##_loop),
#include "symacts_kernel_list.inc"
#undef SY_KERNEL
    0};
