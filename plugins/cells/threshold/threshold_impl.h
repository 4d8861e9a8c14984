/* Type-generic Threshold, included by threshold.c with REAL and SUFFIX
 * defined: one switch per call, branch-free selections per value. */
#define FN(name) N2D2_CAT(name, SUFFIX)

static void FN(threshold_forward)(const threshold_state *s, const REAL *restrict x,
                                  REAL *restrict y, size_t n)
{
    const REAL t = (REAL)s->threshold, m = (REAL)s->max_value;
    switch (s->op) {
    case TH_BINARY:
        N2D2_CELLS_PRAGMA(omp parallel for schedule(static) if(n > 32768))
        for (size_t i = 0; i < n; ++i)
            y[i] = x[i] > t ? m : 0;
        break;
    case TH_BINARY_INV:
        N2D2_CELLS_PRAGMA(omp parallel for schedule(static) if(n > 32768))
        for (size_t i = 0; i < n; ++i)
            y[i] = x[i] > t ? 0 : m;
        break;
    case TH_TRUNCATE:
        N2D2_CELLS_PRAGMA(omp parallel for schedule(static) if(n > 32768))
        for (size_t i = 0; i < n; ++i)
            y[i] = x[i] > t ? t : x[i];
        break;
    case TH_TO_ZERO:
        N2D2_CELLS_PRAGMA(omp parallel for schedule(static) if(n > 32768))
        for (size_t i = 0; i < n; ++i)
            y[i] = x[i] > t ? x[i] : 0;
        break;
    default:
        N2D2_CELLS_PRAGMA(omp parallel for schedule(static) if(n > 32768))
        for (size_t i = 0; i < n; ++i)
            y[i] = x[i] > t ? 0 : x[i];
        break;
    }
}

static void FN(threshold_backward)(const threshold_state *s, const REAL *restrict x,
                                   const REAL *restrict dy, REAL *restrict dx, int accumulate,
                                   size_t n)
{
    const REAL t = (REAL)s->threshold;
    /* pass the gradient where x > t (ToZero), where x <= t (Truncate,
     * ToZeroInverted), nowhere (Binary, BinaryInverted) */
    const int above = s->op == TH_TO_ZERO;
    const int below = s->op == TH_TRUNCATE || s->op == TH_TO_ZERO_INV;
    N2D2_CELLS_PRAGMA(omp parallel for schedule(static) if(n > 32768))
    for (size_t i = 0; i < n; ++i) {
        const int pass = x[i] > t ? above : below;
        const REAL g = pass ? dy[i] : 0;
        dx[i] = accumulate ? dx[i] + g : g;
    }
}

#undef FN
