/* Pool (model Frame): max and average pooling by hand, padding handling
 * (A53: padding is not counted), channel maps (one-to-one, full, Maxout),
 * finite-difference gradients in Float64 and bad configurations. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cells_testkit.h"

static n2d2_graph *pool_graph(const char *keys, const char *sp, size_t batch)
{
    char text[2048];
    snprintf(text, sizeof text,
             "DefaultDataType=Float64\n[sp]\n%s\n[pool]\nInput=sp\nType=Pool\n%s\n", sp, keys);
    n2d2_graph *g = kit_build_ok(text);
    n2d2_graph_request_input_grad(g);
    ck_assert_int_eq(n2d2_graph_allocate(g, batch, 1), N2D2_OK);
    return g;
}

START_TEST(max_2x2_stride_2_by_hand)
{
    n2d2_graph *g = pool_graph("PoolSize=2\nStride=2\nNbOutputs=1\nPooling=Max",
                               "SizeX=4\nSizeY=4", 1);
    const double x[16] = {3, 1, 2, 9, 4, 0, 5, 5, -1, -2, 7, 7, -3, -4, 7, 6};
    kit_set(n2d2_graph_input(g), x, 16);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    const double want[4] = {4, 9, -1, 7};
    kit_expect(n2d2_graph_cell_output(g, 0), want, 4, 0);
    const double dy[4] = {1, 2, 3, 4};
    kit_set(n2d2_graph_output_grad(g, 0), dy, 4);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    /* ties go to the first (row-major) position of the window */
    const double dx[16] = {0, 0, 0, 2, 1, 0, 0, 0, 3, 0, 4, 0, 0, 0, 0, 0};
    kit_expect(n2d2_graph_input_grad(g), dx, 16, 0);
    kit_free(g);
}
END_TEST

START_TEST(generic_max_with_padding_by_hand)
{
    /* 3x3 window, stride 2, padding 1 over 1..9: every window holds its
     * bottom-right in-bounds value */
    n2d2_graph *g = pool_graph("PoolWidth=3\nPoolHeight=3\nStride=2\nPadding=1\nNbOutputs=1",
                               "SizeX=3\nSizeY=3", 1);
    const double x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    kit_set(n2d2_graph_input(g), x, 9);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    const double want[4] = {5, 6, 8, 9};
    kit_expect(n2d2_graph_cell_output(g, 0), want, 4, 0);
    kit_free(g);
}
END_TEST

START_TEST(average_excludes_padding)
{
    n2d2_graph *g = pool_graph("PoolSize=2\nPadding=1\nNbOutputs=1\nPooling=Average",
                               "SizeX=3\nSizeY=3", 1);
    const double x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    kit_set(n2d2_graph_input(g), x, 9);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    const double want[16] = {1,   1.5, 2.5, 3,   2.5, 3,   4,   4.5,
                             5.5, 6,   7,   7.5, 7,   7.5, 8.5, 9};
    kit_expect(n2d2_graph_cell_output(g, 0), want, 16, 1e-12);
    n2d2_tensor_fill(n2d2_graph_output_grad(g, 0), 1.0);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    /* corner: windows of 1, 2, 2 and 4 values; centre: four windows of 4 */
    const n2d2_tensor *gx = n2d2_graph_input_grad(g);
    ck_assert(fabs(n2d2_tensor_get(gx, 0) - 2.25) < 1e-12);
    ck_assert(fabs(n2d2_tensor_get(gx, 4) - 1.0) < 1e-12);
    kit_free(g);
}
END_TEST

START_TEST(channel_maps)
{
    const double x[8] = {1, 5, -2, 0, /* channel 0 */ 4, -1, 3, 2 /* channel 1 */};
    /* one-to-one */
    n2d2_graph *g = pool_graph("PoolSize=2\nNbOutputs=2\nMapping.Size=1", "SizeX=2\nSizeY=2\nNbChannels=2", 1);
    kit_set(n2d2_graph_input(g), x, 8);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    const double one[2] = {5, 4};
    kit_expect(n2d2_graph_cell_output(g, 0), one, 2, 0);
    kit_free(g);
    /* default map is full: the single output pools both channels */
    g = pool_graph("PoolSize=2\nNbOutputs=1\nPooling=Average", "SizeX=2\nSizeY=2\nNbChannels=2", 1);
    kit_set(n2d2_graph_input(g), x, 8);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    const double all = 12.0 / 8.0;
    kit_expect(n2d2_graph_cell_output(g, 0), &all, 1, 1e-12);
    kit_free(g);
}
END_TEST

START_TEST(maxout_example_of_the_manual)
{
    n2d2_graph *g = pool_graph("PoolWidth=1\nPoolHeight=1\nNbOutputs=4\nPooling=Max\n"
                               "Mapping.SizeY=2\nMapping.StrideY=2",
                               "SizeX=3\nSizeY=1\nNbChannels=8", 2);
    kit_set_random(n2d2_graph_input(g), 4, -1, 1);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    const n2d2_tensor *x = n2d2_graph_input(g), *y = n2d2_graph_cell_output(g, 0);
    for (size_t n = 0; n < 2; ++n)
        for (size_t o = 0; o < 4; ++o)
            for (size_t p = 0; p < 3; ++p) {
                double a = n2d2_tensor_get(x, (n * 8 + 2 * o) * 3 + p);
                double b = n2d2_tensor_get(x, (n * 8 + 2 * o + 1) * 3 + p);
                ck_assert(n2d2_tensor_get(y, (n * 4 + o) * 3 + p) == (a > b ? a : b));
            }
    ck_assert_uint_eq(n2d2_graph_cell_macs(g, 0), 8 * 3);
    kit_free(g);
}
END_TEST

START_TEST(gradients_match_finite_differences)
{
    const char *cases[] = {
        "PoolSize=3\nStride=2\nPadding=1\nNbOutputs=3\nPooling=Average\nMapping.Size=1",
        "PoolWidth=2\nPoolHeight=3\nStrideX=1\nStrideY=2\nNbOutputs=2\nPooling=Average",
        "PoolSize=2\nStride=2\nNbOutputs=3\nPooling=Max\nMapping.Size=1",
        "PoolSize=3\nStride=1\nPadding=1\nNbOutputs=2\nPooling=Max\nMapping.SizeY=2\nMapping.StrideY=1",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
        n2d2_graph *g = pool_graph(cases[i], "SizeX=5\nSizeY=6\nNbChannels=3", 3);
        double err = kit_gradient_error(g, 3, (unsigned)(20 + i));
        ck_assert_msg(err < 1e-6, "case %zu: gradient error %g", i, err);
        kit_free(g);
    }
}
END_TEST

/* Channel-wise pooling by direct loops: value and, for backward, the
 * gradient routed to the first maximum or spread over in-bounds values. */
static void reference_pool(int average, size_t B, size_t C, size_t H, size_t W, size_t k, size_t s,
                           size_t p, const double *x, const double *dy, double *y, double *dx)
{
    size_t oh = (H + 2 * p - k) / s + 1, ow = (W + 2 * p - k) / s + 1;
    memset(dx, 0, B * C * H * W * sizeof *dx);
    for (size_t n = 0; n < B * C; ++n)
        for (size_t oy = 0; oy < oh; ++oy)
            for (size_t ox = 0; ox < ow; ++ox) {
                double acc = 0, best = -INFINITY;
                size_t at = 0, count = 0;
                for (size_t ky = 0; ky < k; ++ky)
                    for (size_t kx = 0; kx < k; ++kx) {
                        long iy = (long)(oy * s + ky) - (long)p, ix = (long)(ox * s + kx) - (long)p;
                        if (iy < 0 || ix < 0 || iy >= (long)H || ix >= (long)W)
                            continue;
                        size_t i = n * H * W + (size_t)iy * W + (size_t)ix;
                        acc += x[i];
                        ++count;
                        if (x[i] > best) {
                            best = x[i];
                            at = i;
                        }
                    }
                size_t o = (n * oh + oy) * ow + ox;
                y[o] = average ? acc / (double)count : best;
                if (!average) {
                    dx[at] += dy[o];
                    continue;
                }
                for (size_t ky = 0; ky < k; ++ky)
                    for (size_t kx = 0; kx < k; ++kx) {
                        long iy = (long)(oy * s + ky) - (long)p, ix = (long)(ox * s + kx) - (long)p;
                        if (iy >= 0 && ix >= 0 && iy < (long)H && ix < (long)W)
                            dx[n * H * W + (size_t)iy * W + (size_t)ix] += dy[o] / (double)count;
                    }
            }
}

static void check_pool_reference(const char *keys, int average, size_t k, size_t s, size_t p)
{
    enum { B = 16, C = 6, H = 28, W = 28 };
    n2d2_graph *g = pool_graph(keys, "SizeX=28\nSizeY=28\nNbChannels=6", B);
    kit_set_random(n2d2_graph_input(g), 41, -1, 1);
    kit_set_random(n2d2_graph_output_grad(g, 0), 42, -1, 1);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    size_t ny = n2d2_tensor_numel(n2d2_graph_cell_output(g, 0));
    double *y = malloc(ny * sizeof *y), *dx = malloc(B * C * H * W * sizeof *dx);
    ck_assert_ptr_nonnull(y);
    ck_assert_ptr_nonnull(dx);
    reference_pool(average, B, C, H, W, k, s, p, n2d2_tensor_cdata(n2d2_graph_input(g)),
                   n2d2_tensor_cdata(n2d2_graph_output_grad(g, 0)), y, dx);
    kit_expect(n2d2_graph_cell_output(g, 0), y, ny, 1e-12);
    kit_expect(n2d2_graph_input_grad(g), dx, B * C * H * W, 1e-12);
    free(y);
    free(dx);
    kit_free(g);
}

START_TEST(large_batches_match_direct_loops)
{
    check_pool_reference("PoolSize=2\nStride=2\nNbOutputs=6\nMapping.Size=1", 0, 2, 2, 0);
    check_pool_reference("PoolSize=3\nStride=2\nPadding=1\nNbOutputs=6\nMapping.Size=1", 0, 3, 2, 1);
    check_pool_reference("PoolSize=3\nStride=2\nPadding=1\nNbOutputs=6\nMapping.Size=1\n"
                         "Pooling=Average", 1, 3, 2, 1);
}
END_TEST

START_TEST(float32_matches_float64)
{
    const char *net = "[sp]\nSizeX=9\nSizeY=8\nNbChannels=4\n"
                      "[p]\nInput=sp\nType=Pool\nPoolSize=3\nStride=2\nPadding=1\nNbOutputs=4\n"
                      "Mapping.Size=1\nPooling=Average\n";
    char text64[512];
    snprintf(text64, sizeof text64, "DefaultDataType=Float64\n%s", net);
    n2d2_graph *g32 = kit_build_ok(net), *g64 = kit_build_ok(text64);
    ck_assert_int_eq(n2d2_graph_allocate(g32, 3, 1), N2D2_OK);
    ck_assert_int_eq(n2d2_graph_allocate(g64, 3, 1), N2D2_OK);
    kit_set_random(n2d2_graph_input(g64), 8, -1, 1);
    ck_assert_int_eq(n2d2_tensor_copy(n2d2_graph_input(g32), n2d2_graph_input(g64)), N2D2_OK);
    ck_assert_int_eq(n2d2_graph_forward(g32, 0), N2D2_OK);
    ck_assert_int_eq(n2d2_graph_forward(g64, 0), N2D2_OK);
    const n2d2_tensor *a = n2d2_graph_cell_output(g32, 0), *b = n2d2_graph_cell_output(g64, 0);
    for (size_t i = 0; i < n2d2_tensor_numel(b); ++i)
        ck_assert(fabs(n2d2_tensor_get(a, i) - n2d2_tensor_get(b, i)) < 1e-6);
    kit_free(g32);
    kit_free(g64);
}
END_TEST

static void pool_error(const char *keys, n2d2_status code, const char *needle)
{
    char text[1024];
    snprintf(text, sizeof text, "[sp]\nSizeX=4\nSizeY=4\nNbChannels=2\n[pool]\nInput=sp\nType=Pool\n%s\n", keys);
    kit_expect_error(text, code, needle);
}

START_TEST(bad_configurations)
{
    pool_error("PoolSize=2\nNbOutputs=2\nPooling=Min", N2D2_ERR_INVAL, "Max");
    pool_error("PoolSize=2\nNbOutputs=2\nPooling=Min", N2D2_ERR_INVAL, "Average");
    pool_error("PoolSize=2\nPoolWidth=2\nNbOutputs=2", N2D2_ERR_INVAL, "cannot be combined with PoolSize");
    /* 3-D windows need {C, D, H, W} inputs (test_pool3d.c) */
    pool_error("PoolDims=2 2 2\nNbOutputs=2", N2D2_ERR_SHAPE,
               "net.ini:8: PoolDims: a depth (3-D) value for the 2-D input 2x4x4 of [sp]");
    pool_error("PoolDims=2 2 2 2\nNbOutputs=2", N2D2_ERR_NOT_IMPLEMENTED, "not implemented yet");
    pool_error("PoolSize=2\nPoolDepth=2\nNbOutputs=2", N2D2_ERR_SHAPE, "PoolDepth: a depth (3-D)");
    pool_error("NbOutputs=2", N2D2_ERR_NOT_FOUND, "missing window size");
    pool_error("PoolSize=2", N2D2_ERR_NOT_FOUND, "NbOutputs");
    pool_error("PoolSize=5\nNbOutputs=2", N2D2_ERR_SHAPE, "exceeds the padded input");
    pool_error("PoolSize=2\nPadding=2\nNbOutputs=2", N2D2_ERR_INVAL, "must be smaller than the pooling window");
    pool_error("PoolSize=0\nNbOutputs=2", N2D2_ERR_RANGE, "PoolSize");
    pool_error("PoolSize=2\nNbOutputs=2\nIncomingDelay=1 TimePs", N2D2_ERR_UNSUPPORTED, "Spike models only");
    pool_error("PoolSize=2\nNbOutputs=3\nMapping.NbGroups=2", N2D2_ERR_SHAPE, "must divide");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cell_pool");
    TCase *tc = tcase_create("pool");
    tcase_add_checked_fixture(tc, kit_setup, kit_teardown);
    tcase_add_test(tc, max_2x2_stride_2_by_hand);
    tcase_add_test(tc, generic_max_with_padding_by_hand);
    tcase_add_test(tc, average_excludes_padding);
    tcase_add_test(tc, channel_maps);
    tcase_add_test(tc, maxout_example_of_the_manual);
    tcase_add_test(tc, gradients_match_finite_differences);
    tcase_add_test(tc, large_batches_match_direct_loops);
    tcase_add_test(tc, float32_matches_float64);
    tcase_add_test(tc, bad_configurations);
    suite_add_tcase(s, tc);
    return kit_run(s);
}
