/* Type-generic body of im2col/col2im, included by im2col.c once per type
 * with REAL and SUFFIX defined. The in-bounds ranges of each kernel tap are
 * computed once per call (divisions are costly next to short copies), and
 * the unit-stride case copies contiguous runs. */
#define N2D2_CAT_(a, b) a##b
#define N2D2_CAT(a, b) N2D2_CAT_(a, b)

void N2D2_CAT(n2d2_cells_im2col, SUFFIX)(const n2d2_cells_conv_geom *g, const REAL *restrict x,
                                         REAL *restrict col)
{
    const size_t oh = g->out_h, ow = g->out_w, P = oh * ow, W = g->width, sx = g->stride_w;
    n2d2_cells_tap_range ry[N2D2_CELLS_TAPS], rx[N2D2_CELLS_TAPS];
    const int tabled = g->kernel_h <= N2D2_CELLS_TAPS && g->kernel_w <= N2D2_CELLS_TAPS;
    if (tabled) {
        for (size_t ky = 0; ky < g->kernel_h; ++ky)
            n2d2_cells_tap(oh, g->stride_h, g->pad_h, ky * g->dil_h, g->height, &ry[ky]);
        for (size_t kx = 0; kx < g->kernel_w; ++kx)
            n2d2_cells_tap(ow, sx, g->pad_w, kx * g->dil_w, W, &rx[kx]);
    }
    REAL *row = col;
    for (size_t c = 0; c < g->channels; ++c) {
        const REAL *xc = x + c * g->height * W;
        for (size_t ky = 0; ky < g->kernel_h; ++ky) {
            n2d2_cells_tap_range y;
            if (tabled)
                y = ry[ky];
            else
                n2d2_cells_tap(oh, g->stride_h, g->pad_h, ky * g->dil_h, g->height, &y);
            for (size_t kx = 0; kx < g->kernel_w; ++kx, row += P) {
                n2d2_cells_tap_range r;
                if (tabled)
                    r = rx[kx];
                else
                    n2d2_cells_tap(ow, sx, g->pad_w, kx * g->dil_w, W, &r);
                if (r.lo >= r.hi) {
                    for (size_t p = 0; p < P; ++p)
                        row[p] = 0;
                    continue;
                }
                for (size_t p = 0; p < y.lo * ow; ++p)
                    row[p] = 0;
                /* input column of output column ox: ox sx + kx dx - pw, in
                 * bounds for ox in [lo, hi) */
                const size_t first = r.lo * sx + kx * g->dil_w - g->pad_w, n = r.hi - r.lo;
                for (size_t oy = y.lo; oy < y.hi; ++oy) {
                    REAL *restrict d = row + oy * ow;
                    const REAL *restrict s =
                        xc + (oy * g->stride_h + ky * g->dil_h - g->pad_h) * W + first;
                    for (size_t ox = 0; ox < r.lo; ++ox)
                        d[ox] = 0;
                    REAL *restrict dv = d + r.lo;
                    if (sx == 1)
                        for (size_t i = 0; i < n; ++i)
                            dv[i] = s[i];
                    else
                        for (size_t i = 0; i < n; ++i)
                            dv[i] = s[i * sx];
                    for (size_t ox = r.hi; ox < ow; ++ox)
                        d[ox] = 0;
                }
                for (size_t p = y.hi * ow; p < P; ++p)
                    row[p] = 0;
            }
        }
    }
}

void N2D2_CAT(n2d2_cells_col2im, SUFFIX)(const n2d2_cells_conv_geom *g, const REAL *restrict col,
                                         REAL *restrict x)
{
    const size_t oh = g->out_h, ow = g->out_w, P = oh * ow, W = g->width, sx = g->stride_w;
    n2d2_cells_tap_range ry[N2D2_CELLS_TAPS], rx[N2D2_CELLS_TAPS];
    const int tabled = g->kernel_h <= N2D2_CELLS_TAPS && g->kernel_w <= N2D2_CELLS_TAPS;
    if (tabled) {
        for (size_t ky = 0; ky < g->kernel_h; ++ky)
            n2d2_cells_tap(oh, g->stride_h, g->pad_h, ky * g->dil_h, g->height, &ry[ky]);
        for (size_t kx = 0; kx < g->kernel_w; ++kx)
            n2d2_cells_tap(ow, sx, g->pad_w, kx * g->dil_w, W, &rx[kx]);
    }
    const REAL *row = col;
    for (size_t c = 0; c < g->channels; ++c) {
        REAL *xc = x + c * g->height * W;
        for (size_t ky = 0; ky < g->kernel_h; ++ky) {
            n2d2_cells_tap_range y;
            if (tabled)
                y = ry[ky];
            else
                n2d2_cells_tap(oh, g->stride_h, g->pad_h, ky * g->dil_h, g->height, &y);
            for (size_t kx = 0; kx < g->kernel_w; ++kx, row += P) {
                n2d2_cells_tap_range r;
                if (tabled)
                    r = rx[kx];
                else
                    n2d2_cells_tap(ow, sx, g->pad_w, kx * g->dil_w, W, &r);
                if (r.lo >= r.hi)
                    continue;
                const size_t first = r.lo * sx + kx * g->dil_w - g->pad_w, n = r.hi - r.lo;
                for (size_t oy = y.lo; oy < y.hi; ++oy) {
                    const REAL *restrict s = row + oy * ow + r.lo;
                    REAL *restrict d = xc + (oy * g->stride_h + ky * g->dil_h - g->pad_h) * W + first;
                    if (sx == 1)
                        for (size_t i = 0; i < n; ++i)
                            d[i] += s[i];
                    else
                        for (size_t i = 0; i < n; ++i)
                            d[i * sx] += s[i];
                }
            }
        }
    }
}

#undef N2D2_CAT
#undef N2D2_CAT_
