/* Type-generic 3-D convolution, included by conv3d_kernels.c with REAL,
 * SUFFIX and GEMM defined.
 *
 * vol2col: col has (C kd kh kw) rows, row r = ((c kd + kz) kh + ky) kw + kx,
 * and OD OH OW columns: col[r][(oz OH + oy) OW + ox] =
 * x[c][oz sz - pz + kz dz][oy sy - py + ky dy][ox sx - px + kx dx], zero
 * outside the volume. Then, per group g, y[g] = W[g] col[g] (+ bias);
 * backward: dW[g] += dy[g] col[g]^T, dcol[g] = W[g]^T dy[g], and col2vol
 * adds dcol back into dx. Forward runs the samples in parallel (one col per
 * thread); backward splits the batch in one chunk per thread with partial
 * weight gradients reduced in chunk order (small batches: samples in
 * order, each GEMM split over the threads). */
#define N2D2_CAT_(a, b) a##b
#define N2D2_CAT(a, b) N2D2_CAT_(a, b)
#define FN(name) N2D2_CAT(name, SUFFIX)

/* Input index of a tap along one axis, or -1 when it falls in the padding. */
static inline ptrdiff_t FN(vol_at)(size_t o, size_t stride, size_t off, size_t pad, size_t in)
{
    const size_t at = o * stride + off; /* padded coordinate */
    return at >= pad && at - pad < in ? (ptrdiff_t)(at - pad) : -1;
}

/* Walk every (row, output row) pair of col: `add` 0 gathers x into col,
 * 1 adds col into x (col2vol). X runs of in-bounds taps come from
 * n2d2_cells_tap, so the inner loops have no bounds tests. */
static void FN(vol_walk)(const conv3d_geom *g, REAL *x, REAL *col, int add)
{
    const size_t W = g->in[0], H = g->in[1], D = g->in[2];
    const size_t OW = g->out[0], OH = g->out[1], OD = g->out[2];
    const size_t sx = g->stride[0];
    for (size_t c = 0; c < g->channels; ++c)
        for (size_t kz = 0; kz < g->kernel[2]; ++kz)
            for (size_t ky = 0; ky < g->kernel[1]; ++ky)
                for (size_t kx = 0; kx < g->kernel[0]; ++kx) {
                    const size_t offx = kx * g->dil[0];
                    n2d2_cells_tap_range rx;
                    n2d2_cells_tap(OW, sx, g->pad[0], offx, W, &rx);
                    for (size_t oz = 0; oz < OD; ++oz) {
                        const ptrdiff_t iz = FN(vol_at)(oz, g->stride[2], kz * g->dil[2], g->pad[2], D);
                        for (size_t oy = 0; oy < OH; ++oy, col += OW) {
                            const ptrdiff_t iy =
                                iz < 0 ? -1 : FN(vol_at)(oy, g->stride[1], ky * g->dil[1], g->pad[1], H);
                            if (iy < 0) {
                                for (size_t ox = 0; !add && ox < OW; ++ox)
                                    col[ox] = 0;
                                continue;
                            }
                            /* x column of output ox: ox sx + offx - px, >= 0 on [lo, hi) */
                            const size_t n_in = rx.hi - rx.lo;
                            REAL *restrict xr = x + ((c * D + (size_t)iz) * H + (size_t)iy) * W +
                                                (n_in ? rx.lo * sx + offx - g->pad[0] : 0);
                            REAL *restrict cr = col + rx.lo;
                            if (add) {
                                for (size_t i = 0; i < n_in; ++i)
                                    xr[i * sx] += cr[i];
                                continue;
                            }
                            for (size_t ox = 0; ox < rx.lo; ++ox)
                                col[ox] = 0;
                            for (size_t i = 0; i < n_in; ++i)
                                cr[i] = xr[i * sx];
                            for (size_t ox = rx.hi; ox < OW; ++ox)
                                col[ox] = 0;
                        }
                    }
                }
}

static void FN(forward_sample3d)(const conv_state *s, const REAL *w, const REAL *b, const REAL *xn,
                                 REAL *yn, REAL *col)
{
    const size_t P = s->positions, Kg = s->k_group, Og = s->out_group;
    FN(vol_walk)(&s->vgeom, (REAL *)xn, col, 0); /* gathers only: xn is read */
    for (size_t g = 0; g < s->groups; ++g)
        GEMM(0, 0, Og, P, Kg, 1, w + g * Og * Kg, Kg, col + g * Kg * P, P, 0, yn + g * Og * P, P);
    for (size_t o = 0; b && o < s->nb_outputs; ++o)
        for (size_t p = 0; p < P; ++p)
            yn[o * P + p] += b[o];
}

void FN(n2d2_conv3d_forward)(conv_state *s, const REAL *x, REAL *y, size_t batch)
{
    REAL *w = n2d2_tensor_data(s->w);
    const REAL *b = s->b ? n2d2_tensor_cdata(s->b) : NULL;
    const size_t n_w = n2d2_tensor_numel(s->w);
    for (size_t i = 0; s->masked && i < n_w; ++i) /* loaded or updated weights stay disconnected */
        if (!s->mask[i])
            w[i] = 0;
    const conv3d_geom *g = &s->vgeom;
    const size_t in_item = g->channels * g->in[0] * g->in[1] * g->in[2];
    const size_t out_item = s->nb_outputs * s->positions;
    const size_t col_elems = s->k_group * s->groups * s->positions;
    const double macs = (double)batch * (double)s->positions * (double)s->k_group * (double)s->nb_outputs;
    const int parallel = s->threads > 1 && batch > 1 && macs >= 1e5, nt = s->threads;
    REAL *cols = s->col;
    (void)parallel;
    (void)nt;
    N2D2_CELLS_PRAGMA(omp parallel for schedule(dynamic, 1) if(parallel) num_threads(nt))
    for (size_t n = 0; n < batch; ++n)
        FN(forward_sample3d)(s, w, b, x + n * in_item, y + n * out_item,
                             cols + (size_t)n2d2_cells_thread_index() * col_elems);
}

/* Gradients of the samples [n0, n1): dW and db summed into dwt / db
 * (zeroed first), dx per sample. */
static void FN(backward_chunk3d)(const conv_state *s, const REAL *w, const REAL *x, const REAL *dy,
                                 REAL *dx, int accumulate, size_t n0, size_t n1, REAL *dwt,
                                 REAL *db, REAL *col, REAL *dcol)
{
    const size_t n_w = n2d2_tensor_numel(s->w), O = s->nb_outputs;
    const size_t P = s->positions, Kg = s->k_group, Og = s->out_group;
    const conv3d_geom *geo = &s->vgeom;
    const size_t in_item = geo->channels * geo->in[0] * geo->in[1] * geo->in[2];
    for (size_t i = 0; i < n_w; ++i)
        dwt[i] = 0;
    for (size_t o = 0; db && o < O; ++o)
        db[o] = 0;
    for (size_t n = n0; n < n1; ++n) {
        const REAL *dyn = dy + n * O * P;
        FN(vol_walk)(geo, (REAL *)(x + n * in_item), col, 0); /* gathers only: x is read */
        for (size_t g = 0; g < s->groups; ++g)
            GEMM(0, 1, Og, Kg, P, 1, dyn + g * Og * P, P, col + g * Kg * P, P, 1, dwt + g * Og * Kg, Kg);
        for (size_t o = 0; db && o < O; ++o) {
            REAL acc = 0;
            for (size_t p = 0; p < P; ++p)
                acc += dyn[o * P + p];
            db[o] += acc;
        }
        if (!dx)
            continue;
        REAL *dxn = dx + n * in_item;
        for (size_t g = 0; g < s->groups; ++g)
            GEMM(1, 0, Kg, P, Og, 1, w + g * Og * Kg, Kg, dyn + g * Og * P, P, 0, dcol + g * Kg * P, P);
        for (size_t i = 0; !accumulate && i < in_item; ++i)
            dxn[i] = 0;
        FN(vol_walk)(geo, dxn, dcol, 1);
    }
}

/* The batch is cut in fixed chunks (one per thread when it is worth
 * waking them), each summing its own partial gradients, reduced in chunk
 * order; one chunk: the GEMMs split over the threads instead. */
void FN(n2d2_conv3d_backward)(conv_state *s, const REAL *x, const REAL *dy, REAL *dx, int accumulate,
                              size_t batch)
{
    const REAL *w = n2d2_tensor_cdata(s->w);
    REAL *dw = n2d2_tensor_data(s->dw);
    REAL *db = s->db ? n2d2_tensor_data(s->db) : NULL;
    const size_t n_w = n2d2_tensor_numel(s->w), O = s->nb_outputs;
    const size_t col_elems = s->k_group * s->groups * s->positions;
    const double macs = (double)batch * (double)s->positions * (double)s->k_group * (double)O;
    const int parallel = s->threads > 1 && batch > 1 && macs >= 1e5;
    if (!parallel) {
        FN(backward_chunk3d)(s, w, x, dy, dx, accumulate, 0, batch, dw, db, s->col, s->dcol);
    } else {
        const size_t parts = s->parts < batch ? s->parts : batch;
        REAL *dw_parts = s->dw_part, *db_parts = dw_parts + parts * n_w;
        REAL *cols = s->col, *dcols = s->dcol;
        const int nt = s->threads;
        (void)nt;
        N2D2_CELLS_PRAGMA(omp parallel for schedule(dynamic, 1) num_threads(nt))
        for (size_t c = 0; c < parts; ++c) {
            const size_t t = (size_t)n2d2_cells_thread_index();
            FN(backward_chunk3d)(s, w, x, dy, dx, accumulate, c * batch / parts,
                                 (c + 1) * batch / parts, dw_parts + c * n_w,
                                 db ? db_parts + c * O : NULL, cols + t * col_elems,
                                 dcols + t * col_elems);
        }
        for (size_t i = 0; i < n_w; ++i) {
            REAL acc = 0;
            for (size_t c = 0; c < parts; ++c)
                acc += dw_parts[c * n_w + i];
            dw[i] = acc;
        }
        for (size_t o = 0; db && o < O; ++o) {
            REAL acc = 0;
            for (size_t c = 0; c < parts; ++c)
                acc += db_parts[c * O + o];
            db[o] = acc;
        }
    }
    for (size_t i = 0; s->masked && i < n_w; ++i)
        if (!s->mask[i])
            dw[i] = 0;
}

#undef FN
#undef N2D2_CAT
#undef N2D2_CAT_
