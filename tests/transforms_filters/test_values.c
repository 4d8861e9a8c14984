/* Value-wise and spectral filter transformations on tiny inputs with
 * hand-computed results: Affine (matrix files), Apodization windows, DFT,
 * MagnitudePhase, Threshold (fixed and Otsu), Equalize (Standard, CLAHE),
 * WallisFilter; plus bad keys. */
#include <unistd.h>

#include "harness.h"

#define F32 N2D2_FLOAT32
#define U8 N2D2_UINT8

/* ---- Affine ---- */

static char tmpdir[64]; /* made by main, before the tests fork */

static const char *write_file(const char *name, const char *text)
{
    static char path[4][128];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, 128, "%s/%s", tmpdir, name);
    FILE *f = fopen(p, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    return p;
}

START_TEST(affine_two_matrices)
{
    char keys[512];
    const char *b1 = write_file("b1.txt", "# B1\n1 2\n3, 4\n\n");
    const char *b2 = write_file("b2.txt", "0.5 0.5\n0.5 -1\n");
    snprintf(keys, sizeof keys,
             "FirstOperator=Multiplies\nFirstValue=%s\nSecondOperator=Minus\nSecondValue=%s\n", b1,
             b2);
    /* (A * B1) - B2 on a 2-channel uint8 image: the H x W matrices apply to
     * every channel; the output is Float32. */
    const double in[8] = {10, 20, 30, 40, 1, 1, 1, 1};
    const double out[8] = {9.5, 39.5, 89.5, 161, 0.5, 1.5, 2.5, 5};
    check_tf("AffineTransformation", keys, U8, 2, 2, 2, in, F32, 2, 2, 2, out, 1e-6);
}
END_TEST

START_TEST(affine_stacked_planes_and_divides)
{
    char keys[512];
    const char *b = write_file("b3.txt", "2 4\n8 16\n");
    snprintf(keys, sizeof keys, "FirstOperator=Divides\nFirstValue=%s\n", b);
    /* (C*H) x W = 2 x 2 for a {2, 1, 2} image: one row per channel. */
    const double in[4] = {2, 8, 4, 32};
    const double out[4] = {1, 2, 0.5, 2};
    check_tf("AffineTransformation", keys, F32, 2, 1, 2, in, F32, 2, 1, 2, out, 1e-6);
    snprintf(keys, sizeof keys,
             "FirstOperator=Plus\nFirstValue=%s\nSecondOperator=Divides\n"
             "SecondValue=%s\n",
             b, b);
    const double in2[4] = {0, 0, 0, 0};
    const double out2[4] = {1, 1, 1, 1}; /* (0 + B) / B */
    check_tf("AffineTransformation", keys, F32, 1, 2, 2, in2, F32, 1, 2, 2, out2, 1e-6);
}
END_TEST

START_TEST(affine_errors)
{
    const char *const missing[] = {"/nonexistent/m.txt", "t.ini:3", NULL};
    check_refused("AffineTransformation", "FirstOperator=Plus\nFirstValue=/nonexistent/m.txt\n",
                  N2D2_ERR_NOT_FOUND, missing);
    char keys[512];
    const char *bad = write_file("bad.txt", "1 2\n3 x\n");
    snprintf(keys, sizeof keys, "FirstOperator=Plus\nFirstValue=%s\n", bad);
    const char *const parse[] = {"bad.txt", ":2", "column 3", NULL};
    check_refused("AffineTransformation", keys, N2D2_ERR_PARSE, parse);
    const char *ragged = write_file("ragged.txt", "1 2\n3\n");
    snprintf(keys, sizeof keys, "FirstOperator=Plus\nFirstValue=%s\n", ragged);
    const char *const rows[] = {"ragged.txt", "1 value", NULL};
    check_refused("AffineTransformation", keys, N2D2_ERR_PARSE, rows);
    const char *const bin[] = {"m.bin", "not implemented yet", NULL};
    check_refused("AffineTransformation", "FirstOperator=Plus\nFirstValue=m.bin\n",
                  N2D2_ERR_NOT_IMPLEMENTED, bin);
    const char *ok = write_file("ok.txt", "1\n");
    snprintf(keys, sizeof keys, "FirstOperator=Plus\nFirstValue=%s\nSecondValue=B.PNG\n", ok);
    const char *const png[] = {"B.PNG", "not implemented yet", "t.ini:4", NULL};
    check_refused("AffineTransformation", keys, N2D2_ERR_NOT_IMPLEMENTED, png);
    const char *const op[] = {"Multiplies", "Divides", "did you mean", NULL};
    check_refused("AffineTransformation", "FirstOperator=Multiply\nFirstValue=x\n", N2D2_ERR_INVAL,
                  op);
    /* a 2 x 2 matrix on a 3 x 3 image: refused when applied */
    const char *m = write_file("m22.txt", "1 2\n3 4\n");
    snprintf(keys, sizeof keys, "FirstOperator=Plus\nFirstValue=%s\n", m);
    tf t;
    ck_assert_int_eq(tf_open(&t, "AffineTransformation", keys), N2D2_OK);
    double z[9] = {0};
    n2d2_tensor *x = image(F32, 1, 3, 3, z);
    ck_assert_int_eq(tf_run(&t, &x), N2D2_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "2 x 2"));
    n2d2_tensor_release(x);
    tf_close(&t);
}
END_TEST

/* ---- Apodization ---- */

static void window(const char *keys, size_t n, const double *w)
{
    double in[16], in2[32], out2[32];
    for (size_t i = 0; i < n; ++i) {
        in[i] = 1.0;
        in2[i] = 2.0;      /* row 0 */
        in2[n + i] = -1.0; /* row 1 */
        out2[i] = 2.0 * w[i];
        out2[n + i] = -w[i];
    }
    check_tf("ApodizationTransformation", keys, F32, 1, 1, n, in, F32, 1, 1, n, w, 1e-6);
    check_tf("ApodizationTransformation", keys, F32, 1, 2, n, in2, F32, 1, 2, n, out2, 1e-6);
}

START_TEST(apodization_windows)
{
    const double rect[3] = {1, 1, 1}, hann[5] = {0, 0.5, 1, 0.5, 0};
    const double hamming[3] = {0.08, 1, 0.08}, cosine[5] = {0, M_SQRT1_2, 1, M_SQRT1_2, 0};
    window("Size=3\n", 3, rect);
    window("Size=5\nWindowName=Hann\n", 5, hann);
    window("Size=3\nWindowName=Hamming\n", 3, hamming);
    window("Size=5\nWindowName=Cosine\n", 5, cosine);
    /* Gaussian: ends at z = -1 / sigma */
    const double g04[3] = {exp(-0.5 / 0.16), 1, exp(-0.5 / 0.16)};
    const double g05[3] = {exp(-2.0), 1, exp(-2.0)};
    window("Size=3\nWindowName=Gaussian\n", 3, g04);
    window("Size=3\nWindowName=Gaussian\nWindowName.Sigma=0.5\n", 3, g05);
    window("Size=3\nWindowName=Gaussian\nGaussian.Sigma=0.5\n", 3, g05);
    /* Blackman a=0.16: 0.42 - 0.5 cos + 0.08 cos 2 -> 0, 0.34, 1 at n/(N-1) = 0, 1/4, 1/2 */
    const double blackman[5] = {0, 0.34, 1, 0.34, 0};
    window("Size=5\nWindowName=Blackman\n", 5, blackman);
    const double blackman0[3] = {0, 1, 0}; /* alpha 0: 0.5 - 0.5 cos */
    window("Size=3\nWindowName=Blackman\nBlackman.Alpha=0\n", 3, blackman0);
    /* Kaiser: ends I0(0) / I0(beta); I0(5) = 27.239871823604442 */
    const double kaiser[3] = {1.0 / 27.239871823604442, 1, 1.0 / 27.239871823604442};
    window("Size=3\nWindowName=Kaiser\n", 3, kaiser);
    const double kaiser0[3] = {1, 1, 1};
    window("Size=3\nWindowName=Kaiser\nWindowName.Beta=0\n", 3, kaiser0);
}
END_TEST

START_TEST(apodization_errors)
{
    const char *const both[] = {"give only one", NULL};
    check_refused("ApodizationTransformation",
                  "Size=3\nWindowName=Gaussian\nWindowName.Sigma=1\nGaussian.Sigma=1\n",
                  N2D2_ERR_INVAL, both);
    const char *const names[] = {"Rectangular|Hann|Hamming|Cosine|Gaussian|Blackman|Kaiser", NULL};
    check_refused("ApodizationTransformation", "Size=3\nWindowName=Hanning\n", N2D2_ERR_INVAL,
                  names);
    tf t;
    ck_assert_int_eq(tf_open(&t, "ApodizationTransformation", "Size=4\nWindowName=Hann\n"),
                     N2D2_OK);
    double z[3] = {0};
    n2d2_tensor *x = image(F32, 1, 1, 3, z);
    ck_assert_int_eq(tf_run(&t, &x), N2D2_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "Size=4"));
    n2d2_tensor_release(x);
    tf_close(&t);
}
END_TEST

/* ---- DFT ---- */

START_TEST(dft_of_delta_is_all_ones)
{
    const double in[8] = {1, 0, 0, 0, 0, 0, 0, 0};
    const double out[16] = {1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0};
    check_tf("DFTTransformation", "", U8, 1, 2, 4, in, F32, 2, 2, 4, out, 1e-6);
    /* 3 x 3 (not a power of two): same */
    const double in3[9] = {1, 0, 0, 0, 0, 0, 0, 0, 0};
    const double out3[18] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    check_tf("DFTTransformation", "TwoDimensional=1\n", F32, 1, 3, 3, in3, F32, 2, 3, 3, out3,
             1e-9);
}
END_TEST

START_TEST(dft_rows)
{
    /* 1-D per row: [1 2 3 4] -> [10, -2+2i, -2, -2-2i]; [1 2 3] -> [6,
     * -1.5 + 0.866i, -1.5 - 0.866i] */
    const double in[8] = {1, 2, 3, 4, 0, 1, 0, 0};
    const double out[16] = {10, -2, -2, -2, 1, 0, -1, 0, 0, 2, 0, -2, 0, -1, 0, 1};
    check_tf("DFTTransformation", "TwoDimensional=0\n", F32, 1, 2, 4, in, F32, 2, 2, 4, out, 1e-6);
    const double in3[3] = {1, 2, 3};
    const double h = sqrt(3.0) / 2.0;
    const double out3[6] = {6, -1.5, -1.5, 0, h, -h};
    check_tf("DFTTransformation", "TwoDimensional=0\n", F32, 1, 1, 3, in3, F32, 2, 1, 3, out3,
             1e-6);
    /* 2-D of a 2 x 2: [[1 2] [3 4]] -> [[10 -2] [-4 0]] */
    const double in4[4] = {1, 2, 3, 4};
    const double out4[8] = {10, -2, -4, 0, 0, 0, 0, 0};
    check_tf("DFTTransformation", "", N2D2_FLOAT64, 1, 2, 2, in4, N2D2_FLOAT64, 2, 2, 2, out4,
             1e-12);
}
END_TEST

/* DFT twice = N x[-n mod N] (2-channel input is complex). */
static void dft_twice(size_t h, size_t w)
{
    tf t;
    ck_assert_int_eq(tf_open(&t, "DFTTransformation", ""), N2D2_OK);
    double in[64];
    for (size_t i = 0; i < h * w; ++i)
        in[i] = (double)((i * 7 + 3) % 11) - 4.0;
    n2d2_tensor *x = image(N2D2_FLOAT64, 1, h, w, in);
    ck_assert_int_eq(tf_run(&t, &x), N2D2_OK);
    ck_assert_int_eq(tf_run(&t, &x), N2D2_OK);
    for (size_t y = 0; y < h; ++y)
        for (size_t c = 0; c < w; ++c) {
            size_t src = ((h - y) % h) * w + (w - c) % w;
            ck_assert_double_eq_tol(n2d2_tensor_get(x, y * w + c), (double)(h * w) * in[src], 1e-9);
            ck_assert_double_eq_tol(n2d2_tensor_get(x, h * w + y * w + c), 0.0, 1e-9);
        }
    n2d2_tensor_release(x);
    tf_close(&t);
}

START_TEST(dft_twice_is_scaled_reversal)
{
    dft_twice(4, 8);
    dft_twice(3, 5);
    dft_twice(1, 9);
}
END_TEST

START_TEST(dft_pads_to_optimal_sizes)
{
    /* 7 -> 8, 1 stays: [1..7] padded with one 0; X[0] = 28, X[4] = the
     * alternating sum 1 - 2 + 3 - 4 + 5 - 6 + 7 - 0 = 4 */
    const double in[7] = {1, 2, 3, 4, 5, 6, 7};
    tf t;
    ck_assert_int_eq(tf_open(&t, "DFTTransformation", ""), N2D2_OK);
    n2d2_tensor *x = image(F32, 1, 1, 7, in);
    ck_assert_int_eq(tf_run(&t, &x), N2D2_OK);
    ck_assert_uint_eq(n2d2_tensor_dim(x, 0), 2);
    ck_assert_uint_eq(n2d2_tensor_dim(x, 1), 1);
    ck_assert_uint_eq(n2d2_tensor_dim(x, 2), 8);
    ck_assert_double_eq_tol(n2d2_tensor_get(x, 0), 28.0, 1e-5);
    ck_assert_double_eq_tol(n2d2_tensor_get(x, 4), 4.0, 1e-5);
    ck_assert_double_eq_tol(n2d2_tensor_get(x, 8 + 4), 0.0, 1e-5);
    n2d2_tensor_release(x);
    /* output_shape says the same: 28 x 13 -> 30 x 15 */
    n2d2_shape s_in = {3, {1, 28, 13}}, s_out;
    ck_assert_int_eq(t.ops->output_shape(t.state, &s_in, &s_out), N2D2_OK);
    ck_assert_uint_eq(s_out.dims[0], 2);
    ck_assert_uint_eq(s_out.dims[1], 30);
    ck_assert_uint_eq(s_out.dims[2], 15);
    tf_close(&t);
}
END_TEST

START_TEST(dft_errors)
{
    tf t;
    ck_assert_int_eq(tf_open(&t, "DFTTransformation", ""), N2D2_OK);
    double z[3] = {0};
    n2d2_tensor *x = image(F32, 3, 1, 1, z);
    ck_assert_int_eq(tf_run(&t, &x), N2D2_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "3 channels"));
    n2d2_tensor_release(x);
    tf_close(&t);
    const char *const b[] = {"boolean", NULL};
    check_refused("DFTTransformation", "TwoDimensional=maybe\n", N2D2_ERR_INVAL, b);
}
END_TEST

/* ---- MagnitudePhase ---- */

START_TEST(magnitude_phase_known_values)
{
    const double in[8] = {3, -1, 0, 0, 4, 0, -2, 0};
    const double out[8] = {5, 1, 2, 0, atan2(4, 3), M_PI, -M_PI / 2, 0};
    check_tf("MagnitudePhaseTransformation", "", F32, 2, 2, 2, in, F32, 2, 2, 2, out, 1e-6);
    const double outl[8] = {log(6.0), log(2.0), log(3.0), 0, atan2(4, 3), M_PI, -M_PI / 2, 0};
    check_tf("MagnitudePhaseTransformation", "LogScale=1\n", F32, 2, 2, 2, in, F32, 2, 2, 2, outl,
             1e-6);
    tf t;
    ck_assert_int_eq(tf_open(&t, "MagnitudePhaseTransformation", ""), N2D2_OK);
    n2d2_tensor *x = image(F32, 1, 2, 2, in);
    ck_assert_int_eq(tf_run(&t, &x), N2D2_ERR_SHAPE);
    n2d2_tensor_release(x);
    tf_close(&t);
}
END_TEST

/* ---- Threshold ---- */

START_TEST(threshold_operations)
{
    const double in[5] = {0, 100, 128, 200, 255};
    const double bin[5] = {0, 0, 0, 255, 255}, binv[5] = {255, 255, 255, 0, 0};
    const double trunc_[5] = {0, 100, 128, 128, 128}, zero[5] = {0, 0, 0, 200, 255};
    const double zinv[5] = {0, 100, 128, 0, 0};
    check_tf("ThresholdTransformation", "Threshold=128\nMaxValue=255\n", U8, 1, 1, 5, in, U8, 1, 1,
             5, bin, 0);
    check_tf("ThresholdTransformation", "Threshold=128\nMaxValue=255\nOperation=BinaryInverted\n",
             U8, 1, 1, 5, in, U8, 1, 1, 5, binv, 0);
    check_tf("ThresholdTransformation", "Threshold=128\nOperation=Truncate\n", U8, 1, 1, 5, in, U8,
             1, 1, 5, trunc_, 0);
    check_tf("ThresholdTransformation", "Threshold=128\nOperation=ToZero\n", U8, 1, 1, 5, in, U8, 1,
             1, 5, zero, 0);
    check_tf("ThresholdTransformation", "Threshold=128\nOperation=ToZeroInverted\n", U8, 1, 1, 5,
             in, U8, 1, 1, 5, zinv, 0);
    /* default MaxValue 1.0, float data */
    const double fin[3] = {0.2, 0.5, 0.7}, fout[3] = {0, 0, 1};
    check_tf("ThresholdTransformation", "Threshold=0.5\n", F32, 1, 1, 3, fin, F32, 1, 1, 3, fout,
             0);
}
END_TEST

START_TEST(threshold_otsu_bimodal)
{
    /* {10 x3, 20} vs {200 x3, 210}: the between-class variance is largest
     * for every t in [20, 199]; the first is kept, so t = 20. */
    const double in[8] = {10, 200, 10, 210, 20, 200, 10, 200};
    const double bin[8] = {0, 255, 0, 255, 0, 255, 0, 255};
    const double trunc_[8] = {10, 20, 10, 20, 20, 20, 10, 20};
    check_tf("ThresholdTransformation", "OtsuMethod=1\nMaxValue=255\nThreshold=250\n", U8, 1, 2, 4,
             in, U8, 1, 2, 4, bin, 0);
    check_tf("ThresholdTransformation", "OtsuMethod=1\nOperation=Truncate\n", U8, 1, 2, 4, in, U8,
             1, 2, 4, trunc_, 0);
    /* per channel: channel 1 has its own threshold */
    const double in2[4] = {0, 100, 50, 60};
    const double out2[4] = {0, 1, 0, 1};
    check_tf("ThresholdTransformation", "OtsuMethod=1\n", U8, 2, 1, 2, in2, U8, 2, 1, 2, out2, 0);
    tf t;
    ck_assert_int_eq(tf_open(&t, "ThresholdTransformation", "OtsuMethod=1\n"), N2D2_OK);
    n2d2_tensor *x = image(F32, 1, 2, 4, in);
    ck_assert_int_eq(tf_run(&t, &x), N2D2_ERR_NOT_IMPLEMENTED);
    n2d2_tensor_release(x);
    tf_close(&t);
}
END_TEST

START_TEST(threshold_errors)
{
    const char *const req[] = {"Threshold", "OtsuMethod", NULL};
    check_refused("ThresholdTransformation", "Operation=Binary\n", N2D2_ERR_NOT_FOUND, req);
    const char *const names[] = {"Binary|BinaryInverted|Truncate|ToZero|ToZeroInverted", NULL};
    check_refused("ThresholdTransformation", "Threshold=1\nOperation=Trunc\n", N2D2_ERR_INVAL,
                  names);
}
END_TEST

/* ---- Equalize ---- */

START_TEST(equalize_standard)
{
    const double ramp[4] = {0, 1, 2, 3}, ramp_out[4] = {0, 85, 170, 255};
    check_tf("EqualizeTransformation", "", U8, 1, 2, 2, ramp, U8, 1, 2, 2, ramp_out, 0);
    /* i0 = 10 with 2 pixels: scale 255 / 2 -> 20: 127.5 -> 128, 30: 255 */
    const double in[4] = {10, 30, 10, 20}, out[4] = {0, 255, 0, 128};
    check_tf("EqualizeTransformation", "Method=Standard\n", U8, 1, 1, 4, in, U8, 1, 1, 4, out, 0);
    const double flat[3] = {7, 7, 7};
    check_tf("EqualizeTransformation", "", U8, 1, 1, 3, flat, U8, 1, 1, 3, flat, 0);
    /* BGR: through the Lab lightness; gray pixels stay gray, the darker
     * becomes black and the brighter white */
    const double bgr[6] = {50, 100, 50, 100, 50, 100}, bgr_out[6] = {0, 255, 0, 255, 0, 255};
    check_tf("EqualizeTransformation", "", U8, 3, 1, 2, bgr, U8, 3, 1, 2, bgr_out, 0);
    /* one colour only: lightness constant, the colour comes back (to the
     * Lab round trip's unit) */
    const double one[6] = {30, 30, 120, 120, 200, 200};
    check_tf("EqualizeTransformation", "", U8, 3, 1, 2, one, U8, 3, 1, 2, one, 1.0);
    /* the brighter of two colours stays the brighter */
    tf t;
    ck_assert_int_eq(tf_open(&t, "EqualizeTransformation", ""), N2D2_OK);
    const double blues[6] = {120, 200, 20, 40, 20, 40};
    n2d2_tensor *x = image(U8, 3, 1, 2, blues);
    ck_assert_int_eq(tf_run(&t, &x), N2D2_OK);
    ck_assert(n2d2_tensor_get(x, 0) + n2d2_tensor_get(x, 2) + n2d2_tensor_get(x, 4) <
              n2d2_tensor_get(x, 1) + n2d2_tensor_get(x, 3) + n2d2_tensor_get(x, 5));
    n2d2_tensor_release(x);
    x = image(U8, 2, 1, 2, blues);
    ck_assert_int_eq(tf_run(&t, &x), N2D2_ERR_NOT_IMPLEMENTED);
    n2d2_tensor_release(x);
    tf_close(&t);
}
END_TEST

START_TEST(equalize_clahe)
{
    /* One tile, no effective clipping: round(255 cdf / N). */
    const double ramp[4] = {0, 1, 2, 3}, out[4] = {64, 128, 191, 255};
    check_tf("EqualizeTransformation", "Method=CLAHE\nCLAHE_GridSize=1\nCLAHE_ClipLimit=1000\n", U8,
             1, 2, 2, ramp, U8, 1, 2, 2, out, 0);
    /* Clip limit max(1, floor(1 * 8 / 256)) = 1: the 8 counts of value 5
     * keep 1, the 7 clipped go one each to bins 0, 36, 72...; cdf(5) =
     * 1 + 1 = 2 -> round(255 * 2 / 8) = 64. */
    const double flat[8] = {5, 5, 5, 5, 5, 5, 5, 5}, flat_out[8] = {64, 64, 64, 64, 64, 64, 64, 64};
    check_tf("EqualizeTransformation", "Method=CLAHE\nCLAHE_GridSize=1\nCLAHE_ClipLimit=1\n", U8, 1,
             2, 4, flat, U8, 1, 2, 4, flat_out, 0);
    /* 2 x 2 tiles of 1 pixel on a 2 x 2 image: each pixel at its tile centre
     * gets its own tile's mapping, 255 (cdf = N = 1) */
    const double four[4] = {10, 20, 30, 40}, four_out[4] = {255, 255, 255, 255};
    check_tf("EqualizeTransformation", "Method=CLAHE\nCLAHE_GridSize=2\nCLAHE_ClipLimit=1000\n", U8,
             1, 2, 2, four, U8, 1, 2, 2, four_out, 0);
    tf t;
    ck_assert_int_eq(tf_open(&t, "EqualizeTransformation", "Method=CLAHE\n"), N2D2_OK);
    n2d2_tensor *x = image(F32, 1, 2, 2, ramp);
    ck_assert_int_eq(tf_run(&t, &x), N2D2_ERR_NOT_IMPLEMENTED);
    n2d2_tensor_release(x);
    tf_close(&t);
    const char *const names[] = {"Standard|CLAHE", NULL};
    check_refused("EqualizeTransformation", "Method=Clahe\n", N2D2_ERR_INVAL, names);
}
END_TEST

/* ---- Wallis ---- */

START_TEST(wallis_global_and_local)
{
    const double in[4] = {1, 2, 3, 4};
    const double s = sqrt(1.25);
    const double out[4] = {-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s};
    check_tf("WallisFilterTransformation", "Size=0\n", U8, 1, 2, 2, in, F32, 1, 2, 2, out, 1e-6);
    const double out2[4] = {10 - 3 / s, 10 - 1 / s, 10 + 1 / s, 10 + 3 / s};
    check_tf("WallisFilterTransformation", "Size=0\nMean=10\nStdDev=2\n", F32, 1, 2, 2, in, F32, 1,
             2, 2, out2, 1e-6);
    /* PerChannel: each channel to mean 0, std 1; else pooled */
    const double two[4] = {0, 2, 10, 30}, per[4] = {-1, 1, -1, 1};
    check_tf("WallisFilterTransformation", "Size=0\nPerChannel=1\n", F32, 2, 1, 2, two, F32, 2, 1,
             2, per, 1e-6);
    const double sd = sqrt((10.5 * 10.5 + 8.5 * 8.5 + 0.5 * 0.5 + 19.5 * 19.5) / 4);
    const double pooled[4] = {-10.5 / sd, -8.5 / sd, -0.5 / sd, 19.5 / sd};
    check_tf("WallisFilterTransformation", "Size=0\n", F32, 2, 1, 2, two, F32, 2, 1, 2, pooled,
             1e-6);
    /* Size 3 on a row [0 3 6], replicated borders: windows (0 0 3),
     * (0 3 6), (3 6 6): means 1, 3, 5, deviations sqrt(2), sqrt(6), sqrt(2) */
    const double row[3] = {0, 3, 6}, row_out[3] = {-M_SQRT1_2, 0, M_SQRT1_2};
    check_tf("WallisFilterTransformation", "Size=3\n", F32, 1, 1, 3, row, F32, 1, 1, 3, row_out,
             1e-6);
    const double flat[4] = {5, 5, 5, 5}, flat_out[4] = {7, 7, 7, 7};
    check_tf("WallisFilterTransformation", "Size=3\nMean=7\n", F32, 1, 2, 2, flat, F32, 1, 2, 2,
             flat_out, 1e-9);
    check_tf("WallisFilterTransformation", "Size=0\nMean=7\n", F32, 1, 2, 2, flat, F32, 1, 2, 2,
             flat_out, 1e-9);
    /* the local deviation is at least 1e-3: a step of 1e-4 stays small */
    const double tiny[2] = {0, 1e-4}, tiny_out[2] = {-1.0 / 30.0, 1.0 / 30.0};
    check_tf("WallisFilterTransformation", "Size=3\n", N2D2_FLOAT64, 1, 1, 2, tiny, N2D2_FLOAT64, 1,
             1, 2, tiny_out, 1e-9);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("transforms_filters_values");
    TCase *tc = tcase_create("values");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, affine_two_matrices);
    tcase_add_test(tc, affine_stacked_planes_and_divides);
    tcase_add_test(tc, affine_errors);
    tcase_add_test(tc, apodization_windows);
    tcase_add_test(tc, apodization_errors);
    tcase_add_test(tc, dft_of_delta_is_all_ones);
    tcase_add_test(tc, dft_rows);
    tcase_add_test(tc, dft_twice_is_scaled_reversal);
    tcase_add_test(tc, dft_pads_to_optimal_sizes);
    tcase_add_test(tc, dft_errors);
    tcase_add_test(tc, magnitude_phase_known_values);
    tcase_add_test(tc, threshold_operations);
    tcase_add_test(tc, threshold_otsu_bimodal);
    tcase_add_test(tc, threshold_errors);
    tcase_add_test(tc, equalize_standard);
    tcase_add_test(tc, equalize_clahe);
    tcase_add_test(tc, wallis_global_and_local);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    strcpy(tmpdir, "/tmp/n2d2-tf-filters-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return EXIT_FAILURE;
    }
    int rc = n2d2_check_run(suite());
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return rc;
}
