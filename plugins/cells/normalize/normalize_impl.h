/* Type-generic Normalize, included by normalize.c with REAL, SUFFIX, SQRT
 * and FABS defined. Per sample, norms are accumulated plane by plane into
 * a positions-long buffer (inner loops over positions vectorise); samples
 * are split over threads, each with its own buffers. */
#define FN(name) N2D2_CAT(name, SUFFIX)

/* inv[p] = 1 / n at every position of one sample. */
static void FN(inverse_norms)(const normalize_state *s, const REAL *restrict xn, REAL *restrict inv)
{
    const size_t C = s->channels, P = s->positions;
    for (size_t p = 0; p < P; ++p)
        inv[p] = 0;
    for (size_t c = 0; c < C; ++c) {
        const REAL *restrict xc = xn + c * P;
        if (s->norm == NORM_L2)
            for (size_t p = 0; p < P; ++p)
                inv[p] += xc[p] * xc[p];
        else
            for (size_t p = 0; p < P; ++p)
                inv[p] += FABS(xc[p]);
    }
    for (size_t p = 0; p < P; ++p)
        inv[p] = 1 / (s->norm == NORM_L2 ? SQRT(inv[p] + (REAL)NORMALIZE_EPS)
                                         : inv[p] + (REAL)NORMALIZE_EPS);
}

static int FN(parallel)(const normalize_state *s, size_t batch)
{
    return s->threads > 1 && batch > 1 && batch * s->channels * s->positions > 8192;
}

static void FN(normalize_forward)(normalize_state *s, const REAL *x, REAL *y, size_t batch)
{
    const size_t C = s->channels, P = s->positions;
    REAL *scratch = s->scratch;
    const int parallel = FN(parallel)(s, batch), nt = s->threads;
    (void)parallel;
    (void)nt;
    N2D2_CELLS_PRAGMA(omp parallel for schedule(static) if(parallel) num_threads(nt))
    for (size_t n = 0; n < batch; ++n) {
        REAL *restrict inv = scratch + (size_t)n2d2_cells_thread_index() * 2 * P;
        const REAL *restrict xn = x + n * C * P;
        REAL *restrict yn = y + n * C * P;
        FN(inverse_norms)(s, xn, inv);
        for (size_t c = 0; c < C; ++c)
            for (size_t p = 0; p < P; ++p)
                yn[c * P + p] = xn[c * P + p] * inv[p];
    }
}

static void FN(normalize_backward)(normalize_state *s, const REAL *x, const REAL *y, const REAL *dy,
                                   REAL *dx, int accumulate, size_t batch)
{
    const size_t C = s->channels, P = s->positions;
    REAL *scratch = s->scratch;
    const int parallel = FN(parallel)(s, batch), nt = s->threads;
    (void)parallel;
    (void)nt;
    N2D2_CELLS_PRAGMA(omp parallel for schedule(static) if(parallel) num_threads(nt))
    for (size_t n = 0; n < batch; ++n) {
        REAL *restrict inv = scratch + (size_t)n2d2_cells_thread_index() * 2 * P;
        REAL *restrict dot = inv + P;
        const size_t at = n * C * P;
        const REAL *restrict xn = x + at, *restrict yn = y + at, *restrict dyn = dy + at;
        REAL *restrict dxn = dx + at;
        FN(inverse_norms)(s, xn, inv);
        for (size_t p = 0; p < P; ++p)
            dot[p] = 0;
        for (size_t c = 0; c < C; ++c)
            for (size_t p = 0; p < P; ++p)
                dot[p] += yn[c * P + p] * dyn[c * P + p];
        for (size_t c = 0; c < C; ++c)
            for (size_t p = 0; p < P; ++p) {
                const size_t i = c * P + p;
                const REAL dir = s->norm == NORM_L2 ? yn[i] : (REAL)((xn[i] > 0) - (xn[i] < 0));
                const REAL g = (dyn[i] - dir * dot[p]) * inv[p];
                dxn[i] = accumulate ? dxn[i] + g : g;
            }
    }
}

#undef FN
