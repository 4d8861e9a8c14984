/* Type-generic unpooling, included by unpool_kernels.c with REAL and
 * SUFFIX defined.
 *
 * Max: input value (i, py, px) goes to the position of the maximum of the
 * pool's input over that window and the output channels mapped to i
 * (added, as windows may share a maximum): the adjoint of max pooling, so
 * backward gathers dy at the same positions. Average (A58): the value is
 * spread evenly over the in-bounds window positions of the mapped output
 * channels (padding not counted, like Pool, A53): the adjoint of average
 * pooling. Work is split over samples (scatters within a sample collide). */
#define N2D2_CAT_(a, b) a##b
#define N2D2_CAT(a, b) N2D2_CAT_(a, b)
#define FN(name) N2D2_CAT(name, SUFFIX)

/* In-bounds range [*lo, *hi) of the window at pooled position p. */
static inline void FN(window)(size_t p, size_t stride, size_t pad, size_t k, size_t in, size_t *lo,
                              size_t *hi)
{
    const size_t start = p * stride; /* padded coordinates */
    *lo = start >= pad ? start - pad : 0;
    const size_t end = start + k > pad ? start + k - pad : 0;
    *hi = end < in ? end : in;
}

void FN(n2d2_unpool_argmax)(unpool_state *s, const REAL *ref, size_t batch)
{
    const size_t C = s->channels, P = s->in_h * s->in_w, H = s->out_h, W = s->out_w, HW = H * W;
    const size_t ref_item = s->nb_outputs * HW;
    N2D2_CELLS_PRAGMA(omp parallel for schedule(static) if(batch * C * P > 4096))
    for (size_t ni = 0; ni < batch * C; ++ni) {
        const size_t n = ni / C, i = ni % C;
        const REAL *rn = ref + n * ref_item;
        int32_t *am = s->argmax + ni * P;
        const size_t *outs = s->outs + s->out_start[i];
        const size_t n_outs = s->out_start[i + 1] - s->out_start[i];
        for (size_t py = 0; py < s->in_h; ++py) {
            size_t y0, y1;
            FN(window)(py, s->stride[1], s->padding[1], s->pool[1], H, &y0, &y1);
            for (size_t px = 0; px < s->in_w; ++px) {
                size_t x0, x1;
                FN(window)(px, s->stride[0], s->padding[0], s->pool[0], W, &x0, &x1);
                REAL best = 0;
                int32_t at = -1;
                for (size_t k = 0; k < n_outs; ++k)
                    for (size_t iy = y0; iy < y1; ++iy)
                        for (size_t ix = x0; ix < x1; ++ix) {
                            const size_t idx = outs[k] * HW + iy * W + ix;
                            if (at < 0 || rn[idx] > best) {
                                best = rn[idx];
                                at = (int32_t)idx;
                            }
                        }
                am[py * s->in_w + px] = at;
            }
        }
    }
}

/* Output positions the value at (i, py, px) is spread over, and their count. */
#define FN_AVERAGE_WINDOW(py, px)                                                                \
    size_t y0, y1, x0, x1;                                                                     \
    FN(window)(py, s->stride[1], s->padding[1], s->pool[1], H, &y0, &y1);                       \
    FN(window)(px, s->stride[0], s->padding[0], s->pool[0], W, &x0, &x1);                       \
    const size_t count = n_outs * (y1 - y0) * (x1 - x0)

void FN(n2d2_unpool_forward)(const unpool_state *s, const REAL *x, REAL *y, size_t batch)
{
    const size_t C = s->channels, P = s->in_h * s->in_w, H = s->out_h, W = s->out_w, HW = H * W;
    const size_t out_item = s->nb_outputs * HW;
    N2D2_CELLS_PRAGMA(omp parallel for schedule(static) if(batch * (C * P + out_item) > 4096))
    for (size_t n = 0; n < batch; ++n) {
        REAL *restrict yn = y + n * out_item;
        const REAL *restrict xn = x + n * C * P;
        for (size_t j = 0; j < out_item; ++j)
            yn[j] = 0;
        if (s->pooling == UNPOOL_MAX) {
            const int32_t *am = s->argmax + n * C * P;
            for (size_t j = 0; j < C * P; ++j)
                if (am[j] >= 0)
                    yn[am[j]] += xn[j];
            continue;
        }
        for (size_t i = 0; i < C; ++i) {
            const size_t *outs = s->outs + s->out_start[i];
            const size_t n_outs = s->out_start[i + 1] - s->out_start[i];
            for (size_t py = 0; py < s->in_h; ++py)
                for (size_t px = 0; px < s->in_w; ++px) {
                    FN_AVERAGE_WINDOW(py, px);
                    if (!count)
                        continue;
                    const REAL v = xn[(i * s->in_h + py) * s->in_w + px] / (REAL)count;
                    for (size_t k = 0; k < n_outs; ++k)
                        for (size_t iy = y0; iy < y1; ++iy) {
                            REAL *restrict row = yn + outs[k] * HW + iy * W;
                            for (size_t ix = x0; ix < x1; ++ix)
                                row[ix] += v;
                        }
                }
        }
    }
}

void FN(n2d2_unpool_backward)(const unpool_state *s, const REAL *dy, REAL *dx, int accumulate,
                              size_t batch)
{
    const size_t C = s->channels, P = s->in_h * s->in_w, H = s->out_h, W = s->out_w, HW = H * W;
    const size_t out_item = s->nb_outputs * HW;
    N2D2_CELLS_PRAGMA(omp parallel for schedule(static) if(batch * C * P > 4096))
    for (size_t ni = 0; ni < batch * C; ++ni) {
        const size_t n = ni / C, i = ni % C;
        const REAL *restrict dyn = dy + n * out_item;
        REAL *restrict dxi = dx + ni * P;
        if (s->pooling == UNPOOL_MAX) {
            const int32_t *am = s->argmax + ni * P;
            for (size_t j = 0; j < P; ++j) {
                const REAL g = am[j] >= 0 ? dyn[am[j]] : 0;
                dxi[j] = accumulate ? dxi[j] + g : g;
            }
            continue;
        }
        const size_t *outs = s->outs + s->out_start[i];
        const size_t n_outs = s->out_start[i + 1] - s->out_start[i];
        for (size_t py = 0; py < s->in_h; ++py)
            for (size_t px = 0; px < s->in_w; ++px) {
                FN_AVERAGE_WINDOW(py, px);
                REAL acc = 0;
                for (size_t k = 0; k < n_outs; ++k)
                    for (size_t iy = y0; iy < y1; ++iy) {
                        const REAL *restrict row = dyn + outs[k] * HW + iy * W;
                        for (size_t ix = x0; ix < x1; ++ix)
                            acc += row[ix];
                    }
                const REAL g = count ? acc / (REAL)count : 0;
                REAL *d = dxi + py * s->in_w + px;
                *d = accumulate ? *d + g : g;
            }
    }
}

#undef FN_AVERAGE_WINDOW
#undef FN
#undef N2D2_CAT
#undef N2D2_CAT_
