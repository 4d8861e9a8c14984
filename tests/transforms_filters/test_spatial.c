/* Neighbourhood and label filter transformations on tiny images with
 * hand-computed results: Filter (every kernel), GradientFilter (image and
 * label modes), Morphology, MorphologicalReconstruction, Trim, LabelFilter;
 * plus morphology properties and bad keys. */
#include "harness.h"

#define F32 N2D2_FLOAT32
#define F64 N2D2_FLOAT64
#define U8 N2D2_UINT8

/* Output of `type` on a 5 x 5 Float64 delta at the centre. */
static n2d2_tensor *on_delta(const char *type, const char *keys)
{
    double in[25] = {0};
    in[12] = 1.0;
    tf t;
    ck_assert_msg(tf_open(&t, type, keys) == N2D2_OK, "%s", n2d2_error_message());
    n2d2_tensor *x = image(F64, 1, 5, 5, in);
    ck_assert_msg(tf_run(&t, &x) == N2D2_OK, "%s", n2d2_error_message());
    tf_close(&t);
    return x;
}

/* ---- Filter ---- */

START_TEST(filter_custom)
{
    /* correlation: out(x) = in(x + 1); reflect-101 border at the right */
    const double row[3] = {1, 2, 3}, shifted[3] = {2, 3, 2};
    check_tf("FilterTransformation", "Kernel=*\nKernel.Mat=0 0 0 0 0 1 0 0 0\n", F32, 1, 1, 3, row,
             F32, 1, 1, 3, shifted, 1e-6);
    /* 3 x 1 kernel [1 2 1], not normalised */
    const double in[4] = {0, 0, 4, 0}, out[4] = {0, 4, 8, 8};
    check_tf("FilterTransformation", "Kernel=*\nKernel.SizeX=3\nKernel.SizeY=1\nKernel.Mat=1 2 1\n",
             F32, 1, 1, 4, in, F32, 1, 1, 4, out, 1e-6);
    /* SizeY inferred from 6 values and SizeX=3: 2 rows, anchor row 1:
     * out(y) = sum_j k[0][j] in(y-1, x+j-1) + k[1][j] in(y, x+j-1) */
    const double col[2] = {1, 10}, col_out[2] = {10 + 2, 1 + 20};
    check_tf("FilterTransformation", "Kernel=*\nKernel.SizeX=3\nKernel.Mat=0 1 0  0 2 0\n", F32, 1,
             2, 1, col, F32, 1, 2, 1, col_out, 1e-6);
    /* UInt8 is kept, saturated */
    const double u[3] = {100, 200, 250}, u_out[3] = {200, 255, 255};
    check_tf("FilterTransformation", "Kernel=*\nKernel.Mat=2\n", U8, 1, 1, 3, u, U8, 1, 1, 3, u_out,
             0);
}
END_TEST

START_TEST(filter_gaussian_log_dog_gabor)
{
    /* Gaussian: exp(-r^2 / 2 s^2) / (2 pi s^2), not rescaled */
    double e = exp(-0.5);
    n2d2_tensor *x = on_delta("FilterTransformation",
                              "Kernel=Gaussian\nKernel.SizeX=3\nKernel.SizeY=3\nKernel.Sigma=1\n");
    ck_assert_double_eq_tol(n2d2_tensor_get(x, 12), 1.0 / (2.0 * M_PI), 1e-12);
    ck_assert_double_eq_tol(n2d2_tensor_get(x, 6), e * e / (2.0 * M_PI), 1e-12);
    ck_assert_double_eq_tol(n2d2_tensor_get(x, 0), 0.0, 1e-12);
    n2d2_tensor_release(x);
    x = on_delta("FilterTransformation", "Kernel=Gaussian\nKernel.SizeX=3\nKernel.SizeY=3\n"
                                         "Kernel.Sigma=1\nKernel.Positive=0\n");
    ck_assert_double_eq_tol(n2d2_tensor_get(x, 12), -1.0 / (2.0 * M_PI), 1e-12);
    n2d2_tensor_release(x);
    /* LoG, sigma 1, 3 x 3: centre -1/pi, edges -e^-0.5 / (2 pi), corners 0,
     * all negative: zero-summing divides by their total (1 + 2 e^-0.5) / pi */
    x = on_delta("FilterTransformation",
                 "Kernel=LoG\nKernel.SizeX=3\nKernel.SizeY=3\nKernel.Sigma=1\n");
    ck_assert_double_eq_tol(n2d2_tensor_get(x, 12), -1.0 / (1.0 + 2.0 * e), 1e-12);
    ck_assert_double_eq_tol(n2d2_tensor_get(x, 11), -0.5 * e / (1.0 + 2.0 * e), 1e-12);
    ck_assert_double_eq_tol(n2d2_tensor_get(x, 6), 0.0, 1e-12);
    n2d2_tensor_release(x);
    x = on_delta("FilterTransformation", "Kernel=LoG\nKernel.SizeX=3\nKernel.SizeY=3\n"
                                         "Kernel.Sigma=1\nKernel.Positive=0\n");
    ck_assert_double_eq_tol(n2d2_tensor_get(x, 12), 1.0 / (1.0 + 2.0 * e), 1e-12);
    n2d2_tensor_release(x);
    /* DoG (2, 1), 3 x 3: only the corners are positive (e^-1/4 / 2 > e^-1),
     * so each becomes 1/4; the rest sums to -1 */
    x = on_delta("FilterTransformation", "Kernel=DoG\nKernel.SizeX=3\nKernel.SizeY=3\n");
    ck_assert_double_eq_tol(n2d2_tensor_get(x, 6), 0.25, 1e-12);
    ck_assert_double_eq_tol(n2d2_tensor_get(x, 18), 0.25, 1e-12);
    ck_assert(n2d2_tensor_get(x, 12) < 0.0);
    double sum = 0.0;
    for (size_t i = 0; i < 25; ++i)
        sum += n2d2_tensor_get(x, i);
    ck_assert_double_eq_tol(sum, 0.0, 1e-12);
    n2d2_tensor_release(x);
    x = on_delta("FilterTransformation",
                 "Kernel=DoG\nKernel.SizeX=3\nKernel.SizeY=3\nKernel.Positive=0\n");
    ck_assert_double_eq_tol(n2d2_tensor_get(x, 6), -0.25, 1e-12);
    n2d2_tensor_release(x);
    const double flat[9] = {3, 3, 3, 3, 3, 3, 3, 3, 3}, zero[9] = {0};
    check_tf("FilterTransformation",
             "Kernel=DoG\nKernel.SizeX=3\nKernel.SizeY=3\n"
             "Kernel.Sigma1=1.5\nKernel.Sigma2=0.7\nKernel.Positive=0\n",
             F32, 1, 3, 3, flat, F32, 1, 3, 3, zero, 1e-6);
    /* Gabor theta 0, psi 90 degrees: k(x, y) ~ -sin(0.2 pi x)
     * exp(-(x^2 + y^2 / 4) / 2); positive column x = -1 and negative column
     * x = +1 each normalised to sum +-1; the delta's left neighbour reads
     * k(+1, 0) */
    double col = e + 2.0 * exp(-0.625);
    x = on_delta("FilterTransformation", "Kernel=Gabor\nKernel.SizeX=3\nKernel.SizeY=3\n"
                                         "Kernel.Theta=0\nKernel.Sigma=1\n");
    ck_assert_double_eq_tol(n2d2_tensor_get(x, 12), 0.0, 1e-12);
    ck_assert_double_eq_tol(n2d2_tensor_get(x, 11), -e / col, 1e-12);
    ck_assert_double_eq_tol(n2d2_tensor_get(x, 13), e / col, 1e-12);
    ck_assert_double_eq_tol(n2d2_tensor_get(x, 7), 0.0, 1e-12);
    n2d2_tensor_release(x);
    /* theta 90 degrees turns it: the stripes are now along y */
    x = on_delta("FilterTransformation", "Kernel=Gabor\nKernel.SizeX=3\nKernel.SizeY=3\n"
                                         "Kernel.Theta=90\nKernel.Sigma=1\n");
    ck_assert_double_eq_tol(n2d2_tensor_get(x, 11), 0.0, 1e-12);
    ck_assert_double_eq_tol(n2d2_tensor_get(x, 7), -e / col, 1e-12);
    n2d2_tensor_release(x);
    /* psi 0: every coefficient positive, the kernel sums to 1 */
    double all = 1.0 + 2.0 * exp(-0.125) + 2.0 * cos(0.2 * M_PI) * col;
    x = on_delta("FilterTransformation", "Kernel=Gabor\nKernel.SizeX=3\nKernel.SizeY=3\n"
                                         "Kernel.Theta=0\nKernel.Sigma=1\nKernel.Psi=0\n");
    ck_assert_double_eq_tol(n2d2_tensor_get(x, 12), 1.0 / all, 1e-12);
    ck_assert_double_eq_tol(n2d2_tensor_get(x, 7), exp(-0.125) / all, 1e-12);
    n2d2_tensor_release(x);
    /* Lambda 4: cos(2 pi x / 4) = 0 at x = +-1; Gamma 1: round envelope,
     * the vertical neighbours get e^-0.5 of the centre */
    x = on_delta("FilterTransformation", "Kernel=Gabor\nKernel.SizeX=3\nKernel.SizeY=3\n"
                                         "Kernel.Theta=0\nKernel.Sigma=1\nKernel.Psi=0\n"
                                         "Kernel.Lambda=4\nKernel.Gamma=1\n");
    ck_assert_double_eq_tol(n2d2_tensor_get(x, 12), 1.0 / (1.0 + 2.0 * e), 1e-12);
    ck_assert_double_eq_tol(n2d2_tensor_get(x, 7), e / (1.0 + 2.0 * e), 1e-12);
    ck_assert_double_eq_tol(n2d2_tensor_get(x, 11), 0.0, 1e-12);
    ck_assert_double_eq_tol(n2d2_tensor_get(x, 6), 0.0, 1e-12);
    n2d2_tensor_release(x);
}
END_TEST

START_TEST(filter_errors)
{
    const char *const names[] = {"*|Gaussian|LoG|DoG|Gabor", NULL};
    check_refused("FilterTransformation", "Kernel=Gauss\n", N2D2_ERR_INVAL, names);
    const char *const size[] = {"Kernel.SizeX", NULL};
    check_refused("FilterTransformation", "Kernel=Gaussian\nKernel.SizeY=3\n", N2D2_ERR_INVAL,
                  size);
    const char *const theta[] = {"Kernel.Theta", NULL};
    check_refused("FilterTransformation", "Kernel=Gabor\nKernel.SizeX=3\nKernel.SizeY=3\n",
                  N2D2_ERR_NOT_FOUND, theta);
    const char *const other[] = {"Kernel.Sigma1", "Kernel=Gaussian", NULL};
    check_refused("FilterTransformation",
                  "Kernel=Gaussian\nKernel.SizeX=3\nKernel.SizeY=3\nKernel.Sigma1=2\n",
                  N2D2_ERR_INVAL, other);
    const char *const square[] = {"square", NULL};
    check_refused("FilterTransformation", "Kernel=*\nKernel.Mat=1 2 3\n", N2D2_ERR_SHAPE, square);
    const char *const mat[] = {"Kernel.Mat", NULL};
    check_refused("FilterTransformation", "Kernel=*\n", N2D2_ERR_NOT_FOUND, mat);
    const char *const count[] = {"2 x 2", NULL};
    check_refused("FilterTransformation",
                  "Kernel=*\nKernel.SizeX=2\nKernel.SizeY=2\nKernel.Mat=1\n", N2D2_ERR_SHAPE,
                  count);
    const char *const sigma[] = {"> 0", NULL};
    check_refused("FilterTransformation",
                  "Kernel=LoG\nKernel.SizeX=3\nKernel.SizeY=3\nKernel.Sigma=0\n", N2D2_ERR_RANGE,
                  sigma);
}
END_TEST

/* ---- GradientFilter ---- */

START_TEST(gradient_sobel_scharr)
{
    /* horizontal ramp: gx = 2 x (1 + 2 + 1) inside, 0 at the mirrored
     * borders; gy = 0; gradient (|gx| + |gy|) / 2 */
    const double ramp[9] = {0, 1, 2, 0, 1, 2, 0, 1, 2};
    const double sobel[9] = {0, 4, 0, 0, 4, 0, 0, 4, 0};
    check_tf("GradientFilterTransformation", "", F32, 1, 3, 3, ramp, F32, 1, 3, 3, sobel, 1e-6);
    /* 8-bit data is on the [0, 1] scale first */
    const double sobel_u8[9] = {0, 4 / 255.0, 0, 0, 4 / 255.0, 0, 0, 4 / 255.0, 0};
    check_tf("GradientFilterTransformation", "", U8, 1, 3, 3, ramp, F32, 1, 3, 3, sobel_u8, 1e-6);
    /* Scale and Delta apply to each derivative: (|0.5 gx + 1| + |1|) / 2 */
    const double scaled[9] = {1, 3, 1, 1, 3, 1, 1, 3, 1};
    check_tf("GradientFilterTransformation", "Scale=0.5\nDelta=1\n", F32, 1, 3, 3, ramp, F32, 1, 3,
             3, scaled, 1e-6);
    const double scharr[9] = {0, 16, 0, 0, 16, 0, 0, 16, 0};
    check_tf("GradientFilterTransformation", "GradientFilter=Scharr\nKernelSize=7\n", F32, 1, 3, 3,
             ramp, F32, 1, 3, 3, scharr, 1e-6);
    const double k1[9] = {0, 1, 0, 0, 1, 0, 0, 1, 0};
    check_tf("GradientFilterTransformation", "KernelSize=1\n", F32, 1, 3, 3, ramp, F32, 1, 3, 3, k1,
             1e-6);
    /* vertical ramp: gy, same gradient */
    const double vramp[9] = {0, 0, 0, 1, 1, 1, 2, 2, 2};
    const double vsobel[9] = {0, 0, 0, 4, 4, 4, 0, 0, 0};
    check_tf("GradientFilterTransformation", "", F32, 1, 3, 3, vramp, F32, 1, 3, 3, vsobel, 1e-6);
    /* KernelSize 5: d = [-1 -2 0 2 1], smoothing [1 4 6 4 1] sums to 16;
     * at the centre of [0 1 2 3 4]: (-2 + 6 + 4) x 16 / 2 */
    const double r5[5] = {0, 1, 2, 3, 4};
    tf t;
    ck_assert_int_eq(tf_open(&t, "GradientFilterTransformation", "KernelSize=5\n"), N2D2_OK);
    n2d2_tensor *x = image(F32, 1, 1, 5, r5);
    ck_assert_int_eq(tf_run(&t, &x), N2D2_OK);
    ck_assert_double_eq_tol(n2d2_tensor_get(x, 2), 64.0, 1e-6);
    n2d2_tensor_release(x);
    tf_close(&t);
}
END_TEST

START_TEST(gradient_laplacian)
{
    n2d2_tensor *x =
        on_delta("GradientFilterTransformation", "GradientFilter=Laplacian\nKernelSize=1\n");
    ck_assert_double_eq_tol(n2d2_tensor_get(x, 12), 4.0, 1e-6);
    ck_assert_double_eq_tol(n2d2_tensor_get(x, 7), 1.0, 1e-6);
    ck_assert_double_eq_tol(n2d2_tensor_get(x, 6), 0.0, 1e-6);
    ck_assert_int_eq(n2d2_tensor_dtype(x), F32);
    n2d2_tensor_release(x);
    x = on_delta("GradientFilterTransformation", "GradientFilter=Laplacian\n");
    ck_assert_double_eq_tol(n2d2_tensor_get(x, 12), 8.0, 1e-6);
    ck_assert_double_eq_tol(n2d2_tensor_get(x, 7), 0.0, 1e-6);
    ck_assert_double_eq_tol(n2d2_tensor_get(x, 6), 2.0, 1e-6);
    n2d2_tensor_release(x);
    x = on_delta("GradientFilterTransformation", "GradientFilter=Laplacian\nScale=2\nDelta=1\n");
    ck_assert_double_eq_tol(n2d2_tensor_get(x, 12), 15.0, 1e-6); /* |2 x -8 + 1| */
    ck_assert_double_eq_tol(n2d2_tensor_get(x, 6), 5.0, 1e-6);
    n2d2_tensor_release(x);
}
END_TEST

static void label_mask(const char *keys, size_t w, const double *img, const int32_t *in,
                       const int32_t *expected)
{
    tf t;
    ck_assert_msg(tf_open(&t, "GradientFilterTransformation", keys) == N2D2_OK, "%s",
                  n2d2_error_message());
    n2d2_tensor *x = image(U8, 1, 1, w, img);
    size_t dims[3] = {1, 1, w};
    n2d2_tensor *lab;
    ck_assert_int_eq(n2d2_tensor_new(N2D2_INT32, 3, dims, &lab), N2D2_OK);
    memcpy(n2d2_tensor_data(lab), in, w * sizeof *in);
    int label = 0;
    ck_assert_msg(tf_run_labels(&t, &x, &lab, &label) == N2D2_OK, "%s", n2d2_error_message());
    for (size_t i = 0; i < w; ++i)
        ck_assert_msg(((const int32_t *)n2d2_tensor_cdata(lab))[i] == expected[i],
                      "%s: label %zu = %d, expected %d", keys, i,
                      ((const int32_t *)n2d2_tensor_cdata(lab))[i], expected[i]);
    /* the image is untouched */
    ck_assert_int_eq(n2d2_tensor_dtype(x), U8);
    for (size_t i = 0; i < w; ++i)
        ck_assert_double_eq(n2d2_tensor_get(x, i), img[i]);
    n2d2_tensor_release(x);
    n2d2_tensor_release(lab);
    tf_close(&t);
}

START_TEST(gradient_label_masking)
{
    /* [0 0 1 1] (after / 255): gradient 2 at x = 1, 2, 0 at the ends; the
     * low-gradient pixels are ignored */
    const double img[4] = {0, 0, 255, 255};
    const int32_t lab[4] = {1, 2, 3, 1};
    const int32_t low[4] = {-1, 2, 3, -1}, high[4] = {1, -1, -1, 1}, only2[4] = {1, -1, 3, 1};
    const int32_t none[4] = {-1, -1, -1, -1};
    label_mask("ApplyToLabels=1\n", 4, img, lab, low);
    label_mask("ApplyToLabels=1\nLabel=1\n", 4, img, lab, low);
    label_mask("ApplyToLabels=1\nLabel=2 3\n", 4, img, lab, lab);
    label_mask("ApplyToLabels=1\nInvThreshold=1\n", 4, img, lab, high);
    label_mask("ApplyToLabels=1\nInvThreshold=1\nLabel=2\n", 4, img, lab, only2);
    label_mask("ApplyToLabels=1\nThreshold=5\n", 4, img, lab, none);
    /* GradientScale 0.5: [0 0 0 0 1 1 1 1] -> [0 0 1 1], kept where the
     * gradient is high (1, 2); the mask [0 1 1 0] resized back bilinearly
     * is > 0 everywhere but at both ends */
    const double img8[8] = {0, 0, 0, 0, 255, 255, 255, 255};
    const int32_t ones[8] = {1, 1, 1, 1, 1, 1, 1, 1};
    const int32_t half[8] = {-1, 1, 1, 1, 1, 1, 1, -1};
    label_mask("ApplyToLabels=1\nGradientScale=0.5\n", 8, img8, ones, half);
    /* no pixel-wise labels: refused */
    tf t;
    ck_assert_int_eq(tf_open(&t, "GradientFilterTransformation", "ApplyToLabels=1\n"), N2D2_OK);
    n2d2_tensor *x = image(U8, 1, 1, 4, img);
    ck_assert_int_eq(tf_run(&t, &x), N2D2_ERR_INVAL);
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "pixel-wise labels"));
    n2d2_tensor_release(x);
    tf_close(&t);
    const char *const odd[] = {"odd", NULL};
    check_refused("GradientFilterTransformation", "KernelSize=4\n", N2D2_ERR_INVAL, odd);
    const char *const names[] = {"Sobel|Scharr|Laplacian", NULL};
    check_refused("GradientFilterTransformation", "GradientFilter=Prewitt\n", N2D2_ERR_INVAL,
                  names);
}
END_TEST

/* ---- Morphology ---- */

static const double grid[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};

START_TEST(morphology_3x3)
{
    const double erode[9] = {1, 1, 2, 1, 1, 2, 4, 4, 5};
    const double dilate[9] = {5, 6, 6, 8, 9, 9, 8, 9, 9};
    double gradient[9];
    for (int i = 0; i < 9; ++i)
        gradient[i] = dilate[i] - erode[i];
    check_tf("MorphologyTransformation", "Operation=Erode\nSize=3\n", U8, 1, 3, 3, grid, U8, 1, 3,
             3, erode, 0);
    check_tf("MorphologyTransformation", "Operation=Dilate\nSize=3\n", U8, 1, 3, 3, grid, U8, 1, 3,
             3, dilate, 0);
    check_tf("MorphologyTransformation", "Operation=Gradient\nSize=3\n", U8, 1, 3, 3, grid, U8, 1,
             3, 3, gradient, 0);
    /* cross: 4-neighbours */
    const double cross[9] = {1, 1, 2, 1, 2, 3, 4, 5, 6};
    check_tf("MorphologyTransformation", "Operation=Erode\nSize=3\nShape=Cross\n", F32, 1, 3, 3,
             grid, F32, 1, 3, 3, cross, 0);
    /* two erosions: everything reaches the global minimum */
    const double ones[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    check_tf("MorphologyTransformation", "Operation=Erode\nSize=3\nNbIterations=2\n", F32, 1, 3, 3,
             grid, F32, 1, 3, 3, ones, 0);
    /* opening = dilation of the erosion [1 1 2; 1 1 2; 4 4 5] */
    const double open[9] = {1, 2, 2, 4, 5, 5, 4, 5, 5}, tophat[9] = {0, 0, 1, 0, 0, 1, 3, 3, 4};
    check_tf("MorphologyTransformation", "Operation=Opening\nSize=3\n", U8, 1, 3, 3, grid, U8, 1, 3,
             3, open, 0);
    check_tf("MorphologyTransformation", "Operation=TopHat\nSize=3\n", F32, 1, 3, 3, grid, F32, 1,
             3, 3, tophat, 0);
    const double zero[9] = {0};
    /* a single bright pixel: opening removes it, top hat keeps it only */
    const double spot[9] = {0, 0, 0, 0, 7, 0, 0, 0, 0};
    check_tf("MorphologyTransformation", "Operation=Opening\nSize=3\n", F32, 1, 3, 3, spot, F32, 1,
             3, 3, zero, 0);
    check_tf("MorphologyTransformation", "Operation=TopHat\nSize=3\n", F32, 1, 3, 3, spot, F32, 1,
             3, 3, spot, 0);
    /* a single dark pixel: closing fills it, black hat is the hole */
    const double hole[9] = {7, 7, 7, 7, 0, 7, 7, 7, 7}, full[9] = {7, 7, 7, 7, 7, 7, 7, 7, 7};
    const double depth[9] = {0, 0, 0, 0, 7, 0, 0, 0, 0};
    check_tf("MorphologyTransformation", "Operation=Closing\nSize=3\n", F32, 1, 3, 3, hole, F32, 1,
             3, 3, full, 0);
    check_tf("MorphologyTransformation", "Operation=BlackHat\nSize=3\n", F32, 1, 3, 3, hole, F32, 1,
             3, 3, depth, 0);
}
END_TEST

START_TEST(morphology_elliptic_element)
{
    /* dilating a delta draws the element: OpenCV's 5 x 5 ellipse */
    const double ellipse[25] = {0, 0, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
                                1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 0};
    n2d2_tensor *x =
        on_delta("MorphologyTransformation", "Operation=Dilate\nSize=5\nShape=Elliptic\n");
    expect(x, F64, 1, 5, 5, ellipse, 0);
    n2d2_tensor_release(x);
    const double rect3[25] = {0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1,
                              1, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0};
    x = on_delta("MorphologyTransformation", "Operation=Dilate\nSize=3\n");
    expect(x, F64, 1, 5, 5, rect3, 0);
    n2d2_tensor_release(x);
}
END_TEST

static n2d2_tensor *run_morph(const char *keys, const n2d2_tensor *in)
{
    tf t;
    ck_assert_msg(tf_open(&t, "MorphologyTransformation", keys) == N2D2_OK, "%s",
                  n2d2_error_message());
    n2d2_tensor *x;
    ck_assert_int_eq(n2d2_tensor_clone(in, &x), N2D2_OK);
    ck_assert_msg(tf_run(&t, &x) == N2D2_OK, "%s", n2d2_error_message());
    tf_close(&t);
    return x;
}

START_TEST(morphology_properties)
{
    static const char *const shapes[3] = {"Rectangular", "Elliptic", "Cross"};
    double v[2 * 6 * 7];
    unsigned s = 12345;
    for (size_t i = 0; i < (2 * 6 * 7); ++i) {
        s = s * 1103515245u + 12345u;
        v[i] = (double)((s >> 16) % 256);
    }
    n2d2_tensor *img = image(U8, 2, 6, 7, v);
    for (int sh = 0; sh < 3; ++sh)
        for (int size = 2; size <= 5; ++size) {
            char k[128];
            snprintf(k, sizeof k, "Operation=Erode\nSize=%d\nShape=%s\n", size, shapes[sh]);
            n2d2_tensor *er = run_morph(k, img);
            snprintf(k, sizeof k, "Operation=Dilate\nSize=%d\nShape=%s\n", size, shapes[sh]);
            n2d2_tensor *di = run_morph(k, img);
            snprintf(k, sizeof k, "Operation=Opening\nSize=%d\nShape=%s\n", size, shapes[sh]);
            n2d2_tensor *op = run_morph(k, img), *op2 = run_morph(k, op);
            snprintf(k, sizeof k, "Operation=Closing\nSize=%d\nShape=%s\n", size, shapes[sh]);
            n2d2_tensor *cl = run_morph(k, img), *cl2 = run_morph(k, cl);
            for (size_t i = 0; i < (2 * 6 * 7); ++i) {
                double x = n2d2_tensor_get(img, i);
                ck_assert(n2d2_tensor_get(er, i) <= x && x <= n2d2_tensor_get(di, i));
                ck_assert(n2d2_tensor_get(er, i) <= n2d2_tensor_get(op, i));
                ck_assert(n2d2_tensor_get(op, i) <= x && x <= n2d2_tensor_get(cl, i));
                ck_assert(n2d2_tensor_get(cl, i) <= n2d2_tensor_get(di, i));
                /* idempotent */
                ck_assert_double_eq(n2d2_tensor_get(op2, i), n2d2_tensor_get(op, i));
                ck_assert_double_eq(n2d2_tensor_get(cl2, i), n2d2_tensor_get(cl, i));
            }
            n2d2_tensor_release(er);
            n2d2_tensor_release(di);
            n2d2_tensor_release(op);
            n2d2_tensor_release(op2);
            n2d2_tensor_release(cl);
            n2d2_tensor_release(cl2);
        }
    /* NbIterations=2 is erosion applied twice */
    n2d2_tensor *e1 = run_morph("Operation=Erode\nSize=3\n", img),
                *e11 = run_morph("Operation=Erode\nSize=3\n", e1);
    n2d2_tensor *e2 = run_morph("Operation=Erode\nSize=3\nNbIterations=2\n", img);
    for (size_t i = 0; i < (2 * 6 * 7); ++i)
        ck_assert_double_eq(n2d2_tensor_get(e2, i), n2d2_tensor_get(e11, i));
    n2d2_tensor_release(e1);
    n2d2_tensor_release(e11);
    n2d2_tensor_release(e2);
    n2d2_tensor_release(img);
}
END_TEST

START_TEST(morphology_labels_and_errors)
{
    tf t;
    ck_assert_int_eq(
        tf_open(&t, "MorphologyTransformation", "Operation=Dilate\nSize=3\nApplyToLabels=1\n"),
        N2D2_OK);
    n2d2_tensor *x = image(U8, 1, 3, 3, grid);
    size_t dims[3] = {1, 3, 3};
    n2d2_tensor *lab;
    ck_assert_int_eq(n2d2_tensor_new(N2D2_INT32, 3, dims, &lab), N2D2_OK);
    n2d2_tensor_zero(lab);
    n2d2_tensor_set(lab, 0, 2); /* label 2 in the corner grows to the 2 x 2 block */
    int label = 0;
    ck_assert_int_eq(tf_run_labels(&t, &x, &lab, &label), N2D2_OK);
    const double grown[9] = {2, 2, 0, 2, 2, 0, 0, 0, 0};
    expect(lab, N2D2_INT32, 1, 3, 3, grown, 0);
    expect(x, U8, 1, 3, 3, grid, 0); /* image untouched */
    n2d2_tensor_release(lab);
    lab = NULL;
    ck_assert_int_eq(tf_run_labels(&t, &x, &lab, &label), N2D2_ERR_INVAL);
    n2d2_tensor_release(x);
    tf_close(&t);
    const char *const names[] = {"Erode|Dilate|Opening|Closing|Gradient|TopHat|BlackHat", NULL};
    check_refused("MorphologyTransformation", "Operation=Open\nSize=3\n", N2D2_ERR_INVAL, names);
    const char *const shapes[] = {"Rectangular|Elliptic|Cross", NULL};
    check_refused("MorphologyTransformation", "Operation=Erode\nSize=3\nShape=Disk\n",
                  N2D2_ERR_INVAL, shapes);
    const char *const size[] = {"Size", NULL};
    check_refused("MorphologyTransformation", "Operation=Erode\n", N2D2_ERR_NOT_FOUND, size);
}
END_TEST

/* ---- MorphologicalReconstruction ---- */

START_TEST(reconstruction_values)
{
    /* marker = erosion [5 5 0 0 0 2 2]; grown under the image: the wide
     * plateau comes back, the narrow peak 9 does not */
    const double in[7] = {5, 5, 5, 0, 2, 9, 2}, open[7] = {5, 5, 5, 0, 2, 2, 2};
    check_tf("MorphologicalReconstructionTransformation",
             "Operation=OpeningByReconstruction\nSize=3\n", F32, 1, 1, 7, in, F32, 1, 1, 7, open,
             0);
    check_tf("MorphologicalReconstructionTransformation",
             "Operation=ReconstructionByDilation\nSize=3\n", F32, 1, 1, 7, in, F32, 1, 1, 7, open,
             0);
    /* the pit at x = 1 is filled, the wide low part stays */
    const double in2[7] = {9, 2, 9, 9, 4, 4, 4}, close[7] = {9, 9, 9, 9, 4, 4, 4};
    check_tf("MorphologicalReconstructionTransformation",
             "Operation=ClosingByReconstruction\nSize=3\n", U8, 1, 1, 7, in2, U8, 1, 1, 7, close,
             0);
    check_tf("MorphologicalReconstructionTransformation",
             "Operation=ReconstructionByErosion\nSize=3\n", U8, 1, 1, 7, in2, U8, 1, 1, 7, close,
             0);
    /* the 3-wide block survives one erosion, so it comes back whole (with
     * its tail 3); 2 erosions remove it, and nothing comes back */
    const double in3[9] = {0, 6, 6, 6, 3, 0, 0, 0, 0}, kept[9] = {0, 6, 6, 6, 3, 0, 0, 0, 0};
    const double gone[9] = {0};
    check_tf("MorphologicalReconstructionTransformation",
             "Operation=OpeningByReconstruction\nSize=3\n", F32, 1, 1, 9, in3, F32, 1, 1, 9, kept,
             0);
    check_tf("MorphologicalReconstructionTransformation",
             "Operation=OpeningByReconstruction\nSize=3\nNbIterations=2\n", F32, 1, 1, 9, in3, F32,
             1, 1, 9, gone, 0);
    const char *const names[] = {"OpeningByReconstruction", "ClosingByReconstruction", NULL};
    check_refused("MorphologicalReconstructionTransformation", "Operation=Opening\nSize=3\n",
                  N2D2_ERR_INVAL, names);
}
END_TEST

/* ---- Trim ---- */

static const double trim_img[20] = {0,  0,   0,   0,   0, /* */
                                    0,  200, 210, 200, 0, /* */
                                    0,  200, 0,   220, 0, /* */
                                    50, 0,   0,   0,   0};
static const double trimmed[6] = {200, 210, 200, 200, 0, 220};

START_TEST(trim_discretize_and_reduce)
{
    check_tf("TrimTransformation", "NbLevels=2\n", U8, 1, 4, 5, trim_img, U8, 1, 2, 3, trimmed, 0);
    check_tf("TrimTransformation", "NbLevels=2\nMethod=Reduce\n", U8, 1, 4, 5, trim_img, U8, 1, 2,
             3, trimmed, 0);
    /* with 16 levels the 50 at the corner counts: rows 1-3, columns 0-3 */
    const double wide[12] = {0, 200, 210, 200, 0, 200, 0, 220, 50, 0, 0, 0};
    check_tf("TrimTransformation", "NbLevels=16\n", U8, 1, 4, 5, trim_img, U8, 1, 3, 4, wide, 0);
    /* float data: levels over [min, max] */
    check_tf("TrimTransformation", "NbLevels=2\n", F32, 1, 4, 5, trim_img, F32, 1, 2, 3, trimmed,
             0);
    const double flat[4] = {3, 3, 3, 3};
    check_tf("TrimTransformation", "NbLevels=4\n", U8, 1, 2, 2, flat, U8, 1, 2, 2, flat, 0);
    /* pixel-wise labels are cropped with the image */
    tf t;
    ck_assert_int_eq(tf_open(&t, "TrimTransformation", "NbLevels=2\n"), N2D2_OK);
    n2d2_tensor *x = image(U8, 1, 4, 5, trim_img);
    double lv[20];
    for (int i = 0; i < 20; ++i)
        lv[i] = i;
    n2d2_tensor *lab = image(N2D2_INT32, 1, 4, 5, lv);
    int label = 0;
    ck_assert_int_eq(tf_run_labels(&t, &x, &lab, &label), N2D2_OK);
    const double lab_out[6] = {6, 7, 8, 11, 12, 13};
    expect(lab, N2D2_INT32, 1, 2, 3, lab_out, 0);
    n2d2_tensor_release(x);
    n2d2_tensor_release(lab);
    tf_close(&t);
    /* the border level is the most frequent one on the border, not the
     * corner's: the bright corner is part of the content */
    const double corner[12] = {9, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0};
    const double corner_out[6] = {9, 0, 0, 0, 0, 5};
    check_tf("TrimTransformation", "NbLevels=0\n", U8, 1, 3, 4, corner, U8, 1, 2, 3, corner_out, 0);
    /* BGR: gray 0.114 B + 0.587 G + 0.299 R; a blue pixel (gray 23) on a
     * (10, 10, 10) background */
    double bgr[27];
    for (int i = 0; i < 27; ++i)
        bgr[i] = 10;
    bgr[4] = 200, bgr[9 + 4] = 0, bgr[18 + 4] = 0;
    const double blue[3] = {200, 0, 0};
    check_tf("TrimTransformation", "NbLevels=0\n", U8, 3, 3, 3, bgr, U8, 3, 1, 1, blue, 0);
    /* with 2 levels both grays (10, 23) are level 0: nothing to trim */
    check_tf("TrimTransformation", "NbLevels=2\n", U8, 3, 3, 3, bgr, U8, 3, 3, 3, bgr, 0);
    ck_assert_int_eq(tf_open(&t, "TrimTransformation", "NbLevels=2\n"), N2D2_OK);
    x = image(U8, 2, 2, 2, trim_img);
    ck_assert_int_eq(tf_run(&t, &x), N2D2_ERR_NOT_IMPLEMENTED);
    n2d2_tensor_release(x);
    tf_close(&t);
    const char *const names[] = {"Reduce|Discretize", NULL};
    check_refused("TrimTransformation", "NbLevels=2\nMethod=KMeans\n", N2D2_ERR_INVAL, names);
}
END_TEST

/* ---- LabelFilter ---- */

static void filter_labels(const char *keys, int label_in, int label_out, const int32_t *out)
{
    tf t;
    ck_assert_msg(tf_open(&t, "LabelFilterTransformation", keys) == N2D2_OK, "%s",
                  n2d2_error_message());
    const double v[6] = {0, 1, 2, 3, 1, 2};
    n2d2_tensor *x = image(U8, 1, 2, 3, v), *lab = image(N2D2_INT32, 1, 2, 3, v);
    int label = label_in;
    ck_assert_int_eq(tf_run_labels(&t, &x, &lab, &label), N2D2_OK);
    ck_assert_int_eq(label, label_out);
    for (int i = 0; i < 6; ++i)
        ck_assert_int_eq(((const int32_t *)n2d2_tensor_cdata(lab))[i], out[i]);
    expect(x, U8, 1, 2, 3, v, 0);
    n2d2_tensor_release(x);
    n2d2_tensor_release(lab);
    tf_close(&t);
}

START_TEST(label_filter_modes)
{
    const int32_t removed[6] = {0, -1, -1, 3, -1, -1}, removed0[6] = {0, 0, 0, 3, 0, 0};
    const int32_t kept[6] = {-1, 1, 2, -1, 1, 2}, merged[6] = {0, 2, 2, 3, 2, 2};
    filter_labels("Labels=1 2\n", 1, -1, removed);
    filter_labels("Labels=1 2\nDefaultLabel=0\n", 3, 3, removed0);
    filter_labels("Labels=1 2\nFilter=Keep\n", 3, -1, kept);
    filter_labels("Labels=2 1\nFilter=Merge\n", 1, 2, merged);
    const char *const names[] = {"not implemented yet", "'cat'", NULL};
    check_refused("LabelFilterTransformation", "Labels=1 cat\n", N2D2_ERR_NOT_IMPLEMENTED, names);
    const char *const filters[] = {"Remove|Keep|Merge", NULL};
    check_refused("LabelFilterTransformation", "Labels=1\nFilter=Drop\n", N2D2_ERR_INVAL, filters);
    const char *const empty[] = {"at least one", NULL};
    check_refused("LabelFilterTransformation", "Labels=\n", N2D2_ERR_INVAL, empty);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("transforms_filters_spatial");
    TCase *tc = tcase_create("spatial");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, filter_custom);
    tcase_add_test(tc, filter_gaussian_log_dog_gabor);
    tcase_add_test(tc, filter_errors);
    tcase_add_test(tc, gradient_sobel_scharr);
    tcase_add_test(tc, gradient_laplacian);
    tcase_add_test(tc, gradient_label_masking);
    tcase_add_test(tc, morphology_3x3);
    tcase_add_test(tc, morphology_elliptic_element);
    tcase_add_test(tc, morphology_properties);
    tcase_add_test(tc, morphology_labels_and_errors);
    tcase_add_test(tc, reconstruction_values);
    tcase_add_test(tc, trim_discretize_and_reduce);
    tcase_add_test(tc, label_filter_modes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return n2d2_check_run(suite()); }
