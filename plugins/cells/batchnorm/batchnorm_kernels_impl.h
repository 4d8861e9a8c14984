/* Type-generic batch normalisation, included by batchnorm_kernels.c with
 * REAL and SUFFIX.
 *
 * Per channel c over the N x P values of the batch (A42):
 *   y = gamma_c (x - mu_c) / sqrt(var_c + eps) + beta_c
 * Sums run in double whatever REAL is, vectorised (`omp simd reduction`:
 * a serial double sum would wait on each addition's latency). Channels are independent, so work is
 * split over channels: each thread owns the statistics and parameter
 * gradients of its channels (nothing to reduce). */
#define N2D2_CAT_(a, b) a##b
#define N2D2_CAT(a, b) N2D2_CAT_(a, b)

/* Below this many values a batch is normalised on one thread. */
#ifndef BN_PARALLEL_MIN
#define BN_PARALLEL_MIN 32768
#endif

void N2D2_CAT(n2d2_batchnorm_learn, SUFFIX)(batchnorm_state *s, const REAL *x, REAL *y,
                                            size_t batch)
{
    const size_t C = s->channels, P = s->positions;
    const REAL *gamma = n2d2_tensor_cdata(s->scale), *beta = n2d2_tensor_cdata(s->bias);
    REAL *run_mean = n2d2_tensor_data(s->mean), *run_var = n2d2_tensor_data(s->variance);
    const double count = (double)(batch * P), m = s->momentum, eps = s->epsilon;
    N2D2_CELLS_PRAGMA(omp parallel for schedule(static) if(batch * C * P >= BN_PARALLEL_MIN))
    for (size_t c = 0; c < C; ++c) {
        /* One pass for both sums, in double, around a value of the channel
         * (its first): var = (sum d^2 - (sum d)^2 / M) / M with d = x - k
         * loses nothing that matters in double for float data, and the
         * shift keeps a large mean from cancelling a small variance. The
         * data is then read twice (statistics, normalisation), not three
         * times. */
        const double k = batch && P ? (double)x[c * P] : 0.0;
        double sum = 0.0, squares = 0.0;
        for (size_t n = 0; n < batch; ++n) {
            const REAL *xc = x + (n * C + c) * P;
            N2D2_CELLS_PRAGMA(omp simd reduction(+ : sum, squares))
            for (size_t p = 0; p < P; ++p) {
                double d = xc[p] - k;
                sum += d;
                squares += d * d;
            }
        }
        const double mean = k + sum / count;
        const double spread = squares - sum * sum / count;
        squares = spread > 0.0 ? spread : 0.0;
        const double var = squares / count, inv = 1.0 / sqrt(var + eps);
        s->batch_mean[c] = mean;
        s->batch_inv[c] = inv;
        const REAL mu = (REAL)mean, a = (REAL)(gamma[c] * inv), b = beta[c];
        for (size_t n = 0; n < batch; ++n) {
            const REAL *xc = x + (n * C + c) * P;
            REAL *yc = y + (n * C + c) * P;
            for (size_t p = 0; p < P; ++p)
                yc[p] = (xc[p] - mu) * a + b;
        }
        /* running variance: unbiased estimate (A42); one value has none */
        const double unbiased = count > 1.0 ? var * count / (count - 1.0) : var;
        run_mean[c] = (REAL)(m * mean + (1.0 - m) * run_mean[c]);
        run_var[c] = (REAL)(m * unbiased + (1.0 - m) * run_var[c]);
    }
}

void N2D2_CAT(n2d2_batchnorm_fixed, SUFFIX)(const batchnorm_state *s, const REAL *x, REAL *y,
                                            size_t batch)
{
    const size_t C = s->channels, P = s->positions;
    const REAL *gamma = n2d2_tensor_cdata(s->scale), *beta = n2d2_tensor_cdata(s->bias);
    const REAL *run_mean = n2d2_tensor_cdata(s->mean), *run_var = n2d2_tensor_cdata(s->variance);
    N2D2_CELLS_PRAGMA(omp parallel for schedule(static) if(batch * C * P >= BN_PARALLEL_MIN))
    for (size_t nc = 0; nc < batch * C; ++nc) {
        const size_t c = nc % C;
        const REAL mu = run_mean[c], b = beta[c];
        const REAL a = (REAL)(gamma[c] / sqrt((double)run_var[c] + s->epsilon));
        const REAL *xc = x + nc * P;
        REAL *yc = y + nc * P;
        for (size_t p = 0; p < P; ++p)
            yc[p] = (xc[p] - mu) * a + b;
    }
}

/* With batch statistics, x^ = (x - mu) inv depends on every x of the
 * channel through mu and var; with M = N P values:
 *   dbeta = sum dy, dgamma = sum dy x^,
 *   dx = gamma inv / M (M dy - dbeta - x^ dgamma).
 * With fixed statistics it is the affine map: dx = gamma inv dy. */
void N2D2_CAT(n2d2_batchnorm_backward, SUFFIX)(batchnorm_state *s, const REAL *x, const REAL *dy,
                                               REAL *dx, int accumulate, size_t batch,
                                               int with_batch)
{
    const size_t C = s->channels, P = s->positions;
    const REAL *gamma = n2d2_tensor_cdata(s->scale);
    const REAL *run_mean = n2d2_tensor_cdata(s->mean), *run_var = n2d2_tensor_cdata(s->variance);
    REAL *dgamma = n2d2_tensor_data(s->dscale), *dbeta = n2d2_tensor_data(s->dbias);
    const double count = (double)(batch * P);
    N2D2_CELLS_PRAGMA(omp parallel for schedule(static) if(batch * C * P >= BN_PARALLEL_MIN))
    for (size_t c = 0; c < C; ++c) {
        const double mean = with_batch ? s->batch_mean[c] : (double)run_mean[c];
        const double inv =
            with_batch ? s->batch_inv[c] : 1.0 / sqrt((double)run_var[c] + s->epsilon);
        double sum_dy = 0.0, sum_dy_xhat = 0.0;
        for (size_t n = 0; n < batch; ++n) {
            const REAL *xc = x + (n * C + c) * P, *dyc = dy + (n * C + c) * P;
            N2D2_CELLS_PRAGMA(omp simd reduction(+ : sum_dy, sum_dy_xhat))
            for (size_t p = 0; p < P; ++p) {
                sum_dy += dyc[p];
                sum_dy_xhat += dyc[p] * ((xc[p] - mean) * inv);
            }
        }
        dbeta[c] = (REAL)sum_dy;
        dgamma[c] = (REAL)sum_dy_xhat;
        if (!dx)
            continue;
        const REAL k = (REAL)(gamma[c] * inv);
        /* dx = k (dy - (dbeta + x^ dgamma) / M) with batch statistics */
        const REAL mu = (REAL)mean, inv_r = (REAL)inv;
        const REAL mean_dy = with_batch ? (REAL)(sum_dy / count) : 0;
        const REAL mean_dy_xhat = with_batch ? (REAL)(sum_dy_xhat / count) : 0;
        for (size_t n = 0; n < batch; ++n) {
            const REAL *xc = x + (n * C + c) * P, *dyc = dy + (n * C + c) * P;
            REAL *dxc = dx + (n * C + c) * P;
            for (size_t p = 0; p < P; ++p) {
                REAL xhat = (xc[p] - mu) * inv_r;
                REAL g = k * (dyc[p] - mean_dy - xhat * mean_dy_xhat);
                dxc[p] = accumulate ? dxc[p] + g : g;
            }
        }
    }
}

#undef N2D2_CAT
#undef N2D2_CAT_
