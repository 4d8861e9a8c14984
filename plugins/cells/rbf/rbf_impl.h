/* Type-generic Rbf, included by rbf.c with REAL, SUFFIX and EXP defined.
 * Forward is split over (sample, output) pairs; backward over outputs for
 * the parameter gradients (batch sums, no reduction needed) and over
 * samples for the input gradient. */
#define FN(name) N2D2_CAT(name, SUFFIX)

static REAL FN(distance2)(const REAL *restrict x, const REAL *restrict c, size_t n)
{
    REAL acc = 0;
    for (size_t i = 0; i < n; ++i) {
        const REAL d = x[i] - c[i];
        acc += d * d;
    }
    return acc;
}

static void FN(rbf_forward)(rbf_state *s, const REAL *x, REAL *y, size_t batch)
{
    const REAL *c = n2d2_tensor_cdata(s->c), *sc = n2d2_tensor_cdata(s->s);
    const size_t O = s->n_out, D = s->n_in;
    N2D2_CELLS_PRAGMA(omp parallel for schedule(static) if(batch * O * D > 32768))
    for (size_t no = 0; no < batch * O; ++no) {
        const size_t n = no / O, o = no % O;
        y[no] = EXP(-sc[o] * FN(distance2)(x + n * D, c + o * D, D));
    }
}

static void FN(rbf_backward)(rbf_state *s, const REAL *x, const REAL *y, const REAL *dy, REAL *dx,
                             int accumulate, size_t batch)
{
    const REAL *c = n2d2_tensor_cdata(s->c), *sc = n2d2_tensor_cdata(s->s);
    REAL *dc = n2d2_tensor_data(s->dc), *ds = n2d2_tensor_data(s->ds), *h = s->h;
    const size_t O = s->n_out, D = s->n_in;
    const int big = batch * O * D > 32768;
    (void)big;
    N2D2_CELLS_PRAGMA(omp parallel for schedule(static) if(big))
    for (size_t o = 0; o < O; ++o) {
        const REAL *restrict co = c + o * D;
        REAL *restrict dco = dc + o * D;
        REAL dso = 0;
        for (size_t i = 0; i < D; ++i)
            dco[i] = 0;
        for (size_t n = 0; n < batch; ++n) {
            const REAL *restrict xn = x + n * D;
            const REAL g = dy[n * O + o] * y[n * O + o];
            const REAL hn = 2 * sc[o] * g;
            h[n * O + o] = hn;
            dso -= g * FN(distance2)(xn, co, D);
            for (size_t i = 0; i < D; ++i)
                dco[i] += hn * (xn[i] - co[i]);
        }
        ds[o] = dso;
    }
    if (!dx)
        return;
    N2D2_CELLS_PRAGMA(omp parallel for schedule(static) if(big))
    for (size_t n = 0; n < batch; ++n) {
        const REAL *restrict xn = x + n * D;
        REAL *restrict dxn = dx + n * D;
        if (!accumulate)
            for (size_t i = 0; i < D; ++i)
                dxn[i] = 0;
        for (size_t o = 0; o < O; ++o) {
            const REAL hn = h[n * O + o];
            const REAL *restrict co = c + o * D;
            for (size_t i = 0; i < D; ++i)
                dxn[i] -= hn * (xn[i] - co[i]);
        }
    }
}

#undef FN
