/* Type-generic element-wise combination, included by elemwise_kernels.c
 * with REAL and SUFFIX (manual 22.10):
 *   Sum           y = sum_i (w_i x_i + s_i)
 *   AbsSum        y = sum_i w_i |x_i|
 *   EuclideanSum  y = sqrt(sum_i (w_i x_i + s_i)^2)
 *   Prod          y = prod_i x_i
 *   Max           y = max_i x_i
 * w and s may differ per channel (CoeffMode=PerChannel). Work is split over
 * (sample, channel) blocks of `positions` values. */
#define N2D2_CAT_(a, b) a##b
#define N2D2_CAT(a, b) N2D2_CAT_(a, b)

#ifndef EW_PARALLEL_MIN
#define EW_PARALLEL_MIN 32768
#endif

void N2D2_CAT(n2d2_elemwise_forward, SUFFIX)(const elemwise_state *s, const REAL *const *x, REAL *y,
                                             REAL *sum, size_t batch)
{
    const size_t C = s->channels, P = s->positions, N = s->n_inputs;
    N2D2_CELLS_PRAGMA(omp parallel for schedule(static) if(batch * C * P * N >= EW_PARALLEL_MIN))
    for (size_t nc = 0; nc < batch * C; ++nc) {
        const size_t c = nc % C, off = nc * P;
        REAL *restrict yb = y + off;
        switch (s->op) {
        case ELEMWISE_SUM: {
            double shift = 0.0;
            for (size_t i = 0; i < N; ++i)
                shift += s->shifts[i * C + c];
            for (size_t p = 0; p < P; ++p)
                yb[p] = (REAL)shift;
            for (size_t i = 0; i < N; ++i) {
                const REAL w = (REAL)s->weights[i * C + c], *restrict xb = x[i] + off;
                for (size_t p = 0; p < P; ++p)
                    yb[p] += w * xb[p];
            }
            break;
        }
        case ELEMWISE_ABS_SUM:
            for (size_t p = 0; p < P; ++p)
                yb[p] = 0;
            for (size_t i = 0; i < N; ++i) {
                const REAL w = (REAL)s->weights[i * C + c], *restrict xb = x[i] + off;
                for (size_t p = 0; p < P; ++p)
                    yb[p] += w * (xb[p] < 0 ? -xb[p] : xb[p]);
            }
            break;
        case ELEMWISE_EUCLIDEAN_SUM:
            for (size_t p = 0; p < P; ++p)
                yb[p] = 0;
            for (size_t i = 0; i < N; ++i) {
                const REAL w = (REAL)s->weights[i * C + c], sh = (REAL)s->shifts[i * C + c];
                const REAL *restrict xb = x[i] + off;
                for (size_t p = 0; p < P; ++p) {
                    REAL u = w * xb[p] + sh;
                    yb[p] += u * u;
                }
            }
            for (size_t p = 0; p < P; ++p)
                yb[p] = sqrt(yb[p]);
            if (sum) /* backward needs it and the kernel's activation overwrites y */
                for (size_t p = 0; p < P; ++p)
                    sum[off + p] = yb[p];
            break;
        case ELEMWISE_PROD:
            for (size_t p = 0; p < P; ++p)
                yb[p] = x[0][off + p];
            for (size_t i = 1; i < N; ++i) {
                const REAL *restrict xb = x[i] + off;
                for (size_t p = 0; p < P; ++p)
                    yb[p] *= xb[p];
            }
            break;
        default: /* ELEMWISE_MAX */
            for (size_t p = 0; p < P; ++p)
                yb[p] = x[0][off + p];
            for (size_t i = 1; i < N; ++i) {
                const REAL *restrict xb = x[i] + off;
                for (size_t p = 0; p < P; ++p)
                    yb[p] = xb[p] > yb[p] ? xb[p] : yb[p];
            }
            break;
        }
    }
}

/* d(y)/d(x_i) at one value. Prod: product of the other inputs (no
 * division, so zeros are fine). Max: 1 for the first input holding the
 * largest value (the one forward kept), 0 for the others. EuclideanSum:
 * w_i (w_i x_i + s_i) / y, 0 where y = 0. AbsSum: w_i sign(x_i), 0 at 0. */
static inline REAL N2D2_CAT(elemwise_partial, SUFFIX)(const elemwise_state *s,
                                                      const REAL *const *x, const REAL *sum,
                                                      size_t i, size_t c, size_t at)
{
    const size_t C = s->channels, N = s->n_inputs;
    switch (s->op) {
    case ELEMWISE_SUM:
        return (REAL)s->weights[i * C + c];
    case ELEMWISE_ABS_SUM: {
        REAL v = x[i][at];
        return v > 0 ? (REAL)s->weights[i * C + c] : v < 0 ? -(REAL)s->weights[i * C + c] : 0;
    }
    case ELEMWISE_EUCLIDEAN_SUM: {
        REAL w = (REAL)s->weights[i * C + c], y = sum[at];
        return y > 0 ? w * (w * x[i][at] + (REAL)s->shifts[i * C + c]) / y : 0;
    }
    case ELEMWISE_PROD: {
        REAL others = 1;
        for (size_t j = 0; j < N; ++j)
            if (j != i)
                others *= x[j][at];
        return others;
    }
    default: { /* ELEMWISE_MAX */
        size_t best = 0;
        for (size_t j = 1; j < N; ++j)
            if (x[j][at] > x[best][at])
                best = j;
        return best == i ? 1 : 0;
    }
    }
}

/* Inputs are handled one after the other inside a block, so that an input
 * listed twice (the same gradient tensor, accumulate set for the second)
 * adds up correctly. */
void N2D2_CAT(n2d2_elemwise_backward, SUFFIX)(const elemwise_state *s, const REAL *const *x,
                                              const REAL *sum, const REAL *dy, REAL *const *dx,
                                              const int *accumulate, size_t batch)
{
    const size_t C = s->channels, P = s->positions, N = s->n_inputs;
    N2D2_CELLS_PRAGMA(omp parallel for schedule(static) if(batch * C * P * N >= EW_PARALLEL_MIN))
    for (size_t nc = 0; nc < batch * C; ++nc) {
        const size_t c = nc % C, off = nc * P;
        const REAL *restrict dyb = dy + off;
        for (size_t i = 0; i < N; ++i) {
            if (!dx[i])
                continue;
            REAL *dxb = dx[i] + off;
            if (s->op == ELEMWISE_SUM) { /* constant partial: a scaled copy */
                const REAL w = (REAL)s->weights[i * C + c];
                for (size_t p = 0; p < P; ++p)
                    dxb[p] = accumulate[i] ? dxb[p] + w * dyb[p] : w * dyb[p];
                continue;
            }
            for (size_t p = 0; p < P; ++p) {
                REAL g = N2D2_CAT(elemwise_partial, SUFFIX)(s, x, sum, i, c, off + p) * dyb[p];
                dxb[p] = accumulate[i] ? dxb[p] + g : g;
            }
        }
    }
}

#undef N2D2_CAT
#undef N2D2_CAT_
