/* Initial values of the LSTM weights, biases and initial states (manual
 * 22.14.1). Each gate's matrices and biases take the most specific filler
 * key given, else the AllGates one; when neither is given the cell draws
 * N(0, 0.05) (overridable as AllGatesWeightsFiller.Mean / .StdDev...), as
 * Conv and Fc do. Hx / Cx are zero unless HxFiller / CxFiller is given. */
#include <string.h>

#include "lstm.h"

#include "../common/fill.h"

static const char *const weight_keys[4] = {"WeightsInputGateFiller", "WeightsForgetGateFiller",
                                           "WeightsCellGateFiller", "WeightsOutputGateFiller"};
/* bW (input side) and bR (recurrent side) of i, f, g, o */
static const char *const bias_w_keys[4] = {"BiasInputGateFiller",
                                           "BiasPreviousLayerForgetGateFiller",
                                           "BiasCellGateFiller", "BiasOutputGateFiller"};
static const char *const bias_r_keys[4] = {"BiasInputGateFiller", "BiasRecurrentForgetGateFiller",
                                           "BiasCellGateFiller", "BiasOutputGateFiller"};

static const char *pick(const n2d2_params *p, const char *specific, const char *all)
{
    return n2d2_params_given(p, specific) ? specific : all;
}

/* Fill elements [at, at + n) of the flat weights through `key`. */
static n2d2_status fill_slice(n2d2_cell *cell, lstm_state *s, const char *key, size_t at, size_t n,
                              size_t fan_in, size_t fan_out)
{
    n2d2_tensor *tmp;
    n2d2_status st = n2d2_tensor_new(n2d2_tensor_dtype(s->w), 1, &n, &tmp);
    if (st == N2D2_OK)
        st = n2d2_cells_fill(cell, key, tmp, fan_in, fan_out);
    if (st == N2D2_OK) {
        const size_t elem = n2d2_dtype_size(n2d2_tensor_dtype(s->w));
        memcpy((char *)n2d2_tensor_data(s->w) + at * elem, n2d2_tensor_cdata(tmp), n * elem);
    }
    n2d2_tensor_release(tmp);
    return st;
}

n2d2_status n2d2_lstm_fill(n2d2_cell *cell, lstm_state *s)
{
    const n2d2_params *p = n2d2_cell_params(cell);
    const size_t H = s->H;
    n2d2_status st = N2D2_OK;
    for (size_t q = 0; st == N2D2_OK && q < s->L * s->D; ++q) {
        const lstm_block *b = &s->blocks[q];
        for (size_t g = 0; st == N2D2_OK && g < 4; ++g) {
            const char *wk = pick(p, weight_keys[g], "AllGatesWeightsFiller");
            if (b->has_w)
                st = fill_slice(cell, s, wk, b->w + g * H * b->in, H * b->in, b->in, H);
            if (st == N2D2_OK)
                st = fill_slice(cell, s, wk, b->r + g * H * H, H * H, H, H);
            if (st == N2D2_OK)
                st = fill_slice(cell, s, pick(p, bias_w_keys[g], "AllGatesBiasFiller"),
                                b->bw + g * H, H, b->in, H);
            if (st == N2D2_OK)
                st = fill_slice(cell, s, pick(p, bias_r_keys[g], "AllGatesBiasFiller"),
                                b->br + g * H, H, H, H);
        }
    }
    if (st == N2D2_OK && n2d2_params_given(p, "HxFiller"))
        st = n2d2_cells_fill(cell, "HxFiller", s->hx, H, H);
    if (st == N2D2_OK && n2d2_params_given(p, "CxFiller"))
        st = n2d2_cells_fill(cell, "CxFiller", s->cx, H, H);
    return st;
}
