/* Type-generic pooling, included by pool_kernels.c with REAL and SUFFIX.
 *
 * Each output channel o pools over its connected input channels (the map)
 * and a window. Max keeps the first largest value and, when `store`, its
 * flat index in the sample for backward. Average divides by the number of
 * in-bounds values: padding is not counted (A53). Work is split over
 * (sample, output channel) pairs in forward and over samples in backward
 * (windows of one sample may overlap). */
#define N2D2_CAT_(a, b) a##b
#define N2D2_CAT(a, b) N2D2_CAT_(a, b)

/* In-bounds input range [*lo, *hi) of the window at output position o. */
static inline void N2D2_CAT(window, SUFFIX)(size_t o, size_t stride, size_t pad, size_t k,
                                            size_t in, size_t *lo, size_t *hi)
{
    size_t start = o * stride; /* in padded coordinates */
    *lo = start >= pad ? start - pad : 0;
    size_t end = start + k > pad ? start + k - pad : 0;
    *hi = end < in ? end : in;
}

/* 2x2 stride-2 max pooling of one channel without padding: the LeNet case.
 * Selections instead of branches (random data mispredicts every other
 * comparison); ties keep the first value in row-major order. */
static void N2D2_CAT(max2x2, SUFFIX)(const pool_state *s, const REAL *restrict xc, size_t c_offset,
                                     REAL *restrict yo, int32_t *restrict am)
{
    const size_t W = s->width, OW = s->out_w;
    for (size_t oy = 0; oy < s->out_h; ++oy) {
        const REAL *restrict r0 = xc + 2 * oy * W, *restrict r1 = r0 + W;
        REAL *restrict yr = yo + oy * OW;
        if (!am) {
            for (size_t ox = 0; ox < OW; ++ox) {
                REAL a = r0[2 * ox], b = r0[2 * ox + 1], c = r1[2 * ox], d = r1[2 * ox + 1];
                REAL top = b > a ? b : a, bottom = d > c ? d : c;
                yr[ox] = bottom > top ? bottom : top;
            }
            continue;
        }
        int32_t *restrict ar = am + oy * OW;
        const int32_t base = (int32_t)(c_offset + 2 * oy * W), w = (int32_t)W;
        for (size_t ox = 0; ox < OW; ++ox) {
            REAL a = r0[2 * ox], b = r0[2 * ox + 1], c = r1[2 * ox], d = r1[2 * ox + 1];
            int32_t at = base + 2 * (int32_t)ox;
            REAL top = b > a ? b : a, bottom = d > c ? d : c;
            /* comparisons as 0/1 integers and masks: no branch to mispredict */
            int32_t it = at + (int32_t)(b > a), ib = at + w + (int32_t)(d > c);
            int32_t lower = -(int32_t)(bottom > top);
            yr[ox] = bottom > top ? bottom : top;
            ar[ox] = (ib & lower) | (it & ~lower);
        }
    }
}

static void N2D2_CAT(pool_output, SUFFIX)(const pool_state *s, const REAL *xn, size_t o, REAL *yo,
                                          int32_t *am)
{
    const size_t H = s->height, W = s->width, HW = H * W;
    const size_t *chans = s->chans + s->chan_start[o];
    const size_t n_chans = s->chan_start[o + 1] - s->chan_start[o];
    if (s->pooling == POOL_MAX && n_chans == 1 && s->pool[0] == 2 && s->pool[1] == 2 &&
        s->stride[0] == 2 && s->stride[1] == 2 && s->padding[0] == 0 && s->padding[1] == 0) {
        N2D2_CAT(max2x2, SUFFIX)(s, xn + chans[0] * HW, chans[0] * HW, yo, am);
        return;
    }
    for (size_t oy = 0; oy < s->out_h; ++oy) {
        size_t y0, y1;
        N2D2_CAT(window, SUFFIX)(oy, s->stride[1], s->padding[1], s->pool[1], H, &y0, &y1);
        for (size_t ox = 0; ox < s->out_w; ++ox) {
            size_t x0, x1;
            N2D2_CAT(window, SUFFIX)(ox, s->stride[0], s->padding[0], s->pool[0], W, &x0, &x1);
            REAL acc = 0;
            int32_t at = -1;
            for (size_t k = 0; k < n_chans; ++k) {
                const REAL *xc = xn + chans[k] * HW;
                for (size_t iy = y0; iy < y1; ++iy)
                    for (size_t ix = x0; ix < x1; ++ix) {
                        const REAL v = xc[iy * W + ix];
                        if (s->pooling == POOL_AVERAGE) {
                            acc += v;
                        } else {
                            const int take = at < 0 || v > acc;
                            acc = take ? v : acc;
                            at = take ? (int32_t)(chans[k] * HW + iy * W + ix) : at;
                        }
                    }
            }
            const size_t count = n_chans * (y1 - y0) * (x1 - x0);
            if (s->pooling == POOL_AVERAGE)
                acc = count ? acc / (REAL)count : 0;
            yo[oy * s->out_w + ox] = acc;
            if (am)
                am[oy * s->out_w + ox] = at;
        }
    }
}

void N2D2_CAT(n2d2_pool_forward, SUFFIX)(pool_state *s, const REAL *x, REAL *y, size_t batch,
                                         int store)
{
    const size_t in_item = s->channels * s->height * s->width;
    const size_t P = s->out_h * s->out_w, O = s->nb_outputs;
    int32_t *argmax = store && s->pooling == POOL_MAX ? s->argmax : NULL;
    N2D2_CELLS_PRAGMA(omp parallel for schedule(dynamic, 16) if(batch * O * P > 4096))
    for (size_t no = 0; no < batch * O; ++no) {
        const size_t n = no / O, o = no % O;
        N2D2_CAT(pool_output, SUFFIX)(s, x + n * in_item, o, y + no * P, argmax ? argmax + no * P : NULL);
    }
}

/* Backward of a 2x2 stride-2 max pooling without padding whose outputs map
 * one to one onto the input channels: the windows tile the input, so each
 * input value is written once (the gradient where it was the maximum, else
 * 0) instead of clearing the whole input gradient and adding into it. */
static void N2D2_CAT(max2x2_backward, SUFFIX)(const pool_state *s, const REAL *restrict dyn,
                                              const int32_t *restrict am, REAL *restrict dxn,
                                              int accumulate)
{
    const size_t H = s->height, W = s->width, HW = H * W, OH = s->out_h, OW = s->out_w;
    for (size_t o = 0; o < s->nb_outputs; ++o) {
        const size_t c = s->chans[s->chan_start[o]];
        REAL *dxc = dxn + c * HW;
        for (size_t oy = 0; oy < OH; ++oy) {
            REAL *restrict r0 = dxc + 2 * oy * W, *restrict r1 = r0 + W;
            const REAL *restrict g = dyn + (o * OH + oy) * OW;
            const int32_t *restrict a = am + (o * OH + oy) * OW;
            /* offset of the maximum in the window: 0, 1, W or W + 1 */
            const int32_t base = (int32_t)(c * HW + 2 * oy * W), w = (int32_t)W;
            for (size_t ox = 0; ox < OW; ++ox) {
                const int32_t rel = a[ox] - base - 2 * (int32_t)ox;
                const REAL v = g[ox];
                const REAL v00 = rel == 0 ? v : 0, v01 = rel == 1 ? v : 0;
                const REAL v10 = rel == w ? v : 0, v11 = rel == w + 1 ? v : 0;
                if (accumulate) {
                    r0[2 * ox] += v00;
                    r0[2 * ox + 1] += v01;
                    r1[2 * ox] += v10;
                    r1[2 * ox + 1] += v11;
                } else {
                    r0[2 * ox] = v00;
                    r0[2 * ox + 1] = v01;
                    r1[2 * ox] = v10;
                    r1[2 * ox + 1] = v11;
                }
            }
            for (size_t x = 2 * OW; !accumulate && x < W; ++x) /* odd width: last column */
                r0[x] = r1[x] = 0;
        }
        for (size_t i = 2 * OH * W; !accumulate && i < HW; ++i) /* odd height: last row */
            dxc[i] = 0;
    }
}

void N2D2_CAT(n2d2_pool_backward, SUFFIX)(const pool_state *s, const REAL *dy, REAL *dx,
                                          int accumulate, size_t batch)
{
    const size_t H = s->height, W = s->width, HW = H * W, in_item = s->channels * HW;
    const size_t P = s->out_h * s->out_w, O = s->nb_outputs;
    const int tiled = s->pooling == POOL_MAX && s->one_to_one && s->pool[0] == 2 && s->pool[1] == 2 &&
                      s->stride[0] == 2 && s->stride[1] == 2 && s->padding[0] == 0 && s->padding[1] == 0;
    /* on demand: a thread slowed by another process takes fewer samples */
    N2D2_CELLS_PRAGMA(omp parallel for schedule(dynamic, 4) if(batch * in_item > 4096))
    for (size_t n = 0; n < batch; ++n) {
        REAL *dxn = dx + n * in_item;
        const REAL *dyn = dy + n * O * P;
        if (tiled) {
            N2D2_CAT(max2x2_backward, SUFFIX)(s, dyn, s->argmax + n * O * P, dxn, accumulate);
            continue;
        }
        if (!accumulate)
            for (size_t i = 0; i < in_item; ++i)
                dxn[i] = 0;
        if (s->pooling == POOL_MAX) {
            const int32_t *am = s->argmax + n * O * P;
            for (size_t i = 0; i < O * P; ++i)
                if (am[i] >= 0)
                    dxn[am[i]] += dyn[i];
            continue;
        }
        for (size_t o = 0; o < O; ++o) {
            const size_t *chans = s->chans + s->chan_start[o];
            const size_t n_chans = s->chan_start[o + 1] - s->chan_start[o];
            for (size_t oy = 0; oy < s->out_h; ++oy) {
                size_t y0, y1;
                N2D2_CAT(window, SUFFIX)(oy, s->stride[1], s->padding[1], s->pool[1], H, &y0, &y1);
                for (size_t ox = 0; ox < s->out_w; ++ox) {
                    size_t x0, x1;
                    N2D2_CAT(window, SUFFIX)(ox, s->stride[0], s->padding[0], s->pool[0], W, &x0, &x1);
                    const size_t count = n_chans * (y1 - y0) * (x1 - x0);
                    if (!count)
                        continue;
                    const REAL g = dyn[o * P + oy * s->out_w + ox] / (REAL)count;
                    for (size_t k = 0; k < n_chans; ++k) {
                        REAL *dxc = dxn + chans[k] * HW;
                        for (size_t iy = y0; iy < y1; ++iy)
                            for (size_t ix = x0; ix < x1; ++ix)
                                dxc[iy * W + ix] += g;
                    }
                }
            }
        }
    }
}

#undef N2D2_CAT
#undef N2D2_CAT_
