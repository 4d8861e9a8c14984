/* Deconv (model Frame): hand-computed transposed convolutions on tiny
 * tensors, geometry variants and channel maps against a direct scatter
 * reference, the adjoint identity with Conv, finite-difference gradients
 * in Float64, Float32/Float64 agreement, threads over the batch, fillers,
 * dry-run counts, weights sharing (tied auto-encoder) and bad
 * configurations. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cells_testkit.h"

static n2d2_graph *deconv_graph(const char *keys, const char *sp, size_t batch)
{
    char text[2048];
    snprintf(text, sizeof text,
             "DefaultDataType=Float64\n[sp]\n%s\n[deconv]\nInput=sp\nType=Deconv\n%s\n", sp, keys);
    n2d2_graph *g = kit_build_ok(text);
    n2d2_graph_request_input_grad(g);
    ck_assert_int_eq(n2d2_graph_allocate(g, batch, 1), N2D2_OK);
    return g;
}

/* 2x2 input [1 2; 3 4] and kernel [1 2; 3 4], bias 0.5. */
static n2d2_graph *tiny(const char *keys)
{
    static const double x4[4] = {1, 2, 3, 4}, w4[4] = {1, 2, 3, 4};
    n2d2_graph *g = deconv_graph(keys, "SizeX=2\nSizeY=2", 1);
    kit_set(kit_param(g, "deconv", "weights", 0), w4, 4);
    const double b = 0.5;
    kit_set(kit_param(g, "deconv", "biases", 0), &b, 1);
    kit_set(n2d2_graph_input(g), x4, 4);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    return g;
}

START_TEST(forward_by_hand)
{
    /* every input value stamps x w at its position: a "full" convolution */
    n2d2_graph *g = tiny("KernelSize=2\nNbOutputs=1");
    const double want[9] = {1.5, 4.5, 4.5, 6.5, 20.5, 16.5, 9.5, 24.5, 16.5};
    kit_expect(n2d2_graph_cell_output(g, 0), want, 9, 1e-12);
    kit_free(g);
}
END_TEST

START_TEST(backward_by_hand)
{
    n2d2_graph *g = tiny("KernelWidth=2\nKernelHeight=2\nNbOutputs=1");
    n2d2_tensor_fill(n2d2_graph_output_grad(g, 0), 1.0);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    /* each input meets every tap once; each tap meets every input once */
    const double dx[4] = {10, 10, 10, 10}, dw[4] = {10, 10, 10, 10}, db = 9;
    kit_expect(n2d2_graph_input_grad(g), dx, 4, 1e-12);
    kit_expect(kit_param(g, "deconv", "weights", 1), dw, 4, 1e-12);
    kit_expect(kit_param(g, "deconv", "biases", 1), &db, 1, 1e-12);
    /* a one-hot output gradient picks one product */
    double one_hot[9] = {0};
    one_hot[4] = 1; /* centre (1, 1): x00 w11 + x01 w10 + x10 w01 + x11 w00 */
    kit_set(n2d2_graph_output_grad(g, 0), one_hot, 9);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    const double dx1[4] = {4, 3, 2, 1}, dw1[4] = {4, 3, 2, 1}, db1 = 1;
    kit_expect(n2d2_graph_input_grad(g), dx1, 4, 1e-12);
    kit_expect(kit_param(g, "deconv", "weights", 1), dw1, 4, 1e-12);
    kit_expect(kit_param(g, "deconv", "biases", 1), &db1, 1, 1e-12);
    kit_free(g);
}
END_TEST

START_TEST(stride_and_padding_by_hand)
{
    /* stride 2 = kernel: the 2x2 blocks x_ij w tile a 4x4 output */
    n2d2_graph *g = tiny("KernelSize=2\nNbOutputs=1\nStride=2\nNoBias=0");
    const double want[16] = {1.5, 2.5, 2.5, 4.5, 3.5, 4.5, 6.5, 8.5,
                             3.5, 6.5, 4.5, 8.5, 9.5, 12.5, 12.5, 16.5};
    kit_expect(n2d2_graph_cell_output(g, 0), want, 16, 1e-12);
    kit_free(g);
    /* padding 1 crops one row/column on each side: (2 - 1) 2 - 2 + 2 = 2 */
    g = tiny("KernelSize=2\nNbOutputs=1\nStride=2\nPadding=1");
    const double cropped[4] = {4.5, 6.5, 6.5, 4.5};
    kit_expect(n2d2_graph_cell_output(g, 0), cropped, 4, 1e-12);
    kit_free(g);
    /* dilation 2: the taps land two apart, out = 1 + 2 (2 - 1) + 1 = 4 */
    g = tiny("KernelSize=2\nNbOutputs=1\nDilation=2");
    const double dilated[16] = {1.5, 2.5, 2.5, 4.5, 3.5, 4.5, 6.5, 8.5,
                                3.5, 6.5, 4.5, 8.5, 9.5, 12.5, 12.5, 16.5};
    kit_expect(n2d2_graph_cell_output(g, 0), dilated, 16, 1e-12);
    kit_free(g);
}
END_TEST

/* Direct scatter: every input value x[c][iy][ix] adds x w[c][o][ky][kx] at
 * (iy sy + ky dy - py, ix sx + kx dx - px) of every output o connected to
 * c. Weights {C, O/groups, kh, kw}; conn (C x O, NULL = by groups). */
typedef struct geom {
    size_t C, H, W, O, kh, kw, sy, sx, py, px, dy, dx, oh, ow, groups;
} geom;

static void reference(const geom *q, size_t batch, const unsigned char *conn, const double *x,
                      const double *w, const double *b, double *y)
{
    const size_t Cg = q->C / q->groups, Og = q->O / q->groups;
    for (size_t n = 0; n < batch; ++n) {
        double *yn = y + n * q->O * q->oh * q->ow;
        for (size_t o = 0; o < q->O; ++o)
            for (size_t p = 0; p < q->oh * q->ow; ++p)
                yn[o * q->oh * q->ow + p] = b ? b[o] : 0;
        for (size_t c = 0; c < q->C; ++c)
            for (size_t o = 0; o < q->O; ++o) {
                if (conn ? !conn[c * q->O + o] : c / Cg != o / Og)
                    continue;
                const size_t ol = q->groups > 1 ? o % Og : o;
                for (size_t iy = 0; iy < q->H; ++iy)
                    for (size_t ix = 0; ix < q->W; ++ix)
                        for (size_t ky = 0; ky < q->kh; ++ky)
                            for (size_t kx = 0; kx < q->kw; ++kx) {
                                long oy = (long)(iy * q->sy + ky * q->dy) - (long)q->py;
                                long ox = (long)(ix * q->sx + kx * q->dx) - (long)q->px;
                                if (oy < 0 || ox < 0 || oy >= (long)q->oh || ox >= (long)q->ow)
                                    continue;
                                yn[(o * q->oh + (size_t)oy) * q->ow + (size_t)ox] +=
                                    x[((n * q->C + c) * q->H + iy) * q->W + ix] *
                                    w[((c * Og + ol) * q->kh + ky) * q->kw + kx];
                            }
            }
    }
}

static void check_against_reference(const char *keys, const char *sp, const geom *q,
                                    const unsigned char *conn, size_t batch)
{
    n2d2_graph *g = deconv_graph(keys, sp, batch);
    const n2d2_shape *s = n2d2_cell_output_shape(n2d2_graph_cell_at(g, 0));
    ck_assert_uint_eq(s->dims[0], q->O);
    ck_assert_uint_eq(s->dims[1], q->oh);
    ck_assert_uint_eq(s->dims[2], q->ow);
    kit_set_random(n2d2_graph_input(g), 5, -1, 1);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    const n2d2_tensor *w = kit_param(g, "deconv", "weights", 0);
    const n2d2_tensor *b = kit_param(g, "deconv", "biases", 0);
    ck_assert_uint_eq(n2d2_tensor_numel(w), q->C * q->O / q->groups * q->kh * q->kw);
    const size_t ny = batch * q->O * q->oh * q->ow;
    double *want = malloc(ny * sizeof *want);
    ck_assert_ptr_nonnull(want);
    reference(q, batch, conn, n2d2_tensor_cdata(n2d2_graph_input(g)), n2d2_tensor_cdata(w),
              b ? n2d2_tensor_cdata(b) : NULL, want);
    kit_expect(n2d2_graph_cell_output(g, 0), want, ny, 1e-12);
    free(want);
    double err = kit_gradient_error(g, batch, 9);
    ck_assert_msg(err < 1e-6, "gradient error %g for %s", err, keys);
    kit_free(g);
}

START_TEST(geometry_variants_match_reference_and_gradients)
{
    /* odd sizes, rectangular kernel, per-axis stride and padding, batch 3:
     * out = (5-1)1 - 0 + 2 = 6 rows, (7-1)2 - 2 + 3 = 13 columns */
    geom a = {2, 5, 7, 3, 2, 3, 1, 2, 0, 1, 1, 1, 6, 13, 1};
    check_against_reference("KernelWidth=3\nKernelHeight=2\nNbOutputs=3\nStrideX=2\nPaddingX=1",
                            "SizeX=7\nSizeY=5\nNbChannels=2", &a, NULL, 3);
    /* dilation with padding, no bias, batch 1: (4-1) - 4 + 2 x 2 + 1 = 4 */
    geom b = {1, 4, 4, 2, 3, 3, 1, 1, 2, 2, 2, 2, 4, 4, 1};
    check_against_reference("KernelSize=3\nNbOutputs=2\nPadding=2\nDilation=2\nNoBias=1",
                            "SizeX=4\nSizeY=4", &b, NULL, 1);
    /* stride larger than the kernel leaves zero gaps: (3-1)3 - 2 + 2 = 6 */
    geom c = {2, 3, 4, 2, 2, 2, 3, 3, 1, 1, 1, 1, 6, 9, 1};
    check_against_reference("KernelSize=2\nNbOutputs=2\nStride=3\nPadding=1",
                            "SizeX=4\nSizeY=3\nNbChannels=2", &c, NULL, 3);
    /* 1x1 kernel: GEMM straight into the output */
    geom d = {3, 3, 5, 2, 1, 1, 1, 1, 0, 0, 1, 1, 3, 5, 1};
    check_against_reference("KernelSize=1\nNbOutputs=2", "SizeX=5\nSizeY=3\nNbChannels=3", &d, NULL, 3);
    /* *Dims forms, X first */
    geom e = {1, 3, 4, 2, 2, 3, 2, 1, 1, 0, 1, 2, 4, 8, 1};
    check_against_reference("KernelDims=3 2\nNbOutputs=2\nStrideDims=1 2\nPaddingDims=0 1\n"
                            "DilationDims=2 1",
                            "SizeX=4\nSizeY=3", &e, NULL, 2);
    /* kernel larger than the input is fine for a transposed convolution */
    geom f = {2, 2, 3, 3, 5, 4, 1, 1, 0, 0, 1, 1, 6, 6, 1};
    check_against_reference("KernelWidth=4\nKernelHeight=5\nNbOutputs=3",
                            "SizeX=3\nSizeY=2\nNbChannels=2", &f, NULL, 3);
}
END_TEST

START_TEST(channel_maps)
{
    /* groups: 4 inputs, 6 outputs in 2 groups, compact weights {4, 3, 3, 3} */
    geom a = {4, 3, 4, 6, 3, 3, 2, 2, 1, 1, 1, 1, 5, 7, 2};
    check_against_reference("KernelSize=3\nNbOutputs=6\nStride=2\nPadding=1\nMapping.NbGroups=2",
                            "SizeX=4\nSizeY=3\nNbChannels=4", &a, NULL, 3);
    /* depthwise through a canvas (Mapping.Size=1 is block-diagonal) */
    geom b = {3, 3, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1, 4, 4, 3};
    check_against_reference("KernelSize=2\nNbOutputs=3\nMapping.Size=1", "SizeX=3\nSizeY=3\nNbChannels=3",
                            &b, NULL, 2);
    /* irregular explicit matrix: dense weights, disconnected ones stay 0 */
    static const unsigned char conn[6] = {1, 0, 1, /* channel 0 */ 1, 1, 0 /* channel 1 */};
    geom c = {2, 3, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1, 4, 4, 1};
    check_against_reference("KernelSize=2\nNbOutputs=3\nMapping(sp)=1 0 1 1 1 0",
                            "SizeX=3\nSizeY=3\nNbChannels=2", &c, conn, 3);
    n2d2_graph *g = deconv_graph("KernelSize=2\nNbOutputs=3\nMapping(sp)=1 0 1 1 1 0",
                                 "SizeX=3\nSizeY=3\nNbChannels=2", 2);
    const n2d2_tensor *w = kit_param(g, "deconv", "weights", 0);
    for (size_t k = 0; k < 4; ++k) { /* c = 0, o = 1 and c = 1, o = 2 */
        ck_assert(n2d2_tensor_get(w, (0 * 3 + 1) * 4 + k) == 0.0);
        ck_assert(n2d2_tensor_get(w, (1 * 3 + 2) * 4 + k) == 0.0);
    }
    ck_assert_uint_eq(n2d2_graph_cell_macs(g, 0), 4 * 4 * 9);
    kit_free(g);
}
END_TEST

/* <conv(x), y> = <x, deconv(y)> with the same weights {C, O, kh, kw}: a
 * Conv from O to C channels and a Deconv from C to O channels. */
START_TEST(adjoint_of_conv)
{
    const char *geo = "KernelWidth=3\nKernelHeight=2\nStrideX=2\nStrideY=1\nPaddingX=1\n"
                      "DilationY=2\nNoBias=1";
    char text[1024];
    /* conv: 2 channels 5x7 -> 3 outputs 3x4 ; deconv: 3 channels 3x4 -> 2 outputs 5x7 */
    snprintf(text, sizeof text,
             "DefaultDataType=Float64\n[sp]\nSizeX=7\nSizeY=5\nNbChannels=2\n"
             "[conv]\nInput=sp\nType=Conv\nNbOutputs=3\n%s\n", geo);
    n2d2_graph *gc = kit_build_ok(text);
    snprintf(text, sizeof text,
             "DefaultDataType=Float64\n[sp]\nSizeX=4\nSizeY=3\nNbChannels=3\n"
             "[deconv]\nInput=sp\nType=Deconv\nNbOutputs=2\n%s\n", geo);
    n2d2_graph *gd = kit_build_ok(text);
    ck_assert_int_eq(n2d2_graph_allocate(gc, 2, 0), N2D2_OK);
    ck_assert_int_eq(n2d2_graph_allocate(gd, 2, 0), N2D2_OK);
    const n2d2_tensor *wc = kit_param(gc, "conv", "weights", 0);
    ck_assert_uint_eq(n2d2_tensor_numel(wc), 3 * 2 * 6);
    ck_assert_int_eq(n2d2_tensor_copy(kit_param(gd, "deconv", "weights", 0), wc), N2D2_OK);
    kit_set_random(n2d2_graph_input(gc), 1, -1, 1);
    kit_set_random(n2d2_graph_input(gd), 2, -1, 1);
    ck_assert_int_eq(n2d2_graph_forward(gc, 0), N2D2_OK);
    ck_assert_int_eq(n2d2_graph_forward(gd, 0), N2D2_OK);
    const n2d2_tensor *cx = n2d2_graph_cell_output(gc, 0), *dy = n2d2_graph_cell_output(gd, 0);
    const n2d2_tensor *x = n2d2_graph_input(gc), *y = n2d2_graph_input(gd);
    ck_assert_uint_eq(n2d2_tensor_numel(cx), n2d2_tensor_numel(y));
    ck_assert_uint_eq(n2d2_tensor_numel(dy), n2d2_tensor_numel(x));
    double left = 0, right = 0;
    for (size_t i = 0; i < n2d2_tensor_numel(y); ++i)
        left += n2d2_tensor_get(cx, i) * n2d2_tensor_get(y, i);
    for (size_t i = 0; i < n2d2_tensor_numel(x); ++i)
        right += n2d2_tensor_get(x, i) * n2d2_tensor_get(dy, i);
    ck_assert_msg(fabs(left - right) < 1e-10 * (1 + fabs(left)), "%.17g vs %.17g", left, right);
    kit_free(gc);
    kit_free(gd);
}
END_TEST

START_TEST(accumulated_input_gradients_and_back_propagate)
{
    /* two layers read the stimuli: their input gradients add up */
    n2d2_graph *g = kit_build_ok(
        "DefaultDataType=Float64\n[sp]\nSizeX=3\nSizeY=4\nNbChannels=2\n"
        "[d1]\nInput=sp\nType=Deconv\nKernelSize=3\nStride=2\nPadding=1\nNbOutputs=2\n"
        "[d2]\nInput=sp\nType=Deconv\nKernelSize=4\nStride=2\nPadding=1\nNbOutputs=1\n"
        "[c]\nInput=d2\nType=Conv\nKernelSize=2\nNbOutputs=2\n"
        "[d3]\nInput=d1,c\nType=Deconv\nKernelSize=1\nNbOutputs=2\n");
    n2d2_graph_request_input_grad(g);
    double err = kit_gradient_error(g, 3, 2);
    ck_assert_msg(err < 1e-6, "gradient error %g", err);
    kit_free(g);

    const char *spellings[] = {"BackPropagate=0", "BackPropagation=0"};
    for (int k = 0; k < 2; ++k) {
        char keys[128];
        snprintf(keys, sizeof keys, "KernelSize=2\nNbOutputs=2\n%s", spellings[k]);
        g = deconv_graph(keys, "SizeX=3\nSizeY=3", 2);
        n2d2_tensor_fill(n2d2_graph_input_grad(g), 7.0);
        kit_set_random(n2d2_graph_input(g), 1, -1, 1);
        ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
        n2d2_tensor_fill(n2d2_graph_output_grad(g, 0), 1.0);
        ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
        const n2d2_tensor *gx = n2d2_graph_input_grad(g);
        for (size_t i = 0; i < n2d2_tensor_numel(gx); ++i)
            ck_assert(n2d2_tensor_get(gx, i) == 0.0);
        /* parameter gradients are still the batch sums: 2 samples x 16 */
        ck_assert(fabs(n2d2_tensor_get(kit_param(g, "deconv", "biases", 1), 0) - 32.0) < 1e-12);
        kit_free(g);
    }
}
END_TEST

/* Large batches split over threads give the per-image results and the sum
 * of the per-image parameter gradients. */
static void check_batch_split(const char *keys, const char *sp)
{
    enum { B = 8 };
    n2d2_graph *g = deconv_graph(keys, sp, B);
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
    ck_assert_int_eq(n2d2_tensor_clone(kit_param(g, "deconv", "weights", 1), &dw), N2D2_OK);
    ck_assert_int_eq(n2d2_tensor_clone(kit_param(g, "deconv", "biases", 1), &db), N2D2_OK);
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
            ck_assert(fabs(n2d2_tensor_get(n2d2_graph_cell_output(g, 0), i) -
                           n2d2_tensor_get(y, n * out_item + i)) < 1e-10);
        for (size_t i = 0; i < in_item; ++i)
            ck_assert(fabs(n2d2_tensor_get(n2d2_graph_input_grad(g), i) -
                           n2d2_tensor_get(dx, n * in_item + i)) < 1e-10);
        for (size_t i = 0; i < n_w; ++i)
            sum[i] += n2d2_tensor_get(kit_param(g, "deconv", "weights", 1), i);
        for (size_t i = 0; i < n_b; ++i)
            sum[n_w + i] += n2d2_tensor_get(kit_param(g, "deconv", "biases", 1), i);
    }
    kit_expect(dw, sum, n_w, 1e-9);
    kit_expect(db, sum + n_w, n_b, 1e-9);
    free(sum);
    n2d2_tensor *all[] = {xs, dys, y, dx, dw, db};
    for (size_t i = 0; i < 6; ++i)
        n2d2_tensor_release(all[i]);
    kit_free(g);
}

START_TEST(batch_split_over_threads_matches_single_images)
{
    check_batch_split("KernelSize=4\nStride=2\nPadding=1\nNbOutputs=8", "SizeX=12\nSizeY=10\nNbChannels=6");
    check_batch_split("KernelSize=1\nNbOutputs=8\nMapping.NbGroups=2", "SizeX=20\nSizeY=20\nNbChannels=8");
}
END_TEST

START_TEST(float32_matches_float64)
{
    const char *net = "[sp]\nSizeX=7\nSizeY=5\nNbChannels=3\n"
                      "[d1]\nInput=sp\nType=Deconv\nKernelSize=3\nNbOutputs=8\nPadding=1\nStride=2\n"
                      "[d2]\nInput=d1\nType=Deconv\nKernelSize=2\nNbOutputs=4\nMapping.NbGroups=4\n";
    char text64[1024];
    snprintf(text64, sizeof text64, "DefaultDataType=Float64\n%s", net);
    n2d2_graph *g32 = kit_build_ok(net), *g64 = kit_build_ok(text64);
    n2d2_graph_request_input_grad(g32);
    n2d2_graph_request_input_grad(g64);
    ck_assert_int_eq(n2d2_graph_allocate(g32, 3, 1), N2D2_OK);
    ck_assert_int_eq(n2d2_graph_allocate(g64, 3, 1), N2D2_OK);
    const char *cells[2] = {"d1", "d2"}, *names[2] = {"weights", "biases"};
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
        {kit_param(g32, "d1", "weights", 1), kit_param(g64, "d1", "weights", 1)},
        {kit_param(g32, "d2", "biases", 1), kit_param(g64, "d2", "biases", 1)},
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

START_TEST(fillers_dry_run_and_no_bias)
{
    n2d2_graph *g = kit_build_ok("[sp]\nSizeX=8\nSizeY=8\nNbChannels=16\n"
                                 "[d]\nInput=sp\nType=Deconv\nKernelSize=4\nStride=2\nNbOutputs=32\n"
                                 "[e]\nInput=d\nType=Deconv\nKernelSize=3\nNbOutputs=2\nNoBias=1\n"
                                 "WeightsFiller=TestConstantFiller\nWeightsFiller.Value=0.25\n");
    /* default NormalFiller(0.0, 0.05) */
    const n2d2_tensor *w = kit_param(g, "d", "weights", 0);
    double s = 0, s2 = 0;
    const size_t n = n2d2_tensor_numel(w);
    for (size_t i = 0; i < n; ++i) {
        s += n2d2_tensor_get(w, i);
        s2 += n2d2_tensor_get(w, i) * n2d2_tensor_get(w, i);
    }
    const double mean = s / (double)n, sd = sqrt(s2 / (double)n - mean * mean);
    ck_assert_msg(fabs(mean) < 0.005 && fabs(sd - 0.05) < 0.005, "N(0, 0.05): %g %g", mean, sd);
    ck_assert(n2d2_tensor_get(kit_param(g, "e", "weights", 0), 7) == 0.25);
    ck_assert_ptr_null(kit_param(g, "e", "biases", 0));
    /* (8 - 1) 2 + 4 = 18; every input value meets 16 x 32 x 16 taps */
    ck_assert_uint_eq(n2d2_graph_cell_macs(g, 0), 16 * 32 * 16 * 64);
    ck_assert_uint_eq(n2d2_graph_cell_param_total(g, 0), 16 * 32 * 16 + 32);
    ck_assert_uint_eq(n2d2_graph_cell_param_total(g, 1), 32 * 2 * 9);
    const n2d2_shape *out = n2d2_cell_output_shape(n2d2_graph_cell_at(g, 1));
    ck_assert_uint_eq(out->dims[1], 20);
    ck_assert_uint_eq(out->dims[2], 20);
    kit_free(g);
}
END_TEST

START_TEST(learning_lowers_the_loss)
{
    /* fit a fixed random transposed convolution (teacher) with SGD */
    n2d2_graph *g = kit_build_ok("DefaultDataType=Float64\n[sp]\nSizeX=4\nSizeY=4\nNbChannels=2\n"
                                 "[deconv]\nInput=sp\nType=Deconv\nKernelSize=3\nStride=2\nNbOutputs=2\n"
                                 "Solvers.LearningRate=0.01\n");
    ck_assert_int_eq(n2d2_graph_allocate(g, 4, 1), N2D2_OK);
    geom q = {2, 4, 4, 2, 3, 3, 2, 2, 0, 0, 1, 1, 9, 9, 1};
    double teacher[36], bias[2] = {0.1, -0.2}, target[4 * 2 * 81];
    n2d2_rng rng;
    n2d2_rng_seed(&rng, 3, 0);
    for (int i = 0; i < 36; ++i)
        teacher[i] = n2d2_rng_normal(&rng, 0, 0.3);
    double first = 0, last = 0;
    for (int step = 0; step < 300; ++step) {
        kit_set_random(n2d2_graph_input(g), (unsigned)step, -1, 1);
        reference(&q, 4, NULL, n2d2_tensor_cdata(n2d2_graph_input(g)), teacher, bias, target);
        ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
        const n2d2_tensor *y = n2d2_graph_cell_output(g, 0);
        n2d2_tensor *gy = n2d2_graph_output_grad(g, 0);
        double loss = 0;
        for (size_t i = 0; i < 4 * 2 * 81; ++i) {
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

static void deconv_error(const char *keys, n2d2_status code, const char *needle)
{
    char text[1024];
    snprintf(text, sizeof text,
             "[sp]\nSizeX=3\nSizeY=2\nNbChannels=2\n[deconv]\nInput=sp\nType=Deconv\n%s\n", keys);
    kit_expect_error(text, code, needle);
}

START_TEST(bad_configurations)
{
    /* (2 - 1) 1 - 2 x 2 + (2 - 1) + 1 = -1 rows: the padding eats everything */
    deconv_error("KernelSize=2\nNbOutputs=1\nPadding=2", N2D2_ERR_SHAPE,
                 "net.ini:5: [deconv] (Deconv): the output width (3 - 1) x 1 - 2 x 2 + 1 x (2 - 1) + 1 "
                 "would be 0");
    deconv_error("KernelSize=2\nNbOutputs=1\nPaddingY=2", N2D2_ERR_SHAPE, "output height");
    deconv_error("KernelSize=2\nNbOutputs=1\nSubSample=2", N2D2_ERR_NOT_IMPLEMENTED,
                 "net.ini:10: SubSample: subsampling the output of a Deconv is not implemented yet");
    deconv_error("KernelWidth=0\nKernelHeight=2\nNbOutputs=1", N2D2_ERR_RANGE, "KernelWidth");
    deconv_error("KernelSize=2", N2D2_ERR_NOT_FOUND, "NbOutputs");
    deconv_error("NbOutputs=1", N2D2_ERR_NOT_FOUND, "missing window size");
    deconv_error("KernelSize=2\nNbOutputs=1\nStride=0", N2D2_ERR_RANGE, "Stride");
    deconv_error("KernelDims=2 2\nKernelWidth=2\nNbOutputs=1", N2D2_ERR_INVAL,
                 "net.ini:9: KernelWidth: cannot be combined with KernelDims (given at net.ini:8)");
    deconv_error("KernelDims=2 2 2\nNbOutputs=1", N2D2_ERR_NOT_IMPLEMENTED, "not implemented yet");
    deconv_error("KernelSize=2\nKernelDepth=2\nNbOutputs=1", N2D2_ERR_NOT_IMPLEMENTED, "3-D");
    deconv_error("KernelSize=2\nNbOutputs=1\nBackPropagate=1\nBackPropagation=0", N2D2_ERR_INVAL,
                 "net.ini:11: BackPropagation: contradicts BackPropagate (net.ini:10)");
    deconv_error("KernelSize=2\nNbOutputs=1\nWeightsSharing=other", N2D2_ERR_NOT_FOUND,
                 "WeightsSharing=other: no such cell");
    deconv_error("KernelSize=2\nNbOutputs=1\nNoBias=1\nBiasesSharing=other", N2D2_ERR_INVAL,
                 "BiasesSharing: contradicts NoBias=1");
    deconv_error("KernelSize=2\nNbOutputs=1\nWeightsExportFormat=HWCO", N2D2_ERR_NOT_IMPLEMENTED,
                 "not implemented yet");
    deconv_error("KernelSize=2\nNbOutputs=1\nWeightsExportFlip=1", N2D2_ERR_NOT_IMPLEMENTED,
                 "not implemented yet");
    deconv_error("KernelSize=2\nNbOutputs=3\nMapping.NbGroups=2", N2D2_ERR_SHAPE,
                 "must divide both the 2 input channels and the 3 outputs");
    deconv_error("KernelSize=2\nNbOutputs=1\nWeightsFiller=NoSuchFiller", N2D2_ERR_NOT_FOUND,
                 "NoSuchFiller");
    deconv_error("KernelSize=2\nNbOutputs=1\nDataType=Float16", N2D2_ERR_NOT_IMPLEMENTED, "Float16");
}
END_TEST

/* WeightsSharing=<Conv>: a Deconv {C, O, kh, kw} reuses the {O', C', kh,
 * kw} weights of the Conv it inverts (O' = C, C' = O): tied weights. */
START_TEST(weights_sharing_ties_a_conv)
{
    const char *text =
        "DefaultDataType=Float64\n[sp]\nSizeX=5\nSizeY=4\nNbChannels=3\n"
        "[enc]\nInput=sp\nType=Conv\nKernelSize=3\nNbOutputs=4\n"
        "[dec]\nInput=enc\nType=Deconv\nKernelSize=3\nNbOutputs=3\nWeightsSharing=enc\n"
        "[free]\nInput=enc\nType=Deconv\nKernelSize=3\nNbOutputs=3\n"
        "[twin]\nInput=enc\nType=Deconv\nKernelSize=3\nNbOutputs=3\nWeightsSharing=dec\n"
        "BiasesSharing=free\n";
    n2d2_graph *g = kit_build_ok(text);
    n2d2_tensor *we = kit_param(g, "enc", "weights", 0), *wd = kit_param(g, "dec", "weights", 0);
    ck_assert(n2d2_tensor_shares_storage(we, wd));
    ck_assert(n2d2_tensor_shares_storage(we, kit_param(g, "twin", "weights", 0)));
    ck_assert(n2d2_tensor_shares_storage(kit_param(g, "free", "biases", 0),
                                         kit_param(g, "twin", "biases", 0)));
    /* borrowed tensors are counted once: dec has its biases only, twin none */
    ck_assert_uint_eq(n2d2_graph_cell_param_total(g, 1), 3);
    ck_assert_uint_eq(n2d2_graph_cell_param_total(g, 2), 4 * 3 * 9 + 3);
    ck_assert_uint_eq(n2d2_graph_cell_param_total(g, 3), 0);
    /* the same weights and biases give the same output as a free Deconv */
    ck_assert_int_eq(n2d2_tensor_copy(kit_param(g, "free", "weights", 0), we), N2D2_OK);
    ck_assert_int_eq(n2d2_tensor_copy(kit_param(g, "dec", "biases", 0),
                                      kit_param(g, "free", "biases", 0)), N2D2_OK);
    ck_assert_int_eq(n2d2_graph_allocate(g, 2, 1), N2D2_OK);
    kit_set_random(n2d2_graph_input(g), 3, -1, 1);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    const n2d2_tensor *yd = n2d2_graph_cell_output(g, 1), *yf = n2d2_graph_cell_output(g, 2);
    const n2d2_tensor *yt = n2d2_graph_cell_output(g, 3);
    for (size_t i = 0; i < n2d2_tensor_numel(yd); ++i) {
        ck_assert(n2d2_tensor_get(yd, i) == n2d2_tensor_get(yf, i));
        ck_assert(n2d2_tensor_get(yt, i) == n2d2_tensor_get(yf, i));
    }
    /* a learning step moves the one shared tensor */
    for (size_t o = 0; o < n2d2_graph_output_count(g); ++o)
        kit_set_random(n2d2_graph_output_grad(g, o), 11, -1, 1);
    double before = n2d2_tensor_get(we, 0);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    ck_assert_int_eq(n2d2_graph_update(g), N2D2_OK);
    ck_assert(n2d2_tensor_get(we, 0) != before);
    ck_assert(n2d2_tensor_shares_storage(we, kit_param(g, "dec", "weights", 0)));
    kit_free(g);
    /* a shape mismatch names both cells and shapes */
    kit_expect_error("DefaultDataType=Float64\n[sp]\nSizeX=5\nSizeY=4\nNbChannels=3\n"
                     "[enc]\nInput=sp\nType=Conv\nKernelSize=3\nNbOutputs=4\n"
                     "[dec]\nInput=enc\nType=Deconv\nKernelSize=3\nNbOutputs=2\n"
                     "WeightsSharing=enc\n",
                     N2D2_ERR_SHAPE,
                     "WeightsSharing: the weights of [enc] are Float64 4x3x3x3 but [dec] needs "
                     "Float64 4x2x3x3");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cell_deconv");
    TCase *tc = tcase_create("deconv");
    tcase_add_checked_fixture(tc, kit_setup, kit_teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, forward_by_hand);
    tcase_add_test(tc, backward_by_hand);
    tcase_add_test(tc, stride_and_padding_by_hand);
    tcase_add_test(tc, geometry_variants_match_reference_and_gradients);
    tcase_add_test(tc, channel_maps);
    tcase_add_test(tc, adjoint_of_conv);
    tcase_add_test(tc, accumulated_input_gradients_and_back_propagate);
    tcase_add_test(tc, batch_split_over_threads_matches_single_images);
    tcase_add_test(tc, float32_matches_float64);
    tcase_add_test(tc, fillers_dry_run_and_no_bias);
    tcase_add_test(tc, weights_sharing_ties_a_conv);
    tcase_add_test(tc, learning_lowers_the_loss);
    tcase_add_test(tc, bad_configurations);
    suite_add_tcase(s, tc);
    return kit_run(s);
}
