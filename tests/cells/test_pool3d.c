/* Pool (model Frame) on 3-D inputs {C, D, H, W}: Max and Average over a
 * 2x3x3 volume with a 2x2x2 window by hand, geometry variants against a
 * direct reference with finite-difference gradients in Float64, channel
 * maps, Float32/Float64 agreement and bad configurations. The volumes come
 * from a Reshape of a {C D, H, W} stimulus (Dims = W H D C). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cells_testkit.h"

static n2d2_status build3d(const char *keys, size_t C, size_t D, size_t H, size_t W,
                           const char *type, n2d2_graph **g)
{
    char text[2048];
    snprintf(text, sizeof text,
             "%s[sp]\nSizeX=%zu\nSizeY=%zu\nNbChannels=%zu\n"
             "[r]\nInput=sp\nType=Reshape\nDims=%zu %zu %zu %zu\n"
             "[pool]\nInput=r\nType=Pool\n%s\n",
             type, W, H, C * D, W, H, D, C, keys);
    return kit_build(text, g);
}

static n2d2_graph *pool3d_graph(const char *keys, size_t C, size_t D, size_t H, size_t W,
                                size_t batch)
{
    n2d2_graph *g = NULL;
    ck_assert_int_eq(build3d(keys, C, D, H, W, "DefaultDataType=Float64\n", &g), N2D2_OK);
    n2d2_graph_request_input_grad(g);
    ck_assert_int_eq(n2d2_graph_allocate(g, batch, 1), N2D2_OK);
    return g;
}

START_TEST(max_and_average_2x2x2_by_hand)
{
    /* x[z][y][x] = 9 z + 3 y + x + 1 (1..18) */
    double x[18];
    for (int i = 0; i < 18; ++i)
        x[i] = i + 1;
    const double dy[4] = {1, 2, 3, 4};
    n2d2_graph *g = pool3d_graph("PoolDims=2 2 2\nNbOutputs=1", 1, 2, 3, 3, 1);
    kit_set(n2d2_graph_input(g), x, 18);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    /* the far corner (z 1, y + 1, x + 1) of each window */
    const double ymax[4] = {14, 15, 17, 18};
    kit_expect(n2d2_graph_cell_output(g, 1), ymax, 4, 0);
    kit_set(n2d2_graph_output_grad(g, 0), dy, 4);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    double dx[18] = {0};
    dx[13] = 1;
    dx[14] = 2;
    dx[16] = 3;
    dx[17] = 4;
    kit_expect(n2d2_graph_input_grad(g), dx, 18, 0);
    kit_free(g);

    g = pool3d_graph("PoolWidth=2\nPoolHeight=2\nPoolDepth=2\nNbOutputs=1\nPooling=Average", 1, 2,
                     3, 3, 1);
    kit_set(n2d2_graph_input(g), x, 18);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    /* x(0, oy, ox) + (0 + 1 + 3 + 4 + 9 + 10 + 12 + 13) / 8 */
    const double yavg[4] = {7.5, 8.5, 10.5, 11.5};
    kit_expect(n2d2_graph_cell_output(g, 1), yavg, 4, 1e-12);
    kit_set(n2d2_graph_output_grad(g, 0), dy, 4);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    /* each slice receives dy / 8 through every window covering it */
    const double slice[9] = {1, 3, 2, 4, 10, 6, 3, 7, 4};
    for (int i = 0; i < 18; ++i)
        dx[i] = slice[i % 9] / 8;
    kit_expect(n2d2_graph_input_grad(g), dx, 18, 1e-12);
    kit_free(g);
}
END_TEST

START_TEST(average_excludes_padding_in_depth)
{
    /* one slice of ones padded by one in depth: every window counts only its
     * in-bounds values, so the average stays 1 */
    n2d2_graph *g = pool3d_graph("PoolDims=1 1 2\nPaddingDims=0 0 1\nNbOutputs=1\nPooling=Average",
                                 1, 1, 2, 2, 1);
    n2d2_tensor_fill(n2d2_graph_input(g), 1.0);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    const n2d2_shape *s = n2d2_cell_output_shape(n2d2_graph_find_cell(g, "pool"));
    ck_assert_uint_eq(s->dims[1], 2);
    const double want[8] = {1, 1, 1, 1, 1, 1, 1, 1};
    kit_expect(n2d2_graph_cell_output(g, 1), want, 8, 1e-12);
    kit_free(g);
}
END_TEST

typedef struct geom3 {
    size_t C, D, H, W, O;
    size_t k[3], s[3], p[3], out[3]; /* X, Y, Z */
    int average, one_to_one;         /* map: output o reads channel o, else all */
} geom3;

static void reference3d(const geom3 *q, size_t batch, const double *x, double *y)
{
    const size_t OW = q->out[0], OH = q->out[1], OD = q->out[2];
    for (size_t n = 0; n < batch; ++n)
        for (size_t o = 0; o < q->O; ++o)
            for (size_t oz = 0; oz < OD; ++oz)
                for (size_t oy = 0; oy < OH; ++oy)
                    for (size_t ox = 0; ox < OW; ++ox) {
                        double acc = q->average ? 0 : -INFINITY;
                        size_t count = 0;
                        for (size_t c = 0; c < q->C; ++c) {
                            if (q->one_to_one && c != o)
                                continue;
                            for (size_t kz = 0; kz < q->k[2]; ++kz)
                                for (size_t ky = 0; ky < q->k[1]; ++ky)
                                    for (size_t kx = 0; kx < q->k[0]; ++kx) {
                                        long iz = (long)(oz * q->s[2] + kz) - (long)q->p[2];
                                        long iy = (long)(oy * q->s[1] + ky) - (long)q->p[1];
                                        long ix = (long)(ox * q->s[0] + kx) - (long)q->p[0];
                                        if (iz < 0 || iy < 0 || ix < 0 || iz >= (long)q->D ||
                                            iy >= (long)q->H || ix >= (long)q->W)
                                            continue;
                                        double v = x[(((n * q->C + c) * q->D + (size_t)iz) * q->H +
                                                      (size_t)iy) * q->W + (size_t)ix];
                                        ++count;
                                        acc = q->average ? acc + v : (v > acc ? v : acc);
                                    }
                        }
                        y[(((n * q->O + o) * OD + oz) * OH + oy) * OW + ox] =
                            q->average ? acc / (double)count : acc;
                    }
}

static void check3d(const char *keys, const geom3 *q, size_t batch)
{
    char all[1024];
    snprintf(all, sizeof all, "%s\nNbOutputs=%zu\nPooling=%s%s", keys, q->O,
             q->average ? "Average" : "Max", q->one_to_one ? "\nMapping.Size=1" : "");
    n2d2_graph *g = pool3d_graph(all, q->C, q->D, q->H, q->W, batch);
    const n2d2_shape *s = n2d2_cell_output_shape(n2d2_graph_find_cell(g, "pool"));
    ck_assert_uint_eq(s->ndim, 4);
    ck_assert_msg(s->dims[1] == q->out[2] && s->dims[2] == q->out[1] && s->dims[3] == q->out[0],
                  "%s: output %zux%zux%zu", keys, s->dims[1], s->dims[2], s->dims[3]);
    kit_set_random(n2d2_graph_input(g), 5, -1, 1);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    const size_t ny = batch * q->O * q->out[0] * q->out[1] * q->out[2];
    double *want = malloc(ny * sizeof *want);
    ck_assert_ptr_nonnull(want);
    reference3d(q, batch, n2d2_tensor_cdata(n2d2_graph_input(g)), want);
    kit_expect(n2d2_graph_cell_output(g, 1), want, ny, 1e-12);
    free(want);
    /* random inputs: no ties, so max is differentiable where sampled */
    double err = kit_gradient_error(g, batch, 9);
    ck_assert_msg(err < 1e-6, "gradient error %g for %s", err, all);
    kit_free(g);
}

START_TEST(geometry_variants_match_reference_and_gradients)
{
    /* odd sizes, channel-wise, batch 2 */
    geom3 a = {2, 5, 3, 7, 2, {3, 2, 2}, {1, 1, 1}, {0, 0, 0}, {5, 2, 4}, 0, 1};
    check3d("PoolWidth=3\nPoolHeight=2\nPoolDepth=2", &a, 2);
    geom3 b = a;
    b.average = 1;
    check3d("PoolWidth=3\nPoolHeight=2\nPoolDepth=2", &b, 2);
    /* stride above the window, padding, batch 1 */
    geom3 c = {1, 7, 5, 6, 1, {2, 2, 2}, {3, 3, 3}, {1, 1, 1}, {3, 2, 3}, 0, 1};
    check3d("PoolSize=2\nStride=3\nPadding=1", &c, 1);
    geom3 d = c;
    d.average = 1;
    check3d("PoolSize=2\nStride=3\nPadding=1", &d, 1);
    /* per-axis stride and padding through *Dims; full map (one output
     * pools every channel) */
    geom3 e = {3, 6, 5, 4, 2, {2, 3, 3}, {2, 1, 2}, {1, 1, 1}, {3, 5, 3}, 1, 0};
    check3d("PoolDims=2 3 3\nStrideDims=2 1 2\nPaddingDims=1 1 1", &e, 2);
    geom3 f = e;
    f.average = 0;
    check3d("PoolDims=2 3 3\nStrideDims=2 1 2\nPaddingDims=1 1 1", &f, 2);
    /* X/Y window with Z keys */
    geom3 h = {2, 4, 4, 4, 2, {2, 2, 3}, {2, 2, 1}, {0, 0, 1}, {2, 2, 4}, 0, 1};
    check3d("PoolSize=2\nPoolDepth=3\nStrideX=2\nStrideY=2\nStrideZ=1\nPaddingZ=1", &h, 1);
}
END_TEST

START_TEST(float32_matches_float64)
{
    n2d2_graph *g[2] = {NULL, NULL};
    const char *keys = "PoolDims=3 2 2\nNbOutputs=2\nPadding=1\nStrideDims=2 1 1\nPooling=Average";
    ck_assert_int_eq(build3d(keys, 2, 4, 5, 6, "", &g[0]), N2D2_OK);
    ck_assert_int_eq(build3d(keys, 2, 4, 5, 6, "DefaultDataType=Float64\n", &g[1]), N2D2_OK);
    for (int k = 0; k < 2; ++k) {
        n2d2_graph_request_input_grad(g[k]);
        ck_assert_int_eq(n2d2_graph_allocate(g[k], 3, 1), N2D2_OK);
    }
    kit_set_random(n2d2_graph_input(g[1]), 2, -1, 1);
    ck_assert_int_eq(n2d2_tensor_copy(n2d2_graph_input(g[0]), n2d2_graph_input(g[1])), N2D2_OK);
    for (int k = 0; k < 2; ++k) {
        ck_assert_int_eq(n2d2_graph_forward(g[k], 1), N2D2_OK);
        kit_set_random(n2d2_graph_output_grad(g[k], 0), 4, -1, 1);
        ck_assert_int_eq(n2d2_graph_backward(g[k]), N2D2_OK);
    }
    const n2d2_tensor *pairs[][2] = {
        {n2d2_graph_cell_output(g[0], 1), n2d2_graph_cell_output(g[1], 1)},
        {n2d2_graph_input_grad(g[0]), n2d2_graph_input_grad(g[1])},
    };
    for (size_t k = 0; k < 2; ++k)
        for (size_t i = 0; i < n2d2_tensor_numel(pairs[k][1]); ++i) {
            double a = n2d2_tensor_get(pairs[k][0], i), b = n2d2_tensor_get(pairs[k][1], i);
            ck_assert_msg(fabs(a - b) <= 1e-5 * (1 + fabs(b)), "pair %zu item %zu: %g vs %g", k, i,
                          a, b);
        }
    kit_free(g[0]);
    kit_free(g[1]);
}
END_TEST

static void error3d(const char *keys, n2d2_status code, const char *needle)
{
    char text[1024];
    /* [pool] is at net.ini:9; input {2, 2, 3, 3} */
    snprintf(text, sizeof text,
             "[sp]\nSizeX=3\nSizeY=3\nNbChannels=4\n[r]\nInput=sp\nType=Reshape\nDims=3 3 2 2\n"
             "[pool]\nInput=r\nType=Pool\nNbOutputs=2\n%s\n",
             keys);
    kit_expect_error(text, code, needle);
}

START_TEST(bad_configurations)
{
    error3d("PoolDims=2 2 3", N2D2_ERR_SHAPE,
            "net.ini:9: [pool] (Pool): the depth of the window (3, dilated: 3) exceeds the padded "
            "input depth (2 + 2 x 0 = 2)");
    error3d("PoolDims=4 2 2", N2D2_ERR_SHAPE, "the width of the window (4, dilated: 4)");
    error3d("PoolSize=2\nPaddingZ=2", N2D2_ERR_INVAL,
            "padding 2 must be smaller than the pooling window depth (2)");
    error3d("PoolDims=2 2 2\nPoolDepth=2", N2D2_ERR_INVAL, "cannot be combined with PoolDims");
    error3d("PoolDims=2 2 2 2", N2D2_ERR_NOT_IMPLEMENTED, "not implemented yet");
    error3d("PoolSize=2\nPoolDepth=0", N2D2_ERR_RANGE, "PoolDepth");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cell_pool3d");
    TCase *tc = tcase_create("pool3d");
    tcase_add_checked_fixture(tc, kit_setup, kit_teardown);
    tcase_add_test(tc, max_and_average_2x2x2_by_hand);
    tcase_add_test(tc, average_excludes_padding_in_depth);
    tcase_add_test(tc, geometry_variants_match_reference_and_gradients);
    tcase_add_test(tc, float32_matches_float64);
    tcase_add_test(tc, bad_configurations);
    suite_add_tcase(s, tc);
    return kit_run(s);
}
