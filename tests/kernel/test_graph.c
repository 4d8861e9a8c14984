/* Graph building and scheduling on the test cells (statically preloaded,
 * no dlopen): order, shapes, errors with file:line, concatenation,
 * gradient accumulation, finite-difference gradients, update, unused keys,
 * determinism. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "n2d2/n2d2.h"
#include "check_run.h"

N2D2_STATIC_PLUGIN_DECLARE(testcells);

static n2d2_registry *reg;
static n2d2_loader *loader;

static void setup(void)
{
    static const n2d2_static_plugin table[] = {N2D2_STATIC_PLUGIN(testcells)};
    ck_assert_int_eq(n2d2_registry_new(&reg), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_new(reg, &loader), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_preload(loader, table, 1), N2D2_OK);
}

static void teardown(void)
{
    n2d2_loader_free(loader);
    n2d2_registry_free(reg);
}

static n2d2_ini *load(const char *text)
{
    n2d2_ini *ini = NULL;
    n2d2_status st = n2d2_ini_load_string(text, strlen(text), "net.ini", &ini);
    ck_assert_msg(st == N2D2_OK, "load failed: %s", n2d2_error_message());
    return ini;
}

static n2d2_status build_with(n2d2_ini *ini, uint64_t seed, int strict, n2d2_graph **g)
{
    n2d2_graph_options opt = N2D2_GRAPH_OPTIONS_INIT;
    opt.seed = seed;
    opt.strict = strict;
    return n2d2_graph_build(ini, reg, &opt, g);
}

static const char *chain_ini =
    "[sp]\nSizeX=3\nSizeY=2\nNbChannels=2\nBatchSize=4\n"
    "[d2]\nInput=d1\nType=TestDense\nNbOutputs=2\n"
    "[d1]\nInput=sp\nType=TestDense\nNbOutputs=5\n";

START_TEST(chain_is_ordered_and_shaped)
{
    n2d2_ini *ini = load(chain_ini);
    n2d2_graph *g;
    ck_assert_msg(build_with(ini, 1, 0, &g) == N2D2_OK, "%s", n2d2_error_message());
    ck_assert_uint_eq(n2d2_graph_cell_count(g), 2);
    ck_assert_str_eq(n2d2_cell_name(n2d2_graph_cell_at(g, 0)), "d1");
    ck_assert_str_eq(n2d2_cell_name(n2d2_graph_cell_at(g, 1)), "d2");
    const n2d2_shape *in = n2d2_graph_input_shape(g);
    ck_assert_uint_eq(in->ndim, 3);
    ck_assert_uint_eq(in->dims[0], 2);
    ck_assert_uint_eq(in->dims[1], 2);
    ck_assert_uint_eq(in->dims[2], 3);
    ck_assert_uint_eq(n2d2_graph_batch_size(g), 4);
    ck_assert_uint_eq(n2d2_graph_cell_param_total(g, 0), 5 * 12 + 5);
    ck_assert_uint_eq(n2d2_graph_cell_macs(g, 0), 60);
    ck_assert_uint_eq(n2d2_graph_cell_param_total(g, 1), 2 * 5 + 2);
    ck_assert_uint_eq(n2d2_graph_output_count(g), 1);
    ck_assert_str_eq(n2d2_cell_name(n2d2_graph_output_at(g, 0)), "d2");
    ck_assert_str_eq(n2d2_cell_model(n2d2_graph_cell_at(g, 0)), "Frame");
    ck_assert_int_eq(n2d2_graph_check_unused(g), N2D2_OK);
    n2d2_graph_free(g);
    n2d2_ini_free(ini);
}
END_TEST

/* N2D2's generated [cell]_OutputsWidth/_OutputsHeight size later cells, and
 * old models' NbChannels stands for NbOutputs. */
START_TEST(output_sizes_are_published_and_nbchannels_is_nboutputs)
{
    n2d2_ini *ini = load("[sp]\nSizeX=3\nSizeY=2\nNbChannels=2\nBatchSize=4\n"
                         "[d1]\nInput=sp\nType=TestDense\nNbChannels=5\n"
                         "[d2]\nInput=d1\nType=TestDense\n"
                         "NbOutputs=$([d1]_OutputsWidth * 10 + [d1]_OutputsHeight + [d1]NbChannels)\n");
    n2d2_graph *g;
    ck_assert_msg(build_with(ini, 1, 0, &g) == N2D2_OK, "%s", n2d2_error_message());
    ck_assert_uint_eq(n2d2_cell_output_shape(n2d2_graph_cell_at(g, 0))->dims[0], 5);
    /* TestDense outputs N x 1 x 1: 1 * 10 + 1 + 5 */
    ck_assert_uint_eq(n2d2_cell_output_shape(n2d2_graph_cell_at(g, 1))->dims[0], 16);
    ck_assert_int_eq(n2d2_graph_check_unused(g), N2D2_OK);
    n2d2_graph_free(g);
    n2d2_ini_free(ini);
}
END_TEST

static void expect_build_error(const char *text, n2d2_status code, const char *needle)
{
    n2d2_ini *ini = load(text);
    n2d2_graph *g = NULL;
    ck_assert_int_eq(build_with(ini, 1, 0, &g), code);
    ck_assert_ptr_null(g);
    ck_assert_msg(strstr(n2d2_error_message(), needle), "message '%s' lacks '%s'",
                  n2d2_error_message(), needle);
    n2d2_ini_free(ini);
}

START_TEST(graph_errors_name_the_place)
{
    expect_build_error("[sp]\nSizeX=2\nSizeY=2\n[a]\nInput=sp\nType=TestScale\n[b]\nInput=aa\nType=TestScale\n",
                       N2D2_ERR_NOT_FOUND, "net.ini:8: [b] Input=aa: no section [aa] in the network (did you mean a");
    expect_build_error("[sp]\nSizeX=2\nSizeY=2\n[a]\nInput=c\nType=TestScale\n[b]\nInput=a\nType=TestScale\n"
                       "[c]\nInput=b\nType=TestScale\n",
                       N2D2_ERR_CYCLE, "cycle in Input=");
    expect_build_error("[sp]\nSizeX=2\nSizeY=2\n[a]\nInput=sp\nType=TestDence\nNbOutputs=2\n",
                       N2D2_ERR_NOT_FOUND, "net.ini:6");
    expect_build_error("[sp]\nSizeX=2\nSizeY=2\n[a]\nInput=sp\nType=TestDence\nNbOutputs=2\n",
                       N2D2_ERR_NOT_FOUND, "TestDense");
    expect_build_error("[sp]\nSizeX=2\nSizeY=2\n[a]\nInput=sp\nType=TestDense\nModel=Spike\nNbOutputs=2\n",
                       N2D2_ERR_NOT_FOUND, "Frame");
    expect_build_error("[a]\nInput=sp\nType=TestScale\n", N2D2_ERR_NOT_FOUND, "no [sp] or [env]");
    expect_build_error("[sp]\nSizeX=2\n[a]\nInput=sp\nType=TestScale\n", N2D2_ERR_NOT_FOUND,
                       "SizeX and SizeY are required");
    expect_build_error("[sp]\nSizeX=2\nSizeY=2\n[a]\nInput=sp\nType=TestDense\n", N2D2_ERR_NOT_FOUND,
                       "missing required key 'NbOutputs'");
    expect_build_error("[sp]\nSizeX=2\nSizeY=2\n[a]\nInput=sp\nType=TestDense\nNbOutputs=2\nConfigSection=nope\n",
                       N2D2_ERR_NOT_FOUND, "net.ini:8: [a] ConfigSection=nope: no such section");
    expect_build_error("[sp]\nSizeX=2\nSizeY=2\n[cfg]\nX=1\n[a]\nInput=cfg\nType=TestScale\n",
                       N2D2_ERR_INVAL, "is not a cell");
}
END_TEST

START_TEST(several_inputs_are_concatenated_on_channels)
{
    n2d2_ini *ini = load("[sp]\nSizeX=2\nSizeY=1\nNbChannels=1\n"
                         "[a]\nInput=sp\nType=TestScale\nFactor=2\n"
                         "[b]\nInput=sp\nType=TestScale\nFactor=3\n"
                         "[cat]\nInput=a,b,sp\nType=TestScale\nFactor=1\n");
    n2d2_graph *g;
    ck_assert_msg(build_with(ini, 1, 0, &g) == N2D2_OK, "%s", n2d2_error_message());
    n2d2_cell *cat = n2d2_graph_find_cell(g, "cat");
    ck_assert_uint_eq(n2d2_cell_output_shape(cat)->dims[0], 3);
    ck_assert_int_eq(n2d2_graph_allocate(g, 2, 1), N2D2_OK);
    float *x = n2d2_tensor_data(n2d2_graph_input(g));
    for (int i = 0; i < 4; ++i)
        x[i] = (float)(i + 1); /* item 0: 1 2, item 1: 3 4 */
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    const float *y = n2d2_tensor_data(n2d2_graph_cell_output(g, 2));
    const float expect[12] = {2, 4, 3, 6, 1, 2, 6, 8, 9, 12, 3, 4};
    for (int i = 0; i < 12; ++i)
        ck_assert_float_eq(y[i], expect[i]);
    /* Backward: d/dx of sum(cat) = 2 + 3 + 1 per element. */
    n2d2_graph_request_input_grad(g);
    ck_assert_int_eq(n2d2_graph_allocate(g, 2, 1), N2D2_OK);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    n2d2_tensor_fill(n2d2_graph_output_grad(g, 0), 1.0);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    const float *gx = n2d2_tensor_data(n2d2_graph_input_grad(g));
    for (int i = 0; i < 4; ++i)
        ck_assert_float_eq(gx[i], 6.0f);
    n2d2_graph_free(g);
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(concatenation_of_mismatched_shapes_is_an_error)
{
    expect_build_error("[sp]\nSizeX=4\nSizeY=4\n[a]\nInput=sp\nType=TestDense\nNbOutputs=3\n"
                       "[cat]\nInput=a,sp\nType=TestScale\n",
                       N2D2_ERR_SHAPE, "cannot concatenate inputs [a] (3x1x1) and [sp] (1x4x4)");
}
END_TEST

START_TEST(residual_sum_accumulates_gradients)
{
    n2d2_ini *ini = load("[sp]\nSizeX=3\nSizeY=1\n"
                         "[a]\nInput=sp\nType=TestScale\nFactor=2\n"
                         "[b]\nInput=a\nType=TestScale\nFactor=-4\n"
                         "[sum]\nInput=a,b,sp\nType=TestSum\n");
    n2d2_graph *g;
    ck_assert_msg(build_with(ini, 1, 0, &g) == N2D2_OK, "%s", n2d2_error_message());
    n2d2_graph_request_input_grad(g);
    ck_assert_int_eq(n2d2_graph_allocate(g, 1, 1), N2D2_OK);
    n2d2_tensor_fill(n2d2_graph_input(g), 1.5);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    /* sum = 2x - 8x + x = -5x */
    ck_assert_double_eq_tol(n2d2_tensor_get(n2d2_graph_cell_output(g, 2), 1), -7.5, 1e-6);
    n2d2_tensor_fill(n2d2_graph_output_grad(g, 0), 1.0);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    for (size_t i = 0; i < 3; ++i)
        ck_assert_double_eq_tol(n2d2_tensor_get(n2d2_graph_input_grad(g), i), -5.0, 1e-6);
    n2d2_graph_free(g);
    n2d2_ini_free(ini);
}
END_TEST

/* loss = sum(output * r) for fixed r; compare dloss/dw with central
 * differences, in float64. */
static double loss_of(n2d2_graph *g, const double *r)
{
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    const n2d2_tensor *y = n2d2_graph_cell_output(g, n2d2_graph_cell_count(g) - 1);
    double loss = 0.0;
    for (size_t i = 0; i < n2d2_tensor_numel(y); ++i)
        loss += n2d2_tensor_get(y, i) * r[i];
    return loss;
}

START_TEST(finite_differences_match_backward)
{
    n2d2_ini *ini = load("DefaultDataType=Float64\n[sp]\nSizeX=3\nSizeY=2\nNbChannels=1\n"
                         "[d1]\nInput=sp\nType=TestDense\nNbOutputs=4\nInitStdDev=0.5\n"
                         "[s]\nInput=d1\nType=TestScale\nFactor=0.7\n"
                         "[d2]\nInput=s,d1\nType=TestDense\nNbOutputs=3\nInitStdDev=0.5\n");
    n2d2_graph *g;
    ck_assert_msg(build_with(ini, 3, 0, &g) == N2D2_OK, "%s", n2d2_error_message());
    ck_assert_int_eq(n2d2_graph_default_dtype(g), N2D2_FLOAT64);
    n2d2_graph_request_input_grad(g);
    ck_assert_int_eq(n2d2_graph_allocate(g, 2, 1), N2D2_OK);
    n2d2_rng rng;
    n2d2_rng_seed(&rng, 11, 0);
    n2d2_tensor *x = n2d2_graph_input(g);
    for (size_t i = 0; i < n2d2_tensor_numel(x); ++i)
        n2d2_tensor_set(x, i, n2d2_rng_uniform_range(&rng, -1, 1));
    double r[6];
    for (int i = 0; i < 6; ++i)
        r[i] = n2d2_rng_uniform_range(&rng, -1, 1);
    loss_of(g, r);
    n2d2_tensor *gy = n2d2_graph_output_grad(g, 0);
    for (size_t i = 0; i < 6; ++i)
        n2d2_tensor_set(gy, i, r[i]);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);

    const double eps = 1e-6;
    for (size_t c = 0; c < n2d2_graph_cell_count(g); ++c) {
        n2d2_cell *cell = n2d2_graph_cell_at(g, c);
        for (size_t p = 0; p < n2d2_cell_param_count(cell); ++p) {
            n2d2_tensor *w = n2d2_cell_param_value(cell, p);
            n2d2_tensor *analytic;
            ck_assert_int_eq(n2d2_tensor_clone(n2d2_cell_param_grad(cell, p), &analytic), N2D2_OK);
            for (size_t i = 0; i < n2d2_tensor_numel(w); ++i) {
                double saved = n2d2_tensor_get(w, i);
                n2d2_tensor_set(w, i, saved + eps);
                double up = loss_of(g, r);
                n2d2_tensor_set(w, i, saved - eps);
                double down = loss_of(g, r);
                n2d2_tensor_set(w, i, saved);
                ck_assert_double_eq_tol(n2d2_tensor_get(analytic, i), (up - down) / (2 * eps), 1e-7);
            }
            n2d2_tensor_release(analytic);
        }
    }
    n2d2_tensor *gx;
    ck_assert_int_eq(n2d2_tensor_clone(n2d2_graph_input_grad(g), &gx), N2D2_OK);
    for (size_t i = 0; i < n2d2_tensor_numel(x); ++i) {
        double saved = n2d2_tensor_get(x, i);
        n2d2_tensor_set(x, i, saved + eps);
        double up = loss_of(g, r);
        n2d2_tensor_set(x, i, saved - eps);
        double down = loss_of(g, r);
        n2d2_tensor_set(x, i, saved);
        ck_assert_double_eq_tol(n2d2_tensor_get(gx, i), (up - down) / (2 * eps), 1e-7);
    }
    n2d2_tensor_release(gx);
    n2d2_graph_free(g);
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(gradient_check_passes_and_catches_a_wrong_backward)
{
    n2d2_ini *ini = load("DefaultDataType=Float64\n[sp]\nSizeX=3\nSizeY=2\n"
                         "[d1]\nInput=sp\nType=TestDense\nNbOutputs=4\nInitStdDev=0.5\n"
                         "[s]\nInput=d1\nType=TestScale\nFactor=0.5\n"
                         "[d2]\nInput=s,d1\nType=TestDense\nNbOutputs=2\n");
    n2d2_graph *g;
    ck_assert_msg(build_with(ini, 2, 0, &g) == N2D2_OK, "%s", n2d2_error_message());
    n2d2_gradcheck_result r;
    ck_assert_msg(n2d2_graph_check_gradients(g, 2, 1e-6, 1e-6, 0, &r) == N2D2_OK, "%s",
                  n2d2_error_message());
    ck_assert_uint_eq(r.checked, 4 * 6 + 4 + 2 * 8 + 2 + 2 * 6);
    ck_assert_double_lt(r.max_error, 1e-6);
    n2d2_graph_free(g);
    n2d2_ini_free(ini);

    ini = load("DefaultDataType=Float64\n[sp]\nSizeX=3\nSizeY=2\n"
               "[d1]\nInput=sp\nType=TestDense\nNbOutputs=4\n"
               "[sq]\nInput=d1\nType=TestBroken\n");
    ck_assert_int_eq(build_with(ini, 2, 0, &g), N2D2_OK);
    ck_assert_int_eq(n2d2_graph_check_gradients(g, 2, 1e-6, 1e-4, 0, &r), N2D2_ERR_RANGE);
    ck_assert_msg(strstr(n2d2_error_message(), "gradient check failed"), "%s", n2d2_error_message());
    ck_assert_double_gt(r.max_error, 0.1);
    n2d2_graph_free(g);
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(update_applies_the_cells_step_and_training_lowers_loss)
{
    n2d2_ini *ini = load("DefaultDataType=Float64\n[sp]\nSizeX=2\nSizeY=1\n"
                         "[d]\nInput=sp\nType=TestDense\nNbOutputs=1\nLearningRate=0.1\n");
    n2d2_graph *g;
    ck_assert_msg(build_with(ini, 5, 0, &g) == N2D2_OK, "%s", n2d2_error_message());
    ck_assert_int_eq(n2d2_graph_allocate(g, 4, 1), N2D2_OK);
    /* Fit y = 2a - b + 0.5 by least squares. */
    const double xs[8] = {0, 1, 1, 0, 1, 1, -1, 2};
    n2d2_tensor *x = n2d2_graph_input(g);
    for (int i = 0; i < 8; ++i)
        n2d2_tensor_set(x, (size_t)i, xs[i]);
    double first = 0, last = 0;
    for (int step = 0; step < 200; ++step) {
        ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
        const n2d2_tensor *y = n2d2_graph_cell_output(g, 0);
        n2d2_tensor *gy = n2d2_graph_output_grad(g, 0);
        double loss = 0;
        for (size_t n = 0; n < 4; ++n) {
            double target = 2 * xs[2 * n] - xs[2 * n + 1] + 0.5;
            double e = n2d2_tensor_get(y, n) - target;
            loss += 0.5 * e * e;
            n2d2_tensor_set(gy, n, e);
        }
        if (step == 0)
            first = loss;
        last = loss;
        ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
        ck_assert_int_eq(n2d2_graph_update(g), N2D2_OK);
    }
    ck_assert_double_lt(last, first * 1e-3);
    n2d2_cell *d = n2d2_graph_cell_at(g, 0);
    ck_assert_double_eq_tol(n2d2_tensor_get(n2d2_cell_param_value(d, 0), 0), 2.0, 1e-2);
    ck_assert_double_eq_tol(n2d2_tensor_get(n2d2_cell_param_value(d, 1), 0), 0.5, 1e-2);
    n2d2_graph_free(g);
    n2d2_ini_free(ini);
}
END_TEST

static char last_log[2048];
static int warnings;
static void capture_log(n2d2_log_level level, const char *message, void *user)
{
    (void)user;
    warnings += level == N2D2_LOG_WARN;
    snprintf(last_log, sizeof last_log, "%s", message);
}

START_TEST(unused_keys_are_reported_with_suggestions)
{
    const char *text = "DefaultModle=Frame\n[sp]\nSizeX=2\nSizeY=1\n"
                       "[d]\nInput=sp\nType=TestDense\nNbOutputs=1\nLearningRat=0.1\n";
    n2d2_ini *ini = load(text);
    n2d2_graph *g;
    n2d2_log_set_callback(capture_log, NULL);
    ck_assert_int_eq(build_with(ini, 1, 0, &g), N2D2_OK);
    ck_assert_int_eq(n2d2_graph_check_unused(g), N2D2_OK);
    ck_assert_msg(strstr(last_log, "net.ini:9: unused key 'LearningRat' in [d] (did you mean LearningRate"),
                  "log was '%s'", last_log);
    n2d2_graph_free(g);
    n2d2_ini_free(ini);

    ini = load(text);
    ck_assert_int_eq(build_with(ini, 1, 1, &g), N2D2_OK);
    ck_assert_int_eq(n2d2_graph_check_unused(g), N2D2_ERR_INVAL);
    ck_assert_msg(strstr(n2d2_error_message(), "net.ini:1: unused key 'DefaultModle' in the global section (did you mean DefaultModel"),
                  "error was '%s'", n2d2_error_message());
    n2d2_log_set_callback(NULL, NULL);
    n2d2_graph_free(g);
    n2d2_ini_free(ini);
}
END_TEST

static double first_weight(uint64_t seed)
{
    n2d2_ini *ini = load(chain_ini);
    n2d2_graph *g;
    ck_assert_int_eq(build_with(ini, seed, 0, &g), N2D2_OK);
    double w = n2d2_tensor_get(n2d2_cell_param_value(n2d2_graph_cell_at(g, 0), 0), 3);
    n2d2_graph_free(g);
    n2d2_ini_free(ini);
    return w;
}

START_TEST(cuda_model_falls_back_to_frame_with_one_warning)
{
    n2d2_ini *ini = load("DefaultModel=Frame_CUDA\n[sp]\nSizeX=2\nSizeY=1\n"
                         "[a]\nInput=sp\nType=TestScale\n[b]\nInput=a\nType=TestScale\n");
    n2d2_graph *g;
    warnings = 0;
    n2d2_log_set_callback(capture_log, NULL);
    ck_assert_msg(build_with(ini, 1, 0, &g) == N2D2_OK, "%s", n2d2_error_message());
    n2d2_log_set_callback(NULL, NULL);
    ck_assert_int_eq(warnings, 1);
    ck_assert_ptr_nonnull(strstr(last_log, "Frame_CUDA is not available"));
    ck_assert_str_eq(n2d2_cell_model(n2d2_graph_cell_at(g, 1)), "Frame");
    n2d2_graph_free(g);
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(inference_outputs_share_buffers_by_lifetime)
{
    n2d2_ini *ini = load("[sp]\nSizeX=4\nSizeY=2\n"
                         "[a]\nInput=sp\nType=TestScale\nFactor=2\n"
                         "[b]\nInput=a\nType=TestScale\nFactor=3\n"
                         "[c]\nInput=b,a\nType=TestSum\n"
                         "[d]\nInput=c\nType=TestScale\nFactor=-1\n"
                         "[e]\nInput=d\nType=TestScale\nFactor=0.5\n");
    n2d2_graph *g;
    ck_assert_int_eq(build_with(ini, 1, 0, &g), N2D2_OK);
    const size_t one = 3 * 8 * sizeof(float); /* batch 3, 1x2x4 floats */
    /* a and b live until c; c until d; d until e; e (the output) to the end */
    ck_assert_int_eq(n2d2_graph_allocate(g, 3, 0), N2D2_OK);
    ck_assert_uint_eq(n2d2_graph_activation_bytes(g), 3 * one);
    n2d2_tensor_fill(n2d2_graph_input(g), 1.5);
    ck_assert_int_eq(n2d2_graph_forward(g, 0), N2D2_OK);
    double planned = n2d2_tensor_get(n2d2_graph_cell_output(g, 4), 7);
    ck_assert_double_eq_tol(planned, 0.5 * -(2 * 1.5 * 3 + 2 * 1.5), 1e-6);
    /* training keeps every output */
    ck_assert_int_eq(n2d2_graph_allocate(g, 3, 1), N2D2_OK);
    ck_assert_uint_eq(n2d2_graph_activation_bytes(g), 5 * one);
    n2d2_tensor_fill(n2d2_graph_input(g), 1.5);
    ck_assert_int_eq(n2d2_graph_forward(g, 0), N2D2_OK);
    ck_assert_double_eq(n2d2_tensor_get(n2d2_graph_cell_output(g, 4), 7), planned);
    n2d2_graph_free(g);
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(seed_reproduces_initialisation)
{
    ck_assert_double_eq(first_weight(7), first_weight(7));
    ck_assert_double_ne(first_weight(7), first_weight(8));
}
END_TEST

START_TEST(size_key_and_env_section)
{
    n2d2_ini *ini = load("[env]\nSize=5 4 3\nBatchSize=2\n[a]\nInput=env\nType=TestScale\n");
    n2d2_graph *g;
    ck_assert_msg(build_with(ini, 1, 0, &g) == N2D2_OK, "%s", n2d2_error_message());
    ck_assert_str_eq(n2d2_graph_input_section(g), "env");
    const n2d2_shape *s = n2d2_graph_input_shape(g);
    ck_assert_uint_eq(s->dims[0], 3);
    ck_assert_uint_eq(s->dims[1], 4);
    ck_assert_uint_eq(s->dims[2], 5);
    n2d2_graph_free(g);
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(insert_batchnorm_needs_a_batchnorm_plugin)
{
    expect_build_error("InsertBatchNormAfterConv=1\n[sp]\nSizeX=2\nSizeY=2\n[c]\nInput=sp\nType=Conv\n",
                       N2D2_ERR_NOT_IMPLEMENTED, "net.ini:1: InsertBatchNormAfterConv=1 needs a BatchNorm");
}
END_TEST

START_TEST(mixed_data_types_are_refused_clearly)
{
    expect_build_error("[sp]\nSizeX=2\nSizeY=2\n[a]\nInput=sp\nType=TestScale\n"
                       "[b]\nInput=a\nType=TestScale\nDataType=Float64\n",
                       N2D2_ERR_NOT_IMPLEMENTED, "not implemented yet");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("graph");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, chain_is_ordered_and_shaped);
    tcase_add_test(tc, output_sizes_are_published_and_nbchannels_is_nboutputs);
    tcase_add_test(tc, graph_errors_name_the_place);
    tcase_add_test(tc, several_inputs_are_concatenated_on_channels);
    tcase_add_test(tc, concatenation_of_mismatched_shapes_is_an_error);
    tcase_add_test(tc, residual_sum_accumulates_gradients);
    tcase_add_test(tc, finite_differences_match_backward);
    tcase_add_test(tc, update_applies_the_cells_step_and_training_lowers_loss);
    tcase_add_test(tc, gradient_check_passes_and_catches_a_wrong_backward);
    tcase_add_test(tc, unused_keys_are_reported_with_suggestions);
    tcase_add_test(tc, seed_reproduces_initialisation);
    tcase_add_test(tc, inference_outputs_share_buffers_by_lifetime);
    tcase_add_test(tc, cuda_model_falls_back_to_frame_with_one_warning);
    tcase_add_test(tc, size_key_and_env_section);
    tcase_add_test(tc, insert_batchnorm_needs_a_batchnorm_plugin);
    tcase_add_test(tc, mixed_data_types_are_refused_clearly);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
