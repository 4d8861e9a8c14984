/* Type-generic FMP arithmetic, included by fmp_kernels.c with REAL and
 * SUFFIX. Output o at (oy, ox) is the largest input value over o's mapped
 * channels and the region ay[oy] x ax[ox]; the first largest (channel,
 * then row-major order) wins and its flat index in the sample is kept for
 * backward. Regions may overlap, so backward adds. */
#define N2D2_CAT_(a, b) a##b
#define N2D2_CAT(a, b) N2D2_CAT_(a, b)

void N2D2_CAT(n2d2_fmp_forward, SUFFIX)(const fmp_state *s, const fmp_axis *ax,
                                        const fmp_axis *ay, const REAL *x, REAL *y, size_t batch,
                                        int32_t *argmax)
{
    const size_t H = s->height, W = s->width, HW = H * W, in_item = s->channels * HW;
    const size_t OW = s->out_w, P = s->out_h * OW, O = s->nb_outputs;
    N2D2_CELLS_PRAGMA(omp parallel for schedule(static) if(batch * O * P > 4096))
    for (size_t no = 0; no < batch * O; ++no) {
        const size_t n = no / O, o = no % O;
        const REAL *xn = x + n * in_item;
        const size_t *chans = s->chans + s->chan_start[o];
        const size_t n_chans = s->chan_start[o + 1] - s->chan_start[o];
        for (size_t oy = 0; oy < s->out_h; ++oy)
            for (size_t ox = 0; ox < OW; ++ox) {
                REAL best = 0;
                int32_t at = -1;
                for (size_t k = 0; k < n_chans; ++k) {
                    const REAL *xc = xn + chans[k] * HW;
                    for (size_t iy = ay->start[oy]; iy <= ay->stop[oy]; ++iy)
                        for (size_t ix = ax->start[ox]; ix <= ax->stop[ox]; ++ix) {
                            const REAL v = xc[iy * W + ix];
                            if (at < 0 || v > best) {
                                best = v;
                                at = (int32_t)(chans[k] * HW + iy * W + ix);
                            }
                        }
                }
                y[no * P + oy * OW + ox] = best; /* 0 for an output without channel */
                if (argmax)
                    argmax[no * P + oy * OW + ox] = at;
            }
    }
}

void N2D2_CAT(n2d2_fmp_backward, SUFFIX)(const fmp_state *s, const REAL *dy, REAL *dx,
                                         int accumulate, size_t batch)
{
    const size_t in_item = s->channels * s->height * s->width;
    const size_t OP = s->nb_outputs * s->out_h * s->out_w;
    N2D2_CELLS_PRAGMA(omp parallel for schedule(static) if(batch * in_item > 4096))
    for (size_t n = 0; n < batch; ++n) {
        REAL *dxn = dx + n * in_item;
        if (!accumulate)
            for (size_t i = 0; i < in_item; ++i)
                dxn[i] = 0;
        const int32_t *am = s->argmax + n * OP;
        const REAL *dyn = dy + n * OP;
        for (size_t i = 0; i < OP; ++i)
            if (am[i] >= 0)
                dxn[am[i]] += dyn[i];
    }
}

#undef N2D2_CAT
#undef N2D2_CAT_
