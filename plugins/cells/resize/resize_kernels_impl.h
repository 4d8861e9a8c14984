/* Type-generic resizing, included by resize_kernels.c with REAL and SUFFIX
 * defined. Every (sample, channel) plane is independent: forward gathers
 * from the taps of each output row and column, backward scatters the
 * output gradient back with the same weights. */
#define N2D2_CAT_(a, b) a##b
#define N2D2_CAT(a, b) N2D2_CAT_(a, b)
#define FN(name) N2D2_CAT(name, SUFFIX)

void FN(n2d2_resize_forward)(const resize_state *s, const REAL *x, REAL *y, size_t batch)
{
    const size_t planes = batch * s->channels, W = s->in_w, in_plane = s->in_h * W;
    const size_t OW = s->out_w, out_plane = s->out_h * OW;
    N2D2_CELLS_PRAGMA(omp parallel for schedule(static) if(planes * out_plane > 16384))
    for (size_t pl = 0; pl < planes; ++pl) {
        const REAL *restrict xp = x + pl * in_plane;
        REAL *restrict yp = y + pl * out_plane;
        for (size_t oy = 0; oy < s->out_h; ++oy) {
            const resize_tap ty = s->ty[oy];
            const REAL fy = (REAL)ty.frac;
            const REAL *r0 = xp + ty.lo * W, *r1 = xp + ty.hi * W;
            REAL *restrict yr = yp + oy * OW;
            for (size_t ox = 0; ox < OW; ++ox) {
                const resize_tap tx = s->tx[ox];
                const REAL fx = (REAL)tx.frac;
                const REAL top = r0[tx.lo] + fx * (r0[tx.hi] - r0[tx.lo]);
                const REAL bottom = r1[tx.lo] + fx * (r1[tx.hi] - r1[tx.lo]);
                yr[ox] = top + fy * (bottom - top);
            }
        }
    }
}

void FN(n2d2_resize_backward)(const resize_state *s, const REAL *dy, REAL *dx, int accumulate,
                              size_t batch)
{
    const size_t planes = batch * s->channels, W = s->in_w, in_plane = s->in_h * W;
    const size_t OW = s->out_w, out_plane = s->out_h * OW;
    N2D2_CELLS_PRAGMA(omp parallel for schedule(static) if(planes * out_plane > 16384))
    for (size_t pl = 0; pl < planes; ++pl) {
        REAL *restrict dxp = dx + pl * in_plane;
        const REAL *restrict dyp = dy + pl * out_plane;
        if (!accumulate)
            for (size_t i = 0; i < in_plane; ++i)
                dxp[i] = 0;
        for (size_t oy = 0; oy < s->out_h; ++oy) {
            const resize_tap ty = s->ty[oy];
            const REAL fy = (REAL)ty.frac;
            REAL *r0 = dxp + ty.lo * W, *r1 = dxp + ty.hi * W;
            const REAL *restrict dr = dyp + oy * OW;
            for (size_t ox = 0; ox < OW; ++ox) {
                const resize_tap tx = s->tx[ox];
                const REAL fx = (REAL)tx.frac, g = dr[ox];
                const REAL top = (1 - fy) * g, bottom = fy * g;
                r0[tx.lo] += (1 - fx) * top;
                r0[tx.hi] += fx * top;
                r1[tx.lo] += (1 - fx) * bottom;
                r1[tx.hi] += fx * bottom;
            }
        }
    }
}

#undef FN
#undef N2D2_CAT
#undef N2D2_CAT_
