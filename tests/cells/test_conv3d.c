/* Conv (model Frame) on 3-D inputs {C, D, H, W}: a 2x3x3 volume with a
 * 2x2x2 kernel by hand, geometry variants (odd sizes, stride above the
 * kernel, padding, dilation, subsampling, every key form) against a
 * direct reference with finite-difference gradients in Float64, grouped
 * and masked maps, Float32/Float64 agreement, the batch split over
 * threads and bad configurations.
 *
 * The stimuli provider delivers {C, H, W} samples, so the volumes come
 * from a Reshape of a {C D, H, W} stimulus (Dims = W H D C). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cells_testkit.h"

/* [sp] of C D channels of H x W reshaped to {C, D, H, W}, then [conv]. */
static n2d2_status build3d(const char *keys, size_t C, size_t D, size_t H, size_t W,
                           const char *type, n2d2_graph **g)
{
    char text[2048];
    snprintf(text, sizeof text,
             "%s[sp]\nSizeX=%zu\nSizeY=%zu\nNbChannels=%zu\n"
             "[r]\nInput=sp\nType=Reshape\nDims=%zu %zu %zu %zu\n"
             "[conv]\nInput=r\nType=Conv\n%s\n",
             type, W, H, C * D, W, H, D, C, keys);
    return kit_build(text, g);
}

static n2d2_graph *conv3d_graph(const char *keys, size_t C, size_t D, size_t H, size_t W,
                                size_t batch)
{
    n2d2_graph *g = NULL;
    ck_assert_int_eq(build3d(keys, C, D, H, W, "DefaultDataType=Float64\n", &g), N2D2_OK);
    n2d2_graph_request_input_grad(g);
    ck_assert_int_eq(n2d2_graph_allocate(g, batch, 1), N2D2_OK);
    return g;
}

START_TEST(volume_2x3x3_kernel_2x2x2_by_hand)
{
    /* x[z][y][x] = 9 z + 3 y + x + 1 (1..18), w = 1..8, bias 0.5 */
    n2d2_graph *g = conv3d_graph("KernelDims=2 2 2\nNbOutputs=1", 1, 2, 3, 3, 1);
    double x[18], w[8];
    for (int i = 0; i < 18; ++i)
        x[i] = i + 1;
    for (int i = 0; i < 8; ++i)
        w[i] = i + 1;
    n2d2_tensor *wt = kit_param(g, "conv", "weights", 0);
    ck_assert_uint_eq(n2d2_tensor_ndim(wt), 5); /* {O, C, kd, kh, kw} */
    kit_set(wt, w, 8);
    const double b = 0.5;
    kit_set(kit_param(g, "conv", "biases", 0), &b, 1);
    kit_set(n2d2_graph_input(g), x, 18);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    const n2d2_shape *s = n2d2_cell_output_shape(n2d2_graph_find_cell(g, "conv"));
    ck_assert_uint_eq(s->ndim, 4);
    ck_assert_uint_eq(s->dims[0], 1);
    ck_assert_uint_eq(s->dims[1], 1);
    ck_assert_uint_eq(s->dims[2], 2);
    ck_assert_uint_eq(s->dims[3], 2);
    /* (0,0): 1 1 + 2 2 + 3 4 + 4 5 + 5 10 + 6 11 + 7 13 + 8 14 = 356; a step
     * in x adds sum(w) = 36, a step in y 3 x 36 */
    const double y[4] = {356.5, 392.5, 464.5, 500.5};
    kit_expect(n2d2_graph_cell_output(g, 1), y, 4, 1e-12);
    const double dy[4] = {1, 2, 3, 4};
    kit_set(n2d2_graph_output_grad(g, 0), dy, 4);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    /* dW = sum dy x(tap + (oy, ox)) = 10 x(tap) + (0 + 2 + 9 + 16) */
    const double dw[8] = {37, 47, 67, 77, 127, 137, 157, 167};
    kit_expect(kit_param(g, "conv", "weights", 1), dw, 8, 1e-12);
    const double db = 10;
    kit_expect(kit_param(g, "conv", "biases", 1), &db, 1, 1e-12);
    /* dx: each slice z is the full correlation of dy with kernel slice z */
    const double dx[18] = {1, 4,  4,  6,  20, 16, 9,  24, 16,
                           5, 16, 12, 22, 60, 40, 21, 52, 32};
    kit_expect(n2d2_graph_input_grad(g), dx, 18, 1e-12);
    kit_free(g);
}
END_TEST

/* A graph input given as [sp] Size=W H D C is {C, D, H, W} already (the
 * graph accepts it; the stimuli provider does not deliver such samples yet). */
START_TEST(four_dimensional_graph_input)
{
    n2d2_graph *g = kit_build_ok("DefaultDataType=Float64\n[sp]\nSize=3 3 2 1\n"
                                 "[conv]\nInput=sp\nType=Conv\nKernelDims=2 2 2\nNbOutputs=1\n");
    n2d2_graph_request_input_grad(g);
    ck_assert_int_eq(n2d2_graph_allocate(g, 1, 1), N2D2_OK);
    double x[18], w[8];
    for (int i = 0; i < 18; ++i)
        x[i] = i + 1;
    for (int i = 0; i < 8; ++i)
        w[i] = i + 1;
    kit_set(kit_param(g, "conv", "weights", 0), w, 8);
    const double b = 0.5;
    kit_set(kit_param(g, "conv", "biases", 0), &b, 1);
    kit_set(n2d2_graph_input(g), x, 18);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    const double y[4] = {356.5, 392.5, 464.5, 500.5};
    kit_expect(n2d2_graph_cell_output(g, 0), y, 4, 1e-12);
    double err = kit_gradient_error(g, 1, 4);
    ck_assert_msg(err < 1e-6, "gradient error %g", err);
    kit_free(g);
}
END_TEST

/* Direct 3-D convolution, weights {O, C/G, kd, kh, kw}, G groups. */
typedef struct geom3 {
    size_t C, D, H, W, O, G;
    size_t k[3], s[3], p[3], d[3], out[3]; /* X, Y, Z */
} geom3;

static void reference3d(const geom3 *q, size_t batch, const double *x, const double *w,
                        const double *b, double *y)
{
    const size_t Cg = q->C / q->G, Og = q->O / q->G;
    const size_t OW = q->out[0], OH = q->out[1], OD = q->out[2];
    for (size_t n = 0; n < batch; ++n)
        for (size_t o = 0; o < q->O; ++o)
            for (size_t oz = 0; oz < OD; ++oz)
                for (size_t oy = 0; oy < OH; ++oy)
                    for (size_t ox = 0; ox < OW; ++ox) {
                        double acc = b ? b[o] : 0;
                        for (size_t cg = 0; cg < Cg; ++cg)
                            for (size_t kz = 0; kz < q->k[2]; ++kz)
                                for (size_t ky = 0; ky < q->k[1]; ++ky)
                                    for (size_t kx = 0; kx < q->k[0]; ++kx) {
                                        const size_t c = o / Og * Cg + cg;
                                        long iz = (long)(oz * q->s[2] + kz * q->d[2]) - (long)q->p[2];
                                        long iy = (long)(oy * q->s[1] + ky * q->d[1]) - (long)q->p[1];
                                        long ix = (long)(ox * q->s[0] + kx * q->d[0]) - (long)q->p[0];
                                        if (iz < 0 || iy < 0 || ix < 0 || iz >= (long)q->D ||
                                            iy >= (long)q->H || ix >= (long)q->W)
                                            continue;
                                        acc += w[(((o * Cg + cg) * q->k[2] + kz) * q->k[1] + ky) *
                                                     q->k[0] + kx] *
                                               x[(((n * q->C + c) * q->D + (size_t)iz) * q->H +
                                                  (size_t)iy) * q->W + (size_t)ix];
                                    }
                        y[(((n * q->O + o) * OD + oz) * OH + oy) * OW + ox] = acc;
                    }
}

static void check3d(const char *keys, const geom3 *q, size_t batch)
{
    n2d2_graph *g = conv3d_graph(keys, q->C, q->D, q->H, q->W, batch);
    const n2d2_shape *s = n2d2_cell_output_shape(n2d2_graph_find_cell(g, "conv"));
    ck_assert_uint_eq(s->ndim, 4);
    ck_assert_msg(s->dims[1] == q->out[2] && s->dims[2] == q->out[1] && s->dims[3] == q->out[0],
                  "%s: output %zux%zux%zu", keys, s->dims[1], s->dims[2], s->dims[3]);
    kit_set_random(n2d2_graph_input(g), 5, -1, 1);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    const n2d2_tensor *w = kit_param(g, "conv", "weights", 0), *b = kit_param(g, "conv", "biases", 0);
    const size_t ny = batch * q->O * q->out[0] * q->out[1] * q->out[2];
    double *want = malloc(ny * sizeof *want);
    ck_assert_ptr_nonnull(want);
    reference3d(q, batch, n2d2_tensor_cdata(n2d2_graph_input(g)), n2d2_tensor_cdata(w),
                b ? n2d2_tensor_cdata(b) : NULL, want);
    kit_expect(n2d2_graph_cell_output(g, 1), want, ny, 1e-12);
    free(want);
    double err = kit_gradient_error(g, batch, 9);
    ck_assert_msg(err < 1e-6, "gradient error %g for %s", err, keys);
    kit_free(g);
}

START_TEST(geometry_variants_match_reference_and_gradients)
{
    /* odd sizes, rectangular kernel through the per-axis keys, batch 2 */
    geom3 a = {2, 5, 3, 7, 3, 1, {3, 2, 2}, {1, 1, 1}, {0, 0, 0}, {1, 1, 1}, {5, 2, 4}};
    check3d("KernelWidth=3\nKernelHeight=2\nKernelDepth=2\nNbOutputs=3", &a, 2);
    /* stride above the kernel on every axis, padding, batch 1 */
    geom3 b = {1, 7, 5, 6, 2, 1, {2, 2, 2}, {3, 3, 3}, {1, 1, 1}, {1, 1, 1}, {3, 2, 3}};
    check3d("KernelSize=2\nNbOutputs=2\nStride=3\nPadding=1", &b, 1);
    /* per-axis stride, padding and dilation through *Dims (X first) */
    geom3 c = {2, 6, 5, 7, 2, 1, {2, 3, 2}, {2, 1, 1}, {1, 0, 2}, {1, 2, 2}, {4, 1, 8}};
    check3d("KernelDims=2 3 2\nNbOutputs=2\nStrideDims=2 1 1\nPaddingDims=1 0 2\n"
            "DilationDims=1 2 2\nNoBias=1",
            &c, 2);
    /* Z keys beside the scalar and X/Y forms */
    geom3 d = {1, 5, 4, 4, 2, 1, {2, 2, 3}, {1, 1, 2}, {0, 0, 1}, {1, 1, 1}, {3, 3, 3}};
    check3d("KernelSize=2\nKernelDepth=3\nNbOutputs=2\nStrideX=1\nStrideY=1\nStrideZ=2\n"
            "PaddingZ=1",
            &d, 1);
    /* X/Y kernel on a volume: depth 1 (each slice alone), stride 2 everywhere */
    geom3 e = {2, 3, 5, 5, 2, 1, {3, 3, 1}, {2, 2, 2}, {0, 0, 0}, {1, 1, 1}, {2, 2, 2}};
    check3d("KernelWidth=3\nKernelHeight=3\nNbOutputs=2\nStride=2", &e, 2);
    /* pointwise over a volume */
    geom3 f = {3, 2, 3, 4, 2, 1, {1, 1, 1}, {1, 1, 1}, {0, 0, 0}, {1, 1, 1}, {4, 3, 2}};
    check3d("KernelDims=1 1 1\nNbOutputs=2", &f, 3);
    /* kernel covering the whole volume */
    geom3 h = {2, 2, 3, 3, 3, 1, {3, 3, 2}, {1, 1, 1}, {0, 0, 0}, {1, 1, 1}, {1, 1, 1}};
    check3d("KernelDims=3 3 2\nNbOutputs=3", &h, 2);
}
END_TEST

START_TEST(subsampling_on_the_depth_axis)
{
    /* SubSample multiplies the stride (A38): Z out = ceil(5 / 2) = 3 */
    geom3 q = {1, 6, 4, 4, 1, 1, {2, 2, 2}, {1, 1, 2}, {0, 0, 0}, {1, 1, 1}, {3, 3, 3}};
    check3d("KernelDims=2 2 2\nNbOutputs=1\nSubSampleZ=2", &q, 1);
    geom3 r = {1, 6, 4, 4, 1, 1, {2, 2, 2}, {3, 3, 2}, {0, 0, 0}, {1, 1, 1}, {1, 1, 3}};
    check3d("KernelDims=2 2 2\nNbOutputs=1\nSubSampleDims=3 3 2", &r, 1);
}
END_TEST

START_TEST(grouped_and_depthwise_maps)
{
    geom3 a = {4, 3, 4, 4, 6, 2, {2, 2, 2}, {1, 1, 1}, {1, 0, 1}, {1, 1, 1}, {5, 3, 4}};
    check3d("KernelDims=2 2 2\nNbOutputs=6\nMapping.NbGroups=2\nPaddingDims=1 0 1", &a, 2);
    /* one channel per group: the 2-D depthwise loops do not apply to volumes */
    geom3 b = {3, 4, 3, 5, 3, 3, {3, 1, 2}, {2, 1, 1}, {1, 0, 0}, {1, 1, 1}, {3, 3, 3}};
    check3d("KernelDims=3 1 2\nNbOutputs=3\nMapping.ChannelsPerGroup=1\nStrideX=2\nPaddingX=1",
            &b, 2);
    n2d2_graph *g = conv3d_graph("KernelDims=3 1 2\nNbOutputs=3\nMapping.NbGroups=3", 3, 4, 3, 5, 1);
    n2d2_tensor *w = kit_param(g, "conv", "weights", 0);
    ck_assert_uint_eq(n2d2_tensor_dim(w, 1), 1);
    ck_assert_uint_eq(n2d2_tensor_dim(w, 2), 2);
    ck_assert_uint_eq(n2d2_tensor_dim(w, 3), 1);
    ck_assert_uint_eq(n2d2_tensor_dim(w, 4), 3);
    /* 3 links x 6 taps over 3 x 3 x 3 outputs; parameters: 18 + 3 */
    ck_assert_uint_eq(n2d2_graph_cell_macs(g, 1), 3 * 6 * 27);
    ck_assert_uint_eq(n2d2_graph_cell_param_total(g, 1), 18 + 3);
    kit_free(g);
}
END_TEST

START_TEST(explicit_mapping_masks_volumes)
{
    /* output 0 reads channel 0, output 1 channels 0 and 1 */
    n2d2_graph *g = conv3d_graph("KernelDims=2 2 2\nNbOutputs=2\nMapping(r)=\\\n1 1 \\\n0 1\n", 2, 3,
                                 3, 3, 2);
    n2d2_tensor *w = kit_param(g, "conv", "weights", 0);
    for (size_t i = 0; i < 8; ++i) /* output 0, channel 1 */
        ck_assert(n2d2_tensor_get(w, 8 + i) == 0.0);
    ck_assert_uint_eq(n2d2_graph_cell_param_total(g, 1), 3 * 8 + 2);
    double err = kit_gradient_error(g, 2, 3);
    ck_assert_msg(err < 1e-6, "gradient error %g", err);
    const n2d2_tensor *dw = kit_param(g, "conv", "weights", 1);
    for (size_t i = 0; i < 8; ++i)
        ck_assert(n2d2_tensor_get(dw, 8 + i) == 0.0);
    kit_free(g);
}
END_TEST

START_TEST(chain_of_volume_cells)
{
    /* conv 3-D, then another conv 3-D: the first receives an accumulated
     * gradient path through the second */
    const char *text = "DefaultDataType=Float64\n[sp]\nSizeX=5\nSizeY=4\nNbChannels=6\n"
                       "[r]\nInput=sp\nType=Reshape\nDims=5 4 3 2\n"
                       "[c1]\nInput=r\nType=Conv\nKernelDims=2 2 2\nNbOutputs=3\nPadding=1\n"
                       "[c2]\nInput=c1\nType=Conv\nKernelDims=3 2 2\nNbOutputs=2\nStride=2\n";
    n2d2_graph *g = kit_build_ok(text);
    n2d2_graph_request_input_grad(g);
    ck_assert_int_eq(n2d2_graph_allocate(g, 2, 1), N2D2_OK);
    double err = kit_gradient_error(g, 2, 11);
    ck_assert_msg(err < 1e-6, "gradient error %g", err);
    kit_free(g);
}
END_TEST

START_TEST(float32_matches_float64)
{
    n2d2_graph *g[2] = {NULL, NULL};
    const char *keys = "KernelDims=3 2 2\nNbOutputs=4\nPadding=1\nStrideDims=2 1 1\nMapping.NbGroups=2";
    ck_assert_int_eq(build3d(keys, 2, 4, 5, 6, "", &g[0]), N2D2_OK);
    ck_assert_int_eq(build3d(keys, 2, 4, 5, 6, "DefaultDataType=Float64\n", &g[1]), N2D2_OK);
    for (int k = 0; k < 2; ++k) {
        n2d2_graph_request_input_grad(g[k]);
        ck_assert_int_eq(n2d2_graph_allocate(g[k], 3, 1), N2D2_OK);
    }
    ck_assert_int_eq(n2d2_tensor_copy(kit_param(g[0], "conv", "weights", 0),
                                      kit_param(g[1], "conv", "weights", 0)), N2D2_OK);
    ck_assert_int_eq(n2d2_tensor_copy(kit_param(g[0], "conv", "biases", 0),
                                      kit_param(g[1], "conv", "biases", 0)), N2D2_OK);
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
        {kit_param(g[0], "conv", "weights", 1), kit_param(g[1], "conv", "weights", 1)},
        {kit_param(g[0], "conv", "biases", 1), kit_param(g[1], "conv", "biases", 1)},
    };
    for (size_t k = 0; k < 4; ++k)
        for (size_t i = 0; i < n2d2_tensor_numel(pairs[k][1]); ++i) {
            double a = n2d2_tensor_get(pairs[k][0], i), b = n2d2_tensor_get(pairs[k][1], i);
            ck_assert_msg(fabs(a - b) <= 1e-5 * (1 + fabs(b)), "pair %zu item %zu: %g vs %g", k, i,
                          a, b);
        }
    kit_free(g[0]);
    kit_free(g[1]);
}
END_TEST

/* Enough work to split the batch over the threads: the same outputs and
 * input gradients as one sample at a time, and the summed weight gradients. */
static void check_batch_split(const char *keys, size_t C, size_t D, size_t H, size_t W)
{
    enum { B = 6 };
    n2d2_graph *g = conv3d_graph(keys, C, D, H, W, B);
    n2d2_tensor *x = n2d2_graph_input(g), *dy = n2d2_graph_output_grad(g, 0);
    kit_set_random(x, 21, -1, 1);
    kit_set_random(dy, 22, -1, 1);
    n2d2_tensor *xs, *dys, *y, *dx, *dw, *db;
    ck_assert_int_eq(n2d2_tensor_clone(x, &xs), N2D2_OK);
    ck_assert_int_eq(n2d2_tensor_clone(dy, &dys), N2D2_OK);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    ck_assert_int_eq(n2d2_tensor_clone(n2d2_graph_cell_output(g, 1), &y), N2D2_OK);
    ck_assert_int_eq(n2d2_tensor_clone(n2d2_graph_input_grad(g), &dx), N2D2_OK);
    ck_assert_int_eq(n2d2_tensor_clone(kit_param(g, "conv", "weights", 1), &dw), N2D2_OK);
    ck_assert_int_eq(n2d2_tensor_clone(kit_param(g, "conv", "biases", 1), &db), N2D2_OK);
    const size_t in_item = n2d2_tensor_numel(xs) / B, out_item = n2d2_tensor_numel(dys) / B;
    const size_t n_w = n2d2_tensor_numel(dw), n_b = n2d2_tensor_numel(db);
    double *sum = calloc(n_w + n_b, sizeof *sum);
    ck_assert_ptr_nonnull(sum);
    ck_assert_int_eq(n2d2_graph_allocate(g, 1, 1), N2D2_OK);
    for (size_t n = 0; n < B; ++n) {
        for (size_t i = 0; i < in_item; ++i)
            n2d2_tensor_set(n2d2_graph_input(g), i, n2d2_tensor_get(xs, n * in_item + i));
        for (size_t i = 0; i < out_item; ++i)
            n2d2_tensor_set(n2d2_graph_output_grad(g, 0), i, n2d2_tensor_get(dys, n * out_item + i));
        ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
        ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
        for (size_t i = 0; i < out_item; ++i)
            ck_assert(fabs(n2d2_tensor_get(n2d2_graph_cell_output(g, 1), i) -
                           n2d2_tensor_get(y, n * out_item + i)) < 1e-10);
        for (size_t i = 0; i < in_item; ++i)
            ck_assert(fabs(n2d2_tensor_get(n2d2_graph_input_grad(g), i) -
                           n2d2_tensor_get(dx, n * in_item + i)) < 1e-10);
        for (size_t i = 0; i < n_w; ++i)
            sum[i] += n2d2_tensor_get(kit_param(g, "conv", "weights", 1), i);
        for (size_t i = 0; i < n_b; ++i)
            sum[n_w + i] += n2d2_tensor_get(kit_param(g, "conv", "biases", 1), i);
    }
    kit_expect(dw, sum, n_w, 1e-9);
    kit_expect(db, sum + n_w, n_b, 1e-9);
    free(sum);
    n2d2_tensor *all[] = {xs, dys, y, dx, dw, db};
    for (size_t i = 0; i < 6; ++i)
        n2d2_tensor_release(all[i]);
    kit_free(g);
}

START_TEST(batch_split_over_threads_matches_single_samples)
{
    check_batch_split("KernelDims=3 3 3\nNbOutputs=8\nPadding=1", 3, 6, 8, 8);
    check_batch_split("KernelDims=3 2 2\nNbOutputs=6\nStride=2\nMapping.NbGroups=3", 6, 7, 9, 9);
}
END_TEST

static void error3d(const char *keys, n2d2_status code, const char *needle)
{
    char text[1024];
    /* [conv] is at net.ini:9 */
    snprintf(text, sizeof text,
             "[sp]\nSizeX=3\nSizeY=3\nNbChannels=4\n[r]\nInput=sp\nType=Reshape\nDims=3 3 2 2\n"
             "[conv]\nInput=r\nType=Conv\n%s\n",
             keys);
    kit_expect_error(text, code, needle);
}

START_TEST(bad_configurations)
{
    /* a kernel deeper than the padded volume: the section's place and the
     * extents */
    error3d("KernelDims=2 2 3\nNbOutputs=1", N2D2_ERR_SHAPE,
            "net.ini:9: [conv] (Conv): the depth of the window (3, dilated: 3) exceeds the padded "
            "input depth (2 + 2 x 0 = 2)");
    error3d("KernelDims=2 2 2\nDilationZ=2\nNbOutputs=1", N2D2_ERR_SHAPE, "dilated: 3");
    error3d("KernelDims=4 2 2\nNbOutputs=1", N2D2_ERR_SHAPE,
            "the width of the window (4, dilated: 4) exceeds the padded input width (3 + 2 x 0 = 3)");
    error3d("KernelDims=2 4 2\nNbOutputs=1", N2D2_ERR_SHAPE, "the height of the window");
    error3d("KernelDims=2 2 2\nKernelDepth=2\nNbOutputs=1", N2D2_ERR_INVAL,
            "KernelDepth: cannot be combined with KernelDims");
    error3d("KernelDims=2 2 0\nNbOutputs=1", N2D2_ERR_RANGE, "KernelDims");
    error3d("KernelSize=2\nKernelDepth=0\nNbOutputs=1", N2D2_ERR_RANGE, "KernelDepth");
    error3d("KernelDepth=2\nNbOutputs=1", N2D2_ERR_NOT_FOUND,
            "KernelDepth is given but KernelWidth and KernelHeight are missing");
    error3d("KernelSize=2\nNbOutputs=1\nStrideDims=1 1 1 1", N2D2_ERR_NOT_IMPLEMENTED,
            "not implemented yet");
    error3d("KernelSize=2\nNbOutputs=1\nStrideZ=0", N2D2_ERR_RANGE, "StrideZ");
    error3d("KernelSize=2\nNbOutputs=3\nMapping.NbGroups=2", N2D2_ERR_SHAPE, "must divide");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cell_conv3d");
    TCase *tc = tcase_create("conv3d");
    tcase_add_checked_fixture(tc, kit_setup, kit_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, volume_2x3x3_kernel_2x2x2_by_hand);
    tcase_add_test(tc, four_dimensional_graph_input);
    tcase_add_test(tc, geometry_variants_match_reference_and_gradients);
    tcase_add_test(tc, subsampling_on_the_depth_axis);
    tcase_add_test(tc, grouped_and_depthwise_maps);
    tcase_add_test(tc, explicit_mapping_masks_volumes);
    tcase_add_test(tc, chain_of_volume_cells);
    tcase_add_test(tc, float32_matches_float64);
    tcase_add_test(tc, batch_split_over_threads_matches_single_samples);
    tcase_add_test(tc, bad_configurations);
    suite_add_tcase(s, tc);
    return kit_run(s);
}
