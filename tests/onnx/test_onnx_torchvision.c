/* torchvision's ResNet-18 and MobileNet-v2 (random weights, exported by
 * make_torchvision.py at opset 13) imported with Type=ONNX: the published
 * parameter counts, and PyTorch's output for one 224x224 input within
 * 1e-4. MobileNet-v2 covers depthwise convolutions (group = channels),
 * Clip(0, 6) folded as a clipped rectifier, residual Adds without an
 * activation, and GlobalAveragePool -> Flatten -> Dropout -> Gemm. */
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
N2D2_STATIC_PLUGIN_DECLARE(activations);
N2D2_STATIC_PLUGIN_DECLARE(solvers);
N2D2_STATIC_PLUGIN_DECLARE(importer_onnx);

static const char *fixture_dir;
static n2d2_registry *reg;
static n2d2_loader *loader;

static void setup(void)
{
    static const n2d2_static_plugin table[] = {
        N2D2_STATIC_PLUGIN(cell_conv),      N2D2_STATIC_PLUGIN(cell_fc),
        N2D2_STATIC_PLUGIN(cell_pool),      N2D2_STATIC_PLUGIN(cell_softmax),
        N2D2_STATIC_PLUGIN(cell_batchnorm), N2D2_STATIC_PLUGIN(cell_elemwise),
        N2D2_STATIC_PLUGIN(cell_padding),   N2D2_STATIC_PLUGIN(cell_activation),
        N2D2_STATIC_PLUGIN(cell_reshape),   N2D2_STATIC_PLUGIN(activations),
        N2D2_STATIC_PLUGIN(solvers),        N2D2_STATIC_PLUGIN(importer_onnx),
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

static const struct {
    const char *name;
    uint64_t params; /* torchvision's published counts */
    size_t cells;    /* Conv + BatchNorm + ... after folding the activations */
} models[] = {{"resnet18", 11689512, 51}, {"mobilenet_v2", 3504872, 116}};

START_TEST(torchvision_model_matches_pytorch)
{
    const char *name = models[_i].name;
    char file[300], text[8192];
    size_t n_in, n_out;
    snprintf(file, sizeof file, "%s.in.f32", name);
    float *in = read_f32(file, &n_in);
    snprintf(file, sizeof file, "%s.out.f32", name);
    float *expected = read_f32(file, &n_out);
    ck_assert_uint_eq(n_in, 3 * 224 * 224);
    ck_assert_uint_eq(n_out, 1000);
    snprintf(text, sizeof text,
             "[sp]\nSize=224 224 3\nBatchSize=1\n[onnx]\nInput=sp\nType=ONNX\nFile=%s/%s.onnx\n", fixture_dir,
             name);
    n2d2_ini *ini;
    n2d2_graph *g;
    ck_assert_msg(n2d2_ini_load_string(text, strlen(text), "torchvision.ini", &ini) == N2D2_OK, "%s",
                  n2d2_error_message());
    n2d2_graph_options opt = N2D2_GRAPH_OPTIONS_INIT;
    opt.seed = 1;
    ck_assert_msg(n2d2_graph_build(ini, reg, &opt, &g) == N2D2_OK, "%s: %s", name, n2d2_error_message());
    uint64_t total = 0;
    for (size_t i = 0; i < n2d2_graph_cell_count(g); ++i)
        total += n2d2_graph_cell_param_total(g, i);
    ck_assert_uint_eq(total, models[_i].params);
    ck_assert_uint_eq(n2d2_graph_cell_count(g), models[_i].cells);
    ck_assert_msg(n2d2_graph_allocate(g, 1, 0) == N2D2_OK, "%s", n2d2_error_message());
    n2d2_tensor *x = n2d2_graph_input(g);
    ck_assert_uint_eq(n2d2_tensor_numel(x), n_in);
    memcpy(n2d2_tensor_data(x), in, n_in * sizeof *in);
    ck_assert_msg(n2d2_graph_forward(g, 0) == N2D2_OK, "%s", n2d2_error_message());
    n2d2_cell *cell = n2d2_graph_find_cell(g, "output");
    ck_assert_msg(cell != NULL, "no cell [output]");
    const n2d2_tensor *y = n2d2_graph_cell_output_of(g, cell);
    ck_assert_uint_eq(n2d2_tensor_numel(y), n_out);
    double worst = 0.0, scale = 0.0;
    for (size_t i = 0; i < n_out; ++i) {
        double d = fabs(n2d2_tensor_get(y, i) - expected[i]);
        worst = d > worst ? d : worst;
        scale = fabs(expected[i]) > scale ? fabs(expected[i]) : scale;
    }
    printf("%s: max |n2d2 - pytorch| = %g (outputs up to %g)\n", name, worst, scale);
    ck_assert_msg(worst < 1e-4, "%s: max |n2d2 - pytorch| = %g", name, worst);
    /* the check is not vacuous: the outputs are not all (near) zero */
    ck_assert_msg(scale > 1e-2, "%s: outputs too small (%g) for the comparison to mean much", name, scale);
    n2d2_graph_free(g);
    n2d2_ini_free(ini);
    free(in);
    free(expected);
}
END_TEST

int main(void)
{
    fixture_dir = getenv("N2D2_ONNX_FIXTURES");
    char probe[4096];
    struct stat sb;
    snprintf(probe, sizeof probe, "%s/mobilenet_v2.out.f32", fixture_dir ? fixture_dir : "");
    if (!fixture_dir || stat(probe, &sb) != 0) {
        printf("SKIPPED: no torchvision fixtures (N2D2_ONNX_FIXTURES=%s)\n", fixture_dir ? fixture_dir : "");
        return 77;
    }
    Suite *s = suite_create("onnx_torchvision");
    TCase *tc = tcase_create("torchvision");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, torchvision_model_matches_pytorch, 0, 2);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
