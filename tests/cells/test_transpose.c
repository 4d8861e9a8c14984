/* Transpose (model Frame): the manual's Perm=1 0 2 3 example, a 2-D
 * transposition and a 3-axis rotation by hand, backward, finite
 * differences, Float32 and invalid permutations. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cells_testkit.h"

static n2d2_graph *transpose_graph(const char *sp, const char *keys, const char *dtype,
                                   size_t batch)
{
    char text[1024];
    snprintf(text, sizeof text,
             "DefaultDataType=%s\n[sp]\n%s\n[t]\nInput=sp\nType=Transpose\n%s\n", dtype, sp, keys);
    n2d2_graph *g = kit_build_ok(text);
    n2d2_graph_request_input_grad(g);
    ck_assert_int_eq(n2d2_graph_allocate(g, batch, 1), N2D2_OK);
    return g;
}

static void expect_shape(n2d2_graph *g, size_t c, size_t h, size_t w)
{
    const n2d2_shape *s = n2d2_cell_output_shape(n2d2_graph_cell_at(g, 0));
    ck_assert_uint_eq(s->ndim, 3);
    ck_assert_uint_eq(s->dims[0], c);
    ck_assert_uint_eq(s->dims[1], h);
    ck_assert_uint_eq(s->dims[2], w);
}

START_TEST(manual_example)
{
    /* Size=8000 1 1 and Perm=1 0 2 3 give "1 8000 1 batch" (manual 7.2.2),
     * here with 5 values */
    n2d2_graph *g = transpose_graph("Size=5 1 1", "NbOutputs=1\nPerm=1 0 2 3", "Float64", 2);
    expect_shape(g, 1, 5, 1);
    double x[10];
    for (size_t i = 0; i < 10; ++i)
        x[i] = (double)i;
    kit_set(n2d2_graph_input(g), x, 10);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    kit_expect(n2d2_graph_cell_output(g, 0), x, 10, 0);
    kit_free(g);
}
END_TEST

START_TEST(two_d_transposition_by_hand)
{
    /* rows {1, 2, 3}, {4, 5, 6} -> rows {1, 4}, {2, 5}, {3, 6} */
    n2d2_graph *g = transpose_graph("SizeX=3\nSizeY=2", "Perm=1 0 2", "Float64", 1);
    expect_shape(g, 1, 3, 2);
    const double x[6] = {1, 2, 3, 4, 5, 6}, y[6] = {1, 4, 2, 5, 3, 6};
    kit_set(n2d2_graph_input(g), x, 6);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    kit_expect(n2d2_graph_cell_output(g, 0), y, 6, 0);
    kit_set(n2d2_graph_output_grad(g, 0), y, 6);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    kit_expect(n2d2_graph_input_grad(g), x, 6, 0);
    ck_assert_uint_eq(n2d2_graph_cell_macs(g, 0), 0);
    kit_free(g);
}
END_TEST

START_TEST(three_axes_with_batch)
{
    /* Perm=2 0 1 (X first): output X = input channels, output Y = input X,
     * output channels = input Y: out[y][x][c] = in[c][y][x] */
    enum { C = 4, H = 3, W = 2, B = 2 };
    n2d2_graph *g = transpose_graph("SizeX=2\nSizeY=3\nNbChannels=4", "Perm=2 0 1 3\nNbOutputs=3",
                                    "Float64", B);
    expect_shape(g, H, W, C);
    double x[B * C * H * W], y[B * C * H * W];
    for (size_t i = 0; i < B * C * H * W; ++i)
        x[i] = (double)i;
    for (size_t n = 0; n < B; ++n)
        for (size_t c = 0; c < C; ++c)
            for (size_t h = 0; h < H; ++h)
                for (size_t w = 0; w < W; ++w)
                    y[n * C * H * W + (h * W + w) * C + c] = x[n * C * H * W + (c * H + h) * W + w];
    kit_set(n2d2_graph_input(g), x, B * C * H * W);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    kit_expect(n2d2_graph_cell_output(g, 0), y, B * C * H * W, 0);
    kit_set(n2d2_graph_output_grad(g, 0), y, B * C * H * W);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    kit_expect(n2d2_graph_input_grad(g), x, B * C * H * W, 0);
    kit_free(g);
}
END_TEST

START_TEST(gradients_and_float32)
{
    /* the stimulus feeds the Transpose and an Fc (accumulated gradient) */
    n2d2_graph *g = kit_build_ok("DefaultDataType=Float64\n[sp]\nSizeX=3\nSizeY=2\nNbChannels=2\n"
                                 "[t]\nInput=sp\nType=Transpose\nPerm=1 2 0\n"
                                 "[c]\nInput=t\nType=Conv\nKernelSize=2\nNbOutputs=2\n"
                                 "[u]\nInput=sp\nType=Fc\nNbOutputs=2\n"
                                 "[f]\nInput=c,u\nType=Fc\nNbOutputs=2\n");
    n2d2_graph_request_input_grad(g);
    double err = kit_gradient_error(g, 2, 600);
    ck_assert_msg(err < 1e-6, "gradient error %g", err);
    kit_free(g);
    g = transpose_graph("SizeX=3\nSizeY=2", "Perm=1 0 2", "Float32", 1);
    const double x[6] = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6};
    kit_set(n2d2_graph_input(g), x, 6);
    ck_assert_int_eq(n2d2_graph_forward(g, 0), N2D2_OK);
    const double y[6] = {(float)0.1, (float)0.4, (float)0.2, (float)0.5, (float)0.3, (float)0.6};
    kit_expect(n2d2_graph_cell_output(g, 0), y, 6, 0);
    kit_free(g);
}
END_TEST

#define SP "[sp]\nSizeX=3\nSizeY=2\n"

START_TEST(bad_configurations)
{
    kit_expect_error(SP "[t]\nInput=sp\nType=Transpose\nPerm=1 0\n", N2D2_ERR_SHAPE,
                     "net.ini:7: Perm: 2 values, but the input of [t] (1x2x3) has 3 axes per "
                     "sample: give 3 (or 4 with the batch axis last)");
    kit_expect_error(SP "[t]\nInput=sp\nType=Transpose\nPerm=1 1 0\n", N2D2_ERR_INVAL,
                     "not a permutation of 0..2");
    kit_expect_error(SP "[t]\nInput=sp\nType=Transpose\nPerm=0 1 3\n", N2D2_ERR_INVAL,
                     "not a permutation of 0..2");
    kit_expect_error(SP "[t]\nInput=sp\nType=Transpose\nPerm=3 1 2 0\n", N2D2_ERR_NOT_IMPLEMENTED,
                     "moving the batch axis (3, last) is not implemented yet");
    kit_expect_error(SP "[t]\nInput=sp\nType=Transpose\nPerm=1 0 2\nNbOutputs=2\n", N2D2_ERR_SHAPE,
                     "NbOutputs: 2, but [t] has 1 output channels");
    kit_expect_error(SP "[t]\nInput=sp\nType=Transpose\n", N2D2_ERR_NOT_FOUND, "Perm");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cell_transpose");
    TCase *tc = tcase_create("transpose");
    tcase_add_checked_fixture(tc, kit_setup, kit_teardown);
    tcase_add_test(tc, manual_example);
    tcase_add_test(tc, two_d_transposition_by_hand);
    tcase_add_test(tc, three_axes_with_batch);
    tcase_add_test(tc, gradients_and_float32);
    tcase_add_test(tc, bad_configurations);
    suite_add_tcase(s, tc);
    return kit_run(s);
}
