/* Colour and value transformations of n2d2-transforms-geometric with
 * hand-computed results: channel extraction, colour spaces (known colours
 * and round trips), random affine, range clipping, channel drop and
 * shake; seeded randomness, key errors, and the key schemas. */
#include "check_run.h"
#include "tf_fixture.h"

/* Two BGR uint8 pixels: red (0, 0, 255) and blue (255, 0, 0). */
static const double red_blue[6] = {0, 255, 0, 0, 255, 0};

static void extract(const char *channel, const double *expected, double tol)
{
    char keys[64];
    snprintf(keys, sizeof keys, "CSChannel=%s\n", channel);
    check("ChannelExtractionTransformation", keys, N2D2_UINT8, 3, 1, 2, red_blue, 1, 1, 2, expected,
          tol);
}

START_TEST(channel_extraction_values)
{
    extract("Blue", (const double[2]){0, 255}, 0);
    extract("Green", (const double[2]){0, 0}, 0);
    extract("Red", (const double[2]){255, 0}, 0);
    /* 0.299 x 255 = 76.2, 0.114 x 255 = 29.1 */
    extract("Gray", (const double[2]){76, 29}, 0);
    extract("Y", (const double[2]){76, 29}, 0);
    /* Hue of red 0, of blue 240 degrees / 2. */
    extract("Hue", (const double[2]){0, 120}, 0);
    extract("Saturation", (const double[2]){255, 255}, 0);
    extract("Value", (const double[2]){255, 255}, 0);
    /* Cr = (R - Y) 0.713 + 128, Cb = (B - Y) 0.564 + 128 */
    extract("Cr", (const double[2]){255, 107}, 0);
    extract("Cb", (const double[2]){84, 255}, 0);
    /* A gray image: B = G = R. */
    const double gray[2] = {10, 200}, mid[2] = {128, 128}, zero[2] = {0, 0};
    check("ChannelExtractionTransformation", "CSChannel=Gray\n", N2D2_UINT8, 1, 1, 2, gray, 1, 1,
          2, gray, 0);
    check("ChannelExtractionTransformation", "CSChannel=Red\n", N2D2_UINT8, 1, 1, 2, gray, 1, 1, 2,
          gray, 0);
    check("ChannelExtractionTransformation", "CSChannel=Cb\n", N2D2_UINT8, 1, 1, 2, gray, 1, 1, 2,
          mid, 0);
    check("ChannelExtractionTransformation", "CSChannel=Saturation\n", N2D2_UINT8, 1, 1, 2, gray,
          1, 1, 2, zero, 0);
    /* Float: unit scale. */
    const double bgr[3] = {0.2, 0.4, 0.6};
    check("ChannelExtractionTransformation", "CSChannel=Hue\n", N2D2_FLOAT32, 3, 1, 1, bgr, 1, 1,
          1, (const double[1]){30}, 1e-4);
    check("ChannelExtractionTransformation", "CSChannel=Cr\n", N2D2_FLOAT32, 3, 1, 1, bgr, 1, 1,
          1, (const double[1]){0.616219}, 1e-5);
    check_create_error("ChannelExtractionTransformation", "CSChannel=Alpha\n", "Saturation");
    check_create_error("ChannelExtractionTransformation", "", "CSChannel");
}
END_TEST

START_TEST(colorspace_channel_orders)
{
    const double bgr[3] = {1, 2, 3}, rgb[3] = {3, 2, 1};
    check("ColorSpaceTransformation", "ColorSpace=RGB\n", N2D2_UINT8, 3, 1, 1, bgr, 3, 1, 1, rgb,
          0);
    check("ColorSpaceTransformation", "ColorSpace=RGB_to_BGR\n", N2D2_UINT8, 3, 1, 1, rgb, 3, 1, 1,
          bgr, 0);
    check("ColorSpaceTransformation", "ColorSpace=BGR\n", N2D2_FLOAT32, 3, 1, 1, bgr, 3, 1, 1, bgr,
          0);
    const double gray[2] = {5, 9}, gray3[6] = {5, 9, 5, 9, 5, 9};
    check("ColorSpaceTransformation", "ColorSpace=BGR\n", N2D2_UINT8, 1, 1, 2, gray, 3, 1, 2, gray3,
          0);
    const double bgra[4] = {1, 2, 3, 4};
    check("ColorSpaceTransformation", "ColorSpace=BGR\n", N2D2_UINT8, 4, 1, 1, bgra, 3, 1, 1, bgr,
          0);
    check("ColorSpaceTransformation", "ColorSpace=RGB\n", N2D2_UINT8, 4, 1, 1, bgra, 3, 1, 1, rgb,
          0);
}
END_TEST

START_TEST(colorspace_known_colours)
{
    /* B, G, R = 0.2, 0.4, 0.6: H 30, S 2/3, V 0.6; HLS: L 0.4, S 0.5;
     * Y 0.437, Cr 0.616219, Cb 0.366332. */
    const double bgr[3] = {0.2, 0.4, 0.6};
    check("ColorSpaceTransformation", "ColorSpace=HSV\n", N2D2_FLOAT64, 3, 1, 1, bgr, 3, 1, 1,
          (const double[3]){30, 2.0 / 3.0, 0.6}, 1e-9);
    check("ColorSpaceTransformation", "ColorSpace=HLS\n", N2D2_FLOAT64, 3, 1, 1, bgr, 3, 1, 1,
          (const double[3]){30, 0.4, 0.5}, 1e-9);
    check("ColorSpaceTransformation", "ColorSpace=YCrCb\n", N2D2_FLOAT64, 3, 1, 1, bgr, 3, 1, 1,
          (const double[3]){0.437, 0.616219, 0.366332}, 1e-9);
    /* The same pixel given as RGB. */
    const double rgb[3] = {0.6, 0.4, 0.2};
    check("ColorSpaceTransformation", "ColorSpace=RGB_to_HSV\n", N2D2_FLOAT64, 3, 1, 1, rgb, 3, 1,
          1, (const double[3]){30, 2.0 / 3.0, 0.6}, 1e-9);
    /* 8-bit: orange (R 255, G 128): H = 60 x 128/255 / 2 = 15. */
    check("ColorSpaceTransformation", "ColorSpace=HSV\n", N2D2_UINT8, 3, 1, 1,
          (const double[3]){0, 128, 255}, 3, 1, 1, (const double[3]){15, 255, 255}, 0);
    /* CIE L*a*b* / L*u*v* of sRGB white and red (D65). */
    const double white[3] = {1, 1, 1}, red[3] = {0, 0, 1};
    check("ColorSpaceTransformation", "ColorSpace=CIELab\n", N2D2_FLOAT64, 3, 1, 1, white, 3, 1, 1,
          (const double[3]){100, 0, 0}, 0.01);
    check("ColorSpaceTransformation", "ColorSpace=CIELab\n", N2D2_FLOAT64, 3, 1, 1, red, 3, 1, 1,
          (const double[3]){53.24, 80.09, 67.20}, 0.05);
    check("ColorSpaceTransformation", "ColorSpace=CIELuv\n", N2D2_FLOAT64, 3, 1, 1, red, 3, 1, 1,
          (const double[3]){53.24, 175.0, 37.75}, 0.1);
    /* 8-bit Lab of white: L 255, a = b = 128. */
    check("ColorSpaceTransformation", "ColorSpace=CIELab\n", N2D2_UINT8, 3, 1, 1,
          (const double[3]){255, 255, 255}, 3, 1, 1, (const double[3]){255, 128, 128}, 0);
}
END_TEST

START_TEST(colorspace_round_trips)
{
    static const char *pairs[][2] = {
        {"HSV", "HSV_to_BGR"},       {"HLS", "HLS_to_BGR"},         {"YCrCb", "YCrCb_to_BGR"},
        {"CIELab", "CIELab_to_BGR"}, {"CIELuv", "CIELuv_to_BGR"},   {"RGB_to_HSV", "HSV_to_RGB"},
        {"RGB_to_HLS", "HLS_to_RGB"}, {"RGB_to_YCrCb", "YCrCb_to_RGB"},
        {"RGB_to_CIELab", "CIELab_to_RGB"}, {"RGB_to_CIELuv", "CIELuv_to_RGB"},
    };
    /* Pixels spanning the hue sectors, grays and extremes. */
    double px[3 * 8] = {0.1, 0.5, 0.9, 0.0, 1.0, 0.3, 0.7, 0.2, 0.2, 0.5, 0.5, 0.5,
                        0.9, 0.8, 0.1, 0.3, 0.3, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0};
    double planar[24];
    for (int p = 0; p < 8; ++p)
        for (int k = 0; k < 3; ++k)
            planar[k * 8 + p] = px[p * 3 + k];
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; ++i) {
        for (int eight = 0; eight < 2; ++eight) {
            n2d2_dtype dt = eight ? N2D2_UINT8 : N2D2_FLOAT64;
            double in[24];
            for (int j = 0; j < 24; ++j)
                in[j] = eight ? round(planar[j] * 255.0) : planar[j];
            char k1[64], k2[64];
            snprintf(k1, sizeof k1, "ColorSpace=%s\n", pairs[i][0]);
            snprintf(k2, sizeof k2, "ColorSpace=%s\n", pairs[i][1]);
            tf a, b;
            tf_open_ok(&a, "ColorSpaceTransformation", k1);
            tf_open_ok(&b, "ColorSpaceTransformation", k2);
            n2d2_tensor *x = image(dt, 3, 1, 8, in);
            ck_assert_int_eq(tf_apply(&a, &x, NULL, 1), N2D2_OK);
            ck_assert_int_eq(tf_apply(&b, &x, NULL, 1), N2D2_OK);
            /* YCrCb's published constants are 3-digit (not exact inverses),
             * CIE's piecewise thresholds are rounded (1e-4); 8-bit loses up
             * to a few levels in the packing, more for CIE on dark channels
             * (u* steps of 1.4 move R = 26 of (26, 128, 230) by 9, R = 0 of
             * (0, 255, 77) by 12: sRGB is steep near black). */
            double tol = eight                 ? (strstr(k1, "CIE") ? 16.0 : 4.0)
                         : strstr(k1, "YCrCb") ? 3e-3
                         : strstr(k1, "CIE")   ? 1e-4
                                               : 1e-9;
            for (int j = 0; j < 24; ++j)
                ck_assert_msg(fabs(n2d2_tensor_get(x, (size_t)j) - in[j]) <= tol,
                              "%s then %s (%s) element %d: %g, expected %g", pairs[i][0],
                              pairs[i][1], eight ? "UInt8" : "Float64", j,
                              n2d2_tensor_get(x, (size_t)j), in[j]);
            n2d2_tensor_release(x);
            tf_close(&a);
            tf_close(&b);
        }
    }
}
END_TEST

START_TEST(colorspace_errors)
{
    check_create_error("ColorSpaceTransformation", "ColorSpace=Foo\n", "RGB_to_HSV");
    check_create_error("ColorSpaceTransformation", "", "ColorSpace");
    tf t;
    tf_open_ok(&t, "ColorSpaceTransformation", "ColorSpace=HSV\n");
    n2d2_tensor *x = image(N2D2_UINT8, 1, 1, 2, NULL);
    ck_assert_int_eq(tf_apply(&t, &x, NULL, 1), N2D2_ERR_SHAPE);
    ck_assert_msg(strstr(n2d2_error_message(), "3 channels"), "%s", n2d2_error_message());
    n2d2_tensor_release(x);
    x = image(N2D2_INT32, 3, 1, 2, NULL);
    ck_assert_int_eq(tf_apply(&t, &x, NULL, 1), N2D2_ERR_NOT_IMPLEMENTED);
    ck_assert_msg(strstr(n2d2_error_message(), "not implemented yet"), "%s", n2d2_error_message());
    n2d2_tensor_release(x);
    tf_close(&t);
}
END_TEST

/* ---- RandomAffine ---- */

START_TEST(random_affine_fixed_values)
{
    const double u8[2] = {10, 200}, f[2] = {0.5, -0.5};
    check("RandomAffineTransformation", "GainRange=2 2\n", N2D2_UINT8, 1, 1, 2, u8, 1, 1, 2,
          (const double[2]){20, 255}, 0);
    /* beta S = 0.1 x 255 = 25.5 */
    check("RandomAffineTransformation", "BiasRange=0.1 0.1\n", N2D2_UINT8, 1, 1, 2,
          (const double[2]){10, 250}, 1, 1, 2, (const double[2]){36, 255}, 0);
    check("RandomAffineTransformation", "GammaRange=2 2\n", N2D2_FLOAT32, 1, 1, 2, f, 1, 1, 2,
          (const double[2]){0.25, -0.25}, 1e-7);
    /* (128 / 255)^2 x 255 = 64.25 */
    check("RandomAffineTransformation", "GammaRange=2 2\n", N2D2_UINT8, 1, 1, 1,
          (const double[1]){128}, 1, 1, 1, (const double[1]){64}, 0);
    const double ones[2] = {1, 1};
    check("RandomAffineTransformation", "GainRange=2 2\nChannelsMask=0 1\n", N2D2_FLOAT32, 2, 1, 1,
          ones, 2, 1, 1, (const double[2]){1, 2}, 0);
    check("RandomAffineTransformation", "GainRange[1]=3 3\n", N2D2_FLOAT32, 2, 1, 1, ones, 2, 1, 1,
          (const double[2]){1, 3}, 0);
    check("RandomAffineTransformation", "GainRange=2 2\nGainVar=0\n", N2D2_FLOAT32, 2, 1, 1, ones,
          2, 1, 1, ones, 0);
    check("RandomAffineTransformation", "GainRange=2 2\nGainVar=1 0\n", N2D2_FLOAT32, 2, 1, 1, ones,
          2, 1, 1, (const double[2]){2, 1}, 0);
    check("RandomAffineTransformation", "GainRange=2 2\nGainVarProb=0 1\n", N2D2_FLOAT32, 2, 1, 1,
          ones, 2, 1, 1, (const double[2]){1, 2}, 0);
    /* Disjoint: gamma only (GammaVar 1) or gain/bias only (GammaVar 0). */
    const char *both = "GainRange=2 2\nGammaRange=2 2\nDisjoint=1\n";
    char keys[128];
    snprintf(keys, sizeof keys, "%sGammaVar=1\n", both);
    check("RandomAffineTransformation", keys, N2D2_FLOAT32, 1, 1, 1, (const double[1]){0.5}, 1, 1,
          1, (const double[1]){0.25}, 1e-7);
    snprintf(keys, sizeof keys, "%sGammaVar=0\n", both);
    check("RandomAffineTransformation", keys, N2D2_FLOAT32, 1, 1, 1, (const double[1]){0.5}, 1, 1,
          1, (const double[1]){1.0}, 1e-7);
    check("RandomAffineTransformation", "GainRange=2 2\nGammaRange=2 2\n", N2D2_FLOAT32, 1, 1, 1,
          (const double[1]){0.5}, 1, 1, 1, (const double[1]){0.5}, 1e-7);
}
END_TEST

START_TEST(random_affine_draws)
{
    n2d2_tensor *src = image(N2D2_FLOAT32, 2, 2, 2, NULL);
    check_seeded("RandomAffineTransformation", "GainRange=0.5 1.5\nBiasRange=-0.1 0.1\n", src);
    n2d2_tensor_release(src);
    /* One range and one probability: the same gain on every channel;
     * several probabilities: independent gains. */
    src = image(N2D2_FLOAT32, 2, 1, 1, (const double[2]){1, 1});
    int differ = 0;
    for (uint64_t seed = 1; seed <= 10; ++seed) {
        n2d2_tensor *a = run_seed("RandomAffineTransformation", "GainRange=0.5 1.5\n", src, seed);
        ck_assert_double_eq(n2d2_tensor_get(a, 0), n2d2_tensor_get(a, 1));
        ck_assert(n2d2_tensor_get(a, 0) >= 0.5 && n2d2_tensor_get(a, 0) <= 1.5);
        n2d2_tensor *b =
            run_seed("RandomAffineTransformation", "GainRange=0.5 1.5\nGainVar=1 1\n", src, seed);
        differ += n2d2_tensor_get(b, 0) != n2d2_tensor_get(b, 1);
        n2d2_tensor_release(a);
        n2d2_tensor_release(b);
    }
    ck_assert_int_ge(differ, 9);
    n2d2_tensor_release(src);
}
END_TEST

START_TEST(random_affine_bad_keys)
{
    check_create_error("RandomAffineTransformation", "GainRange=2 2\nGainRange[0]=1 1\n",
                       "mutually exclusive");
    check_create_error("RandomAffineTransformation", "GainVar=1\nGainVarProb=1\n", "alias");
    check_create_error("RandomAffineTransformation", "GainRange[x]=1 1\n", "channel");
    check_create_error("RandomAffineTransformation", "BiasRange[0]=1\n", "two numbers");
    check_create_error("RandomAffineTransformation", "GammaVar=1.5\n", "[0, 1]");
    check_create_error("RandomAffineTransformation", "Disjoint=1\nGammaVar=0.5 0.5\n", "single");
    tf t;
    tf_open_ok(&t, "RandomAffineTransformation", "GainVar=1 1 1\n");
    n2d2_tensor *x = image(N2D2_FLOAT32, 2, 1, 1, NULL);
    ck_assert_int_eq(tf_apply(&t, &x, NULL, 1), N2D2_ERR_SHAPE);
    ck_assert_msg(strstr(n2d2_error_message(), "GainVar"), "%s", n2d2_error_message());
    n2d2_tensor_release(x);
    tf_close(&t);
}
END_TEST

/* ---- RangeClipping, ChannelDrop ---- */

START_TEST(range_clipping_values)
{
    const double in[6] = {1, 2, 3, 4, 5, 6};
    check("RangeClippingTransformation", "RangeMin=2\nRangeMax=5\n", N2D2_FLOAT32, 1, 1, 6, in, 1,
          1, 6, (const double[6]){2, 2, 3, 4, 5, 5}, 0);
    check("RangeClippingTransformation", "RangeMax=4\n", N2D2_UINT8, 1, 1, 6, in, 1, 1, 6,
          (const double[6]){1, 2, 3, 4, 4, 4}, 0);
    check("RangeClippingTransformation", "", N2D2_UINT8, 1, 1, 6, in, 1, 1, 6, in, 0);
    check_create_error("RangeClippingTransformation", "RangeMin=3\nRangeMax=2\n", "RangeMax");
}
END_TEST

START_TEST(channel_drop_values_and_rates)
{
    const double in[4] = {1, 2, 3, 4};
    check("ChannelDropTransformation", "DropProb=1 0\nDropValue=7\n", N2D2_UINT8, 2, 1, 2, in, 2, 1,
          2, (const double[4]){7, 7, 3, 4}, 0);
    check("ChannelDropTransformation", "DropProb=0\n", N2D2_UINT8, 2, 1, 2, in, 2, 1, 2, in, 0);
    n2d2_tensor *src = image(N2D2_FLOAT32, 2, 1, 2, (const double[4]){1, 2, 3, 4});
    check_seeded("ChannelDropTransformation", "DropProb=0.5\n", src);
    int dropped[2] = {0, 0};
    tf t;
    tf_open_ok(&t, "ChannelDropTransformation", "DropProb=0.5 0.1\n");
    for (uint64_t seed = 1; seed <= 400; ++seed) {
        n2d2_tensor *x;
        ck_assert_int_eq(n2d2_tensor_clone(src, &x), N2D2_OK);
        ck_assert_int_eq(tf_apply(&t, &x, NULL, seed), N2D2_OK);
        dropped[0] += n2d2_tensor_get(x, 0) == 0.0;
        dropped[1] += n2d2_tensor_get(x, 2) == 0.0;
        n2d2_tensor_release(x);
    }
    /* 400 draws: 200 +- 50 and 40 +- 25 (well over 3 sigma). */
    ck_assert_msg(abs(dropped[0] - 200) < 50, "%d", dropped[0]);
    ck_assert_msg(abs(dropped[1] - 40) < 25, "%d", dropped[1]);
    tf_close(&t);
    tf_open_ok(&t, "ChannelDropTransformation", "DropProb=0.5 0.5 0.5\n");
    n2d2_tensor *x;
    ck_assert_int_eq(n2d2_tensor_clone(src, &x), N2D2_OK);
    ck_assert_int_eq(tf_apply(&t, &x, NULL, 1), N2D2_ERR_SHAPE);
    n2d2_tensor_release(x);
    tf_close(&t);
    n2d2_tensor_release(src);
    check_create_error("ChannelDropTransformation", "DropProb=1.5\n", "[0, 1]");
    check_create_error("ChannelDropTransformation", "DropValue=1\n", "DropProb");
}
END_TEST

/* ---- ChannelShake ---- */

START_TEST(channel_shake_shifts)
{
    double in[18];
    for (int i = 0; i < 18; ++i)
        in[i] = 1 + i % 9;
    /* Channel 1 one row down (constant 0 border), channel 0 unchanged. */
    check("ChannelShakeTransformation",
          "VerticalRange[1]=1 1\nBorderType=ConstantBorder\nBorderValue=0\n", N2D2_FLOAT32, 2, 3, 3,
          in, 2, 3, 3,
          (const double[18]){1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 0, 0, 1, 2, 3, 4, 5, 6}, 0);
    /* Every channel one column right, replicated edge. */
    check("ChannelShakeTransformation", "HorizontalRange=1 1\nBorderType=ReplicateBorder\n",
          N2D2_UINT8, 2, 3, 3, in, 2, 3, 3,
          (const double[18]){1, 1, 2, 4, 4, 5, 7, 7, 8, 1, 1, 2, 4, 4, 5, 7, 7, 8}, 0);
    /* Half a pixel, interpolated; rounded it is a whole pixel. */
    const double row[3] = {1, 2, 3};
    check("ChannelShakeTransformation",
          "HorizontalRange=0.5 0.5\nRounded=0\nBorderType=ReplicateBorder\n", N2D2_FLOAT32, 1, 1,
          3, row, 1, 1, 3, (const double[3]){1, 1.5, 2.5}, 1e-7);
    check("ChannelShakeTransformation", "HorizontalRange=0.5 0.5\nBorderType=ReplicateBorder\n",
          N2D2_FLOAT32, 1, 1, 3, row, 1, 1, 3, (const double[3]){1, 1, 2}, 0);
    /* Per-channel constant colour. */
    check("ChannelShakeTransformation",
          "VerticalRange=-1 -1\nBorderType=ConstantBorder\nBorderValue=8 9\n", N2D2_FLOAT32, 2, 3,
          1, (const double[6]){1, 2, 3, 4, 5, 6}, 2, 3, 1, (const double[6]){2, 3, 8, 5, 6, 9}, 0);
}
END_TEST

START_TEST(channel_shake_draws)
{
    n2d2_tensor *src = image(N2D2_FLOAT32, 2, 5, 5, NULL);
    check_seeded("ChannelShakeTransformation", "VerticalRange=-2 2\nHorizontalRange=-2 2\n", src);
    check_seeded("ChannelShakeTransformation",
                 "VerticalRange=-2 2\nDistribution=Normal\nRounded=0\n", src);
    /* TruncatedNormal stays in its range: a shift of at most 1 row keeps
     * the middle row's values within one row of the original. */
    for (uint64_t seed = 1; seed <= 50; ++seed) {
        n2d2_tensor *x = run_seed("ChannelShakeTransformation",
                                  "VerticalRange=-1 1\nDistribution=TruncatedNormal\n", src, seed);
        for (size_t k = 0; k < 2; ++k) {
            double v = n2d2_tensor_get(x, k * 25 + 12), orig = (double)(k * 25 + 12);
            ck_assert(v == orig || v == orig - 5 || v == orig + 5);
        }
        n2d2_tensor_release(x);
    }
    n2d2_tensor_release(src);
    check_create_error("ChannelShakeTransformation", "Distribution=Gauss\n", "TruncatedNormal");
    check_create_error("ChannelShakeTransformation", "VerticalRange[one]=1 1\n", "channel");
}
END_TEST

/* ---- Schemas ---- */

START_TEST(schemas_and_flags_follow_the_manual)
{
    static const struct {
        const char *type;
        const char *keys[14];
        uint32_t flags;
    } expected[] = {
        {"SliceExtractionTransformation",
         {"Width", "Height", "OffsetX", "OffsetY", "RandomOffsetX", "RandomOffsetY",
          "RandomRotation", "RandomRotationRange", "RandomScaling", "RandomScalingRange",
          "AllowPadding", "BorderType", "BorderValue"},
         N2D2_TRANSFORM_RANDOM},
        {"DistortionTransformation",
         {"ElasticGaussianSize", "ElasticSigma", "ElasticScaling", "Scaling", "Rotation"},
         N2D2_TRANSFORM_RANDOM},
        {"RandomResizeCropTransformation",
         {"Width", "Height", "ScaleMin", "ScaleMax", "RatioMin", "RatioMax"},
         N2D2_TRANSFORM_RANDOM},
        {"CentroidCropTransformation", {"Axis"}, 0},
        {"StripeRemoveTransformation",
         {"Axis", "Offset", "Length", "RandomOffset", "NbIterations", "StepOffset"},
         N2D2_TRANSFORM_RANDOM},
        {"ReshapeTransformation", {"NbRows", "NbCols", "NbChannels"}, 0},
        {"ExpandLabelTransformation", {NULL}, 0},
        {"ChannelExtractionTransformation", {"CSChannel"}, 0},
        {"ColorSpaceTransformation", {"ColorSpace"}, 0},
        {"RandomAffineTransformation",
         {"GainRange", "GainRange[*]", "BiasRange", "BiasRange[*]", "GammaRange", "GammaRange[*]",
          "GainVar", "BiasVar", "GammaVar", "Disjoint", "ChannelsMask"},
         N2D2_TRANSFORM_RANDOM},
        {"RangeClippingTransformation", {"RangeMin", "RangeMax"}, 0},
        {"ChannelDropTransformation", {"DropProb", "DropValue"}, N2D2_TRANSFORM_RANDOM},
        {"ChannelShakeTransformation",
         {"VerticalRange", "HorizontalRange", "Distribution", "Rounded", "BorderType",
          "BorderValue"},
         N2D2_TRANSFORM_RANDOM},
    };
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; ++i)
        tf_check_schema(expected[i].type, expected[i].keys,
                        sizeof expected[i].keys / sizeof expected[i].keys[0], expected[i].flags);
    /* The 23 colour conversions of the manual. */
    const n2d2_feature *cs = n2d2_registry_find(reg, N2D2_KIND_TRANSFORM,
                                                "ColorSpaceTransformation", NULL);
    int bars = 0;
    for (const char *p = cs->params[0].allowed; *p; ++p)
        bars += *p == '|';
    ck_assert_int_eq(bars + 1, 23);
    /* Non-image data is refused with the transformation's name. */
    tf t;
    tf_open_ok(&t, "ReshapeTransformation", "NbRows=2\n");
    size_t dims[2] = {2, 2};
    n2d2_tensor *x;
    ck_assert_int_eq(n2d2_tensor_new(N2D2_UINT8, 2, dims, &x), N2D2_OK);
    ck_assert_int_eq(tf_apply(&t, &x, NULL, 1), N2D2_ERR_SHAPE);
    ck_assert_msg(strstr(n2d2_error_message(), "ReshapeTransformation"), "%s",
                  n2d2_error_message());
    n2d2_tensor_release(x);
    tf_close(&t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("transforms_values");
    TCase *tc = tcase_create("values");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, channel_extraction_values);
    tcase_add_test(tc, colorspace_channel_orders);
    tcase_add_test(tc, colorspace_known_colours);
    tcase_add_test(tc, colorspace_round_trips);
    tcase_add_test(tc, colorspace_errors);
    tcase_add_test(tc, random_affine_fixed_values);
    tcase_add_test(tc, random_affine_draws);
    tcase_add_test(tc, random_affine_bad_keys);
    tcase_add_test(tc, range_clipping_values);
    tcase_add_test(tc, channel_drop_values_and_rates);
    tcase_add_test(tc, channel_shake_shifts);
    tcase_add_test(tc, channel_shake_draws);
    tcase_add_test(tc, schemas_and_flags_follow_the_manual);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
