/* The vector API the printed kernels are written in (symacts/emit/c_printer.py).
 *
 * One translation unit per instruction set and dtype (isa_*.c) defines the element type T, the
 * lane count W, the native vector type and how SLEEF is called, then includes this header and
 * the printed kernels. Arithmetic is plain C on GCC/Clang vector types (+ - * / and
 * comparisons, lane by lane, IEEE semantics; the build turns off contraction into FMA so every
 * operation rounds where the NumPy kernels round). Transcendentals are SLEEF's 1-ULP functions.
 * The helpers reproduce symacts/emit/prelude.py bit for bit: NaN and signed-zero rules of
 * np.maximum, np.minimum and np.clip, exact bit selects, σ/softplus/sech² on e^{−|u|}.
 */
#ifndef SY_W
#error "define T, SY_W, SY_NATIVE, SY_SFX and the SLEEF naming before including symacts_simd.h"
#endif

#include <stdint.h>
#include <string.h>
#include <math.h>

#if SY_F32
typedef int32_t SI;
#else
typedef int64_t SI;
#endif

typedef T V __attribute__((vector_size(SY_W * sizeof(T))));
typedef SI M __attribute__((vector_size(SY_W * sizeof(T))));

#define SY_CAT_(a, b) a##b
#define SY_CAT(a, b) SY_CAT_(a, b)
/* a kernel's name in this unit: mish_f -> mish_f_f32_avx2 */
#define SFX(name) SY_CAT(name, SY_SFX)
/* a constant in the dtype: a double literal rounded once to T, as NumPy rounds a Python float
 * meeting a float32 array */
#define C(v) ((T)(v))
#define SY_INF ((T)INFINITY)
/* a constant whose value depends on the dtype (a kink's threshold on its right side, the point
 * a fallback form holds from): the float64 and the float32 value */
#define CK(d, f) ((T)(SY_F32 ? (f) : (d)))

#define SY_UNUSED __attribute__((unused))
#define SY_INLINE static inline __attribute__((always_inline, unused))

SY_INLINE V v_set1(T c) { V r; for (int i = 0; i < SY_W; i++) r[i] = c; return r; }
SY_INLINE V v_load(const T *p) { V r; memcpy(&r, p, sizeof r); return r; }
SY_INLINE void v_store(T *p, V v) { memcpy(p, &v, sizeof v); }
SY_INLINE M m_true(void) { M r; for (int i = 0; i < SY_W; i++) r[i] = -1; return r; }
SY_INLINE M m_false(void) { M r; for (int i = 0; i < SY_W; i++) r[i] = 0; return r; }

/* bits of m ? a : b, lane by lane (any value kept: NaN payloads, ±inf, −0) */
SY_INLINE V v_sel(M m, V a, V b) { return (V)(((M)a & m) | ((M)b & ~m)); }
SY_INLINE M m_isnan(V a) { return a != a; }
/* x's own NaN where x is NaN (the rule of every select) */
SY_INLINE V v_keepnan(V r, V x) { return v_sel(m_isnan(x), x, r); }
SY_INLINE V v_nan(void) { return v_set1((T)NAN); }
/* |a|: the sign bit cleared (np.abs) */
SY_INLINE V v_abs(V a) { return (V)((M)a & ~(M)v_set1(C(-0.0))); }
/* [m] as 1.0/0.0 */
SY_INLINE V v_ones(M m) { return (V)((M)v_set1(C(1.0)) & m); }

/* np.maximum / np.minimum: a's NaN if a is NaN, else b's NaN, else the larger (smaller);
 * b when they compare equal (so maximum(−0, +0) = +0, maximum(+0, −0) = −0) */
SY_INLINE V v_maximum(V a, V b)
{
    V r = v_sel(a > b, a, b);
    r = v_sel(m_isnan(b), b, r);
    return v_sel(m_isnan(a), a, r);
}
SY_INLINE V v_minimum(V a, V b)
{
    V r = v_sel(a < b, a, b);
    r = v_sel(m_isnan(b), b, r);
    return v_sel(m_isnan(a), a, r);
}
/* np.clip(a, lo, hi): x's NaN; lo where lo > a, then hi where hi < that (a when equal) */
SY_INLINE V v_clip(V a, V lo, V hi)
{
    V m = v_sel(lo > a, lo, a);
    m = v_sel(hi < m, hi, m);
    return v_sel(m_isnan(a), a, m);
}
/* v_clip with hi = +inf / lo = −inf (the same bits: no value compares above +inf) */
SY_INLINE V v_clip_lo(V a, V lo) { return v_sel(lo > a, lo, a); }
SY_INLINE V v_clip_hi(V a, V hi) { return v_sel(hi < a, hi, a); }
/* Step: [m] as 0/1 with x's NaN */
SY_INLINE V v_step(M m, V x) { return v_keepnan(v_ones(m), x); }
/* Select2: m ? a : b, exact bits, x's NaN */
SY_INLINE V v_select2(M m, V a, V b, V x) { return v_keepnan(v_sel(m, a, b), x); }
/* Masked: value·[m] (np.multiply with the condition as 0/1) */
SY_INLINE V v_masked(V v, M m) { return v * v_ones(m); }
/* vⁿ by repeated multiplication, n ≥ 2: ((v·v)·v)… as prelude._ipow */
SY_INLINE V v_ipow(V v, int n) { V r = v * v; for (int i = 2; i < n; i++) r = r * v; return r; }

/* ---- per instruction set: lane tests, sqrt, SLEEF ---------------------------------------- */
/* Each SLEEF function used is declared where it is wrapped (SY_DEF1, SY_DEF2). The extension's
 * build also includes <sleef.h>, so the compiler checks those declarations against SLEEF's own;
 * kernels compiled at run time define SY_LEAN and skip the header (most of a unit's compile
 * time). */
#ifndef SY_LEAN
#include <sleef.h>
#endif

#if defined(SY_ISA_AVX512)
#include <immintrin.h>
#if SY_F32
SY_INLINE int m_any(M m) { return _mm512_test_epi32_mask((__m512i)m, (__m512i)m) != 0; }
SY_INLINE int m_all(M m) { return _mm512_test_epi32_mask((__m512i)m, (__m512i)m) == 0xFFFF; }
SY_INLINE V v_sqrt(V a) { return (V)_mm512_sqrt_ps((__m512)a); }
#else
SY_INLINE int m_any(M m) { return _mm512_test_epi64_mask((__m512i)m, (__m512i)m) != 0; }
SY_INLINE int m_all(M m) { return _mm512_test_epi64_mask((__m512i)m, (__m512i)m) == 0xFF; }
SY_INLINE V v_sqrt(V a) { return (V)_mm512_sqrt_pd((__m512d)a); }
#endif
#define SY_SLEEF(fn, u) SY_CAT(SY_CAT(SY_CAT(Sleef_, fn), SY_TW), SY_CAT(SY_CAT(_, u), avx512f))
#define SY_DW 8
#define SY_NATIVE_D __m512d
#define SY_EXPD Sleef_expd8_u10avx512f
#define SY_WRAP1(call, a) ((V)call((SY_NATIVE)(a)))
#define SY_WRAP2(call, a, b) ((V)call((SY_NATIVE)(a), (SY_NATIVE)(b)))

#elif defined(SY_ISA_AVX2)
#if defined(SY_LEAN) && defined(__GNUC__) && !defined(__clang__)
/* a run-time build with GCC: the two AVX types and four instructions used here, without
 * <immintrin.h> (half of such a unit's compile time); the same types and calls as its own */
typedef float sy_ps256 __attribute__((__vector_size__(32), __may_alias__));
typedef double sy_pd256 __attribute__((__vector_size__(32), __may_alias__));
#undef SY_NATIVE
#if SY_F32
#define SY_NATIVE sy_ps256
#else
#define SY_NATIVE sy_pd256
#endif
#define SY_NATIVE_D sy_pd256
#define sy_movemask_ps(a) __builtin_ia32_movmskps256(a)
#define sy_movemask_pd(a) __builtin_ia32_movmskpd256(a)
#define sy_sqrt_ps(a) __builtin_ia32_sqrtps256(a)
#define sy_sqrt_pd(a) __builtin_ia32_sqrtpd256(a)
#else
#include <immintrin.h>
#define SY_NATIVE_D __m256d
#define sy_movemask_ps(a) _mm256_movemask_ps(a)
#define sy_movemask_pd(a) _mm256_movemask_pd(a)
#define sy_sqrt_ps(a) _mm256_sqrt_ps(a)
#define sy_sqrt_pd(a) _mm256_sqrt_pd(a)
#endif
#if SY_F32
SY_INLINE int m_any(M m) { return sy_movemask_ps((SY_NATIVE)m) != 0; }
SY_INLINE int m_all(M m) { return sy_movemask_ps((SY_NATIVE)m) == 0xFF; }
SY_INLINE V v_sqrt(V a) { return (V)sy_sqrt_ps((SY_NATIVE)a); }
#else
SY_INLINE int m_any(M m) { return sy_movemask_pd((SY_NATIVE)m) != 0; }
SY_INLINE int m_all(M m) { return sy_movemask_pd((SY_NATIVE)m) == 0xF; }
SY_INLINE V v_sqrt(V a) { return (V)sy_sqrt_pd((SY_NATIVE)a); }
#endif
#define SY_SLEEF(fn, u) SY_CAT(SY_CAT(SY_CAT(Sleef_, fn), SY_TW), SY_CAT(SY_CAT(_, u), avx2))
#define SY_DW 4
#define SY_EXPD Sleef_expd4_u10avx2
#define SY_WRAP1(call, a) ((V)call((SY_NATIVE)(a)))
#define SY_WRAP2(call, a, b) ((V)call((SY_NATIVE)(a), (SY_NATIVE)(b)))

#else /* portable: one lane, SLEEF's scalar functions */
SY_INLINE int m_any(M m) { return m[0] != 0; }
SY_INLINE int m_all(M m) { return m[0] != 0; }
#if SY_F32
SY_INLINE V v_sqrt(V a) { V r = {__builtin_sqrtf(a[0])}; return r; }
#else
SY_INLINE V v_sqrt(V a) { V r = {__builtin_sqrt(a[0])}; return r; }
#endif
#define SY_SLEEF(fn, u) SY_CAT(SY_CAT(SY_CAT(Sleef_, fn), SY_TW), SY_CAT(_, u))
#define SY_DW 1
#define SY_NATIVE_D double
#define SY_EXPD Sleef_exp_u10
#define SY_WRAP1(call, a) ((V){call((a)[0])})
#define SY_WRAP2(call, a, b) ((V){call((a)[0], (b)[0])})
#endif

#define SY_PURE __attribute__((const))
#define SY_DEF1(name, fn, u)                                                                   \
    extern SY_NATIVE SY_SLEEF(fn, u)(SY_NATIVE) SY_PURE;                                       \
    SY_INLINE V name(V a) { return SY_WRAP1(SY_SLEEF(fn, u), a); }
#define SY_DEF2(name, fn, u)                                                                   \
    extern SY_NATIVE SY_SLEEF(fn, u)(SY_NATIVE, SY_NATIVE) SY_PURE;                            \
    SY_INLINE V name(V a, V b) { return SY_WRAP2(SY_SLEEF(fn, u), a, b); }
extern SY_NATIVE_D SY_EXPD(SY_NATIVE_D) SY_PURE;
SY_DEF1(v_exp_sleef, exp, u10)
#if SY_F32
SY_INLINE V v_exp(V a) { return v_exp_sleef(a); }
#else
/* SLEEF's exp overflows to inf on the last 6e-7 below ln(DBL_MAX): there e^a = e^(a−1)·e
 * (a − 1 exact; within 2 ULP) */
SY_INLINE V v_exp(V a)
{
    V r = v_exp_sleef(a);
    M top = (a > C(709.78)) & (a <= C(709.782712893384));
    if (m_any(top))
        r = v_sel(top, v_exp_sleef(a - C(1.0)) * C(2.718281828459045), r);
    return r;
}
#endif
SY_DEF1(v_log, log, u10)
SY_DEF1(v_log1p, log1p, u10)

/* ---- tanh, expm1 and log1p on [0, 1] from one exp or one division --------------------------
 * SLEEF's 1-ULP tanh, expm1 and log1p cost 2–3.4 of its exp. Where the exp form would cancel,
 * a short polynomial of the exact remainder takes over (symacts_fitted.h, fitted and measured
 * by scripts/fit_math.py: within 1.5 ULP in either dtype). */
#include "symacts_fitted.h"
static const T sy_fit_tanh[] = {SY_FIT_TANH};
static const T sy_fit_expm1[] = {SY_FIT_EXPM1};
static const T sy_fit_log1p[] = {SY_FIT_LOG1P};
/* c[0]·vⁿ⁻¹ + … + c[n−1] by Horner's rule (unrolled: n is a constant) */
SY_INLINE V v_poly(V v, const T *c, int n)
{
    V acc = v_set1(c[0]);
    for (int i = 1; i < n; i++)
        acc = acc * v + c[i];
    return acc;
}
/* b with the sign of x */
SY_INLINE V v_copysign(V b, V x)
{
    M sign = (M)v_set1(C(-0.0));
    return (V)(((M)b & ~sign) | ((M)x & sign));
}
/* tanh(x) = x + x·s·P(s), s = x², for |x| < 0.625; else sign(x)·(1 − 2/(e^{2|x|} + 1))
 * (exact 1 at e = inf); ±0 kept */
SY_INLINE V v_tanh(V x)
{
    V a = v_abs(x);
    M small = a < C(0.625);
    V r = v_nan();
    if (m_any(small)) {
        V s = x * x;
        r = x + x * (s * v_poly(s, sy_fit_tanh, SY_FIT_TANH_N));
        r = v_sel(x == C(0.0), x, r);
    }
    if (!m_all(small)) {
        V b = C(1.0) - C(2.0) / (v_exp(C(2.0) * a) + C(1.0));
        r = v_sel(small, r, v_copysign(b, x));
    }
    return r;
}
/* expm1(u) by exp's own reduction u = k·ln 2 + r, |r| ≤ ln 2/2 (k = round(u/ln 2) by the
 * 1.5·2^mant trick, whose low bits are then k itself; ln 2 in two parts, k·hi exact):
 * p = expm1(r) = r + r²·Q(r), then 2^k·p + (2^k − 1) while both terms are exact (|k| ≤ mant
 * + 1), else (1 + p)·2^k₁·2^k₂ − 1 (2^k in two halves: no overflow of the scale, gradual
 * underflow); ±0 and NaN kept, −1 at −∞, ∞ at ∞ */
#if SY_F32
#define SY_MANT 23
#define SY_BIAS 127
#define SY_ROUND_MAGIC 12582912.0f /* 1.5·2^23 */
#define SY_LN2_HI 0.693145751953125f
#define SY_LN2_LO 1.428606765330187e-06f
#define SY_EXPM1_LO -104.0f
#define SY_EXPM1_HI 89.0f
#else
#define SY_MANT 52
#define SY_BIAS 1023
#define SY_ROUND_MAGIC 6755399441055744.0 /* 1.5·2^52 */
#define SY_LN2_HI 0.6931471803691238
#define SY_LN2_LO 1.9082149292705877e-10
#define SY_EXPM1_LO -746.0
#define SY_EXPM1_HI 710.0
#endif
SY_INLINE V v_pow2i(M k) { return (V)((k + SY_BIAS) << SY_MANT); }
SY_INLINE V v_expm1(V u)
{
    V uc = v_clip(u, v_set1(SY_EXPM1_LO), v_set1(SY_EXPM1_HI));
    V kd = uc * C(1.4426950408889634) + SY_ROUND_MAGIC;
    M k = (M)kd - (M)v_set1(SY_ROUND_MAGIC);
    V kf = kd - SY_ROUND_MAGIC;
    V r = (uc - kf * SY_LN2_HI) - kf * SY_LN2_LO;
    V p = r + (r * r) * v_poly(r, sy_fit_expm1, SY_FIT_EXPM1_N);
    M near = (k <= SY_MANT + 1) & (k >= -(SY_MANT + 1));
    V res;
    if (m_all(near)) {
        V t = v_pow2i(k);
        res = t * p + (t - C(1.0));
    } else {
        V t = v_pow2i(k & near); /* (2^0 off the near lanes) */
        M k1 = k >> 1;
        V far = ((p + C(1.0)) * v_pow2i(k1)) * v_pow2i(k - k1) - C(1.0);
        res = v_sel(near, t * p + (t - C(1.0)), far);
    }
    res = v_sel(u == C(0.0), u, res);
    return v_sel(m_isnan(u), u, res);
}
/* log1p(t) for 0 ≤ t ≤ 1: 2·atanh(z) = 2z + 2z·w·R(w), z = t/(2 + t), w = z² ≤ 1/9, with
 * the rounding of 2 + t (exact by Fast2Sum) carried as a low part of 2z; ln 2 correctly
 * rounded at t = 1 (softplus(0)) */
SY_INLINE V v_log1p_unit(V t)
{
    V d = C(2.0) + t;
    V err = (C(2.0) - d) + t;
    V z = t / d;
    V w = z * z;
    V z2 = C(2.0) * z;
    V r = z2 + (z2 * (w * v_poly(w, sy_fit_log1p, SY_FIT_LOG1P_N)) - z2 * (err / d));
    return v_sel(t == C(1.0), v_set1(C(0.6931471805599453)), r);
}
SY_DEF1(v_sinh, sinh, u10)
SY_DEF1(v_cosh, cosh, u10)
SY_DEF1(v_sin, sin, u10)
SY_DEF1(v_cos, cos, u10)
SY_DEF1(v_tan, tan, u10)
SY_DEF1(v_atan, atan, u10)
SY_DEF1(v_asinh_sleef, asinh, u10)
/* SLEEF's asinh overflows in x² for |x| beyond ~1e154 (float32: ~1e19); there
 * asinh(x) = sign(x)·(ln|x| + ln 2) to within half an ULP (the next term is 1/(4x²)) */
SY_INLINE V v_asinh(V a)
{
    V r = v_asinh_sleef(a);
    M far = v_abs(a) > C(1e15);
    if (m_any(far)) {
        V m = v_log(v_abs(a)) + C(0.6931471805599453);
        r = v_sel(far, v_sel(a < C(0.0), -m, m), r);
    }
    return r;
}
SY_DEF1(v_erf, erf, u10)
SY_DEF1(v_erfc, erfc, u15)
SY_DEF1(v_cbrt, cbrt, u10)
SY_DEF2(v_pow, pow, u10)
SY_DEF2(v_hypot_sleef, hypot, u05)

/* ---- the prelude's stable primitives ------------------------------------------------------ */
/* σ(u) from t = e^{−|u|}: max(t, [u ≥ 0])/(1 + t), the max as a select (0 ≤ t ≤ 1; NaN u
 * gives NaN t) */
SY_INLINE V v_sigmoid_t(V u, V t) { return v_sel(u >= C(0.0), v_set1(C(1.0)), t) / (C(1.0) + t); }
/* σ'(u) = t/(1 + t)² */
SY_INLINE V v_dsigmoid_t(V u, V t) { (void)u; V d = C(1.0) + t; d = d * d; return t / d; }
/* softplus(u) = max(u, 0) + log1p(t), 0 < t ≤ 1 */
SY_INLINE V v_softplus_t(V u, V t)
{
    return v_sel(u > C(0.0), u, v_set1(C(0.0))) + v_log1p_unit(t); /* (NaN u: NaN t) */
}
SY_INLINE V v_expnegabs(V u) { return v_exp(-v_abs(u)); }
SY_INLINE V v_sigmoid(V u) { return v_sigmoid_t(u, v_expnegabs(u)); }
SY_INLINE V v_dsigmoid(V u) { return v_dsigmoid_t(u, v_expnegabs(u)); }
SY_INLINE V v_softplus(V u) { return v_softplus_t(u, v_expnegabs(u)); }
/* sech²(u) = 4t/(1 + t)² with t = e^{−2|u|} */
SY_INLINE V v_sech2(V u)
{
    V t = v_exp(C(-2.0) * v_abs(u));
    V d = C(1.0) + t;
    return (C(4.0) * t) / (d * d);
}
/* a·b where a decays: a's zero where a underflowed, even if b is ±inf */
SY_INLINE V v_dmul(V a, V b) { return v_sel(a == C(0.0), a, a * b); }
/* √(a² + b²); outside the range where the squares are safe, SLEEF's hypot */
#if SY_F32
#define SY_HYPOT_LO 0x1p-60
#define SY_HYPOT_HI 0x1p60
#else
#define SY_HYPOT_LO 0x1p-500
#define SY_HYPOT_HI 0x1p500
#endif
SY_INLINE V v_hypot(V a, V b)
{
    V r = v_sqrt(a * a + b * b);
    M ok = (r >= C(SY_HYPOT_LO)) & (r <= C(SY_HYPOT_HI));
    if (!m_all(ok))
        r = v_sel(ok, r, v_hypot_sleef(a, b));
    return r;
}
/* tanh(softplus(u)) = a/(a + b) and sech²(softplus(u)) = b(2a + b)/(a + b)² from
 * t = e^{−|u|}: a = 1 + 2t, b = 2t² for u ≥ 0; a = t(t + 2), b = 2 for u < 0
 * (symacts/emit/c_forms.py: one exp instead of exp, log1p, tanh and a second exp) */
SY_INLINE V v_tsp_a(V u, V t) { return v_sel(u >= C(0.0), C(1.0) + C(2.0) * t, t * (t + C(2.0))); }
SY_INLINE V v_tsp_b(V u, V t) { return v_sel(u >= C(0.0), C(2.0) * (t * t), v_set1(C(2.0))); }
SY_INLINE V v_tanh_softplus_t(V u, V t)
{
    V a = v_tsp_a(u, t);
    return a / (a + v_tsp_b(u, t));
}
SY_INLINE V v_sech2_softplus_t(V u, V t)
{
    V a = v_tsp_a(u, t), b = v_tsp_b(u, t), q = a + b;
    return (b * (C(2.0) * a + b)) / (q * q);
}
#if SY_F32
/* Φ(u) for float32, computed in float64 (SLEEF's float32 erfc costs ~45 of its exp here):
 * with z = |u|/√2, erf(z) = z·P(z²) (Taylor to z¹⁷) for z < 0.5, else
 * erfc(z) = e^{−u²/2}·E(z), E = erfcx fitted on [0.5, 10.6] as a degree-12 polynomial in
 * s = ((z − 2)/(z + 2) − m)/h (Chebyshev fit to mpmath, max relative error 7.5e-11; u² is exact
 * in float64, so e^{−u²/2} carries SLEEF's 1 ULP only); Φ = ½ ± ½erf or ½erfc, 1 − ½erfc by the
 * sign of u, rounded once to float32. */
typedef float VFH __attribute__((vector_size(SY_DW * sizeof(float))));
typedef double VD __attribute__((vector_size(SY_DW * sizeof(double))));
typedef int64_t MD __attribute__((vector_size(SY_DW * sizeof(double))));
SY_INLINE VD vd_sel(MD m, VD a, VD b) { return (VD)(((MD)a & m) | ((MD)b & ~m)); }
/* on one native register of doubles (wider generic vectors are lowered lane by lane) */
SY_INLINE VD vd_phi(VD x)
{
    MD neg = x < 0.0;
    VD z = vd_sel(neg, -x, x) * 0.70710678118654752440;
    VD z2 = z * z;
    VD p = z2 * 1.6462114365889248e-06 - 1.492565035840625e-05;
    p = p * z2 + 0.00012055332981789664;
    p = p * z2 - 0.0008548327023450853;
    p = p * z2 + 0.005223977625442188;
    p = p * z2 - 0.026866170645131252;
    p = p * z2 + 0.11283791670955126;
    p = p * z2 - 0.37612638903183754;
    p = p * z2 + 1.1283791670955126;
    VD h = 0.5 * (z * p);
    VD small = vd_sel(neg, 0.5 - h, 0.5 + h);
    VD zc = vd_sel(z > 10.6, (VD){0} + 10.6, z);
    VD s = ((zc - 2.0) / (zc + 2.0) - 0.04126984126984129) * (1.0 / 0.6412698412698412);
    VD e = s * -3.538261888690748e-08 - 2.162664585595614e-07;
    e = e * s + 1.2559641559365337e-07;
    e = e * s + 3.301358990491834e-06;
    e = e * s + 3.1698810723565067e-06;
    e = e * s - 4.2631867034032344e-05;
    e = e * s - 7.842977162298705e-05;
    e = e * s + 0.0007322894639360656;
    e = e * s + 0.0008713733722925676;
    e = e * s - 0.020633649962791874;
    e = e * s + 0.09537296877227917;
    e = e * s - 0.2614084278752073;
    e = e * s + 0.23817183657906693;
    VD ex = -(x * x) * 0.5;
    SY_NATIVE_D en;
    memcpy(&en, &ex, sizeof en);
    en = SY_EXPD(en);
    memcpy(&ex, &en, sizeof en);
    VD tail = 0.5 * (ex * e);
    VD large = vd_sel(neg, tail, 1.0 - tail);
    return vd_sel(z < 0.5, small, large);
}
SY_INLINE V v_phi(V u)
{
    V r;
    for (int i = 0; i < SY_W; i += SY_DW) {
        VFH h;
        memcpy(&h, (float *)&u + i, sizeof h);
        h = __builtin_convertvector(vd_phi(__builtin_convertvector(h, VD)), VFH);
        memcpy((float *)&r + i, &h, sizeof h);
    }
    return r;
}
#else
/* Φ(u) = erfc(−u/√2)/2 */
SY_INLINE V v_phi(V u) { return C(0.5) * v_erfc(-u * C(0.70710678118654752440)); }
#endif
