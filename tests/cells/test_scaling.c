/* Scaling (model Frame): one factor or one per channel, forward and
 * backward by hand, finite differences, Float32, bad factor counts. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cells_testkit.h"

static n2d2_graph *scaling_graph(const char *keys, const char *dtype, size_t batch)
{
    char text[1024];
    snprintf(text, sizeof text,
             "DefaultDataType=%s\n[sp]\nSizeX=2\nSizeY=1\nNbChannels=3\n[s]\nInput=sp\n"
             "Type=Scaling\n%s\n",
             dtype, keys);
    n2d2_graph *g = kit_build_ok(text);
    n2d2_graph_request_input_grad(g);
    ck_assert_int_eq(n2d2_graph_allocate(g, batch, 1), N2D2_OK);
    return g;
}

START_TEST(per_channel_by_hand)
{
    n2d2_graph *g = scaling_graph("NbOutputs=3\nScaling=2 -1 0.5", "Float64", 2);
    const double x[12] = {1, 2, 3, 4, 5, 6, -1, -2, -3, -4, -5, -6};
    kit_set(n2d2_graph_input(g), x, 12);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    const double y[12] = {2, 4, -3, -4, 2.5, 3, -2, -4, 3, 4, -2.5, -3};
    kit_expect(n2d2_graph_cell_output(g, 0), y, 12, 0);
    n2d2_tensor_fill(n2d2_graph_output_grad(g, 0), 1.0);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    const double dx[12] = {2, 2, -1, -1, 0.5, 0.5, 2, 2, -1, -1, 0.5, 0.5};
    kit_expect(n2d2_graph_input_grad(g), dx, 12, 0);
    ck_assert_uint_eq(n2d2_graph_cell_macs(g, 0), 6);
    kit_free(g);
}
END_TEST

START_TEST(one_factor_and_default)
{
    n2d2_graph *g = scaling_graph("Scaling=0.25", "Float64", 1);
    const double x[6] = {4, 8, -4, 1, 0, 2}, y[6] = {1, 2, -1, 0.25, 0, 0.5};
    kit_set(n2d2_graph_input(g), x, 6);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    kit_expect(n2d2_graph_cell_output(g, 0), y, 6, 0);
    kit_free(g);
    g = scaling_graph("", "Float64", 1); /* Scaling [1.0]: identity */
    kit_set(n2d2_graph_input(g), x, 6);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    kit_expect(n2d2_graph_cell_output(g, 0), x, 6, 0);
    kit_free(g);
}
END_TEST

START_TEST(gradients_and_float32)
{
    n2d2_graph *g = kit_build_ok("DefaultDataType=Float64\n[sp]\nSizeX=3\nSizeY=2\n"
                                 "[f]\nInput=sp\nType=Conv\nKernelSize=2\nNbOutputs=2\n"
                                 "[s]\nInput=f\nType=Scaling\nScaling=3 -0.5\n"
                                 "[t]\nInput=s,f\nType=Fc\nNbOutputs=2\n");
    n2d2_graph_request_input_grad(g);
    double err = kit_gradient_error(g, 2, 400);
    ck_assert_msg(err < 1e-6, "gradient error %g", err);
    kit_free(g);
    g = scaling_graph("Scaling=2 -1 0.5", "Float32", 1);
    const double x[6] = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6};
    kit_set(n2d2_graph_input(g), x, 6);
    ck_assert_int_eq(n2d2_graph_forward(g, 0), N2D2_OK);
    const double y[6] = {0.2, 0.4, -0.3, -0.4, 0.25, 0.3};
    kit_expect(n2d2_graph_cell_output(g, 0), y, 6, 1e-7);
    kit_free(g);
}
END_TEST

START_TEST(bad_configurations)
{
    kit_expect_error("[sp]\nSizeX=2\nSizeY=2\nNbChannels=3\n[s]\nInput=sp\nType=Scaling\n"
                     "Scaling=1 2\n",
                     N2D2_ERR_INVAL, "net.ini:8: Scaling: 2 values for 3 channels: give 1");
    kit_expect_error("[sp]\nSizeX=2\nSizeY=2\nNbChannels=3\n[s]\nInput=sp\nType=Scaling\n"
                     "NbOutputs=2\n",
                     N2D2_ERR_SHAPE, "NbOutputs: 2, but [s] has 3 output channels");
    kit_expect_error("[sp]\nSizeX=2\nSizeY=2\n[s]\nInput=sp\nType=Scaling\nScaling=x\n",
                     N2D2_ERR_INVAL, "Scaling: expected a list of numbers");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cell_scaling");
    TCase *tc = tcase_create("scaling");
    tcase_add_checked_fixture(tc, kit_setup, kit_teardown);
    tcase_add_test(tc, per_channel_by_hand);
    tcase_add_test(tc, one_factor_and_default);
    tcase_add_test(tc, gradients_and_float32);
    tcase_add_test(tc, bad_configurations);
    suite_add_tcase(s, tc);
    return kit_run(s);
}
