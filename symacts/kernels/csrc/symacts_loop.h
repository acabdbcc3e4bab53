/* The NumPy ufunc loop around a printed kernel (one vector of x in, its outputs out).
 *
 * SY_DEFINE_LOOP(NAME, NP, NO, FLAGS) defines SFX(NAME_loop)(args, dimensions, steps, data)
 * for x, NP parameters and NO outputs. Contiguous x and outputs with parameters either
 * contiguous or constant (stride 0, the usual broadcast scalar) run straight over the arrays;
 * anything else is gathered in chunks of SY_CHUNK elements. The last partial vector is padded
 * in a buffer, so every element goes through the same vector code wherever it sits (results do
 * not depend on how an array is split). Parameters constant over the call ("uniform") let the
 * kernel choose a form on their values once. With SY_CHECKED in FLAGS, lanes whose parameters
 * are outside their domain give NaN and raise the invalid flag (NumPy warns, as for
 * np.log(-1)); every other floating-point flag the kernel raised in branches it did not keep
 * is cleared. A contiguous loop is split over the threads sy_set_threads allows (parts on
 * multiples of 64 elements, symacts_pool.h: the same bits for any count). A loop starts with
 * a head of lone lanes up to the first output's vector boundary, unless SY_GROUPED says a
 * lane's bits depend on the lanes beside it (SLEEF's sin and cos choose one argument
 * reduction for the whole vector): those vectors start at multiples of SY_W from the array's
 * start, wherever it is.
 */
#include <fenv.h>
#include <stddef.h>

#include "symacts_pool.h"

typedef intptr_t sy_intp;
typedef void (*symacts_loop_fn)(char **, const sy_intp *, const sy_intp *, void *);

#define SY_CHUNK 512
/* fewest elements per thread when a contiguous loop is split (symacts_pool.h) */
#define SY_MIN_PART 4096

/* a contiguous loop's arrays, handed to the threads of a split */
struct SFX(sy_ctx) {
    const T *x;
    const T *p[8];
    int pconst[8];
    T *o[2];
};

SY_INLINE void sy_finish(int bad)
{
    feclearexcept(FE_ALL_EXCEPT);
    if (bad)
        feraiseexcept(FE_INVALID);
}

/* FLAGS of a loop: lanes out of their parameters' domain are checked; lanes are not alone */
#define SY_CHECKED 1
#define SY_GROUPED 2

#define SY_DEFINE_LOOP(NAME, NP, NO, FLAGS) SY_DEFINE_LOOP_U(NAME, NP, NP, NO, FLAGS)

/* g·f'(x) in one pass: the ufunc NAME_times(x, params…, g) of the one-output kernel NAME (the
 * vector-Jacobian product PyTorch's backward asks for). g is one more input after the
 * parameters; it does not count against the parameters being uniform. */
#define SY_DEFINE_TIMES_LOOP(NAME, NP, FLAGS)                                                 \
SY_INLINE void SFX(NAME##_times)(V xv, const V *pv, int uniform, V *ov)                       \
{                                                                                             \
    SFX(NAME)(xv, pv, uniform, ov);                                                           \
    ov[0] = pv[(NP)] * ov[0];                                                                 \
}                                                                                             \
SY_INLINE M SFX(NAME##_times_valid)(const V *pv) { return SFX(NAME##_valid)(pv); }            \
SY_DEFINE_LOOP_U(NAME##_times, (NP) + 1, (NP), 1, FLAGS)

/* NP inputs after x, the first NU of which are the kernel's parameters (uniform when each is
 * constant over the call) */
#define SY_DEFINE_LOOP_U(NAME, NP, NU, NO, FLAGS)                                             \
/* one vector: the kernel, and with SY_CHECKED NaN in lanes whose parameters are out of their \
 * domain */                                                                                  \
SY_INLINE void SFX(NAME##_lanes)(V xv, const V *pv, int uniform, int check, V *ov, M *badm)  \
{                                                                                             \
    SFX(NAME)(xv, pv, uniform, ov);                                                           \
    if (((FLAGS) & SY_CHECKED) && check) {                                                    \
        M b = ~SFX(NAME##_valid)(pv);                                                         \
        for (int k = 0; k < (NO); k++)                                                        \
            ov[k] = v_sel(b, v_nan(), ov[k]);                                                 \
        *badm = *badm | b;                                                                    \
    }                                                                                         \
}                                                                                             \
/* r < SY_W elements at i through a vector padded in a buffer (a head or the tail) */         \
static void SFX(NAME##_part)(sy_intp i, sy_intp r, const T *x, const T *const *p,             \
                             const int *pconst, V *pv, int uniform, int check, T *const *o,   \
                             M *badm)                                                         \
{                                                                                             \
    V ov[(NO)];                                                                               \
    T xb[SY_W], ob[SY_W];                                                                     \
    for (int j = 0; j < SY_W; j++)                                                            \
        xb[j] = j < r ? x[i + j] : (T)0;                                                      \
    for (int k = 0; k < (NP); k++) {                                                          \
        if (!pconst[k]) {                                                                     \
            T pb[SY_W];                                                                       \
            for (int j = 0; j < SY_W; j++)                                                    \
                pb[j] = p[k][i + (j < r ? j : 0)];                                            \
            pv[k] = v_load(pb);                                                               \
        }                                                                                     \
    }                                                                                         \
    SFX(NAME##_lanes)(v_load(xb), pv, uniform, check, ov, badm);                              \
    for (int k = 0; k < (NO); k++) {                                                          \
        v_store(ob, ov[k]);                                                                   \
        memcpy(o[k] + i, ob, (size_t)r * sizeof(T));                                          \
    }                                                                                         \
}                                                                                             \
static void SFX(NAME##_run)(sy_intp n, const T *x, const T *const *p, const int *pconst,      \
                            T *const *o, int *bad)                                            \
{                                                                                             \
    V pv[(NP) + 1], ov[(NO)];                                                                 \
    /* the pointers in locals: stores through them cannot change them (no reloads) */         \
    const T *pl[(NP) + 1];                                                                    \
    T *ol[(NO)];                                                                              \
    for (int k = 0; k < (NO); k++)                                                            \
        ol[k] = o[k];                                                                         \
    int uniform = 1;                                                                          \
    for (int k = 0; k < (NP); k++) {                                                          \
        pl[k] = p[k];                                                                         \
        pv[k] = v_set1(pconst[k] ? p[k][0] : (T)0);                                           \
        if (k < (NU))                                                                         \
            uniform &= pconst[k];                                                             \
    }                                                                                         \
    M badm = m_false();                                                                       \
    /* parameters constant over the call and in their domain: no lane to check */             \
    int check = !(uniform && !m_any(~SFX(NAME##_valid)(pv)));                                 \
    sy_intp i = 0;                                                                            \
    /* a head up to the first output's vector boundary: vector stores across cache lines      \
     * (NumPy's large buffers start 16 bytes past one) cost a memory-bound loop a third       \
     * (every lane is computed alone, so where the vectors start changes no bit) */           \
    uintptr_t mis = (uintptr_t)ol[0] % sizeof(V);                                             \
    if (!((FLAGS) & SY_GROUPED) && mis % sizeof(T) == 0 && mis != 0 && n >= 4 * SY_W) {       \
        i = (sy_intp)((sizeof(V) - mis) / sizeof(T));                                         \
        SFX(NAME##_part)(0, i, x, p, pconst, pv, uniform, check, ol, &badm);                  \
    }                                                                                         \
    for (; i + SY_W <= n; i += SY_W) {                                                        \
        if (!uniform) /* (the parameters: loaded where they vary) */                          \
            for (int k = 0; k < (NU); k++)                                                    \
                if (!pconst[k])                                                               \
                    pv[k] = v_load(pl[k] + i);                                                \
        for (int k = (NU); k < (NP); k++) /* (the inputs after them) */                       \
            if (!pconst[k])                                                                   \
                pv[k] = v_load(pl[k] + i);                                                    \
        SFX(NAME##_lanes)(v_load(x + i), pv, uniform, check, ov, &badm);                      \
        for (int k = 0; k < (NO); k++)                                                        \
            v_store(ol[k] + i, ov[k]);                                                        \
    }                                                                                         \
    if (i < n)                                                                                \
        SFX(NAME##_part)(i, n - i, x, p, pconst, pv, uniform, check, ol, &badm);              \
    if (((FLAGS) & SY_CHECKED) && m_any(badm))                                                \
        *bad = 1;                                                                             \
}                                                                                             \
static void SFX(NAME##_task)(void *ctx, intptr_t s, intptr_t e, int *bad)                     \
{                                                                                             \
    const struct SFX(sy_ctx) *c = ctx;                                                        \
    const T *pp[(NP) + 1];                                                                    \
    T *op[(NO)];                                                                              \
    for (int k = 0; k < (NP); k++)                                                            \
        pp[k] = c->pconst[k] ? c->p[k] : c->p[k] + s;                                         \
    for (int k = 0; k < (NO); k++)                                                            \
        op[k] = c->o[k] + s;                                                                  \
    SFX(NAME##_run)(e - s, c->x + s, pp, c->pconst, op, bad);                                 \
}                                                                                             \
static void SFX(NAME##_loop)(char **args, const sy_intp *dims, const sy_intp *steps,          \
                             void *data)                                                      \
{                                                                                             \
    (void)data;                                                                               \
    sy_intp n = dims[0];                                                                      \
    int bad = 0, contig = steps[0] == (sy_intp)sizeof(T);                                     \
    int pconst[(NP) + 1];                                                                     \
    const T *pp[(NP) + 1];                                                                    \
    T *op[(NO)];                                                                              \
    for (int k = 0; k < (NP); k++) {                                                          \
        pconst[k] = steps[1 + k] == 0;                                                        \
        contig &= pconst[k] || steps[1 + k] == (sy_intp)sizeof(T);                            \
        pp[k] = (const T *)args[1 + k];                                                       \
    }                                                                                         \
    for (int k = 0; k < (NO); k++) {                                                          \
        contig &= steps[1 + (NP) + k] == (sy_intp)sizeof(T);                                  \
        op[k] = (T *)args[1 + (NP) + k];                                                      \
    }                                                                                         \
    int nt = sy_get_threads();                                                                \
    if (nt > n / SY_MIN_PART)                                                                 \
        nt = (int)(n / SY_MIN_PART);                                                          \
    if (contig && nt > 1) {                                                                   \
        struct SFX(sy_ctx) c;                                                                 \
        c.x = (const T *)args[0];                                                             \
        for (int k = 0; k < (NP); k++) {                                                      \
            c.p[k] = pp[k];                                                                   \
            c.pconst[k] = pconst[k];                                                          \
        }                                                                                     \
        for (int k = 0; k < (NO); k++)                                                        \
            c.o[k] = op[k];                                                                   \
        sy_parallel(n, nt, SFX(NAME##_task), &c, &bad);                                       \
    } else if (contig) {                                                                      \
        SFX(NAME##_run)(n, (const T *)args[0], pp, pconst, op, &bad);                         \
    } else {                                                                                  \
        T xb[SY_CHUNK], pb[(NP) + 1][SY_CHUNK], ob[(NO)][SY_CHUNK];                           \
        T *obp[(NO)];                                                                         \
        for (int k = 0; k < (NO); k++)                                                        \
            obp[k] = ob[k];                                                                   \
        for (sy_intp s = 0; s < n; s += SY_CHUNK) {                                           \
            sy_intp c = n - s < SY_CHUNK ? n - s : SY_CHUNK;                                  \
            for (sy_intp j = 0; j < c; j++)                                                   \
                memcpy(&xb[j], args[0] + (s + j) * steps[0], sizeof(T));                      \
            for (int k = 0; k < (NP); k++) {                                                  \
                if (pconst[k]) {                                                              \
                    pp[k] = (const T *)args[1 + k];                                           \
                } else {                                                                      \
                    for (sy_intp j = 0; j < c; j++)                                           \
                        memcpy(&pb[k][j], args[1 + k] + (s + j) * steps[1 + k], sizeof(T));   \
                    pp[k] = pb[k];                                                            \
                }                                                                             \
            }                                                                                 \
            SFX(NAME##_run)(c, xb, pp, pconst, obp, &bad);                                    \
            for (int k = 0; k < (NO); k++)                                                    \
                for (sy_intp j = 0; j < c; j++)                                               \
                    memcpy(args[1 + (NP) + k] + (s + j) * steps[1 + (NP) + k], &ob[k][j],     \
                           sizeof(T));                                                        \
        }                                                                                     \
    }                                                                                         \
    sy_finish(bad);                                                                           \
}
