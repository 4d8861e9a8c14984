/* Padding (model Frame, manual 22.16): padding and cropping by hand,
 * forward and backward, the short key aliases, finite differences in
 * Float64, Float32 and bad configurations (a crop that removes every row
 * or column). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cells_testkit.h"

static n2d2_graph *pad_graph(const char *keys, const char *sp, size_t batch)
{
    char text[1024];
    snprintf(text, sizeof text,
             "DefaultDataType=Float64\n[sp]\n%s\n[pad]\nInput=sp\nType=Padding\n%s\n", sp, keys);
    n2d2_graph *g = kit_build_ok(text);
    n2d2_graph_request_input_grad(g);
    ck_assert_int_eq(n2d2_graph_allocate(g, batch, 1), N2D2_OK);
    return g;
}

static void check_shape(n2d2_graph *g, size_t c, size_t h, size_t w)
{
    const n2d2_shape *s = n2d2_cell_output_shape(n2d2_graph_cell_at(g, 0));
    ck_assert_uint_eq(s->ndim, 3);
    ck_assert_uint_eq(s->dims[0], c);
    ck_assert_uint_eq(s->dims[1], h);
    ck_assert_uint_eq(s->dims[2], w);
}

START_TEST(padding_by_hand)
{
    n2d2_graph *g = pad_graph("NbOutputs=1\nTopPadding=1\nRightPadding=2", "SizeX=2\nSizeY=2", 1);
    check_shape(g, 1, 3, 4);
    const double x[4] = {1, 2, 3, 4};
    kit_set(n2d2_graph_input(g), x, 4);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    const double y[12] = {0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0};
    kit_expect(n2d2_graph_cell_output(g, 0), y, 12, 0);
    double dy[12];
    for (size_t i = 0; i < 12; ++i)
        dy[i] = (double)(i + 1);
    kit_set(n2d2_graph_output_grad(g, 0), dy, 12);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    const double dx[4] = {5, 6, 9, 10};
    kit_expect(n2d2_graph_input_grad(g), dx, 4, 0);
    ck_assert_uint_eq(n2d2_graph_cell_macs(g, 0), 0);
    kit_free(g);
}
END_TEST

START_TEST(cropping_by_hand)
{
    /* 3x3 {1..9}: drop the top row and the left column, add a column on
     * the right; cropped values get a zero gradient */
    n2d2_graph *g = pad_graph("NbOutputs=1\nTopPadding=-1\nLeftPadding=-1\nRightPadding=1",
                              "SizeX=3\nSizeY=3", 1);
    check_shape(g, 1, 2, 3);
    const double x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    kit_set(n2d2_graph_input(g), x, 9);
    n2d2_tensor_fill(n2d2_graph_input_grad(g), 42.0); /* must be overwritten */
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    const double y[6] = {5, 6, 0, 8, 9, 0};
    kit_expect(n2d2_graph_cell_output(g, 0), y, 6, 0);
    const double dy[6] = {1, 2, 3, 4, 5, 6};
    kit_set(n2d2_graph_output_grad(g, 0), dy, 6);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    const double dx[9] = {0, 0, 0, 0, 1, 2, 0, 4, 5};
    kit_expect(n2d2_graph_input_grad(g), dx, 9, 0);
    kit_free(g);
}
END_TEST

START_TEST(aliases_channels_and_batch)
{
    /* TopPad / BotPad / LeftPad / RightPad: 2 rows on top, the last row and
     * the first column cropped; 2 channels, batch 2 */
    n2d2_graph *g = pad_graph("NbOutputs=2\nTopPad=2\nBotPad=-1\nLeftPad=-1\nRightPad=0",
                              "SizeX=2\nSizeY=2\nNbChannels=2", 2);
    check_shape(g, 2, 3, 1);
    double x[16];
    for (size_t i = 0; i < 16; ++i)
        x[i] = (double)(i + 1);
    kit_set(n2d2_graph_input(g), x, 16);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    /* each plane {a, b, c, d} gives {0, 0, b} */
    const double y[12] = {0, 0, 2, 0, 0, 6, 0, 0, 10, 0, 0, 14};
    kit_expect(n2d2_graph_cell_output(g, 0), y, 12, 0);
    kit_free(g);
    /* both spellings with the same value are fine */
    g = pad_graph("NbOutputs=1\nTopPadding=1\nTopPad=1", "SizeX=2\nSizeY=2", 1);
    check_shape(g, 1, 3, 2);
    kit_free(g);
}
END_TEST

START_TEST(gradients_match_finite_differences)
{
    const char *keys[] = {"NbOutputs=2\nTopPadding=1\nBottomPadding=2\nLeftPadding=1\nRightPadding=1",
                          "NbOutputs=2\nTopPadding=-1\nBottomPadding=1\nLeftPadding=2\nRightPadding=-2",
                          "NbOutputs=2\nTopPadding=-2\nLeftPadding=-1\nRightPadding=-1"};
    for (int i = 0; i < 3; ++i) {
        n2d2_graph *g = pad_graph(keys[i], "SizeX=4\nSizeY=3\nNbChannels=2", 2);
        double err = kit_gradient_error(g, 2, (unsigned)(200 + i));
        ck_assert_msg(err < 1e-6, "case %d: gradient error %g", i, err);
        kit_free(g);
    }
    /* between two convolutions, the input feeding two paddings */
    n2d2_graph *g = kit_build_ok("DefaultDataType=Float64\n[sp]\nSizeX=4\nSizeY=4\n"
                                 "[c]\nInput=sp\nType=Conv\nKernelSize=2\nNbOutputs=2\n"
                                 "[p]\nInput=c\nType=Padding\nNbOutputs=2\nTopPadding=1\nLeftPadding=-1\n"
                                 "[q]\nInput=c\nType=Padding\nNbOutputs=2\nBottomPadding=1\nRightPadding=-1\n"
                                 "[d]\nInput=p,q\nType=Conv\nKernelSize=2\nNbOutputs=1\n");
    n2d2_graph_request_input_grad(g);
    double err = kit_gradient_error(g, 2, 210);
    ck_assert_msg(err < 1e-6, "chain: gradient error %g", err);
    kit_free(g);
}
END_TEST

START_TEST(float32_copies_exactly)
{
    n2d2_graph *g = kit_build_ok("[sp]\nSizeX=3\nSizeY=2\n[pad]\nInput=sp\nType=Padding\n"
                                 "NbOutputs=1\nLeftPadding=1\nBottomPadding=-1\n");
    ck_assert_int_eq(n2d2_graph_allocate(g, 1, 0), N2D2_OK);
    ck_assert_int_eq(n2d2_tensor_dtype(n2d2_graph_input(g)), N2D2_FLOAT32);
    const double x[6] = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6};
    kit_set(n2d2_graph_input(g), x, 6);
    ck_assert_int_eq(n2d2_graph_forward(g, 0), N2D2_OK);
    const double y[4] = {0, (float)0.1, (float)0.2, (float)0.3};
    kit_expect(n2d2_graph_cell_output(g, 0), y, 4, 0);
    kit_free(g);
}
END_TEST

#define SP "[sp]\nSizeX=3\nSizeY=2\n"

START_TEST(bad_configurations)
{
    kit_expect_error(SP "[pad]\nInput=sp\nType=Padding\nNbOutputs=1\nTopPadding=-1\nBottomPadding=-1\n",
                     N2D2_ERR_SHAPE,
                     "net.ini:4: [pad] (Padding): the padding crops the whole 2x3 (height x width) "
                     "input: TopPadding=-1 BottomPadding=-1 LeftPadding=0 RightPadding=0 keep 0 "
                     "row(s) and 3 column(s)");
    /* padding one side does not make up for a crop larger than the input */
    kit_expect_error(SP "[pad]\nInput=sp\nType=Padding\nNbOutputs=1\nLeftPadding=-4\nRightPadding=5\n",
                     N2D2_ERR_SHAPE, "keep 2 row(s) and 0 column(s)");
    kit_expect_error(SP "[pad]\nInput=sp\nType=Padding\nNbOutputs=1\nTopPadding=1\nTopPad=2\n",
                     N2D2_ERR_INVAL, "net.ini:9: TopPad: 2 contradicts TopPadding=1 (net.ini:8)");
    kit_expect_error(SP "[pad]\nInput=sp\nType=Padding\nNbOutputs=2\n", N2D2_ERR_SHAPE,
                     "NbOutputs: 2, but [pad] has 1 output channels");
    kit_expect_error(SP "[pad]\nInput=sp\nType=Padding\n", N2D2_ERR_NOT_FOUND, "NbOutputs");
    kit_expect_error(SP "[r]\nInput=sp\nType=Reshape\nDims=6\n"
                        "[pad]\nInput=r\nType=Padding\nNbOutputs=6\n",
                     N2D2_ERR_NOT_IMPLEMENTED, "input of shape 6: only {channels, height, width}");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cell_padding");
    TCase *tc = tcase_create("padding");
    tcase_add_checked_fixture(tc, kit_setup, kit_teardown);
    tcase_add_test(tc, padding_by_hand);
    tcase_add_test(tc, cropping_by_hand);
    tcase_add_test(tc, aliases_channels_and_batch);
    tcase_add_test(tc, gradients_match_finite_differences);
    tcase_add_test(tc, float32_copies_exactly);
    tcase_add_test(tc, bad_configurations);
    suite_add_tcase(s, tc);
    return kit_run(s);
}
