/* The ONNX importer (plugins/importers/onnx) against PyTorch: the three
 * reference models of ../shared/models (16 stored inputs and outputs,
 * within 1e-4), small PyTorch modules covering the mapped operators at
 * opsets 9-17, the INI features (Ignore, Input=onnx,<layer>, default and
 * per-layer sections, ONNX_init=0) and clear errors for broken files.
 * The fixtures are written at test time by make_fixtures.py (ctest
 * fixture onnx_fixtures); without ../shared/models the suite is skipped. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "n2d2/n2d2.h"
#include "check_run.h"

N2D2_STATIC_PLUGIN_DECLARE(cell_conv);
N2D2_STATIC_PLUGIN_DECLARE(cell_fc);
N2D2_STATIC_PLUGIN_DECLARE(cell_pool);
N2D2_STATIC_PLUGIN_DECLARE(cell_softmax);
N2D2_STATIC_PLUGIN_DECLARE(cell_batchnorm);
N2D2_STATIC_PLUGIN_DECLARE(cell_elemwise);
N2D2_STATIC_PLUGIN_DECLARE(cell_padding);
N2D2_STATIC_PLUGIN_DECLARE(cell_activation);
N2D2_STATIC_PLUGIN_DECLARE(cell_reshape);
N2D2_STATIC_PLUGIN_DECLARE(cell_transpose);
N2D2_STATIC_PLUGIN_DECLARE(cell_resize);
N2D2_STATIC_PLUGIN_DECLARE(activations);
N2D2_STATIC_PLUGIN_DECLARE(solvers);
N2D2_STATIC_PLUGIN_DECLARE(importer_onnx);

static const char *models_dir, *fixture_dir;
static n2d2_registry *reg;
static n2d2_loader *loader;

static void setup(void)
{
    static const n2d2_static_plugin table[] = {
        N2D2_STATIC_PLUGIN(cell_conv),      N2D2_STATIC_PLUGIN(cell_fc),
        N2D2_STATIC_PLUGIN(cell_pool),      N2D2_STATIC_PLUGIN(cell_softmax),
        N2D2_STATIC_PLUGIN(cell_batchnorm), N2D2_STATIC_PLUGIN(cell_elemwise),
        N2D2_STATIC_PLUGIN(cell_padding),   N2D2_STATIC_PLUGIN(cell_activation),
        N2D2_STATIC_PLUGIN(cell_reshape),   N2D2_STATIC_PLUGIN(cell_transpose),
        N2D2_STATIC_PLUGIN(cell_resize),    N2D2_STATIC_PLUGIN(activations),
        N2D2_STATIC_PLUGIN(solvers),
        N2D2_STATIC_PLUGIN(importer_onnx),
    };
    ck_assert_int_eq(n2d2_registry_new(&reg), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_new(reg, &loader), N2D2_OK);
    ck_assert_msg(n2d2_loader_preload(loader, table, sizeof table / sizeof table[0]) == N2D2_OK, "%s",
                  n2d2_error_message());
}

static void teardown(void)
{
    n2d2_loader_free(loader);
    n2d2_registry_free(reg);
}

static float *read_f32(const char *name, size_t *count)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", fixture_dir, name);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "missing fixture %s", path);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    float *data = malloc((size_t)size + 4);
    ck_assert_ptr_nonnull(data);
    ck_assert_uint_eq(fread(data, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    *count = (size_t)size / sizeof(float);
    return data;
}

static n2d2_status build(const char *text, n2d2_ini **ini, n2d2_graph **g)
{
    *g = NULL;
    ck_assert_msg(n2d2_ini_load_string(text, strlen(text), "onnx-test.ini", ini) == N2D2_OK, "%s",
                  n2d2_error_message());
    n2d2_graph_options opt = N2D2_GRAPH_OPTIONS_INIT;
    opt.seed = 1;
    return n2d2_graph_build(*ini, reg, &opt, g);
}

/* Run `batch` inputs through the graph; max |output - expected|. */
static double run_and_compare(n2d2_graph *g, const char *output, const float *in, size_t n_in,
                              const float *expected, size_t n_out, size_t batch)
{
    ck_assert_msg(n2d2_graph_allocate(g, batch, 0) == N2D2_OK, "%s", n2d2_error_message());
    n2d2_tensor *x = n2d2_graph_input(g);
    ck_assert_uint_eq(n2d2_tensor_numel(x), n_in);
    float *xd = n2d2_tensor_data(x);
    memcpy(xd, in, n_in * sizeof *xd);
    ck_assert_msg(n2d2_graph_forward(g, 0) == N2D2_OK, "%s", n2d2_error_message());
    n2d2_cell *cell = n2d2_graph_find_cell(g, output);
    ck_assert_msg(cell != NULL, "no cell [%s]", output);
    const n2d2_tensor *y = n2d2_graph_cell_output_of(g, cell);
    ck_assert_uint_eq(n2d2_tensor_numel(y), n_out);
    double worst = 0.0;
    for (size_t i = 0; i < n_out; ++i) {
        double d = fabs(n2d2_tensor_get(y, i) - expected[i]);
        worst = d > worst ? d : worst;
    }
    return worst;
}

static uint64_t total_params(const n2d2_graph *g)
{
    uint64_t total = 0;
    for (size_t i = 0; i < n2d2_graph_cell_count(g); ++i)
        total += n2d2_graph_cell_param_total(g, i);
    return total;
}

static char *model_ini(const char *model, int size, const char *extra)
{
    static char text[8192];
    snprintf(text, sizeof text,
             "[sp]\nSize=%d %d 1\nBatchSize=16\n[onnx]\nInput=sp\nType=ONNX\nFile=%s/%s.onnx\n%s",
             size, size, models_dir, model, extra);
    return text;
}

static const struct {
    const char *name;
    int size;
    uint64_t params;
} reference[] = {
    {"lenet_fmnist", 32, 61706}, {"mnist24_fmnist", 24, 69156}, {"resnet_small_fmnist", 32, 77754}};

START_TEST(reference_models_match_pytorch)
{
    const char *name = reference[_i].name;
    char file[256];
    size_t n_in, n_out;
    snprintf(file, sizeof file, "%s.in.f32", name);
    float *in = read_f32(file, &n_in);
    snprintf(file, sizeof file, "%s.out.f32", name);
    float *out = read_f32(file, &n_out);
    ck_assert_uint_eq(n_out, 160);
    n2d2_ini *ini;
    n2d2_graph *g;
    ck_assert_msg(build(model_ini(name, reference[_i].size, ""), &ini, &g) == N2D2_OK, "%s",
                  n2d2_error_message());
    ck_assert_uint_eq(total_params(g), reference[_i].params);
    ck_assert_uint_eq(n2d2_graph_output_count(g), 1);
    ck_assert_str_eq(n2d2_cell_name(n2d2_graph_output_at(g, 0)), "output");
    double worst = run_and_compare(g, "output", in, n_in, out, n_out, 16);
    ck_assert_msg(worst < 1e-4, "%s: max |n2d2 - pytorch| = %g", name, worst);
    n2d2_graph_free(g);
    n2d2_ini_free(ini);
    free(in);
    free(out);
}
END_TEST

START_TEST(operator_cases_match_pytorch)
{
    char path[4096], name[256];
    snprintf(path, sizeof path, "%s/cases.txt", fixture_dir);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "missing %s", path);
    int batch, ch, h, w, cases = 0;
    while (fscanf(f, "%255s %d %d %d %d", name, &batch, &ch, &h, &w) == 5) {
        char file[300], text[8192];
        size_t n_in, n_out;
        snprintf(file, sizeof file, "%s.in.f32", name);
        float *in = read_f32(file, &n_in);
        snprintf(file, sizeof file, "%s.out.f32", name);
        float *out = read_f32(file, &n_out);
        snprintf(text, sizeof text,
                 "[sp]\nSize=%d %d %d\nBatchSize=%d\n[onnx]\nInput=sp\nType=ONNX\nFile=%s/%s.onnx\n", w, h,
                 ch, batch, fixture_dir, name);
        n2d2_ini *ini;
        n2d2_graph *g;
        ck_assert_msg(build(text, &ini, &g) == N2D2_OK, "%s: %s", name, n2d2_error_message());
        double worst = run_and_compare(g, "output", in, n_in, out, n_out, (size_t)batch);
        ck_assert_msg(worst < 1e-4, "%s: max |n2d2 - pytorch| = %g", name, worst);
        n2d2_graph_free(g);
        n2d2_ini_free(ini);
        free(in);
        free(out);
        ++cases;
    }
    fclose(f);
    ck_assert_int_ge(cases, 9);
}
END_TEST

/* Transfer learning wiring (manual 8.1): the classifier ignored, a new Fc
 * on an imported layer, default and per-layer sections. */
START_TEST(ini_features)
{
    n2d2_ini *ini;
    n2d2_graph *g;
    const char *extra = "Ignore=output\n"
                        "[fc]\nInput=onnx,/Relu_3_output_0\nType=Fc\nNbOutputs=7\n"
                        "[after]\nInput=onnx\nType=Softmax\nNbOutputs=84\n"
                        "[onnx:Conv_def]\nConfigSection=conv.config\n"
                        "[conv.config]\nNoBias=0\n"
                        "[/Relu_1_output_0]\nConfigSection=other.config\n"
                        "[other.config]\nNoBias=0\n";
    ck_assert_msg(build(model_ini("lenet_fmnist", 32, extra), &ini, &g) == N2D2_OK, "%s",
                  n2d2_error_message());
    ck_assert_ptr_null(n2d2_graph_find_cell(g, "output"));
    n2d2_cell *fc = n2d2_graph_find_cell(g, "fc");
    ck_assert_ptr_nonnull(fc);
    ck_assert_uint_eq(n2d2_cell_input_count(fc), 1);
    ck_assert_str_eq(n2d2_cell_input_name(fc, 0), "/Relu_3_output_0");
    n2d2_cell *after = n2d2_graph_find_cell(g, "after");
    ck_assert_str_eq(n2d2_cell_input_name(after, 0), "/Relu_3_output_0");
    const char *value;
    ck_assert_int_eq(n2d2_ini_get(ini, n2d2_ini_find(ini, "/Relu_output_0"), "ConfigSection", &value), N2D2_OK);
    ck_assert_str_eq(value, "conv.config");
    ck_assert_int_eq(n2d2_ini_get(ini, n2d2_ini_find(ini, "/Relu_1_output_0"), "ConfigSection", &value),
                     N2D2_OK);
    ck_assert_str_eq(value, "other.config");
    ck_assert_int_eq(n2d2_graph_check_unused(g), N2D2_OK);
    n2d2_graph_free(g);
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(onnx_init_0_keeps_the_fillers)
{
    size_t n_in, n_out;
    float *in = read_f32("lenet_fmnist.in.f32", &n_in);
    float *out = read_f32("lenet_fmnist.out.f32", &n_out);
    n2d2_ini *ini;
    n2d2_graph *g;
    ck_assert_msg(build(model_ini("lenet_fmnist", 32, "ONNX_init=0\n"), &ini, &g) == N2D2_OK, "%s",
                  n2d2_error_message());
    double worst = run_and_compare(g, "output", in, n_in, out, n_out, 16);
    ck_assert_msg(worst > 1e-2, "ONNX_init=0 still gives the trained outputs (%g)", worst);
    n2d2_graph_free(g);
    n2d2_ini_free(ini);
    free(in);
    free(out);
}
END_TEST

/* Imported layer names hold '/': their weight files are still written and
 * read back (a graph with filler weights then gives PyTorch's outputs). */
START_TEST(weights_of_imported_layers_round_trip)
{
    size_t n_in, n_out;
    float *in = read_f32("lenet_fmnist.in.f32", &n_in);
    float *out = read_f32("lenet_fmnist.out.f32", &n_out);
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/../weights_round_trip", fixture_dir);
    n2d2_ini *ini, *ini2;
    n2d2_graph *g, *g2;
    ck_assert_msg(build(model_ini("lenet_fmnist", 32, ""), &ini, &g) == N2D2_OK, "%s", n2d2_error_message());
    ck_assert_msg(n2d2_graph_save(g, dir) == N2D2_OK, "%s", n2d2_error_message());
    ck_assert_msg(build(model_ini("lenet_fmnist", 32, "ONNX_init=0\n"), &ini2, &g2) == N2D2_OK, "%s",
                  n2d2_error_message());
    ck_assert_msg(n2d2_graph_load(g2, dir, 0) == N2D2_OK, "%s", n2d2_error_message());
    double worst = run_and_compare(g2, "output", in, n_in, out, n_out, 16);
    ck_assert_msg(worst < 1e-4, "reloaded weights: max |n2d2 - pytorch| = %g", worst);
    n2d2_graph_free(g);
    n2d2_graph_free(g2);
    n2d2_ini_free(ini);
    n2d2_ini_free(ini2);
    free(in);
    free(out);
}
END_TEST

static const struct {
    const char *file, *needle1, *needle2;
    n2d2_status code;
} bad[] = {
    {"bad_truncated.onnx", "not a valid ONNX model", "truncated", N2D2_ERR_PARSE},
    {"bad_text.onnx", "ONNX model", "bad_text.onnx", N2D2_ERR_PARSE},
    {"bad_size.onnx", "tensor 'w'", "need 18 values", N2D2_ERR_PARSE},
    {"bad_opset.onnx", "opset 99 is not supported", "7 to 17", N2D2_ERR_NOT_IMPLEMENTED},
    {"bad_cycle.onnx", "cycle", "operator", N2D2_ERR_CYCLE},
    {"bad_op.onnx", "node 'hm' (operator Hardmax, opset 13", "not supported", N2D2_ERR_NOT_IMPLEMENTED},
    {"bad_external.onnx", "tensor 'w'", "external", N2D2_ERR_NOT_IMPLEMENTED},
    {"no_such_file.onnx", "cannot open", "no_such_file.onnx", N2D2_ERR_NOT_FOUND},
};

START_TEST(broken_models_give_clear_errors)
{
    char text[8192];
    snprintf(text, sizeof text, "[sp]\nSize=4 4 1\n[onnx]\nInput=sp\nType=ONNX\nFile=%s/%s\n", fixture_dir,
             bad[_i].file);
    n2d2_ini *ini;
    n2d2_graph *g;
    n2d2_status st = build(text, &ini, &g);
    const char *msg = n2d2_error_message();
    ck_assert_msg(st == bad[_i].code, "%s: status %d, message: %s", bad[_i].file, st, msg);
    ck_assert_msg(strstr(msg, bad[_i].needle1) && strstr(msg, bad[_i].needle2), "%s: message: %s",
                  bad[_i].file, msg);
    ck_assert_ptr_null(g);
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(good_tiny_model_builds)
{
    char text[8192];
    snprintf(text, sizeof text, "[sp]\nSize=4 4 1\n[onnx]\nInput=sp\nType=ONNX\nFile=%s/bad_none.onnx\n",
             fixture_dir);
    n2d2_ini *ini;
    n2d2_graph *g;
    ck_assert_msg(build(text, &ini, &g) == N2D2_OK, "%s", n2d2_error_message());
    ck_assert_ptr_nonnull(n2d2_graph_find_cell(g, "y"));
    n2d2_graph_free(g);
    n2d2_ini_free(ini);
    /* the model's input size is checked against the stimuli */
    snprintf(text, sizeof text, "[sp]\nSize=5 4 1\n[onnx]\nInput=sp\nType=ONNX\nFile=%s/bad_none.onnx\n",
             fixture_dir);
    ck_assert_int_eq(build(text, &ini, &g), N2D2_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "IgnoreInputSize=1"));
    n2d2_ini_free(ini);
    snprintf(text, sizeof text,
             "[sp]\nSize=5 4 1\n[onnx]\nInput=sp\nType=ONNX\nIgnoreInputSize=1\nFile=%s/bad_none.onnx\n",
             fixture_dir);
    ck_assert_msg(build(text, &ini, &g) == N2D2_OK, "%s", n2d2_error_message());
    ck_assert_uint_eq(n2d2_cell_output_shape(n2d2_graph_find_cell(g, "y"))->dims[2], 3);
    n2d2_graph_free(g);
    n2d2_ini_free(ini);
}
END_TEST

static int is_dir(const char *path)
{
    struct stat sb;
    return path && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

int main(void)
{
    models_dir = getenv("N2D2_MODELS_DIR");
    fixture_dir = getenv("N2D2_ONNX_FIXTURES");
    char probe[4096];
    snprintf(probe, sizeof probe, "%s/cases.txt", fixture_dir ? fixture_dir : "");
    struct stat sb;
    if (!is_dir(models_dir) || !is_dir(fixture_dir) || stat(probe, &sb) != 0) {
        printf("SKIPPED: no reference models (N2D2_MODELS_DIR=%s) or fixtures (N2D2_ONNX_FIXTURES=%s)\n",
               models_dir ? models_dir : "", fixture_dir ? fixture_dir : "");
        return 77;
    }
    Suite *s = suite_create("onnx_import");
    TCase *tc = tcase_create("onnx");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, reference_models_match_pytorch, 0, 3);
    tcase_add_test(tc, operator_cases_match_pytorch);
    tcase_add_test(tc, ini_features);
    tcase_add_test(tc, onnx_init_0_keeps_the_fillers);
    tcase_add_test(tc, weights_of_imported_layers_round_trip);
    tcase_add_loop_test(tc, broken_models_give_clear_errors, 0, (int)(sizeof bad / sizeof bad[0]));
    tcase_add_test(tc, good_tiny_model_builds);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
