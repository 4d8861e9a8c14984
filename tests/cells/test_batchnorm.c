/* BatchNorm (model Frame, A42): learning forward with batch statistics and
 * backward by hand, running statistics over several batches, inference with
 * the running statistics, frozen statistics (momentum 0), finite
 * differences in Float64 (the check repeats the same batch), Float32 against
 * Float64, the threaded path against direct loops, parameters and errors. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cells_testkit.h"

static n2d2_graph *bn_graph(const char *keys, const char *sp, size_t batch)
{
    char text[2048];
    snprintf(text, sizeof text,
             "DefaultDataType=Float64\n[sp]\n%s\n[bn]\nInput=sp\nType=BatchNorm\n%s\n", sp, keys);
    n2d2_graph *g = kit_build_ok(text);
    n2d2_graph_request_input_grad(g);
    ck_assert_int_eq(n2d2_graph_allocate(g, batch, 1), N2D2_OK);
    return g;
}

START_TEST(learning_forward_by_hand)
{
    /* 2 channels of 2 values, batch 2. Channel 0 sees {1, 3, 5, 7}: mean 4,
     * biased variance 5, unbiased 20/3. Channel 1 sees {0, 0, 2, -2}: mean
     * 0, variance 2 (unbiased 8/3). */
    n2d2_graph *g = bn_graph("NbOutputs=2", "SizeX=2\nSizeY=1\nNbChannels=2", 2);
    const double x[8] = {1, 3, 0, 0, 5, 7, 2, -2};
    const double scales[2] = {2, 1}, biases[2] = {0.5, -1};
    kit_set(n2d2_graph_input(g), x, 8);
    kit_set(kit_param(g, "bn", "scales", 0), scales, 2);
    kit_set(kit_param(g, "bn", "biases", 0), biases, 2);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    const double i0 = 1 / sqrt(5 + 1e-5), i1 = 1 / sqrt(2 + 1e-5); /* Epsilon 0 -> 1e-5 */
    const double want[8] = {2 * -3 * i0 + 0.5, 2 * -1 * i0 + 0.5, -1, -1,
                            2 * 1 * i0 + 0.5,  2 * 3 * i0 + 0.5,  2 * i1 - 1, -2 * i1 - 1};
    kit_expect(n2d2_graph_cell_output(g, 0), want, 8, 1e-12);
    /* running = 0.1 batch + 0.9 running, from mean 0 and variance 1 */
    const double means[2] = {0.4, 0}, variances[2] = {0.1 * 20 / 3 + 0.9, 0.1 * 8 / 3 + 0.9};
    kit_expect(kit_param(g, "bn", "means", 0), means, 2, 1e-12);
    kit_expect(kit_param(g, "bn", "variances", 0), variances, 2, 1e-12);
    ck_assert_uint_eq(n2d2_graph_cell_macs(g, 0), 4);
    kit_free(g);
}
END_TEST

/* The last batch of an epoch is padded: with 2 real items of 4, the batch
 * statistics, running averages, parameter gradients and input gradients
 * equal those of a batch of the 2 real items alone; the padding gets zero
 * outputs and zero gradients. */
START_TEST(padding_items_are_left_out_of_the_statistics)
{
    const char *keys = "NbOutputs=2\nMovingAverageMomentum=0.5", *sp = "SizeX=3\nSizeY=1\nNbChannels=2";
    n2d2_graph *full = bn_graph(keys, sp, 4), *real = bn_graph(keys, sp, 2);
    double x[24], dy[24];
    for (int i = 0; i < 24; ++i) {
        x[i] = i < 12 ? sin(1.3 * i) * 3 : 1000.0 + i; /* items 2-3: wild padding */
        dy[i] = i < 12 ? cos(0.7 * i) : 55.0;
    }
    kit_set(n2d2_graph_input(full), x, 24);
    kit_set(n2d2_graph_input(real), x, 12);
    n2d2_graph_set_active_batch(full, 2);
    ck_assert_int_eq(n2d2_graph_forward(full, 1), N2D2_OK);
    ck_assert_int_eq(n2d2_graph_forward(real, 1), N2D2_OK);
    double y[24] = {0}, dx[24] = {0};
    for (int i = 0; i < 12; ++i)
        y[i] = n2d2_tensor_get(n2d2_graph_cell_output(real, 0), (size_t)i);
    kit_expect(n2d2_graph_cell_output(full, 0), y, 24, 1e-12);
    double stat[2];
    for (int c = 0; c < 2; ++c)
        stat[c] = n2d2_tensor_get(kit_param(real, "bn", "means", 0), (size_t)c);
    kit_expect(kit_param(full, "bn", "means", 0), stat, 2, 1e-12);
    for (int c = 0; c < 2; ++c)
        stat[c] = n2d2_tensor_get(kit_param(real, "bn", "variances", 0), (size_t)c);
    kit_expect(kit_param(full, "bn", "variances", 0), stat, 2, 1e-12);
    kit_set(n2d2_graph_output_grad(full, 0), dy, 24);
    kit_set(n2d2_graph_output_grad(real, 0), dy, 12);
    ck_assert_int_eq(n2d2_graph_backward(full), N2D2_OK);
    ck_assert_int_eq(n2d2_graph_backward(real), N2D2_OK);
    for (int i = 0; i < 12; ++i)
        dx[i] = n2d2_tensor_get(n2d2_graph_input_grad(real), (size_t)i);
    kit_expect(n2d2_graph_input_grad(full), dx, 24, 1e-12);
    const char *grads[2] = {"scales", "biases"};
    for (int k = 0; k < 2; ++k) {
        for (int c = 0; c < 2; ++c)
            stat[c] = n2d2_tensor_get(kit_param(real, "bn", grads[k], 1), (size_t)c);
        kit_expect(kit_param(full, "bn", grads[k], 1), stat, 2, 1e-12);
    }
    kit_free(full);
    kit_free(real);
}
END_TEST

START_TEST(backward_by_hand)
{
    /* x = {0, 1, 2}: mean 1, variance 2/3, inv = sqrt(1.5), x^ = (x - 1) inv.
     * dy = {1, 0, 0}: dbias = 1, dscale = -sqrt(1.5), and
     * dx = inv / 3 (3 dy - 1 - x^ dscale) = inv / 3 {0.5, -1, 0.5}. */
    n2d2_graph *g = bn_graph("NbOutputs=1\nEpsilon=1e-300", "SizeX=3\nSizeY=1", 1);
    const double x[3] = {0, 1, 2}, dy[3] = {1, 0, 0};
    kit_set(n2d2_graph_input(g), x, 3);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    kit_set(n2d2_graph_output_grad(g, 0), dy, 3);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    const double inv = sqrt(1.5);
    const double dx[3] = {inv / 6, -inv / 3, inv / 6};
    kit_expect(n2d2_graph_input_grad(g), dx, 3, 1e-12);
    const double dscale[1] = {-inv}, dbias[1] = {1};
    kit_expect(kit_param(g, "bn", "scales", 1), dscale, 1, 1e-12);
    kit_expect(kit_param(g, "bn", "biases", 1), dbias, 1, 1e-12);
    kit_free(g);
}
END_TEST

START_TEST(running_statistics_over_batches)
{
    /* momentum 0.5; unbiased batch variances:
     *   {1, 2, 3, 4}: mean 2.5, var 5/3 -> mean 1.25,   var (5/3 + 1) / 2 = 4/3
     *   {0, 0, 0, 4}: mean 1,   var 4   -> mean 1.125,  var (4 + 4/3) / 2 = 8/3
     *   {2, 2, 2, 2}: mean 2,   var 0   -> mean 1.5625, var 4/3 */
    n2d2_graph *g = bn_graph("NbOutputs=1\nMovingAverageMomentum=0.5", "SizeX=2\nSizeY=1", 2);
    const double batches[3][4] = {{1, 2, 3, 4}, {0, 0, 0, 4}, {2, 2, 2, 2}};
    const double means[3] = {1.25, 1.125, 1.5625}, vars[3] = {4.0 / 3, 8.0 / 3, 4.0 / 3};
    for (int b = 0; b < 3; ++b) {
        kit_set(n2d2_graph_input(g), batches[b], 4);
        ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
        kit_expect(kit_param(g, "bn", "means", 0), &means[b], 1, 1e-12);
        kit_expect(kit_param(g, "bn", "variances", 0), &vars[b], 1, 1e-12);
    }
    /* a constant batch normalises to the bias (0) */
    const double zeros[4] = {0, 0, 0, 0};
    kit_expect(n2d2_graph_cell_output(g, 0), zeros, 4, 1e-12);
    /* inference forwards leave the statistics alone */
    ck_assert_int_eq(n2d2_graph_forward(g, 0), N2D2_OK);
    kit_expect(kit_param(g, "bn", "means", 0), &means[2], 1, 1e-12);
    kit_expect(kit_param(g, "bn", "variances", 0), &vars[2], 1, 1e-12);
    kit_free(g);
}
END_TEST

START_TEST(inference_uses_running_statistics)
{
    n2d2_graph *g = bn_graph("NbOutputs=2\nEpsilon=0.25", "SizeX=2\nSizeY=1\nNbChannels=2", 1);
    const double means[2] = {1, -2}, vars[2] = {3.75, 0}, scales[2] = {2, 3}, biases[2] = {1, 0};
    kit_set(kit_param(g, "bn", "means", 0), means, 2);
    kit_set(kit_param(g, "bn", "variances", 0), vars, 2);
    kit_set(kit_param(g, "bn", "scales", 0), scales, 2);
    kit_set(kit_param(g, "bn", "biases", 0), biases, 2);
    const double x[4] = {1, 5, -2, -1};
    kit_set(n2d2_graph_input(g), x, 4);
    ck_assert_int_eq(n2d2_graph_forward(g, 0), N2D2_OK);
    /* channel 0: 2 (x - 1) / 2 + 1; channel 1: 3 (x + 2) / 0.5 */
    const double want[4] = {1, 5, 0, 6};
    kit_expect(n2d2_graph_cell_output(g, 0), want, 4, 1e-12);
    /* backward needs a learning forward (batch statistics) */
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_ERR_INVAL);
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "without a learning forward"));
    kit_free(g);
    /* the same through an inference-only graph */
    g = kit_build_ok("[sp]\nSizeX=2\nSizeY=1\n[bn]\nInput=sp\nType=BatchNorm\nEpsilon=0.25\n");
    ck_assert_int_eq(n2d2_graph_allocate(g, 1, 0), N2D2_OK);
    kit_set(kit_param(g, "bn", "means", 0), means, 1);
    kit_set(kit_param(g, "bn", "variances", 0), vars, 1);
    kit_set(n2d2_graph_input(g), x, 2);
    ck_assert_int_eq(n2d2_graph_forward(g, 0), N2D2_OK);
    const double plain[2] = {0, 2};
    kit_expect(n2d2_graph_cell_output(g, 0), plain, 2, 1e-6);
    kit_free(g);
}
END_TEST

START_TEST(zero_momentum_freezes_statistics)
{
    /* m = 0: learning normalises with the running statistics, which never
     * move, and backward is the affine map dx = scale / sqrt(var + eps) dy */
    n2d2_graph *g = bn_graph("NbOutputs=1\nMovingAverageMomentum=0\nEpsilon=0.5", "SizeX=2\nSizeY=1", 2);
    const double means[1] = {1}, vars[1] = {3.5}, scales[1] = {4};
    kit_set(kit_param(g, "bn", "means", 0), means, 1);
    kit_set(kit_param(g, "bn", "variances", 0), vars, 1);
    kit_set(kit_param(g, "bn", "scales", 0), scales, 1);
    const double x[4] = {1, 2, 3, 5}, dy[4] = {1, -1, 2, 0.5};
    kit_set(n2d2_graph_input(g), x, 4);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    const double want[4] = {0, 2, 4, 8};
    kit_expect(n2d2_graph_cell_output(g, 0), want, 4, 1e-12);
    kit_expect(kit_param(g, "bn", "means", 0), means, 1, 0);
    kit_expect(kit_param(g, "bn", "variances", 0), vars, 1, 0);
    kit_set(n2d2_graph_output_grad(g, 0), dy, 4);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    const double dx[4] = {2, -2, 4, 1};
    kit_expect(n2d2_graph_input_grad(g), dx, 4, 1e-12);
    /* dscale = sum dy x^ = 1 * 0 - 1 * 0.5 + 2 * 1 + 0.5 * 2; dbias = sum dy */
    const double dscale[1] = {2.5}, dbias[1] = {2.5};
    kit_expect(kit_param(g, "bn", "scales", 1), dscale, 1, 1e-12);
    kit_expect(kit_param(g, "bn", "biases", 1), dbias, 1, 1e-12);
    kit_free(g);
}
END_TEST

START_TEST(gradients_match_finite_differences)
{
    /* learning mode: the check runs the same batch at every forward, so
     * the batch statistics move with the perturbed value as they should */
    const char *keys[] = {"NbOutputs=3", "NbOutputs=3\nMovingAverageMomentum=0",
                          "NbOutputs=3\nEpsilon=0.1\nMovingAverageMomentum=1"};
    for (int i = 0; i < 3; ++i) {
        n2d2_graph *g = bn_graph(keys[i], "SizeX=3\nSizeY=2\nNbChannels=3", 3);
        kit_set_random(kit_param(g, "bn", "scales", 0), 60 + i, 0.5, 2);
        kit_set_random(kit_param(g, "bn", "biases", 0), 70 + i, -1, 1);
        kit_set_random(kit_param(g, "bn", "variances", 0), 80 + i, 0.5, 2);
        double err = kit_gradient_error(g, 3, (unsigned)(90 + i));
        ck_assert_msg(err < 1e-6, "case %d: gradient error %g", i, err);
        kit_free(g);
    }
    /* behind a Conv and feeding an Fc, one value per channel and sample
     * (positions = 1), and two consumers of its output */
    n2d2_graph *g = kit_build_ok("DefaultDataType=Float64\n[sp]\nSizeX=4\nSizeY=3\nNbChannels=2\n"
                                 "[c]\nInput=sp\nType=Conv\nKernelSize=2\nNbOutputs=3\n"
                                 "[bn]\nInput=c\nType=BatchNorm\n"
                                 "[f]\nInput=bn\nType=Fc\nNbOutputs=4\n"
                                 "[bn2]\nInput=f\nType=BatchNorm\nNbOutputs=4\n"
                                 "[out]\nInput=bn2,f\nType=Fc\nNbOutputs=2\n");
    n2d2_graph_request_input_grad(g);
    double err = kit_gradient_error(g, 4, 99);
    ck_assert_msg(err < 1e-6, "chain: gradient error %g", err);
    kit_free(g);
}
END_TEST

/* Direct double loops over a {B, C, P} batch. */
static void reference(const n2d2_tensor *x, const n2d2_tensor *dy, size_t B, size_t C, size_t P,
                      double *y, double *dx)
{
    for (size_t c = 0; c < C; ++c) {
        double mean = 0, var = 0, sdy = 0, sdyx = 0;
        const double M = (double)(B * P);
        for (size_t n = 0; n < B; ++n)
            for (size_t p = 0; p < P; ++p)
                mean += n2d2_tensor_get(x, (n * C + c) * P + p) / M;
        for (size_t n = 0; n < B; ++n)
            for (size_t p = 0; p < P; ++p) {
                double d = n2d2_tensor_get(x, (n * C + c) * P + p) - mean;
                var += d * d / M;
            }
        const double inv = 1 / sqrt(var + 1e-5);
        for (size_t n = 0; n < B; ++n)
            for (size_t p = 0; p < P; ++p) {
                size_t i = (n * C + c) * P + p;
                y[i] = (n2d2_tensor_get(x, i) - mean) * inv;
                sdy += n2d2_tensor_get(dy, i);
                sdyx += n2d2_tensor_get(dy, i) * y[i];
            }
        for (size_t n = 0; n < B; ++n)
            for (size_t p = 0; p < P; ++p) {
                size_t i = (n * C + c) * P + p;
                dx[i] = inv / M * (M * n2d2_tensor_get(dy, i) - sdy - y[i] * sdyx);
            }
    }
}

START_TEST(large_batches_match_direct_loops)
{
    enum { B = 64, C = 8, P = 64 };
    n2d2_graph *g = bn_graph("NbOutputs=8", "SizeX=8\nSizeY=8\nNbChannels=8", B);
    kit_set_random(n2d2_graph_input(g), 11, -3, 5);
    kit_set_random(n2d2_graph_output_grad(g, 0), 12, -1, 1);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    static double y[B * C * P], dx[B * C * P];
    reference(n2d2_graph_input(g), n2d2_graph_output_grad(g, 0), B, C, P, y, dx);
    kit_expect(n2d2_graph_cell_output(g, 0), y, B * C * P, 1e-10);
    kit_expect(n2d2_graph_input_grad(g), dx, B * C * P, 1e-12);
    kit_free(g);
}
END_TEST

START_TEST(float32_matches_float64)
{
    enum { B = 4, C = 3, P = 6 };
    const char *net = "%s[sp]\nSizeX=3\nSizeY=2\nNbChannels=3\n[bn]\nInput=sp\nType=BatchNorm\n"
                      "NbOutputs=3\nMovingAverageMomentum=0.3\n";
    const n2d2_tensor *out[2], *gin[2], *mean[2];
    n2d2_graph *gs[2];
    for (int k = 0; k < 2; ++k) {
        char text[512];
        snprintf(text, sizeof text, net, k ? "DefaultDataType=Float64\n" : "");
        gs[k] = kit_build_ok(text);
        n2d2_graph_request_input_grad(gs[k]);
        ck_assert_int_eq(n2d2_graph_allocate(gs[k], B, 1), N2D2_OK);
        ck_assert_int_eq(n2d2_tensor_dtype(n2d2_graph_input(gs[k])), k ? N2D2_FLOAT64 : N2D2_FLOAT32);
        kit_set_random(n2d2_graph_input(gs[k]), 21, -2, 6);
        kit_set_random(n2d2_graph_output_grad(gs[k], 0), 22, -1, 1);
        kit_set_random(kit_param(gs[k], "bn", "scales", 0), 23, 0.5, 1.5);
        for (int pass = 0; pass < 2; ++pass)
            ck_assert_int_eq(n2d2_graph_forward(gs[k], 1), N2D2_OK);
        ck_assert_int_eq(n2d2_graph_backward(gs[k]), N2D2_OK);
        out[k] = n2d2_graph_cell_output(gs[k], 0);
        gin[k] = n2d2_graph_input_grad(gs[k]);
        mean[k] = kit_param(gs[k], "bn", "means", 0);
    }
    for (size_t i = 0; i < B * C * P; ++i) {
        ck_assert_msg(fabs(n2d2_tensor_get(out[0], i) - n2d2_tensor_get(out[1], i)) < 1e-5,
                      "output %zu", i);
        ck_assert_msg(fabs(n2d2_tensor_get(gin[0], i) - n2d2_tensor_get(gin[1], i)) < 1e-5,
                      "input gradient %zu", i);
    }
    for (size_t c = 0; c < C; ++c)
        ck_assert(fabs(n2d2_tensor_get(mean[0], c) - n2d2_tensor_get(mean[1], c)) < 1e-5);
    /* inference too */
    for (int k = 0; k < 2; ++k)
        ck_assert_int_eq(n2d2_graph_forward(gs[k], 0), N2D2_OK);
    for (size_t i = 0; i < B * C * P; ++i)
        ck_assert(fabs(n2d2_tensor_get(out[0], i) - n2d2_tensor_get(out[1], i)) < 1e-5);
    kit_free(gs[0]);
    kit_free(gs[1]);
}
END_TEST

START_TEST(parameters_and_solver)
{
    n2d2_graph *g = bn_graph("NbOutputs=2\nScaleSolver.LearningRate=0.5\nBiasSolver.LearningRate=1",
                             "SizeX=2\nSizeY=1\nNbChannels=2", 2);
    n2d2_cell *cell = n2d2_graph_find_cell(g, "bn");
    ck_assert_uint_eq(n2d2_cell_param_count(cell), 4);
    static const char *const names[] = {"scales", "biases", "means", "variances"};
    static const char *const solvers[] = {"ScaleSolver", "BiasSolver", NULL, NULL};
    for (size_t i = 0; i < 4; ++i) {
        ck_assert_str_eq(n2d2_cell_param_name(cell, i), names[i]);
        ck_assert_int_eq(n2d2_cell_param_grad(cell, i) != NULL, solvers[i] != NULL);
        if (solvers[i])
            ck_assert_str_eq(n2d2_cell_param_solver(cell, i), solvers[i]);
        else
            ck_assert_ptr_null(n2d2_cell_param_solver(cell, i));
    }
    /* learnable: scales and biases only */
    ck_assert_uint_eq(n2d2_graph_cell_param_total(g, 0), 4);
    const double x[8] = {1, 3, 0, 0, 5, 7, 2, -2}, dy[8] = {1, 0, 0, 1, 0, 0, 0, 1};
    kit_set(n2d2_graph_input(g), x, 8);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    kit_set(n2d2_graph_output_grad(g, 0), dy, 8);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    double ds0 = n2d2_tensor_get(kit_param(g, "bn", "scales", 1), 0);
    ck_assert_int_eq(n2d2_graph_update(g), N2D2_OK);
    /* test SGD: w -= lr g / batch */
    ck_assert(fabs(n2d2_tensor_get(kit_param(g, "bn", "scales", 0), 0) - (1 - 0.5 * ds0 / 2)) < 1e-12);
    ck_assert(fabs(n2d2_tensor_get(kit_param(g, "bn", "biases", 0), 1) - (0 - 1.0 * 2 / 2)) < 1e-12);
    ck_assert(fabs(n2d2_tensor_get(kit_param(g, "bn", "means", 0), 0) - 0.4) < 1e-12);
    /* the schema declares the activation (the kernel applies it) */
    const n2d2_feature *f =
        n2d2_registry_find(n2d2_cell_registry(cell), N2D2_KIND_CELL, "BatchNorm", "Frame");
    ck_assert_ptr_nonnull(f);
    int has_activation = 0;
    for (size_t i = 0; i < f->n_params; ++i)
        has_activation |= strcmp(f->params[i].name, "ActivationFunction") == 0;
    ck_assert(has_activation);
    kit_free(g);
}
END_TEST

START_TEST(running_statistics_are_saved_and_loaded)
{
    char tmp[64] = "/tmp/n2d2-bn-XXXXXX", dir[128], cmd[160];
    ck_assert_ptr_nonnull(mkdtemp(tmp));
    snprintf(dir, sizeof dir, "%s/weights", tmp);
    n2d2_graph *a = bn_graph("NbOutputs=2", "SizeX=2\nSizeY=1\nNbChannels=2", 2);
    n2d2_graph *b = bn_graph("NbOutputs=2", "SizeX=2\nSizeY=1\nNbChannels=2", 2);
    const double x[8] = {1, 3, 0, 0, 5, 7, 2, -2}, scales[2] = {2, 3};
    kit_set(n2d2_graph_input(a), x, 8);
    kit_set(kit_param(a, "bn", "scales", 0), scales, 2);
    ck_assert_int_eq(n2d2_graph_forward(a, 1), N2D2_OK); /* moves the statistics */
    ck_assert_int_eq(n2d2_graph_save(a, dir), N2D2_OK);
    ck_assert_msg(n2d2_graph_load(b, dir, 0) == N2D2_OK, "%s", n2d2_error_message());
    static const char *const names[] = {"scales", "biases", "means", "variances"};
    for (size_t k = 0; k < 4; ++k)
        for (size_t c = 0; c < 2; ++c)
            ck_assert_double_eq(n2d2_tensor_get(kit_param(a, "bn", names[k], 0), c),
                                n2d2_tensor_get(kit_param(b, "bn", names[k], 0), c));
    ck_assert_double_eq_tol(n2d2_tensor_get(kit_param(b, "bn", "means", 0), 0), 0.4, 1e-12);
    /* inference of the loaded copy uses the loaded statistics */
    kit_set(n2d2_graph_input(b), x, 8);
    ck_assert_int_eq(n2d2_graph_forward(a, 0), N2D2_OK);
    ck_assert_int_eq(n2d2_graph_forward(b, 0), N2D2_OK);
    for (size_t i = 0; i < 8; ++i)
        ck_assert_double_eq(n2d2_tensor_get(n2d2_graph_cell_output(a, 0), i),
                            n2d2_tensor_get(n2d2_graph_cell_output(b, 0), i));
    kit_free(a);
    kit_free(b);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(bad_configurations)
{
    kit_expect_error("[sp]\nSizeX=2\nSizeY=2\nNbChannels=3\n[bn]\nInput=sp\nType=BatchNorm\nNbOutputs=4\n",
                     N2D2_ERR_SHAPE, "NbOutputs: 4, but [bn] has 3 output channels");
    kit_expect_error("[sp]\nSizeX=2\nSizeY=2\n[bn]\nInput=sp\nType=BatchNorm\nScalesSharing=other\n",
                     N2D2_ERR_NOT_IMPLEMENTED, "net.ini:7: ScalesSharing: sharing BatchNorm");
    kit_expect_error("[sp]\nSizeX=2\nSizeY=2\n[bn]\nInput=sp\nType=BatchNorm\nMeansSharing=x\n",
                     N2D2_ERR_NOT_IMPLEMENTED, "not implemented yet");
    kit_expect_error("[sp]\nSizeX=2\nSizeY=2\n[bn]\nInput=sp\nType=BatchNorm\n"
                     "MovingAverageMomentum=1.5\n",
                     N2D2_ERR_RANGE, "MovingAverageMomentum");
    kit_expect_error("[sp]\nSizeX=2\nSizeY=2\n[bn]\nInput=sp\nType=BatchNorm\nEpsilon=-1\n",
                     N2D2_ERR_RANGE, "Epsilon");
    kit_expect_error("[sp]\nSizeX=2\nSizeY=2\n[bn]\nInput=sp\nType=BatchNorm\nDataType=Float16\n",
                     N2D2_ERR_NOT_IMPLEMENTED, "Float16");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cell_batchnorm");
    TCase *tc = tcase_create("batchnorm");
    tcase_add_checked_fixture(tc, kit_setup, kit_teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, learning_forward_by_hand);
    tcase_add_test(tc, backward_by_hand);
    tcase_add_test(tc, padding_items_are_left_out_of_the_statistics);
    tcase_add_test(tc, running_statistics_over_batches);
    tcase_add_test(tc, inference_uses_running_statistics);
    tcase_add_test(tc, zero_momentum_freezes_statistics);
    tcase_add_test(tc, gradients_match_finite_differences);
    tcase_add_test(tc, large_batches_match_direct_loops);
    tcase_add_test(tc, float32_matches_float64);
    tcase_add_test(tc, parameters_and_solver);
    tcase_add_test(tc, running_statistics_are_saved_and_loaded);
    tcase_add_test(tc, bad_configurations);
    suite_add_tcase(s, tc);
    return kit_run(s);
}
