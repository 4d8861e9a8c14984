/* Type-generic body of im2col/col2im, included by im2col.c once per type
 * with REAL and SUFFIX defined.
 *
 * Rows walk: for each input channel c, kernel row ky and output row oy,
 * one input row feeds the segment oy of the kw col rows (c, ky, *). That
 * row is first laid out as its `stride` phases with the zero padding
 * around it (phase q holds padded columns q, q + s, q + 2s...), so that
 * every tap kx reads one contiguous run of OW values: phase (kx dx) mod s
 * from (kx dx) / s on. Strided gathers of a few elements, which no
 * compiler vectorises and which made im2col cost more than the GEMM on
 * small outputs, become short contiguous copies. col2im runs the same
 * walk backwards with additions. A row too wide for the stack buffer, or
 * taps that would reach past it, take the plain per-element walk. */
#define N2D2_CAT_(a, b) a##b
#define N2D2_CAT(a, b) N2D2_CAT_(a, b)
#define N2D2_IM2COL_FN(name) N2D2_CAT(name, SUFFIX)

/* Padded row plus the rounding of each phase up to whole steps. */
#define N2D2_IM2COL_ROW_MAX 2048

/* Runs of n values, n known per layer: small n take constant-length loops
 * (a few vector moves), where a general loop would spend more on its
 * set-up than on the copy. */
#define N2D2_IM2COL_RUNS(X) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(10) X(12) X(14) X(16)

static inline void N2D2_IM2COL_FN(copy_run)(REAL *restrict d, const REAL *restrict s, size_t n)
{
#define N2D2_IM2COL_COPY(K)                                                                         \
    case K:                                                                                         \
        for (size_t i = 0; i < K; ++i)                                                              \
            d[i] = s[i];                                                                            \
        return;
    switch (n) {
        N2D2_IM2COL_RUNS(N2D2_IM2COL_COPY)
    default:
        for (size_t i = 0; i < n; ++i)
            d[i] = s[i];
    }
#undef N2D2_IM2COL_COPY
}

static inline void N2D2_IM2COL_FN(add_run)(REAL *restrict d, const REAL *restrict s, size_t n)
{
#define N2D2_IM2COL_ADD(K)                                                                          \
    case K:                                                                                         \
        for (size_t i = 0; i < K; ++i)                                                              \
            d[i] += s[i];                                                                           \
        return;
    switch (n) {
        N2D2_IM2COL_RUNS(N2D2_IM2COL_ADD)
    default:
        for (size_t i = 0; i < n; ++i)
            d[i] += s[i];
    }
#undef N2D2_IM2COL_ADD
}

/* Phase q of a padded row: entries [lo, hi) come from the input row, from
 * input column `first` on, every s-th. */
typedef struct N2D2_IM2COL_FN(phase) {
    size_t lo, hi, first;
} N2D2_IM2COL_FN(phase);

/* Per-call tables (divisions cost more than the short runs they place). */
typedef struct N2D2_IM2COL_FN(plan) {
    size_t span;                                 /* entries per phase */
    size_t at[N2D2_CELLS_TAPS];                  /* tap kx starts here */
    N2D2_IM2COL_FN(phase) ph[N2D2_CELLS_TAPS];   /* one per phase (stride) */
} N2D2_IM2COL_FN(plan);

/* 1 when the phased walk applies (else the plain walk runs). */
static int N2D2_IM2COL_FN(make_plan)(const n2d2_cells_conv_geom *g, N2D2_IM2COL_FN(plan) *p)
{
    const size_t wp = g->width + 2 * g->pad_w, s = g->stride_w, pw = g->pad_w, end = pw + g->width;
    if (g->out_w == 0 || s == 0 || s > N2D2_CELLS_TAPS || g->kernel_w > N2D2_CELLS_TAPS)
        return 0;
    p->span = (wp + s - 1) / s;
    /* the last tap of the last output stays inside the padded row */
    if (p->span * s > N2D2_IM2COL_ROW_MAX || (g->out_w - 1) * s + (g->kernel_w - 1) * g->dil_w >= wp)
        return 0;
    for (size_t kx = 0; kx < g->kernel_w; ++kx) {
        const size_t off = kx * g->dil_w;
        p->at[kx] = off % s * p->span + off / s;
    }
    for (size_t q = 0; q < s; ++q) {
        /* padded columns j s + q inside [pw, end) */
        size_t lo = q >= pw ? 0 : (pw - q + s - 1) / s;
        size_t hi = end > q ? (end - q + s - 1) / s : 0;
        if (hi > p->span)
            hi = p->span;
        if (lo > hi)
            lo = hi;
        p->ph[q].lo = lo;
        p->ph[q].hi = hi;
        p->ph[q].first = lo * s + q - pw;
    }
    return 1;
}

/* The phases of the padded input row src (W values) into row. */
static void N2D2_IM2COL_FN(split_row)(const n2d2_cells_conv_geom *g, const N2D2_IM2COL_FN(plan) *p,
                                      const REAL *restrict src, REAL *restrict row)
{
    const size_t s = g->stride_w, span = p->span;
    for (size_t q = 0; q < s; ++q) {
        REAL *restrict ph = row + q * span;
        const size_t lo = p->ph[q].lo, hi = p->ph[q].hi;
        for (size_t j = 0; j < lo; ++j)
            ph[j] = 0;
        const REAL *restrict from = src + p->ph[q].first;
        if (s == 1)
            N2D2_IM2COL_FN(copy_run)(ph + lo, from, hi - lo);
        else if (s == 2) /* a constant stride: shuffles instead of a gather */
            for (size_t j = 0; j < hi - lo; ++j)
                ph[lo + j] = from[2 * j];
        else
            for (size_t j = 0; j < hi - lo; ++j)
                ph[lo + j] = from[j * s];
        for (size_t j = hi; j < span; ++j)
            ph[j] = 0;
    }
}

/* dst (the W values of an input row) += the input columns of a phased row. */
static void N2D2_IM2COL_FN(merge_row)(const n2d2_cells_conv_geom *g, const N2D2_IM2COL_FN(plan) *p,
                                      const REAL *restrict row, REAL *restrict dst)
{
    const size_t s = g->stride_w, span = p->span;
    for (size_t q = 0; q < s; ++q) {
        const REAL *restrict ph = row + q * span;
        const size_t lo = p->ph[q].lo, hi = p->ph[q].hi;
        REAL *restrict to = dst + p->ph[q].first;
        if (s == 1)
            N2D2_IM2COL_FN(add_run)(to, ph + lo, hi - lo);
        else if (s == 2)
            for (size_t j = 0; j < hi - lo; ++j)
                to[2 * j] += ph[lo + j];
        else
            for (size_t j = 0; j < hi - lo; ++j)
                to[j * s] += ph[lo + j];
    }
}

/* The per-element walk, for the shapes the phased walk does not take. */
static void N2D2_IM2COL_FN(im2col_plain)(const n2d2_cells_conv_geom *g, const REAL *restrict x,
                                         REAL *restrict col)
{
    const size_t oh = g->out_h, ow = g->out_w, P = oh * ow, W = g->width, sx = g->stride_w;
    REAL *row = col;
    for (size_t c = 0; c < g->channels; ++c) {
        const REAL *xc = x + c * g->height * W;
        for (size_t ky = 0; ky < g->kernel_h; ++ky) {
            n2d2_cells_tap_range y;
            n2d2_cells_tap(oh, g->stride_h, g->pad_h, ky * g->dil_h, g->height, &y);
            for (size_t kx = 0; kx < g->kernel_w; ++kx, row += P) {
                n2d2_cells_tap_range r;
                n2d2_cells_tap(ow, sx, g->pad_w, kx * g->dil_w, W, &r);
                for (size_t p = 0; p < P; ++p)
                    row[p] = 0;
                const size_t first = r.lo * sx + kx * g->dil_w - g->pad_w;
                for (size_t oy = y.lo; r.lo < r.hi && oy < y.hi; ++oy) {
                    const REAL *s = xc + (oy * g->stride_h + ky * g->dil_h - g->pad_h) * W + first;
                    for (size_t i = 0; i < r.hi - r.lo; ++i)
                        row[oy * ow + r.lo + i] = s[i * sx];
                }
            }
        }
    }
}

static void N2D2_IM2COL_FN(col2im_plain)(const n2d2_cells_conv_geom *g, const REAL *restrict col,
                                         REAL *restrict x)
{
    const size_t oh = g->out_h, ow = g->out_w, P = oh * ow, W = g->width, sx = g->stride_w;
    const REAL *row = col;
    for (size_t c = 0; c < g->channels; ++c) {
        REAL *xc = x + c * g->height * W;
        for (size_t ky = 0; ky < g->kernel_h; ++ky) {
            n2d2_cells_tap_range y;
            n2d2_cells_tap(oh, g->stride_h, g->pad_h, ky * g->dil_h, g->height, &y);
            for (size_t kx = 0; kx < g->kernel_w; ++kx, row += P) {
                n2d2_cells_tap_range r;
                n2d2_cells_tap(ow, sx, g->pad_w, kx * g->dil_w, W, &r);
                const size_t first = r.lo * sx + kx * g->dil_w - g->pad_w;
                for (size_t oy = y.lo; r.lo < r.hi && oy < y.hi; ++oy) {
                    REAL *d = xc + (oy * g->stride_h + ky * g->dil_h - g->pad_h) * W + first;
                    for (size_t i = 0; i < r.hi - r.lo; ++i)
                        d[i * sx] += row[oy * ow + r.lo + i];
                }
            }
        }
    }
}

/* Input row of output row oy and kernel row ky, or NULL in the padding. */
static inline const REAL *N2D2_IM2COL_FN(input_row)(const n2d2_cells_conv_geom *g, const REAL *xc, size_t ky,
                                                    size_t oy)
{
    const size_t iy = oy * g->stride_h + ky * g->dil_h; /* + pad_h */
    return iy < g->pad_h || iy - g->pad_h >= g->height ? NULL : xc + (iy - g->pad_h) * g->width;
}

void N2D2_CAT(n2d2_cells_im2col, SUFFIX)(const n2d2_cells_conv_geom *g, const REAL *restrict x,
                                         REAL *restrict col)
{
    N2D2_IM2COL_FN(plan) plan;
    if (!N2D2_IM2COL_FN(make_plan)(g, &plan)) {
        N2D2_IM2COL_FN(im2col_plain)(g, x, col);
        return;
    }
    const size_t oh = g->out_h, ow = g->out_w, P = oh * ow, kw = g->kernel_w;
    /* without padding or stride, the input row is already its one phase */
    const int direct = g->stride_w == 1 && g->pad_w == 0;
    const size_t row_len = plan.span * g->stride_w, block = N2D2_IM2COL_ROW_MAX / row_len;
    REAL buf[N2D2_IM2COL_ROW_MAX];
    const REAL *rows[N2D2_IM2COL_ROW_MAX]; /* per output row of the block: its phases, or NULL */
    for (size_t c = 0; c < g->channels; ++c) {
        const REAL *xc = x + c * g->height * g->width;
        for (size_t ky = 0; ky < g->kernel_h; ++ky) {
            REAL *out = col + (c * g->kernel_h + ky) * kw * P; /* col row (c, ky, 0) */
            /* blocks of output rows whose phased input rows fit in buf; the
             * copies then run along col, one col row after the other */
            for (size_t oy0 = 0; oy0 < oh; oy0 += block) {
                const size_t n = oh - oy0 < block ? oh - oy0 : block;
                for (size_t i = 0; i < n; ++i) {
                    const REAL *src = N2D2_IM2COL_FN(input_row)(g, xc, ky, oy0 + i);
                    rows[i] = src;
                    if (src && !direct) {
                        N2D2_IM2COL_FN(split_row)(g, &plan, src, buf + i * row_len);
                        rows[i] = buf + i * row_len;
                    }
                }
                for (size_t kx = 0; kx < kw; ++kx) {
                    REAL *seg = out + kx * P + oy0 * ow;
                    for (size_t i = 0; i < n; ++i, seg += ow) {
                        if (rows[i])
                            N2D2_IM2COL_FN(copy_run)(seg, rows[i] + plan.at[kx], ow);
                        else
                            for (size_t k = 0; k < ow; ++k)
                                seg[k] = 0;
                    }
                }
            }
        }
    }
}

void N2D2_CAT(n2d2_cells_col2im, SUFFIX)(const n2d2_cells_conv_geom *g, const REAL *restrict col,
                                         REAL *restrict x)
{
    N2D2_IM2COL_FN(plan) plan;
    if (!N2D2_IM2COL_FN(make_plan)(g, &plan)) {
        N2D2_IM2COL_FN(col2im_plain)(g, col, x);
        return;
    }
    const size_t oh = g->out_h, ow = g->out_w, P = oh * ow, kw = g->kernel_w;
    const int direct = g->stride_w == 1 && g->pad_w == 0;
    const size_t row_len = plan.span * g->stride_w, block = N2D2_IM2COL_ROW_MAX / row_len;
    REAL buf[N2D2_IM2COL_ROW_MAX];
    REAL *rows[N2D2_IM2COL_ROW_MAX], *dst[N2D2_IM2COL_ROW_MAX];
    for (size_t c = 0; c < g->channels; ++c) {
        REAL *xc = x + c * g->height * g->width;
        for (size_t ky = 0; ky < g->kernel_h; ++ky) {
            const REAL *in = col + (c * g->kernel_h + ky) * kw * P;
            for (size_t oy0 = 0; oy0 < oh; oy0 += block) {
                const size_t n = oh - oy0 < block ? oh - oy0 : block;
                for (size_t i = 0; i < n; ++i) {
                    dst[i] = (REAL *)N2D2_IM2COL_FN(input_row)(g, xc, ky, oy0 + i);
                    rows[i] = dst[i];
                    if (dst[i] && !direct) {
                        rows[i] = buf + i * row_len;
                        for (size_t k = 0; k < row_len; ++k)
                            rows[i][k] = 0;
                    }
                }
                /* tap after tap over the rows: consecutive additions go to
                 * different rows, not to the overlapping runs of one row
                 * (a load overlapping a pending store stalls) */
                for (size_t kx = 0; kx < kw; ++kx) {
                    const REAL *seg = in + kx * P + oy0 * ow;
                    for (size_t i = 0; i < n; ++i, seg += ow)
                        if (rows[i])
                            N2D2_IM2COL_FN(add_run)(rows[i] + plan.at[kx], seg, ow);
                }
                for (size_t i = 0; !direct && i < n; ++i)
                    if (dst[i])
                        N2D2_IM2COL_FN(merge_row)(g, &plan, rows[i], dst[i]);
            }
        }
    }
}

#undef N2D2_IM2COL_RUNS
#undef N2D2_IM2COL_FN
#undef N2D2_CAT
#undef N2D2_CAT_
