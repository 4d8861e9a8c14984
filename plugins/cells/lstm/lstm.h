/* State of a Frame LSTM cell, shared by lstm.c (keys, shapes, buffers),
 * lstm_fill.c (initial values) and lstm_kernels.c (arithmetic). See
 * README.md beside this file for the layout and the decisions. */
#ifndef N2D2_CELL_LSTM_H
#define N2D2_CELL_LSTM_H

#include <stddef.h>
#include <stdint.h>

#include "n2d2/n2d2.h"

/* Offsets (in elements) of one pseudo-layer (layer l, direction d; index
 * l * D + d) in the flat weights: W {4H x in}, R {4H x H}, bW {4H},
 * bR {4H}; gates in cuDNN order i, f, g, o. No W in skip-input mode for
 * layer 0 (has_w = 0). */
typedef struct lstm_block {
    size_t w, r, bw, br, in;
    int has_w;
} lstm_block;

typedef struct lstm_state {
    size_t T, idim, H, L, D, batch_max; /* SeqLength, InputDim, HiddenSize, layers, directions */
    int single;                      /* SingleBackpropFeeding: output the last step only */
    int skip_input;                  /* InputMode=Skip */
    double dropout;                  /* between layers, while learning */
    lstm_block *blocks;              /* L * D */
    size_t n_weights;
    n2d2_tensor *w, *dw, *hx, *cx;   /* hx, cx: {L * D, BatchSize, H} */
    /* per-batch buffers, time-major [t][n][...] */
    void *buf;
    size_t buf_cap;
    size_t cap_batch;                /* batch the pointers below were laid out for */
    void *x0;    /* T N I: the input, time-major */
    void *y;     /* L x T N DH: layer outputs */
    void *xin;   /* (L - 1) x T N DH: inputs of layers > 0 after dropout */
    void *gates; /* L D x T N 4H: i, f, g, o after their nonlinearity */
    void *cells; /* L D x T N H: c_t */
    void *da;    /* T N 4H: gradient of the gate pre-activations */
    void *ga, *gb; /* T N max(I, DH): gradients of layer outputs / inputs */
    void *dh, *dc; /* N H */
    unsigned char *mask; /* (L - 1) x T N DH dropout mask */
    size_t mask_cap;
    int dropout_active; /* the last forward dropped */
    int cache_valid;    /* a learning forward filled the buffers for backward */
    size_t cache_batch;
} lstm_state;

n2d2_status n2d2_lstm_fill(n2d2_cell *cell, lstm_state *s);

void n2d2_lstm_forward_f32(lstm_state *s, const float *x, float *out, size_t batch);
void n2d2_lstm_forward_f64(lstm_state *s, const double *x, double *out, size_t batch);
void n2d2_lstm_backward_f32(lstm_state *s, const float *gout, float *gin, int accumulate,
                            size_t batch);
void n2d2_lstm_backward_f64(lstm_state *s, const double *gout, double *gin, int accumulate,
                            size_t batch);

#endif
