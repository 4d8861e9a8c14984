/* Type-generic transposed convolution, included by deconv_kernels.c once
 * per type with REAL, SUFFIX, GEMM, IM2COL and COL2IM defined.
 *
 * Per image and group g (Cg input channels, Og outputs, K = kh kw taps),
 * with W_g the Cg x (Og K) block of the weights:
 *   forward   col = W_g^T x_g            ((Og K) x HW), then y += col2im(col)
 *   backward  dcol = im2col(dy)          ((O K) x HW)
 *             dW_g += x_g dcol_g^T,  dx_g = W_g dcol_g
 * Work is split over the samples (each thread has its own col buffer and
 * weight-gradient partials, reduced at the end) when there are enough of
 * them; otherwise the samples run in turn and BLAS threads each GEMM. */
#define N2D2_CAT_(a, b) a##b
#define N2D2_CAT(a, b) N2D2_CAT_(a, b)
#define FN(name) N2D2_CAT(name, SUFFIX)

static int FN(per_sample_threads)(const deconv_state *s, size_t batch)
{
    const double macs = (double)batch * (double)s->positions * (double)s->k_rows * (double)s->channels;
    return s->threads > 1 && batch >= (size_t)s->threads && macs >= 1e5;
}

static void FN(forward_sample)(const deconv_state *s, const REAL *w, const REAL *b,
                               const REAL *restrict xn, REAL *restrict yn, REAL *col)
{
    const size_t HW = s->positions, Kr = s->k_rows, Cg = s->c_group;
    const size_t plane = s->geom.height * s->geom.width, O = s->nb_outputs;
    REAL *dst = s->pointwise ? yn : col;
    for (size_t g = 0; g < s->groups; ++g)
        GEMM(1, 0, Kr, HW, Cg, 1, w + g * Cg * Kr, Kr, xn + g * Cg * HW, HW, 0, dst + g * Kr * HW, HW);
    if (!s->pointwise) {
        for (size_t i = 0; i < O * plane; ++i)
            yn[i] = 0;
        COL2IM(&s->geom, col, yn);
    }
    for (size_t o = 0; b && o < O; ++o) {
        REAL *restrict yo = yn + o * plane;
        const REAL bo = b[o];
        for (size_t p = 0; p < plane; ++p)
            yo[p] += bo;
    }
}

void FN(n2d2_deconv_forward)(deconv_state *s, const REAL *x, REAL *y, size_t batch)
{
    REAL *w = n2d2_tensor_data(s->w);
    const REAL *b = s->b ? n2d2_tensor_cdata(s->b) : NULL;
    if (s->masked) { /* weights loaded or updated elsewhere stay disconnected */
        const size_t n = n2d2_tensor_numel(s->w);
        for (size_t i = 0; i < n; ++i)
            if (!s->mask[i])
                w[i] = 0;
    }
    const size_t in_item = s->channels * s->positions;
    const size_t out_item = s->nb_outputs * s->geom.height * s->geom.width;
    const size_t col_elems = s->pointwise ? 0 : s->k_rows * s->groups * s->positions;
    REAL *cols = s->col;
    const int parallel = FN(per_sample_threads)(s, batch), nt = s->threads;
    (void)parallel;
    (void)nt;
    N2D2_CELLS_PRAGMA(omp parallel for schedule(static) if(parallel) num_threads(nt))
    for (size_t n = 0; n < batch; ++n) {
        const size_t t = (size_t)n2d2_cells_thread_index();
        FN(forward_sample)(s, w, b, x + n * in_item, y + n * out_item, cols + t * col_elems);
    }
}

static void FN(backward_sample)(const deconv_state *s, const REAL *w, const REAL *xn,
                                const REAL *dyn, REAL *dxn, int accumulate, REAL *dw_part,
                                REAL *db_part, REAL *col)
{
    const size_t HW = s->positions, Kr = s->k_rows, Cg = s->c_group;
    const size_t plane = s->geom.height * s->geom.width;
    const REAL *dcol = dyn;
    if (!s->pointwise) {
        IM2COL(&s->geom, dyn, col);
        dcol = col;
    }
    for (size_t g = 0; g < s->groups; ++g)
        GEMM(0, 1, Cg, Kr, HW, 1, xn + g * Cg * HW, HW, dcol + g * Kr * HW, HW, 1,
             dw_part + g * Cg * Kr, Kr);
    for (size_t o = 0; db_part && o < s->nb_outputs; ++o) {
        const REAL *restrict d = dyn + o * plane;
        REAL acc = 0;
        for (size_t p = 0; p < plane; ++p)
            acc += d[p];
        db_part[o] += acc;
    }
    for (size_t g = 0; dxn && g < s->groups; ++g)
        GEMM(0, 0, Cg, HW, Kr, 1, w + g * Cg * Kr, Kr, dcol + g * Kr * HW, HW, accumulate ? 1 : 0,
             dxn + g * Cg * HW, HW);
}

void FN(n2d2_deconv_backward)(deconv_state *s, const REAL *x, const REAL *dy, REAL *dx,
                              int accumulate, size_t batch)
{
    const REAL *w = n2d2_tensor_cdata(s->w);
    REAL *dw = n2d2_tensor_data(s->dw);
    REAL *db = s->db ? n2d2_tensor_data(s->db) : NULL;
    const size_t n_w = n2d2_tensor_numel(s->w), n_o = s->nb_outputs;
    const size_t in_item = s->channels * s->positions;
    const size_t out_item = s->nb_outputs * s->geom.height * s->geom.width;
    const size_t col_elems = s->pointwise ? 0 : s->k_rows * s->groups * s->positions;
    const int parallel = FN(per_sample_threads)(s, batch), nt = s->threads;
    const int parts = parallel ? s->threads : 1;
    REAL *cols = s->col, *dw_parts = s->dw_part, *db_parts = dw_parts + (size_t)parts * n_w;
    (void)nt;
    for (size_t i = 0; i < (size_t)parts * (n_w + n_o); ++i)
        dw_parts[i] = 0;
    N2D2_CELLS_PRAGMA(omp parallel for schedule(static) if(parallel) num_threads(nt))
    for (size_t n = 0; n < batch; ++n) {
        const size_t t = (size_t)n2d2_cells_thread_index();
        FN(backward_sample)(s, w, x + n * in_item, dy + n * out_item, dx ? dx + n * in_item : NULL,
                            accumulate, dw_parts + t * n_w, db ? db_parts + t * n_o : NULL,
                            cols + t * col_elems);
    }
    for (size_t i = 0; i < n_w; ++i) {
        REAL acc = 0;
        for (int t = 0; t < parts; ++t)
            acc += dw_parts[(size_t)t * n_w + i];
        dw[i] = s->masked && !s->mask[i] ? 0 : acc;
    }
    for (size_t o = 0; db && o < n_o; ++o) {
        REAL acc = 0;
        for (int t = 0; t < parts; ++t)
            acc += db_parts[(size_t)t * n_o + o];
        db[o] = acc;
    }
}

#undef FN
#undef N2D2_CAT
#undef N2D2_CAT_
