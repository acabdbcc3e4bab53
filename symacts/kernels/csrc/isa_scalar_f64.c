/* The compiled kernels for scalar, double: see symacts_unit.h. */
#define SY_ISA_SCALAR 1
#define T double
#define SY_F32 0
#define SY_W 1
#define SY_NATIVE double
#define SY_TW 
#define SY_SFX _f64_scalar
#include "symacts_unit.h"
