/* Softmax (model Frame): values by hand, stability, groups, positions,
 * backward with and without the fused loss, finite differences, errors. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cells_testkit.h"

static n2d2_graph *softmax_graph(const char *keys, const char *sp, size_t batch)
{
    char text[1024];
    snprintf(text, sizeof text,
             "DefaultDataType=Float64\n[sp]\n%s\n[soft]\nInput=sp\nType=Softmax\n%s\n", sp, keys);
    n2d2_graph *g = kit_build_ok(text);
    n2d2_graph_request_input_grad(g);
    ck_assert_int_eq(n2d2_graph_allocate(g, batch, 1), N2D2_OK);
    return g;
}

START_TEST(values_by_hand_and_stable)
{
    n2d2_graph *g = softmax_graph("NbOutputs=3", "SizeX=1\nSizeY=1\nNbChannels=3", 2);
    const double x[6] = {1, 2, 3, 1000, 1001, 1002};
    kit_set(n2d2_graph_input(g), x, 6);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    double sum = exp(-2.0) + exp(-1.0) + 1.0;
    const double want[6] = {exp(-2.0) / sum, exp(-1.0) / sum, 1 / sum,
                            exp(-2.0) / sum, exp(-1.0) / sum, 1 / sum};
    kit_expect(n2d2_graph_cell_output(g, 0), want, 6, 1e-12);
    ck_assert_uint_eq(n2d2_graph_cell_macs(g, 0), 3);
    kit_free(g);
}
END_TEST

START_TEST(groups_and_positions)
{
    n2d2_graph *g = softmax_graph("NbOutputs=4\nGroupSize=2", "SizeX=1\nSizeY=1\nNbChannels=4", 1);
    const double x[4] = {0, log(3.0), 1, 1};
    kit_set(n2d2_graph_input(g), x, 4);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    const double want[4] = {0.25, 0.75, 0.5, 0.5};
    kit_expect(n2d2_graph_cell_output(g, 0), want, 4, 1e-12);
    kit_free(g);
    /* 2 channels at each of 2x2 positions: channel stride is 4 */
    g = softmax_graph("NbOutputs=2", "SizeX=2\nSizeY=2\nNbChannels=2", 1);
    const double xs[8] = {0, 1, 2, 3, log(3.0), 1, 2, 3 + log(4.0)};
    kit_set(n2d2_graph_input(g), xs, 8);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    const double ws[8] = {0.25, 0.5, 0.5, 0.2, 0.75, 0.5, 0.5, 0.8};
    kit_expect(n2d2_graph_cell_output(g, 0), ws, 8, 1e-12);
    kit_free(g);
}
END_TEST

START_TEST(backward_by_hand)
{
    n2d2_graph *g = softmax_graph("NbOutputs=2", "SizeX=1\nSizeY=1\nNbChannels=2", 1);
    const double x[2] = {0, log(3.0)}, dy[2] = {1, 0};
    kit_set(n2d2_graph_input(g), x, 2);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    kit_set(n2d2_graph_output_grad(g, 0), dy, 2);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    const double dx[2] = {0.1875, -0.1875};
    kit_expect(n2d2_graph_input_grad(g), dx, 2, 1e-12);
    kit_free(g);
    /* fused with the loss: the output gradient (b - t) passes unchanged */
    g = softmax_graph("NbOutputs=2\nWithLoss=1", "SizeX=1\nSizeY=1\nNbChannels=2", 1);
    kit_set(n2d2_graph_input(g), x, 2);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    const double diff[2] = {0.25 - 1, 0.75};
    kit_set(n2d2_graph_output_grad(g, 0), diff, 2);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    kit_expect(n2d2_graph_input_grad(g), diff, 2, 0);
    kit_free(g);
}
END_TEST

START_TEST(gradients_match_finite_differences)
{
    const char *keys[] = {"NbOutputs=3", "NbOutputs=6\nGroupSize=3", "NbOutputs=6\nGroupSize=2"};
    const char *sps[] = {"SizeX=3\nSizeY=2\nNbChannels=3", "SizeX=1\nSizeY=1\nNbChannels=6",
                         "SizeX=2\nSizeY=1\nNbChannels=6"};
    for (int i = 0; i < 3; ++i) {
        n2d2_graph *g = softmax_graph(keys[i], sps[i], 2);
        double err = kit_gradient_error(g, 2, (unsigned)(30 + i));
        ck_assert_msg(err < 1e-6, "case %d: gradient error %g", i, err);
        kit_free(g);
    }
    /* an Fc feeding two softmaxes and the last cell: its gradients add (WithLoss
     * is left out: its backward is, by design, not the softmax derivative) */
    n2d2_graph *g = kit_build_ok("DefaultDataType=Float64\n[sp]\nSizeX=3\nSizeY=1\n"
                                 "[a]\nInput=sp\nType=Fc\nNbOutputs=4\n"
                                 "[s]\nInput=a\nType=Softmax\nNbOutputs=4\n"
                                 "[t]\nInput=a\nType=Softmax\nNbOutputs=4\nGroupSize=2\n"
                                 "[c]\nInput=s,t,a\nType=Fc\nNbOutputs=2\n");
    n2d2_graph_request_input_grad(g);
    double err = kit_gradient_error(g, 3, 40);
    ck_assert_msg(err < 1e-6, "gradient error %g", err);
    kit_free(g);
}
END_TEST

START_TEST(large_batches_match_direct_loops)
{
    enum { B = 64, C = 10, P = 8 };
    n2d2_graph *g = softmax_graph("NbOutputs=10", "SizeX=4\nSizeY=2\nNbChannels=10", B);
    kit_set_random(n2d2_graph_input(g), 51, -3, 3);
    kit_set_random(n2d2_graph_output_grad(g, 0), 52, -1, 1);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    const n2d2_tensor *x = n2d2_graph_input(g), *dy = n2d2_graph_output_grad(g, 0);
    static double y[B * C * P], dx[B * C * P];
    for (size_t n = 0; n < B; ++n)
        for (size_t p = 0; p < P; ++p) {
            double sum = 0, dot = 0;
            for (size_t c = 0; c < C; ++c)
                sum += exp(n2d2_tensor_get(x, (n * C + c) * P + p));
            for (size_t c = 0; c < C; ++c) {
                size_t i = (n * C + c) * P + p;
                y[i] = exp(n2d2_tensor_get(x, i)) / sum;
                dot += y[i] * n2d2_tensor_get(dy, i);
            }
            for (size_t c = 0; c < C; ++c) {
                size_t i = (n * C + c) * P + p;
                dx[i] = y[i] * (n2d2_tensor_get(dy, i) - dot);
            }
        }
    kit_expect(n2d2_graph_cell_output(g, 0), y, B * C * P, 1e-12);
    kit_expect(n2d2_graph_input_grad(g), dx, B * C * P, 1e-12);
    kit_free(g);
}
END_TEST

START_TEST(float32_agrees)
{
    n2d2_graph *g = kit_build_ok("[sp]\nSizeX=2\nSizeY=1\nNbChannels=3\n[soft]\nInput=sp\nType=Softmax\nNbOutputs=3\n");
    ck_assert_int_eq(n2d2_graph_allocate(g, 1, 0), N2D2_OK);
    const double x[6] = {1, -1, 2, 0, 3, 1};
    kit_set(n2d2_graph_input(g), x, 6);
    ck_assert_int_eq(n2d2_graph_forward(g, 0), N2D2_OK);
    double s0 = exp(1) + exp(2) + exp(3), s1 = exp(-1) + exp(0) + exp(1);
    const double want[6] = {exp(1) / s0, exp(-1) / s1, exp(2) / s0, exp(0) / s1, exp(3) / s0, exp(1) / s1};
    kit_expect(n2d2_graph_cell_output(g, 0), want, 6, 1e-6);
    kit_free(g);
}
END_TEST

START_TEST(bad_configurations)
{
    kit_expect_error("[sp]\nSizeX=2\nSizeY=2\nNbChannels=3\n[s]\nInput=sp\nType=Softmax\nNbOutputs=4\n",
                     N2D2_ERR_SHAPE, "NbOutputs: 4, but the input of [s] has 3 channels");
    kit_expect_error("[sp]\nSizeX=2\nSizeY=2\nNbChannels=4\n[s]\nInput=sp\nType=Softmax\nNbOutputs=4\n"
                     "GroupSize=3\n",
                     N2D2_ERR_INVAL, "GroupSize: 3 does not divide NbOutputs=4");
    kit_expect_error("[sp]\nSizeX=2\nSizeY=2\n[s]\nInput=sp\nType=Softmax\n", N2D2_ERR_NOT_FOUND,
                     "NbOutputs");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cell_softmax");
    TCase *tc = tcase_create("softmax");
    tcase_add_checked_fixture(tc, kit_setup, kit_teardown);
    tcase_add_test(tc, values_by_hand_and_stable);
    tcase_add_test(tc, groups_and_positions);
    tcase_add_test(tc, backward_by_hand);
    tcase_add_test(tc, gradients_match_finite_differences);
    tcase_add_test(tc, large_batches_match_direct_loops);
    tcase_add_test(tc, float32_agrees);
    tcase_add_test(tc, bad_configurations);
    suite_add_tcase(s, tc);
    return kit_run(s);
}
