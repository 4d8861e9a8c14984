/* Unpool (model Frame): max unpooling at the positions a Pool found (by
 * hand, and equal to the Pool's own positions on random data with maps and
 * padding), average unpooling by hand and as the adjoint of average
 * pooling (A58), finite-difference gradients in Float64, Float32/Float64
 * agreement and bad configurations. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cells_testkit.h"

/* sp -> pool -> unpool: N2D2's single-input form (Input=pool, ArgMax=pool);
 * the graph appends the pool's input, sp, as the unpool's second input. */
static n2d2_graph *pool_unpool(const char *pool_keys, const char *unpool_keys, const char *sp,
                               const char *dtype, size_t batch)
{
    char text[2048];
    snprintf(text, sizeof text,
             "DefaultDataType=%s\n[sp]\n%s\n[pool]\nInput=sp\nType=Pool\n%s\n"
             "[unpool]\nInput=pool\nType=Unpool\nArgMax=pool\n%s\n",
             dtype, sp, pool_keys, unpool_keys);
    n2d2_graph *g = kit_build_ok(text);
    n2d2_graph_request_input_grad(g);
    ck_assert_int_eq(n2d2_graph_allocate(g, batch, 1), N2D2_OK);
    return g;
}

START_TEST(max_by_hand)
{
    n2d2_graph *g = pool_unpool("PoolSize=2\nStride=2\nNbOutputs=1",
                                "PoolSize=2\nStride=2\nNbOutputs=1\nPooling=Max", "SizeX=4\nSizeY=4",
                                "Float64", 1);
    const double x[16] = {3, 1, 2, 9, 4, 0, 5, 5, -1, -2, 7, 7, -3, -4, 7, 6};
    kit_set(n2d2_graph_input(g), x, 16);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    /* maxima 4, 9, -1, 7 go back where they were (ties: the first one) */
    const double want[16] = {0, 0, 0, 9, 4, 0, 0, 0, -1, 0, 7, 0, 0, 0, 0, 0};
    kit_expect(n2d2_graph_cell_output(g, 1), want, 16, 0);
    double dy[16];
    for (int i = 0; i < 16; ++i)
        dy[i] = i + 1;
    kit_set(n2d2_graph_output_grad(g, 0), dy, 16);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    /* unpool gathers dy at the maxima {5, 4, 9, 11}; the pool sends them
     * back there; the unpool's second input adds nothing */
    const double dx[16] = {0, 0, 0, 4, 5, 0, 0, 0, 9, 0, 11, 0, 0, 0, 0, 0};
    kit_expect(n2d2_graph_input_grad(g), dx, 16, 0);
    ck_assert_uint_eq(n2d2_graph_cell_macs(g, 1), 4);
    kit_free(g);
}
END_TEST

static n2d2_graph *unpool_graph(const char *keys, const char *sp, size_t batch)
{
    char text[2048];
    snprintf(text, sizeof text,
             "DefaultDataType=Float64\n[sp]\n%s\n[unpool]\nInput=sp\nType=Unpool\n%s\n", sp, keys);
    n2d2_graph *g = kit_build_ok(text);
    n2d2_graph_request_input_grad(g);
    ck_assert_int_eq(n2d2_graph_allocate(g, batch, 1), N2D2_OK);
    return g;
}

START_TEST(average_by_hand)
{
    /* without padding each value is spread over its 2x2 block */
    n2d2_graph *g = unpool_graph("PoolSize=2\nStride=2\nNbOutputs=1\nPooling=Average",
                                 "SizeX=2\nSizeY=2", 1);
    const double x[4] = {4, 8, 12, 16};
    kit_set(n2d2_graph_input(g), x, 4);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    const double blocks[16] = {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4};
    kit_expect(n2d2_graph_cell_output(g, 0), blocks, 16, 1e-12);
    kit_free(g);
    /* 3x3 windows, stride 2, padding 1: out = (2 - 1) 2 - 2 + 3 = 3; every
     * window holds 2 x 2 in-bounds positions (padding is not counted) */
    g = unpool_graph("PoolSize=3\nStride=2\nPadding=1\nNbOutputs=1\nPooling=Average",
                     "SizeX=2\nSizeY=2", 1);
    kit_set(n2d2_graph_input(g), x, 4);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    const double want[9] = {1, 3, 2, 4, 10, 6, 3, 7, 4};
    kit_expect(n2d2_graph_cell_output(g, 0), want, 9, 1e-12);
    const double dy[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    kit_set(n2d2_graph_output_grad(g, 0), dy, 9);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    const double dx[4] = {3, 4, 6, 7};
    kit_expect(n2d2_graph_input_grad(g), dx, 4, 1e-12);
    ck_assert_uint_eq(n2d2_graph_cell_macs(g, 0), 9 * 4);
    kit_free(g);
}
END_TEST

/* <avgpool(x), y> = <x, avgunpool(y)> for the same window keys and
 * transposed maps (pool: output o pools channels 2o, 2o + 1; unpool: input
 * i feeds outputs 2i, 2i + 1), odd sizes, padding. */
START_TEST(average_is_the_adjoint_of_average_pooling)
{
    const char *geo = "PoolSize=3\nStride=2\nPadding=1\nPooling=Average";
    char text[1024];
    snprintf(text, sizeof text,
             "DefaultDataType=Float64\n[sp]\nSizeX=7\nSizeY=5\nNbChannels=4\n[pool]\nInput=sp\n"
             "Type=Pool\nNbOutputs=2\nMapping.SizeY=2\nMapping.StrideY=2\n%s\n", geo);
    n2d2_graph *gp = kit_build_ok(text);
    snprintf(text, sizeof text,
             "DefaultDataType=Float64\n[sp]\nSizeX=4\nSizeY=3\nNbChannels=2\n[unpool]\nInput=sp\n"
             "Type=Unpool\nNbOutputs=4\nMapping.SizeX=2\nMapping.StrideX=2\n%s\n", geo);
    n2d2_graph *gu = kit_build_ok(text);
    ck_assert_int_eq(n2d2_graph_allocate(gp, 3, 0), N2D2_OK);
    ck_assert_int_eq(n2d2_graph_allocate(gu, 3, 0), N2D2_OK);
    kit_set_random(n2d2_graph_input(gp), 1, -1, 1);
    kit_set_random(n2d2_graph_input(gu), 2, -1, 1);
    ck_assert_int_eq(n2d2_graph_forward(gp, 0), N2D2_OK);
    ck_assert_int_eq(n2d2_graph_forward(gu, 0), N2D2_OK);
    const n2d2_tensor *px = n2d2_graph_cell_output(gp, 0), *uy = n2d2_graph_cell_output(gu, 0);
    const n2d2_tensor *x = n2d2_graph_input(gp), *y = n2d2_graph_input(gu);
    ck_assert_uint_eq(n2d2_tensor_numel(px), n2d2_tensor_numel(y));
    ck_assert_uint_eq(n2d2_tensor_numel(uy), n2d2_tensor_numel(x));
    double left = 0, right = 0;
    for (size_t i = 0; i < n2d2_tensor_numel(y); ++i)
        left += n2d2_tensor_get(px, i) * n2d2_tensor_get(y, i);
    for (size_t i = 0; i < n2d2_tensor_numel(x); ++i)
        right += n2d2_tensor_get(x, i) * n2d2_tensor_get(uy, i);
    ck_assert_msg(fabs(left - right) < 1e-12 * (1 + fabs(left)), "%.17g vs %.17g", left, right);
    kit_free(gp);
    kit_free(gu);
}
END_TEST

/* Max unpooling of pool(x) puts x[j] once per window whose maximum is at
 * j: it must equal x times the pool's own backward of ones (which counts
 * the windows that chose j), for random data, padding and maps. */
static void check_positions_match_pool(const char *pool_keys, const char *unpool_keys,
                                       const char *sp, size_t batch)
{
    char text[2048];
    snprintf(text, sizeof text,
             "DefaultDataType=Float64\n[sp]\n%s\n[pool]\nInput=sp\nType=Pool\n%s\n", sp, pool_keys);
    n2d2_graph *gp = kit_build_ok(text);
    n2d2_graph_request_input_grad(gp);
    ck_assert_int_eq(n2d2_graph_allocate(gp, batch, 1), N2D2_OK);
    n2d2_graph *gu = pool_unpool(pool_keys, unpool_keys, sp, "Float64", batch);
    kit_set_random(n2d2_graph_input(gp), 17, -1, 1);
    ck_assert_int_eq(n2d2_tensor_copy(n2d2_graph_input(gu), n2d2_graph_input(gp)), N2D2_OK);
    ck_assert_int_eq(n2d2_graph_forward(gp, 1), N2D2_OK);
    n2d2_tensor_fill(n2d2_graph_output_grad(gp, 0), 1.0);
    ck_assert_int_eq(n2d2_graph_backward(gp), N2D2_OK);
    ck_assert_int_eq(n2d2_graph_forward(gu, 1), N2D2_OK);
    const n2d2_tensor *x = n2d2_graph_input(gp), *counts = n2d2_graph_input_grad(gp);
    const n2d2_tensor *y = n2d2_graph_cell_output(gu, 1);
    ck_assert_uint_eq(n2d2_tensor_numel(y), n2d2_tensor_numel(x));
    size_t hits = 0;
    for (size_t i = 0; i < n2d2_tensor_numel(x); ++i) {
        const double want = n2d2_tensor_get(x, i) * n2d2_tensor_get(counts, i);
        ck_assert_msg(fabs(n2d2_tensor_get(y, i) - want) < 1e-12, "item %zu: %g vs %g", i,
                      n2d2_tensor_get(y, i), want);
        hits += n2d2_tensor_get(counts, i) != 0;
    }
    ck_assert_uint_gt(hits, 0);
    kit_free(gp);
    kit_free(gu);
}

START_TEST(max_positions_are_the_pool_positions)
{
    check_positions_match_pool("PoolSize=2\nStride=2\nNbOutputs=3\nMapping.Size=1",
                               "PoolSize=2\nStride=2\nNbOutputs=3\nMapping.Size=1",
                               "SizeX=28\nSizeY=28\nNbChannels=3", 4);
    check_positions_match_pool("PoolSize=3\nStride=2\nPadding=1\nNbOutputs=2\nMapping.Size=1",
                               "PoolSize=3\nStride=2\nPadding=1\nNbOutputs=2\nMapping.Size=1",
                               "SizeX=9\nSizeY=6\nNbChannels=2", 3);
    /* Maxout: pool output o over channels 2o, 2o + 1; the unpool map is its
     * transpose (input i to outputs 2i, 2i + 1) */
    check_positions_match_pool("PoolWidth=2\nPoolHeight=1\nStrideX=2\nNbOutputs=2\n"
                               "Mapping.SizeY=2\nMapping.StrideY=2",
                               "PoolWidth=2\nPoolHeight=1\nStrideX=2\nNbOutputs=4\n"
                               "Mapping.SizeX=2\nMapping.StrideX=2",
                               "SizeX=7\nSizeY=3\nNbChannels=4", 1);
    /* overlapping windows (stride 1) share maxima: values add up */
    check_positions_match_pool("PoolSize=3\nStride=1\nNbOutputs=1",
                               "PoolSize=3\nStride=1\nNbOutputs=1", "SizeX=6\nSizeY=5", 2);
}
END_TEST

START_TEST(gradients_match_finite_differences)
{
    /* max: data through a 1x1 convolution, so the unpooled values differ
     * from the positions' source */
    const char *max_net =
        "DefaultDataType=Float64\n[sp]\nSizeX=7\nSizeY=6\nNbChannels=2\n"
        "[pool]\nInput=sp\nType=Pool\nPoolSize=3\nStride=2\nPadding=1\nNbOutputs=2\nMapping.Size=1\n"
        "[conv]\nInput=pool\nType=Conv\nKernelSize=1\nNbOutputs=2\n"
        "[unpool]\nInput=conv,sp\nType=Unpool\nArgMax=pool\nPoolSize=3\nStride=2\nPadding=1\n"
        "NbOutputs=2\nMapping.Size=1\n";
    for (size_t batch = 1; batch <= 3; batch += 2) {
        n2d2_graph *g = kit_build_ok(max_net);
        n2d2_graph_request_input_grad(g);
        double err = kit_gradient_error(g, batch, (unsigned)(30 + batch));
        ck_assert_msg(err < 1e-6, "max, batch %zu: gradient error %g", batch, err);
        kit_free(g);
    }
    const char *average[] = {
        "PoolWidth=3\nPoolHeight=2\nStrideX=2\nStrideY=1\nPaddingX=1\nNbOutputs=3\nPooling=Average\n"
        "Mapping.Size=1",
        "PoolSize=2\nStride=2\nNbOutputs=4\nPooling=Average",
    };
    for (size_t i = 0; i < 2; ++i) {
        n2d2_graph *g = unpool_graph(average[i], "SizeX=5\nSizeY=3\nNbChannels=3", 3);
        double err = kit_gradient_error(g, 3, (unsigned)(40 + i));
        ck_assert_msg(err < 1e-6, "average case %zu: gradient error %g", i, err);
        kit_free(g);
    }
}
END_TEST

START_TEST(float32_matches_float64)
{
    const char *pool = "PoolSize=3\nStride=2\nNbOutputs=3\nMapping.Size=1";
    const char *unpool[] = {"PoolSize=3\nStride=2\nNbOutputs=3\nMapping.Size=1",
                            "PoolSize=3\nStride=2\nNbOutputs=3\nPooling=Average"};
    for (int k = 0; k < 2; ++k) {
        n2d2_graph *g32 = pool_unpool(pool, unpool[k], "SizeX=11\nSizeY=9\nNbChannels=3", "Float32", 3);
        n2d2_graph *g64 = pool_unpool(pool, unpool[k], "SizeX=11\nSizeY=9\nNbChannels=3", "Float64", 3);
        kit_set_random(n2d2_graph_input(g64), 5, -1, 1);
        ck_assert_int_eq(n2d2_tensor_copy(n2d2_graph_input(g32), n2d2_graph_input(g64)), N2D2_OK);
        n2d2_graph *gs[2] = {g32, g64};
        for (int j = 0; j < 2; ++j) {
            ck_assert_int_eq(n2d2_graph_forward(gs[j], 1), N2D2_OK);
            kit_set_random(n2d2_graph_output_grad(gs[j], 0), 6, -1, 1);
            ck_assert_int_eq(n2d2_graph_backward(gs[j]), N2D2_OK);
        }
        const n2d2_tensor *pairs[][2] = {
            {n2d2_graph_cell_output(g32, 1), n2d2_graph_cell_output(g64, 1)},
            {n2d2_graph_input_grad(g32), n2d2_graph_input_grad(g64)},
        };
        for (size_t p = 0; p < 2; ++p)
            for (size_t i = 0; i < n2d2_tensor_numel(pairs[p][1]); ++i) {
                double a = n2d2_tensor_get(pairs[p][0], i), b = n2d2_tensor_get(pairs[p][1], i);
                ck_assert_msg(fabs(a - b) <= 1e-6 * (1 + fabs(b)), "mode %d pair %zu item %zu", k, p, i);
            }
        kit_free(g32);
        kit_free(g64);
    }
}
END_TEST

/* Inference shares activation buffers between cells by lifetime: the
 * pool's input (an intermediate output here) must still hold its values
 * when the unpool reads it, so inference equals a learning forward. */
START_TEST(inference_with_shared_buffers_matches_learning)
{
    const char *net = "DefaultDataType=Float64\n[sp]\nSizeX=9\nSizeY=8\nNbChannels=2\n"
                      "[c1]\nInput=sp\nType=Conv\nKernelSize=3\nPadding=1\nNbOutputs=3\n"
                      "[pool]\nInput=c1\nType=Pool\nPoolSize=2\nStride=2\nNbOutputs=3\nMapping.Size=1\n"
                      "[c2]\nInput=pool\nType=Conv\nKernelSize=3\nPadding=1\nNbOutputs=3\n"
                      "[c3]\nInput=c2\nType=Conv\nKernelSize=1\nNbOutputs=3\n"
                      "[unpool]\nInput=c3,c1\nType=Unpool\nArgMax=pool\nPoolSize=2\nStride=2\n"
                      "NbOutputs=3\nMapping.Size=1\n";
    n2d2_graph *gi = kit_build_ok(net), *gl = kit_build_ok(net);
    ck_assert_int_eq(n2d2_graph_allocate(gi, 3, 0), N2D2_OK);
    ck_assert_int_eq(n2d2_graph_allocate(gl, 3, 1), N2D2_OK);
    kit_set_random(n2d2_graph_input(gi), 12, -1, 1);
    ck_assert_int_eq(n2d2_tensor_copy(n2d2_graph_input(gl), n2d2_graph_input(gi)), N2D2_OK);
    ck_assert_int_eq(n2d2_graph_forward(gi, 0), N2D2_OK);
    ck_assert_int_eq(n2d2_graph_forward(gl, 1), N2D2_OK);
    const n2d2_tensor *yi = n2d2_graph_cell_output(gi, 4), *yl = n2d2_graph_cell_output(gl, 4);
    ck_assert_str_eq(n2d2_cell_name(n2d2_graph_cell_at(gi, 4)), "unpool");
    kit_expect(yi, n2d2_tensor_cdata(yl), n2d2_tensor_numel(yl), 0);
    kit_free(gi);
    kit_free(gl);
}
END_TEST

static void unpool_error(const char *input, const char *keys, n2d2_status code, const char *needle)
{
    char text[1024];
    snprintf(text, sizeof text,
             "[sp]\nSizeX=6\nSizeY=4\nNbChannels=2\n[pool]\nInput=sp\nType=Pool\nPoolSize=2\n"
             "Stride=2\nNbOutputs=2\n[unpool]\nInput=%s\nType=Unpool\n%s\n", input, keys);
    kit_expect_error(text, code, needle);
}

START_TEST(bad_configurations)
{
    unpool_error("pool,sp", "PoolSize=2\nStride=2\nNbOutputs=2", N2D2_ERR_NOT_FOUND,
                 "net.ini:11: [unpool] (Unpool): max unpooling (Pooling=Max) needs ArgMax=<name of the Pool layer>");
    unpool_error("pool", "PoolSize=2\nStride=2\nNbOutputs=2\nArgMax=nosuch", N2D2_ERR_NOT_FOUND,
                 "net.ini:11: [unpool] (Unpool): ArgMax=nosuch: no Pool section [nosuch] with a "
                 "single Input=");
    unpool_error("pool,sp", "PoolSize=2\nStride=2\nNbOutputs=3\nArgMax=pool", N2D2_ERR_SHAPE,
                 "NbOutputs=3 but the second input [sp] (the pool's input) has 2 channels");
    unpool_error("pool,sp", "PoolSize=3\nStride=1\nNbOutputs=2\nArgMax=pool", N2D2_ERR_SHAPE,
                 "the second input [sp] (4x6) pools to 2x4 with these window keys, but the first "
                 "input [pool] is 2x3");
    unpool_error("pool,sp", "PoolSize=7\nStride=2\nNbOutputs=2\nArgMax=pool", N2D2_ERR_SHAPE,
                 "the width of the window (7, dilated: 7) exceeds the padded input width (6 + 2 x 0 = 6)");
    unpool_error("pool,sp,pool", "PoolSize=2\nStride=2\nNbOutputs=2\nArgMax=pool", N2D2_ERR_INVAL,
                 "3 inputs");
    unpool_error("pool", "PoolSize=2\nPadding=2\nNbOutputs=2\nPooling=Average", N2D2_ERR_INVAL,
                 "padding 2 must be smaller than the pooling window width (2)");
    unpool_error("pool", "PoolSize=2\nNbOutputs=2\nPooling=Median", N2D2_ERR_INVAL, "Max");
    unpool_error("pool", "PoolSize=2\nPoolDepth=2\nNbOutputs=2\nPooling=Average",
                 N2D2_ERR_NOT_IMPLEMENTED, "3-D");
    unpool_error("pool", "NbOutputs=2\nPooling=Average", N2D2_ERR_NOT_FOUND, "missing window size");
    unpool_error("pool", "PoolSize=2\nPooling=Average", N2D2_ERR_NOT_FOUND, "NbOutputs");
    unpool_error("pool", "PoolSize=2\nNbOutputs=2\nPooling=Average\nMapping(sp).Size=1",
                 N2D2_ERR_NOT_FOUND, "'sp' is not an input of this cell (inputs: pool)");
}
END_TEST

START_TEST(average_output_size_and_padding_errors)
{
    /* (1 - 1) 1 - 2 x 1 + 2 = 0: nothing is left */
    char text[512];
    snprintf(text, sizeof text, "[sp]\nSizeX=1\nSizeY=3\n[unpool]\nInput=sp\nType=Unpool\n"
                                "PoolSize=2\nPadding=1\nNbOutputs=1\nPooling=Average\n");
    kit_expect_error(text, N2D2_ERR_SHAPE,
                     "net.ini:4: [unpool] (Unpool): the output width (1 - 1) x 1 - 2 x 1 + 2 would "
                     "be 0");
    /* odd sizes without the pool's input: (3 - 1) 2 - 0 + 3 = 7 */
    n2d2_graph *g = unpool_graph("PoolSize=3\nStride=2\nNbOutputs=2\nPooling=Average",
                                 "SizeX=3\nSizeY=2\nNbChannels=2", 1);
    const n2d2_shape *s = n2d2_cell_output_shape(n2d2_graph_cell_at(g, 0));
    ck_assert_uint_eq(s->dims[0], 2);
    ck_assert_uint_eq(s->dims[1], 5);
    ck_assert_uint_eq(s->dims[2], 7);
    kit_free(g);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cell_unpool");
    TCase *tc = tcase_create("unpool");
    tcase_add_checked_fixture(tc, kit_setup, kit_teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, max_by_hand);
    tcase_add_test(tc, average_by_hand);
    tcase_add_test(tc, average_is_the_adjoint_of_average_pooling);
    tcase_add_test(tc, max_positions_are_the_pool_positions);
    tcase_add_test(tc, gradients_match_finite_differences);
    tcase_add_test(tc, float32_matches_float64);
    tcase_add_test(tc, inference_with_shared_buffers_matches_learning);
    tcase_add_test(tc, bad_configurations);
    tcase_add_test(tc, average_output_size_and_padding_errors);
    suite_add_tcase(s, tc);
    return kit_run(s);
}
