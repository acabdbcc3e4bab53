/* The compiled kernels for scalar, float: see symacts_unit.h. */
#define SY_ISA_SCALAR 1
#define T float
#define SY_F32 1
#define SY_W 1
#define SY_NATIVE float
#define SY_TW f
#define SY_SFX _f32_scalar
#include "symacts_unit.h"
