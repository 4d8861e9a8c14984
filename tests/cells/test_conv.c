/* Conv (model Frame): hand-computed forward/backward on tiny tensors,
 * geometry variants against a direct reference, every Mapping form,
 * finite-difference gradients in Float64, Float32/Float64 agreement,
 * fillers, dry-run counts, the direct depthwise path, weights and biases
 * sharing, and bad configurations. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cells_testkit.h"

/* 3x3 input 1..9 and a 2x2 kernel [1 2; 3 4], bias 0.5. */
static const double x9[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
static const double w4[4] = {1, 2, 3, 4};

static n2d2_graph *conv_graph(const char *keys, const char *sp, size_t batch)
{
    char text[2048];
    snprintf(text, sizeof text,
             "DefaultDataType=Float64\n[sp]\n%s\n[conv]\nInput=sp\nType=Conv\n%s\n", sp, keys);
    n2d2_graph *g = kit_build_ok(text);
    n2d2_graph_request_input_grad(g);
    ck_assert_int_eq(n2d2_graph_allocate(g, batch, 1), N2D2_OK);
    return g;
}

static n2d2_graph *tiny(const char *keys)
{
    n2d2_graph *g = conv_graph(keys, "SizeX=3\nSizeY=3", 1);
    kit_set(kit_param(g, "conv", "weights", 0), w4, 4);
    const double b = 0.5;
    kit_set(kit_param(g, "conv", "biases", 0), &b, 1);
    kit_set(n2d2_graph_input(g), x9, 9);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    return g;
}

START_TEST(forward_by_hand)
{
    n2d2_graph *g = tiny("KernelWidth=2\nKernelHeight=2\nNbOutputs=1");
    const double want[4] = {37.5, 47.5, 67.5, 77.5};
    kit_expect(n2d2_graph_cell_output(g, 0), want, 4, 1e-12);
    kit_free(g);
}
END_TEST

START_TEST(backward_by_hand)
{
    n2d2_graph *g = tiny("KernelSize=2\nNbOutputs=1");
    n2d2_tensor_fill(n2d2_graph_output_grad(g, 0), 1.0);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    const double dw[4] = {12, 16, 24, 28}, db = 4;
    const double dx[9] = {1, 3, 2, 4, 10, 6, 3, 7, 4};
    kit_expect(kit_param(g, "conv", "weights", 1), dw, 4, 1e-12);
    kit_expect(kit_param(g, "conv", "biases", 1), &db, 1, 1e-12);
    kit_expect(n2d2_graph_input_grad(g), dx, 9, 1e-12);
    /* gradients are overwritten, not accumulated, by the next backward */
    const double one_hot[4] = {1, 0, 0, 0};
    kit_set(n2d2_graph_output_grad(g, 0), one_hot, 4);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    const double dw1[4] = {1, 2, 4, 5}, db1 = 1, dx1[9] = {1, 2, 0, 3, 4, 0, 0, 0, 0};
    kit_expect(kit_param(g, "conv", "weights", 1), dw1, 4, 1e-12);
    kit_expect(kit_param(g, "conv", "biases", 1), &db1, 1, 1e-12);
    kit_expect(n2d2_graph_input_grad(g), dx1, 9, 1e-12);
    kit_free(g);
}
END_TEST

START_TEST(padding_stride_and_dilation_by_hand)
{
    n2d2_graph *g = tiny("KernelDims=2 2\nNbOutputs=1\nPadding=1\nStride=2");
    const n2d2_shape *s = n2d2_cell_output_shape(n2d2_graph_cell_at(g, 0));
    ck_assert_uint_eq(s->dims[1], 2);
    ck_assert_uint_eq(s->dims[2], 2);
    const double want[4] = {4.5, 18.5, 36.5, 77.5};
    kit_expect(n2d2_graph_cell_output(g, 0), want, 4, 1e-12);
    kit_free(g);

    g = tiny("KernelSize=2\nNbOutputs=1\nDilation=2");
    const double want_d = 64.5;
    kit_expect(n2d2_graph_cell_output(g, 0), &want_d, 1, 1e-12);
    kit_free(g);

    /* asymmetric: PaddingX only, 2 x 4 output */
    g = tiny("KernelSize=2\nNbOutputs=1\nPaddingX=1");
    /* left column: only w01 (2) and w11 (4) see x; right: w00 (1) and w10 (3) */
    const double fix[8] = {2 * 1 + 4 * 4 + 0.5, 37.5, 47.5, 1 * 3 + 3 * 6 + 0.5,
                           2 * 4 + 4 * 7 + 0.5, 67.5, 77.5, 1 * 6 + 3 * 9 + 0.5};
    kit_expect(n2d2_graph_cell_output(g, 0), fix, 8, 1e-12);
    kit_free(g);
}
END_TEST

START_TEST(stride_larger_than_kernel)
{
    n2d2_graph *g = conv_graph("KernelSize=1\nNbOutputs=1\nStride=3", "SizeX=7\nSizeY=7", 1);
    const double w = 2, b = 1;
    kit_set(kit_param(g, "conv", "weights", 0), &w, 1);
    kit_set(kit_param(g, "conv", "biases", 0), &b, 1);
    n2d2_tensor *x = n2d2_graph_input(g);
    for (size_t i = 0; i < 49; ++i)
        n2d2_tensor_set(x, i, (double)i);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    double want[9];
    for (int oy = 0; oy < 3; ++oy)
        for (int ox = 0; ox < 3; ++ox)
            want[oy * 3 + ox] = 2.0 * (oy * 3 * 7 + ox * 3) + 1;
    kit_expect(n2d2_graph_cell_output(g, 0), want, 9, 1e-12);
    kit_free(g);
}
END_TEST

/* Direct convolution with weights in full {O, C, kh, kw} layout. */
typedef struct geom {
    size_t C, H, W, O, kh, kw, sy, sx, py, px, dy, dx, oh, ow;
} geom;

static void reference(const geom *q, size_t batch, const double *x, const double *w, const double *b,
                      double *y)
{
    for (size_t n = 0; n < batch; ++n)
        for (size_t o = 0; o < q->O; ++o)
            for (size_t oy = 0; oy < q->oh; ++oy)
                for (size_t ox = 0; ox < q->ow; ++ox) {
                    double acc = b ? b[o] : 0;
                    for (size_t c = 0; c < q->C; ++c)
                        for (size_t ky = 0; ky < q->kh; ++ky)
                            for (size_t kx = 0; kx < q->kw; ++kx) {
                                long iy = (long)(oy * q->sy + ky * q->dy) - (long)q->py;
                                long ix = (long)(ox * q->sx + kx * q->dx) - (long)q->px;
                                if (iy < 0 || ix < 0 || iy >= (long)q->H || ix >= (long)q->W)
                                    continue;
                                acc += w[((o * q->C + c) * q->kh + ky) * q->kw + kx] *
                                       x[((n * q->C + c) * q->H + (size_t)iy) * q->W + (size_t)ix];
                            }
                    y[((n * q->O + o) * q->oh + oy) * q->ow + ox] = acc;
                }
}

static void check_against_reference(const char *keys, const char *sp, const geom *q, size_t batch)
{
    n2d2_graph *g = conv_graph(keys, sp, batch);
    const n2d2_shape *s = n2d2_cell_output_shape(n2d2_graph_cell_at(g, 0));
    ck_assert_uint_eq(s->dims[1], q->oh);
    ck_assert_uint_eq(s->dims[2], q->ow);
    kit_set_random(n2d2_graph_input(g), 5, -1, 1);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    const n2d2_tensor *w = kit_param(g, "conv", "weights", 0), *b = kit_param(g, "conv", "biases", 0);
    size_t ny = batch * q->O * q->oh * q->ow;
    double *want = malloc(ny * sizeof *want);
    ck_assert_ptr_nonnull(want);
    reference(q, batch, n2d2_tensor_cdata(n2d2_graph_input(g)), n2d2_tensor_cdata(w),
              b ? n2d2_tensor_cdata(b) : NULL, want);
    kit_expect(n2d2_graph_cell_output(g, 0), want, ny, 1e-12);
    free(want);
    double err = kit_gradient_error(g, batch, 9);
    ck_assert_msg(err < 1e-6, "gradient error %g for %s", err, keys);
    kit_free(g);
}

START_TEST(geometry_variants_match_reference_and_gradients)
{
    /* odd sizes, rectangular kernel, per-axis stride and padding, batch 3 */
    geom a = {2, 5, 7, 3, 2, 3, 1, 2, 0, 1, 1, 1, 4, 4};
    check_against_reference("KernelWidth=3\nKernelHeight=2\nNbOutputs=3\nStrideX=2\nPaddingX=1",
                            "SizeX=7\nSizeY=5\nNbChannels=2", &a, 3);
    /* dilation with padding, batch 1 */
    geom b = {1, 6, 6, 2, 3, 3, 1, 1, 2, 2, 2, 2, 6, 6};
    check_against_reference("KernelSize=3\nNbOutputs=2\nPadding=2\nDilation=2\nNoBias=1",
                            "SizeX=6\nSizeY=6", &b, 1);
    /* stride larger than kernel, padding, 2 channels */
    geom c = {2, 7, 5, 2, 2, 2, 3, 3, 1, 1, 1, 1, 3, 2};
    check_against_reference("KernelSize=2\nNbOutputs=2\nStride=3\nPadding=1",
                            "SizeX=5\nSizeY=7\nNbChannels=2", &c, 3);
    /* pointwise (1x1) convolution: no lowering */
    geom d = {3, 3, 4, 2, 1, 1, 1, 1, 0, 0, 1, 1, 3, 4};
    check_against_reference("KernelSize=1\nNbOutputs=2", "SizeX=4\nSizeY=3\nNbChannels=3", &d, 3);
    /* per-axis dilation and stride through *Dims */
    geom e = {1, 9, 8, 2, 2, 3, 2, 1, 1, 0, 1, 2, 5, 4};
    check_against_reference("KernelDims=3 2\nNbOutputs=2\nStrideDims=1 2\nPaddingDims=0 1\nDilationDims=2 1",
                            "SizeX=8\nSizeY=9", &e, 2);
    /* 12 outputs switch the weight gradient to its transposed product: with
     * the wide lowering (stride 1, padding), im2col (stride 2) and 1x1 */
    geom f = {2, 6, 7, 12, 3, 3, 1, 1, 1, 1, 1, 1, 6, 7};
    check_against_reference("KernelSize=3\nPadding=1\nNbOutputs=12", "SizeX=7\nSizeY=6\nNbChannels=2", &f, 2);
    geom h = {2, 7, 7, 12, 3, 3, 2, 2, 0, 0, 1, 1, 3, 3};
    check_against_reference("KernelSize=3\nStride=2\nNbOutputs=12", "SizeX=7\nSizeY=7\nNbChannels=2", &h, 2);
    geom i = {3, 3, 4, 12, 1, 1, 1, 1, 0, 0, 1, 1, 3, 4};
    check_against_reference("KernelSize=1\nNbOutputs=12", "SizeX=4\nSizeY=3\nNbChannels=3", &i, 3);
    /* kernel as large as the input: one GEMM over the batch */
    geom j = {4, 3, 3, 6, 3, 3, 1, 1, 0, 0, 1, 1, 1, 1};
    check_against_reference("KernelSize=3\nNbOutputs=6", "SizeX=3\nSizeY=3\nNbChannels=4", &j, 3);
}
END_TEST

START_TEST(subsampling_keeps_every_nth_output)
{
    geom q = {1, 6, 7, 2, 2, 2, 2, 3, 0, 0, 1, 1, 3, 2};
    /* out = ceil(floor((7 - 2) / 1 + 1) / 3) = 2 columns, ceil(5 / 2) = 3 rows */
    check_against_reference("KernelSize=2\nNbOutputs=2\nSubSampleX=3\nSubSampleY=2",
                            "SizeX=7\nSizeY=6", &q, 2);
}
END_TEST

/* Full {O, C, kh, kw} weights from grouped {O, C/g, kh, kw} ones. */
static void expand_groups(const double *wg, size_t O, size_t C, size_t k, size_t g, double *full)
{
    size_t cg = C / g, og = O / g;
    for (size_t o = 0; o < O; ++o)
        for (size_t c = 0; c < C; ++c)
            for (size_t i = 0; i < k; ++i)
                full[(o * C + c) * k + i] = c / cg == o / og ? wg[(o * cg + c % cg) * k + i] : 0;
}

static void check_groups_on(const char *keys, size_t C, size_t O, size_t groups, size_t H, size_t W,
                            const geom *q)
{
    char sp[64];
    snprintf(sp, sizeof sp, "SizeX=%zu\nSizeY=%zu\nNbChannels=%zu", W, H, C);
    n2d2_graph *g = conv_graph(keys, sp, 2);
    n2d2_tensor *w = kit_param(g, "conv", "weights", 0);
    ck_assert_uint_eq(n2d2_tensor_dim(w, 1), C / groups); /* compact grouped weights */
    kit_set_random(n2d2_graph_input(g), 3, -1, 1);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    const size_t ny = 2 * O * q->oh * q->ow;
    double *full = calloc(O * C * 9, sizeof *full), *want = malloc(ny * sizeof *want);
    ck_assert_ptr_nonnull(full);
    ck_assert_ptr_nonnull(want);
    expand_groups(n2d2_tensor_cdata(w), O, C, 9, groups, full);
    reference(q, 2, n2d2_tensor_cdata(n2d2_graph_input(g)), full,
              n2d2_tensor_cdata(kit_param(g, "conv", "biases", 0)), want);
    kit_expect(n2d2_graph_cell_output(g, 0), want, ny, 1e-12);
    free(full);
    free(want);
    double err = kit_gradient_error(g, 2, 4);
    ck_assert_msg(err < 1e-6, "gradient error %g for %s", err, keys);
    kit_free(g);
}

/* 3x3 kernels, padding 1 over 4 x 5 images */
static void check_groups(const char *keys, size_t C, size_t O, size_t groups)
{
    geom q = {C, 4, 5, O, 3, 3, 1, 1, 1, 1, 1, 1, 4, 5};
    check_groups_on(keys, C, O, groups, 4, 5, &q);
}

START_TEST(grouped_mappings)
{
    check_groups("KernelSize=3\nPadding=1\nNbOutputs=6\nMapping.NbGroups=2", 4, 6, 2);
    check_groups("KernelSize=3\nPadding=1\nNbOutputs=4\nMapping.ChannelsPerGroup=2", 4, 4, 2);
    /* depthwise through groups and through the canvas (one-to-one) */
    check_groups("KernelSize=3\nPadding=1\nNbOutputs=3\nMapping.NbGroups=3", 3, 3, 3);
    check_groups("KernelSize=3\nPadding=1\nNbOutputs=3\nMapping.Size=1", 3, 3, 3);
    /* 12 outputs per group: transposed weight-gradient product */
    check_groups("KernelSize=3\nPadding=1\nNbOutputs=24\nMapping.NbGroups=2", 4, 24, 2);
    /* grouped kernel as large as the input (whole-batch GEMMs) */
    geom q = {4, 3, 3, 4, 3, 3, 1, 1, 0, 0, 1, 1, 1, 1};
    check_groups_on("KernelSize=3\nNbOutputs=4\nMapping.NbGroups=2", 4, 4, 2, 3, 3, &q);
}
END_TEST

/* Depthwise convolutions (one input channel per group) take a direct
 * forward path: strides, padding, dilation and several outputs per channel
 * against the reference, with gradients. */
START_TEST(depthwise_fast_path_geometries)
{
    /* MobileNet's downsampling: stride 2, padding 1 */
    geom a = {4, 6, 7, 4, 3, 3, 2, 2, 1, 1, 1, 1, 3, 4};
    check_groups_on("KernelSize=3\nPadding=1\nStride=2\nNbOutputs=4\nMapping.ChannelsPerGroup=1", 4,
                    4, 4, 6, 7, &a);
    /* dilation 2, padding 2, two outputs per channel */
    geom b = {3, 5, 6, 6, 3, 3, 1, 1, 2, 2, 2, 2, 5, 6};
    check_groups_on("KernelSize=3\nPadding=2\nDilation=2\nNbOutputs=6\nMapping.NbGroups=3", 3, 6, 3,
                    5, 6, &b);
    /* no padding, stride 3 */
    geom c = {2, 7, 7, 2, 3, 3, 3, 3, 0, 0, 1, 1, 2, 2};
    check_groups_on("KernelSize=3\nStride=3\nNbOutputs=2\nMapping.NbGroups=2", 2, 2, 2, 7, 7, &c);
    /* parameters: 9 per channel and the biases, no masked weights */
    n2d2_graph *g = conv_graph("KernelSize=3\nPadding=1\nNbOutputs=8\nMapping.ChannelsPerGroup=1",
                               "SizeX=5\nSizeY=5\nNbChannels=8", 1);
    ck_assert_uint_eq(n2d2_graph_cell_param_total(g, 0), 8 * 9 + 8);
    ck_assert_uint_eq(n2d2_graph_cell_macs(g, 0), 8 * 9 * 25);
    kit_free(g);
}
END_TEST

/* WeightsSharing / BiasesSharing (manual 22.7): [b] computes with [a]'s
 * tensors, which stay one tensor through learning. */
static const char *const shared_net =
    "DefaultDataType=Float64\n[sp]\nSizeX=5\nSizeY=4\nNbChannels=3\n"
    "[a]\nInput=sp\nType=Conv\nKernelSize=3\nPadding=1\nNbOutputs=4\n"
    "[b]\nInput=sp\nType=Conv\nKernelSize=3\nPadding=1\nNbOutputs=4\nWeightsSharing=a\n"
    "BiasesSharing=a\n"
    "[c]\nInput=sp\nType=Conv\nKernelSize=3\nPadding=1\nNbOutputs=4\nWeightsSharing=a\n";

START_TEST(weights_and_biases_sharing)
{
    n2d2_graph *g = kit_build_ok(shared_net);
    n2d2_tensor *wa = kit_param(g, "a", "weights", 0), *wb = kit_param(g, "b", "weights", 0);
    ck_assert(n2d2_tensor_shares_storage(wa, wb));
    ck_assert(n2d2_tensor_shares_storage(kit_param(g, "a", "biases", 0), kit_param(g, "b", "biases", 0)));
    ck_assert(n2d2_tensor_shares_storage(wa, kit_param(g, "c", "weights", 0)));
    /* c keeps its own biases */
    ck_assert(!n2d2_tensor_shares_storage(kit_param(g, "a", "biases", 0), kit_param(g, "c", "biases", 0)));
    /* borrowed tensors are not counted again */
    ck_assert_uint_eq(n2d2_graph_cell_param_total(g, 0), 4 * 3 * 9 + 4);
    ck_assert_uint_eq(n2d2_graph_cell_param_total(g, 1), 0);
    ck_assert_uint_eq(n2d2_graph_cell_param_total(g, 2), 4);
    kit_set_random(kit_param(g, "a", "biases", 0), 8, -1, 1);
    ck_assert_int_eq(n2d2_graph_allocate(g, 2, 1), N2D2_OK);
    for (int step = 0; step < 2; ++step) {
        kit_set_random(n2d2_graph_input(g), 3 + (unsigned)step, -1, 1);
        ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
        const n2d2_tensor *ya = n2d2_graph_cell_output(g, 0), *yb = n2d2_graph_cell_output(g, 1);
        for (size_t i = 0; i < n2d2_tensor_numel(ya); ++i)
            ck_assert(n2d2_tensor_get(ya, i) == n2d2_tensor_get(yb, i));
        /* a learning step through b (and a) moves the one shared tensor */
        for (size_t o = 0; o < n2d2_graph_output_count(g); ++o)
            kit_set_random(n2d2_graph_output_grad(g, o), 11, -1, 1);
        double before = n2d2_tensor_get(wa, 0);
        ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
        ck_assert_int_eq(n2d2_graph_update(g), N2D2_OK);
        ck_assert(n2d2_tensor_get(wa, 0) != before);
        ck_assert(n2d2_tensor_shares_storage(wa, kit_param(g, "b", "weights", 0)));
    }
    kit_free(g);
}
END_TEST

START_TEST(sharing_errors_name_both_cells)
{
    const char *head = "DefaultDataType=Float64\n[sp]\nSizeX=5\nSizeY=4\nNbChannels=3\n"
                       "[a]\nInput=sp\nType=Conv\nKernelSize=3\nNbOutputs=4\nNoBias=1\n";
    char text[1024];
    /* other output count: both cells and both shapes */
    snprintf(text, sizeof text, "%s[b]\nInput=sp\nType=Conv\nKernelSize=3\nNbOutputs=5\n"
             "WeightsSharing=a\n", head);
    kit_expect_error(text, N2D2_ERR_SHAPE, "net.ini:17: WeightsSharing: the weights of [a] are "
                                           "Float64 4x3x3x3 but [b] needs Float64 5x3x3x3");
    /* other kernel */
    snprintf(text, sizeof text, "%s[b]\nInput=sp\nType=Conv\nKernelSize=2\nNbOutputs=4\n"
             "WeightsSharing=a\n", head);
    kit_expect_error(text, N2D2_ERR_SHAPE, "4x3x3x3 but [b] needs Float64 4x3x2x2");
    /* a typo, a later cell, itself, a cell without biases */
    snprintf(text, sizeof text, "%s[b]\nInput=sp\nType=Conv\nKernelSize=3\nNbOutputs=4\n"
             "WeightsSharing=aa\n", head);
    kit_expect_error(text, N2D2_ERR_NOT_FOUND, "WeightsSharing=aa: no such cell (did you mean a");
    kit_expect_error("[sp]\nSizeX=4\nSizeY=4\n"
                     "[b]\nInput=sp\nType=Conv\nKernelSize=3\nNbOutputs=1\nWeightsSharing=a\n"
                     "[a]\nInput=b\nType=Conv\nKernelSize=1\nNbOutputs=1\n",
                     N2D2_ERR_INVAL, "WeightsSharing=a: [a] (net.ini:10) comes after [b]");
    kit_expect_error("[sp]\nSizeX=4\nSizeY=4\n"
                     "[b]\nInput=sp\nType=Conv\nKernelSize=3\nNbOutputs=1\nWeightsSharing=b\n",
                     N2D2_ERR_INVAL, "cannot share with itself");
    snprintf(text, sizeof text, "%s[b]\nInput=sp\nType=Conv\nKernelSize=3\nNbOutputs=4\n"
             "BiasesSharing=a\n", head);
    kit_expect_error(text, N2D2_ERR_NOT_FOUND, "BiasesSharing=a: [a] (Conv) has no biases to share");
    snprintf(text, sizeof text, "%s[b]\nInput=sp\nType=Conv\nKernelSize=3\nNbOutputs=4\n"
             "NoBias=1\nBiasesSharing=a\n", head);
    kit_expect_error(text, N2D2_ERR_INVAL, "BiasesSharing: contradicts NoBias=1");
}
END_TEST

static const char *lenet_matrix =
    "Mapping(sp)=\\\n"
    "1 0 0 0 1 1 1 0 0 1 1 1 1 0 1 1 \\\n"
    "1 1 0 0 0 1 1 1 0 0 1 1 1 1 0 1 \\\n"
    "1 1 1 0 0 0 1 1 1 0 0 1 0 1 1 1 \\\n"
    "0 1 1 1 0 0 1 1 1 1 0 0 1 0 1 1 \\\n"
    "0 0 1 1 1 0 0 1 1 1 1 0 1 1 0 1 \\\n"
    "0 0 0 1 1 1 0 0 1 1 1 1 0 1 1 1\n";

static int lenet_link(size_t c, size_t o)
{
    const char *rows = lenet_matrix + strlen("Mapping(sp)=\\\n");
    size_t k = 0;
    for (const char *p = rows; *p; ++p)
        if (*p == '0' || *p == '1') {
            if (k == c * 16 + o)
                return *p == '1';
            ++k;
        }
    return -1;
}

START_TEST(explicit_mapping_matrix_masks_weights)
{
    char keys[1024];
    snprintf(keys, sizeof keys, "KernelSize=3\nNbOutputs=16\n%s", lenet_matrix);
    n2d2_graph *g = conv_graph(keys, "SizeX=5\nSizeY=5\nNbChannels=6", 2);
    n2d2_tensor *w = kit_param(g, "conv", "weights", 0);
    ck_assert_uint_eq(n2d2_tensor_dim(w, 1), 6);
    size_t zeros = 0;
    for (size_t o = 0; o < 16; ++o)
        for (size_t c = 0; c < 6; ++c)
            for (size_t i = 0; i < 9; ++i) {
                double v = n2d2_tensor_get(w, (o * 6 + c) * 9 + i);
                if (!lenet_link(c, o)) {
                    ck_assert_msg(v == 0.0, "weight (%zu, %zu) should be disconnected", o, c);
                    ++zeros;
                }
            }
    ck_assert_uint_eq(zeros, (96 - 60) * 9);
    /* 60 links of 9 taps over a 3x3 output */
    ck_assert_uint_eq(n2d2_graph_cell_macs(g, 0), 60 * 9 * 9);
    /* parameters: the connected kernels and the biases, not the zeros */
    ck_assert_uint_eq(n2d2_graph_cell_param_total(g, 0), 60 * 9 + 16);
    /* writing into a disconnected weight does not connect it */
    n2d2_tensor_set(w, 3 * 6 * 9, 5.0); /* output 3, channel 0: not linked */
    ck_assert_int_eq(lenet_link(0, 3), 0);
    double err = kit_gradient_error(g, 2, 6);
    ck_assert_msg(err < 1e-6, "gradient error %g", err);
    ck_assert(n2d2_tensor_get(w, 3 * 6 * 9) == 0.0);
    const n2d2_tensor *dw = kit_param(g, "conv", "weights", 1);
    for (size_t i = 0; i < 9; ++i)
        ck_assert(n2d2_tensor_get(dw, 3 * 6 * 9 + i) == 0.0);
    kit_free(g);
}
END_TEST

START_TEST(explicit_mapping_errors_name_the_place)
{
    char text[2048];
    /* one value short: 6 x 16 expected */
    snprintf(text, sizeof text,
             "[sp]\nSizeX=5\nSizeY=5\nNbChannels=6\n[conv]\nInput=sp\nType=Conv\nKernelSize=3\n"
             "NbOutputs=16\n%.*s\n",
             (int)(strlen(lenet_matrix) - 3), lenet_matrix);
    kit_expect_error(text, N2D2_ERR_SHAPE, "net.ini:5: [conv] (Conv): Mapping(sp): expected 6 rows x "
                                           "16 columns = 96 values");
    kit_expect_error(text, N2D2_ERR_SHAPE, "got 95 values");
    kit_expect_error("[sp]\nSizeX=5\nSizeY=5\nNbChannels=2\n[conv]\nInput=sp\nType=Conv\n"
                     "KernelSize=3\nNbOutputs=2\nMapping(sp)=1 0 2 1\n",
                     N2D2_ERR_INVAL, "only 0 and 1");
    kit_expect_error("[sp]\nSizeX=5\nSizeY=5\nNbChannels=2\n[conv]\nInput=sp\nType=Conv\n"
                     "KernelSize=3\nNbOutputs=2\nMapping(pool1)=1 0 0 1\n",
                     N2D2_ERR_NOT_FOUND, "'pool1' is not an input of this cell (inputs: sp)");
    kit_expect_error("[sp]\nSizeX=5\nSizeY=5\nNbChannels=2\n[conv]\nInput=sp\nType=Conv\n"
                     "KernelSize=3\nNbOutputs=2\nMapping(sp)=1 0 0 1\nMapping(sp).Size=1\n",
                     N2D2_ERR_INVAL, "cannot be combined");
}
END_TEST

START_TEST(mapping_per_input_section)
{
    /* two pass-through inputs: explicit matrix for a, canvas for b */
    n2d2_graph *g = kit_build_ok(
        "DefaultDataType=Float64\n[sp]\nSizeX=4\nSizeY=4\nNbChannels=2\n"
        "[a]\nInput=sp\nType=Pool\nPoolSize=1\nNbOutputs=2\nMapping.Size=1\n"
        "[b]\nInput=sp\nType=Pool\nPoolSize=1\nNbOutputs=2\nMapping.Size=1\n"
        "[conv]\nInput=a,b\nType=Conv\nKernelSize=1\nNbOutputs=3\n"
        "Mapping(a)=1 0 1 \\\n 0 1 0\nMapping(b).SizeY=2\nMapping(b).OffsetX=2\nMapping(b).NbIterations=1\n");
    const n2d2_tensor *w = kit_param(g, "conv", "weights", 0);
    /* rows: a0 a1 b0 b1; columns: outputs 0..2 */
    const int links[4][3] = {{1, 0, 1}, {0, 1, 0}, {0, 0, 1}, {0, 0, 1}};
    for (size_t o = 0; o < 3; ++o)
        for (size_t c = 0; c < 4; ++c)
            ck_assert_msg((n2d2_tensor_get(w, o * 4 + c) != 0.0) == links[c][o],
                          "link (%zu, %zu)", c, o);
    n2d2_graph_request_input_grad(g);
    double err = kit_gradient_error(g, 2, 8);
    ck_assert_msg(err < 1e-6, "gradient error %g", err);
    kit_free(g);
}
END_TEST

START_TEST(mapping_errors)
{
    const char *base = "[sp]\nSizeX=5\nSizeY=5\nNbChannels=4\n[conv]\nInput=sp\nType=Conv\nKernelSize=3\n";
    char text[1024];
    snprintf(text, sizeof text, "%sNbOutputs=6\nMapping.NbGroups=3\n", base);
    kit_expect_error(text, N2D2_ERR_SHAPE, "Mapping.NbGroups: 3 groups must divide both the 4 input");
    snprintf(text, sizeof text, "%sNbOutputs=6\nMapping.ChannelsPerGroup=3\n", base);
    kit_expect_error(text, N2D2_ERR_SHAPE, "not a multiple of 3");
    snprintf(text, sizeof text, "%sNbOutputs=4\nMapping.NbGroups=2\nMapping.Size=1\n", base);
    kit_expect_error(text, N2D2_ERR_INVAL, "exclusive with every other Mapping key");
    snprintf(text, sizeof text, "%sNbOutputs=4\nMapping.Size=1\nMapping.SizeX=2\n", base);
    kit_expect_error(text, N2D2_ERR_INVAL, "Mapping.Size cannot be combined with Mapping.SizeX");
}
END_TEST

/* Two convolutions read the stimuli (their input gradients accumulate) and
 * a third concatenates them. */
START_TEST(accumulated_input_gradients_and_back_propagate)
{
    n2d2_graph *g = kit_build_ok(
        "DefaultDataType=Float64\n[sp]\nSizeX=5\nSizeY=4\nNbChannels=2\n"
        "[c1]\nInput=sp\nType=Conv\nKernelSize=3\nPadding=1\nNbOutputs=2\n"
        "[c2]\nInput=sp\nType=Conv\nKernelSize=1\nNbOutputs=3\n"
        "[c3]\nInput=c1,c2\nType=Conv\nKernelSize=2\nNbOutputs=2\nStride=2\n");
    n2d2_graph_request_input_grad(g);
    double err = kit_gradient_error(g, 3, 2);
    ck_assert_msg(err < 1e-6, "gradient error %g", err);
    kit_free(g);

    g = conv_graph("KernelSize=2\nNbOutputs=2\nBackPropagate=0", "SizeX=3\nSizeY=3", 2);
    n2d2_tensor_fill(n2d2_graph_input_grad(g), 7.0);
    kit_set_random(n2d2_graph_input(g), 1, -1, 1);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    n2d2_tensor_fill(n2d2_graph_output_grad(g, 0), 1.0);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    const n2d2_tensor *gx = n2d2_graph_input_grad(g);
    for (size_t i = 0; i < n2d2_tensor_numel(gx); ++i)
        ck_assert(n2d2_tensor_get(gx, i) == 0.0);
    const n2d2_tensor *db = kit_param(g, "conv", "biases", 1);
    ck_assert(fabs(n2d2_tensor_get(db, 0) - 8.0) < 1e-12); /* 2 samples x 4 positions */
    kit_free(g);
}
END_TEST

/* LeNet-shaped chain: the first convolution computes weight gradients
 * only (its input is the stimuli) from what the pooling sends back. */
START_TEST(lenet_chain_gradients)
{
    n2d2_graph *g = kit_build_ok(
        "DefaultDataType=Float64\n[sp]\nSizeX=16\nSizeY=16\n"
        "[conv1]\nInput=sp\nType=Conv\nKernelSize=5\nNbOutputs=6\n"
        "[pool1]\nInput=conv1\nType=Pool\nPoolSize=2\nStride=2\nNbOutputs=6\nMapping.Size=1\n"
        "[conv2]\nInput=pool1\nType=Conv\nKernelSize=3\nNbOutputs=16\n"
        "[fc]\nInput=conv2\nType=Fc\nNbOutputs=3\n");
    double err = kit_gradient_error(g, 2, 12); /* no input gradient: conv1 skips dx */
    ck_assert_msg(err < 1e-6, "gradient error %g", err);
    n2d2_graph_request_input_grad(g);
    err = kit_gradient_error(g, 2, 12);
    ck_assert_msg(err < 1e-6, "gradient error %g with input gradient", err);
    kit_free(g);
}
END_TEST

/* Batches large enough to be split over threads (per-thread lowering
 * buffers and weight-gradient partials) give the sums of the per-image
 * results computed one at a time. */
static void check_batch_split(const char *keys, const char *sp)
{
    enum { B = 8 };
    n2d2_graph *g = conv_graph(keys, sp, B);
    n2d2_tensor *x = n2d2_graph_input(g), *dy = n2d2_graph_output_grad(g, 0);
    kit_set_random(x, 21, -1, 1);
    kit_set_random(dy, 22, -1, 1);
    n2d2_tensor *xs, *dys, *y, *dx, *dw, *db;
    ck_assert_int_eq(n2d2_tensor_clone(x, &xs), N2D2_OK);
    ck_assert_int_eq(n2d2_tensor_clone(dy, &dys), N2D2_OK);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    ck_assert_int_eq(n2d2_tensor_clone(n2d2_graph_cell_output(g, 0), &y), N2D2_OK);
    ck_assert_int_eq(n2d2_tensor_clone(n2d2_graph_input_grad(g), &dx), N2D2_OK);
    ck_assert_int_eq(n2d2_tensor_clone(kit_param(g, "conv", "weights", 1), &dw), N2D2_OK);
    ck_assert_int_eq(n2d2_tensor_clone(kit_param(g, "conv", "biases", 1), &db), N2D2_OK);
    const size_t in_item = n2d2_tensor_numel(xs) / B, out_item = n2d2_tensor_numel(dys) / B;
    const size_t n_w = n2d2_tensor_numel(dw), n_b = n2d2_tensor_numel(db);
    double *sum_w = calloc(n_w + n_b, sizeof *sum_w);
    ck_assert_ptr_nonnull(sum_w);
    ck_assert_int_eq(n2d2_graph_allocate(g, 1, 1), N2D2_OK);
    for (size_t n = 0; n < B; ++n) {
        for (size_t i = 0; i < in_item; ++i)
            n2d2_tensor_set(n2d2_graph_input(g), i, n2d2_tensor_get(xs, n * in_item + i));
        for (size_t i = 0; i < out_item; ++i)
            n2d2_tensor_set(n2d2_graph_output_grad(g, 0), i, n2d2_tensor_get(dys, n * out_item + i));
        ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
        ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
        for (size_t i = 0; i < out_item; ++i)
            ck_assert(fabs(n2d2_tensor_get(n2d2_graph_cell_output(g, 0), i) -
                           n2d2_tensor_get(y, n * out_item + i)) < 1e-10);
        for (size_t i = 0; i < in_item; ++i)
            ck_assert(fabs(n2d2_tensor_get(n2d2_graph_input_grad(g), i) -
                           n2d2_tensor_get(dx, n * in_item + i)) < 1e-10);
        for (size_t i = 0; i < n_w; ++i)
            sum_w[i] += n2d2_tensor_get(kit_param(g, "conv", "weights", 1), i);
        for (size_t i = 0; i < n_b; ++i)
            sum_w[n_w + i] += n2d2_tensor_get(kit_param(g, "conv", "biases", 1), i);
    }
    kit_expect(dw, sum_w, n_w, 1e-9);
    kit_expect(db, sum_w + n_w, n_b, 1e-9);
    free(sum_w);
    n2d2_tensor *all[] = {xs, dys, y, dx, dw, db};
    for (size_t i = 0; i < 6; ++i)
        n2d2_tensor_release(all[i]);
    kit_free(g);
}

START_TEST(batch_split_over_threads_matches_single_images)
{
    /* wide lowering with padding, transposed weight gradient */
    check_batch_split("KernelSize=3\nPadding=1\nNbOutputs=16", "SizeX=20\nSizeY=18\nNbChannels=3");
    /* im2col (stride 2), direct weight gradient */
    check_batch_split("KernelSize=4\nStride=2\nNbOutputs=4", "SizeX=24\nSizeY=24\nNbChannels=3");
    /* 1x1, grouped */
    check_batch_split("KernelSize=1\nNbOutputs=8\nMapping.NbGroups=2", "SizeX=24\nSizeY=24\nNbChannels=8");
}
END_TEST

START_TEST(float32_matches_float64)
{
    const char *net = "[sp]\nSizeX=12\nSizeY=10\nNbChannels=3\n"
                      "[c1]\nInput=sp\nType=Conv\nKernelSize=3\nNbOutputs=8\nPadding=1\nStride=2\n"
                      "[c2]\nInput=c1\nType=Conv\nKernelSize=3\nNbOutputs=4\nMapping.NbGroups=4\n";
    char text64[1024];
    snprintf(text64, sizeof text64, "DefaultDataType=Float64\n%s", net);
    n2d2_graph *g32 = kit_build_ok(net), *g64 = kit_build_ok(text64);
    n2d2_graph_request_input_grad(g32);
    n2d2_graph_request_input_grad(g64);
    ck_assert_int_eq(n2d2_graph_allocate(g32, 5, 1), N2D2_OK);
    ck_assert_int_eq(n2d2_graph_allocate(g64, 5, 1), N2D2_OK);
    const char *cells[2] = {"c1", "c2"}, *names[2] = {"weights", "biases"};
    for (int c = 0; c < 2; ++c)
        for (int p = 0; p < 2; ++p)
            ck_assert_int_eq(n2d2_tensor_copy(kit_param(g32, cells[c], names[p], 0),
                                              kit_param(g64, cells[c], names[p], 0)), N2D2_OK);
    kit_set_random(n2d2_graph_input(g64), 2, -1, 1);
    ck_assert_int_eq(n2d2_tensor_copy(n2d2_graph_input(g32), n2d2_graph_input(g64)), N2D2_OK);
    n2d2_graph *gs[2] = {g32, g64};
    for (int k = 0; k < 2; ++k) {
        ck_assert_int_eq(n2d2_graph_forward(gs[k], 1), N2D2_OK);
        kit_set_random(n2d2_graph_output_grad(gs[k], 0), 4, -1, 1);
        ck_assert_int_eq(n2d2_graph_backward(gs[k]), N2D2_OK);
    }
    const n2d2_tensor *pairs[][2] = {
        {n2d2_graph_cell_output(g32, 1), n2d2_graph_cell_output(g64, 1)},
        {n2d2_graph_input_grad(g32), n2d2_graph_input_grad(g64)},
        {kit_param(g32, "c1", "weights", 1), kit_param(g64, "c1", "weights", 1)},
        {kit_param(g32, "c2", "biases", 1), kit_param(g64, "c2", "biases", 1)},
    };
    for (size_t k = 0; k < 4; ++k)
        for (size_t i = 0; i < n2d2_tensor_numel(pairs[k][1]); ++i) {
            double a = n2d2_tensor_get(pairs[k][0], i), b = n2d2_tensor_get(pairs[k][1], i);
            ck_assert_msg(fabs(a - b) <= 1e-5 * (1 + fabs(b)), "pair %zu item %zu: %g vs %g", k, i, a, b);
        }
    kit_free(g32);
    kit_free(g64);
}
END_TEST

static double stddev_of(const n2d2_tensor *t, double *mean)
{
    double s = 0, s2 = 0;
    size_t n = n2d2_tensor_numel(t);
    for (size_t i = 0; i < n; ++i) {
        double v = n2d2_tensor_get(t, i);
        s += v;
        s2 += v * v;
    }
    *mean = s / (double)n;
    return sqrt(s2 / (double)n - *mean * *mean);
}

START_TEST(fillers_default_and_named)
{
    const char *sp = "[sp]\nSizeX=8\nSizeY=8\nNbChannels=8\n";
    char text[1024];
    snprintf(text, sizeof text, "%s[conv]\nInput=sp\nType=Conv\nKernelSize=3\nNbOutputs=64\n", sp);
    n2d2_graph *g = kit_build_ok(text);
    double mean, sd = stddev_of(kit_param(g, "conv", "weights", 0), &mean);
    ck_assert_msg(fabs(sd - 0.05) < 0.005 && fabs(mean) < 0.005, "NormalFiller(0, 0.05): %g %g", mean, sd);
    kit_free(g);
    snprintf(text, sizeof text,
             "%s[conv]\nInput=sp\nType=Conv\nKernelSize=3\nNbOutputs=64\nWeightsFiller.StdDev=0.2\n"
             "WeightsFiller.Mean=1\n", sp);
    g = kit_build_ok(text);
    sd = stddev_of(kit_param(g, "conv", "weights", 0), &mean);
    ck_assert_msg(fabs(sd - 0.2) < 0.02 && fabs(mean - 1) < 0.02, "N(1, 0.2): %g %g", mean, sd);
    kit_free(g);
    snprintf(text, sizeof text,
             "%s[conv]\nInput=sp\nType=Conv\nKernelSize=3\nNbOutputs=2\n"
             "WeightsFiller=TestConstantFiller\nWeightsFiller.Value=0.25\n"
             "BiasFiller=TestConstantFiller\nBiasFiller.Value=-1\n", sp);
    g = kit_build_ok(text);
    sd = stddev_of(kit_param(g, "conv", "weights", 0), &mean);
    ck_assert(mean == 0.25 && sd < 1e-9);
    ck_assert(n2d2_tensor_get(kit_param(g, "conv", "biases", 0), 1) == -1.0);
    kit_free(g);
    snprintf(text, sizeof text,
             "%s[conv]\nInput=sp\nType=Conv\nKernelSize=3\nNbOutputs=2\nWeightsFiller=NoSuchFiller\n", sp);
    kit_expect_error(text, N2D2_ERR_NOT_FOUND, "NoSuchFiller");
}
END_TEST

START_TEST(dry_run_counts_and_no_bias)
{
    n2d2_graph *g = kit_build_ok("[sp]\nSizeX=32\nSizeY=32\n"
                                 "[conv1]\nInput=sp\nType=Conv\nKernelSize=5\nNbOutputs=6\n"
                                 "[conv2]\nInput=conv1\nType=Conv\nKernelSize=5\nNbOutputs=4\nNoBias=1\n");
    ck_assert_uint_eq(n2d2_graph_cell_macs(g, 0), 6 * 25 * 28 * 28);
    ck_assert_uint_eq(n2d2_graph_cell_param_total(g, 0), 6 * 25 + 6);
    ck_assert_uint_eq(n2d2_graph_cell_param_total(g, 1), 4 * 6 * 25);
    ck_assert_ptr_null(kit_param(g, "conv2", "biases", 0));
    kit_free(g);
}
END_TEST

static void conv_error(const char *keys, n2d2_status code, const char *needle)
{
    char text[1024];
    snprintf(text, sizeof text, "[sp]\nSizeX=3\nSizeY=3\nNbChannels=2\n[conv]\nInput=sp\nType=Conv\n%s\n", keys);
    kit_expect_error(text, code, needle);
}

START_TEST(bad_configurations)
{
    conv_error("KernelSize=5\nNbOutputs=1", N2D2_ERR_SHAPE,
               "the width of the window (5, dilated: 5) exceeds the padded input width (3 + 2 x 0 = 3)");
    conv_error("KernelSize=3\nDilation=2\nNbOutputs=1\nPadding=0", N2D2_ERR_SHAPE, "dilated: 5");
    conv_error("KernelWidth=0\nKernelHeight=2\nNbOutputs=1", N2D2_ERR_RANGE, "KernelWidth");
    conv_error("KernelWidth=-1\nKernelHeight=2\nNbOutputs=1", N2D2_ERR_INVAL, "non-negative");
    conv_error("KernelSize=2\nNbOutputs=0", N2D2_ERR_RANGE, "NbOutputs");
    conv_error("KernelSize=2", N2D2_ERR_NOT_FOUND, "NbOutputs");
    conv_error("KernelSize=2\nNbOutputs=1\nStride=0", N2D2_ERR_RANGE, "Stride");
    conv_error("KernelDims=2 2\nKernelWidth=2\nNbOutputs=1", N2D2_ERR_INVAL,
               "net.ini:9: KernelWidth: cannot be combined with KernelDims (given at net.ini:8)");
    conv_error("KernelSize=2\nKernelHeight=2\nNbOutputs=1", N2D2_ERR_INVAL, "cannot be combined with KernelSize");
    conv_error("KernelSize=2\nNbOutputs=1\nStride=1\nStrideX=2", N2D2_ERR_INVAL, "cannot be combined");
    conv_error("KernelSize=2\nNbOutputs=1\nPaddingDims=1 1\nPaddingY=1", N2D2_ERR_INVAL, "cannot be combined");
    /* 3-D windows need {C, D, H, W} inputs (test_conv3d.c) */
    conv_error("KernelDims=2 2 2\nNbOutputs=1", N2D2_ERR_SHAPE,
               "net.ini:8: KernelDims: a depth (3-D) value for the 2-D input 2x3x3 of [sp]");
    conv_error("KernelDims=2 2 2 2\nNbOutputs=1", N2D2_ERR_NOT_IMPLEMENTED, "not implemented yet");
    conv_error("KernelDims=2 0\nNbOutputs=1", N2D2_ERR_RANGE, "KernelDims");
    conv_error("KernelSize=2\nKernelDepth=2\nNbOutputs=1", N2D2_ERR_SHAPE, "KernelDepth: a depth (3-D)");
    conv_error("KernelSize=2\nStrideZ=2\nNbOutputs=1", N2D2_ERR_SHAPE, "StrideZ: a depth (3-D)");
    conv_error("NbOutputs=1", N2D2_ERR_NOT_FOUND, "missing window size");
    conv_error("KernelWidth=2\nNbOutputs=1", N2D2_ERR_NOT_FOUND, "KernelHeight is missing");
    conv_error("KernelSize=2\nNbOutputs=1\nThreshold=1.0", N2D2_ERR_UNSUPPORTED, "Spike models only");
    conv_error("KernelSize=2\nNbOutputs=1\nWeightsSharing=other", N2D2_ERR_NOT_FOUND,
               "net.ini:5: [conv] (Conv): WeightsSharing=other: no such cell");
    conv_error("KernelSize=2\nNbOutputs=1\nWeightsExportFormat=HWCO", N2D2_ERR_NOT_IMPLEMENTED,
               "not implemented yet");
    conv_error("KernelSize=2\nNbOutputs=1\nWeightsExportFormat=CHWO", N2D2_ERR_INVAL, "OCHW");
    conv_error("KernelSize=2\nNbOutputs=1\nBackPropagate=1\nBackPropagation=0", N2D2_ERR_INVAL,
               "contradicts");
    conv_error("KernelSize=2\nNbOutputs=1\nDataType=Float16", N2D2_ERR_NOT_IMPLEMENTED, "Float16");
}
END_TEST

START_TEST(float64_cell_fed_float32_stimuli_is_refused)
{
    n2d2_graph *g = kit_build_ok("[sp]\nSizeX=3\nSizeY=3\n[conv]\nInput=sp\nType=Conv\nKernelSize=2\n"
                                 "NbOutputs=1\nDataType=Float64\n");
    ck_assert_int_eq(n2d2_graph_allocate(g, 1, 0), N2D2_OK);
    ck_assert_int_eq(n2d2_graph_forward(g, 0), N2D2_ERR_NOT_IMPLEMENTED);
    ck_assert_msg(strstr(n2d2_error_message(), "DefaultDataType=Float64"), "%s", n2d2_error_message());
    kit_free(g);
}
END_TEST

START_TEST(learning_lowers_the_loss)
{
    /* Fit a fixed random convolution (teacher) with SGD. */
    n2d2_graph *g = kit_build_ok("DefaultDataType=Float64\n[sp]\nSizeX=6\nSizeY=6\nNbChannels=2\n"
                                 "[conv]\nInput=sp\nType=Conv\nKernelSize=3\nNbOutputs=2\n"
                                 "Solvers.LearningRate=0.05\n");
    ck_assert_int_eq(n2d2_graph_allocate(g, 4, 1), N2D2_OK);
    geom q = {2, 6, 6, 2, 3, 3, 1, 1, 0, 0, 1, 1, 4, 4};
    double teacher[36], bias[2] = {0.1, -0.2}, target[4 * 32];
    n2d2_rng rng;
    n2d2_rng_seed(&rng, 3, 0);
    for (int i = 0; i < 36; ++i)
        teacher[i] = n2d2_rng_normal(&rng, 0, 0.3);
    double first = 0, last = 0;
    for (int step = 0; step < 300; ++step) {
        kit_set_random(n2d2_graph_input(g), (unsigned)step, -1, 1);
        reference(&q, 4, n2d2_tensor_cdata(n2d2_graph_input(g)), teacher, bias, target);
        ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
        const n2d2_tensor *y = n2d2_graph_cell_output(g, 0);
        n2d2_tensor *gy = n2d2_graph_output_grad(g, 0);
        double loss = 0;
        for (size_t i = 0; i < 4 * 32; ++i) {
            double e = n2d2_tensor_get(y, i) - target[i];
            loss += 0.5 * e * e;
            n2d2_tensor_set(gy, i, e);
        }
        ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
        ck_assert_int_eq(n2d2_graph_update(g), N2D2_OK);
        if (step == 0)
            first = loss;
        last = loss;
    }
    ck_assert_msg(last < first * 0.01, "loss %g -> %g", first, last);
    kit_free(g);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cell_conv");
    TCase *tc = tcase_create("conv");
    tcase_add_checked_fixture(tc, kit_setup, kit_teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, forward_by_hand);
    tcase_add_test(tc, backward_by_hand);
    tcase_add_test(tc, padding_stride_and_dilation_by_hand);
    tcase_add_test(tc, stride_larger_than_kernel);
    tcase_add_test(tc, geometry_variants_match_reference_and_gradients);
    tcase_add_test(tc, subsampling_keeps_every_nth_output);
    tcase_add_test(tc, grouped_mappings);
    tcase_add_test(tc, depthwise_fast_path_geometries);
    tcase_add_test(tc, weights_and_biases_sharing);
    tcase_add_test(tc, sharing_errors_name_both_cells);
    tcase_add_test(tc, explicit_mapping_matrix_masks_weights);
    tcase_add_test(tc, explicit_mapping_errors_name_the_place);
    tcase_add_test(tc, mapping_per_input_section);
    tcase_add_test(tc, mapping_errors);
    tcase_add_test(tc, accumulated_input_gradients_and_back_propagate);
    tcase_add_test(tc, lenet_chain_gradients);
    tcase_add_test(tc, batch_split_over_threads_matches_single_images);
    tcase_add_test(tc, float32_matches_float64);
    tcase_add_test(tc, fillers_default_and_named);
    tcase_add_test(tc, dry_run_counts_and_no_bias);
    tcase_add_test(tc, bad_configurations);
    tcase_add_test(tc, float64_cell_fed_float32_stimuli_is_refused);
    tcase_add_test(tc, learning_lowers_the_loss);
    suite_add_tcase(s, tc);
    return kit_run(s);
}
