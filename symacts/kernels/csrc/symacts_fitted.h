/* The remainder polynomials of the kernels' own tanh, expm1 and log1p
 * (symacts_simd.h).
 *
 * GENERATED FILE - do not edit. Written by `python scripts/fit_math.py --write`:
 * Chebyshev fits (mpmath, 60 digits) of the exact remainders, rounded to the dtype; the
 * script prints the error of each function in the dtype against mpmath.
 *   tanh: P(s) = (tanh(x)/x − 1)/s, s = x² on [0, 0.625²]
 *   expm1: Q(r) = (expm1(r) − r)/r² on [−ln 2/2, ln 2/2]
 *   log1p: R(w) = (atanh(z)/z − 1)/w, w = z² on [0, 1/9]
 */

#if SY_F32 == 1
/* tanh (float32): degree 4, highest first */
#define SY_FIT_TANH -0.006096714176237583, 0.020997179672122, -0.05385090783238411, 0.1333276927471161, -0.333333283662796
#define SY_FIT_TANH_N 5
/* expm1 (float32): degree 4, highest first */
#define SY_FIT_EXPM1 0.0013926175888627768, 0.008363173343241215, 0.041666556149721146, 0.16666577756404877, 0.5
#define SY_FIT_EXPM1_N 5
/* log1p (float32): degree 3, highest first */
#define SY_FIT_LOG1P 0.1342574954032898, 0.14118309319019318, 0.20003780722618103, 0.33333319425582886
#define SY_FIT_LOG1P_N 4
#endif
#if SY_F32 == 0
/* tanh (float64): degree 11, highest first */
#define SY_FIT_TANH 6.485163482793113e-06, -3.12011014257974e-05, 9.257116129556769e-05, -0.0002375906496055562, 0.0005896606577757043, -0.0014557754120478055, 0.0035921217511549622, -0.008863235103240878, 0.021869488519008305, -0.05396825396789699, 0.13333333333333042, -0.3333333333333333
#define SY_FIT_TANH_N 12
/* expm1 (float64): degree 10, highest first */
#define SY_FIT_EXPM1 2.0914679376583935e-09, 2.510520637395701e-08, 2.7557273661348637e-07, 2.7557255425746435e-06, 2.4801587325533363e-05, 0.00019841269874800493, 0.0013888888888883752, 0.008333333333326141, 0.04166666666666667, 0.1666666666666667, 0.5
#define SY_FIT_EXPM1_N 11
/* log1p (float64): degree 8, highest first */
#define SY_FIT_LOG1P 0.08435350330548605, 0.05161334635249541, 0.0675117123587855, 0.07686637438179002, 0.09091130554209872, 0.11111106278964857, 0.14285714338330496, 0.19999999999780063, 0.33333333333333487
#define SY_FIT_LOG1P_N 9
#endif
