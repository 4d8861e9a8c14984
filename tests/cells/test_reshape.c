/* Reshape (model Frame): Dims in N2D2 order (X first) with the ONNX-like 0
 * and -1, values kept in order, gradients through a chain, and wrong
 * element counts. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cells_testkit.h"

/* Input {2, 2, 3} (SizeX=3, SizeY=2, 2 channels). */
static n2d2_graph *reshape_graph(const char *keys)
{
    char text[1024];
    snprintf(text, sizeof text,
             "DefaultDataType=Float64\n[sp]\nSizeX=3\nSizeY=2\nNbChannels=2\n[r]\nInput=sp\n"
             "Type=Reshape\n%s\n",
             keys);
    n2d2_graph *g = kit_build_ok(text);
    n2d2_graph_request_input_grad(g);
    ck_assert_int_eq(n2d2_graph_allocate(g, 2, 1), N2D2_OK);
    return g;
}

static void expect_shape(n2d2_graph *g, uint32_t ndim, const size_t *dims)
{
    const n2d2_shape *s = n2d2_cell_output_shape(n2d2_graph_cell_at(g, 0));
    ck_assert_uint_eq(s->ndim, ndim);
    for (uint32_t i = 0; i < ndim; ++i)
        ck_assert_uint_eq(s->dims[i], dims[i]);
}

START_TEST(dims_x_first)
{
    static const struct {
        const char *keys;
        uint32_t ndim;
        size_t dims[4];
    } cases[] = {
        {"Dims=4 3", 2, {3, 4}},          /* X = 4, then 3 */
        {"Dims=-1", 1, {12}},
        {"Dims=0 0 -1", 3, {2, 2, 3}},    /* keeps X = 3 and Y = 2 */
        {"Dims=2 -1 3\nNbOutputs=3", 3, {3, 2, 2}},
        {"Dims=1 1 12 1", 4, {1, 12, 1, 1}},
        {"Dims=0 0 0 -1", 4, {1, 2, 2, 3}},   /* a new outer axis of 1 */
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; ++k) {
        n2d2_graph *g = reshape_graph(cases[k].keys);
        expect_shape(g, cases[k].ndim, cases[k].dims);
        kit_free(g);
    }
}
END_TEST

START_TEST(values_keep_their_order)
{
    n2d2_graph *g = reshape_graph("Dims=4 3");
    double x[24];
    for (size_t i = 0; i < 24; ++i)
        x[i] = (double)i - 5;
    kit_set(n2d2_graph_input(g), x, 24);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    kit_expect(n2d2_graph_cell_output(g, 0), x, 24, 0);
    kit_set(n2d2_graph_output_grad(g, 0), x, 24);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    kit_expect(n2d2_graph_input_grad(g), x, 24, 0);
    ck_assert_uint_eq(n2d2_graph_cell_macs(g, 0), 0);
    kit_free(g);
    /* Float32, inference buffers */
    g = kit_build_ok("[sp]\nSizeX=3\nSizeY=2\n[r]\nInput=sp\nType=Reshape\nDims=2 3\n");
    ck_assert_int_eq(n2d2_graph_allocate(g, 1, 0), N2D2_OK);
    ck_assert_int_eq(n2d2_tensor_dtype(n2d2_graph_input(g)), N2D2_FLOAT32);
    const double v[6] = {0.5, -1, 2, 0.25, 3, -4};
    kit_set(n2d2_graph_input(g), v, 6);
    ck_assert_int_eq(n2d2_graph_forward(g, 0), N2D2_OK);
    kit_expect(n2d2_graph_cell_output(g, 0), v, 6, 0);
    kit_free(g);
}
END_TEST

START_TEST(gradients_through_a_chain)
{
    /* the Conv output {2, 2, 2} becomes {8, 1, 1} channels for an Fc, and
     * the stimulus also feeds an Fc directly (accumulated gradient) */
    n2d2_graph *g = kit_build_ok("DefaultDataType=Float64\n[sp]\nSizeX=3\nSizeY=3\n"
                                 "[c]\nInput=sp\nType=Conv\nKernelSize=2\nNbOutputs=2\n"
                                 "[r]\nInput=c\nType=Reshape\nDims=1 1 8\n"
                                 "[q]\nInput=sp\nType=Reshape\nDims=1 1 -1\n"
                                 "[f]\nInput=r,q\nType=Fc\nNbOutputs=3\n");
    n2d2_graph_request_input_grad(g);
    double err = kit_gradient_error(g, 2, 500);
    ck_assert_msg(err < 1e-6, "gradient error %g", err);
    kit_free(g);
}
END_TEST

#define SP "[sp]\nSizeX=3\nSizeY=2\nNbChannels=2\n"

START_TEST(bad_configurations)
{
    kit_expect_error(SP "[r]\nInput=sp\nType=Reshape\nDims=5 2\n", N2D2_ERR_SHAPE,
                     "net.ini:8: Dims: '5 2' (shape 2x5) gives 10 values per sample, but the "
                     "input of [r] has 12 (2x2x3)");
    kit_expect_error(SP "[r]\nInput=sp\nType=Reshape\nDims=5 -1\n", N2D2_ERR_SHAPE,
                     "no -1 fits: the input of [r] has 12 values per sample (2x2x3), not a "
                     "multiple of 5");
    kit_expect_error(SP "[r]\nInput=sp\nType=Reshape\nDims=-1 -1\n", N2D2_ERR_INVAL,
                     "-1 may appear once");
    kit_expect_error(SP "[r]\nInput=sp\nType=Reshape\nDims=1.5 8\n", N2D2_ERR_INVAL,
                     "1.5 is not an integer");
    kit_expect_error(SP "[r]\nInput=sp\nType=Reshape\nDims=-1 0 0 0\n", N2D2_ERR_INVAL,
                     "0 at position 4 keeps an input dimension, but the input has 3");
    kit_expect_error(SP "[r]\nInput=sp\nType=Reshape\nDims=-2 6\n", N2D2_ERR_RANGE, "Dims");
    kit_expect_error(SP "[r]\nInput=sp\nType=Reshape\nDims=12\nNbOutputs=3\n", N2D2_ERR_SHAPE,
                     "NbOutputs: 3, but [r] has 12 output channels");
    kit_expect_error(SP "[r]\nInput=sp\nType=Reshape\n", N2D2_ERR_NOT_FOUND, "Dims");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cell_reshape");
    TCase *tc = tcase_create("reshape");
    tcase_add_checked_fixture(tc, kit_setup, kit_teardown);
    tcase_add_test(tc, dims_x_first);
    tcase_add_test(tc, values_keep_their_order);
    tcase_add_test(tc, gradients_through_a_chain);
    tcase_add_test(tc, bad_configurations);
    suite_add_tcase(s, tc);
    return kit_run(s);
}
