/* Dropout (model Frame): identity for inference, inverted dropout while
 * learning (A45) with the same mask in backward, reproducibility from the
 * seed, gradient accumulation and bad keys. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cells_testkit.h"

static n2d2_graph *dropout_graph(const char *keys, size_t batch)
{
    char text[1024];
    snprintf(text, sizeof text,
             "DefaultDataType=Float64\n[sp]\nSizeX=100\nSizeY=50\nNbChannels=2\n"
             "[drop]\nInput=sp\nType=Dropout\nNbOutputs=2\n%s\n", keys);
    n2d2_graph *g = kit_build_ok(text);
    n2d2_graph_request_input_grad(g);
    ck_assert_int_eq(n2d2_graph_allocate(g, batch, 1), N2D2_OK);
    return g;
}

START_TEST(inference_is_identity)
{
    n2d2_graph *g = dropout_graph("Dropout=0.7", 2);
    kit_set_random(n2d2_graph_input(g), 1, -1, 1);
    ck_assert_int_eq(n2d2_graph_forward(g, 0), N2D2_OK);
    const n2d2_tensor *x = n2d2_graph_input(g), *y = n2d2_graph_cell_output(g, 0);
    for (size_t i = 0; i < n2d2_tensor_numel(x); ++i)
        ck_assert(n2d2_tensor_get(y, i) == n2d2_tensor_get(x, i));
    /* backward needs the mask of a learning pass */
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_ERR_INVAL);
    ck_assert_msg(strstr(n2d2_error_message(), "no dropout mask"), "%s", n2d2_error_message());
    kit_free(g);
}
END_TEST

START_TEST(learning_drops_and_rescales)
{
    n2d2_graph *g = dropout_graph("Dropout=0.3", 8); /* 80000 values: threaded */
    n2d2_tensor_fill(n2d2_graph_input(g), 1.0);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    const n2d2_tensor *y = n2d2_graph_cell_output(g, 0);
    size_t n = n2d2_tensor_numel(y), kept = 0;
    for (size_t i = 0; i < n; ++i) {
        double v = n2d2_tensor_get(y, i);
        ck_assert_msg(v == 0.0 || fabs(v - 1 / 0.7) < 1e-12, "value %g", v);
        kept += v != 0.0;
    }
    ck_assert_msg(fabs((double)kept / (double)n - 0.7) < 0.02, "kept %zu of %zu", kept, n);
    n2d2_tensor_fill(n2d2_graph_output_grad(g, 0), 1.0);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    const n2d2_tensor *gx = n2d2_graph_input_grad(g);
    for (size_t i = 0; i < n; ++i)
        ck_assert(n2d2_tensor_get(gx, i) == n2d2_tensor_get(y, i));
    /* the next batch draws a new mask */
    double first = n2d2_tensor_get(y, 0) + 2 * n2d2_tensor_get(y, 1) + 4 * n2d2_tensor_get(y, 2);
    int differs = 0;
    for (int k = 0; k < 8 && !differs; ++k) {
        ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
        differs = first != n2d2_tensor_get(y, 0) + 2 * n2d2_tensor_get(y, 1) + 4 * n2d2_tensor_get(y, 2);
    }
    ck_assert(differs);
    kit_free(g);
}
END_TEST

START_TEST(masks_are_reproducible_from_the_seed)
{
    n2d2_graph *a = dropout_graph("Dropout=0.5", 1), *b = dropout_graph("Dropout=0.5", 1);
    n2d2_tensor_fill(n2d2_graph_input(a), 1.0);
    n2d2_tensor_fill(n2d2_graph_input(b), 1.0);
    for (int k = 0; k < 2; ++k) {
        ck_assert_int_eq(n2d2_graph_forward(a, 1), N2D2_OK);
        ck_assert_int_eq(n2d2_graph_forward(b, 1), N2D2_OK);
        const n2d2_tensor *ya = n2d2_graph_cell_output(a, 0), *yb = n2d2_graph_cell_output(b, 0);
        for (size_t i = 0; i < n2d2_tensor_numel(ya); ++i)
            ck_assert(n2d2_tensor_get(ya, i) == n2d2_tensor_get(yb, i));
    }
    kit_free(a);
    kit_free(b);
}
END_TEST

START_TEST(zero_rate_accumulates_like_identity)
{
    /* Dropout=0 keeps everything, so finite differences apply; the stimuli
     * feed both the dropout and the Fc, so one gradient adds to the other. */
    n2d2_graph *g = kit_build_ok("DefaultDataType=Float64\n[sp]\nSizeX=3\nSizeY=2\n"
                                 "[drop]\nInput=sp\nType=Dropout\nNbOutputs=1\nDropout=0\n"
                                 "[fc]\nInput=drop,sp\nType=Fc\nNbOutputs=2\n");
    n2d2_graph_request_input_grad(g);
    double err = kit_gradient_error(g, 2, 3);
    ck_assert_msg(err < 1e-6, "gradient error %g", err);
    kit_free(g);
}
END_TEST

START_TEST(bad_configurations)
{
    const char *base = "[sp]\nSizeX=2\nSizeY=2\nNbChannels=3\n[drop]\nInput=sp\nType=Dropout\n";
    char text[512];
    snprintf(text, sizeof text, "%sNbOutputs=3\nDropout=1\n", base);
    kit_expect_error(text, N2D2_ERR_RANGE, "Dropout: must be below 1");
    snprintf(text, sizeof text, "%sNbOutputs=3\nDropout=-0.1\n", base);
    kit_expect_error(text, N2D2_ERR_RANGE, "Dropout");
    snprintf(text, sizeof text, "%sNbOutputs=2\n", base);
    kit_expect_error(text, N2D2_ERR_SHAPE, "has 3 channels");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cell_dropout");
    TCase *tc = tcase_create("dropout");
    tcase_add_checked_fixture(tc, kit_setup, kit_teardown);
    tcase_add_test(tc, inference_is_identity);
    tcase_add_test(tc, learning_drops_and_rescales);
    tcase_add_test(tc, masks_are_reproducible_from_the_seed);
    tcase_add_test(tc, zero_rate_accumulates_like_identity);
    tcase_add_test(tc, bad_configurations);
    suite_add_tcase(s, tc);
    return kit_run(s);
}
