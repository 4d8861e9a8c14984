/* The filter transformations through the stimuli provider, on a miniature
 * MNIST written by the test (20 learn + 8 test images of 5x6): INI
 * sections build them, 8-bit outputs get the implicit [0, 1] conversion,
 * CHANGES_RANGE outputs do not, and key errors name the INI line. */
#include "idx_fixture.h"

#include <math.h>
#include <stdarg.h>

#include "n2d2/n2d2.h"
#include "check_run.h"

N2D2_STATIC_PLUGIN_DECLARE(db_mnist);
N2D2_STATIC_PLUGIN_DECLARE(transforms_filters);

#define ROWS 5
#define COLS 6
#define N_TRAIN 20
#define N_TEST 8

static n2d2_registry *reg;
static n2d2_loader *loader;
static char *dir;

static void setup(void)
{
    static const n2d2_static_plugin table[] = {N2D2_STATIC_PLUGIN(db_mnist),
                                               N2D2_STATIC_PLUGIN(transforms_filters)};
    ck_assert_int_eq(n2d2_registry_new(&reg), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_new(reg, &loader), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_preload(loader, table, 2), N2D2_OK);
    dir = fx_tempdir("tf-filters");
    fx_dataset(dir, N_TRAIN, N_TEST, ROWS, COLS, 0, 0);
}

static void teardown(void)
{
    fx_rmtree(dir);
    n2d2_loader_free(loader);
    n2d2_registry_free(reg);
}

static n2d2_ini *ini_of(const char *rest)
{
    char text[4096];
    snprintf(text, sizeof text, "[database]\nType=MNIST_IDX_Database\nDataPath=%s\n%s", dir, rest);
    n2d2_ini *ini;
    ck_assert_msg(n2d2_ini_load_string(text, strlen(text), "net.ini", &ini) == N2D2_OK, "%s",
                  n2d2_error_message());
    return ini;
}

/* The test stimuli (c x 5 x 6 each) in index order into out. */
static void test_values(const char *config, size_t c, float *out)
{
    n2d2_ini *ini = ini_of(config);
    n2d2_stimuli *sp;
    n2d2_shape shape = {3, {c, ROWS, COLS}};
    ck_assert_msg(n2d2_stimuli_new(ini, reg, "sp", &shape, N2D2_FLOAT32, 4, 1, &sp) == N2D2_OK,
                  "%s", n2d2_error_message());
    size_t dims[4] = {4, c, ROWS, COLS}, count, indices[4], seen = 0, one = c * ROWS * COLS;
    n2d2_tensor *in;
    ck_assert_int_eq(n2d2_tensor_new(N2D2_FLOAT32, 4, dims, &in), N2D2_OK);
    ck_assert_int_eq(n2d2_stimuli_begin(sp, N2D2_SET_TEST, 0, 0), N2D2_OK);
    while (n2d2_stimuli_next(sp, in, NULL, indices, &count) == N2D2_OK && count > 0) {
        for (size_t k = 0; k < count; ++k) {
            size_t slot = indices[k] - N_TRAIN;
            ck_assert_uint_lt(slot, N_TEST);
            memcpy(out + slot * one, (const float *)n2d2_tensor_data(in) + k * one,
                   one * sizeof *out);
        }
        seen += count;
    }
    ck_assert_uint_eq(seen, N_TEST);
    n2d2_tensor_release(in);
    n2d2_stimuli_free(sp);
    n2d2_ini_free(ini);
}

START_TEST(equalize_then_otsu_is_binary_in_unit_range)
{
    /* 8-bit all the way: 0/255 becomes 0/1 by the implicit conversion */
    float v[N_TEST * ROWS * COLS];
    test_values("[sp]\nSizeX=6\nSizeY=5\n"
                "[sp.Transformation-1]\nType=EqualizeTransformation\n"
                "[sp.Transformation-2]\nType=ThresholdTransformation\nOtsuMethod=1\n"
                "MaxValue=255\n",
                1, v);
    for (size_t s = 0; s < N_TEST; ++s) {
        int zeros = 0, ones = 0;
        for (size_t i = 0; i < ROWS * COLS; ++i) {
            float x = v[s * ROWS * COLS + i];
            ck_assert_msg(x == 0.0f || x == 1.0f, "stimulus %zu: %g", s, x);
            zeros += x == 0.0f;
            ones += x == 1.0f;
        }
        ck_assert(zeros > 0 && ones > 0);
    }
}
END_TEST

START_TEST(dft_magnitude_phase_keep_their_range)
{
    /* 5 x 6 needs no padding; the DC term is the raw pixel sum (no / 255),
     * its phase 0 */
    float v[N_TEST * 2 * ROWS * COLS];
    test_values("[sp]\nSizeX=6\nSizeY=5\nNbChannels=2\n"
                "[sp.Transformation-1]\nType=DFTTransformation\n"
                "[sp.Transformation-2]\nType=MagnitudePhaseTransformation\n",
                2, v);
    for (size_t s = 0; s < N_TEST; ++s) {
        double sum = 0.0;
        for (size_t y = 0; y < ROWS; ++y)
            for (size_t x = 0; x < COLS; ++x)
                sum += fx_pixel(1000 + s, y, x);
        ck_assert_double_eq_tol(v[s * 2 * ROWS * COLS], sum, 1e-3 * sum);
        ck_assert_double_eq_tol(v[s * 2 * ROWS * COLS + ROWS * COLS], 0.0, 1e-6);
    }
}
END_TEST

START_TEST(key_errors_name_the_ini_line)
{
    n2d2_ini *ini = ini_of("[sp]\nSizeX=6\nSizeY=5\n"
                           "[sp.Transformation]\nType=MorphologyTransformation\nSize=3\n"
                           "Operation=Erosion\n");
    n2d2_stimuli *sp = NULL;
    n2d2_shape shape = {3, {1, ROWS, COLS}};
    ck_assert_int_eq(n2d2_stimuli_new(ini, reg, "sp", &shape, N2D2_FLOAT32, 4, 1, &sp),
                     N2D2_ERR_INVAL);
    const char *msg = n2d2_error_message();
    ck_assert_msg(strstr(msg, "net.ini:10") && strstr(msg, "Erode|Dilate|Opening"), "%s", msg);
    n2d2_ini_free(ini);
    /* a missing matrix file is named, with the key's line */
    ini = ini_of("[sp]\nSizeX=6\nSizeY=5\n"
                 "[sp.Transformation]\nType=AffineTransformation\nFirstOperator=Plus\n"
                 "FirstValue=no-such-matrix.txt\n");
    ck_assert_int_eq(n2d2_stimuli_new(ini, reg, "sp", &shape, N2D2_FLOAT32, 4, 1, &sp),
                     N2D2_ERR_NOT_FOUND);
    msg = n2d2_error_message();
    ck_assert_msg(strstr(msg, "net.ini:10") && strstr(msg, "no-such-matrix.txt"), "%s", msg);
    n2d2_ini_free(ini);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("transforms_filters_pipeline");
    TCase *tc = tcase_create("pipeline");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, equalize_then_otsu_is_binary_in_unit_range);
    tcase_add_test(tc, dft_magnitude_phase_keep_their_range);
    tcase_add_test(tc, key_errors_name_the_ini_line);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return n2d2_check_run(suite()); }
