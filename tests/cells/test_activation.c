/* Activation cell (model Frame): the cell copies its input and the kernel
 * applies its ActivationFunction, so the activation plugin is compiled in
 * and preloaded here. Identity when empty, Rectifier with its options by
 * hand, accumulated gradients, finite differences and errors. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cells_testkit.h"

N2D2_STATIC_PLUGIN_DECLARE(activations);

static void setup(void)
{
    static const n2d2_static_plugin extra[] = {N2D2_STATIC_PLUGIN(activations)};
    kit_setup_with(extra, 1);
}

static n2d2_graph *act_graph(const char *keys, size_t batch)
{
    char text[1024];
    snprintf(text, sizeof text,
             "DefaultDataType=Float64\n[sp]\nSizeX=2\nSizeY=2\n[act]\nInput=sp\nType=Activation\n%s\n",
             keys);
    n2d2_graph *g = kit_build_ok(text);
    n2d2_graph_request_input_grad(g);
    ck_assert_int_eq(n2d2_graph_allocate(g, batch, 1), N2D2_OK);
    return g;
}

START_TEST(identity_without_activation)
{
    n2d2_graph *g = act_graph("NbOutputs=1", 1);
    const double x[4] = {1, -2, 3, -4}, dy[4] = {0.5, 1, 2, 4};
    kit_set(n2d2_graph_input(g), x, 4);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    kit_expect(n2d2_graph_cell_output(g, 0), x, 4, 0);
    kit_set(n2d2_graph_output_grad(g, 0), dy, 4);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    kit_expect(n2d2_graph_input_grad(g), dy, 4, 0);
    ck_assert_uint_eq(n2d2_graph_cell_macs(g, 0), 0);
    kit_free(g);
}
END_TEST

START_TEST(rectifier_by_hand)
{
    n2d2_graph *g = act_graph("ActivationFunction=Rectifier\nActivationFunction.LeakSlope=0.5", 1);
    const double x[4] = {1, -2, 3, -4}, dy[4] = {0.5, 1, 2, 4};
    kit_set(n2d2_graph_input(g), x, 4);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    const double y[4] = {1, -1, 3, -2}, dx[4] = {0.5, 0.5, 2, 2};
    kit_expect(n2d2_graph_cell_output(g, 0), y, 4, 0);
    kit_set(n2d2_graph_output_grad(g, 0), dy, 4);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    kit_expect(n2d2_graph_input_grad(g), dx, 4, 0);
    kit_free(g);
}
END_TEST

START_TEST(two_consumers_add_their_gradients)
{
    /* sp feeds two Activation cells summed by an ElemWise:
     * y = tanh(x) + x, dx = (1 - tanh^2 x) + 1 */
    n2d2_graph *g = kit_build_ok("DefaultDataType=Float64\n[sp]\nSizeX=3\nSizeY=1\n"
                                 "[t]\nInput=sp\nType=Activation\nActivationFunction=Tanh\n"
                                 "[i]\nInput=sp\nType=Activation\n"
                                 "[s]\nInput=t,i\nType=ElemWise\nNbOutputs=1\n");
    n2d2_graph_request_input_grad(g);
    ck_assert_int_eq(n2d2_graph_allocate(g, 1, 1), N2D2_OK);
    const double x[3] = {0.5, -1, 2};
    kit_set(n2d2_graph_input(g), x, 3);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    n2d2_tensor_fill(n2d2_graph_output_grad(g, 0), 1.0);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    double y[3], dx[3];
    for (int i = 0; i < 3; ++i) {
        y[i] = tanh(x[i]) + x[i];
        dx[i] = 2 - tanh(x[i]) * tanh(x[i]);
    }
    kit_expect(n2d2_graph_cell_output(g, 2), y, 3, 1e-12);
    kit_expect(n2d2_graph_input_grad(g), dx, 3, 1e-12);
    kit_free(g);
}
END_TEST

START_TEST(gradients_match_finite_differences)
{
    const char *keys[] = {"ActivationFunction=Tanh", "ActivationFunction=Logistic",
                          "ActivationFunction=Softplus", ""};
    for (int i = 0; i < 4; ++i) {
        n2d2_graph *g = act_graph(keys[i], 2);
        double err = kit_gradient_error(g, 2, (unsigned)(300 + i));
        ck_assert_msg(err < 1e-6, "case %d: gradient error %g", i, err);
        kit_free(g);
    }
}
END_TEST

START_TEST(float32_matches_float64)
{
    n2d2_graph *gs[2];
    for (int k = 0; k < 2; ++k) {
        char text[512];
        snprintf(text, sizeof text,
                 "DefaultDataType=%s\n[sp]\nSizeX=4\nSizeY=1\n[a]\nInput=sp\nType=Activation\n"
                 "ActivationFunction=Tanh\n",
                 k ? "Float64" : "Float32");
        gs[k] = kit_build_ok(text);
        ck_assert_int_eq(n2d2_graph_allocate(gs[k], 2, 1), N2D2_OK);
        kit_set_random(n2d2_graph_input(gs[k]), 5, -2, 2);
        ck_assert_int_eq(n2d2_graph_forward(gs[k], 1), N2D2_OK);
    }
    for (size_t i = 0; i < 8; ++i)
        ck_assert(fabs(n2d2_tensor_get(n2d2_graph_cell_output(gs[0], 0), i) -
                       n2d2_tensor_get(n2d2_graph_cell_output(gs[1], 0), i)) < 1e-6);
    kit_free(gs[0]);
    kit_free(gs[1]);
}
END_TEST

START_TEST(bad_configurations)
{
    kit_expect_error("[sp]\nSizeX=2\nSizeY=2\n[a]\nInput=sp\nType=Activation\nNbOutputs=3\n",
                     N2D2_ERR_SHAPE, "NbOutputs: 3, but [a] has 1 output channels");
    kit_expect_error("[sp]\nSizeX=2\nSizeY=2\n[a]\nInput=sp\nType=Activation\n"
                     "ActivationFunction=Rectifer\n",
                     N2D2_ERR_NOT_FOUND, "Rectifer");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cell_activation");
    TCase *tc = tcase_create("activation");
    tcase_add_checked_fixture(tc, setup, kit_teardown);
    tcase_add_test(tc, identity_without_activation);
    tcase_add_test(tc, rectifier_by_hand);
    tcase_add_test(tc, two_consumers_add_their_gradients);
    tcase_add_test(tc, gradients_match_finite_differences);
    tcase_add_test(tc, float32_matches_float64);
    tcase_add_test(tc, bad_configurations);
    suite_add_tcase(s, tc);
    return kit_run(s);
}
