/* The compiled kernels for avx512, float: see symacts_unit.h. */
#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__)
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512dq,avx2,fma"))), apply_to = function)
#else
#pragma GCC target("avx512f,avx512dq,avx2,fma")
#endif
#define SY_ISA_AVX512 1
#define T float
#define SY_F32 1
#define SY_W 16
#define SY_NATIVE __m512
#define SY_TW f16
#define SY_SFX _f32_avx512
#include "symacts_unit.h"
#if defined(__clang__)
#pragma clang attribute pop
#endif
#endif
