/* -fuse (n2d2_graph_fuse_batchnorm): a BatchNorm after a Conv or Fc is
 * folded into it. With random weights and random BatchNorm statistics, the
 * network's outputs at inference must not change (1e-5 relative, Float64;
 * 1e-4 in Float32), the BatchNorm must leave the schedule, its activation
 * must move onto the producer, and a NoBias producer must gain a bias.
 * BatchNorms that do not qualify stay. The activation plugin is compiled
 * in (ReLU, Tanh). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cells_testkit.h"

N2D2_STATIC_PLUGIN_DECLARE(activations);

static void setup(void)
{
    static const n2d2_static_plugin extra[] = {N2D2_STATIC_PLUGIN(activations)};
    kit_setup_with(extra, 1);
}

/* Random parameters for every cell, BatchNorm statistics included
 * (variances positive, scales of both signs). */
static void randomise(n2d2_graph *g, unsigned seed)
{
    for (size_t c = 0; c < n2d2_graph_cell_count(g); ++c) {
        n2d2_cell *cell = n2d2_graph_cell_at(g, c);
        for (size_t i = 0; i < n2d2_cell_param_count(cell); ++i) {
            const char *name = n2d2_cell_param_name(cell, i);
            double lo = -1.0, hi = 1.0;
            if (strcmp(name, "variances") == 0)
                lo = 0.2, hi = 3.0;
            else if (strcmp(name, "scales") == 0)
                lo = -2.0, hi = 2.0;
            kit_set_random(n2d2_cell_param_value(cell, i), seed + 31 * (unsigned)(c * 8 + i), lo, hi);
        }
    }
}

/* Inference on a fixed random batch; returns a copy of every output. */
static n2d2_tensor **infer(n2d2_graph *g, size_t batch)
{
    ck_assert_int_eq(n2d2_graph_allocate(g, batch, 0), N2D2_OK);
    kit_set_random(n2d2_graph_input(g), 99, -1.0, 1.0);
    ck_assert_int_eq(n2d2_graph_forward(g, 0), N2D2_OK);
    size_t n = n2d2_graph_output_count(g);
    n2d2_tensor **out = calloc(n, sizeof *out);
    ck_assert_ptr_nonnull(out);
    for (size_t i = 0; i < n; ++i)
        ck_assert_int_eq(n2d2_tensor_clone(n2d2_graph_cell_output_of(g, n2d2_graph_output_at(g, i)),
                                           &out[i]),
                         N2D2_OK);
    return out;
}

static void expect_close(n2d2_tensor **a, n2d2_tensor **b, size_t n, double rel)
{
    for (size_t o = 0; o < n; ++o) {
        ck_assert_uint_eq(n2d2_tensor_numel(a[o]), n2d2_tensor_numel(b[o]));
        double scale = 0.0;
        for (size_t i = 0; i < n2d2_tensor_numel(a[o]); ++i)
            scale = fmax(scale, fabs(n2d2_tensor_get(a[o], i)));
        ck_assert(scale > 0.0);
        for (size_t i = 0; i < n2d2_tensor_numel(a[o]); ++i) {
            double x = n2d2_tensor_get(a[o], i), y = n2d2_tensor_get(b[o], i);
            ck_assert_msg(fabs(x - y) <= rel * fmax(fabs(x), 1e-3 * scale),
                          "output %zu element %zu: %.12g fused vs %.12g", o, i, y, x);
        }
    }
}

static void free_outputs(n2d2_tensor **t, size_t n)
{
    for (size_t i = 0; i < n; ++i)
        n2d2_tensor_release(t[i]);
    free(t);
}

/* Build, randomise, infer, fuse, infer again: outputs match; returns the
 * graph (fused) for further checks. */
static n2d2_graph *fuse_and_compare(const char *text, size_t want_fused, double rel)
{
    n2d2_graph *g = kit_build_ok(text);
    randomise(g, 5);
    size_t n_out = n2d2_graph_output_count(g), before = n2d2_graph_cell_count(g);
    n2d2_tensor **ref = infer(g, 3);
    size_t fused = 99;
    ck_assert_int_eq(n2d2_graph_fuse_batchnorm(g, NULL, 0, &fused), N2D2_OK);
    ck_assert_uint_eq(fused, want_fused);
    ck_assert_uint_eq(n2d2_graph_cell_count(g), before - want_fused);
    ck_assert_uint_eq(n2d2_graph_output_count(g), n_out);
    n2d2_tensor **got = infer(g, 3);
    expect_close(ref, got, n_out, rel);
    free_outputs(ref, n_out);
    free_outputs(got, n_out);
    return g;
}

static const char *const conv_bn_relu =
    "DefaultDataType=Float64\n"
    "[sp]\nSizeX=6\nSizeY=5\nNbChannels=2\n"
    "[conv]\nInput=sp\nType=Conv\nKernelSize=3\nPadding=1\nNbOutputs=4\nNoBias=1\n"
    "[bn]\nInput=conv\nType=BatchNorm\nNbOutputs=4\nActivationFunction=Rectifier\nEpsilon=0.01\n"
    "[fc]\nInput=bn\nType=Fc\nNbOutputs=3\n";

START_TEST(conv_batchnorm_relu_is_folded)
{
    n2d2_graph *g = fuse_and_compare(conv_bn_relu, 1, 1e-5);
    ck_assert_ptr_null(n2d2_graph_find_cell(g, "bn"));
    /* the NoBias conv gained a bias; the fc reads the conv */
    ck_assert_ptr_nonnull(kit_param(g, "conv", "biases", 0));
    n2d2_cell *fc = n2d2_graph_find_cell(g, "fc");
    ck_assert_str_eq(n2d2_cell_input_name(fc, 0), "conv");
    /* the ReLU moved: the conv's output is non-negative and not all zero */
    ck_assert_int_eq(n2d2_graph_allocate(g, 2, 0), N2D2_OK);
    kit_set_random(n2d2_graph_input(g), 4, -1.0, 1.0);
    ck_assert_int_eq(n2d2_graph_forward(g, 0), N2D2_OK);
    const n2d2_tensor *y = n2d2_graph_cell_output_of(g, n2d2_graph_find_cell(g, "conv"));
    size_t positive = 0;
    for (size_t i = 0; i < n2d2_tensor_numel(y); ++i) {
        ck_assert(n2d2_tensor_get(y, i) >= 0.0);
        positive += n2d2_tensor_get(y, i) > 0.0;
    }
    ck_assert_uint_gt(positive, 0);
    ck_assert_uint_lt(positive, n2d2_tensor_numel(y));
    kit_free(g);
}
END_TEST

/* A conv with bias and groups (depthwise-like), then an Fc + BatchNorm
 * with Tanh, default Epsilon (0 = 1e-5). */
START_TEST(grouped_conv_and_fc_batchnorm_are_folded)
{
    n2d2_graph *g = fuse_and_compare(
        "DefaultDataType=Float64\n"
        "[sp]\nSizeX=5\nSizeY=5\nNbChannels=4\n"
        "[dw]\nInput=sp\nType=Conv\nKernelSize=3\nNbOutputs=4\nMapping.NbGroups=4\n"
        "[bn1]\nInput=dw\nType=BatchNorm\nNbOutputs=4\n"
        "[fc1]\nInput=bn1\nType=Fc\nNbOutputs=6\n"
        "[bn2]\nInput=fc1\nType=BatchNorm\nNbOutputs=6\nActivationFunction=Tanh\n"
        "[fc2]\nInput=bn2\nType=Fc\nNbOutputs=2\nNoBias=1\n",
        2, 1e-5);
    ck_assert_ptr_null(n2d2_graph_find_cell(g, "bn1"));
    ck_assert_ptr_null(n2d2_graph_find_cell(g, "bn2"));
    ck_assert_str_eq(n2d2_cell_input_name(n2d2_graph_find_cell(g, "fc2"), 0), "fc1");
    kit_free(g);
}
END_TEST

START_TEST(float32_outputs_match)
{
    n2d2_graph *g = fuse_and_compare(conv_bn_relu + strlen("DefaultDataType=Float64\n"), 1, 1e-4);
    kit_free(g);
}
END_TEST

/* Cases that must stay as they are: a conv with two consumers, a conv
 * with its own activation, a BatchNorm reading the stimuli, a BatchNorm
 * that is a network output, a BatchNorm a target reads (keep). */
START_TEST(batchnorms_that_do_not_qualify_stay)
{
    n2d2_graph *g = fuse_and_compare(
        "DefaultDataType=Float64\n"
        "[sp]\nSizeX=4\nSizeY=4\nNbChannels=2\n"
        "[bn0]\nInput=sp\nType=BatchNorm\nNbOutputs=2\n"
        "[c1]\nInput=bn0\nType=Conv\nKernelSize=1\nNbOutputs=3\n"
        "[bn1]\nInput=c1\nType=BatchNorm\nNbOutputs=3\n"
        "[side]\nInput=c1\nType=Pool\nPoolSize=2\nStride=2\nNbOutputs=3\nMapping.Size=1\n"
        "[c2]\nInput=bn1\nType=Conv\nKernelSize=1\nNbOutputs=3\nActivationFunction=Tanh\n"
        "[bn2]\nInput=c2\nType=BatchNorm\nNbOutputs=3\n"
        "[c3]\nInput=bn2\nType=Conv\nKernelSize=1\nNbOutputs=2\n"
        "[bn3]\nInput=c3\nType=BatchNorm\nNbOutputs=2\n",
        0, 1e-12);
    for (size_t i = 0; i < 4; ++i) {
        char name[8];
        snprintf(name, sizeof name, "bn%zu", i);
        ck_assert_ptr_nonnull(n2d2_graph_find_cell(g, name));
    }
    kit_free(g);

    /* the same BatchNorm is folded unless a target needs it */
    const char *text = "DefaultDataType=Float64\n[sp]\nSizeX=3\nSizeY=3\nNbChannels=1\n"
                       "[c]\nInput=sp\nType=Conv\nKernelSize=1\nNbOutputs=2\n"
                       "[bn]\nInput=c\nType=BatchNorm\nNbOutputs=2\n"
                       "[fc]\nInput=bn\nType=Fc\nNbOutputs=2\n";
    g = kit_build_ok(text);
    n2d2_cell *keep = n2d2_graph_find_cell(g, "bn");
    size_t fused = 99;
    ck_assert_int_eq(n2d2_graph_fuse_batchnorm(g, &keep, 1, &fused), N2D2_OK);
    ck_assert_uint_eq(fused, 0);
    ck_assert_ptr_nonnull(n2d2_graph_find_cell(g, "bn"));
    ck_assert_int_eq(n2d2_graph_fuse_batchnorm(g, NULL, 0, &fused), N2D2_OK);
    ck_assert_uint_eq(fused, 1);
    ck_assert_ptr_null(n2d2_graph_find_cell(g, "bn"));
    /* a second pass finds nothing more */
    ck_assert_int_eq(n2d2_graph_fuse_batchnorm(g, NULL, 0, &fused), N2D2_OK);
    ck_assert_uint_eq(fused, 0);
    kit_free(g);
}
END_TEST

/* InsertBatchNormAfterConv moved each Conv's activation onto the inserted
 * BatchNorm; -fuse folds the BatchNorms back and the activations with them. */
START_TEST(inserted_batchnorms_fold_back)
{
    n2d2_graph *g = fuse_and_compare(
        "DefaultDataType=Float64\nInsertBatchNormAfterConv=1\n"
        "[sp]\nSizeX=6\nSizeY=6\nNbChannels=1\n"
        "[c1]\nInput=sp\nType=Conv\nKernelSize=3\nNbOutputs=3\nActivationFunction=Tanh\n"
        "[c2]\nInput=c1\nType=Conv\nKernelSize=3\nStride=2\nNbOutputs=2\nNoBias=1\n"
        "ActivationFunction=Rectifier\n"
        "[fc]\nInput=c2\nType=Fc\nNbOutputs=2\n",
        2, 1e-5);
    ck_assert_ptr_null(n2d2_graph_find_cell(g, "c1_batchnorm"));
    ck_assert_ptr_null(n2d2_graph_find_cell(g, "c2_batchnorm"));
    ck_assert_str_eq(n2d2_cell_input_name(n2d2_graph_find_cell(g, "c2"), 0), "c1");
    ck_assert_uint_eq(n2d2_graph_cell_count(g), 3);
    kit_free(g);
}
END_TEST

/* A conv whose weights another conv shares is left alone: folding would
 * change the other one too. */
START_TEST(shared_weights_are_not_folded)
{
    n2d2_graph *g = fuse_and_compare(
        "DefaultDataType=Float64\n[sp]\nSizeX=4\nSizeY=4\nNbChannels=2\n"
        "[a]\nInput=sp\nType=Conv\nKernelSize=3\nPadding=1\nNbOutputs=2\n"
        "[bn]\nInput=a\nType=BatchNorm\nNbOutputs=2\n"
        "[fa]\nInput=bn\nType=Fc\nNbOutputs=2\n"
        "[b]\nInput=sp\nType=Conv\nKernelSize=3\nPadding=1\nNbOutputs=2\nWeightsSharing=a\n",
        0, 1e-12);
    ck_assert_ptr_nonnull(n2d2_graph_find_cell(g, "bn"));
    kit_free(g);
}
END_TEST

/* The folded values themselves, by hand: 1x1 conv w = 2, b = 1, BatchNorm
 * scale 3, bias 0.5, mean 4, variance 0.25 - 1e-5 (so the root is 0.5):
 * a = 6, w' = 12, b' = 6 (1 - 4) + 0.5 = -17.5. */
START_TEST(folded_values_by_hand)
{
    n2d2_graph *g = kit_build_ok("DefaultDataType=Float64\n[sp]\nSizeX=1\nSizeY=1\nNbChannels=1\n"
                                 "[c]\nInput=sp\nType=Conv\nKernelSize=1\nNbOutputs=1\n"
                                 "[bn]\nInput=c\nType=BatchNorm\nNbOutputs=1\n"
                                 "[fc]\nInput=bn\nType=Fc\nNbOutputs=1\n");
    const double w = 2, b = 1, s = 3, beta = 0.5, mu = 4, var = 0.25 - 1e-5;
    kit_set(kit_param(g, "c", "weights", 0), &w, 1);
    kit_set(kit_param(g, "c", "biases", 0), &b, 1);
    kit_set(kit_param(g, "bn", "scales", 0), &s, 1);
    kit_set(kit_param(g, "bn", "biases", 0), &beta, 1);
    kit_set(kit_param(g, "bn", "means", 0), &mu, 1);
    kit_set(kit_param(g, "bn", "variances", 0), &var, 1);
    ck_assert_int_eq(n2d2_graph_fuse_batchnorm(g, NULL, 0, NULL), N2D2_OK);
    const double w2 = 12, b2 = -17.5;
    kit_expect(kit_param(g, "c", "weights", 0), &w2, 1, 1e-12);
    kit_expect(kit_param(g, "c", "biases", 0), &b2, 1, 1e-12);
    kit_free(g);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fuse");
    TCase *tc = tcase_create("fuse");
    tcase_add_checked_fixture(tc, setup, kit_teardown);
    tcase_add_test(tc, conv_batchnorm_relu_is_folded);
    tcase_add_test(tc, grouped_conv_and_fc_batchnorm_are_folded);
    tcase_add_test(tc, float32_outputs_match);
    tcase_add_test(tc, batchnorms_that_do_not_qualify_stay);
    tcase_add_test(tc, folded_values_by_hand);
    tcase_add_test(tc, shared_weights_are_not_folded);
    tcase_add_test(tc, inserted_batchnorms_fold_back);
    suite_add_tcase(s, tc);
    return kit_run(s);
}
