/* The stimuli provider end to end from INI strings, on a miniature MNIST
 * written by the test (20 learn + 8 test images of 5x6): database and
 * transformation sections, ApplyTo, implicit conversion, the final size
 * check, generated values, shuffling, the worker thread over several
 * passes and early frees, errors from the worker, channel chains,
 * [database.slicing] and misnamed transformation sections. */
#include "idx_fixture.h"

#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <time.h>

#include "n2d2/n2d2.h"
#include "check_run.h"

N2D2_STATIC_PLUGIN_DECLARE(db_mnist);
N2D2_STATIC_PLUGIN_DECLARE(transforms_basic);
N2D2_STATIC_PLUGIN_DECLARE(test_data);

#define ROWS 5
#define COLS 6
#define N_TRAIN 20
#define N_TEST 8

/* ---- test-only transformations ---- */

/* TestFailTransformation: fails on stimuli of label FailLabel. */
static const n2d2_param_spec fail_params[] = {
    {"FailLabel", N2D2_PARAM_INT, "-2", NULL, 0, 0, 0, "label that makes it fail"}};

static n2d2_status fail_create(const n2d2_params *p, void **state)
{
    int *label = malloc(sizeof *label);
    *label = (int)n2d2_params_int(p, "FailLabel");
    *state = label;
    return N2D2_OK;
}

static n2d2_status fail_apply(void *state, n2d2_tensor **data, n2d2_tensor **labels, int *label,
                              n2d2_set set, n2d2_rng *rng)
{
    (void)data;
    (void)labels;
    (void)set;
    (void)rng;
    if (*label == *(int *)state)
        return n2d2_error(N2D2_ERR_INVAL, "refused label %d", *label);
    return N2D2_OK;
}

static const n2d2_transform_ops fail_ops = {sizeof(n2d2_transform_ops), 0, fail_create, fail_apply,
                                            NULL, free, {0}};

/* TestNoiseTransformation: float32 x + u, u uniform in [0, 1) from rng. */
static n2d2_status noise_apply(void *state, n2d2_tensor **data, n2d2_tensor **labels, int *label,
                               n2d2_set set, n2d2_rng *rng)
{
    (void)state;
    (void)labels;
    (void)label;
    (void)set;
    n2d2_tensor *out;
    n2d2_status st = n2d2_tensor_new(N2D2_FLOAT32, 3, n2d2_tensor_dims(*data), &out);
    if (st != N2D2_OK)
        return st;
    for (size_t i = 0; i < n2d2_tensor_numel(out); ++i)
        n2d2_tensor_set(out, i, n2d2_tensor_get(*data, i) + n2d2_rng_uniform(rng));
    n2d2_tensor_release(*data);
    *data = out;
    return N2D2_OK;
}

static const n2d2_transform_ops noise_ops = {sizeof(n2d2_transform_ops),
                                             N2D2_TRANSFORM_RANDOM | N2D2_TRANSFORM_CHANGES_RANGE,
                                             NULL, noise_apply, NULL, NULL, {0}};

/* TestSlowTransformation: sleeps 20 us, so the worker is busy when the
 * main thread restarts passes. */
static n2d2_status slow_apply(void *state, n2d2_tensor **data, n2d2_tensor **labels, int *label,
                              n2d2_set set, n2d2_rng *rng)
{
    (void)state;
    (void)data;
    (void)labels;
    (void)label;
    (void)set;
    (void)rng;
    struct timespec ts = {0, 20000};
    nanosleep(&ts, NULL);
    return N2D2_OK;
}

static const n2d2_transform_ops slow_ops = {sizeof(n2d2_transform_ops), 0, NULL, slow_apply,
                                            NULL, NULL, {0}};

static n2d2_status register_test_data(n2d2_registry *r)
{
    const n2d2_feature fail = {sizeof(n2d2_feature), N2D2_KIND_TRANSFORM, "TestFailTransformation",
                               NULL, "fails on one label", fail_params, 1, &fail_ops, 0, {0}};
    const n2d2_feature noise = {sizeof(n2d2_feature), N2D2_KIND_TRANSFORM, "TestNoiseTransformation",
                                NULL, "adds uniform noise", NULL, 0, &noise_ops, 0, {0}};
    const n2d2_feature slow = {sizeof(n2d2_feature), N2D2_KIND_TRANSFORM, "TestSlowTransformation",
                               NULL, "sleeps a little", NULL, 0, &slow_ops, 0, {0}};
    n2d2_status st = n2d2_registry_add(r, &fail);
    if (st == N2D2_OK)
        st = n2d2_registry_add(r, &slow);
    return st == N2D2_OK ? n2d2_registry_add(r, &noise) : st;
}

N2D2_PLUGIN_DEFINE(test_data, "1.0.0", "CECILL-C", "test transformations", register_test_data, NULL)

/* ---- fixture ---- */

static n2d2_registry *reg;
static n2d2_loader *loader;
static char *dir;

static void setup(void)
{
    static const n2d2_static_plugin table[] = {N2D2_STATIC_PLUGIN(db_mnist),
                                               N2D2_STATIC_PLUGIN(transforms_basic),
                                               N2D2_STATIC_PLUGIN(test_data)};
    ck_assert_int_eq(n2d2_registry_new(&reg), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_new(reg, &loader), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_preload(loader, table, 3), N2D2_OK);
    dir = fx_tempdir("stimuli");
    fx_dataset(dir, N_TRAIN, N_TEST, ROWS, COLS, 0, 0);
}

static void teardown(void)
{
    fx_rmtree(dir);
    n2d2_loader_free(loader);
    n2d2_registry_free(reg);
}

/* The [database] of the fixture (15 learn / 5 validation in loading order,
 * 8 test) followed by `rest`, a printf format. */
static n2d2_ini *ini_of(const char *rest, ...)
{
    char body[4096], text[8192];
    va_list ap;
    va_start(ap, rest);
    vsnprintf(body, sizeof body, rest, ap);
    va_end(ap);
    snprintf(text, sizeof text,
             "[database]\nType=MNIST_IDX_Database\nDataPath=%s\nValidation=0.25\n"
             "RandomPartitioning=0\n%s",
             dir, body);
    n2d2_ini *ini;
    ck_assert_msg(n2d2_ini_load_string(text, strlen(text), "net.ini", &ini) == N2D2_OK, "%s",
                  n2d2_error_message());
    return ini;
}

static n2d2_status sp_open(n2d2_ini *ini, size_t c, size_t h, size_t w, n2d2_dtype dt,
                           size_t batch, uint64_t seed, n2d2_stimuli **sp)
{
    n2d2_shape shape = {3, {c, h, w}};
    return n2d2_stimuli_new(ini, reg, "sp", &shape, dt, batch, seed, sp);
}

static n2d2_tensor *input_of(size_t batch, size_t c, size_t h, size_t w, n2d2_dtype dt)
{
    size_t dims[4] = {batch, c, h, w};
    n2d2_tensor *t;
    ck_assert_int_eq(n2d2_tensor_new(dt, 4, dims, &t), N2D2_OK);
    return t;
}

/* Database index → the id its pixels were written with. */
static size_t id_of(size_t index) { return index < N_TRAIN ? index : 1000 + index - N_TRAIN; }

static const char *SP_6x5 = "[sp]\nSizeX=6\nSizeY=5\nBatchSize=4\n";

/* ---- tests ---- */

/* Values of the 8 test stimuli with `config` after SP_6x5, in index order. */
static void test_values(const char *config, float out[N_TEST][ROWS * COLS])
{
    n2d2_ini *ini = ini_of("%s%s", SP_6x5, config);
    n2d2_stimuli *sp;
    ck_assert_msg(sp_open(ini, 1, 5, 6, N2D2_FLOAT32, 4, 1, &sp) == N2D2_OK, "%s",
                  n2d2_error_message());
    n2d2_tensor *in = input_of(4, 1, 5, 6, N2D2_FLOAT32);
    size_t count, indices[4], seen = 0;
    ck_assert_int_eq(n2d2_stimuli_begin(sp, N2D2_SET_TEST, 0, 0), N2D2_OK);
    while (n2d2_stimuli_next(sp, in, NULL, indices, &count) == N2D2_OK && count > 0) {
        for (size_t k = 0; k < count; ++k) {
            size_t slot = indices[k] - N_TRAIN;
            ck_assert_uint_lt(slot, N_TEST);
            memcpy(out[slot], (const float *)n2d2_tensor_data(in) + k * ROWS * COLS,
                   sizeof out[slot]);
        }
        seen += count;
    }
    ck_assert_uint_eq(seen, N_TEST);
    n2d2_tensor_release(in);
    n2d2_stimuli_free(sp);
    n2d2_ini_free(ini);
}

/* The only sub-folder of `cache` (the fingerprint folder) in `out`;
 * returns how many sub-folders there are. */
static int fingerprint_dirs(const char *cache, char *out, size_t size)
{
    DIR *d = opendir(cache);
    ck_assert_ptr_nonnull(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(out, size, "%s/%s", cache, e->d_name);
        n++;
    }
    closedir(d);
    return n;
}

START_TEST(disk_cache_survives_runs_and_config_changes)
{
    char *cache = fx_tempdir("cache");
    char config[4600], fp[4200], path[4400];
    snprintf(config, sizeof config, "CachePath=%s/sub\n", cache);
    snprintf(path, sizeof path, "%s/sub", cache);
    static float first[N_TEST][ROWS * COLS], again[N_TEST][ROWS * COLS];
    test_values(config, first);
    ck_assert_int_eq(fingerprint_dirs(path, fp, sizeof fp), 1);
    for (size_t i = 0; i < N_TEST; ++i) {
        struct stat st;
        snprintf(path, sizeof path, "%s/T%zu.stim", fp, (size_t)N_TRAIN + i);
        ck_assert_msg(stat(path, &st) == 0, "no cache file %s", path);
    }
    /* Blank the test images' pixels: a second run must still deliver the
     * cached values, so nothing is decoded again. */
    char images[4200];
    fx_name(images, sizeof images, dir, "t10k-images-idx3-ubyte", 0, 0);
    size_t len;
    uint8_t *bytes = fx_images(N_TEST, ROWS, COLS, 1000, &len);
    memset(bytes + 16, 0, len - 16);
    fx_write(images, bytes, len, 0);
    free(bytes);
    test_values(config, again);
    ck_assert_int_eq(memcmp(first, again, sizeof first), 0);
    ck_assert_float_ne(first[3][1], 0.0f);

    /* A truncated file is recomputed (from the blanked data), the others
     * still come from the cache. */
    snprintf(path, sizeof path, "%s/T%zu.stim", fp, (size_t)N_TRAIN + 3);
    ck_assert_int_eq(truncate(path, 20), 0);
    test_values(config, again);
    for (size_t p = 0; p < ROWS * COLS; ++p)
        ck_assert_float_eq(again[3][p], 0.0f);
    ck_assert_int_eq(memcmp(first[2], again[2], sizeof first[2]), 0);

    /* Another static chain is another fingerprint: fresh data. */
    char other[4800];
    snprintf(other, sizeof other, "%s[sp.Transformation]\nType=FlipTransformation\n"
             "HorizontalFlip=1\n", config);
    test_values(other, again);
    ck_assert_float_eq(again[2][0], 0.0f);
    snprintf(path, sizeof path, "%s/sub", cache);
    ck_assert_int_eq(fingerprint_dirs(path, fp, sizeof fp), 2);

    /* A cache path that is a file is a clear error naming the key. */
    snprintf(path, sizeof path, "%s/file", cache);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    snprintf(config, sizeof config, "%sCachePath=%s\n", SP_6x5, path);
    n2d2_ini *ini = ini_of("%s", config);
    n2d2_stimuli *sp = NULL;
    ck_assert_int_ne(sp_open(ini, 1, 5, 6, N2D2_FLOAT32, 4, 1, &sp), N2D2_OK);
    ck_assert_msg(strstr(n2d2_error_message(), "CachePath") != NULL, "%s", n2d2_error_message());
    n2d2_ini_free(ini);
    fx_rmtree(cache);
}
END_TEST

START_TEST(end_to_end_rescale_and_epoch_size)
{
    n2d2_ini *ini = ini_of("[sp]\nSizeX=12\nSizeY=10\nBatchSize=4\n"
                           "[sp.Transformation-1]\nType=RescaleTransformation\nWidth=12\nHeight=10\n"
                           "[check]\nEpoch=[sp]_EpochSize\n");
    n2d2_stimuli *sp;
    ck_assert_msg(sp_open(ini, 1, 10, 12, N2D2_FLOAT32, 4, 1, &sp) == N2D2_OK, "%s",
                  n2d2_error_message());
    const char *epoch;
    ck_assert_int_eq(n2d2_ini_get(ini, n2d2_ini_find(ini, "check"), "Epoch", &epoch), N2D2_OK);
    ck_assert_str_eq(epoch, "15");
    ck_assert_uint_eq(n2d2_stimuli_set_size(sp, N2D2_SET_LEARN), 15);
    ck_assert_uint_eq(n2d2_stimuli_set_size(sp, N2D2_SET_VALIDATION), 5);
    ck_assert_uint_eq(n2d2_stimuli_set_size(sp, N2D2_SET_TEST), N_TEST);
    ck_assert_uint_eq(n2d2_database_label_count(n2d2_stimuli_database(sp)), 10);

    n2d2_tensor *in = input_of(4, 1, 10, 12, N2D2_FLOAT32);
    int labels[4];
    size_t indices[4], count, total = 0, batches = 0;
    ck_assert_int_eq(n2d2_stimuli_begin(sp, N2D2_SET_LEARN, 0, 0), N2D2_OK);
    while (n2d2_stimuli_next(sp, in, labels, indices, &count) == N2D2_OK && count > 0) {
        if (batches == 0) {
            /* First learn stimulus is image 5 (0-4 went to validation).
             * Exact 2x upscale: output (0, 0) is the input (0, 0); output
             * (1, 1) mixes rows/columns 0 and 1 by 3:1 and 3:1. */
            ck_assert_uint_eq(indices[0], 5);
            ck_assert_int_eq(labels[0], 5);
            const float *x = n2d2_tensor_data(in);
            ck_assert_float_eq_tol(x[0], fx_pixel(5, 0, 0) / 255.0f, 1e-6);
            double mix = 0.75 * (0.75 * fx_pixel(5, 0, 0) + 0.25 * fx_pixel(5, 0, 1)) +
                         0.25 * (0.75 * fx_pixel(5, 1, 0) + 0.25 * fx_pixel(5, 1, 1));
            ck_assert_float_eq_tol(x[12 + 1], (float)(lround(mix) / 255.0), 1e-6);
        }
        total += count;
        batches++;
    }
    ck_assert_int_eq(n2d2_error_code() == N2D2_OK || count == 0, 1);
    ck_assert_uint_eq(total, 15);
    ck_assert_uint_eq(batches, 4);
    ck_assert_uint_eq(count, 0);
    n2d2_tensor_release(in);
    n2d2_stimuli_free(sp);
    n2d2_ini_free(ini);
}
END_TEST

static void first_values(const char *config, n2d2_dtype dt, double (*expect)(uint8_t))
{
    n2d2_ini *ini = ini_of("%s%s", SP_6x5, config);
    n2d2_stimuli *sp;
    ck_assert_msg(sp_open(ini, 1, 5, 6, dt, 4, 1, &sp) == N2D2_OK, "%s", n2d2_error_message());
    n2d2_tensor *in = input_of(4, 1, 5, 6, dt);
    size_t count, indices[4];
    ck_assert_int_eq(n2d2_stimuli_begin(sp, N2D2_SET_TEST, 0, 0), N2D2_OK);
    ck_assert_int_eq(n2d2_stimuli_next(sp, in, NULL, indices, &count), N2D2_OK);
    ck_assert_uint_eq(count, 4);
    for (size_t k = 0; k < 4; ++k)
        for (size_t y = 0; y < ROWS; ++y)
            for (size_t x = 0; x < COLS; ++x) {
                double v = n2d2_tensor_get(in, (k * ROWS + y) * COLS + x);
                double want = expect(fx_pixel(id_of(indices[k]), y, x));
                ck_assert_msg(fabs(v - want) < 1e-6, "item %zu (%zu,%zu): %g, expected %g", k, y, x,
                              v, want);
            }
    n2d2_tensor_release(in);
    n2d2_stimuli_free(sp);
    n2d2_ini_free(ini);
}

static double unit(uint8_t v) { return v / 255.0; }
static double signed_unit(uint8_t v) { return (v - 128) / 128.0; }
static double minus_ten(uint8_t v) { return v - 10.0; }

START_TEST(implicit_conversion_and_signed_mapping)
{
    first_values("", N2D2_FLOAT32, unit);
    first_values("", N2D2_FLOAT64, unit);
    first_values("ConfigSection=sp.config\n[sp.config]\nDataSignedMapping=1\n", N2D2_FLOAT32,
                 signed_unit);
    /* A range-changing transformation turns the conversion off, and then
     * DataSignedMapping has no effect. */
    first_values("ConfigSection=sp.config\n[sp.config]\nDataSignedMapping=1\n"
                 "[sp.Transformation]\nType=RangeAffineTransformation\nFirstOperator=Minus\n"
                 "FirstValue=10\n",
                 N2D2_FLOAT64, minus_ten);
}
END_TEST

START_TEST(apply_to_selects_sets)
{
    n2d2_ini *ini = ini_of("%s[sp.Transformation-flip]\nType=FlipTransformation\nHorizontalFlip=1\n"
                           "ApplyTo=LearnOnly\n",
                           SP_6x5);
    n2d2_stimuli *sp;
    ck_assert_msg(sp_open(ini, 1, 5, 6, N2D2_FLOAT32, 4, 1, &sp) == N2D2_OK, "%s",
                  n2d2_error_message());
    n2d2_tensor *in = input_of(4, 1, 5, 6, N2D2_FLOAT32);
    size_t count, indices[4];
    const n2d2_set sets[3] = {N2D2_SET_LEARN, N2D2_SET_VALIDATION, N2D2_SET_TEST};
    for (int s = 0; s < 3; ++s) {
        ck_assert_int_eq(n2d2_stimuli_begin(sp, sets[s], 0, 0), N2D2_OK);
        ck_assert_int_eq(n2d2_stimuli_next(sp, in, NULL, indices, &count), N2D2_OK);
        const float *x = n2d2_tensor_data(in);
        size_t id = id_of(indices[0]);
        size_t src_x = sets[s] == N2D2_SET_LEARN ? COLS - 1 : 0;
        ck_assert_float_eq_tol(x[0], fx_pixel(id, 0, src_x) / 255.0f, 1e-6);
    }
    n2d2_tensor_release(in);
    n2d2_stimuli_free(sp);
    n2d2_ini_free(ini);
}
END_TEST

static void expect_new_error(n2d2_ini *ini, size_t c, size_t h, size_t w, n2d2_status code,
                             const char *needle)
{
    n2d2_stimuli *sp = (n2d2_stimuli *)1;
    ck_assert_int_eq(sp_open(ini, c, h, w, N2D2_FLOAT32, 4, 1, &sp), code);
    ck_assert_ptr_null(sp);
    ck_assert_msg(strstr(n2d2_error_message(), needle), "message '%s' lacks '%s'",
                  n2d2_error_message(), needle);
}

START_TEST(wrong_final_size_names_sizes_and_section)
{
    n2d2_ini *ini = ini_of("[sp]\nSizeX=12\nSizeY=10\n"
                           "[sp.Transformation-pad]\nType=PadCropTransformation\nWidth=8\nHeight=8\n");
    expect_new_error(ini, 1, 10, 12, N2D2_ERR_SHAPE, "net.ini:9: [sp.Transformation-pad]");
    expect_new_error(ini, 1, 10, 12, N2D2_ERR_SHAPE, "is 1x8x8 (CxHxW)");
    expect_new_error(ini, 1, 10, 12, N2D2_ERR_SHAPE, "network input [sp] is 1x10x12");
    n2d2_ini_free(ini);
    ini = ini_of("[sp]\nSizeX=12\nSizeY=10\n");
    expect_new_error(ini, 1, 10, 12, N2D2_ERR_SHAPE, "[database]: stimulus");
    expect_new_error(ini, 1, 10, 12, N2D2_ERR_SHAPE, "is 1x5x6 (CxHxW) and no transformation");
    n2d2_ini_free(ini);
    /* Only the test set lacks the rescale. */
    ini = ini_of("[sp]\nSizeX=12\nSizeY=10\n[sp.Transformation]\nType=RescaleTransformation\n"
                 "Width=12\nHeight=10\nApplyTo=NoTest\n");
    expect_new_error(ini, 1, 10, 12, N2D2_ERR_SHAPE, "(Test set) is 1x5x6");
    n2d2_ini_free(ini);
}
END_TEST

static void learn_orders(uint64_t seed, size_t passes, size_t order[][15])
{
    n2d2_ini *ini = ini_of("%s", SP_6x5);
    n2d2_stimuli *sp;
    ck_assert_int_eq(sp_open(ini, 1, 5, 6, N2D2_FLOAT32, 4, seed, &sp), N2D2_OK);
    n2d2_tensor *in = input_of(4, 1, 5, 6, N2D2_FLOAT32);
    for (size_t p = 0; p < passes; ++p) {
        ck_assert_int_eq(n2d2_stimuli_begin(sp, N2D2_SET_LEARN, 1, 0), N2D2_OK);
        size_t n = 0, count, indices[4];
        int labels[4];
        while (n2d2_stimuli_next(sp, in, labels, indices, &count) == N2D2_OK && count > 0) {
            for (size_t k = 0; k < count; ++k) {
                order[p][n++] = indices[k];
                ck_assert_int_eq(labels[k], fx_label(id_of(indices[k])));
            }
        }
        ck_assert_uint_eq(n, 15);
        int seen[N_TRAIN] = {0};
        for (size_t k = 0; k < 15; ++k) {
            ck_assert_uint_ge(order[p][k], 5);
            ck_assert_uint_lt(order[p][k], N_TRAIN);
            seen[order[p][k]]++;
        }
        for (size_t k = 5; k < N_TRAIN; ++k)
            ck_assert_int_eq(seen[k], 1);
    }
    n2d2_tensor_release(in);
    n2d2_stimuli_free(sp);
    n2d2_ini_free(ini);
}

START_TEST(shuffling_is_reproducible)
{
    size_t a[3][15], b[3][15], c[3][15];
    learn_orders(11, 3, a);
    learn_orders(11, 3, b);
    learn_orders(12, 3, c);
    ck_assert_mem_eq(a, b, sizeof a);
    ck_assert(memcmp(a[0], a[1], sizeof a[0]) != 0);
    ck_assert(memcmp(a[1], a[2], sizeof a[0]) != 0);
    ck_assert(memcmp(a[0], c[0], sizeof a[0]) != 0);
}
END_TEST

START_TEST(worker_passes_padding_and_early_free)
{
    n2d2_ini *ini = ini_of("%s", SP_6x5);
    n2d2_stimuli *sp;
    ck_assert_int_eq(sp_open(ini, 1, 5, 6, N2D2_FLOAT32, 4, 3, &sp), N2D2_OK);
    n2d2_tensor *in = input_of(4, 1, 5, 6, N2D2_FLOAT32);
    int labels[4];
    size_t indices[4], count;
    /* next before begin is an error. */
    ck_assert_int_eq(n2d2_stimuli_next(sp, in, labels, indices, &count), N2D2_ERR_INVAL);
    for (int pass = 0; pass < 5; ++pass) {
        ck_assert_int_eq(n2d2_stimuli_begin(sp, N2D2_SET_LEARN, pass & 1, 0), N2D2_OK);
        size_t sizes[8], n = 0;
        while (n2d2_stimuli_next(sp, in, labels, indices, &count) == N2D2_OK && count > 0)
            sizes[n++] = count;
        ck_assert_uint_eq(n, 4);
        ck_assert_uint_eq(sizes[3], 3);
        /* The last batch is padded: zero data, label -1, index -1. */
        ck_assert_int_eq(labels[3], -1);
        ck_assert_uint_eq(indices[3], (size_t)-1);
        const float *x = n2d2_tensor_data(in);
        for (size_t i = 3 * 30; i < 4 * 30; ++i)
            ck_assert_float_eq(x[i], 0.0f);
        /* After the end, next keeps saying 0. */
        ck_assert_int_eq(n2d2_stimuli_next(sp, in, labels, indices, &count), N2D2_OK);
        ck_assert_uint_eq(count, 0);
    }
    /* A limit, and begin in the middle of a pass restarts. */
    ck_assert_int_eq(n2d2_stimuli_begin(sp, N2D2_SET_TEST, 0, 5), N2D2_OK);
    ck_assert_int_eq(n2d2_stimuli_next(sp, in, labels, indices, &count), N2D2_OK);
    ck_assert_uint_eq(count, 4);
    ck_assert_int_eq(n2d2_stimuli_begin(sp, N2D2_SET_TEST, 0, 5), N2D2_OK);
    size_t total = 0;
    while (n2d2_stimuli_next(sp, in, labels, indices, &count) == N2D2_OK && count > 0)
        total += count;
    ck_assert_uint_eq(total, 5);
    /* Wrong input tensor. */
    n2d2_tensor *bad = input_of(2, 1, 5, 6, N2D2_FLOAT32);
    ck_assert_int_eq(n2d2_stimuli_begin(sp, N2D2_SET_TEST, 0, 0), N2D2_OK);
    ck_assert_int_eq(n2d2_stimuli_next(sp, bad, labels, indices, &count), N2D2_ERR_SHAPE);
    ck_assert_msg(strstr(n2d2_error_message(), "2x1x5x6") && strstr(n2d2_error_message(), "4x1x5x6"),
                  "%s", n2d2_error_message());
    n2d2_tensor_release(bad);
    /* A Float64 tensor is filled from the Float32 batches. */
    n2d2_tensor *in64 = input_of(4, 1, 5, 6, N2D2_FLOAT64);
    ck_assert_int_eq(n2d2_stimuli_next(sp, in64, labels, indices, &count), N2D2_OK);
    ck_assert_double_eq_tol(n2d2_tensor_get(in64, 1), fx_pixel(id_of(indices[0]), 0, 1) / 255.0, 1e-6);
    n2d2_tensor_release(in64);
    /* Free in the middle of a pass (the worker is filling ahead). */
    ck_assert_int_eq(n2d2_stimuli_begin(sp, N2D2_SET_LEARN, 1, 0), N2D2_OK);
    ck_assert_int_eq(n2d2_stimuli_next(sp, in, labels, indices, &count), N2D2_OK);
    n2d2_stimuli_free(sp);
    /* Free right after begin, and without any pass. */
    ck_assert_int_eq(sp_open(ini, 1, 5, 6, N2D2_FLOAT32, 4, 3, &sp), N2D2_OK);
    ck_assert_int_eq(n2d2_stimuli_begin(sp, N2D2_SET_LEARN, 1, 0), N2D2_OK);
    n2d2_stimuli_free(sp);
    ck_assert_int_eq(sp_open(ini, 1, 5, 6, N2D2_FLOAT32, 4, 3, &sp), N2D2_OK);
    n2d2_stimuli_free(sp);
    n2d2_tensor_release(in);
    n2d2_ini_free(ini);
}
END_TEST

/* begin() in the middle of passes, many times: every full pass must still
 * be a permutation of the set, each item's data matching its index (a
 * batch of an abandoned pass must never leak into the next one). */
START_TEST(restarts_under_stress)
{
    n2d2_ini *ini = ini_of("%s[sp.OnTheFlyTransformation]\nType=TestSlowTransformation\n", SP_6x5);
    n2d2_stimuli *sp;
    ck_assert_int_eq(sp_open(ini, 1, 5, 6, N2D2_FLOAT32, 2, 9, &sp), N2D2_OK);
    n2d2_tensor *in = input_of(2, 1, 5, 6, N2D2_FLOAT32);
    int labels[2];
    size_t indices[2], count;
    n2d2_rng rng;
    n2d2_rng_seed(&rng, 3, 0);
    for (int round = 0; round < 300; ++round) {
        ck_assert_int_eq(n2d2_stimuli_begin(sp, N2D2_SET_LEARN, 1, 0), N2D2_OK);
        int full = round % 10 == 9;
        size_t batches = full ? 100 : n2d2_rng_below(&rng, 4), seen_total = 0;
        int seen[N_TRAIN] = {0};
        for (size_t b = 0; b < batches; ++b) {
            ck_assert_int_eq(n2d2_stimuli_next(sp, in, labels, indices, &count), N2D2_OK);
            if (count == 0)
                break;
            const float *x = n2d2_tensor_data(in);
            for (size_t k = 0; k < count; ++k) {
                ck_assert_uint_lt(indices[k], N_TRAIN);
                seen[indices[k]]++;
                ck_assert_float_eq_tol(x[k * 30 + 1], fx_pixel(indices[k], 0, 1) / 255.0f, 1e-6);
                ck_assert_int_eq(labels[k], fx_label(indices[k]));
            }
            seen_total += count;
        }
        if (full) {
            ck_assert_uint_eq(seen_total, 15);
            for (size_t k = 5; k < N_TRAIN; ++k)
                ck_assert_int_eq(seen[k], 1);
        }
    }
    n2d2_tensor_release(in);
    n2d2_stimuli_free(sp);
    n2d2_ini_free(ini);
}
END_TEST

/* The first learn batch of pass `passes` (1-based) with a noise
 * transformation in a static or an on-the-fly section. */
static void noisy_batch(const char *category, uint64_t seed, int passes, float *out)
{
    n2d2_ini *ini = ini_of("%s[sp.%s-noise]\nType=TestNoiseTransformation\n", SP_6x5, category);
    n2d2_stimuli *sp;
    ck_assert_msg(sp_open(ini, 1, 5, 6, N2D2_FLOAT32, 4, seed, &sp) == N2D2_OK, "%s",
                  n2d2_error_message());
    n2d2_tensor *in = input_of(4, 1, 5, 6, N2D2_FLOAT32);
    size_t count;
    for (int p = 0; p < passes; ++p) {
        ck_assert_int_eq(n2d2_stimuli_begin(sp, N2D2_SET_LEARN, 0, 0), N2D2_OK);
        ck_assert_int_eq(n2d2_stimuli_next(sp, in, NULL, NULL, &count), N2D2_OK);
    }
    memcpy(out, n2d2_tensor_data(in), 4 * 30 * sizeof *out);
    n2d2_tensor_release(in);
    n2d2_stimuli_free(sp);
    n2d2_ini_free(ini);
}

START_TEST(random_transformations_are_seeded)
{
    float a[120], b[120], c[120], d[120];
    noisy_batch("OnTheFlyTransformation", 5, 1, a);
    noisy_batch("OnTheFlyTransformation", 5, 1, b);
    noisy_batch("OnTheFlyTransformation", 5, 2, c);
    noisy_batch("OnTheFlyTransformation", 6, 1, d);
    ck_assert_mem_eq(a, b, sizeof a);
    ck_assert(memcmp(a, c, sizeof a) != 0); /* fresh draws each pass */
    ck_assert(memcmp(a, d, sizeof a) != 0);
    for (int i = 0; i < 120; ++i) { /* noise in [0, 1) on raw values */
        size_t id = 5 + (size_t)i / 30, y = ((size_t)i % 30) / 6, x = (size_t)i % 6;
        ck_assert(a[i] >= fx_pixel(id, y, x) && a[i] < fx_pixel(id, y, x) + 1.0f);
    }
    /* In a static section the draw is made once: the same every pass. */
    noisy_batch("Transformation", 5, 1, a);
    noisy_batch("Transformation", 5, 3, b);
    ck_assert_mem_eq(a, b, sizeof a);
}
END_TEST

START_TEST(worker_errors_reach_next)
{
    n2d2_ini *ini = ini_of("%s[sp.OnTheFlyTransformation-fail]\nType=TestFailTransformation\n"
                           "FailLabel=7\n",
                           SP_6x5);
    n2d2_stimuli *sp;
    ck_assert_msg(sp_open(ini, 1, 5, 6, N2D2_FLOAT32, 4, 1, &sp) == N2D2_OK, "%s",
                  n2d2_error_message());
    n2d2_tensor *in = input_of(4, 1, 5, 6, N2D2_FLOAT32);
    size_t count;
    /* Learn in order: 5 6 7 8 | 9 ... — the first batch holds label 7. */
    ck_assert_int_eq(n2d2_stimuli_begin(sp, N2D2_SET_LEARN, 0, 0), N2D2_OK);
    for (int k = 0; k < 2; ++k) {
        ck_assert_int_eq(n2d2_stimuli_next(sp, in, NULL, NULL, &count), N2D2_ERR_INVAL);
        ck_assert_uint_eq(count, 0);
        ck_assert_msg(strstr(n2d2_error_message(), "[sp.OnTheFlyTransformation-fail] (net.ini:10)") &&
                          strstr(n2d2_error_message(), "refused label 7"),
                      "%s", n2d2_error_message());
    }
    /* A new pass over a set without label 7 works. */
    ck_assert_int_eq(n2d2_stimuli_begin(sp, N2D2_SET_VALIDATION, 0, 0), N2D2_OK);
    ck_assert_int_eq(n2d2_stimuli_next(sp, in, NULL, NULL, &count), N2D2_OK);
    ck_assert_uint_eq(count, 4);
    n2d2_tensor_release(in);
    n2d2_stimuli_free(sp);
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(configuration_errors)
{
    static const struct {
        const char *text;
        n2d2_status code;
        const char *needle;
    } cases[] = {
        {"[sp.Transformation]\nType=RescaleTransfromation\nWidth=6\nHeight=5\n", N2D2_ERR_NOT_FOUND,
         "RescaleTransformation"},
        {"[sp.Transformation]\nWidth=6\n", N2D2_ERR_NOT_FOUND, "[sp.Transformation]: missing required key 'Type'"},
        {"[sp.Transformation]\nType=FlipTransformation\nApplyTo=LearnOnyl\n", N2D2_ERR_INVAL,
         "did you mean LearnOnly"},
        {"[sp.ChannelTransformation]\nType=FlipTransformation\nChannel=2\n", N2D2_ERR_RANGE,
         "channel 2 does not exist"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
        n2d2_ini *ini = ini_of("%s%s", SP_6x5, cases[i].text);
        expect_new_error(ini, 1, 5, 6, cases[i].code, cases[i].needle);
        n2d2_ini_free(ini);
    }
    /* Generic database options. */
    static const struct {
        const char *key;
        n2d2_status code;
    } generic[] = {{"DefaultLabel=background", N2D2_OK}, /* tests/labels cover these */
                   {"CompositeLabel=Combine", N2D2_OK},
                   {"ROIsMargin=2", N2D2_OK},
                   {"TargetDataPath=/x", N2D2_ERR_NOT_IMPLEMENTED},
                   {"MultiChannelMatch=(.*)_0", N2D2_ERR_NOT_IMPLEMENTED},
                   {"CompositeLabel=None", N2D2_OK},
                   {"DataFileLabel=0", N2D2_OK},
                   {"CompositeLabel=Sometimes", N2D2_ERR_INVAL}};
    for (size_t i = 0; i < sizeof generic / sizeof generic[0]; ++i) {
        char text[8192];
        snprintf(text, sizeof text, "[database]\nType=MNIST_IDX_Database\nDataPath=%s\n%s\n%s", dir,
                 generic[i].key, SP_6x5);
        n2d2_ini *ini;
        ck_assert_int_eq(n2d2_ini_load_string(text, strlen(text), "net.ini", &ini), N2D2_OK);
        n2d2_stimuli *sp = NULL;
        ck_assert_msg(sp_open(ini, 1, 5, 6, N2D2_FLOAT32, 4, 1, &sp) == generic[i].code, "%s: %s",
                      generic[i].key, n2d2_error_message());
        if (generic[i].code == N2D2_ERR_NOT_IMPLEMENTED)
            ck_assert_msg(strstr(n2d2_error_message(), "net.ini:4") &&
                              strstr(n2d2_error_message(), "not implemented yet"),
                          "%s", n2d2_error_message());
        n2d2_stimuli_free(sp);
        n2d2_ini_free(ini);
    }
    /* No [database], unknown driver. */
    n2d2_ini *ini;
    const char *text = "[sp]\nSizeX=6\nSizeY=5\n";
    ck_assert_int_eq(n2d2_ini_load_string(text, strlen(text), "net.ini", &ini), N2D2_OK);
    expect_new_error(ini, 1, 5, 6, N2D2_ERR_NOT_FOUND, "no [database] section");
    n2d2_ini_free(ini);
    text = "[database]\nType=MNIST_Database\n[sp]\nSizeX=6\nSizeY=5\n";
    ck_assert_int_eq(n2d2_ini_load_string(text, strlen(text), "net.ini", &ini), N2D2_OK);
    expect_new_error(ini, 1, 5, 6, N2D2_ERR_NOT_FOUND, "MNIST_IDX_Database");
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(params_for_the_unused_key_report)
{
    n2d2_ini *ini = ini_of("%s[sp.Transformation]\nType=RescaleTransformation\nWidth=6\nHeight=5\n"
                           "KeepAspectRatoi=1\n",
                           SP_6x5);
    n2d2_stimuli *sp;
    ck_assert_int_eq(sp_open(ini, 1, 5, 6, N2D2_FLOAT32, 4, 1, &sp), N2D2_OK);
    ck_assert_uint_eq(n2d2_stimuli_params_count(sp), 3); /* database, sp, transformation */
    for (size_t i = 0; i < 3; ++i)
        ck_assert_ptr_nonnull(n2d2_stimuli_params_at(sp, i));
    ck_assert_ptr_null(n2d2_stimuli_params_at(sp, 3));
    n2d2_ini_section *sec = n2d2_ini_find(ini, "sp.Transformation");
    ck_assert(n2d2_ini_section_claimed(sec));
    ck_assert(n2d2_ini_entry_used(n2d2_ini_entry_find(sec, "Width")));
    ck_assert(!n2d2_ini_entry_used(n2d2_ini_entry_find(sec, "KeepAspectRatoi")));
    ck_assert(n2d2_ini_section_claimed(n2d2_ini_find(ini, "database")));
    n2d2_stimuli_free(sp);
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(channel_chains_build_channels)
{
    /* Channel 0: x + 1 (a ChannelTransformation then one added to it with
     * Channel=0); channel 1: 2x; then every channel: minus 1. */
    n2d2_ini *ini = ini_of(
        "[sp]\nSizeX=6\nSizeY=5\nNbChannels=2\n"
        "[sp.ChannelTransformation-a]\nType=RangeAffineTransformation\nFirstOperator=Multiplies\nFirstValue=1\n"
        "[sp.ChannelTransformation-b]\nType=RangeAffineTransformation\nFirstOperator=Multiplies\nFirstValue=2\n"
        "[sp.ChannelOnTheFlyTransformation-c]\nType=RangeAffineTransformation\nChannel=0\n"
        "FirstOperator=Plus\nFirstValue=1\n"
        "[sp.ChannelsTransformation]\nType=RangeAffineTransformation\nFirstOperator=Minus\nFirstValue=1\n");
    n2d2_stimuli *sp;
    ck_assert_msg(sp_open(ini, 2, 5, 6, N2D2_FLOAT32, 4, 1, &sp) == N2D2_OK, "%s",
                  n2d2_error_message());
    n2d2_tensor *in = input_of(4, 2, 5, 6, N2D2_FLOAT32);
    size_t count, indices[4];
    ck_assert_int_eq(n2d2_stimuli_begin(sp, N2D2_SET_TEST, 0, 0), N2D2_OK);
    ck_assert_int_eq(n2d2_stimuli_next(sp, in, NULL, indices, &count), N2D2_OK);
    const float *x = n2d2_tensor_data(in);
    for (size_t k = 0; k < 4; ++k)
        for (size_t i = 0; i < 30; ++i) {
            double v = fx_pixel(id_of(indices[k]), i / 6, i % 6);
            ck_assert_float_eq_tol(x[k * 60 + i], (float)v, 1e-4);
            ck_assert_float_eq_tol(x[k * 60 + 30 + i], (float)(2 * v - 1), 1e-4);
        }
    n2d2_tensor_release(in);
    n2d2_stimuli_free(sp);
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(stimuli_data_publishes_global_values)
{
    /* Mean and std-dev of the 15 learn images, computed here. */
    double sum = 0, sum_sq = 0, n = 15 * 30;
    for (size_t id = 5; id < N_TRAIN; ++id)
        for (size_t i = 0; i < 30; ++i) {
            double v = fx_pixel(id, i / 6, i % 6);
            sum += v;
            sum_sq += v * v;
        }
    double mean = sum / n, std = sqrt(sum_sq / n - mean * mean);
    n2d2_ini *ini = ini_of("%s[sp.StimuliData-raw]\nApplyTo=LearnOnly\nLogValueRange=1\n"
                           "[sp.Transformation-normalize]\nType=RangeAffineTransformation\n"
                           "FirstOperator=Minus\nFirstValue=[sp.StimuliData-raw]_GlobalValue.mean\n"
                           "SecondOperator=Divides\nSecondValue=[sp.StimuliData-raw]_GlobalValue.stdDev\n"
                           "[check]\nMean=[sp.StimuliData-raw]_GlobalValue.mean\n"
                           "Max=[sp.StimuliData-raw]_GlobalValue.maxVal\n",
                           SP_6x5);
    n2d2_stimuli *sp;
    ck_assert_msg(sp_open(ini, 1, 5, 6, N2D2_FLOAT64, 15, 1, &sp) == N2D2_OK, "%s",
                  n2d2_error_message());
    const char *value;
    ck_assert_int_eq(n2d2_ini_get(ini, n2d2_ini_find(ini, "check"), "Mean", &value), N2D2_OK);
    ck_assert_double_eq_tol(strtod(value, NULL), mean, 1e-9);
    ck_assert_uint_eq(n2d2_stimuli_params_count(sp), 4);
    /* The normalised learn set has mean 0 and std-dev 1. */
    n2d2_tensor *in = input_of(15, 1, 5, 6, N2D2_FLOAT64);
    size_t count;
    ck_assert_int_eq(n2d2_stimuli_begin(sp, N2D2_SET_LEARN, 1, 0), N2D2_OK);
    ck_assert_int_eq(n2d2_stimuli_next(sp, in, NULL, NULL, &count), N2D2_OK);
    ck_assert_uint_eq(count, 15);
    double s = 0, s2 = 0;
    for (size_t i = 0; i < 15 * 30; ++i) {
        double v = n2d2_tensor_get(in, i);
        s += v;
        s2 += v * v;
    }
    /* (RangeAffine computes in Float32 on 8-bit input.) */
    ck_assert_double_eq_tol(s / n, 0.0, 1e-6);
    ck_assert_double_eq_tol(sqrt(s2 / n), 1.0, 1e-6);
    ck_assert(std > 1.0);
    n2d2_tensor_release(in);
    n2d2_stimuli_free(sp);
    n2d2_ini_free(ini);
}
END_TEST

/* ---- [database.slicing] ---- */

static const char *SLICE_3x3 = "[database.slicing]\nWidth=3\nHeight=3\nStrideX=3\nStrideY=3\n";

/* Slice k of an image in loading order (RandomShuffle=0): x, y, w, h. */
static void slice_rect(size_t k, int overlapping, size_t r[4])
{
    r[0] = (k % 2) * 3;
    r[1] = k < 2 ? 0 : (overlapping ? 2 : 3);
    r[2] = 3;
    r[3] = k < 2 || overlapping ? 3 : 2;
}

START_TEST(slicing_cuts_stimuli_into_slices)
{
    n2d2_ini *ini = ini_of("%sRandomShuffle=0\n[sp]\nSizeX=3\nSizeY=3\nBatchSize=4\n", SLICE_3x3);
    n2d2_stimuli *sp;
    ck_assert_msg(sp_open(ini, 1, 3, 3, N2D2_FLOAT32, 4, 1, &sp) == N2D2_OK, "%s",
                  n2d2_error_message());
    const n2d2_database *db = n2d2_stimuli_database(sp);
    ck_assert_uint_eq(n2d2_stimuli_set_size(sp, N2D2_SET_LEARN), 15 * 4);
    ck_assert_uint_eq(n2d2_stimuli_set_size(sp, N2D2_SET_VALIDATION), 5 * 4);
    ck_assert_uint_eq(n2d2_stimuli_set_size(sp, N2D2_SET_TEST), N_TEST * 4);
    ck_assert_uint_eq(n2d2_database_set_count(db, N2D2_SET_UNPARTITIONED), N_TRAIN + N_TEST);
    for (size_t p = 0; p < N_TEST * 4; ++p) {
        size_t orig = N_TRAIN + p / 4, r[4];
        slice_rect(p % 4, 0, r);
        size_t index = n2d2_database_set_at(db, N2D2_SET_TEST, p);
        char want[64];
        snprintf(want, sizeof want, "[%zu,%zu,%zu,%zu]", r[0], r[1], r[2], r[3]);
        const char *name = n2d2_database_stimulus_name(db, index);
        ck_assert_msg(strstr(name, want) != NULL, "%s lacks %s", name, want);
        ck_assert_int_eq(n2d2_database_stimulus_label(db, index),
                         n2d2_database_stimulus_label(db, orig));
        n2d2_tensor *t;
        int label;
        ck_assert_int_eq(n2d2_stimuli_read_raw(sp, N2D2_SET_TEST, p, &t, &label), N2D2_OK);
        ck_assert_int_eq(label, (int)fx_label(id_of(orig)));
        ck_assert_uint_eq(n2d2_tensor_dim(t, 1), r[3]);
        ck_assert_uint_eq(n2d2_tensor_dim(t, 2), r[2]);
        const uint8_t *b = n2d2_tensor_data(t);
        for (size_t y = 0; y < r[3]; ++y)
            for (size_t x = 0; x < r[2]; ++x)
                ck_assert_uint_eq(b[y * r[2] + x], fx_pixel(id_of(orig), r[1] + y, r[0] + x));
        n2d2_tensor_release(t);
    }
    n2d2_stimuli_free(sp);
    n2d2_ini_free(ini);
}
END_TEST

/* Overlapping=1: the bottom slices move up to y=2 at full size; their
 * first row, already in the top slices, gets label -1. */
START_TEST(slicing_overlapping_shifts_and_ignores_overlap)
{
    n2d2_ini *ini = ini_of("%sRandomShuffle=0\nOverlapping=1\n[sp]\nSizeX=3\nSizeY=3\n"
                           "BatchSize=4\nCompositeStimuli=1\n",
                           SLICE_3x3);
    n2d2_stimuli *sp;
    ck_assert_msg(sp_open(ini, 1, 3, 3, N2D2_FLOAT32, 4, 1, &sp) == N2D2_OK, "%s",
                  n2d2_error_message());
    ck_assert_uint_eq(n2d2_stimuli_set_size(sp, N2D2_SET_TEST), N_TEST * 4);
    n2d2_tensor *in = input_of(4, 1, 3, 3, N2D2_FLOAT32);
    size_t count, indices[4];
    int labels[4];
    ck_assert_int_eq(n2d2_stimuli_begin(sp, N2D2_SET_TEST, 0, 0), N2D2_OK);
    for (size_t batch = 0; batch < N_TEST; ++batch) {
        ck_assert_msg(n2d2_stimuli_next(sp, in, labels, indices, &count) == N2D2_OK, "%s",
                      n2d2_error_message());
        ck_assert_uint_eq(count, 4);
        const float *x = n2d2_tensor_data(in);
        const int32_t *m = n2d2_tensor_cdata(n2d2_stimuli_label_maps(sp));
        size_t id = id_of(N_TRAIN + batch);
        for (size_t k = 0; k < 4; ++k) {
            size_t r[4];
            slice_rect(k, 1, r);
            ck_assert_int_eq(labels[k], (int)fx_label(id));
            for (size_t y = 0; y < 3; ++y)
                for (size_t c = 0; c < 3; ++c) {
                    ck_assert_float_eq_tol(x[k * 9 + y * 3 + c],
                                           fx_pixel(id, r[1] + y, r[0] + c) / 255.0f, 1e-6);
                    int want = k >= 2 && y == 0 ? -1 : labels[k];
                    ck_assert_int_eq(m[k * 9 + y * 3 + c], want);
                }
        }
    }
    ck_assert_int_eq(n2d2_stimuli_next(sp, in, labels, indices, &count), N2D2_OK);
    ck_assert_uint_eq(count, 0);
    n2d2_tensor_release(in);
    n2d2_stimuli_free(sp);
    n2d2_ini_free(ini);
}
END_TEST

/* ApplyTo=TestOnly leaves learn and validation alone; RandomShuffle=1
 * (the default) shuffles the slices of the test set with the partition
 * stream, the same for the same seed. */
static void test_slice_names(uint64_t seed, char names[N_TEST * 4][64])
{
    /* Learn keeps 5x6 images, cropped to the 3x3 input. */
    n2d2_ini *ini = ini_of("%sApplyTo=TestOnly\n[sp]\nSizeX=3\nSizeY=3\nBatchSize=4\n"
                           "[sp.Transformation]\nType=PadCropTransformation\nWidth=3\nHeight=3\n",
                           SLICE_3x3);
    n2d2_stimuli *sp;
    ck_assert_msg(sp_open(ini, 1, 3, 3, N2D2_FLOAT32, 4, seed, &sp) == N2D2_OK, "%s",
                  n2d2_error_message());
    const n2d2_database *db = n2d2_stimuli_database(sp);
    ck_assert_uint_eq(n2d2_stimuli_set_size(sp, N2D2_SET_LEARN), 15);
    ck_assert_uint_eq(n2d2_stimuli_set_size(sp, N2D2_SET_VALIDATION), 5);
    /* Validation took the first 5 in loading order. */
    for (size_t i = 0; i < 15; ++i)
        ck_assert_uint_eq(n2d2_database_set_at(db, N2D2_SET_LEARN, i), 5 + i);
    ck_assert_uint_eq(n2d2_database_set_count(db, N2D2_SET_UNPARTITIONED), N_TEST);
    ck_assert_uint_eq(n2d2_stimuli_set_size(sp, N2D2_SET_TEST), N_TEST * 4);
    for (size_t p = 0; p < N_TEST * 4; ++p) {
        const char *name =
            n2d2_database_stimulus_name(db, n2d2_database_set_at(db, N2D2_SET_TEST, p));
        ck_assert_ptr_nonnull(strchr(name, '['));
        const char *base = strrchr(name, '/'); /* the folder may be long */
        snprintf(names[p], 64, "%s", base ? base + 1 : name);
    }
    n2d2_stimuli_free(sp);
    n2d2_ini_free(ini);
}

static int cmp_name(const void *a, const void *b) { return strcmp(a, b); }

START_TEST(slicing_apply_to_and_shuffle)
{
    static char a[N_TEST * 4][64], b[N_TEST * 4][64];
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    test_slice_names(5, a);
    test_slice_names(5, b);
    ck_assert_mem_eq(a, b, sizeof a);
    test_slice_names(6, b);
    ck_assert_int_ne(memcmp(a, b, sizeof a), 0);
    /* Not in loading order, yet the same slices. */
    int in_order = 1;
    for (size_t p = 0; p + 1 < N_TEST * 4; ++p)
        in_order &= strcmp(a[p], a[p + 1]) < 0;
    ck_assert(!in_order);
    qsort(a, N_TEST * 4, 64, cmp_name);
    qsort(b, N_TEST * 4, 64, cmp_name);
    ck_assert_mem_eq(a, b, sizeof a);
}
END_TEST

START_TEST(slicing_and_section_name_errors)
{
    /* SP_6x5 puts the extra section on line 10. */
    n2d2_ini *ini = ini_of("%s[sp.Tranformation_1]\nType=FlipTransformation\n", SP_6x5);
    expect_new_error(ini, 1, 5, 6, N2D2_ERR_INVAL, "net.ini:10");
    expect_new_error(ini, 1, 5, 6, N2D2_ERR_INVAL, "[sp.Tranformation_1]");
    expect_new_error(ini, 1, 5, 6, N2D2_ERR_INVAL, "ChannelsOnTheFlyTransformation");
    n2d2_ini_free(ini);
    /* A section of another kind under the provider's name is fine, so are
     * the transformations of a provider [sp.objects]. */
    ini = ini_of("%s[sp.notes]\nText=x\n[sp.objects]\nBatchSize=0\n"
                 "[sp.objects.Transformation]\nType=FlipTransformation\n",
                 SP_6x5);
    n2d2_stimuli *sp;
    ck_assert_msg(sp_open(ini, 1, 5, 6, N2D2_FLOAT32, 4, 1, &sp) == N2D2_OK, "%s",
                  n2d2_error_message());
    n2d2_stimuli_free(sp);
    n2d2_ini_free(ini);
    /* Slicing keys are checked where they are written. */
    ini = ini_of("[database.slicing]\nHeight=3\n%s", SP_6x5);
    expect_new_error(ini, 1, 5, 6, N2D2_ERR_NOT_FOUND, "net.ini:6");
    expect_new_error(ini, 1, 5, 6, N2D2_ERR_NOT_FOUND, "Width");
    n2d2_ini_free(ini);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("stimuli");
    TCase *tc = tcase_create("provider");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, end_to_end_rescale_and_epoch_size);
    tcase_add_test(tc, implicit_conversion_and_signed_mapping);
    tcase_add_test(tc, apply_to_selects_sets);
    tcase_add_test(tc, wrong_final_size_names_sizes_and_section);
    tcase_add_test(tc, shuffling_is_reproducible);
    tcase_add_test(tc, worker_passes_padding_and_early_free);
    tcase_add_test(tc, restarts_under_stress);
    tcase_add_test(tc, random_transformations_are_seeded);
    tcase_add_test(tc, worker_errors_reach_next);
    tcase_add_test(tc, configuration_errors);
    tcase_add_test(tc, params_for_the_unused_key_report);
    tcase_add_test(tc, channel_chains_build_channels);
    tcase_add_test(tc, stimuli_data_publishes_global_values);
    tcase_add_test(tc, disk_cache_survives_runs_and_config_changes);
    tcase_add_test(tc, slicing_cuts_stimuli_into_slices);
    tcase_add_test(tc, slicing_overlapping_shifts_and_ignores_overlap);
    tcase_add_test(tc, slicing_apply_to_and_shuffle);
    tcase_add_test(tc, slicing_and_section_name_errors);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
