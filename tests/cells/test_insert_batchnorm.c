/* InsertBatchNormAfterConv=1 end to end: the kernel inserts
 * [<conv>_batchnorm] (Type=BatchNorm) after each Conv not already followed
 * by a BatchNorm, moves the Conv's ActivationFunction and its options to it
 * (the Conv keeps none) with its Model and DataType, and rewires the Conv's consumers; the BatchNorm plugin takes its
 * channel count from its input (the inserted section has no NbOutputs).
 * The activation plugin is compiled in so that the moved activation runs. */
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

static const char *const net =
    "DefaultDataType=Float64\nInsertBatchNormAfterConv=1\n"
    "[sp]\nSizeX=5\nSizeY=4\nNbChannels=2\n"
    "[conv1]\nInput=sp\nType=Conv\nKernelSize=2\nNbOutputs=3\nActivationFunction=Tanh\n"
    "[conv2]\nInput=conv1\nType=Conv\nKernelSize=2\nNbOutputs=2\n"
    "[bn2]\nInput=conv2\nType=BatchNorm\nNbOutputs=2\n"
    "[p]\nInput=conv1\nType=Pool\nPoolSize=2\nNbOutputs=3\nMapping.Size=1\nPooling=Average\n"
    "[fc]\nInput=bn2,p\nType=Fc\nNbOutputs=2\n";

static const char *input_name_of(n2d2_graph *g, const char *cell, size_t i)
{
    n2d2_cell *c = n2d2_graph_find_cell(g, cell);
    ck_assert_ptr_nonnull(c);
    ck_assert_uint_gt(n2d2_cell_input_count(c), i);
    return n2d2_cell_input_name(c, i);
}

START_TEST(inserted_cell_takes_the_activation)
{
    n2d2_graph *g = kit_build_ok(net);
    n2d2_cell *bn = n2d2_graph_find_cell(g, "conv1_batchnorm");
    ck_assert_ptr_nonnull(bn);
    ck_assert_str_eq(n2d2_cell_type(bn), "BatchNorm");
    ck_assert_str_eq(n2d2_cell_model(bn), "Frame");
    ck_assert_uint_eq(n2d2_cell_input_count(bn), 1);
    ck_assert_str_eq(n2d2_cell_input_name(bn, 0), "conv1");
    ck_assert_str_eq(n2d2_params_string(n2d2_cell_params(bn), "ActivationFunction"), "Tanh");
    ck_assert_str_eq(n2d2_params_string(n2d2_cell_params(n2d2_graph_find_cell(g, "conv1")),
                                        "ActivationFunction"),
                     "");
    /* channels from the input; learnable scales and biases */
    ck_assert_uint_eq(n2d2_cell_output_shape(bn)->dims[0], 3);
    ck_assert_uint_eq(n2d2_graph_cell_param_total(g, 1), 6);
    /* consumers of conv1 now read the BatchNorm */
    ck_assert_str_eq(input_name_of(g, "conv2", 0), "conv1_batchnorm");
    ck_assert_str_eq(input_name_of(g, "p", 0), "conv1_batchnorm");
    /* conv2 is already followed by a BatchNorm: nothing inserted */
    ck_assert_ptr_null(n2d2_graph_find_cell(g, "conv2_batchnorm"));
    ck_assert_uint_eq(n2d2_graph_cell_count(g), 6);
    kit_free(g);
}
END_TEST

/* The activation comes with its options, from the ConfigSection too, and
 * the BatchNorm gets the Conv's DataType. */
START_TEST(activation_options_config_and_data_type_move)
{
    n2d2_graph *g = kit_build_ok(
        "InsertBatchNormAfterConv=1\n[sp]\nSizeX=4\nSizeY=4\nNbChannels=1\n"
        "[cfg]\nActivationFunction=Rectifier\nActivationFunction.LeakSlope=0.5\n"
        "[conv]\nInput=sp\nType=Conv\nKernelSize=2\nNbOutputs=2\nDataType=Float64\n"
        "ConfigSection=cfg\nActivationFunction.LeakSlope=0.25\n"
        "[fc]\nInput=conv\nType=Fc\nNbOutputs=2\nDataType=Float64\n");
    n2d2_cell *bn = n2d2_graph_find_cell(g, "conv_batchnorm");
    ck_assert_ptr_nonnull(bn);
    ck_assert_int_eq(n2d2_cell_dtype(bn), N2D2_FLOAT64);
    ck_assert_str_eq(n2d2_params_string(n2d2_cell_params(bn), "ActivationFunction"), "Rectifier");
    ck_assert_str_eq(n2d2_params_string(n2d2_cell_params(n2d2_graph_find_cell(g, "conv")),
                                        "ActivationFunction"),
                     "");
    /* both LeakSlope keys were taken over (none reported unused) */
    ck_assert_int_eq(n2d2_graph_allocate(g, 2, 0), N2D2_OK);
    ck_assert_int_eq(n2d2_graph_check_unused(g), N2D2_OK);
    kit_free(g);
}
END_TEST

START_TEST(network_runs_forward_and_backward)
{
    enum { B = 3 };
    n2d2_graph *g = kit_build_ok(net);
    n2d2_graph_request_input_grad(g);
    ck_assert_int_eq(n2d2_graph_allocate(g, B, 1), N2D2_OK);
    kit_set_random(n2d2_graph_input(g), 7, -1, 1);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    /* conv1 is linear now; its BatchNorm normalises and applies tanh */
    n2d2_cell *conv = n2d2_graph_find_cell(g, "conv1"), *bn = n2d2_graph_find_cell(g, "conv1_batchnorm");
    const n2d2_tensor *c = n2d2_graph_cell_output_of(g, conv), *y = n2d2_graph_cell_output_of(g, bn);
    const size_t C = 3, P = 3 * 4;
    for (size_t ch = 0; ch < C; ++ch) {
        double mean = 0, var = 0;
        for (size_t n = 0; n < B; ++n)
            for (size_t p = 0; p < P; ++p)
                mean += n2d2_tensor_get(c, (n * C + ch) * P + p) / (B * P);
        for (size_t n = 0; n < B; ++n)
            for (size_t p = 0; p < P; ++p) {
                double d = n2d2_tensor_get(c, (n * C + ch) * P + p) - mean;
                var += d * d / (B * P);
            }
        for (size_t n = 0; n < B; ++n)
            for (size_t p = 0; p < P; ++p) {
                size_t i = (n * C + ch) * P + p;
                double want = tanh((n2d2_tensor_get(c, i) - mean) / sqrt(var + 1e-5));
                ck_assert_msg(fabs(n2d2_tensor_get(y, i) - want) < 1e-12, "value %zu", i);
            }
    }
    kit_set_random(n2d2_graph_output_grad(g, 0), 8, -1, 1);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    ck_assert_int_eq(n2d2_graph_update(g), N2D2_OK);
    /* the inserted cell learned (its scales moved away from 1) */
    const n2d2_tensor *scales = kit_param(g, "conv1_batchnorm", "scales", 0);
    double moved = 0;
    for (size_t i = 0; i < 3; ++i)
        moved += fabs(n2d2_tensor_get(scales, i) - 1);
    ck_assert(moved > 0);
    kit_free(g);
    /* and the whole network passes the finite-difference check */
    g = kit_build_ok(net);
    n2d2_graph_request_input_grad(g);
    double err = kit_gradient_error(g, B, 9);
    ck_assert_msg(err < 1e-6, "gradient error %g", err);
    kit_free(g);
}
END_TEST

START_TEST(conv_without_activation_and_model)
{
    /* no activation to move: the BatchNorm gets none and the Conv keeps
     * none; Model= is copied */
    n2d2_graph *g = kit_build_ok("InsertBatchNormAfterConv=1\n[sp]\nSizeX=3\nSizeY=3\n"
                                 "[c]\nInput=sp\nType=Conv\nKernelSize=2\nNbOutputs=2\nModel=Frame\n");
    n2d2_cell *bn = n2d2_graph_find_cell(g, "c_batchnorm");
    ck_assert_ptr_nonnull(bn);
    ck_assert_str_eq(n2d2_params_string(n2d2_cell_params(bn), "ActivationFunction"), "");
    ck_assert_str_eq(n2d2_params_string(n2d2_cell_params(n2d2_graph_find_cell(g, "c")),
                                        "ActivationFunction"),
                     "");
    ck_assert_uint_eq(n2d2_graph_output_count(g), 1);
    ck_assert_ptr_eq(n2d2_graph_output_at(g, 0), bn);
    ck_assert_int_eq(n2d2_graph_allocate(g, 2, 1), N2D2_OK);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    kit_free(g);
    /* off by default */
    g = kit_build_ok("[sp]\nSizeX=3\nSizeY=3\n[c]\nInput=sp\nType=Conv\nKernelSize=2\nNbOutputs=2\n");
    ck_assert_ptr_null(n2d2_graph_find_cell(g, "c_batchnorm"));
    kit_free(g);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cell_insert_batchnorm");
    TCase *tc = tcase_create("insert_batchnorm");
    tcase_add_checked_fixture(tc, setup, kit_teardown);
    tcase_add_test(tc, inserted_cell_takes_the_activation);
    tcase_add_test(tc, network_runs_forward_and_backward);
    tcase_add_test(tc, activation_options_config_and_data_type_move);
    tcase_add_test(tc, conv_without_activation_and_model);
    suite_add_tcase(s, tc);
    return kit_run(s);
}
