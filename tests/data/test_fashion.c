/* Fashion_MNIST_IDX_Database on the real files of Debian's
 * dataset-fashion-mnist package (/usr/share/datasets/fashion-mnist, gzip
 * IDX), found without DataPath. Skipped (exit code 77) when the package is
 * not installed. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "n2d2/n2d2.h"
#include "check_run.h"

N2D2_STATIC_PLUGIN_DECLARE(db_mnist);
N2D2_STATIC_PLUGIN_DECLARE(transforms_basic);

#define FASHION_DIR "/usr/share/datasets/fashion-mnist"

static n2d2_registry *reg;
static n2d2_loader *loader;

static void setup(void)
{
    static const n2d2_static_plugin table[] = {N2D2_STATIC_PLUGIN(db_mnist),
                                               N2D2_STATIC_PLUGIN(transforms_basic)};
    ck_assert_int_eq(n2d2_registry_new(&reg), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_new(reg, &loader), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_preload(loader, table, 2), N2D2_OK);
    /* No $N2D2_DATA/fashion-mnist: the driver falls back to Debian's copy. */
    setenv("N2D2_DATA", "/nonexistent-n2d2-data", 1);
}

static void teardown(void)
{
    n2d2_loader_free(loader);
    n2d2_registry_free(reg);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

START_TEST(real_fashion_mnist_through_the_provider)
{
    const char *text = "[database]\nType=Fashion_MNIST_IDX_Database\nValidation=0.2\n"
                       "[sp]\nSizeX=32\nSizeY=32\nBatchSize=128\n"
                       "[sp.Transformation]\nType=RescaleTransformation\nWidth=32\nHeight=32\n"
                       "[sp.StimuliData-raw]\nApplyTo=LearnOnly\n"
                       "[check]\nEpoch=[sp]_EpochSize\nMean=[sp.StimuliData-raw]_GlobalValue.mean\n";
    n2d2_ini *ini;
    ck_assert_int_eq(n2d2_ini_load_string(text, strlen(text), "fashion.ini", &ini), N2D2_OK);
    n2d2_shape shape = {3, {1, 32, 32}};
    n2d2_stimuli *sp;
    double t0 = now();
    ck_assert_msg(n2d2_stimuli_new(ini, reg, "sp", &shape, N2D2_FLOAT32, 128, 1, &sp) == N2D2_OK,
                  "%s", n2d2_error_message());
    double t_load = now() - t0;
    const n2d2_database *db = n2d2_stimuli_database(sp);
    ck_assert_uint_eq(n2d2_stimuli_set_size(sp, N2D2_SET_LEARN), 48000);
    ck_assert_uint_eq(n2d2_stimuli_set_size(sp, N2D2_SET_VALIDATION), 12000);
    ck_assert_uint_eq(n2d2_stimuli_set_size(sp, N2D2_SET_TEST), 10000);
    ck_assert_str_eq(n2d2_database_label_name(db, 0), "T-shirt/top");
    ck_assert_str_eq(n2d2_database_label_name(db, 9), "Ankle boot");
    /* The first image of each file is an ankle boot (label 9). */
    ck_assert_int_eq(n2d2_database_stimulus_label(db, 0), 9);
    ck_assert_int_eq(n2d2_database_stimulus_label(db, 60000), 9);
    ck_assert_str_eq(n2d2_database_stimulus_name(db, 60000),
                     FASHION_DIR "/t10k-images-idx3-ubyte.gz:0");
    const char *value;
    n2d2_ini_section *check = n2d2_ini_find(ini, "check");
    ck_assert_int_eq(n2d2_ini_get(ini, check, "Epoch", &value), N2D2_OK);
    ck_assert_str_eq(value, "48000");
    /* Fashion-MNIST's pixel mean is 0.286 x 255 = 72.9 (on 28x28 images:
     * here after the 32x32 rescale, over the learn part). */
    ck_assert_int_eq(n2d2_ini_get(ini, check, "Mean", &value), N2D2_OK);
    ck_assert_msg(fabs(strtod(value, NULL) - 72.9) < 1.5, "mean %s", value);

    size_t dims[4] = {128, 1, 32, 32};
    n2d2_tensor *in;
    ck_assert_int_eq(n2d2_tensor_new(N2D2_FLOAT32, 4, dims, &in), N2D2_OK);
    int labels[128];
    size_t count, histogram[10] = {0};
    double t_pass[2];
    for (int pass = 0; pass < 2; ++pass) {
        size_t total = 0;
        double t = now();
        ck_assert_int_eq(n2d2_stimuli_begin(sp, N2D2_SET_LEARN, 1, 0), N2D2_OK);
        while (n2d2_stimuli_next(sp, in, labels, NULL, &count) == N2D2_OK && count > 0) {
            for (size_t k = 0; k < count && pass == 0; ++k)
                histogram[labels[k]]++;
            total += count;
        }
        t_pass[pass] = now() - t;
        ck_assert_uint_eq(total, 48000);
    }
    /* Balanced classes: 6000 each in the full learn file, 4800 +- a few
     * hundred after the random 20 % validation draw. */
    for (int c = 0; c < 10; ++c)
        ck_assert_msg(histogram[c] > 4500 && histogram[c] < 5100, "class %d: %zu", c, histogram[c]);
    const float *x = n2d2_tensor_data(in);
    for (size_t i = 0; i < 128 * 1024; ++i)
        ck_assert(x[i] >= 0.0f && x[i] <= 1.0f);
    printf("fashion-mnist: load %.2f s, first pass (fills the cache) %.0f images/s, "
           "cached pass %.0f images/s\n", t_load, 48000 / t_pass[0], 48000 / t_pass[1]);
    n2d2_tensor_release(in);
    n2d2_stimuli_free(sp);
    n2d2_ini_free(ini);
}
END_TEST

int main(void)
{
    struct stat st;
    if (stat(FASHION_DIR, &st) != 0) {
        printf("SKIP: %s not found (apt-get install dataset-fashion-mnist)\n", FASHION_DIR);
        return 77;
    }
    Suite *s = suite_create("fashion");
    TCase *tc = tcase_create("real files");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, real_fashion_mnist_through_the_provider);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
