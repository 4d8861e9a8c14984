/* Threshold (model Frame): every Operation forward and backward by hand,
 * defaults, finite-difference gradients in Float64 (with accumulated
 * input gradients), Float32/Float64 agreement and bad configurations. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cells_testkit.h"

static n2d2_graph *threshold_graph(const char *keys, const char *sp, const char *dtype, size_t batch)
{
    char text[2048];
    snprintf(text, sizeof text,
             "DefaultDataType=%s\n[sp]\n%s\n[th]\nInput=sp\nType=Threshold\n%s\n", dtype, sp, keys);
    n2d2_graph *g = kit_build_ok(text);
    n2d2_graph_request_input_grad(g);
    ck_assert_int_eq(n2d2_graph_allocate(g, batch, 1), N2D2_OK);
    return g;
}

START_TEST(every_operation_by_hand)
{
    static const struct {
        const char *op;
        double y[4], dx[4];
    } cases[] = {
        {"Binary", {0, 0, 0, 3}, {0, 0, 0, 0}},
        {"BinaryInverted", {3, 3, 3, 0}, {0, 0, 0, 0}},
        {"Truncate", {-1, 0.5, 1, 1}, {1, 2, 3, 0}},
        {"ToZero", {0, 0, 0, 2}, {0, 0, 0, 4}},
        {"ToZeroInverted", {-1, 0.5, 1, 0}, {1, 2, 3, 0}},
    };
    const double x[4] = {-1, 0.5, 1, 2}, dy[4] = {1, 2, 3, 4};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; ++k) {
        char keys[128];
        snprintf(keys, sizeof keys, "NbOutputs=1\nThreshold=1\nMaxValue=3\nOperation=%s", cases[k].op);
        n2d2_graph *g = threshold_graph(keys, "SizeX=2\nSizeY=2", "Float64", 1);
        kit_set(n2d2_graph_input(g), x, 4);
        ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
        kit_expect(n2d2_graph_cell_output(g, 0), cases[k].y, 4, 0);
        kit_set(n2d2_graph_output_grad(g, 0), dy, 4);
        ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
        kit_expect(n2d2_graph_input_grad(g), cases[k].dx, 4, 0);
        ck_assert_uint_eq(n2d2_graph_cell_macs(g, 0), 4);
        kit_free(g);
    }
    /* defaults: Operation=Binary, MaxValue=1 */
    n2d2_graph *g = threshold_graph("NbOutputs=1\nThreshold=0.75", "SizeX=2\nSizeY=2", "Float64", 1);
    kit_set(n2d2_graph_input(g), x, 4);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    const double binary[4] = {0, 0, 1, 1};
    kit_expect(n2d2_graph_cell_output(g, 0), binary, 4, 0);
    kit_free(g);
}
END_TEST

START_TEST(gradients_match_finite_differences)
{
    const char *ops[] = {"Binary", "BinaryInverted", "Truncate", "ToZero", "ToZeroInverted"};
    for (size_t k = 0; k < 5; ++k) {
        /* two thresholds read the stimuli (their gradients add up) and a
         * convolution joins them */
        char text[1024];
        snprintf(text, sizeof text,
                 "DefaultDataType=Float64\n[sp]\nSizeX=5\nSizeY=3\nNbChannels=2\n"
                 "[t1]\nInput=sp\nType=Threshold\nNbOutputs=2\nThreshold=0.1\nOperation=%s\n"
                 "[t2]\nInput=sp\nType=Threshold\nNbOutputs=2\nThreshold=-0.3\nOperation=ToZero\n"
                 "[c]\nInput=t1,t2\nType=Conv\nKernelSize=1\nNbOutputs=2\n", ops[k]);
        for (size_t batch = 1; batch <= 3; batch += 2) {
            n2d2_graph *g = kit_build_ok(text);
            n2d2_graph_request_input_grad(g);
            double err = kit_gradient_error(g, batch, (unsigned)(k * 5 + batch));
            ck_assert_msg(err < 1e-7, "%s batch %zu: gradient error %g", ops[k], batch, err);
            kit_free(g);
        }
    }
}
END_TEST

START_TEST(float32_matches_float64_on_large_batches)
{
    const char *ops[] = {"Binary", "BinaryInverted", "Truncate", "ToZero", "ToZeroInverted"};
    for (size_t k = 0; k < 5; ++k) {
        char keys[128];
        snprintf(keys, sizeof keys, "NbOutputs=3\nThreshold=0.25\nMaxValue=2\nOperation=%s", ops[k]);
        const char *sp = "SizeX=33\nSizeY=31\nNbChannels=3"; /* split over threads */
        n2d2_graph *g32 = threshold_graph(keys, sp, "Float32", 16);
        n2d2_graph *g64 = threshold_graph(keys, sp, "Float64", 16);
        n2d2_graph *gs[2] = {g32, g64};
        for (int j = 0; j < 2; ++j) {
            kit_set_random(n2d2_graph_input(gs[j]), 2, -1, 1);
            ck_assert_int_eq(n2d2_graph_forward(gs[j], 1), N2D2_OK);
            kit_set_random(n2d2_graph_output_grad(gs[j], 0), 3, -1, 1);
            ck_assert_int_eq(n2d2_graph_backward(gs[j]), N2D2_OK);
        }
        const n2d2_tensor *pairs[][2] = {
            {n2d2_graph_cell_output(g32, 0), n2d2_graph_cell_output(g64, 0)},
            {n2d2_graph_input_grad(g32), n2d2_graph_input_grad(g64)},
        };
        size_t passed = 0;
        for (size_t p = 0; p < 2; ++p)
            for (size_t i = 0; i < n2d2_tensor_numel(pairs[p][1]); ++i) {
                const double a = n2d2_tensor_get(pairs[p][0], i), b = n2d2_tensor_get(pairs[p][1], i);
                const double x = n2d2_tensor_get(n2d2_graph_input(g64), i);
                if (fabs(x - 0.25) < 1e-6)
                    continue; /* float rounding may put it on the other side */
                ck_assert_msg(fabs(a - b) <= 1e-6 * (1 + fabs(b)), "%s pair %zu item %zu", ops[k], p, i);
                passed += p == 1 && b != 0;
            }
        if (k >= 2)
            ck_assert_uint_gt(passed, 0);
        kit_free(g32);
        kit_free(g64);
    }
}
END_TEST

static void threshold_error(const char *keys, n2d2_status code, const char *needle)
{
    char text[1024];
    snprintf(text, sizeof text,
             "[sp]\nSizeX=4\nSizeY=4\nNbChannels=2\n[th]\nInput=sp\nType=Threshold\n%s\n", keys);
    kit_expect_error(text, code, needle);
}

START_TEST(bad_configurations)
{
    threshold_error("NbOutputs=2", N2D2_ERR_NOT_FOUND, "Threshold");
    threshold_error("NbOutputs=2\nThreshold=0.5\nOperation=Otsu", N2D2_ERR_INVAL,
                    "net.ini:10: Operation: 'Otsu' is not one of "
                    "Binary|BinaryInverted|Truncate|ToZero|ToZeroInverted");
    threshold_error("NbOutputs=3\nThreshold=0.5", N2D2_ERR_SHAPE,
                    "net.ini:8: NbOutputs: NbOutputs=3 but the input of [th] has 2 channels");
    threshold_error("NbOutputs=2\nThreshold=half", N2D2_ERR_INVAL, "Threshold");
    threshold_error("NbOutputs=2\nThreshold=0.5\nMaxValue=x", N2D2_ERR_INVAL, "MaxValue");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cell_threshold");
    TCase *tc = tcase_create("threshold");
    tcase_add_checked_fixture(tc, kit_setup, kit_teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, every_operation_by_hand);
    tcase_add_test(tc, gradients_match_finite_differences);
    tcase_add_test(tc, float32_matches_float64_on_large_batches);
    tcase_add_test(tc, bad_configurations);
    suite_add_tcase(s, tc);
    return kit_run(s);
}
