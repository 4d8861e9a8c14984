/* LSTM (model Frame): one hidden unit over two steps by hand, a two-layer
 * bidirectional network against torch.nn.LSTM (lstm_torch_ref.h, written by
 * lstm_torch_ref.py), finite-difference gradients (stacked, bidirectional,
 * skip input, initial states, dropout), and bad configurations. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cells_testkit.h"
#include "lstm_torch_ref.h"

N2D2_STATIC_PLUGIN_DECLARE(cell_lstm);

static void setup(void)
{
    static const n2d2_static_plugin extra[] = {N2D2_STATIC_PLUGIN(cell_lstm)};
    kit_setup_with(extra, 1);
}

static n2d2_graph *lstm_graph(const char *dtype, const char *sp, const char *keys, size_t batch)
{
    char text[2048];
    snprintf(text, sizeof text,
             "DefaultDataType=%s\n[sp]\n%s\nBatchSize=%zu\n[lstm]\nInput=sp\nType=LSTM\n%s\n", dtype,
             sp, batch, keys);
    n2d2_graph *g = kit_build_ok(text);
    n2d2_graph_request_input_grad(g);
    ck_assert_int_eq(n2d2_graph_allocate(g, batch, 1), N2D2_OK);
    return g;
}

/* Weights of the one-unit case: W, R, bW, bR, gates in order i, f, g, o. */
static const double unit_weights[16] = {0.5, -1.0, 2.0, 1.0,  1.0, 0.5, -1.0, 0.0,
                                        0.0, 1.0,  0.0, 0.0,  0.0, 0.0, 0.5,  -0.5};
static const double unit_x[2] = {1.0, -1.0};

START_TEST(one_unit_two_steps_by_hand)
{
    /* step 1 (x = 1, h0 = c0 = 0): a = (0.5, 0, 2.5, 0.5)
     *   i = o = sig(0.5) = 0.622459331201855, f = 0.5, g = tanh(2.5) = 0.986614298151430
     *   c1 = i g = 0.614127276181527, h1 = o tanh(c1) = 0.340501356083522
     * step 2 (x = -1): a = (-0.5 + h1, 2 + 0.5 h1, -1.5 - h1, -1.5)
     *   i = 0.460209658195488, f = 0.897546020494440, g = -0.950843244727511,
     *   o = 0.182425523806356
     *   c2 = f c1 + i g = 0.113620248160282, h2 = o tanh(c2) = 0.020638498309937 */
    n2d2_graph *g = lstm_graph("Float64", "SizeX=1\nSizeY=1\nNbChannels=2",
                               "SeqLength=2\nBatchSize=1\nInputDim=1\nHiddenSize=1\n"
                               "SingleBackpropFeeding=0",
                               1);
    kit_set(kit_param(g, "lstm", "weights", 0), unit_weights, 16);
    kit_set(n2d2_graph_input(g), unit_x, 2);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    const double h[2] = {0.340501356083522, 0.020638498309937};
    kit_expect(n2d2_graph_cell_output(g, 0), h, 2, 1e-14);
    kit_free(g);

    /* last step only; d(h2)/d(x2) by the chain rule:
     *   o(1 - o) tanh(c2) + o (1 - tanh^2 c2) (-c1 f(1 - f) + g i(1 - i) 0.5 + i 2 (1 - g^2))
     *   = 0.001329795111284; d(h2)/d(x1) (through h1 and c1) = 0.0153019304484,
     *   checked by central differences */
    g = lstm_graph("Float64", "SizeX=1\nSizeY=1\nNbChannels=2",
                   "SeqLength=2\nBatchSize=1\nInputDim=1\nHiddenSize=1", 1);
    ck_assert_uint_eq(n2d2_tensor_numel(n2d2_graph_cell_output(g, 0)), 1);
    kit_set(kit_param(g, "lstm", "weights", 0), unit_weights, 16);
    kit_set(n2d2_graph_input(g), unit_x, 2);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    kit_expect(n2d2_graph_cell_output(g, 0), &h[1], 1, 1e-14);
    n2d2_tensor_fill(n2d2_graph_output_grad(g, 0), 1.0);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    const double dx[2] = {0.0153019304484, 0.001329795111284};
    kit_expect(n2d2_graph_input_grad(g), dx, 2, 1e-9);
    kit_free(g);
}
END_TEST

static const char torch_sp[] = "SizeX=3\nSizeY=4\nNbChannels=1"; /* rows = steps */
static const char torch_keys[] = "SeqLength=4\nBatchSize=2\nInputDim=3\nHiddenSize=2\n"
                                 "NumberLayers=2\nBidirectional=1\n";

static void torch_case(const char *dtype, double tol)
{
    char keys[256];
    snprintf(keys, sizeof keys, "%sSingleBackpropFeeding=0", torch_keys);
    n2d2_graph *g = lstm_graph(dtype, torch_sp, keys, REF_N);
    n2d2_tensor *w = kit_param(g, "lstm", "weights", 0);
    ck_assert_uint_eq(n2d2_tensor_numel(w), sizeof ref_weights / sizeof ref_weights[0]);
    kit_set(w, ref_weights, n2d2_tensor_numel(w));
    kit_set(n2d2_graph_input(g), ref_x, sizeof ref_x / sizeof ref_x[0]);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    kit_expect(n2d2_graph_cell_output(g, 0), ref_y, sizeof ref_y / sizeof ref_y[0], tol);
    kit_set(n2d2_graph_output_grad(g, 0), ref_r, sizeof ref_r / sizeof ref_r[0]);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    kit_expect(n2d2_graph_input_grad(g), ref_dx, sizeof ref_dx / sizeof ref_dx[0], tol);
    kit_expect(kit_param(g, "lstm", "weights", 1), ref_dw, sizeof ref_dw / sizeof ref_dw[0], tol);
    kit_free(g);
}

START_TEST(two_layers_bidirectional_match_torch)
{
    torch_case("Float64", 1e-12);
    torch_case("Float32", 2e-5);
}
END_TEST

START_TEST(single_feeding_outputs_the_last_step)
{
    char keys[256];
    snprintf(keys, sizeof keys, "%sSingleBackpropFeeding=1", torch_keys);
    n2d2_graph *g = lstm_graph("Float64", torch_sp, keys, REF_N);
    n2d2_tensor *w = kit_param(g, "lstm", "weights", 0);
    kit_set(w, ref_weights, n2d2_tensor_numel(w));
    kit_set(n2d2_graph_input(g), ref_x, sizeof ref_x / sizeof ref_x[0]);
    ck_assert_int_eq(n2d2_graph_forward(g, 0), N2D2_OK);
    const size_t DH = 2 * REF_H;
    double last[REF_N * 2 * REF_H];
    for (size_t n = 0; n < REF_N; ++n)
        for (size_t k = 0; k < DH; ++k)
            last[n * DH + k] = ref_y[(n * REF_T + REF_T - 1) * DH + k];
    kit_expect(n2d2_graph_cell_output(g, 0), last, REF_N * DH, 1e-12);
    kit_free(g);
}
END_TEST

START_TEST(gradients_match_finite_differences)
{
    const char *cases[] = {
        "SeqLength=3\nBatchSize=2\nInputDim=2\nHiddenSize=3\nSingleBackpropFeeding=0",
        "SeqLength=3\nBatchSize=2\nInputDim=2\nHiddenSize=2\nNbLayers=3\nBidirectional=1",
        "SeqLength=3\nBatchSize=2\nInputDim=2\nHiddenSize=2\nInputMode=Skip\nNumberLayers=2\n"
        "SingleBackpropFeeding=0",
        "SeqLength=3\nBatchSize=2\nInputDim=2\nHiddenSize=2\nBidirectional=1\n"
        "HxFiller=TestConstantFiller\nHxFiller.Value=0.3\nCxFiller=TestConstantFiller\n"
        "CxFiller.Value=-0.4\nSingleBackpropFeeding=0",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
        n2d2_graph *g = lstm_graph("Float64", "SizeX=2\nSizeY=3", cases[i], 2);
        double err = kit_gradient_error(g, 2, 5 + (unsigned)i);
        ck_assert_msg(err < 1e-6, "case %zu: relative error %g", i, err);
        kit_free(g);
    }
}
END_TEST

/* Dropout draws one mask per learning forward; the kernel's check replays
 * the cell's random streams, so the gradient with dropout is exact too. */
START_TEST(dropout_between_layers)
{
    const char *keys = "SeqLength=3\nBatchSize=2\nInputDim=2\nHiddenSize=3\nNumberLayers=2\n"
                       "Dropout=0.5\nSingleBackpropFeeding=0\nAllGatesWeightsFiller.StdDev=0.5";
    n2d2_graph *g = lstm_graph("Float64", "SizeX=2\nSizeY=3", keys, 2);
    n2d2_gradcheck_result r;
    ck_assert_msg(n2d2_graph_check_gradients(g, 2, 1e-6, 1e-5, 0, &r) == N2D2_OK, "%s",
                  n2d2_error_message());
    ck_assert_uint_gt(r.checked, 0);
    kit_set_random(n2d2_graph_input(g), 3, -1, 1);
    /* inference: no dropout, the same answer every time */
    ck_assert_int_eq(n2d2_graph_forward(g, 0), N2D2_OK);
    n2d2_tensor *first;
    ck_assert_int_eq(n2d2_tensor_clone(n2d2_graph_cell_output(g, 0), &first), N2D2_OK);
    ck_assert_int_eq(n2d2_graph_forward(g, 0), N2D2_OK);
    const n2d2_tensor *y = n2d2_graph_cell_output(g, 0);
    for (size_t i = 0; i < n2d2_tensor_numel(y); ++i)
        ck_assert(n2d2_tensor_get(y, i) == n2d2_tensor_get(first, i));
    /* learning: the first layer's outputs are dropped, so the output moves */
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    double moved = 0;
    for (size_t i = 0; i < n2d2_tensor_numel(y); ++i)
        moved += fabs(n2d2_tensor_get(y, i) - n2d2_tensor_get(first, i));
    ck_assert(moved > 1e-6);
    n2d2_tensor_release(first);
    kit_free(g);
}
END_TEST

START_TEST(parameter_count_and_fillers)
{
    /* two layers, bidirectional, I = 3, H = 2: per direction
     * layer 0: 4H (I + H) + 8H = 56, layer 1: 4H (2H + H) + 8H = 64 */
    n2d2_graph *g = lstm_graph("Float64", torch_sp,
                               "SeqLength=4\nBatchSize=2\nInputDim=3\nHiddenSize=2\nNumberLayers=2\n"
                               "Bidirectional=1\nAllGatesWeightsFiller=TestConstantFiller\n"
                               "AllGatesWeightsFiller.Value=0.25\n"
                               "AllGatesBiasFiller=TestConstantFiller\nAllGatesBiasFiller.Value=0\n"
                               "BiasRecurrentForgetGateFiller=TestConstantFiller\n"
                               "BiasRecurrentForgetGateFiller.Value=1",
                               2);
    const n2d2_tensor *w = kit_param(g, "lstm", "weights", 0);
    ck_assert_uint_eq(n2d2_tensor_numel(w), 2 * (56 + 64));
    /* layer 0 forward: W 24, R 16, bW 8, bR 8 (f rows 2..3 = 1) */
    ck_assert(n2d2_tensor_get(w, 0) == 0.25 && n2d2_tensor_get(w, 39) == 0.25);
    for (size_t k = 0; k < 8; ++k) {
        ck_assert(n2d2_tensor_get(w, 40 + k) == 0.0);
        ck_assert(n2d2_tensor_get(w, 48 + k) == (k == 2 || k == 3 ? 1.0 : 0.0));
    }
    kit_free(g);
}
END_TEST

START_TEST(bad_configurations)
{
    const char *base = "DefaultDataType=Float64\n[sp]\nSizeX=2\nSizeY=3\nBatchSize=2\n"
                       "[lstm]\nInput=sp\nType=LSTM\n";
    char text[1024];
    snprintf(text, sizeof text, "%sSeqLength=4\nBatchSize=2\nInputDim=2\nHiddenSize=2\n", base);
    kit_expect_error(text, N2D2_ERR_INVAL, "SeqLength x InputDim");
    snprintf(text, sizeof text, "%sSeqLength=3\nBatchSize=2\nInputDim=2\nHiddenSize=2\nInputMode=1\n",
             base);
    kit_expect_error(text, N2D2_ERR_INVAL, "ambiguous");
    snprintf(text, sizeof text, "%sSeqLength=3\nBatchSize=2\nInputDim=2\nHiddenSize=3\nInputMode=Skip\n",
             base);
    kit_expect_error(text, N2D2_ERR_INVAL, "InputDim (2) equal to HiddenSize (3)");
    snprintf(text, sizeof text, "%sSeqLength=3\nBatchSize=2\nInputDim=2\nHiddenSize=2\nAlgo=1\n", base);
    kit_expect_error(text, N2D2_ERR_NOT_IMPLEMENTED, "not implemented yet");
    snprintf(text, sizeof text,
             "%sSeqLength=3\nBatchSize=2\nInputDim=2\nHiddenSize=2\nNumberLayers=2\nNbLayers=3\n", base);
    kit_expect_error(text, N2D2_ERR_INVAL, "contradicts NumberLayers");
    snprintf(text, sizeof text, "%sSeqLength=3\nBatchSize=2\nInputDim=2\nHiddenSize=2\nDropout=1\n", base);
    kit_expect_error(text, N2D2_ERR_RANGE, "below 1");
    /* more sequences in a batch than BatchSize */
    snprintf(text, sizeof text, "%sSeqLength=3\nBatchSize=1\nInputDim=2\nHiddenSize=2\n", base);
    n2d2_graph *g = kit_build_ok(text);
    ck_assert_int_ne(n2d2_graph_allocate(g, 2, 1), N2D2_OK);
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "BatchSize is 1"));
    kit_free(g);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cell_lstm");
    TCase *tc = tcase_create("lstm");
    tcase_add_checked_fixture(tc, setup, kit_teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, one_unit_two_steps_by_hand);
    tcase_add_test(tc, two_layers_bidirectional_match_torch);
    tcase_add_test(tc, single_feeding_outputs_the_last_step);
    tcase_add_test(tc, gradients_match_finite_differences);
    tcase_add_test(tc, dropout_between_layers);
    tcase_add_test(tc, parameter_count_and_fillers);
    tcase_add_test(tc, bad_configurations);
    suite_add_tcase(s, tc);
    return kit_run(s);
}
