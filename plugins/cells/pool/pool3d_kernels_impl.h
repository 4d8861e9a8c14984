/* Type-generic 3-D pooling ({C, D, H, W} inputs), included by
 * pool_kernels.c with REAL and SUFFIX. The rules of the 2-D kernels
 * (pool_kernels_impl.h) on one more axis: output channel o pools over its
 * mapped channels and a PoolWidth x PoolHeight x PoolDepth window; Max
 * keeps the first largest value in (channel, z, y, x) order and its flat
 * index in the sample; Average divides by the in-bounds count (A53).
 * Forward is parallel over (sample, output), backward over samples. */
#define N2D2_CAT_(a, b) a##b
#define N2D2_CAT(a, b) N2D2_CAT_(a, b)
#define FN(name) N2D2_CAT(name, SUFFIX)

/* In-bounds input range [*lo, *hi) of the window at output position o. */
static inline void FN(window3d)(size_t o, size_t stride, size_t pad, size_t k, size_t in,
                                size_t *lo, size_t *hi)
{
    size_t start = o * stride; /* in padded coordinates */
    *lo = start >= pad ? start - pad : 0;
    size_t end = start + k > pad ? start + k - pad : 0;
    *hi = end < in ? end : in;
}

/* The window of output (oz, oy, ox): ranges r[axis][0..1], axes X, Y, Z. */
static inline void FN(box3d)(const pool_state *s, size_t oz, size_t oy, size_t ox, size_t r[3][2])
{
    FN(window3d)(ox, s->stride[0], s->padding[0], s->pool[0], s->width, &r[0][0], &r[0][1]);
    FN(window3d)(oy, s->stride[1], s->padding[1], s->pool[1], s->height, &r[1][0], &r[1][1]);
    FN(window3d)(oz, s->stride[2], s->padding[2], s->pool[2], s->depth, &r[2][0], &r[2][1]);
}

static void FN(pool3d_output)(const pool_state *s, const REAL *xn, size_t o, REAL *yo, int32_t *am)
{
    const size_t H = s->height, W = s->width, HW = H * W, DHW = s->depth * HW;
    const size_t *chans = s->chans + s->chan_start[o];
    const size_t n_chans = s->chan_start[o + 1] - s->chan_start[o];
    size_t at_out = 0;
    for (size_t oz = 0; oz < s->out_d; ++oz)
        for (size_t oy = 0; oy < s->out_h; ++oy)
            for (size_t ox = 0; ox < s->out_w; ++ox, ++at_out) {
                size_t r[3][2];
                FN(box3d)(s, oz, oy, ox, r);
                REAL acc = 0;
                int32_t at = -1;
                for (size_t k = 0; k < n_chans; ++k)
                    for (size_t iz = r[2][0]; iz < r[2][1]; ++iz)
                        for (size_t iy = r[1][0]; iy < r[1][1]; ++iy) {
                            const size_t row = chans[k] * DHW + iz * HW + iy * W;
                            for (size_t ix = r[0][0]; ix < r[0][1]; ++ix) {
                                const REAL v = xn[row + ix];
                                if (s->pooling == POOL_AVERAGE) {
                                    acc += v;
                                } else if (at < 0 || v > acc) {
                                    acc = v;
                                    at = (int32_t)(row + ix);
                                }
                            }
                        }
                const size_t count =
                    n_chans * (r[2][1] - r[2][0]) * (r[1][1] - r[1][0]) * (r[0][1] - r[0][0]);
                if (s->pooling == POOL_AVERAGE)
                    acc = count ? acc / (REAL)count : 0;
                yo[at_out] = acc;
                if (am)
                    am[at_out] = at;
            }
}

void FN(n2d2_pool3d_forward)(pool_state *s, const REAL *x, REAL *y, size_t batch, int store)
{
    const size_t in_item = s->channels * s->depth * s->height * s->width;
    const size_t P = s->out_d * s->out_h * s->out_w, O = s->nb_outputs;
    int32_t *argmax = store && s->pooling == POOL_MAX ? s->argmax : NULL;
    N2D2_CELLS_PRAGMA(omp parallel for schedule(dynamic, 16) if(batch * O * P > 4096))
    for (size_t no = 0; no < batch * O; ++no) {
        const size_t n = no / O, o = no % O;
        FN(pool3d_output)(s, x + n * in_item, o, y + no * P, argmax ? argmax + no * P : NULL);
    }
}

void FN(n2d2_pool3d_backward)(const pool_state *s, const REAL *dy, REAL *dx, int accumulate,
                              size_t batch)
{
    const size_t H = s->height, W = s->width, HW = H * W, DHW = s->depth * HW;
    const size_t in_item = s->channels * DHW;
    const size_t P = s->out_d * s->out_h * s->out_w, O = s->nb_outputs;
    N2D2_CELLS_PRAGMA(omp parallel for schedule(dynamic, 4) if(batch * in_item > 4096))
    for (size_t n = 0; n < batch; ++n) {
        REAL *dxn = dx + n * in_item;
        const REAL *dyn = dy + n * O * P;
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
            size_t at_out = 0;
            for (size_t oz = 0; oz < s->out_d; ++oz)
                for (size_t oy = 0; oy < s->out_h; ++oy)
                    for (size_t ox = 0; ox < s->out_w; ++ox, ++at_out) {
                        size_t r[3][2];
                        FN(box3d)(s, oz, oy, ox, r);
                        const size_t count = n_chans * (r[2][1] - r[2][0]) * (r[1][1] - r[1][0]) *
                                             (r[0][1] - r[0][0]);
                        if (!count)
                            continue;
                        const REAL g = dyn[o * P + at_out] / (REAL)count;
                        for (size_t k = 0; k < n_chans; ++k)
                            for (size_t iz = r[2][0]; iz < r[2][1]; ++iz)
                                for (size_t iy = r[1][0]; iy < r[1][1]; ++iy) {
                                    REAL *row = dxn + chans[k] * DHW + iz * HW + iy * W;
                                    for (size_t ix = r[0][0]; ix < r[0][1]; ++ix)
                                        row[ix] += g;
                                }
                    }
        }
    }
}

#undef FN
#undef N2D2_CAT
#undef N2D2_CAT_
