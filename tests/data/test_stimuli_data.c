/* StimuliData (manual ch. 20) and the single-stimulus access behind
 * n2d2-run's frames/ and -pre-samples, on a miniature MNIST written by the
 * test (20 learn + 8 test images of 5x6; learn set = ids 5..19): the mean
 * image files (.bin, .txt, .png) against means computed here, _MeanData
 * feeding AffineTransformation, the report text of manual lines 5719-5728,
 * per-channel lines, MeanData on stimuli of several sizes, the PNG writer
 * (decoded again with zlib), n2d2_stimuli_sample/_read_raw. */
#include "idx_fixture.h"

#include <math.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "n2d2/image.h"
#include "n2d2/n2d2.h"
#include "check_run.h"

N2D2_STATIC_PLUGIN_DECLARE(db_mnist);
N2D2_STATIC_PLUGIN_DECLARE(transforms_basic);
N2D2_STATIC_PLUGIN_DECLARE(transforms_filters);
N2D2_STATIC_PLUGIN_DECLARE(test_sdata);

#define ROWS 5
#define COLS 6
#define N_TRAIN 20
#define N_TEST 8
#define FIRST_LEARN 5 /* Validation=0.25, in order: ids 0..4 validate */

/* ---- test-only transformations ---- */

/* TestColorTransformation: 1 channel v -> Float32 {v, v + 100, v + 200}. */
static n2d2_status color_apply(void *state, n2d2_tensor **data, n2d2_tensor **labels, int *label,
                               n2d2_set set, n2d2_rng *rng)
{
    (void)state, (void)labels, (void)label, (void)set, (void)rng;
    size_t h = n2d2_tensor_dim(*data, 1), w = n2d2_tensor_dim(*data, 2);
    size_t dims[3] = {3, h, w};
    n2d2_tensor *out;
    n2d2_status st = n2d2_tensor_new(N2D2_FLOAT32, 3, dims, &out);
    if (st != N2D2_OK)
        return st;
    for (size_t k = 0; k < 3; ++k)
        for (size_t i = 0; i < h * w; ++i)
            n2d2_tensor_set(out, k * h * w + i, n2d2_tensor_get(*data, i) + 100.0 * (double)k);
    n2d2_tensor_release(*data);
    *data = out;
    return N2D2_OK;
}

/* TestNarrowTransformation: drops the last column of odd-label stimuli. */
static n2d2_status narrow_apply(void *state, n2d2_tensor **data, n2d2_tensor **labels, int *label,
                                n2d2_set set, n2d2_rng *rng)
{
    (void)state, (void)labels, (void)set, (void)rng;
    if (*label % 2 == 0)
        return N2D2_OK;
    size_t h = n2d2_tensor_dim(*data, 1), w = n2d2_tensor_dim(*data, 2);
    size_t dims[3] = {1, h, w - 1};
    n2d2_tensor *out;
    n2d2_status st = n2d2_tensor_new(n2d2_tensor_dtype(*data), 3, dims, &out);
    if (st != N2D2_OK)
        return st;
    for (size_t y = 0; y < h; ++y)
        for (size_t x = 0; x + 1 < w; ++x)
            n2d2_tensor_set(out, y * (w - 1) + x, n2d2_tensor_get(*data, y * w + x));
    n2d2_tensor_release(*data);
    *data = out;
    return N2D2_OK;
}

/* TestNoiseTransformation: Float32 x + u, u uniform in [0, 1) from rng. */
static n2d2_status noise_apply(void *state, n2d2_tensor **data, n2d2_tensor **labels, int *label,
                               n2d2_set set, n2d2_rng *rng)
{
    (void)state, (void)labels, (void)label, (void)set;
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

static const n2d2_transform_ops color_ops = {sizeof(n2d2_transform_ops),
                                             N2D2_TRANSFORM_CHANGES_RANGE, NULL, color_apply,
                                             NULL, NULL, {0}};
static const n2d2_transform_ops narrow_ops = {sizeof(n2d2_transform_ops), 0, NULL, narrow_apply,
                                              NULL, NULL, {0}};
static const n2d2_transform_ops noise_ops = {sizeof(n2d2_transform_ops),
                                             N2D2_TRANSFORM_RANDOM | N2D2_TRANSFORM_CHANGES_RANGE,
                                             NULL, noise_apply, NULL, NULL, {0}};

static n2d2_status register_test_sdata(n2d2_registry *r)
{
    const n2d2_feature f[] = {
        {sizeof(n2d2_feature), N2D2_KIND_TRANSFORM, "TestColorTransformation", NULL,
         "gray to 3 channels", NULL, 0, &color_ops, 0, {0}},
        {sizeof(n2d2_feature), N2D2_KIND_TRANSFORM, "TestNarrowTransformation", NULL,
         "odd labels lose a column", NULL, 0, &narrow_ops, 0, {0}},
        {sizeof(n2d2_feature), N2D2_KIND_TRANSFORM, "TestNoiseTransformation", NULL,
         "adds uniform noise", NULL, 0, &noise_ops, 0, {0}},
    };
    n2d2_status st = N2D2_OK;
    for (size_t i = 0; i < 3 && st == N2D2_OK; ++i)
        st = n2d2_registry_add(r, &f[i]);
    return st;
}

N2D2_PLUGIN_DEFINE(test_sdata, "1.0.0", "CECILL-C", "test transformations", register_test_sdata,
                   NULL)

/* ---- fixture ---- */

static n2d2_registry *reg;
static n2d2_loader *loader;
static char *dir;

static void setup(void)
{
    static const n2d2_static_plugin table[] = {
        N2D2_STATIC_PLUGIN(db_mnist), N2D2_STATIC_PLUGIN(transforms_basic),
        N2D2_STATIC_PLUGIN(transforms_filters), N2D2_STATIC_PLUGIN(test_sdata)};
    ck_assert_int_eq(n2d2_registry_new(&reg), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_new(reg, &loader), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_preload(loader, table, 4), N2D2_OK);
    dir = fx_tempdir("stimuli_data");
    fx_dataset(dir, N_TRAIN, N_TEST, ROWS, COLS, 0, 0);
}

static void teardown(void)
{
    fx_rmtree(dir);
    n2d2_loader_free(loader);
    n2d2_registry_free(reg);
}

/* The fixture's [database] and [sp] (6x5, batch 4), then `rest`; the run
 * folder published as [sp]_RunDir is the fixture folder. */
static n2d2_ini *ini_of(const char *rest, ...)
{
    char body[4096], text[8192];
    va_list ap;
    va_start(ap, rest);
    vsnprintf(body, sizeof body, rest, ap);
    va_end(ap);
    snprintf(text, sizeof text,
             "[database]\nType=MNIST_IDX_Database\nDataPath=%s\nValidation=0.25\n"
             "RandomPartitioning=0\n[sp]\nSizeX=6\nSizeY=5\nBatchSize=4\n%s",
             dir, body);
    n2d2_ini *ini;
    ck_assert_msg(n2d2_ini_load_string(text, strlen(text), "net.ini", &ini) == N2D2_OK, "%s",
                  n2d2_error_message());
    ck_assert_int_eq(n2d2_ini_set_generated(ini, "sp", "_RunDir", dir), N2D2_OK);
    return ini;
}

static n2d2_status sp_open(n2d2_ini *ini, size_t c, n2d2_dtype dt, n2d2_stimuli **sp)
{
    n2d2_shape shape = {3, {c, ROWS, COLS}};
    return n2d2_stimuli_new(ini, reg, "sp", &shape, dt, 4, 1, sp);
}

/* Mean over the learn set of pixel i (y * COLS + x). */
static double learn_mean(size_t i)
{
    double sum = 0;
    for (size_t id = FIRST_LEARN; id < N_TRAIN; ++id)
        sum += fx_pixel(id, i / COLS, i % COLS);
    return sum / (N_TRAIN - FIRST_LEARN);
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc((size_t)n + 1);
    ck_assert_uint_eq(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    b[n] = 0;
    *len = (size_t)n;
    return b;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Decode a PNG as written by n2d2_png_write_u8 (8-bit, no interlace):
 * checks signature and every CRC, inflates the IDATs with zlib, checks the
 * filter bytes are 0, returns the pixels (malloc'd). */
static unsigned char *png_decode(const char *path, uint32_t *w, uint32_t *h, int *color)
{
    size_t len;
    unsigned char *b = slurp(path, &len);
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    ck_assert_uint_ge(len, 8);
    ck_assert_mem_eq(b, sig, 8);
    unsigned char *z = malloc(len);
    size_t zn = 0, pos = 8;
    int ended = 0;
    while (pos + 12 <= len && !ended) {
        uint32_t n = be32(b + pos);
        ck_assert_uint_le(pos + 12 + n, len);
        uint32_t crc = (uint32_t)crc32(0, b + pos + 4, n + 4);
        ck_assert_uint_eq(crc, be32(b + pos + 8 + n));
        const unsigned char *type = b + pos + 4, *data = b + pos + 8;
        if (memcmp(type, "IHDR", 4) == 0) {
            ck_assert_uint_eq(pos, 8); /* first chunk */
            *w = be32(data);
            *h = be32(data + 4);
            ck_assert_uint_eq(data[8], 8);
            *color = data[9];
        } else if (memcmp(type, "IDAT", 4) == 0) {
            memcpy(z + zn, data, n);
            zn += n;
        } else if (memcmp(type, "IEND", 4) == 0) {
            ended = 1;
        }
        pos += 12 + n;
    }
    ck_assert(ended);
    ck_assert_uint_eq(pos, len);
    size_t channels = *color == 0 ? 1 : *color == 4 ? 2 : *color == 2 ? 3 : 4;
    size_t row = *w * channels;
    uLongf raw_len = (uLongf)((row + 1) * *h);
    unsigned char *raw = malloc(raw_len + 1);
    uLongf got = raw_len + 1;
    ck_assert_int_eq(uncompress(raw, &got, z, (uLong)zn), Z_OK);
    ck_assert_uint_eq(got, raw_len);
    unsigned char *px = malloc(row * *h);
    for (size_t y = 0; y < *h; ++y) {
        ck_assert_uint_eq(raw[y * (row + 1)], 0);
        memcpy(px + y * row, raw + y * (row + 1) + 1, row);
    }
    free(raw);
    free(z);
    free(b);
    return px;
}

/* Log capture. */
static char logged[8192];

static void capture(n2d2_log_level level, const char *message, void *user)
{
    (void)level;
    (void)user;
    size_t n = strlen(logged);
    snprintf(logged + n, sizeof logged - n, "%s\n", message);
}

static void start_capture(void)
{
    logged[0] = 0;
    n2d2_log_set_level(N2D2_LOG_INFO);
    n2d2_log_set_callback(capture, NULL);
}

static void stop_capture(void)
{
    n2d2_log_set_callback(NULL, NULL);
    n2d2_log_set_level(N2D2_LOG_WARN);
}

/* ---- tests ---- */

START_TEST(mean_data_files_match_hand_computed_means)
{
    n2d2_ini *ini = ini_of("[sp.StimuliData-meanData]\nApplyTo=LearnOnly\nMeanData=1\n"
                           "[check]\nPath=[sp.StimuliData-meanData]_MeanData\n");
    n2d2_stimuli *sp;
    ck_assert_msg(sp_open(ini, 1, N2D2_FLOAT32, &sp) == N2D2_OK, "%s", n2d2_error_message());
    char path[4200];
    const char *value;
    ck_assert_int_eq(n2d2_ini_get(ini, n2d2_ini_find(ini, "check"), "Path", &value), N2D2_OK);
    snprintf(path, sizeof path, "%s/sp.StimuliData-meanData/meanData.txt", dir);
    ck_assert_str_eq(value, path);

    /* meanData.bin: header then float64 little-endian. */
    snprintf(path, sizeof path, "%s/sp.StimuliData-meanData/meanData.bin", dir);
    size_t len;
    unsigned char *b = slurp(path, &len);
    ck_assert_uint_eq(len, 24 + 8 * ROWS * COLS);
    ck_assert_mem_eq(b, "N2D2MAT1", 8);
    const uint32_t head[4] = {1, 1, ROWS, COLS};
    for (int k = 0; k < 4; ++k)
        ck_assert_uint_eq(b[8 + 4 * k] | b[9 + 4 * k] << 8 | b[10 + 4 * k] << 16 |
                              (uint32_t)b[11 + 4 * k] << 24,
                          head[k]);
    double lo = 1e300, hi = -1e300;
    for (size_t i = 0; i < ROWS * COLS; ++i) {
        uint64_t bits = 0;
        for (int k = 7; k >= 0; --k)
            bits = bits << 8 | b[24 + 8 * i + (size_t)k];
        double v;
        memcpy(&v, &bits, sizeof v);
        ck_assert_double_eq_tol(v, learn_mean(i), 1e-12);
        lo = fmin(lo, v);
        hi = fmax(hi, v);
    }
    free(b);
    ck_assert(hi > lo);

    /* meanData.txt: ROWS lines of COLS values. */
    snprintf(path, sizeof path, "%s/sp.StimuliData-meanData/meanData.txt", dir);
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    for (size_t i = 0; i < ROWS * COLS; ++i) {
        double v;
        ck_assert_int_eq(fscanf(f, "%lf", &v), 1);
        ck_assert_double_eq_tol(v, learn_mean(i), 1e-12);
    }
    double extra;
    ck_assert_int_eq(fscanf(f, "%lf", &extra), EOF);
    fclose(f);

    /* meanData.bin.png: gray, min..max mapped to 0..255. */
    snprintf(path, sizeof path, "%s/sp.StimuliData-meanData/meanData.bin.png", dir);
    uint32_t w, h;
    int color;
    unsigned char *px = png_decode(path, &w, &h, &color);
    ck_assert_uint_eq(w, COLS);
    ck_assert_uint_eq(h, ROWS);
    ck_assert_int_eq(color, 0);
    for (size_t i = 0; i < ROWS * COLS; ++i)
        ck_assert_int_eq(px[i], (int)floor((learn_mean(i) - lo) * 255.0 / (hi - lo) + 0.5));
    free(px);
    n2d2_stimuli_free(sp);
    n2d2_ini_free(ini);
}
END_TEST

/* Manual 20.2: AffineTransformation Minus [..]_MeanData gives a learn set
 * whose mean image is zero. */
START_TEST(mean_data_feeds_affine_transformation)
{
    n2d2_ini *ini = ini_of("[sp.StimuliData-meanData]\nApplyTo=LearnOnly\nMeanData=1\n"
                           "[sp.Transformation]\nType=AffineTransformation\nFirstOperator=Minus\n"
                           "FirstValue=[sp.StimuliData-meanData]_MeanData\n");
    n2d2_stimuli *sp;
    ck_assert_msg(sp_open(ini, 1, N2D2_FLOAT64, &sp) == N2D2_OK, "%s", n2d2_error_message());
    size_t dims[4] = {4, 1, ROWS, COLS}, count, seen = 0;
    n2d2_tensor *in;
    ck_assert_int_eq(n2d2_tensor_new(N2D2_FLOAT64, 4, dims, &in), N2D2_OK);
    double sum[ROWS * COLS] = {0};
    ck_assert_int_eq(n2d2_stimuli_begin(sp, N2D2_SET_LEARN, 0, 0), N2D2_OK);
    while (n2d2_stimuli_next(sp, in, NULL, NULL, &count) == N2D2_OK && count > 0) {
        for (size_t k = 0; k < count; ++k)
            for (size_t i = 0; i < ROWS * COLS; ++i)
                sum[i] += n2d2_tensor_get(in, k * ROWS * COLS + i);
        seen += count;
    }
    ck_assert_uint_eq(seen, N_TRAIN - FIRST_LEARN);
    for (size_t i = 0; i < ROWS * COLS; ++i)
        ck_assert_double_eq_tol(sum[i], 0.0, 1e-3); /* Affine computes in Float32 */
    /* The test set is shifted by the same (learn) mean image. */
    ck_assert_int_eq(n2d2_stimuli_begin(sp, N2D2_SET_TEST, 0, 1), N2D2_OK);
    size_t idx[4];
    ck_assert_int_eq(n2d2_stimuli_next(sp, in, NULL, idx, &count), N2D2_OK);
    ck_assert_uint_eq(count, 1);
    for (size_t i = 0; i < ROWS * COLS; ++i)
        ck_assert_double_eq_tol(n2d2_tensor_get(in, i),
                                fx_pixel(1000, i / COLS, i % COLS) - learn_mean(i), 1e-4);
    n2d2_tensor_release(in);
    n2d2_stimuli_free(sp);
    n2d2_ini_free(ini);
}
END_TEST

/* The mean image is taken after the static transformations above the
 * section (here a horizontal flip), not after those below. */
START_TEST(mean_data_after_the_transformations_above)
{
    n2d2_ini *ini = ini_of("[sp.Transformation-flip]\nType=FlipTransformation\nHorizontalFlip=1\n"
                           "[sp.StimuliData-m]\nApplyTo=LearnOnly\nMeanData=1\n"
                           "[sp.Transformation-flip2]\nType=FlipTransformation\nVerticalFlip=1\n");
    n2d2_stimuli *sp;
    ck_assert_msg(sp_open(ini, 1, N2D2_FLOAT32, &sp) == N2D2_OK, "%s", n2d2_error_message());
    char path[4200];
    snprintf(path, sizeof path, "%s/sp.StimuliData-m/meanData.txt", dir);
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    for (size_t y = 0; y < ROWS; ++y)
        for (size_t x = 0; x < COLS; ++x) {
            double v;
            ck_assert_int_eq(fscanf(f, "%lf", &v), 1);
            ck_assert_double_eq_tol(v, learn_mean(y * COLS + (COLS - 1 - x)), 1e-12);
        }
    fclose(f);
    n2d2_stimuli_free(sp);
    n2d2_ini_free(ini);
}
END_TEST

/* The report of manual lines 5719-5728, word for word. */
START_TEST(report_matches_the_manual)
{
    double sum = 0, sum_sq = 0, lo = 255, hi = 0, n = (N_TRAIN - FIRST_LEARN) * ROWS * COLS;
    for (size_t id = FIRST_LEARN; id < N_TRAIN; ++id)
        for (size_t i = 0; i < ROWS * COLS; ++i) {
            double v = fx_pixel(id, i / COLS, i % COLS);
            sum += v;
            sum_sq += v * v;
            lo = fmin(lo, v);
            hi = fmax(hi, v);
        }
    double mean = sum / n, std = sqrt(sum_sq / n - mean * mean);
    char want[1024];
    snprintf(want, sizeof want,
             "sp.StimuliData-raw data:\nNumber of stimuli: 15\nData width range: [6, 6]\n"
             "Data height range: [5, 5]\nData channels range: [1, 1]\nValue range: [%g, %g]\n"
             "Value mean: %g\nValue std. dev.: %g\n",
             lo, hi, mean, std);
    n2d2_ini *ini = ini_of("[sp.StimuliData-raw]\nApplyTo=LearnOnly\nLogSizeRange=1\n"
                           "LogValueRange=1\n");
    n2d2_stimuli *sp;
    start_capture();
    n2d2_status st = sp_open(ini, 1, N2D2_FLOAT32, &sp);
    stop_capture();
    ck_assert_msg(st == N2D2_OK, "%s", n2d2_error_message());
    /* (The provider's own summary line follows.) */
    ck_assert_msg(strncmp(logged, want, strlen(want)) == 0, "got:\n%s\nwant:\n%s", logged, want);
    /* No MeanData: no folder written. */
    char path[4200];
    struct stat sb;
    snprintf(path, sizeof path, "%s/sp.StimuliData-raw", dir);
    ck_assert_int_ne(stat(path, &sb), 0);
    n2d2_stimuli_free(sp);
    n2d2_ini_free(ini);
}
END_TEST

/* Three channels: one report line per channel, a 3-plane mean image, and
 * the PNG in RGB order from BGR planes. */
START_TEST(per_channel_report_and_color_mean)
{
    n2d2_ini *ini = ini_of("[sp.Transformation-c]\nType=TestColorTransformation\n"
                           "[sp.StimuliData-c]\nApplyTo=LearnOnly\nLogValueRange=1\nMeanData=1\n");
    n2d2_stimuli *sp;
    start_capture();
    n2d2_status st = sp_open(ini, 3, N2D2_FLOAT32, &sp);
    stop_capture();
    ck_assert_msg(st == N2D2_OK, "%s", n2d2_error_message());
    for (int k = 0; k < 3; ++k) {
        double sum = 0, sum_sq = 0, lo = 1e9, hi = -1e9, n = (N_TRAIN - FIRST_LEARN) * ROWS * COLS;
        for (size_t id = FIRST_LEARN; id < N_TRAIN; ++id)
            for (size_t i = 0; i < ROWS * COLS; ++i) {
                double v = fx_pixel(id, i / COLS, i % COLS) + 100.0 * k;
                sum += v;
                sum_sq += v * v;
                lo = fmin(lo, v);
                hi = fmax(hi, v);
            }
        double mean = sum / n, std = sqrt(sum_sq / n - mean * mean);
        char line[256];
        snprintf(line, sizeof line, "Channel %d: value range: [%g, %g], mean: %g, std. dev.: %g\n",
                 k, lo, hi, mean, std);
        ck_assert_msg(strstr(logged, line) != NULL, "missing '%s' in:\n%s", line, logged);
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/sp.StimuliData-c/meanData.txt", dir);
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    for (size_t i = 0; i < 3 * ROWS * COLS; ++i) {
        double v;
        ck_assert_int_eq(fscanf(f, "%lf", &v), 1);
        ck_assert_double_eq_tol(v, learn_mean(i % (ROWS * COLS)) + 100.0 * (double)(i / (ROWS * COLS)),
                                1e-9);
    }
    fclose(f);
    snprintf(path, sizeof path, "%s/sp.StimuliData-c/meanData.bin.png", dir);
    uint32_t w, h;
    int color;
    unsigned char *px = png_decode(path, &w, &h, &color);
    ck_assert_int_eq(color, 2);
    ck_assert_uint_eq(w, COLS);
    /* Plane 2 (+200, red in BGR) is brightest: first byte of each pixel. */
    for (size_t i = 0; i < ROWS * COLS; ++i)
        ck_assert(px[3 * i] > px[3 * i + 1] && px[3 * i + 1] > px[3 * i + 2]);
    free(px);
    n2d2_stimuli_free(sp);
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(mean_data_needs_one_size)
{
    n2d2_ini *ini = ini_of("[sp.Transformation-n]\nType=TestNarrowTransformation\n"
                           "[sp.StimuliData-n]\nApplyTo=LearnOnly\nMeanData=1\n");
    n2d2_stimuli *sp = NULL;
    ck_assert_int_eq(sp_open(ini, 1, N2D2_FLOAT32, &sp), N2D2_ERR_SHAPE);
    const char *msg = n2d2_error_message();
    ck_assert_msg(strstr(msg, "[sp.StimuliData-n]") && strstr(msg, "MeanData needs stimuli of one size") &&
                      strstr(msg, "1x5x5") && strstr(msg, "1x5x6"),
                  "%s", msg);
    ck_assert_ptr_null(sp);
    n2d2_ini_free(ini);
    /* Without MeanData the ranges are simply reported. */
    ini = ini_of("[sp.Transformation-n]\nType=TestNarrowTransformation\n"
                 "[sp.StimuliData-n]\nApplyTo=LearnOnly\nLogSizeRange=1\n"
                 "[sp.Transformation-p]\nType=PadCropTransformation\nWidth=6\nHeight=5\n");
    start_capture();
    n2d2_status st = sp_open(ini, 1, N2D2_FLOAT32, &sp);
    stop_capture();
    ck_assert_msg(st == N2D2_OK, "%s", n2d2_error_message());
    ck_assert_msg(strstr(logged, "Data width range: [5, 6]\n") != NULL, "%s", logged);
    n2d2_stimuli_free(sp);
    n2d2_ini_free(ini);
}
END_TEST

/* A file where the folder should go: a clear I/O error. */
START_TEST(mean_data_unwritable_folder)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/sp.StimuliData-m", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    n2d2_ini *ini = ini_of("[sp.StimuliData-m]\nMeanData=1\n");
    n2d2_stimuli *sp = NULL;
    ck_assert_int_eq(sp_open(ini, 1, N2D2_FLOAT32, &sp), N2D2_ERR_IO);
    ck_assert_msg(strstr(n2d2_error_message(), "sp.StimuliData-m") != NULL, "%s",
                  n2d2_error_message());
    n2d2_ini_free(ini);
}
END_TEST

/* A sample is exactly what the pass of the same number delivers. */
START_TEST(sample_matches_the_pass_and_read_raw_is_raw)
{
    n2d2_ini *ini = ini_of("[sp.OnTheFlyTransformation-noise]\nType=TestNoiseTransformation\n");
    n2d2_stimuli *sp;
    ck_assert_msg(sp_open(ini, 1, N2D2_FLOAT32, &sp) == N2D2_OK, "%s", n2d2_error_message());
    const n2d2_database *db = n2d2_stimuli_database(sp);
    n2d2_tensor *a, *b, *c;
    int label;
    size_t index;
    ck_assert_int_eq(n2d2_stimuli_sample(sp, N2D2_SET_LEARN, 2, 1, &a, &label, &index), N2D2_OK);
    ck_assert_uint_eq(index, n2d2_database_set_at(db, N2D2_SET_LEARN, 2));
    ck_assert_int_eq(label, fx_label(index));
    ck_assert_uint_eq(n2d2_tensor_dim(a, 0), 1);
    ck_assert_uint_eq(n2d2_tensor_dim(a, 1), ROWS);
    ck_assert_uint_eq(n2d2_tensor_dim(a, 2), COLS);
    ck_assert_int_eq(n2d2_tensor_dtype(a), N2D2_FLOAT32);
    ck_assert_int_eq(n2d2_stimuli_sample(sp, N2D2_SET_LEARN, 2, 2, &b, NULL, NULL), N2D2_OK);
    ck_assert_int_eq(n2d2_stimuli_sample(sp, N2D2_SET_LEARN, 2, 1, &c, NULL, NULL), N2D2_OK);
    ck_assert_mem_eq(n2d2_tensor_cdata(a), n2d2_tensor_cdata(c), n2d2_tensor_nbytes(a));
    ck_assert(memcmp(n2d2_tensor_cdata(a), n2d2_tensor_cdata(b), n2d2_tensor_nbytes(a)) != 0);
    for (size_t i = 0; i < ROWS * COLS; ++i) {
        double v = n2d2_tensor_get(a, i), p = fx_pixel(index, i / COLS, i % COLS);
        ck_assert(v >= p && v < p + 1.0);
    }
    /* The first learn pass (unshuffled) delivers the same values. */
    size_t dims[4] = {4, 1, ROWS, COLS}, count, idx[4];
    n2d2_tensor *in;
    ck_assert_int_eq(n2d2_tensor_new(N2D2_FLOAT32, 4, dims, &in), N2D2_OK);
    ck_assert_int_eq(n2d2_stimuli_begin(sp, N2D2_SET_LEARN, 0, 0), N2D2_OK);
    ck_assert_int_eq(n2d2_stimuli_next(sp, in, NULL, idx, &count), N2D2_OK);
    ck_assert_uint_eq(count, 4);
    ck_assert_uint_eq(idx[2], index);
    ck_assert_mem_eq((const float *)n2d2_tensor_cdata(in) + 2 * ROWS * COLS, n2d2_tensor_cdata(a),
                     n2d2_tensor_nbytes(a));
    /* A sample in the middle of a pass abandons it; a new pass works. */
    n2d2_tensor_release(b);
    ck_assert_int_eq(n2d2_stimuli_sample(sp, N2D2_SET_TEST, 0, 1, &b, NULL, NULL), N2D2_OK);
    ck_assert_int_eq(n2d2_stimuli_begin(sp, N2D2_SET_TEST, 0, 0), N2D2_OK);
    size_t seen = 0;
    while (n2d2_stimuli_next(sp, in, NULL, NULL, &count) == N2D2_OK && count > 0)
        seen += count;
    ck_assert_uint_eq(seen, N_TEST);
    /* Raw: the driver's bytes. */
    n2d2_tensor *raw;
    ck_assert_int_eq(n2d2_stimuli_read_raw(sp, N2D2_SET_TEST, 3, &raw, &label), N2D2_OK);
    ck_assert_int_eq(n2d2_tensor_dtype(raw), N2D2_UINT8);
    size_t raw_index = n2d2_database_set_at(db, N2D2_SET_TEST, 3);
    ck_assert_int_eq(label, fx_label(1000 + raw_index - N_TRAIN));
    for (size_t i = 0; i < ROWS * COLS; ++i)
        ck_assert_double_eq(n2d2_tensor_get(raw, i),
                            fx_pixel(1000 + raw_index - N_TRAIN, i / COLS, i % COLS));
    /* Bad requests. */
    n2d2_tensor *none = NULL;
    ck_assert_int_eq(n2d2_stimuli_sample(sp, N2D2_SET_TEST, N_TEST, 1, &none, NULL, NULL),
                     N2D2_ERR_RANGE);
    ck_assert_ptr_null(none);
    ck_assert_int_eq(n2d2_stimuli_sample(sp, N2D2_SET_TEST, 0, 0, &none, NULL, NULL),
                     N2D2_ERR_INVAL);
    ck_assert_int_eq(n2d2_stimuli_read_raw(sp, N2D2_SET_LEARN, 99, &none, NULL), N2D2_ERR_RANGE);
    n2d2_tensor_release(raw);
    n2d2_tensor_release(in);
    n2d2_tensor_release(a);
    n2d2_tensor_release(b);
    n2d2_tensor_release(c);
    n2d2_stimuli_free(sp);
    n2d2_ini_free(ini);
}
END_TEST

/* The writer alone: several stored blocks (raw data over 65535 bytes),
 * gray+alpha and RGBA, channel tiling for C = 2 tensors, constant data. */
START_TEST(png_writer_round_trips)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/big.png", dir);
    size_t w = 300, h = 250;
    unsigned char *src = malloc(w * h);
    for (size_t i = 0; i < w * h; ++i)
        src[i] = (unsigned char)(i * 31 % 251);
    ck_assert_int_eq(n2d2_png_write_u8(path, src, 1, h, w), N2D2_OK);
    uint32_t pw, ph;
    int color;
    unsigned char *px = png_decode(path, &pw, &ph, &color);
    ck_assert_uint_eq(pw, w);
    ck_assert_uint_eq(ph, h);
    ck_assert_int_eq(color, 0);
    ck_assert_mem_eq(px, src, w * h);
    free(px);
    ck_assert_int_eq(n2d2_png_write_u8(path, src, 2, 10, 7), N2D2_OK);
    px = png_decode(path, &pw, &ph, &color);
    ck_assert_int_eq(color, 4);
    ck_assert_mem_eq(px, src, 2 * 10 * 7);
    free(px);
    ck_assert_int_eq(n2d2_png_write_u8(path, src, 4, 3, 5), N2D2_OK);
    px = png_decode(path, &pw, &ph, &color);
    ck_assert_int_eq(color, 6);
    ck_assert_mem_eq(px, src, 4 * 3 * 5);
    free(px);
    free(src);
    /* C = 2: planes side by side, one range for both. */
    size_t dims[3] = {2, 2, 3};
    n2d2_tensor *t;
    ck_assert_int_eq(n2d2_tensor_new(N2D2_FLOAT64, 3, dims, &t), N2D2_OK);
    for (size_t i = 0; i < 12; ++i)
        n2d2_tensor_set(t, i, -1.0 + (double)i); /* -1 .. 10 */
    ck_assert_int_eq(n2d2_png_write_tensor(path, t), N2D2_OK);
    px = png_decode(path, &pw, &ph, &color);
    ck_assert_uint_eq(pw, 6);
    ck_assert_uint_eq(ph, 2);
    ck_assert_int_eq(color, 0);
    for (size_t k = 0; k < 2; ++k)
        for (size_t y = 0; y < 2; ++y)
            for (size_t x = 0; x < 3; ++x)
                ck_assert_int_eq(px[y * 6 + k * 3 + x],
                                 (int)floor((double)((k * 2 + y) * 3 + x) * 255.0 / 11.0 + 0.5));
    free(px);
    n2d2_tensor_fill(t, 4.0);
    ck_assert_int_eq(n2d2_png_write_tensor(path, t), N2D2_OK);
    px = png_decode(path, &pw, &ph, &color);
    for (size_t i = 0; i < 12; ++i)
        ck_assert_int_eq(px[i], 0);
    free(px);
    n2d2_tensor_release(t);
    /* Errors. */
    unsigned char one = 0;
    ck_assert_int_eq(n2d2_png_write_u8(path, &one, 5, 1, 1), N2D2_ERR_INVAL);
    snprintf(path, sizeof path, "%s/no/such/dir/x.png", dir);
    ck_assert_int_eq(n2d2_png_write_u8(path, &one, 1, 1, 1), N2D2_ERR_IO);
    ck_assert_msg(strstr(n2d2_error_message(), "x.png") != NULL, "%s", n2d2_error_message());
}
END_TEST

int main(void)
{
    Suite *s = suite_create("stimuli_data");
    TCase *tc = tcase_create("stimuli_data");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, mean_data_files_match_hand_computed_means);
    tcase_add_test(tc, mean_data_feeds_affine_transformation);
    tcase_add_test(tc, mean_data_after_the_transformations_above);
    tcase_add_test(tc, report_matches_the_manual);
    tcase_add_test(tc, per_channel_report_and_color_mean);
    tcase_add_test(tc, mean_data_needs_one_size);
    tcase_add_test(tc, mean_data_unwritable_folder);
    tcase_add_test(tc, sample_matches_the_pass_and_read_raw_is_raw);
    tcase_add_test(tc, png_writer_round_trips);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
