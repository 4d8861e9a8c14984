/* Geometric transformations on tiny images with hand-computed results:
 * slices (fixed, random, rotated, scaled, padded), distortion, random
 * resized crops, centroid crops, stripes, reshape, label expansion. Label
 * maps move with the data; random ones are seeded. */
#include "check_run.h"
#include "tf_fixture.h"

static n2d2_tensor *label_map(size_t h, size_t w)
{
    size_t dims[3] = {1, h, w};
    n2d2_tensor *t;
    ck_assert_int_eq(n2d2_tensor_new(N2D2_INT32, 3, dims, &t), N2D2_OK);
    for (size_t i = 0; i < h * w; ++i)
        n2d2_tensor_set(t, i, (double)(100 + i));
    return t;
}

/* ---- SliceExtraction ---- */

START_TEST(slice_fixed_offset_is_the_sub_image)
{
    /* 4x5 image of values 0..19 (value = 5 y + x); the 2x3 slice at (1, 1)
     * is rows 1..3, columns 1..2. */
    const double out[6] = {6, 7, 11, 12, 16, 17};
    check("SliceExtractionTransformation", "Width=2\nHeight=3\nOffsetX=1\nOffsetY=1\n", N2D2_UINT8,
          1, 4, 5, NULL, 1, 3, 2, out, 0);
    const n2d2_dtype types[4] = {N2D2_INT8, N2D2_INT32, N2D2_FLOAT32, N2D2_FLOAT64};
    for (int i = 0; i < 4; ++i)
        check("SliceExtractionTransformation", "Width=2\nHeight=3\nOffsetX=1\nOffsetY=1\n",
              types[i], 1, 4, 5, NULL, 1, 3, 2, out, 0);
    /* Width/Height 0 keep the size: identity. */
    double all[20];
    for (int i = 0; i < 20; ++i)
        all[i] = i;
    check("SliceExtractionTransformation", "Width=0\nHeight=0\n", N2D2_FLOAT32, 1, 4, 5, NULL, 1,
          4, 5, all, 0);
}
END_TEST

START_TEST(slice_moves_the_label_map)
{
    tf t;
    tf_open_ok(&t, "SliceExtractionTransformation", "Width=2\nHeight=2\nOffsetX=2\nOffsetY=1\n");
    n2d2_tensor *x = image(N2D2_UINT8, 2, 3, 4, NULL), *l = label_map(3, 4);
    ck_assert_int_eq(tf_apply(&t, &x, &l, 1), N2D2_OK);
    const double data[8] = {6, 7, 10, 11, 18, 19, 22, 23};
    const double labels[4] = {106, 107, 110, 111};
    expect(x, N2D2_UINT8, 2, 2, 2, data, 0);
    expect(l, N2D2_INT32, 1, 2, 2, labels, 0);
    n2d2_tensor_release(x);
    n2d2_tensor_release(l);
    tf_close(&t);
}
END_TEST

START_TEST(slice_random_offset_is_a_seeded_sub_image)
{
    n2d2_tensor *src = image(N2D2_FLOAT32, 1, 6, 7, NULL);
    const char *keys = "Width=3\nHeight=2\nRandomOffsetX=1\nRandomOffsetY=1\n";
    int seen[5][5] = {{0}};
    for (uint64_t seed = 1; seed <= 200; ++seed) {
        n2d2_tensor *x = run_seed("SliceExtractionTransformation", keys, src, seed);
        ck_assert_uint_eq(n2d2_tensor_dim(x, 1), 2);
        ck_assert_uint_eq(n2d2_tensor_dim(x, 2), 3);
        double first = n2d2_tensor_get(x, 0);
        size_t oy = (size_t)first / 7, ox = (size_t)first % 7;
        ck_assert_uint_le(ox, 4);
        ck_assert_uint_le(oy, 4);
        seen[oy][ox] = 1;
        for (size_t y = 0; y < 2; ++y)
            for (size_t xx = 0; xx < 3; ++xx)
                ck_assert_double_eq(n2d2_tensor_get(x, y * 3 + xx),
                                    (double)((oy + y) * 7 + ox + xx));
        n2d2_tensor_release(x);
    }
    int count = 0;
    for (int i = 0; i < 5; ++i)
        for (int j = 0; j < 5; ++j)
            count += seen[i][j];
    ck_assert_int_eq(count, 25); /* every position is reachable */
    check_seeded("SliceExtractionTransformation", keys, src);
    n2d2_tensor_release(src);
}
END_TEST

START_TEST(slice_rotation_is_counter_clockwise)
{
    /* 90 degrees counter-clockwise = numpy.rot90. */
    const double in[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    const double rot90[9] = {3, 6, 9, 2, 5, 8, 1, 4, 7};
    check("SliceExtractionTransformation",
          "Width=0\nHeight=0\nRandomRotation=1\nRandomRotationRange=90 90\n", N2D2_FLOAT32, 1, 3,
          3, in, 1, 3, 3, rot90, 1e-9);
    /* Rotation by 0 and scaling 1 are the identity. */
    check("SliceExtractionTransformation",
          "Width=0\nHeight=0\nRandomRotation=1\nRandomRotationRange=0 0\nRandomScaling=1\n"
          "RandomScalingRange=1 1\n",
          N2D2_UINT8, 1, 3, 3, in, 1, 3, 3, in, 0);
    /* The label map turns with the data (nearest neighbour). */
    tf t;
    tf_open_ok(&t, "SliceExtractionTransformation",
               "Width=0\nHeight=0\nRandomRotation=1\nRandomRotationRange=90 90\n");
    n2d2_tensor *x = image(N2D2_UINT8, 1, 3, 3, in), *l = label_map(3, 3);
    ck_assert_int_eq(tf_apply(&t, &x, &l, 1), N2D2_OK);
    double lrot[9];
    for (int i = 0; i < 9; ++i)
        lrot[i] = 99 + rot90[i];
    expect(x, N2D2_UINT8, 1, 3, 3, rot90, 0);
    expect(l, N2D2_INT32, 1, 3, 3, lrot, 0);
    n2d2_tensor_release(x);
    n2d2_tensor_release(l);
    tf_close(&t);
    /* 180 degrees on a 2x3 image. */
    const double in6[6] = {1, 2, 3, 4, 5, 6}, rot180[6] = {6, 5, 4, 3, 2, 1};
    check("SliceExtractionTransformation",
          "Width=0\nHeight=0\nRandomRotation=1\nRandomRotationRange=180 180\n", N2D2_FLOAT64, 1, 2,
          3, in6, 1, 2, 3, rot180, 1e-9);
}
END_TEST

START_TEST(slice_scaling_magnifies_about_the_centre)
{
    /* Scale 2 on a 1x4 row: output x samples 2 + (x + 0.5 - 2) / 2 - 0.5 =
     * 0.75, 1.25, 1.75, 2.25 → 7.5, 12.5, 17.5, 22.5. */
    const double in[4] = {0, 10, 20, 30}, out[4] = {7.5, 12.5, 17.5, 22.5};
    check("SliceExtractionTransformation",
          "Width=0\nHeight=0\nRandomScaling=1\nRandomScalingRange=2 2\n", N2D2_FLOAT32, 1, 1, 4,
          in, 1, 1, 4, out, 1e-6);
    /* Scale 0.5 samples 2 + 2 (x + 0.5 - 2) - 0.5 = -1.5, 0.5, 2.5, 4.5:
     * outside, MinusOneReflect mirrors -2 → 2, -1 → 1, 4 → 2, 5 → 1. */
    const double half[4] = {15, 5, 25, 15};
    check("SliceExtractionTransformation",
          "Width=0\nHeight=0\nRandomScaling=1\nRandomScalingRange=0.5 0.5\n", N2D2_FLOAT32, 1, 1,
          4, in, 1, 1, 4, half, 1e-6);
}
END_TEST

START_TEST(slice_padding_needs_allow_padding)
{
    const double in[2] = {4, 8};
    tf t;
    tf_open_ok(&t, "SliceExtractionTransformation", "Width=4\nHeight=1\n");
    n2d2_tensor *x = image(N2D2_UINT8, 1, 1, 2, in);
    ck_assert_int_eq(tf_apply(&t, &x, NULL, 1), N2D2_ERR_SHAPE);
    ck_assert_msg(strstr(n2d2_error_message(), "AllowPadding"), "%s", n2d2_error_message());
    n2d2_tensor_release(x);
    tf_close(&t);
    const double constant[4] = {4, 8, 9, 9}, replicate[4] = {4, 8, 8, 8}, wrap[4] = {4, 8, 4, 8};
    check("SliceExtractionTransformation",
          "Width=4\nHeight=1\nAllowPadding=1\nBorderType=ConstantBorder\nBorderValue=9\n",
          N2D2_UINT8, 1, 1, 2, in, 1, 1, 4, constant, 0);
    check("SliceExtractionTransformation",
          "Width=4\nHeight=1\nAllowPadding=1\nBorderType=ReplicateBorder\n", N2D2_UINT8, 1, 1, 2,
          in, 1, 1, 4, replicate, 0);
    check("SliceExtractionTransformation",
          "Width=4\nHeight=1\nAllowPadding=1\nBorderType=WrapBorder\n", N2D2_UINT8, 1, 1, 2, in, 1,
          1, 4, wrap, 0);
    const double mean[4] = {4, 8, 6, 6};
    check("SliceExtractionTransformation",
          "Width=4\nHeight=1\nAllowPadding=1\nBorderType=MeanBorder\n", N2D2_FLOAT32, 1, 1, 2, in,
          1, 1, 4, mean, 0);
    /* Labels outside a constant border are -1 (ignored). */
    tf_open_ok(&t, "SliceExtractionTransformation",
               "Width=3\nHeight=1\nAllowPadding=1\nBorderType=ConstantBorder\n");
    x = image(N2D2_UINT8, 1, 1, 2, in);
    n2d2_tensor *l = label_map(1, 2);
    ck_assert_int_eq(tf_apply(&t, &x, &l, 1), N2D2_OK);
    expect(l, N2D2_INT32, 1, 1, 3, (const double[3]){100, 101, -1}, 0);
    n2d2_tensor_release(x);
    n2d2_tensor_release(l);
    tf_close(&t);
    /* An offset past the edge is refused the same way. */
    tf_open_ok(&t, "SliceExtractionTransformation", "Width=2\nHeight=1\nOffsetX=1\n");
    x = image(N2D2_UINT8, 1, 1, 2, in);
    ck_assert_int_eq(tf_apply(&t, &x, NULL, 1), N2D2_ERR_SHAPE);
    n2d2_tensor_release(x);
    tf_close(&t);
}
END_TEST

START_TEST(slice_bad_keys)
{
    check_create_error("SliceExtractionTransformation", "Width=2\nHeight=2\nBorderType=Mirror\n",
                       "MinusOneReflectBorder");
    check_create_error("SliceExtractionTransformation",
                       "Width=2\nHeight=2\nRandomRotationRange=10\n", "two numbers");
    check_create_error("SliceExtractionTransformation",
                       "Width=2\nHeight=2\nRandomScalingRange=1.5 0.5\n", "above");
    check_create_error("SliceExtractionTransformation", "Height=2\n", "Width");
}
END_TEST

/* ---- Distortion ---- */

START_TEST(distortion_without_amplitude_is_the_identity)
{
    tf t;
    tf_open_ok(&t, "DistortionTransformation", "ElasticScaling=0\nScaling=0\nRotation=0\n");
    n2d2_tensor *x = image(N2D2_UINT8, 2, 3, 4, NULL), *l = label_map(3, 4);
    n2d2_tensor *x0, *l0;
    ck_assert_int_eq(n2d2_tensor_clone(x, &x0), N2D2_OK);
    ck_assert_int_eq(n2d2_tensor_clone(l, &l0), N2D2_OK);
    n2d2_rng rng, before;
    n2d2_rng_seed(&rng, 5, N2D2_RNG_AUGMENT);
    before = rng;
    n2d2_tensor *labels = l;
    int label = 0;
    ck_assert_int_eq(t.ops->apply(t.state, &x, &labels, &label, N2D2_SET_LEARN, &rng), N2D2_OK);
    ck_assert(same_values(x, x0));
    ck_assert(same_values(labels, l0));
    ck_assert(memcmp(&rng, &before, sizeof rng) == 0); /* nothing drawn */
    n2d2_tensor_release(x);
    n2d2_tensor_release(labels);
    n2d2_tensor_release(x0);
    n2d2_tensor_release(l0);
    tf_close(&t);
}
END_TEST

START_TEST(distortion_rotation_matches_a_rotated_slice)
{
    /* Distortion draws the scale then the angle from the stream: the same
     * draws fed to SliceExtraction (constant 0 border) give the same
     * image. */
    n2d2_tensor *src = image(N2D2_FLOAT32, 1, 5, 6, NULL);
    for (uint64_t seed = 1; seed <= 5; ++seed) {
        n2d2_rng rng;
        n2d2_rng_seed(&rng, seed, N2D2_RNG_AUGMENT);
        double s = 1.0 + n2d2_rng_uniform_range(&rng, -20.0, 20.0) / 100.0;
        double a = n2d2_rng_uniform_range(&rng, -30.0, 30.0);
        char keys[256];
        snprintf(keys, sizeof keys,
                 "Width=0\nHeight=0\nRandomRotation=1\nRandomRotationRange=%.17g %.17g\n"
                 "RandomScaling=1\nRandomScalingRange=%.17g %.17g\nBorderType=ConstantBorder\n"
                 "BorderValue=0\n",
                 a, a, s, s);
        n2d2_tensor *d =
            run_seed("DistortionTransformation", "Scaling=20\nRotation=30\n", src, seed);
        n2d2_tensor *e = run_seed("SliceExtractionTransformation", keys, src, 1);
        ck_assert(n2d2_tensor_same_shape(d, e));
        for (size_t i = 0; i < 30; ++i)
            ck_assert_msg(fabs(n2d2_tensor_get(d, i) - n2d2_tensor_get(e, i)) < 1e-4,
                          "seed %d element %zu: %g vs %g", (int)seed, i, n2d2_tensor_get(d, i),
                          n2d2_tensor_get(e, i));
        n2d2_tensor_release(d);
        n2d2_tensor_release(e);
    }
    check_seeded("DistortionTransformation", "Rotation=30\n", src);
    check_seeded("DistortionTransformation", "Scaling=20\n", src);
    n2d2_tensor_release(src);
}
END_TEST

START_TEST(distortion_elastic_moves_labels_with_the_data)
{
    /* Labels are resampled with the nearest neighbour: each output label is
     * an input label or -1 (outside). With a constant image the data stays
     * constant inside. */
    n2d2_tensor *src = image(N2D2_FLOAT32, 1, 8, 8, NULL);
    check_seeded("DistortionTransformation",
                 "ElasticScaling=3\nElasticGaussianSize=5\nElasticSigma=2\n", src);
    tf t;
    tf_open_ok(&t, "DistortionTransformation",
               "ElasticScaling=2\nElasticGaussianSize=5\nElasticSigma=1.5\n");
    n2d2_tensor *l = label_map(8, 8);
    n2d2_tensor *x;
    ck_assert_int_eq(n2d2_tensor_clone(src, &x), N2D2_OK);
    ck_assert_int_eq(tf_apply(&t, &x, &l, 3), N2D2_OK);
    int moved = 0;
    for (size_t i = 0; i < 64; ++i) {
        int v = (int)n2d2_tensor_get(l, i);
        ck_assert_msg(v == -1 || (v >= 100 && v < 164), "label %d", v);
        moved += v != (int)(100 + i);
        /* The data value near the label's pixel: the label is the nearest
         * source pixel, the data a bilinear mix around it. */
        size_t sy = (size_t)(v - 100) / 8, sx = (size_t)(v - 100) % 8;
        if (v >= 100 && sx >= 1 && sx <= 6 && sy >= 1 && sy <= 6)
            ck_assert_msg(fabs(n2d2_tensor_get(x, i) - (double)(v - 100)) <= 9.0 + 1e-6,
                          "pixel %zu: data %g, label %d", i, n2d2_tensor_get(x, i), v);
    }
    ck_assert_int_gt(moved, 0);
    n2d2_tensor_release(x);
    n2d2_tensor_release(l);
    n2d2_tensor_release(src);
    tf_close(&t);
}
END_TEST

/* ---- RandomResizeCrop ---- */

START_TEST(random_resize_crop_values)
{
    /* Whole image (scale 1, ratio 1) halved: each output is the mean of a
     * 2x2 block (samples at 0.5, 2.5). */
    const char *keys = "Width=2\nHeight=2\nScaleMin=1\nScaleMax=1\nRatioMin=1\nRatioMax=1\n";
    const double out[4] = {2.5, 4.5, 10.5, 12.5};
    check("RandomResizeCropTransformation", keys, N2D2_FLOAT32, 1, 4, 4, NULL, 1, 2, 2, out, 1e-6);
    /* A quarter of the area at ratio 1 is a 2x2 crop kept at its size: one
     * of the 9 sub-images, labels cut the same way. */
    tf t;
    tf_open_ok(&t, "RandomResizeCropTransformation",
               "Width=2\nHeight=2\nScaleMin=0.25\nScaleMax=0.25\nRatioMin=1\nRatioMax=1\n");
    for (uint64_t seed = 1; seed <= 20; ++seed) {
        n2d2_tensor *x = image(N2D2_UINT8, 1, 4, 4, NULL), *l = label_map(4, 4);
        ck_assert_int_eq(tf_apply(&t, &x, &l, seed), N2D2_OK);
        size_t first = (size_t)n2d2_tensor_get(x, 0);
        double sub[4] = {(double)first, (double)first + 1, (double)first + 4, (double)first + 5};
        double lsub[4] = {100 + sub[0], 100 + sub[1], 100 + sub[2], 100 + sub[3]};
        ck_assert_uint_le(first % 4, 2);
        expect(x, N2D2_UINT8, 1, 2, 2, sub, 0);
        expect(l, N2D2_INT32, 1, 2, 2, lsub, 0);
        n2d2_tensor_release(x);
        n2d2_tensor_release(l);
    }
    tf_close(&t);
    n2d2_tensor *src = image(N2D2_FLOAT32, 1, 6, 6, NULL);
    check_seeded("RandomResizeCropTransformation", "Width=3\nHeight=3\nScaleMin=0.2\n", src);
    n2d2_tensor_release(src);
    check_create_error("RandomResizeCropTransformation",
                       "Width=2\nHeight=2\nScaleMin=0.9\nScaleMax=0.5\n", "ScaleMin");
}
END_TEST

/* ---- CentroidCrop ---- */

START_TEST(centroid_crop_centres_the_centroid)
{
    /* Row [0 0 0 0 1 0]: centroid x = 4.5 (pixel centres at +0.5); the
     * widest window centred there is [3, 6). */
    const double row[6] = {0, 0, 0, 0, 1, 0}, cropped[3] = {0, 1, 0};
    check("CentroidCropTransformation", "Axis=1\n", N2D2_UINT8, 1, 1, 6, row, 1, 1, 3, cropped, 0);
    check("CentroidCropTransformation", "", N2D2_UINT8, 1, 1, 6, row, 1, 1, 3, cropped, 0);
    /* Axis=0 crops rows only: the row is kept. */
    check("CentroidCropTransformation", "Axis=0\n", N2D2_UINT8, 1, 1, 6, row, 1, 1, 6, row, 0);
    /* Column [2 2 0 0 0]: centroid y = 1 → window [0, 2). */
    const double col[5] = {2, 2, 0, 0, 0}, top[2] = {2, 2};
    check("CentroidCropTransformation", "Axis=0\n", N2D2_FLOAT32, 1, 5, 1, col, 1, 2, 1, top, 0);
    /* Mixed signs: centroid x = (3 x 0.5 - 2.5) / 2 = -0.5, outside: the
     * first column is kept. */
    check("CentroidCropTransformation", "Axis=1\n", N2D2_FLOAT32, 1, 1, 4,
          (const double[4]){3, 0, -1, 0}, 1, 1, 1, (const double[1]){3}, 0);
    /* A black image is kept. */
    const double zero[4] = {0, 0, 0, 0};
    check("CentroidCropTransformation", "", N2D2_FLOAT32, 1, 2, 2, zero, 1, 2, 2, zero, 0);
    /* Labels are cropped with the data. */
    tf t;
    tf_open_ok(&t, "CentroidCropTransformation", "Axis=1\n");
    n2d2_tensor *x = image(N2D2_UINT8, 1, 1, 6, row), *l = label_map(1, 6);
    ck_assert_int_eq(tf_apply(&t, &x, &l, 1), N2D2_OK);
    const double lab[3] = {103, 104, 105};
    expect(l, N2D2_INT32, 1, 1, 3, lab, 0);
    n2d2_tensor_release(x);
    n2d2_tensor_release(l);
    tf_close(&t);
    check_create_error("CentroidCropTransformation", "Axis=2\n", "Axis");
}
END_TEST

/* ---- StripeRemove ---- */

START_TEST(stripe_remove_columns_and_rows)
{
    /* Columns 0..9; Offset 1, Length 2, 2 stripes, step 1: remove 1-2, then
     * 2 columns at position 1 + 1 of what is left (original 4-5). */
    double in[10];
    for (int i = 0; i < 10; ++i)
        in[i] = i;
    const double kept[6] = {0, 3, 6, 7, 8, 9};
    check("StripeRemoveTransformation",
          "Axis=0\nOffset=1\nLength=2\nNbIterations=2\nStepOffset=1\n", N2D2_FLOAT32, 1, 1, 10, in,
          1, 1, 6, kept, 0);
    /* StepOffset defaults to Offset: stripes at 2-2 and (2 + 2 kept) 5. */
    const double kept2[8] = {0, 1, 3, 4, 6, 7, 8, 9};
    check("StripeRemoveTransformation", "Axis=0\nOffset=2\nLength=1\nNbIterations=2\n",
          N2D2_FLOAT32, 1, 1, 10, in, 1, 1, 8, kept2, 0);
    /* Rows: a 4x2 image without row 1. */
    const double rows[6] = {0, 1, 4, 5, 6, 7};
    check("StripeRemoveTransformation", "Axis=1\nOffset=1\nLength=1\n", N2D2_UINT8, 1, 4, 2, NULL,
          1, 3, 2, rows, 0);
}
END_TEST

START_TEST(stripe_remove_random_labels_and_errors)
{
    /* Random offset: shorter by Length x NbIterations, seeded, labels cut
     * the same way. */
    n2d2_tensor *src = image(N2D2_FLOAT32, 1, 3, 12, NULL);
    const char *keys = "Axis=0\nOffset=0\nLength=2\nNbIterations=2\nStepOffset=1\nRandomOffset=1\n";
    check_seeded("StripeRemoveTransformation", keys, src);
    tf t;
    tf_open_ok(&t, "StripeRemoveTransformation", keys);
    for (uint64_t seed = 1; seed <= 20; ++seed) {
        n2d2_tensor *x, *l = label_map(3, 12);
        ck_assert_int_eq(n2d2_tensor_clone(src, &x), N2D2_OK);
        ck_assert_int_eq(tf_apply(&t, &x, &l, seed), N2D2_OK);
        ck_assert_uint_eq(n2d2_tensor_dim(x, 2), 8);
        ck_assert_uint_eq(n2d2_tensor_dim(l, 2), 8);
        for (size_t i = 0; i < 24; ++i)
            ck_assert_double_eq(n2d2_tensor_get(l, i), 100 + n2d2_tensor_get(x, i));
        n2d2_tensor_release(x);
        n2d2_tensor_release(l);
    }
    tf_close(&t);
    n2d2_tensor_release(src);
    /* Stripes beyond the data are refused. */
    tf_open_ok(&t, "StripeRemoveTransformation", "Axis=1\nOffset=2\nLength=2\n");
    n2d2_tensor *x = image(N2D2_UINT8, 1, 3, 2, NULL);
    ck_assert_int_eq(tf_apply(&t, &x, NULL, 1), N2D2_ERR_SHAPE);
    ck_assert_msg(strstr(n2d2_error_message(), "do not fit"), "%s", n2d2_error_message());
    n2d2_tensor_release(x);
    tf_close(&t);
    check_create_error("StripeRemoveTransformation", "Offset=1\nLength=1\n", "Axis");
}
END_TEST

/* ---- Reshape, ExpandLabel ---- */

START_TEST(reshape_sizes)
{
    double v[12];
    for (int i = 0; i < 12; ++i)
        v[i] = i;
    check("ReshapeTransformation", "NbRows=3\n", N2D2_FLOAT32, 1, 2, 6, v, 1, 3, 4, v, 0);
    check("ReshapeTransformation", "NbRows=2\nNbChannels=2\n", N2D2_UINT8, 1, 2, 6, v, 2, 2, 3, v,
          0);
    check("ReshapeTransformation", "NbRows=1\nNbCols=4\n", N2D2_FLOAT32, 3, 2, 2, v, 3, 1, 4, v,
          0);
    tf t;
    tf_open_ok(&t, "ReshapeTransformation", "NbRows=3\nNbCols=5\n");
    n2d2_tensor *x = image(N2D2_FLOAT32, 1, 2, 6, v);
    ck_assert_int_eq(tf_apply(&t, &x, NULL, 1), N2D2_ERR_SHAPE);
    ck_assert_msg(strstr(n2d2_error_message(), "1x3x5"), "%s", n2d2_error_message());
    n2d2_tensor_release(x);
    tf_close(&t);
    /* The label map follows. */
    tf_open_ok(&t, "ReshapeTransformation", "NbRows=4\n");
    x = image(N2D2_FLOAT32, 1, 2, 6, v);
    n2d2_tensor *l = label_map(2, 6);
    ck_assert_int_eq(tf_apply(&t, &x, &l, 1), N2D2_OK);
    ck_assert_uint_eq(n2d2_tensor_dim(l, 1), 4);
    ck_assert_uint_eq(n2d2_tensor_dim(l, 2), 3);
    n2d2_tensor_release(x);
    n2d2_tensor_release(l);
    tf_close(&t);
}
END_TEST

START_TEST(expand_label_fills_the_frame)
{
    tf t;
    tf_open_ok(&t, "ExpandLabelTransformation", "");
    n2d2_tensor *x = image(N2D2_UINT8, 1, 2, 3, NULL), *l = NULL;
    ck_assert_int_eq(tf_apply(&t, &x, &l, 1), N2D2_OK); /* stimulus label 3 */
    const double threes[6] = {3, 3, 3, 3, 3, 3};
    expect(l, N2D2_INT32, 1, 2, 3, threes, 0);
    n2d2_tensor_release(l);
    /* A 1x1 map is expanded from its own value. */
    size_t one[3] = {1, 1, 1};
    ck_assert_int_eq(n2d2_tensor_new(N2D2_INT32, 3, one, &l), N2D2_OK);
    n2d2_tensor_set(l, 0, 7);
    ck_assert_int_eq(tf_apply(&t, &x, &l, 1), N2D2_OK);
    const double sevens[6] = {7, 7, 7, 7, 7, 7};
    expect(l, N2D2_INT32, 1, 2, 3, sevens, 0);
    n2d2_tensor_release(l);
    /* Another size is refused. */
    l = label_map(3, 3);
    ck_assert_int_eq(tf_apply(&t, &x, &l, 1), N2D2_ERR_SHAPE);
    n2d2_tensor_release(l);
    n2d2_tensor_release(x);
    tf_close(&t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("transforms_geometric");
    TCase *tc = tcase_create("geometric");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, slice_fixed_offset_is_the_sub_image);
    tcase_add_test(tc, slice_moves_the_label_map);
    tcase_add_test(tc, slice_random_offset_is_a_seeded_sub_image);
    tcase_add_test(tc, slice_rotation_is_counter_clockwise);
    tcase_add_test(tc, slice_scaling_magnifies_about_the_centre);
    tcase_add_test(tc, slice_padding_needs_allow_padding);
    tcase_add_test(tc, slice_bad_keys);
    tcase_add_test(tc, distortion_without_amplitude_is_the_identity);
    tcase_add_test(tc, distortion_rotation_matches_a_rotated_slice);
    tcase_add_test(tc, distortion_elastic_moves_labels_with_the_data);
    tcase_add_test(tc, random_resize_crop_values);
    tcase_add_test(tc, centroid_crop_centres_the_centroid);
    tcase_add_test(tc, stripe_remove_columns_and_rows);
    tcase_add_test(tc, stripe_remove_random_labels_and_errors);
    tcase_add_test(tc, reshape_sizes);
    tcase_add_test(tc, expand_label_fills_the_frame);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
