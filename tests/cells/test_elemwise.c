/* ElemWise (model Frame, manual 22.10, A46): every operation forward and
 * backward by hand, weights and shifts per input and per channel, the same
 * input listed twice, finite differences in Float64, Float32 against
 * Float64 and bad configurations (shapes naming both inputs, Operation=Abs).
 *
 * Distinct inputs come from one stimulus: Padding cells crop its rows
 * (row r of [sp] is input r), so the input gradient of [sp] holds the
 * gradient of each ElemWise input, row by row. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cells_testkit.h"

/* `n` inputs of C channels x 1 row x 3 columns; `keys` for the ElemWise. */
static n2d2_graph *ew_graph(size_t n, size_t C, const char *keys, const char *dtype, size_t batch)
{
    char text[4096];
    int len = snprintf(text, sizeof text, "DefaultDataType=%s\n[sp]\nSizeX=3\nSizeY=%zu\nNbChannels=%zu\n",
                       dtype, n, C);
    char inputs[256] = "";
    for (size_t i = 0; i < n; ++i) {
        len += snprintf(text + len, sizeof text - (size_t)len,
                        "[in%zu]\nInput=sp\nType=Padding\nNbOutputs=%zu\nTopPadding=-%zu\n"
                        "BottomPadding=-%zu\n",
                        i, C, i, n - 1 - i);
        snprintf(inputs + strlen(inputs), sizeof inputs - strlen(inputs), "%sin%zu", i ? "," : "", i);
    }
    snprintf(text + len, sizeof text - (size_t)len, "[e]\nInput=%s\nType=ElemWise\nNbOutputs=%zu\n%s\n",
             inputs, C, keys);
    n2d2_graph *g = kit_build_ok(text);
    n2d2_graph_request_input_grad(g);
    ck_assert_int_eq(n2d2_graph_allocate(g, batch, 1), N2D2_OK);
    return g;
}

/* One channel, batch 1: rows of x are the inputs. */
static void run_by_hand(size_t n, const char *keys, const double *x, const double *y,
                        const double *dy, const double *dx)
{
    n2d2_graph *g = ew_graph(n, 1, keys, "Float64", 1);
    kit_set(n2d2_graph_input(g), x, 3 * n);
    ck_assert_msg(n2d2_graph_forward(g, 1) == N2D2_OK, "%s", n2d2_error_message());
    kit_expect(n2d2_graph_cell_output_of(g, n2d2_graph_find_cell(g, "e")), y, 3, 1e-12);
    kit_set(n2d2_graph_output_grad(g, 0), dy, 3);
    ck_assert_msg(n2d2_graph_backward(g) == N2D2_OK, "%s", n2d2_error_message());
    kit_expect(n2d2_graph_input_grad(g), dx, 3 * n, 1e-12);
    kit_free(g);
}

START_TEST(sum_with_weights_and_shifts)
{
    /* y = 0.5 a + 0.1 + 2 b - 1 */
    const double x[6] = {1, -2, 3, /* b */ 4, 0.5, -1};
    const double y[3] = {7.6, -0.9, -1.4}, dy[3] = {1, 2, 3};
    const double dx[6] = {0.5, 1, 1.5, 2, 4, 6};
    run_by_hand(2, "Operation=Sum\nWeights=0.5 2\nShifts=0.1 -1", x, y, dy, dx);
    /* the defaults: a plain sum */
    const double y1[3] = {5, -1.5, 2}, dx1[6] = {1, 2, 3, 1, 2, 3};
    run_by_hand(2, "", x, y1, dy, dx1);
    /* one value for every input */
    const double y2[3] = {10, -3, 4}, dx2[6] = {2, 4, 6, 2, 4, 6};
    run_by_hand(2, "Weights=2", x, y2, dy, dx2);
}
END_TEST

START_TEST(abs_sum)
{
    /* y = |a| + 3 |b|; the sign of 0 is 0 */
    const double x[6] = {1, -2, 0, 4, 0.5, -1};
    const double y[3] = {13, 3.5, 3}, dy[3] = {1, 2, 3};
    const double dx[6] = {1, -2, 0, 3, 6, -9};
    run_by_hand(2, "Operation=AbsSum\nWeights=1 3", x, y, dy, dx);
}
END_TEST

START_TEST(euclidean_sum)
{
    /* u_a = a, u_b = 2 b + 1, y = sqrt(u_a^2 + u_b^2); da = u_a / y,
     * db = 2 u_b / y, and 0 where y = 0 */
    const double x[6] = {3, 0, 1, 1.5, -0.5, 0};
    const double y[3] = {5, 0, sqrt(2.0)}, dy[3] = {1, 1, 2};
    const double dx[6] = {0.6, 0, 2 / sqrt(2.0), 1.6, 0, 4 / sqrt(2.0)};
    run_by_hand(2, "Operation=EuclideanSum\nWeights=1 2\nShifts=0 1", x, y, dy, dx);
}
END_TEST

START_TEST(product_of_three)
{
    /* d/da = b c etc., without dividing (a zero input is fine) */
    const double x[9] = {1, 2, 0, 3, -1, 5, 2, 2, 2};
    const double y[3] = {6, -4, 0}, dy[3] = {1, 1, 1};
    const double dx[9] = {6, -2, 10, 2, 4, 0, 3, -2, 0};
    run_by_hand(3, "Operation=Prod", x, y, dy, dx);
}
END_TEST

START_TEST(max_goes_to_the_first_largest)
{
    const double x[6] = {1, 5, 2, 3, 5, -1};
    const double y[3] = {3, 5, 2}, dy[3] = {1, 2, 3};
    const double dx[6] = {0, 2, 3, 1, 0, 0};
    run_by_hand(2, "Operation=Max", x, y, dy, dx);
}
END_TEST

START_TEST(single_input_scale_and_shift)
{
    /* the manual's example: T_out = 0.5 T_1 + 0.1 */
    n2d2_graph *g = kit_build_ok("DefaultDataType=Float64\n[sp]\nSizeX=2\nSizeY=1\n"
                                 "[e]\nInput=sp\nType=ElemWise\nNbOutputs=1\nOperation=Sum\n"
                                 "Weights=0.5\nShifts=0.1\n");
    ck_assert_int_eq(n2d2_graph_allocate(g, 1, 1), N2D2_OK);
    const double x[2] = {2, -4}, y[2] = {1.1, -1.9};
    kit_set(n2d2_graph_input(g), x, 2);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    kit_expect(n2d2_graph_cell_output(g, 0), y, 2, 1e-12);
    ck_assert_uint_eq(n2d2_graph_cell_macs(g, 0), 2);
    kit_free(g);
}
END_TEST

START_TEST(per_channel_coefficients)
{
    /* 2 inputs x 2 channels, batch 2: weights {a0, a1, b0, b1} = {1, 2, 3, 4},
     * shifts {0, 0, 1, -1}. x is {sample, channel, row (= input), column}. */
    n2d2_graph *g = ew_graph(2, 2, "CoeffMode=PerChannel\nWeights=1 2 3 4\nShifts=0 0 1 -1",
                             "Float64", 2);
    double x[24];
    for (size_t i = 0; i < 24; ++i)
        x[i] = (double)i;
    kit_set(n2d2_graph_input(g), x, 24);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    double y[12];
    for (size_t n = 0; n < 2; ++n)
        for (size_t c = 0; c < 2; ++c)
            for (size_t k = 0; k < 3; ++k) {
                double a = x[n * 12 + c * 6 + k], b = x[n * 12 + c * 6 + 3 + k];
                y[(n * 2 + c) * 3 + k] = (c ? 2 : 1) * a + (c ? 4 : 3) * b + (c ? -1 : 1);
            }
    kit_expect(n2d2_graph_cell_output_of(g, n2d2_graph_find_cell(g, "e")), y, 12, 1e-12);
    n2d2_tensor_fill(n2d2_graph_output_grad(g, 0), 1.0);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    const double dx[24] = {1, 1, 1, 3, 3, 3, 2, 2, 2, 4, 4, 4, 1, 1, 1, 3, 3, 3, 2, 2, 2, 4, 4, 4};
    kit_expect(n2d2_graph_input_grad(g), dx, 24, 1e-12);
    kit_free(g);
    /* one weight per channel, the same for every input */
    g = ew_graph(2, 2, "CoeffMode=PerChannel\nWeights=5 7", "Float64", 1);
    n2d2_tensor_fill(n2d2_graph_input(g), 1.0);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    const double y2[6] = {10, 10, 10, 14, 14, 14};
    kit_expect(n2d2_graph_cell_output_of(g, n2d2_graph_find_cell(g, "e")), y2, 6, 1e-12);
    kit_free(g);
}
END_TEST

START_TEST(same_input_twice_adds_gradients)
{
    const char *ops[] = {"Operation=Sum\nWeights=2 3", "Operation=Prod", "Operation=Max"};
    /* y = 5x: 5; y = x^2: 2x; y = max(x, x) = x: 1 (the first copy) */
    const double x[2] = {1.5, -2};
    const double dx[3][2] = {{5, 5}, {3, -4}, {1, 1}};
    for (int k = 0; k < 3; ++k) {
        char text[512];
        snprintf(text, sizeof text,
                 "DefaultDataType=Float64\n[sp]\nSizeX=2\nSizeY=1\n"
                 "[e]\nInput=sp,sp\nType=ElemWise\nNbOutputs=1\n%s\n", ops[k]);
        n2d2_graph *g = kit_build_ok(text);
        n2d2_graph_request_input_grad(g);
        ck_assert_int_eq(n2d2_graph_allocate(g, 1, 1), N2D2_OK);
        kit_set(n2d2_graph_input(g), x, 2);
        ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
        n2d2_tensor_fill(n2d2_graph_output_grad(g, 0), 1.0);
        ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
        kit_expect(n2d2_graph_input_grad(g), dx[k], 2, 1e-12);
        kit_free(g);
    }
}
END_TEST

START_TEST(gradients_match_finite_differences)
{
    const char *keys[] = {"Operation=Sum\nWeights=0.5 -2 1.5\nShifts=0.1 0.2 0.3",
                          "Operation=AbsSum\nWeights=0.5 -2 1.5",
                          "Operation=EuclideanSum\nWeights=0.5 -2 1.5\nShifts=0.1 0.2 0.3",
                          "Operation=Prod",
                          "Operation=Max",
                          "Operation=EuclideanSum\nCoeffMode=PerChannel\nWeights=1 2\nShifts=0.5 -0.5"};
    for (int i = 0; i < 6; ++i) {
        n2d2_graph *g = ew_graph(3, 2, keys[i], "Float64", 2);
        double err = kit_gradient_error(g, 2, (unsigned)(100 + i));
        ck_assert_msg(err < 1e-6, "case %d: gradient error %g", i, err);
        kit_free(g);
    }
    /* an Fc output reshaped and multiplied with the stimulus, then an Fc */
    n2d2_graph *g = kit_build_ok("DefaultDataType=Float64\n[sp]\nSizeX=4\nSizeY=1\n"
                                 "[f]\nInput=sp\nType=Fc\nNbOutputs=4\n"
                                 "[r]\nInput=f\nType=Reshape\nDims=4 1 1\n"
                                 "[s]\nInput=r,sp\nType=ElemWise\nNbOutputs=1\nOperation=Prod\n"
                                 "[o]\nInput=s\nType=Fc\nNbOutputs=3\n");
    n2d2_graph_request_input_grad(g);
    double err = kit_gradient_error(g, 3, 120);
    ck_assert_msg(err < 1e-6, "residual: gradient error %g", err);
    kit_free(g);
}
END_TEST

START_TEST(large_batches_match_direct_loops)
{
    enum { B = 32, C = 4, K = 3 * 128 };
    const char *keys = "Operation=EuclideanSum\nWeights=2 -1\nShifts=1 0";
    char text[1024];
    snprintf(text, sizeof text,
             "DefaultDataType=Float64\n[sp]\nSizeX=128\nSizeY=3\nNbChannels=4\n"
             "[a]\nInput=sp\nType=Scaling\nScaling=1 -1 2 0.5\n"
             "[e]\nInput=a,sp\nType=ElemWise\nNbOutputs=4\n%s\n", keys);
    n2d2_graph *g = kit_build_ok(text);
    n2d2_graph_request_input_grad(g);
    ck_assert_int_eq(n2d2_graph_allocate(g, B, 1), N2D2_OK);
    kit_set_random(n2d2_graph_input(g), 31, -2, 2);
    kit_set_random(n2d2_graph_output_grad(g, 0), 32, -1, 1);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    static double y[B * C * K], dx[B * C * K];
    const double f[C] = {1, -1, 2, 0.5};
    const n2d2_tensor *x = n2d2_graph_input(g), *dy = n2d2_graph_output_grad(g, 0);
    for (size_t i = 0; i < (size_t)B * C * K; ++i) {
        double v = n2d2_tensor_get(x, i), s = f[(i / K) % C];
        double u0 = 2 * s * v + 1, u1 = -v;
        y[i] = sqrt(u0 * u0 + u1 * u1);
        dx[i] = n2d2_tensor_get(dy, i) * (2 * s * u0 - u1) / y[i];
    }
    kit_expect(n2d2_graph_cell_output(g, 1), y, B * C * K, 1e-12);
    kit_expect(n2d2_graph_input_grad(g), dx, B * C * K, 1e-10);
    kit_free(g);
}
END_TEST

START_TEST(float32_matches_float64)
{
    const char *ops[] = {"Operation=Sum\nWeights=0.5 2", "Operation=AbsSum", "Operation=EuclideanSum",
                         "Operation=Prod", "Operation=Max"};
    for (int k = 0; k < 5; ++k) {
        n2d2_graph *g32 = ew_graph(2, 2, ops[k], "Float32", 3);
        n2d2_graph *g64 = ew_graph(2, 2, ops[k], "Float64", 3);
        n2d2_graph *gs[2] = {g32, g64};
        for (int j = 0; j < 2; ++j) {
            kit_set_random(n2d2_graph_input(gs[j]), 41, -2, 2);
            kit_set_random(n2d2_graph_output_grad(gs[j], 0), 42, -1, 1);
            ck_assert_int_eq(n2d2_graph_forward(gs[j], 1), N2D2_OK);
            ck_assert_int_eq(n2d2_graph_backward(gs[j]), N2D2_OK);
        }
        const n2d2_tensor *y32 = n2d2_graph_cell_output_of(g32, n2d2_graph_find_cell(g32, "e"));
        const n2d2_tensor *y64 = n2d2_graph_cell_output_of(g64, n2d2_graph_find_cell(g64, "e"));
        for (size_t i = 0; i < n2d2_tensor_numel(y64); ++i)
            ck_assert_msg(fabs(n2d2_tensor_get(y32, i) - n2d2_tensor_get(y64, i)) < 1e-5, "op %d y %zu", k, i);
        for (size_t i = 0; i < n2d2_tensor_numel(n2d2_graph_input_grad(g64)); ++i)
            ck_assert_msg(fabs(n2d2_tensor_get(n2d2_graph_input_grad(g32), i) -
                               n2d2_tensor_get(n2d2_graph_input_grad(g64), i)) < 1e-5,
                          "op %d dx %zu", k, i);
        kit_free(g32);
        kit_free(g64);
    }
}
END_TEST

#define TWO_INPUTS "[sp]\nSizeX=3\nSizeY=2\n[a]\nInput=sp\nType=Padding\nNbOutputs=1\nBottomPadding=-1\n"

START_TEST(bad_configurations)
{
    /* shapes differ: both inputs and their shapes, at the section's line */
    kit_expect_error(TWO_INPUTS "[e]\nInput=a,sp\nType=ElemWise\nNbOutputs=1\n", N2D2_ERR_SHAPE,
                     "net.ini:9: [e] (ElemWise): inputs [a] (1x1x3) and [sp] (1x2x3) differ");
    /* A46: the manual's Operation=Abs is refused with the valid list */
    kit_expect_error(TWO_INPUTS "[e]\nInput=a\nType=ElemWise\nNbOutputs=1\nOperation=Abs\n",
                     N2D2_ERR_INVAL,
                     "net.ini:13: Operation: 'Abs' is not one of "
                     "Sum|AbsSum|EuclideanSum|Prod|Max (did you mean AbsSum?)");
    kit_expect_error(TWO_INPUTS "[e]\nInput=a,a\nType=ElemWise\nNbOutputs=1\nWeights=1 2 3\n",
                     N2D2_ERR_INVAL, "Weights: 3 values for 2 inputs: give 1 or 2");
    kit_expect_error(TWO_INPUTS "[e]\nInput=a,a\nType=ElemWise\nNbOutputs=1\nCoeffMode=PerChannel\n"
                                "Shifts=1 2 3\n",
                     N2D2_ERR_INVAL, "Shifts: 3 values for 2 inputs of 1 channels");
    kit_expect_error(TWO_INPUTS "[e]\nInput=a,a\nType=ElemWise\nNbOutputs=1\nOperation=Prod\n"
                                "Shifts=1\n",
                     N2D2_ERR_INVAL, "shifts apply to Sum and EuclideanSum only");
    kit_expect_error(TWO_INPUTS "[e]\nInput=a,a\nType=ElemWise\nNbOutputs=1\nOperation=Max\n"
                                "Weights=2\n",
                     N2D2_ERR_INVAL, "weights apply to Sum, AbsSum and EuclideanSum only");
    kit_expect_error(TWO_INPUTS "[e]\nInput=a,a\nType=ElemWise\nNbOutputs=1\nCoeffMode=PerInput\n",
                     N2D2_ERR_NOT_IMPLEMENTED, "PerInput is not implemented yet");
    kit_expect_error(TWO_INPUTS "[e]\nInput=a,a\nType=ElemWise\nNbOutputs=2\n", N2D2_ERR_SHAPE,
                     "NbOutputs: 2, but [e] has 1 output channels");
    kit_expect_error(TWO_INPUTS "[e]\nInput=a,a\nType=ElemWise\n", N2D2_ERR_NOT_FOUND, "NbOutputs");
    /* neutral coefficients are accepted where they do not apply */
    n2d2_graph *g = kit_build_ok(TWO_INPUTS "[e]\nInput=a,a\nType=ElemWise\nNbOutputs=1\n"
                                            "Operation=Max\nWeights=1 1\nShifts=0\n");
    kit_free(g);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cell_elemwise");
    TCase *tc = tcase_create("elemwise");
    tcase_add_checked_fixture(tc, kit_setup, kit_teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, sum_with_weights_and_shifts);
    tcase_add_test(tc, abs_sum);
    tcase_add_test(tc, euclidean_sum);
    tcase_add_test(tc, product_of_three);
    tcase_add_test(tc, max_goes_to_the_first_largest);
    tcase_add_test(tc, single_input_scale_and_shift);
    tcase_add_test(tc, per_channel_coefficients);
    tcase_add_test(tc, same_input_twice_adds_gradients);
    tcase_add_test(tc, gradients_match_finite_differences);
    tcase_add_test(tc, large_batches_match_direct_loops);
    tcase_add_test(tc, float32_matches_float64);
    tcase_add_test(tc, bad_configurations);
    suite_add_tcase(s, tc);
    return kit_run(s);
}
