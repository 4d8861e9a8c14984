/* The basic transformations on tiny images with hand-computed results:
 * bilinear rescale, pad/crop with every border type, range affine,
 * normalisation, flips (flipping twice is the identity). */
#define TF_TESTKIT_PLUGIN transforms_basic
#include "transform_testkit.h"
#include "check_run.h"

static n2d2_status tf_run(tf *t, n2d2_tensor **data, n2d2_rng *rng)
{
    n2d2_tensor *labels = NULL;
    int label = 3;
    n2d2_rng local;
    n2d2_rng_seed(&local, 1, N2D2_RNG_AUGMENT);
    n2d2_status st = t->ops->apply(t->state, data, &labels, &label, N2D2_SET_LEARN, rng ? rng : &local);
    ck_assert_int_eq(label, 3);
    return st;
}

/* One transformation on one image; checks the result. */
static void check(const char *type, const char *keys, n2d2_dtype in_type, size_t c, size_t h,
                  size_t w, const double *in, n2d2_dtype out_type, size_t oc, size_t oh, size_t ow,
                  const double *out)
{
    tf t;
    ck_assert_msg(tf_open(&t, type, keys) == N2D2_OK, "%s", n2d2_error_message());
    n2d2_tensor *x = image(in_type, c, h, w, in);
    ck_assert_msg(tf_run(&t, &x, NULL) == N2D2_OK, "%s", n2d2_error_message());
    expect(x, out_type, oc, oh, ow, out, 1e-6);
    n2d2_tensor_release(x);
    tf_close(&t);
}

/* ---- Rescale ---- */

START_TEST(rescale_2x2_to_4x4_is_bilinear)
{
    /* Output x samples (x + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25, clamped:
     * weights of the right pixel 0, 0.25, 0.75, 1 (same on y). Rows:
     * top [0, 25, 75, 100], bottom [200, 160, 80, 40]; middle rows mix them
     * 3:1 and 1:3. */
    const double in[4] = {0, 100, 200, 40};
    const double out[16] = {0,   25,     75,    100, 50,  58.75, 76.25, 85,
                            150, 126.25, 78.75, 55,  200, 160,   80,    40};
    check("RescaleTransformation", "Width=4\nHeight=4\n", N2D2_FLOAT32, 1, 2, 2, in, N2D2_FLOAT32,
          1, 4, 4, out);
    /* 8-bit data stays 8-bit, rounded to nearest. */
    const double out8[16] = {0, 25, 75, 100, 50, 59, 76, 85, 150, 126, 79, 55, 200, 160, 80, 40};
    check("RescaleTransformation", "Width=4\nHeight=4\n", N2D2_UINT8, 1, 2, 2, in, N2D2_UINT8, 1,
          4, 4, out8);
}
END_TEST

START_TEST(rescale_down_and_aspect_ratio)
{
    /* 4x4 → 2x2 samples at 0.5 and 2.5: means of the 2x2 blocks. */
    double in[16];
    for (int i = 0; i < 16; ++i)
        in[i] = i;
    const double out[4] = {2.5, 4.5, 10.5, 12.5};
    check("RescaleTransformation", "Width=2\nHeight=2\n", N2D2_FLOAT64, 1, 4, 4, in, N2D2_FLOAT64, 1,
          2, 2, out);
    /* 2 channels are resized independently. */
    const double in2[8] = {0, 100, 200, 40, 1, 1, 1, 1};
    const double out2[32] = {0,   25,     75,    100, 50,  58.75, 76.25, 85,
                             150, 126.25, 78.75, 55,  200, 160,   80,    40,
                             1,   1,      1,     1,   1,   1,     1,     1,
                             1,   1,      1,     1,   1,   1,     1,     1};
    check("RescaleTransformation", "Width=4\nHeight=4\n", N2D2_FLOAT32, 2, 2, 2, in2, N2D2_FLOAT32,
          2, 4, 4, out2);
    /* KeepAspectRatio on a 4-wide, 2-high image into 8x8: fit → x2 (8x4),
     * cover → x4 (16x8). */
    tf t;
    double flat[8] = {0};
    ck_assert_int_eq(tf_open(&t, "RescaleTransformation", "Width=8\nHeight=8\nKeepAspectRatio=1\n"),
                     N2D2_OK);
    n2d2_tensor *x = image(N2D2_UINT8, 1, 2, 4, flat);
    ck_assert_int_eq(tf_run(&t, &x, NULL), N2D2_OK);
    ck_assert_uint_eq(n2d2_tensor_dim(x, 1), 4);
    ck_assert_uint_eq(n2d2_tensor_dim(x, 2), 8);
    n2d2_tensor_release(x);
    tf_close(&t);
    ck_assert_int_eq(tf_open(&t, "RescaleTransformation",
                             "Width=8\nHeight=8\nKeepAspectRatio=1\nResizeToFit=0\n"),
                     N2D2_OK);
    x = image(N2D2_UINT8, 1, 2, 4, flat);
    ck_assert_int_eq(tf_run(&t, &x, NULL), N2D2_OK);
    ck_assert_uint_eq(n2d2_tensor_dim(x, 1), 8);
    ck_assert_uint_eq(n2d2_tensor_dim(x, 2), 16);
    n2d2_tensor_release(x);
    tf_close(&t);
    /* Missing Width is an error naming the key. */
    ck_assert_int_eq(tf_open(&t, "RescaleTransformation", "Height=8\n"), N2D2_ERR_NOT_FOUND);
    ck_assert_msg(strstr(n2d2_error_message(), "Width"), "%s", n2d2_error_message());
    tf_close(&t);
}
END_TEST

/* ---- PadCrop ---- */

static void pad_row(const char *border, const double *expected)
{
    char keys[256];
    snprintf(keys, sizeof keys, "Width=7\nHeight=1\nBorderType=%s\nBorderValue=9\n", border);
    const double row[3] = {1, 2, 3};
    check("PadCropTransformation", keys, N2D2_UINT8, 1, 1, 3, row, N2D2_UINT8, 1, 1, 7, expected);
}

START_TEST(padcrop_borders)
{
    /* 3 → 7 wide: 2 columns on the left, 2 on the right. */
    pad_row("ConstantBorder", (const double[]){9, 9, 1, 2, 3, 9, 9});
    pad_row("ReplicateBorder", (const double[]){1, 1, 1, 2, 3, 3, 3});
    pad_row("ReflectBorder", (const double[]){2, 1, 1, 2, 3, 3, 2});
    pad_row("MinusOneReflectBorder", (const double[]){3, 2, 1, 2, 3, 2, 1});
    pad_row("WrapBorder", (const double[]){2, 3, 1, 2, 3, 1, 2});
    pad_row("MeanBorder", (const double[]){2, 2, 1, 2, 3, 2, 2});
    /* 2 → 5: odd difference, the extra column goes right. */
    const double two[2] = {4, 5};
    check("PadCropTransformation", "Width=5\nHeight=1\nBorderType=ConstantBorder\n", N2D2_FLOAT32, 1,
          1, 2, two, N2D2_FLOAT32, 1, 1, 5, (const double[]){0, 4, 5, 0, 0});
    /* Default border is MinusOneReflect. */
    check("PadCropTransformation", "Width=4\nHeight=1\n", N2D2_FLOAT32, 1, 1, 2, two, N2D2_FLOAT32, 1,
          1, 4, (const double[]){5, 4, 5, 4});
}
END_TEST

START_TEST(padcrop_crops_centred_and_pads_2d)
{
    const double five[5] = {1, 2, 3, 4, 5};
    check("PadCropTransformation", "Width=2\nHeight=1\n", N2D2_UINT8, 1, 1, 5, five, N2D2_UINT8, 1, 1,
          2, (const double[]){2, 3});
    check("PadCropTransformation", "Width=3\nHeight=1\n", N2D2_UINT8, 1, 1, 4, five, N2D2_UINT8, 1, 1,
          3, (const double[]){1, 2, 3});
    /* 2x2 in 4x4 with a per-channel constant colour, 2 channels. */
    const double in[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    const double out[32] = {10, 10, 10, 10, 10, 1, 2, 10, 10, 3, 4, 10, 10, 10, 10, 10,
                            20, 20, 20, 20, 20, 5, 6, 20, 20, 7, 8, 20, 20, 20, 20, 20};
    check("PadCropTransformation", "Width=4\nHeight=4\nBorderType=ConstantBorder\nBorderValue=10 20\n",
          N2D2_FLOAT32, 2, 2, 2, in, N2D2_FLOAT32, 2, 4, 4, out);
    /* Crop rows and pad columns at once: 3 rows → 1, 1 col → 3 (replicate). */
    const double col[3] = {7, 8, 9};
    check("PadCropTransformation", "Width=3\nHeight=1\nBorderType=ReplicateBorder\n", N2D2_UINT8, 1, 3,
          1, col, N2D2_UINT8, 1, 1, 3, (const double[]){8, 8, 8});
    /* Reflection wider than the image wraps around again. */
    const double ab[2] = {1, 2};
    check("PadCropTransformation", "Width=8\nHeight=1\nBorderType=ReflectBorder\n", N2D2_UINT8, 1, 1, 2,
          ab, N2D2_UINT8, 1, 1, 8, (const double[]){2, 2, 1, 1, 2, 2, 1, 1});
}
END_TEST

/* ---- RangeAffine ---- */

START_TEST(range_affine_values)
{
    const double in[3] = {0, 128, 255};
    check("RangeAffineTransformation",
          "FirstOperator=Minus\nFirstValue=128\nSecondOperator=Divides\nSecondValue=128\n", N2D2_UINT8,
          1, 1, 3, in, N2D2_FLOAT32, 1, 1, 3, (const double[]){-1, 0, 127.0 / 128.0});
    /* One value per channel. */
    const double in2[4] = {1, 2, 3, 4};
    check("RangeAffineTransformation", "FirstOperator=Multiplies\nFirstValue=10 100\n", N2D2_FLOAT64,
          2, 1, 2, in2, N2D2_FLOAT64, 2, 1, 2, (const double[]){10, 20, 300, 400});
    /* Truncate rounds toward zero. */
    const double fr[2] = {1.7, -1.7};
    check("RangeAffineTransformation", "FirstOperator=Plus\nFirstValue=0\nTruncate=1\n", N2D2_FLOAT32,
          1, 1, 2, fr, N2D2_FLOAT32, 1, 1, 2, (const double[]){1, -1});
    tf t;
    ck_assert_int_eq(tf_open(&t, "RangeAffineTransformation", "FirstOperator=Divides\nFirstValue=0\n"),
                     N2D2_ERR_INVAL);
    ck_assert_msg(strstr(n2d2_error_message(), "t.ini:3") && strstr(n2d2_error_message(), "division"),
                  "%s", n2d2_error_message());
    tf_close(&t);
    ck_assert_int_eq(tf_open(&t, "RangeAffineTransformation", "FirstOperator=Minus\nFirstValue=1 2 3\n"),
                     N2D2_OK);
    n2d2_tensor *x = image(N2D2_UINT8, 2, 1, 2, in2);
    ck_assert_int_eq(tf_run(&t, &x, NULL), N2D2_ERR_SHAPE);
    ck_assert_msg(strstr(n2d2_error_message(), "FirstValue has 3 values for 2-channel data"), "%s",
                  n2d2_error_message());
    n2d2_tensor_release(x);
    tf_close(&t);
    ck_assert_int_eq(tf_open(&t, "RangeAffineTransformation", "FirstOperator=Times\nFirstValue=1\n"),
                     N2D2_ERR_INVAL);
    tf_close(&t);
}
END_TEST

/* ---- Normalize ---- */

START_TEST(normalize_norms)
{
    const double mm[3] = {2, 4, 6};
    check("NormalizeTransformation", "", N2D2_UINT8, 1, 1, 3, mm, N2D2_FLOAT32, 1, 1, 3,
          (const double[]){0, 0.5, 1});
    check("NormalizeTransformation", "NormMin=-1\nNormMax=1\n", N2D2_FLOAT64, 1, 1, 3, mm, N2D2_FLOAT64,
          1, 1, 3, (const double[]){-1, 0, 1});
    const double l1[2] = {1, -3};
    check("NormalizeTransformation", "Norm=L1\n", N2D2_FLOAT32, 1, 1, 2, l1, N2D2_FLOAT32, 1, 1, 2,
          (const double[]){0.25, -0.75});
    const double l2[2] = {3, 4};
    check("NormalizeTransformation", "Norm=L2\nNormValue=10\n", N2D2_FLOAT32, 1, 1, 2, l2, N2D2_FLOAT32,
          1, 1, 2, (const double[]){6, 8});
    const double linf[2] = {2, -4};
    check("NormalizeTransformation", "Norm=Linf\n", N2D2_FLOAT32, 1, 1, 2, linf, N2D2_FLOAT32, 1, 1, 2,
          (const double[]){0.5, -1});
    const double two[4] = {0, 2, 10, 20};
    check("NormalizeTransformation", "PerChannel=1\n", N2D2_FLOAT32, 2, 1, 2, two, N2D2_FLOAT32, 2, 1,
          2, (const double[]){0, 1, 0, 1});
    check("NormalizeTransformation", "", N2D2_FLOAT32, 2, 1, 2, two, N2D2_FLOAT32, 2, 1, 2,
          (const double[]){0, 0.1, 0.5, 1});
    /* Constant image → NormMin; zero image stays zero. */
    const double flat[2] = {5, 5}, zero[2] = {0, 0};
    check("NormalizeTransformation", "NormMin=0.25\n", N2D2_FLOAT32, 1, 1, 2, flat, N2D2_FLOAT32, 1, 1,
          2, (const double[]){0.25, 0.25});
    check("NormalizeTransformation", "Norm=L2\n", N2D2_FLOAT32, 1, 1, 2, zero, N2D2_FLOAT32, 1, 1, 2,
          zero);
}
END_TEST

/* ---- Flip ---- */

START_TEST(flip_fixed)
{
    const double in[6] = {1, 2, 3, 4, 5, 6};
    check("FlipTransformation", "HorizontalFlip=1\n", N2D2_UINT8, 1, 2, 3, in, N2D2_UINT8, 1, 2, 3,
          (const double[]){3, 2, 1, 6, 5, 4});
    check("FlipTransformation", "VerticalFlip=1\n", N2D2_FLOAT32, 1, 2, 3, in, N2D2_FLOAT32, 1, 2, 3,
          (const double[]){4, 5, 6, 1, 2, 3});
    check("FlipTransformation", "HorizontalFlip=1\nVerticalFlip=1\n", N2D2_FLOAT64, 1, 2, 3, in,
          N2D2_FLOAT64, 1, 2, 3, (const double[]){6, 5, 4, 3, 2, 1});
    check("FlipTransformation", "", N2D2_FLOAT64, 1, 2, 3, in, N2D2_FLOAT64, 1, 2, 3, in);
}
END_TEST

START_TEST(flip_twice_is_identity)
{
    /* Property: for random images of every type and odd/even sizes,
     * flipping twice (fixed flips) gives the image back. */
    n2d2_rng rng;
    n2d2_rng_seed(&rng, 7, N2D2_RNG_AUGMENT);
    const n2d2_dtype types[3] = {N2D2_UINT8, N2D2_FLOAT32, N2D2_FLOAT64};
    const char *modes[3] = {"HorizontalFlip=1\n", "VerticalFlip=1\n", "HorizontalFlip=1\nVerticalFlip=1\n"};
    for (int trial = 0; trial < 30; ++trial) {
        size_t c = 1 + n2d2_rng_below(&rng, 3), h = 1 + n2d2_rng_below(&rng, 6),
               w = 1 + n2d2_rng_below(&rng, 6);
        double v[3 * 6 * 6];
        for (size_t i = 0; i < c * h * w; ++i)
            v[i] = (double)n2d2_rng_below(&rng, 256);
        tf t;
        ck_assert_int_eq(tf_open(&t, "FlipTransformation", modes[trial % 3]), N2D2_OK);
        n2d2_tensor *x = image(types[trial % 3], c, h, w, v);
        ck_assert_int_eq(tf_run(&t, &x, NULL), N2D2_OK);
        ck_assert_int_eq(tf_run(&t, &x, NULL), N2D2_OK);
        expect(x, types[trial % 3], c, h, w, v, 0.0);
        n2d2_tensor_release(x);
        tf_close(&t);
    }
}
END_TEST

START_TEST(flip_random_is_seeded_and_fair)
{
    tf t;
    ck_assert_int_eq(tf_open(&t, "FlipTransformation", "RandomHorizontalFlip=1\n"), N2D2_OK);
    int flips[2] = {0, 0};
    for (int run = 0; run < 2; ++run) {
        n2d2_rng rng;
        n2d2_rng_seed(&rng, 99, N2D2_RNG_AUGMENT);
        for (int i = 0; i < 1000; ++i) {
            n2d2_tensor *x = image(N2D2_UINT8, 1, 1, 2, (const double[]){0, 1});
            ck_assert_int_eq(tf_run(&t, &x, &rng), N2D2_OK);
            flips[run] += n2d2_tensor_get(x, 0) == 1.0;
            n2d2_tensor_release(x);
        }
    }
    ck_assert_int_eq(flips[0], flips[1]);
    ck_assert_msg(flips[0] > 420 && flips[0] < 580, "%d flips out of 1000", flips[0]);
    tf_close(&t);
}
END_TEST

START_TEST(flip_moves_pixel_labels)
{
    tf t;
    ck_assert_int_eq(tf_open(&t, "FlipTransformation", "HorizontalFlip=1\n"), N2D2_OK);
    n2d2_tensor *x = image(N2D2_UINT8, 1, 1, 3, (const double[]){1, 2, 3});
    n2d2_tensor *labels = image(N2D2_INT32, 1, 1, 3, (const double[]){7, 8, 9});
    int label = 0;
    n2d2_rng rng;
    n2d2_rng_seed(&rng, 1, N2D2_RNG_AUGMENT);
    ck_assert_int_eq(t.ops->apply(t.state, &x, &labels, &label, N2D2_SET_TEST, &rng), N2D2_OK);
    expect(labels, N2D2_INT32, 1, 1, 3, (const double[]){9, 8, 7}, 0);
    n2d2_tensor_release(x);
    n2d2_tensor_release(labels);
    tf_close(&t);
}
END_TEST

/* ---- registration ---- */

START_TEST(schemas_and_flags_follow_the_manual)
{
    static const struct {
        const char *type;
        const char *keys[6];
        uint32_t flags;
    } expected[] = {
        {"RescaleTransformation", {"Width", "Height", "KeepAspectRatio", "ResizeToFit"}, 0},
        {"PadCropTransformation", {"Width", "Height", "BorderType", "BorderValue"}, 0},
        {"RangeAffineTransformation",
         {"FirstOperator", "FirstValue", "SecondOperator", "SecondValue", "Truncate"},
         N2D2_TRANSFORM_CHANGES_RANGE},
        {"NormalizeTransformation", {"Norm", "NormValue", "NormMin", "NormMax", "PerChannel"},
         N2D2_TRANSFORM_CHANGES_RANGE},
        {"FlipTransformation",
         {"HorizontalFlip", "VerticalFlip", "RandomHorizontalFlip", "RandomVerticalFlip"},
         N2D2_TRANSFORM_RANDOM},
    };
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; ++i)
        tf_check_schema(expected[i].type, expected[i].keys,
                        sizeof expected[i].keys / sizeof expected[i].keys[0], expected[i].flags);
    /* Non-image data is refused with a message. */
    tf t;
    ck_assert_int_eq(tf_open(&t, "FlipTransformation", "HorizontalFlip=1\n"), N2D2_OK);
    size_t dims[2] = {2, 2};
    n2d2_tensor *x;
    ck_assert_int_eq(n2d2_tensor_new(N2D2_UINT8, 2, dims, &x), N2D2_OK);
    ck_assert_int_eq(tf_run(&t, &x, NULL), N2D2_ERR_SHAPE);
    ck_assert_msg(strstr(n2d2_error_message(), "FlipTransformation"), "%s", n2d2_error_message());
    n2d2_tensor_release(x);
    tf_close(&t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("transforms");
    TCase *tc = tcase_create("basic");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, rescale_2x2_to_4x4_is_bilinear);
    tcase_add_test(tc, rescale_down_and_aspect_ratio);
    tcase_add_test(tc, padcrop_borders);
    tcase_add_test(tc, padcrop_crops_centred_and_pads_2d);
    tcase_add_test(tc, range_affine_values);
    tcase_add_test(tc, normalize_norms);
    tcase_add_test(tc, flip_fixed);
    tcase_add_test(tc, flip_twice_is_identity);
    tcase_add_test(tc, flip_random_is_seeded_and_fair);
    tcase_add_test(tc, flip_moves_pixel_labels);
    tcase_add_test(tc, schemas_and_flags_follow_the_manual);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
