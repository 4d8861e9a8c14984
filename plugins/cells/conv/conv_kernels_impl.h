/* Type-generic convolution by lowering + GEMM, included by conv_kernels.c
 * once per type with REAL, SUFFIX, GEMM, IM2COL and COL2IM defined.
 *
 * Work is split over the samples of the batch, handed out on demand: each
 * thread lowers one image into its own buffers (which stay in cache) and
 * runs single-threaded GEMMs on them; weight gradients are summed per fixed
 * chunk of the batch and the chunks reduced in order. With fewer samples
 * than threads the samples run one after the other, and n2d2_cells_gemm_*
 * splits each large GEMM over the threads instead; so it does for the
 * whole-batch GEMMs of the NONE_BATCH lowering. See conv.h for the
 * lowerings. */
#define N2D2_CAT_(a, b) a##b
#define N2D2_CAT(a, b) N2D2_CAT_(a, b)
#define FN(name) N2D2_CAT(name, SUFFIX)

/* Parallel over samples only when there are enough of them and enough work
 * to pay for waking the threads. */
static int FN(per_sample_threads)(const conv_state *s, size_t batch)
{
    const double macs = (double)batch * (double)s->positions * (double)s->k_group * (double)s->nb_outputs;
    return s->threads > 1 && batch >= (size_t)s->threads && macs >= 1e5;
}

static void FN(apply_mask)(conv_state *s, REAL *w)
{
    const size_t n = n2d2_tensor_numel(s->w);
    for (size_t i = 0; i < n; ++i)
        if (!s->mask[i])
            w[i] = 0;
}

static void FN(add_bias)(const conv_state *s, const REAL *b, REAL *yn)
{
    const size_t P = s->positions;
    for (size_t o = 0; o < s->nb_outputs; ++o) {
        REAL *restrict yo = yn + o * P;
        const REAL bo = b[o];
        for (size_t p = 0; p < P; ++p)
            yo[p] += bo;
    }
}

/* ---- IM2COL by table ---- */

static void FN(taps_gather)(const conv_state *s, const REAL *restrict x, REAL *restrict col)
{
    const int32_t *restrict t = s->taps;
    const size_t n = s->k_group * s->groups * s->positions;
    if (!s->taps_padded) {
        for (size_t i = 0; i < n; ++i)
            col[i] = x[t[i]];
        return;
    }
    for (size_t i = 0; i < n; ++i)
        col[i] = t[i] >= 0 ? x[t[i]] : 0;
}

/* x += col2im(col) */
static void FN(taps_scatter)(const conv_state *s, const REAL *restrict col, REAL *restrict x)
{
    const int32_t *restrict t = s->taps;
    const size_t n = s->k_group * s->groups * s->positions;
    for (size_t i = 0; i < n; ++i)
        if (t[i] >= 0)
            x[t[i]] += col[i];
}

static void FN(lower)(const conv_state *s, const REAL *x, REAL *col)
{
    if (s->taps)
        FN(taps_gather)(s, x, col);
    else
        IM2COL(&s->geom, x, col);
}

/* ---- WIDE lowering ---- */

/* The image with its zero border (every element written). */
static void FN(pad_copy)(const conv_state *s, const REAL *restrict xn, REAL *restrict xp)
{
    const n2d2_cells_conv_geom *g = &s->geom;
    const size_t Wp = s->pad_w, H = g->height, W = g->width;
    for (size_t c = 0; c < g->channels; ++c) {
        const REAL *restrict src = xn + c * H * W;
        REAL *restrict dst = xp + c * s->pad_h * Wp;
        for (size_t i = 0; i < g->pad_h * Wp; ++i)
            dst[i] = 0;
        dst += g->pad_h * Wp;
        for (size_t y = 0; y < H; ++y, dst += Wp, src += W) {
            for (size_t i = 0; i < g->pad_w; ++i)
                dst[i] = dst[g->pad_w + W + i] = 0;
            for (size_t i = 0; i < W; ++i)
                dst[g->pad_w + i] = src[i];
        }
        for (size_t i = 0; i < g->pad_h * Wp; ++i)
            dst[i] = 0;
    }
}

/* Offset in the padded image of tap (ky, kx). */
static size_t FN(wide_offset)(const conv_state *s, size_t ky, size_t kx)
{
    return ky * s->geom.dil_h * s->pad_w + kx * s->geom.dil_w;
}

static void FN(lower_wide)(const conv_state *s, const REAL *xn, REAL *xp, REAL *restrict col)
{
    const n2d2_cells_conv_geom *g = &s->geom;
    const REAL *src = xn;
    if (g->pad_h || g->pad_w) {
        FN(pad_copy)(s, xn, xp);
        src = xp;
    }
    const size_t N = s->wide_cols, L = s->wide_len, plane = s->pad_h * s->pad_w;
    for (size_t c = 0; c < g->channels; ++c)
        for (size_t ky = 0; ky < g->kernel_h; ++ky)
            for (size_t kx = 0; kx < g->kernel_w; ++kx, col += N) {
                const REAL *restrict run = src + c * plane + FN(wide_offset)(s, ky, kx);
                for (size_t j = 0; j < L; ++j)
                    col[j] = run[j];
                for (size_t j = L; j < N; ++j)
                    col[j] = 0;
            }
}

/* Scatter-add the lowered gradient back into a (padded) image. */
static void FN(raise_wide)(const conv_state *s, const REAL *restrict dcol, REAL *dxp)
{
    const n2d2_cells_conv_geom *g = &s->geom;
    const size_t N = s->wide_cols, L = s->wide_len, plane = s->pad_h * s->pad_w;
    for (size_t c = 0; c < g->channels; ++c)
        for (size_t ky = 0; ky < g->kernel_h; ++ky)
            for (size_t kx = 0; kx < g->kernel_w; ++kx, dcol += N) {
                REAL *restrict run = dxp + c * plane + FN(wide_offset)(s, ky, kx);
                for (size_t j = 0; j < L; ++j)
                    run[j] += dcol[j];
            }
}

/* ---- forward ---- */

static void FN(gemm_groups)(const conv_state *s, const REAL *w, const REAL *cols, size_t n_cols,
                            REAL *out)
{
    const size_t Kg = s->k_group, Og = s->out_group;
    for (size_t g = 0; g < s->groups; ++g)
        GEMM(0, 0, Og, n_cols, Kg, 1, w + g * Og * Kg, Kg, cols + g * Kg * n_cols, n_cols, 0,
             out + g * Og * n_cols, n_cols);
}

/* Depthwise (one input channel per group, MobileNet): a direct convolution
 * of each output row, tap by tap: y[oy][.] += w[ky][kx] x[iy][.] over
 * the columns the tap reaches inside the image (no padding tests in the
 * inner loop, unit-stride rows vectorise). As GEMMs this is one product of a
 * single weight row per group after lowering the whole image. */
static ptrdiff_t FN(first_reaching)(ptrdiff_t t, ptrdiff_t step)
{
    return t <= 0 ? 0 : (t + step - 1) / step; /* smallest o with o step >= t */
}

/* Per kernel column kx: the output columns ox in [lo, hi) whose tap falls
 * inside the image, 0 <= ox sw + kx dw - pw < W (KW <= CONV_DEPTHWISE_MAX_KW,
 * see conv.c). */
static void FN(depthwise_columns)(const conv_state *s, ptrdiff_t *lo, ptrdiff_t *hi)
{
    const n2d2_cells_conv_geom *g = &s->geom;
    const ptrdiff_t W = (ptrdiff_t)g->width, OW = (ptrdiff_t)g->out_w;
    const ptrdiff_t sw = (ptrdiff_t)g->stride_w;
    for (ptrdiff_t kx = 0; kx < (ptrdiff_t)g->kernel_w; ++kx) {
        const ptrdiff_t shift = kx * (ptrdiff_t)g->dil_w - (ptrdiff_t)g->pad_w;
        lo[kx] = FN(first_reaching)(-shift, sw);
        hi[kx] = FN(first_reaching)(W - shift, sw);
        hi[kx] = hi[kx] < OW ? hi[kx] : OW;
    }
}

static void FN(forward_depthwise)(const conv_state *s, const REAL *w, const REAL *b,
                                  const REAL *xn, REAL *yn)
{
    const n2d2_cells_conv_geom *g = &s->geom;
    const ptrdiff_t H = (ptrdiff_t)g->height, W = (ptrdiff_t)g->width;
    const ptrdiff_t KH = (ptrdiff_t)g->kernel_h, KW = (ptrdiff_t)g->kernel_w;
    const ptrdiff_t sh = (ptrdiff_t)g->stride_h, sw = (ptrdiff_t)g->stride_w;
    const ptrdiff_t dh = (ptrdiff_t)g->dil_h, dw = (ptrdiff_t)g->dil_w;
    const ptrdiff_t ph = (ptrdiff_t)g->pad_h, pw = (ptrdiff_t)g->pad_w;
    const ptrdiff_t OH = (ptrdiff_t)g->out_h, OW = (ptrdiff_t)g->out_w;
    ptrdiff_t lo[CONV_DEPTHWISE_MAX_KW], hi[CONV_DEPTHWISE_MAX_KW];
    FN(depthwise_columns)(s, lo, hi);
    for (size_t o = 0; o < s->nb_outputs; ++o) {
        const REAL *restrict xc = xn + (o / s->out_group) * (size_t)(H * W);
        const REAL *restrict wo = w + o * (size_t)(KH * KW);
        const REAL bo = b ? b[o] : 0;
        /* one output row at a time, so that it stays in L1 over the taps */
        for (ptrdiff_t oy = 0; oy < OH; ++oy) {
            REAL *restrict yr = yn + o * s->positions + oy * OW;
            for (ptrdiff_t ox = 0; ox < OW; ++ox)
                yr[ox] = bo;
            for (ptrdiff_t ky = 0; ky < KH; ++ky) {
                const ptrdiff_t iy = oy * sh - ph + ky * dh;
                if (iy < 0 || iy >= H)
                    continue;
                const REAL *restrict xr = xc + iy * W;
                for (ptrdiff_t kx = 0; kx < KW; ++kx) {
                    const ptrdiff_t shift = kx * dw - pw, ox0 = lo[kx], ox1 = hi[kx];
                    const REAL wv = wo[ky * KW + kx];
                    if (sw == 1)
                        for (ptrdiff_t ox = ox0; ox < ox1; ++ox)
                            yr[ox] += wv * xr[ox + shift];
                    else
                        for (ptrdiff_t ox = ox0; ox < ox1; ++ox)
                            yr[ox] += wv * xr[ox * sw + shift];
                }
            }
        }
    }
}

static void FN(forward_sample)(conv_state *s, const REAL *w, const REAL *b, const REAL *xn, REAL *yn,
                               REAL *col, REAL *wide)
{
    const size_t P = s->positions;
    if (s->depthwise) {
        FN(forward_depthwise)(s, w, b, xn, yn);
        return;
    }
    if (s->lowering == CONV_LOWER_WIDE) {
        const size_t Wp = s->pad_w, OW = s->geom.out_w, OH = s->geom.out_h;
        REAL *z = wide + 2 * s->geom.channels * s->pad_h * Wp;
        FN(lower_wide)(s, xn, wide, col);
        FN(gemm_groups)(s, w, col, s->wide_cols, z);
        /* keep the OW meaningful columns of each output row, add the bias */
        for (size_t o = 0; o < s->nb_outputs; ++o) {
            const REAL bo = b ? b[o] : 0;
            for (size_t oy = 0; oy < OH; ++oy) {
                const REAL *restrict zr = z + o * s->wide_cols + oy * Wp;
                REAL *restrict yr = yn + o * P + oy * OW;
                for (size_t ox = 0; ox < OW; ++ox)
                    yr[ox] = zr[ox] + bo;
            }
        }
        return;
    }
    const REAL *cols = xn;
    if (s->lowering == CONV_LOWER_IM2COL) {
        FN(lower)(s, xn, col);
        cols = col;
    }
    FN(gemm_groups)(s, w, cols, P, yn);
    if (b)
        FN(add_bias)(s, b, yn);
}

/* Kernel as large as the input: y[n] = W x[n], one GEMM per group over the
 * batch (x[n] is already the col of image n). */
static void FN(forward_batch)(conv_state *s, const REAL *w, const REAL *b, const REAL *x, REAL *y,
                              size_t batch)
{
    const size_t Kg = s->k_group, Og = s->out_group, K = Kg * s->groups, O = s->nb_outputs;
    for (size_t g = 0; g < s->groups; ++g)
        GEMM(0, 1, batch, Og, Kg, 1, x + g * Kg, K, w + g * Og * Kg, Kg, 0, y + g * Og, O);
    for (size_t n = 0; b && n < batch; ++n)
        for (size_t o = 0; o < O; ++o)
            y[n * O + o] += b[o];
}

void FN(n2d2_conv_forward)(conv_state *s, const REAL *x, REAL *y, size_t batch)
{
    REAL *w = n2d2_tensor_data(s->w);
    const REAL *b = s->b ? n2d2_tensor_cdata(s->b) : NULL;
    if (s->masked) /* weights loaded or updated elsewhere stay disconnected */
        FN(apply_mask)(s, w);
    if (s->lowering == CONV_LOWER_NONE_BATCH) {
        FN(forward_batch)(s, w, b, x, y, batch);
        return;
    }
    const size_t in_item = s->geom.channels * s->geom.height * s->geom.width;
    const size_t out_item = s->nb_outputs * s->positions;
    const size_t col_elems = s->k_group * s->groups * n2d2_conv_col_cols(s);
    const size_t wide_elems = 2 * s->geom.channels * s->pad_h * s->pad_w + s->nb_outputs * s->wide_cols;
    REAL *cols = s->col, *wides = s->wide;
    const int parallel = FN(per_sample_threads)(s, batch), nt = s->threads;
    (void)parallel;
    (void)nt;
    /* on demand: a thread slowed by another process takes fewer samples */
    N2D2_CELLS_PRAGMA(omp parallel for schedule(dynamic, 2) if(parallel) num_threads(nt))
    for (size_t n = 0; n < batch; ++n) {
        const size_t t = (size_t)n2d2_cells_thread_index();
        FN(forward_sample)(s, w, b, x + n * in_item, y + n * out_item, cols + t * col_elems,
                           wides + t * wide_elems);
    }
}

/* ---- backward ---- */

typedef struct FN(sample_grads) {
    REAL *dwt, *db;      /* this thread's sums (weights [g][k][o] when transposed) */
    REAL *col, *dcol, *wide;
    REAL *dyt;           /* output gradient transposed: [column][output] */
} FN(sample_grads);

/* Output gradient of one image in the layouts the GEMMs need: dz
 * [output][column] (WIDE: zero on the dropped columns) and, for the
 * transposed weight-gradient product, dyt [column][output]. */
static void FN(prepare_dy)(const conv_state *s, const REAL *restrict dyn, REAL *restrict dz,
                           REAL *restrict dyt)
{
    const size_t P = s->positions, O = s->nb_outputs;
    if (s->lowering != CONV_LOWER_WIDE) {
        for (size_t p = 0; dyt && p < P; ++p)
            for (size_t o = 0; o < O; ++o)
                dyt[p * O + o] = dyn[o * P + p];
        return;
    }
    const size_t Wp = s->pad_w, OW = s->geom.out_w, OH = s->geom.out_h, N = s->wide_cols;
    for (size_t o = 0; dz && o < O; ++o)
        for (size_t oy = 0; oy < OH; ++oy) {
            const REAL *restrict src = dyn + o * P + oy * OW;
            REAL *restrict dst = dz + o * N + oy * Wp;
            for (size_t ox = 0; ox < OW; ++ox)
                dst[ox] = src[ox];
            for (size_t ox = OW; ox < Wp; ++ox)
                dst[ox] = 0;
        }
    for (size_t oy = 0; dyt && oy < OH; ++oy) {
        REAL *restrict dst = dyt + oy * Wp * O;
        for (size_t ox = 0; ox < OW; ++ox)
            for (size_t o = 0; o < O; ++o)
                dst[ox * O + o] = dyn[o * P + oy * OW + ox];
        for (size_t i = OW * O; i < Wp * O; ++i)
            dst[i] = 0;
    }
}

/* Depthwise backward of one image, the forward's loops transposed:
 * dW[o][ky][kx] += sum dy[o][oy][ox] x[c][iy][ix], dx[c][iy][ix] +=
 * w[o][ky][kx] dy[o][oy][ox] over the taps inside the image; dW in the
 * plain {O, kh kw} layout. */
static void FN(backward_depthwise)(const conv_state *s, const REAL *w, const REAL *xn,
                                   const REAL *dyn, REAL *dxn, int accumulate, REAL *dwt, REAL *db)
{
    const n2d2_cells_conv_geom *g = &s->geom;
    const ptrdiff_t H = (ptrdiff_t)g->height, W = (ptrdiff_t)g->width;
    const ptrdiff_t KH = (ptrdiff_t)g->kernel_h, KW = (ptrdiff_t)g->kernel_w;
    const ptrdiff_t sh = (ptrdiff_t)g->stride_h, sw = (ptrdiff_t)g->stride_w;
    const ptrdiff_t dh = (ptrdiff_t)g->dil_h, dw = (ptrdiff_t)g->dil_w;
    const ptrdiff_t ph = (ptrdiff_t)g->pad_h, pw = (ptrdiff_t)g->pad_w;
    const ptrdiff_t OH = (ptrdiff_t)g->out_h, OW = (ptrdiff_t)g->out_w;
    ptrdiff_t lo[CONV_DEPTHWISE_MAX_KW], hi[CONV_DEPTHWISE_MAX_KW];
    FN(depthwise_columns)(s, lo, hi);
    if (dxn && !accumulate)
        for (size_t i = 0; i < g->channels * (size_t)(H * W); ++i)
            dxn[i] = 0;
    for (size_t o = 0; o < s->nb_outputs; ++o) {
        const size_t c = o / s->out_group;
        const REAL *restrict xc = xn + c * (size_t)(H * W);
        REAL *restrict dxc = dxn ? dxn + c * (size_t)(H * W) : NULL;
        const REAL *restrict wo = w + o * (size_t)(KH * KW);
        REAL *restrict dwo = dwt + o * (size_t)(KH * KW);
        REAL bias_sum = 0;
        for (ptrdiff_t oy = 0; oy < OH; ++oy) {
            const REAL *restrict dyr = dyn + o * s->positions + oy * OW;
            for (ptrdiff_t ox = 0; ox < OW; ++ox)
                bias_sum += dyr[ox];
            for (ptrdiff_t ky = 0; ky < KH; ++ky) {
                const ptrdiff_t iy = oy * sh - ph + ky * dh;
                if (iy < 0 || iy >= H)
                    continue;
                const REAL *restrict xr = xc + iy * W;
                REAL *restrict dxr = dxc ? dxc + iy * W : NULL;
                for (ptrdiff_t kx = 0; kx < KW; ++kx) {
                    const ptrdiff_t shift = kx * dw - pw, ox0 = lo[kx], ox1 = hi[kx];
                    const REAL wv = wo[ky * KW + kx];
                    REAL acc = 0;
                    if (sw == 1) {
                        N2D2_CELLS_PRAGMA(omp simd reduction(+ : acc))
                        for (ptrdiff_t ox = ox0; ox < ox1; ++ox)
                            acc += dyr[ox] * xr[ox + shift];
                        for (ptrdiff_t ox = ox0; dxr && ox < ox1; ++ox)
                            dxr[ox + shift] += wv * dyr[ox];
                    } else {
                        N2D2_CELLS_PRAGMA(omp simd reduction(+ : acc))
                        for (ptrdiff_t ox = ox0; ox < ox1; ++ox)
                            acc += dyr[ox] * xr[ox * sw + shift];
                        for (ptrdiff_t ox = ox0; dxr && ox < ox1; ++ox)
                            dxr[ox * sw + shift] += wv * dyr[ox];
                    }
                    dwo[ky * KW + kx] += acc;
                }
            }
        }
        if (db)
            db[o] += bias_sum;
    }
}

static void FN(backward_sample)(conv_state *s, const REAL *w, const REAL *xn, const REAL *dyn,
                                REAL *dxn, int accumulate, const FN(sample_grads) *t)
{
    if (s->depthwise && !s->dw_transposed) {
        FN(backward_depthwise)(s, w, xn, dyn, dxn, accumulate, t->dwt, t->db);
        return;
    }
    const size_t P = s->positions, Kg = s->k_group, Og = s->out_group, O = s->nb_outputs;
    const size_t in_item = s->geom.channels * s->geom.height * s->geom.width;
    const int wide = s->lowering == CONV_LOWER_WIDE;
    const size_t n_cols = n2d2_conv_col_cols(s);
    const size_t padded_elems = s->geom.channels * s->pad_h * s->pad_w;
    /* dW^T += col dY^T (NN, transposed partials) is much faster in BLAS than
     * dW += dY col^T (NT) once there are a dozen outputs per group; below,
     * NT avoids the transposition. */
    const int transposed = s->dw_transposed;
    const REAL *cols = xn, *dys = dyn;
    REAL *dz = wide && (dxn || !transposed) ? t->wide + 2 * padded_elems : NULL;
    if (s->lowering == CONV_LOWER_IM2COL) {
        FN(lower)(s, xn, t->col);
        cols = t->col;
    } else if (wide) {
        FN(lower_wide)(s, xn, t->wide, t->col);
        cols = t->col;
        dys = dz;
    }
    FN(prepare_dy)(s, dyn, dz, transposed ? t->dyt : NULL);
    for (size_t g = 0; g < s->groups; ++g) {
        if (transposed)
            GEMM(0, 0, Kg, Og, n_cols, 1, cols + g * Kg * n_cols, n_cols, t->dyt + g * Og, O, 1,
                 t->dwt + g * Kg * Og, Og);
        else
            GEMM(0, 1, Og, Kg, n_cols, 1, dys + g * Og * n_cols, n_cols, cols + g * Kg * n_cols,
                 n_cols, 1, t->dwt + g * Og * Kg, Kg);
    }
    if (t->db)
        for (size_t o = 0; o < s->nb_outputs; ++o) {
            const REAL *d = dyn + o * P;
            REAL acc = 0;
            for (size_t p = 0; p < P; ++p)
                acc += d[p];
            t->db[o] += acc;
        }
    if (!dxn)
        return;
    if (s->lowering == CONV_LOWER_NONE_SAMPLE) {
        for (size_t g = 0; g < s->groups; ++g)
            GEMM(1, 0, Kg, P, Og, 1, w + g * Og * Kg, Kg, dyn + g * Og * P, P, accumulate ? 1 : 0,
                 dxn + g * Kg * P, P);
        return;
    }
    for (size_t g = 0; g < s->groups; ++g)
        GEMM(1, 0, Kg, n_cols, Og, 1, w + g * Og * Kg, Kg, dys + g * Og * n_cols, n_cols, 0,
             t->dcol + g * Kg * n_cols, n_cols);
    const int padded = s->geom.pad_h || s->geom.pad_w;
    if (!accumulate && !(wide && padded))
        for (size_t i = 0; i < in_item; ++i)
            dxn[i] = 0;
    if (!wide) {
        if (s->taps)
            FN(taps_scatter)(s, t->dcol, dxn);
        else
            COL2IM(&s->geom, t->dcol, dxn);
        return;
    }
    if (!padded) {
        FN(raise_wide)(s, t->dcol, dxn);
        return;
    }
    REAL *dxp = t->wide + padded_elems;
    for (size_t i = 0; i < padded_elems; ++i)
        dxp[i] = 0;
    FN(raise_wide)(s, t->dcol, dxp);
    const n2d2_cells_conv_geom *geo = &s->geom;
    for (size_t c = 0; c < geo->channels; ++c)
        for (size_t y = 0; y < geo->height; ++y) {
            const REAL *restrict src = dxp + (c * s->pad_h + y + geo->pad_h) * s->pad_w + geo->pad_w;
            REAL *restrict dst = dxn + (c * geo->height + y) * geo->width;
            if (accumulate)
                for (size_t i = 0; i < geo->width; ++i)
                    dst[i] += src[i];
            else
                for (size_t i = 0; i < geo->width; ++i)
                    dst[i] = src[i];
        }
}

static void FN(backward_batch)(conv_state *s, const REAL *w, const REAL *x, const REAL *dy, REAL *dx,
                               int accumulate, size_t batch)
{
    const size_t Kg = s->k_group, Og = s->out_group, K = Kg * s->groups, O = s->nb_outputs;
    REAL *dw = n2d2_tensor_data(s->dw);
    for (size_t g = 0; g < s->groups; ++g)
        GEMM(1, 0, Og, Kg, batch, 1, dy + g * Og, O, x + g * Kg, K, 0, dw + g * Og * Kg, Kg);
    if (s->db) {
        REAL *db = n2d2_tensor_data(s->db);
        for (size_t o = 0; o < O; ++o)
            db[o] = 0;
        for (size_t n = 0; n < batch; ++n)
            for (size_t o = 0; o < O; ++o)
                db[o] += dy[n * O + o];
    }
    for (size_t g = 0; dx && g < s->groups; ++g)
        GEMM(0, 0, batch, Kg, Og, 1, dy + g * Og, O, w + g * Og * Kg, Kg, accumulate ? 1 : 0,
             dx + g * Kg, K);
    if (s->masked) {
        const size_t n = n2d2_tensor_numel(s->w);
        for (size_t i = 0; i < n; ++i)
            if (!s->mask[i])
                dw[i] = 0;
    }
}

void FN(n2d2_conv_backward)(conv_state *s, const REAL *x, const REAL *dy, REAL *dx, int accumulate,
                            size_t batch)
{
    const REAL *w = n2d2_tensor_cdata(s->w);
    if (s->lowering == CONV_LOWER_NONE_BATCH) {
        FN(backward_batch)(s, w, x, dy, dx, accumulate, batch);
        return;
    }
    REAL *dw = n2d2_tensor_data(s->dw);
    REAL *db = s->db ? n2d2_tensor_data(s->db) : NULL;
    const size_t n_w = n2d2_tensor_numel(s->w), n_o = s->nb_outputs;
    const size_t in_item = s->geom.channels * s->geom.height * s->geom.width;
    const size_t out_item = s->nb_outputs * s->positions;
    const size_t col_elems = s->k_group * s->groups * n2d2_conv_col_cols(s);
    const size_t wide_elems = 2 * s->geom.channels * s->pad_h * s->pad_w + s->nb_outputs * s->wide_cols;
    const int parallel = FN(per_sample_threads)(s, batch);
    /* The batch is cut in `parts` fixed chunks, each summing its own
     * partial gradients, handed to the threads on demand: a thread slowed
     * by another process (or the stimuli worker) takes fewer chunks, and
     * the fixed chunks keep the sums independent of who took them. */
    const size_t parts = parallel ? (s->parts < batch ? s->parts : batch) : 1;
    REAL *cols = s->col, *dcols = s->dcol, *wides = s->wide, *dyts = s->dyt;
    const size_t dyt_elems = n2d2_conv_col_cols(s) * s->nb_outputs;
    REAL *dw_parts = s->dw_part, *db_parts = dw_parts + parts * n_w;
    const int nt = s->threads;
    (void)nt;
    N2D2_CELLS_PRAGMA(omp parallel for schedule(dynamic, 1) if(parallel) num_threads(nt))
    for (size_t c = 0; c < parts; ++c) {
        const size_t t = (size_t)n2d2_cells_thread_index();
        const FN(sample_grads) grads = {dw_parts + c * n_w, db ? db_parts + c * n_o : NULL,
                                        cols + t * col_elems, dcols + t * col_elems,
                                        wides + t * wide_elems, dyts + t * dyt_elems};
        for (size_t i = 0; i < n_w; ++i)
            grads.dwt[i] = 0;
        for (size_t i = 0; grads.db && i < n_o; ++i)
            grads.db[i] = 0;
        for (size_t n = c * batch / parts; n < (c + 1) * batch / parts; ++n)
            FN(backward_sample)(s, w, x + n * in_item, dy + n * out_item, dx ? dx + n * in_item : NULL,
                                accumulate, &grads);
    }
    /* dw[g Og + o][k] = sum over the chunks of the partials, stored
     * [g][k][o] when transposed */
    const size_t Kg = s->k_group, Og = s->out_group;
    const int transposed = s->dw_transposed;
    N2D2_CELLS_PRAGMA(omp parallel for schedule(static) if(n_w > 16384))
    for (size_t i = 0; i < n_w; ++i) {
        const size_t row = i / Kg, k = i % Kg, g = row / Og, o = row % Og;
        const size_t at = transposed ? g * Kg * Og + k * Og + o : i;
        REAL acc = 0;
        for (size_t c = 0; c < parts; ++c)
            acc += dw_parts[c * n_w + at];
        dw[i] = s->masked && !s->mask[i] ? 0 : acc;
    }
    for (size_t o = 0; db && o < n_o; ++o) {
        REAL acc = 0;
        for (size_t c = 0; c < parts; ++c)
            acc += db_parts[c * n_o + o];
        db[o] = acc;
    }
}

#undef FN
#undef N2D2_CAT
#undef N2D2_CAT_
