/* Fc (model Frame): forward/backward by hand, flattened inputs, batches,
 * finite differences, NoBias, BackPropagate, DropConnect and bad keys. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cells_testkit.h"

static n2d2_graph *fc_graph(const char *keys, const char *sp, size_t batch)
{
    char text[2048];
    snprintf(text, sizeof text, "DefaultDataType=Float64\n[sp]\n%s\n[fc]\nInput=sp\nType=Fc\n%s\n",
             sp, keys);
    n2d2_graph *g = kit_build_ok(text);
    n2d2_graph_request_input_grad(g);
    ck_assert_int_eq(n2d2_graph_allocate(g, batch, 1), N2D2_OK);
    return g;
}

START_TEST(forward_and_backward_by_hand)
{
    n2d2_graph *g = fc_graph("NbOutputs=2", "SizeX=3\nSizeY=1", 1);
    const double w[6] = {1, 0, -1, 2, 1, 0}, b[2] = {0.5, -1}, x[3] = {1, 2, 3};
    kit_set(kit_param(g, "fc", "weights", 0), w, 6);
    kit_set(kit_param(g, "fc", "biases", 0), b, 2);
    kit_set(n2d2_graph_input(g), x, 3);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    const double y[2] = {-1.5, 3};
    kit_expect(n2d2_graph_cell_output(g, 0), y, 2, 1e-12);
    const n2d2_shape *s = n2d2_cell_output_shape(n2d2_graph_cell_at(g, 0));
    ck_assert_uint_eq(s->ndim, 3);
    ck_assert_uint_eq(s->dims[0], 2);
    const double dy[2] = {1, 2};
    kit_set(n2d2_graph_output_grad(g, 0), dy, 2);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    const double dw[6] = {1, 2, 3, 2, 4, 6}, dx[3] = {5, 2, -1};
    kit_expect(kit_param(g, "fc", "weights", 1), dw, 6, 1e-12);
    kit_expect(kit_param(g, "fc", "biases", 1), dy, 2, 1e-12);
    kit_expect(n2d2_graph_input_grad(g), dx, 3, 1e-12);
    ck_assert_uint_eq(n2d2_graph_cell_macs(g, 0), 6);
    ck_assert_uint_eq(n2d2_graph_cell_param_total(g, 0), 8);
    kit_free(g);
}
END_TEST

START_TEST(flattened_input_batch_and_gradients)
{
    n2d2_graph *g = fc_graph("NbOutputs=4", "SizeX=2\nSizeY=3\nNbChannels=2", 3);
    double err = kit_gradient_error(g, 3, 5);
    ck_assert_msg(err < 1e-6, "gradient error %g", err);
    kit_free(g);
    /* two consumers of the stimuli (gradients add) and a concatenating Fc */
    g = kit_build_ok("DefaultDataType=Float64\n[sp]\nSizeX=3\nSizeY=2\n"
                     "[a]\nInput=sp\nType=Fc\nNbOutputs=3\n"
                     "[b]\nInput=sp\nType=Fc\nNbOutputs=2\nNoBias=1\n"
                     "[c]\nInput=a,b\nType=Fc\nNbOutputs=2\n");
    n2d2_graph_request_input_grad(g);
    err = kit_gradient_error(g, 2, 6);
    ck_assert_msg(err < 1e-6, "gradient error %g", err);
    ck_assert_ptr_null(kit_param(g, "b", "biases", 0));
    kit_free(g);
}
END_TEST

START_TEST(back_propagate_off_gives_zero_input_gradient)
{
    n2d2_graph *g = fc_graph("NbOutputs=2\nBackPropagate=0", "SizeX=3\nSizeY=1", 2);
    kit_set_random(n2d2_graph_input(g), 1, -1, 1);
    n2d2_tensor_fill(n2d2_graph_input_grad(g), 3.0);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    n2d2_tensor_fill(n2d2_graph_output_grad(g, 0), 1.0);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    const n2d2_tensor *gx = n2d2_graph_input_grad(g);
    for (size_t i = 0; i < n2d2_tensor_numel(gx); ++i)
        ck_assert(n2d2_tensor_get(gx, i) == 0.0);
    kit_free(g);
}
END_TEST

START_TEST(drop_connect_masks_and_scales_weights)
{
    n2d2_graph *g = fc_graph("NbOutputs=64\nNoBias=1\nDropConnect=0.5\nWeightsFiller=TestConstantFiller\n"
                             "WeightsFiller.Value=1",
                             "SizeX=8\nSizeY=8", 1);
    n2d2_tensor_fill(n2d2_graph_input(g), 1.0);
    ck_assert_int_eq(n2d2_graph_forward(g, 0), N2D2_OK);
    const n2d2_tensor *y = n2d2_graph_cell_output(g, 0);
    for (size_t o = 0; o < 64; ++o)
        ck_assert(n2d2_tensor_get(y, o) == 64.0); /* inference: all weights */
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    double total = 0;
    for (size_t o = 0; o < 64; ++o) {
        double v = n2d2_tensor_get(y, o);
        ck_assert(fmod(v, 2.0) == 0.0); /* kept weights count 1 / 0.5 */
        total += v;
    }
    ck_assert_msg(total > 0.45 * 2 * 4096 && total < 0.55 * 2 * 4096, "kept %g", total / 2);
    n2d2_tensor_fill(n2d2_graph_output_grad(g, 0), 1.0);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    const n2d2_tensor *dw = kit_param(g, "fc", "weights", 1), *dx = n2d2_graph_input_grad(g);
    double sum_dw = 0, sum_dx = 0;
    for (size_t o = 0; o < 64; ++o) {
        double row = 0;
        for (size_t i = 0; i < 64; ++i)
            row += n2d2_tensor_get(dw, o * 64 + i);
        ck_assert(row == n2d2_tensor_get(y, o)); /* same mask in both passes */
        sum_dw += row;
    }
    for (size_t i = 0; i < 64; ++i)
        sum_dx += n2d2_tensor_get(dx, i);
    ck_assert(sum_dw == total && sum_dx == total);
    kit_free(g);
}
END_TEST

START_TEST(float32_matches_float64)
{
    const char *net = "[sp]\nSizeX=5\nSizeY=4\nNbChannels=3\n[fc]\nInput=sp\nType=Fc\nNbOutputs=7\n";
    char text64[256];
    snprintf(text64, sizeof text64, "DefaultDataType=Float64\n%s", net);
    n2d2_graph *g32 = kit_build_ok(net), *g64 = kit_build_ok(text64);
    n2d2_graph_request_input_grad(g32);
    n2d2_graph_request_input_grad(g64);
    ck_assert_int_eq(n2d2_graph_allocate(g32, 4, 1), N2D2_OK);
    ck_assert_int_eq(n2d2_graph_allocate(g64, 4, 1), N2D2_OK);
    ck_assert_int_eq(n2d2_tensor_copy(kit_param(g32, "fc", "weights", 0), kit_param(g64, "fc", "weights", 0)), N2D2_OK);
    ck_assert_int_eq(n2d2_tensor_copy(kit_param(g32, "fc", "biases", 0), kit_param(g64, "fc", "biases", 0)), N2D2_OK);
    kit_set_random(n2d2_graph_input(g64), 3, -1, 1);
    ck_assert_int_eq(n2d2_tensor_copy(n2d2_graph_input(g32), n2d2_graph_input(g64)), N2D2_OK);
    n2d2_graph *gs[2] = {g32, g64};
    for (int k = 0; k < 2; ++k) {
        ck_assert_int_eq(n2d2_graph_forward(gs[k], 1), N2D2_OK);
        kit_set_random(n2d2_graph_output_grad(gs[k], 0), 9, -1, 1);
        ck_assert_int_eq(n2d2_graph_backward(gs[k]), N2D2_OK);
    }
    const n2d2_tensor *pairs[][2] = {
        {n2d2_graph_cell_output(g32, 0), n2d2_graph_cell_output(g64, 0)},
        {n2d2_graph_input_grad(g32), n2d2_graph_input_grad(g64)},
        {kit_param(g32, "fc", "weights", 1), kit_param(g64, "fc", "weights", 1)},
        {kit_param(g32, "fc", "biases", 1), kit_param(g64, "fc", "biases", 1)},
    };
    for (size_t k = 0; k < 4; ++k)
        for (size_t i = 0; i < n2d2_tensor_numel(pairs[k][1]); ++i) {
            double a = n2d2_tensor_get(pairs[k][0], i), b = n2d2_tensor_get(pairs[k][1], i);
            ck_assert_msg(fabs(a - b) <= 1e-5 * (1 + fabs(b)), "pair %zu item %zu: %g vs %g", k, i, a, b);
        }
    kit_free(g32);
    kit_free(g64);
}
END_TEST

static void fc_error(const char *keys, n2d2_status code, const char *needle)
{
    char text[1024];
    snprintf(text, sizeof text, "[sp]\nSizeX=4\nSizeY=4\n[fc]\nInput=sp\nType=Fc\n%s\n", keys);
    kit_expect_error(text, code, needle);
}

START_TEST(bad_configurations)
{
    fc_error("", N2D2_ERR_NOT_FOUND, "NbOutputs");
    fc_error("NbOutputs=0", N2D2_ERR_RANGE, "NbOutputs");
    fc_error("NbOutputs=2\nDropConnect=0", N2D2_ERR_RANGE, "probability of keeping");
    fc_error("NbOutputs=2\nDropConnect=1.5", N2D2_ERR_RANGE, "DropConnect");
    fc_error("NbOutputs=2\nTerminateDelta=4", N2D2_ERR_UNSUPPORTED, "Spike models only");
    fc_error("NbOutputs=2\nWeightsSetProb=0.5", N2D2_ERR_UNSUPPORTED, "Spike models only");
    fc_error("NbOutputs=2\nBackPropagate=0\nBackPropagation=1", N2D2_ERR_INVAL, "contradicts");
    fc_error("NbOutputs=2\nDataType=Float16", N2D2_ERR_NOT_IMPLEMENTED, "not implemented yet");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cell_fc");
    TCase *tc = tcase_create("fc");
    tcase_add_checked_fixture(tc, kit_setup, kit_teardown);
    tcase_add_test(tc, forward_and_backward_by_hand);
    tcase_add_test(tc, flattened_input_batch_and_gradients);
    tcase_add_test(tc, back_propagate_off_gives_zero_input_gradient);
    tcase_add_test(tc, drop_connect_masks_and_scales_weights);
    tcase_add_test(tc, float32_matches_float64);
    tcase_add_test(tc, bad_configurations);
    suite_add_tcase(s, tc);
    return kit_run(s);
}
