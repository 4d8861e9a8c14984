/* Type-generic LSTM arithmetic, included by lstm_kernels.c with REAL,
 * SUFFIX, GEMM (whole-sequence products), STEP_GEMM (per-step products),
 * EXP and TANH. Everything inside is time-major [t][n][...]
 * (cuDNN's packed layout); the cell's tensors are sample-major and are
 * transposed on the way in and out.
 *
 * Per pseudo-layer (layer l, direction d), cuDNN's equations:
 *   a_t = W x_t + bW + R h_{t-1} + bR            (4H: i, f, g, o)
 *   i = sig(a_i), f = sig(a_f), g = tanh(a_g), o = sig(a_o)
 *   c_t = f c_{t-1} + i g,   h_t = o tanh(c_t)
 * Direction 1 runs from t = T-1 down to 0. The input of layer l > 0 at t
 * is [h_t(forward), h_t(backward)] of layer l - 1, after dropout while
 * learning. In skip-input mode, layer 0 uses x_t in place of W x_t for
 * every gate. */
#define N2D2_CAT_(a, b) a##b
#define N2D2_CAT(a, b) N2D2_CAT_(a, b)
#define LSTM_FN(name) N2D2_CAT(name, SUFFIX)

static inline REAL LSTM_FN(sig)(REAL a)
{
    return (REAL)1 / ((REAL)1 + EXP(-a));
}

/* Input of layer l (time-major, row length in_l). */
static const REAL *LSTM_FN(layer_input)(const lstm_state *s, size_t l, size_t batch)
{
    const size_t TN = s->T * batch, DH = s->D * s->H;
    if (l == 0)
        return s->x0;
    if (s->dropout_active)
        return (const REAL *)s->xin + (l - 1) * TN * DH;
    return (const REAL *)s->y + (l - 1) * TN * DH;
}

static void LSTM_FN(run_direction)(lstm_state *s, size_t l, size_t d, size_t N)
{
    const size_t T = s->T, H = s->H, DH = s->D * H, G4 = 4 * H, TN = T * N;
    const size_t p = l * s->D + d;
    const lstm_block *b = &s->blocks[p];
    const REAL *wts = n2d2_tensor_cdata(s->w);
    const REAL *X = LSTM_FN(layer_input)(s, l, N);
    REAL *A = (REAL *)s->gates + p * TN * G4;
    REAL *C = (REAL *)s->cells + p * TN * H;
    REAL *Y = (REAL *)s->y + l * TN * DH;
    const REAL *hx = (const REAL *)n2d2_tensor_cdata(s->hx) + p * s->batch_max * H;
    const REAL *cx = (const REAL *)n2d2_tensor_cdata(s->cx) + p * s->batch_max * H;
    const REAL *bw = wts + b->bw, *br = wts + b->br, *R = wts + b->r;
    for (size_t row = 0; row < TN; ++row)
        for (size_t k = 0; k < G4; ++k)
            A[row * G4 + k] = bw[k] + br[k];
    if (b->has_w) {
        GEMM(0, 1, TN, G4, b->in, 1, X, b->in, wts + b->w, b->in, 1, A, G4);
    } else { /* skip input: x_t (of size H) feeds every gate as is */
        for (size_t row = 0; row < TN; ++row)
            for (size_t g = 0; g < 4; ++g)
                for (size_t j = 0; j < H; ++j)
                    A[row * G4 + g * H + j] += X[row * H + j];
    }
    for (size_t step = 0; step < T; ++step) {
        const size_t t = d ? T - 1 - step : step, tp = d ? t + 1 : t - 1;
        const REAL *hprev = step ? Y + tp * N * DH + d * H : hx;
        const REAL *cprev = step ? C + tp * N * H : cx;
        REAL *At = A + t * N * G4;
        STEP_GEMM(0, 1, N, G4, H, 1, hprev, step ? DH : H, R, H, 1, At, G4);
        for (size_t n = 0; n < N; ++n) {
            REAL *a = At + n * G4;
            for (size_t j = 0; j < H; ++j) {
                const REAL i = LSTM_FN(sig)(a[j]), f = LSTM_FN(sig)(a[H + j]);
                const REAL g = TANH(a[2 * H + j]), o = LSTM_FN(sig)(a[3 * H + j]);
                const REAL c = f * cprev[n * H + j] + i * g;
                a[j] = i;
                a[H + j] = f;
                a[2 * H + j] = g;
                a[3 * H + j] = o;
                C[(t * N + n) * H + j] = c;
                Y[(t * N + n) * DH + d * H + j] = o * TANH(c);
            }
        }
    }
}

void LSTM_FN(n2d2_lstm_forward)(lstm_state *s, const REAL *x, REAL *out, size_t N)
{
    const size_t T = s->T, ID = s->idim, DH = s->D * s->H, TN = T * N;
    REAL *x0 = s->x0;
    for (size_t n = 0; n < N; ++n) /* [n][t][i] -> [t][n][i] */
        for (size_t t = 0; t < T; ++t)
            for (size_t i = 0; i < ID; ++i)
                x0[(t * N + n) * ID + i] = x[(n * T + t) * ID + i];
    const REAL keep_scale = (REAL)(1.0 / (1.0 - s->dropout));
    for (size_t l = 0; l < s->L; ++l) {
        if (l > 0 && s->dropout_active) {
            const REAL *prev = (const REAL *)s->y + (l - 1) * TN * DH;
            REAL *xin = (REAL *)s->xin + (l - 1) * TN * DH;
            const unsigned char *m = s->mask + (l - 1) * TN * DH;
            for (size_t k = 0; k < TN * DH; ++k)
                xin[k] = m[k] ? prev[k] * keep_scale : 0;
        }
        for (size_t d = 0; d < s->D; ++d)
            LSTM_FN(run_direction)(s, l, d, N);
    }
    const REAL *Y = (const REAL *)s->y + (s->L - 1) * TN * DH;
    if (s->single) { /* y_{T-1} */
        for (size_t n = 0; n < N; ++n)
            for (size_t k = 0; k < DH; ++k)
                out[n * DH + k] = Y[((T - 1) * N + n) * DH + k];
        return;
    }
    for (size_t n = 0; n < N; ++n)
        for (size_t t = 0; t < T; ++t)
            for (size_t k = 0; k < DH; ++k)
                out[(n * T + t) * DH + k] = Y[(t * N + n) * DH + k];
}

/* Back-propagation through time of one pseudo-layer: dY (row length DH)
 * holds d(loss)/d(h_t) from above; adds d(loss)/d(input) into dX (row
 * length in, overwritten by direction 0) and writes the weight gradients. */
static void LSTM_FN(bptt_direction)(lstm_state *s, size_t l, size_t d, size_t N, const REAL *dY,
                                    REAL *dX)
{
    const size_t T = s->T, H = s->H, DH = s->D * H, G4 = 4 * H, TN = T * N;
    const size_t p = l * s->D + d;
    const lstm_block *b = &s->blocks[p];
    const REAL *wts = n2d2_tensor_cdata(s->w);
    REAL *dw = n2d2_tensor_data(s->dw);
    const REAL *X = LSTM_FN(layer_input)(s, l, N);
    const REAL *A = (const REAL *)s->gates + p * TN * G4;
    const REAL *C = (const REAL *)s->cells + p * TN * H;
    const REAL *Y = (const REAL *)s->y + l * TN * DH;
    const REAL *hx = (const REAL *)n2d2_tensor_cdata(s->hx) + p * s->batch_max * H;
    const REAL *cx = (const REAL *)n2d2_tensor_cdata(s->cx) + p * s->batch_max * H;
    const REAL *R = wts + b->r;
    REAL *dA = s->da, *dh = s->dh, *dc = s->dc;
    for (size_t k = 0; k < N * H; ++k)
        dh[k] = dc[k] = 0;
    for (size_t step = T; step-- > 0;) {
        const size_t t = d ? T - 1 - step : step, tp = d ? t + 1 : t - 1;
        const REAL *cprev = step ? C + tp * N * H : cx;
        const REAL *At = A + t * N * G4;
        REAL *dAt = dA + t * N * G4;
        for (size_t n = 0; n < N; ++n)
            for (size_t j = 0; j < H; ++j) {
                const REAL *a = At + n * G4;
                const REAL i = a[j], f = a[H + j], g = a[2 * H + j], o = a[3 * H + j];
                const REAL tc = TANH(C[(t * N + n) * H + j]);
                const REAL dht = dY[(t * N + n) * DH + d * H + j] + dh[n * H + j];
                const REAL dct = dc[n * H + j] + dht * o * (1 - tc * tc);
                REAL *da = dAt + n * G4;
                da[j] = dct * g * i * (1 - i);
                da[H + j] = dct * cprev[n * H + j] * f * (1 - f);
                da[2 * H + j] = dct * i * (1 - g * g);
                da[3 * H + j] = dht * tc * o * (1 - o);
                dc[n * H + j] = dct * f;
            }
        const REAL *hprev = step ? Y + tp * N * DH + d * H : hx;
        /* dR += dA_t^T h_{t-1};  dh_{t-1} = dA_t R */
        STEP_GEMM(1, 0, G4, H, N, 1, dAt, G4, hprev, step ? DH : H, 1, dw + b->r, H);
        STEP_GEMM(0, 0, N, H, G4, 1, dAt, G4, R, H, 0, dh, H);
    }
    REAL *dbw = dw + b->bw, *dbr = dw + b->br;
    for (size_t row = 0; row < TN; ++row)
        for (size_t k = 0; k < G4; ++k) {
            dbw[k] += dA[row * G4 + k];
            dbr[k] += dA[row * G4 + k];
        }
    if (b->has_w) {
        GEMM(1, 0, G4, b->in, TN, 1, dA, G4, X, b->in, 1, dw + b->w, b->in);
        if (dX)
            GEMM(0, 0, TN, b->in, G4, 1, dA, G4, wts + b->w, b->in, d ? 1 : 0, dX, b->in);
    } else if (dX) {
        for (size_t row = 0; row < TN; ++row)
            for (size_t j = 0; j < H; ++j) {
                const REAL *da = dA + row * G4;
                const REAL sum = da[j] + da[H + j] + da[2 * H + j] + da[3 * H + j];
                dX[row * H + j] = d ? dX[row * H + j] + sum : sum;
            }
    }
}

void LSTM_FN(n2d2_lstm_backward)(lstm_state *s, const REAL *gout, REAL *gin, int accumulate,
                                 size_t N)
{
    const size_t T = s->T, ID = s->idim, DH = s->D * s->H, TN = T * N;
    REAL *dY = s->ga, *dX = s->gb;
    n2d2_tensor_zero(s->dw);
    for (size_t k = 0; k < TN * DH; ++k)
        dY[k] = 0;
    if (s->single) {
        for (size_t n = 0; n < N; ++n)
            for (size_t k = 0; k < DH; ++k)
                dY[((T - 1) * N + n) * DH + k] = gout[n * DH + k];
    } else {
        for (size_t n = 0; n < N; ++n)
            for (size_t t = 0; t < T; ++t)
                for (size_t k = 0; k < DH; ++k)
                    dY[(t * N + n) * DH + k] = gout[(n * T + t) * DH + k];
    }
    const REAL keep_scale = (REAL)(1.0 / (1.0 - s->dropout));
    for (size_t l = s->L; l-- > 0;) {
        const int want_dx = l > 0 || gin;
        for (size_t d = 0; d < s->D; ++d)
            LSTM_FN(bptt_direction)(s, l, d, N, dY, want_dx ? dX : NULL);
        if (l > 0 && s->dropout_active) {
            const unsigned char *m = s->mask + (l - 1) * TN * DH;
            for (size_t k = 0; k < TN * DH; ++k)
                dX[k] = m[k] ? dX[k] * keep_scale : 0;
        }
        REAL *swap = dY; /* the input gradient of l is the output gradient of l - 1 */
        dY = dX;
        dX = swap;
    }
    if (!gin)
        return;
    for (size_t n = 0; n < N; ++n) /* [t][n][i] -> [n][t][i] */
        for (size_t t = 0; t < T; ++t)
            for (size_t i = 0; i < ID; ++i) {
                const REAL v = dY[(t * N + n) * ID + i];
                REAL *at = &gin[(n * T + t) * ID + i];
                *at = accumulate ? *at + v : v;
            }
}

#undef LSTM_FN
#undef N2D2_CAT
#undef N2D2_CAT_
