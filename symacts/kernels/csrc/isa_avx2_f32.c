/* The compiled kernels for avx2, float: see symacts_unit.h. */
#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__)
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#else
#pragma GCC target("avx2,fma")
#endif
#define SY_ISA_AVX2 1
#define T float
#define SY_F32 1
#define SY_W 8
#define SY_NATIVE __m256
#define SY_TW f8
#define SY_SFX _f32_avx2
#include "symacts_unit.h"
#if defined(__clang__)
#pragma clang attribute pop
#endif
#endif
