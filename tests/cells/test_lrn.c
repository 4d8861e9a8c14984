/* LRN (model Frame): the A50 formula by hand (window edges, even N, Beta
 * 1, 0.5 and the default 0.75), exact backward by hand and by finite
 * differences in Float64, a direct reference on batches large enough to
 * be split over threads, Float32/Float64 agreement and bad
 * configurations. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cells_testkit.h"

static n2d2_graph *lrn_graph(const char *keys, const char *sp, const char *dtype, size_t batch)
{
    char text[2048];
    snprintf(text, sizeof text, "DefaultDataType=%s\n[sp]\n%s\n[lrn]\nInput=sp\nType=LRN\n%s\n", dtype,
             sp, keys);
    n2d2_graph *g = kit_build_ok(text);
    n2d2_graph_request_input_grad(g);
    ck_assert_int_eq(n2d2_graph_allocate(g, batch, 1), N2D2_OK);
    return g;
}

static const double x3[3] = {1, 2, 3};

static n2d2_graph *three_channels(const char *keys, const double *want)
{
    n2d2_graph *g = lrn_graph(keys, "SizeX=1\nSizeY=1\nNbChannels=3", "Float64", 1);
    kit_set(n2d2_graph_input(g), x3, 3);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    kit_expect(n2d2_graph_cell_output(g, 0), want, 3, 1e-14);
    return g;
}

START_TEST(forward_by_hand)
{
    /* N=3: windows {0,1}, {0,1,2}, {1,2}; bases 1 + 5, 1 + 14, 1 + 13 */
    const double beta1[3] = {1.0 / 6, 2.0 / 15, 3.0 / 14};
    kit_free(three_channels("NbOutputs=3\nN=3\nAlpha=1\nBeta=1\nK=1", beta1));
    /* even N=2 uses the same window (i - 1 .. i + 1, A50) */
    kit_free(three_channels("NbOutputs=3\nN=2\nAlpha=1\nBeta=1\nK=1", beta1));
    const double half[3] = {1 / sqrt(6.0), 2 / sqrt(15.0), 3 / sqrt(14.0)};
    kit_free(three_channels("NbOutputs=3\nN=3\nAlpha=1\nBeta=0.5\nK=1", half));
    /* N=1: each channel alone, alpha 0.5, k 2 */
    const double alone[3] = {1 / 2.5, 2 / 4.0, 3 / 6.5};
    kit_free(three_channels("NbOutputs=3\nN=1\nAlpha=0.5\nBeta=1\nK=2", alone));
    /* the manual's defaults: N 5, alpha 1e-4, beta 0.75, k 2 */
    const double s = 2 + 1e-4 * 14;
    const double dflt[3] = {1 * pow(s, -0.75), 2 * pow(s, -0.75), 3 * pow(s, -0.75)};
    n2d2_graph *g = three_channels("NbOutputs=3", dflt);
    ck_assert_uint_eq(n2d2_graph_cell_macs(g, 0), 3 * 5);
    kit_free(g);
}
END_TEST

START_TEST(backward_by_hand)
{
    const double beta1[3] = {1.0 / 6, 2.0 / 15, 3.0 / 14};
    n2d2_graph *g = three_channels("NbOutputs=3\nN=3\nAlpha=1\nBeta=1\nK=1", beta1);
    /* b0 = a0 / (1 + a0^2 + a1^2): d/da0 = (6 - 2) / 36, d/da1 = -4 / 36,
     * a2 is outside its window */
    const double dy[3] = {1, 0, 0}, dx[3] = {1.0 / 9, -1.0 / 9, 0};
    kit_set(n2d2_graph_output_grad(g, 0), dy, 3);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    kit_expect(n2d2_graph_input_grad(g), dx, 3, 1e-14);
    kit_free(g);
}
END_TEST

START_TEST(gradients_match_finite_differences)
{
    const char *cases[] = {
        "NbOutputs=7\nN=3\nAlpha=0.5\nBeta=0.75\nK=1",
        "NbOutputs=7\nN=4\nAlpha=0.3\nBeta=0.6\nK=1.5",
        "NbOutputs=7\nN=9\nAlpha=1\nBeta=1.3\nK=0.5",
        "NbOutputs=7",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i)
        for (size_t batch = 1; batch <= 3; batch += 2) {
            n2d2_graph *g = lrn_graph(cases[i], "SizeX=4\nSizeY=3\nNbChannels=7", "Float64", batch);
            double err = kit_gradient_error(g, batch, (unsigned)(10 * i + batch));
            ck_assert_msg(err < 1e-7, "case %zu batch %zu: gradient error %g", i, batch, err);
            kit_free(g);
        }
}
END_TEST

/* Direct loops over the formula and its derivative. */
static void reference(size_t B, size_t C, size_t P, size_t n, double alpha, double beta, double k,
                      const double *x, const double *dy, double *y, double *dx)
{
    const long half = (long)(n / 2);
    for (size_t b = 0; b < B; ++b)
        for (size_t p = 0; p < P; ++p) {
            const double *xb = x + b * C * P + p, *dyb = dy + b * C * P + p;
            for (long m = 0; m < (long)C; ++m) {
                double grad = 0, sm = k;
                for (long j = m - half; j <= m + half; ++j)
                    if (j >= 0 && j < (long)C)
                        sm += alpha * xb[j * (long)P] * xb[j * (long)P];
                y[b * C * P + (size_t)m * P + p] = xb[m * (long)P] * pow(sm, -beta);
                /* d b_i / d a_m for every i whose window holds m */
                for (long i = m - half; i <= m + half; ++i) {
                    if (i < 0 || i >= (long)C)
                        continue;
                    double si = k;
                    for (long j = i - half; j <= i + half; ++j)
                        if (j >= 0 && j < (long)C)
                            si += alpha * xb[j * (long)P] * xb[j * (long)P];
                    double d = -beta * xb[i * (long)P] * pow(si, -beta - 1) * 2 * alpha * xb[m * (long)P];
                    if (i == m)
                        d += pow(si, -beta);
                    grad += dyb[i * (long)P] * d;
                }
                dx[b * C * P + (size_t)m * P + p] = grad;
            }
        }
}

START_TEST(large_batches_match_direct_loops)
{
    enum { B = 16, C = 10, H = 9, W = 7 };
    n2d2_graph *g = lrn_graph("NbOutputs=10\nN=5\nAlpha=0.2\nBeta=0.75\nK=2", "SizeX=7\nSizeY=9\nNbChannels=10",
                              "Float64", B);
    kit_set_random(n2d2_graph_input(g), 41, -2, 2);
    kit_set_random(n2d2_graph_output_grad(g, 0), 42, -1, 1);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    const size_t n = B * C * H * W;
    double *y = malloc(n * sizeof *y), *dx = malloc(n * sizeof *dx);
    ck_assert_ptr_nonnull(y);
    ck_assert_ptr_nonnull(dx);
    reference(B, C, H * W, 5, 0.2, 0.75, 2, n2d2_tensor_cdata(n2d2_graph_input(g)),
              n2d2_tensor_cdata(n2d2_graph_output_grad(g, 0)), y, dx);
    kit_expect(n2d2_graph_cell_output(g, 0), y, n, 1e-12);
    kit_expect(n2d2_graph_input_grad(g), dx, n, 1e-12);
    free(y);
    free(dx);
    kit_free(g);
}
END_TEST

START_TEST(float32_matches_float64)
{
    const char *keys = "NbOutputs=6\nN=5\nAlpha=0.1\nBeta=0.75\nK=1";
    const char *sp = "SizeX=5\nSizeY=3\nNbChannels=6";
    n2d2_graph *g32 = lrn_graph(keys, sp, "Float32", 3), *g64 = lrn_graph(keys, sp, "Float64", 3);
    n2d2_graph *gs[2] = {g32, g64};
    for (int k = 0; k < 2; ++k) {
        kit_set_random(n2d2_graph_input(gs[k]), 2, -1, 1);
        ck_assert_int_eq(n2d2_graph_forward(gs[k], 1), N2D2_OK);
        kit_set_random(n2d2_graph_output_grad(gs[k], 0), 3, -1, 1);
        ck_assert_int_eq(n2d2_graph_backward(gs[k]), N2D2_OK);
    }
    const n2d2_tensor *pairs[][2] = {
        {n2d2_graph_cell_output(g32, 0), n2d2_graph_cell_output(g64, 0)},
        {n2d2_graph_input_grad(g32), n2d2_graph_input_grad(g64)},
    };
    for (size_t p = 0; p < 2; ++p)
        for (size_t i = 0; i < n2d2_tensor_numel(pairs[p][1]); ++i) {
            double a = n2d2_tensor_get(pairs[p][0], i), b = n2d2_tensor_get(pairs[p][1], i);
            ck_assert_msg(fabs(a - b) <= 1e-5 * (1 + fabs(b)), "pair %zu item %zu: %g vs %g", p, i, a, b);
        }
    kit_free(g32);
    kit_free(g64);
}
END_TEST

static void lrn_error(const char *keys, n2d2_status code, const char *needle)
{
    char text[1024];
    snprintf(text, sizeof text, "[sp]\nSizeX=4\nSizeY=4\nNbChannels=3\n[lrn]\nInput=sp\nType=LRN\n%s\n",
             keys);
    kit_expect_error(text, code, needle);
}

START_TEST(bad_configurations)
{
    lrn_error("NbOutputs=4", N2D2_ERR_SHAPE, "net.ini:8: NbOutputs: NbOutputs=4 but the input of [lrn] has 3 channels");
    lrn_error("NbOutputs=3\nK=0", N2D2_ERR_RANGE, "net.ini:9: K: must be positive, got 0");
    lrn_error("NbOutputs=3\nAlpha=-1", N2D2_ERR_RANGE, "Alpha");
    lrn_error("NbOutputs=3\nN=0", N2D2_ERR_RANGE, "N");
    lrn_error("N=3", N2D2_ERR_NOT_FOUND, "NbOutputs");
    lrn_error("NbOutputs=3\nBeta=fast", N2D2_ERR_INVAL, "Beta");
}
END_TEST

/* Two layers read the stimuli: their input gradients add up. */
START_TEST(two_consumers_accumulate_input_gradients)
{
    n2d2_graph *g = kit_build_ok("DefaultDataType=Float64\n[sp]\nSizeX=3\nSizeY=2\nNbChannels=4\n"
                                 "[a]\nInput=sp\nType=LRN\nNbOutputs=4\nN=3\nAlpha=0.5\n"
                                 "[b]\nInput=sp\nType=LRN\nNbOutputs=4\nN=1\nAlpha=1\nBeta=0.5\n"
                                 "[c]\nInput=a,b\nType=Conv\nKernelSize=1\nNbOutputs=2\n");
    n2d2_graph_request_input_grad(g);
    double err = kit_gradient_error(g, 3, 77);
    ck_assert_msg(err < 1e-7, "gradient error %g", err);
    kit_free(g);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cell_lrn");
    TCase *tc = tcase_create("lrn");
    tcase_add_checked_fixture(tc, kit_setup, kit_teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, forward_by_hand);
    tcase_add_test(tc, backward_by_hand);
    tcase_add_test(tc, gradients_match_finite_differences);
    tcase_add_test(tc, two_consumers_accumulate_input_gradients);
    tcase_add_test(tc, large_batches_match_direct_loops);
    tcase_add_test(tc, float32_matches_float64);
    tcase_add_test(tc, bad_configurations);
    suite_add_tcase(s, tc);
    return kit_run(s);
}
