/* Normalize (model Frame): L1 and L2 normalisation of the channel vector
 * at each position (A51) by hand, including an all-zero vector, exact
 * backward by hand and by finite differences in Float64, batches split
 * over threads against direct loops, Float32/Float64 agreement and bad
 * configurations. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cells_testkit.h"

static n2d2_graph *normalize_graph(const char *keys, const char *sp, const char *dtype, size_t batch)
{
    char text[2048];
    snprintf(text, sizeof text,
             "DefaultDataType=%s\n[sp]\n%s\n[norm]\nInput=sp\nType=Normalize\n%s\n", dtype, sp, keys);
    n2d2_graph *g = kit_build_ok(text);
    n2d2_graph_request_input_grad(g);
    ck_assert_int_eq(n2d2_graph_allocate(g, batch, 1), N2D2_OK);
    return g;
}

/* Two channels at three positions: (3, 4), (0, 0), (-1, 3). */
static const double x6[6] = {3, 0, -1, 4, 0, 3};

static n2d2_graph *tiny(const char *norm, const double *want)
{
    char keys[64];
    snprintf(keys, sizeof keys, "NbOutputs=2\nNorm=%s", norm);
    n2d2_graph *g = normalize_graph(keys, "SizeX=3\nSizeY=1\nNbChannels=2", "Float64", 1);
    kit_set(n2d2_graph_input(g), x6, 6);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    kit_expect(n2d2_graph_cell_output(g, 0), want, 6, 1e-10);
    return g;
}

START_TEST(l2_by_hand)
{
    const double want[6] = {0.6, 0, -1 / sqrt(10.0), 0.8, 0, 3 / sqrt(10.0)};
    n2d2_graph *g = tiny("L2", want);
    /* dx = (dy - y (y . dy)) / |x| at the first position, dy = (1, 0) */
    const double dy[6] = {1, 0, 0, 0, 0, 0};
    kit_set(n2d2_graph_output_grad(g, 0), dy, 6);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    const double dx[6] = {0.128, 0, 0, -0.096, 0, 0};
    kit_expect(n2d2_graph_input_grad(g), dx, 6, 1e-10);
    ck_assert_uint_eq(n2d2_graph_cell_macs(g, 0), 12);
    kit_free(g);
}
END_TEST

START_TEST(l1_by_hand)
{
    const double want[6] = {3.0 / 7, 0, -0.25, 4.0 / 7, 0, 0.75};
    n2d2_graph *g = tiny("L1", want);
    /* dx = (dy - sign(x) (y . dy)) / |x|_1: (1 - 3/7, -3/7) / 7 */
    const double dy[6] = {1, 0, 0, 0, 0, 0};
    kit_set(n2d2_graph_output_grad(g, 0), dy, 6);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    const double dx[6] = {4.0 / 49, 0, 0, -3.0 / 49, 0, 0};
    kit_expect(n2d2_graph_input_grad(g), dx, 6, 1e-10);
    kit_free(g);
}
END_TEST

START_TEST(gradients_match_finite_differences)
{
    const char *norms[] = {"L1", "L2"};
    for (int k = 0; k < 2; ++k)
        for (size_t batch = 1; batch <= 3; batch += 2) {
            char keys[64];
            snprintf(keys, sizeof keys, "NbOutputs=5\nNorm=%s", norms[k]);
            n2d2_graph *g = normalize_graph(keys, "SizeX=3\nSizeY=5\nNbChannels=5", "Float64", batch);
            double err = kit_gradient_error(g, batch, (unsigned)(k * 10 + batch));
            ck_assert_msg(err < 1e-7, "%s batch %zu: gradient error %g", norms[k], batch, err);
            kit_free(g);
        }
}
END_TEST

START_TEST(large_batches_match_direct_loops)
{
    enum { B = 12, C = 9, P = 7 * 11 };
    for (int l2 = 0; l2 < 2; ++l2) {
        n2d2_graph *g = normalize_graph(l2 ? "NbOutputs=9\nNorm=L2" : "NbOutputs=9\nNorm=L1",
                                        "SizeX=7\nSizeY=11\nNbChannels=9", "Float64", B);
        kit_set_random(n2d2_graph_input(g), 5, -1, 1);
        kit_set_random(n2d2_graph_output_grad(g, 0), 6, -1, 1);
        ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
        ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
        const double *x = n2d2_tensor_cdata(n2d2_graph_input(g));
        const double *dy = n2d2_tensor_cdata(n2d2_graph_output_grad(g, 0));
        const n2d2_tensor *y = n2d2_graph_cell_output(g, 0), *dx = n2d2_graph_input_grad(g);
        for (size_t b = 0; b < B; ++b)
            for (size_t p = 0; p < P; ++p) {
                double norm = 0, dot = 0;
                for (size_t c = 0; c < C; ++c) {
                    const double v = x[(b * C + c) * P + p];
                    norm += l2 ? v * v : fabs(v);
                }
                norm = l2 ? sqrt(norm) : norm;
                for (size_t c = 0; c < C; ++c)
                    dot += x[(b * C + c) * P + p] / norm * dy[(b * C + c) * P + p];
                for (size_t c = 0; c < C; ++c) {
                    const size_t i = (b * C + c) * P + p;
                    const double dir = l2 ? x[i] / norm : (x[i] > 0) - (x[i] < 0);
                    ck_assert(fabs(n2d2_tensor_get(y, i) - x[i] / norm) < 1e-12);
                    ck_assert(fabs(n2d2_tensor_get(dx, i) - (dy[i] - dir * dot) / norm) < 1e-10);
                }
            }
        kit_free(g);
    }
}
END_TEST

START_TEST(float32_matches_float64)
{
    const char *norms[] = {"NbOutputs=4\nNorm=L1", "NbOutputs=4\nNorm=L2"};
    for (int k = 0; k < 2; ++k) {
        const char *sp = "SizeX=5\nSizeY=3\nNbChannels=4";
        n2d2_graph *g32 = normalize_graph(norms[k], sp, "Float32", 3);
        n2d2_graph *g64 = normalize_graph(norms[k], sp, "Float64", 3);
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
        for (size_t p = 0; p < 2; ++p)
            for (size_t i = 0; i < n2d2_tensor_numel(pairs[p][1]); ++i) {
                double a = n2d2_tensor_get(pairs[p][0], i), b = n2d2_tensor_get(pairs[p][1], i);
                ck_assert_msg(fabs(a - b) <= 1e-5 * (1 + fabs(b)), "%d pair %zu item %zu", k, p, i);
            }
        kit_free(g32);
        kit_free(g64);
    }
}
END_TEST

static void normalize_error(const char *keys, n2d2_status code, const char *needle)
{
    char text[1024];
    snprintf(text, sizeof text,
             "[sp]\nSizeX=4\nSizeY=4\nNbChannels=3\n[norm]\nInput=sp\nType=Normalize\n%s\n", keys);
    kit_expect_error(text, code, needle);
}

START_TEST(bad_configurations)
{
    normalize_error("NbOutputs=3", N2D2_ERR_NOT_FOUND, "Norm");
    normalize_error("NbOutputs=3\nNorm=L3", N2D2_ERR_INVAL, "net.ini:9: Norm: 'L3' is not one of L1|L2");
    normalize_error("NbOutputs=2\nNorm=L2", N2D2_ERR_SHAPE,
                    "net.ini:8: NbOutputs: NbOutputs=2 but the input of [norm] has 3 channels");
    normalize_error("Norm=L2", N2D2_ERR_NOT_FOUND, "NbOutputs");
}
END_TEST

/* Two layers read the stimuli: their input gradients add up. */
START_TEST(two_consumers_accumulate_input_gradients)
{
    n2d2_graph *g = kit_build_ok("DefaultDataType=Float64\n[sp]\nSizeX=3\nSizeY=2\nNbChannels=4\n"
                                 "[a]\nInput=sp\nType=Normalize\nNbOutputs=4\nNorm=L1\n"
                                 "[b]\nInput=sp\nType=Normalize\nNbOutputs=4\nNorm=L2\n"
                                 "[c]\nInput=a,b\nType=Conv\nKernelSize=1\nNbOutputs=2\n");
    n2d2_graph_request_input_grad(g);
    double err = kit_gradient_error(g, 3, 78);
    ck_assert_msg(err < 1e-7, "gradient error %g", err);
    kit_free(g);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cell_normalize");
    TCase *tc = tcase_create("normalize");
    tcase_add_checked_fixture(tc, kit_setup, kit_teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, l2_by_hand);
    tcase_add_test(tc, l1_by_hand);
    tcase_add_test(tc, gradients_match_finite_differences);
    tcase_add_test(tc, two_consumers_accumulate_input_gradients);
    tcase_add_test(tc, large_batches_match_direct_loops);
    tcase_add_test(tc, float32_matches_float64);
    tcase_add_test(tc, bad_configurations);
    suite_add_tcase(s, tc);
    return kit_run(s);
}
