/* Type-generic LRN, included by lrn_kernels.c with REAL, SUFFIX, POW and
 * SQRT defined. Per sample: the window sums of squares are accumulated
 * plane by plane (inner loops over positions vectorise); samples are split
 * over threads, each with its own scratch planes. */
#define N2D2_CAT_(a, b) a##b
#define N2D2_CAT(a, b) N2D2_CAT_(a, b)
#define FN(name) N2D2_CAT(name, SUFFIX)

/* Channels [*lo, *hi] of the window of channel i. */
static inline void FN(window)(size_t i, size_t half, size_t C, size_t *lo, size_t *hi)
{
    *lo = i >= half ? i - half : 0;
    *hi = i + half < C - 1 ? i + half : C - 1;
}

/* s^-beta; the default beta = 0.75 without pow (s^-3/4 = 1 / (sqrt(s) sqrt(sqrt(s)))). */
static inline REAL FN(neg_pow)(REAL base, REAL beta)
{
    if (beta == (REAL)0.75) {
        const REAL r = SQRT(base);
        return 1 / (r * SQRT(r));
    }
    return POW(base, -beta);
}

/* base[c][p] = k + alpha sum over the window of x^2, for every channel. */
static void FN(bases)(const lrn_state *s, const REAL *restrict x, REAL *restrict base)
{
    const size_t C = s->channels, P = s->positions, half = s->n / 2;
    const REAL k = (REAL)s->k, alpha = (REAL)s->alpha;
    for (size_t c = 0; c < C; ++c) {
        size_t lo, hi;
        FN(window)(c, half, C, &lo, &hi);
        REAL *restrict bc = base + c * P;
        for (size_t p = 0; p < P; ++p)
            bc[p] = 0;
        for (size_t j = lo; j <= hi; ++j) {
            const REAL *restrict xj = x + j * P;
            for (size_t p = 0; p < P; ++p)
                bc[p] += xj[p] * xj[p];
        }
        for (size_t p = 0; p < P; ++p)
            bc[p] = k + alpha * bc[p];
    }
}

static int FN(parallel)(const lrn_state *s, size_t batch)
{
    return s->threads > 1 && batch > 1 && batch * s->channels * s->positions > 8192;
}

void FN(n2d2_lrn_forward)(lrn_state *s, const REAL *x, REAL *y, size_t batch)
{
    const size_t item = s->channels * s->positions;
    const REAL beta = (REAL)s->beta;
    REAL *scratch = s->scratch;
    const int parallel = FN(parallel)(s, batch), nt = s->threads;
    (void)parallel;
    (void)nt;
    N2D2_CELLS_PRAGMA(omp parallel for schedule(static) if(parallel) num_threads(nt))
    for (size_t n = 0; n < batch; ++n) {
        REAL *base = scratch + (size_t)n2d2_cells_thread_index() * 2 * item;
        const REAL *restrict xn = x + n * item;
        REAL *restrict yn = y + n * item;
        FN(bases)(s, xn, base);
        for (size_t i = 0; i < item; ++i)
            yn[i] = xn[i] * FN(neg_pow)(base[i], beta);
    }
}

void FN(n2d2_lrn_backward)(lrn_state *s, const REAL *x, const REAL *dy, REAL *dx, int accumulate,
                           size_t batch)
{
    const size_t C = s->channels, P = s->positions, item = C * P, half = s->n / 2;
    const REAL beta = (REAL)s->beta, two_ab = (REAL)(2 * s->alpha * s->beta);
    REAL *scratch = s->scratch;
    const int parallel = FN(parallel)(s, batch), nt = s->threads;
    (void)parallel;
    (void)nt;
    N2D2_CELLS_PRAGMA(omp parallel for schedule(static) if(parallel) num_threads(nt))
    for (size_t n = 0; n < batch; ++n) {
        REAL *restrict base = scratch + (size_t)n2d2_cells_thread_index() * 2 * item;
        REAL *restrict t = base + item;
        const REAL *restrict xn = x + n * item, *restrict dyn = dy + n * item;
        REAL *restrict dxn = dx + n * item;
        FN(bases)(s, xn, base);
        /* base <- s^-beta; t = dy a s^(-beta-1) = dy a s^-beta / s */
        for (size_t i = 0; i < item; ++i) {
            const REAL scale = FN(neg_pow)(base[i], beta);
            t[i] = dyn[i] * xn[i] * scale / base[i];
            base[i] = scale;
        }
        for (size_t m = 0; m < C; ++m) {
            size_t lo, hi;
            FN(window)(m, half, C, &lo, &hi);
            const REAL *restrict xm = xn + m * P, *restrict dym = dyn + m * P, *restrict sm = base + m * P;
            REAL *restrict dxm = dxn + m * P;
            for (size_t p = 0; p < P; ++p) {
                REAL acc = 0;
                for (size_t i = lo; i <= hi; ++i)
                    acc += t[i * P + p];
                const REAL g = dym[p] * sm[p] - two_ab * xm[p] * acc;
                dxm[p] = accumulate ? dxm[p] + g : g;
            }
        }
    }
}

#undef FN
#undef N2D2_CAT
#undef N2D2_CAT_
