/* LabelSliceExtractionTransformation and ROIExtractionTransformation on
 * hand-made label maps: the chosen window, the label, KeepComposite,
 * SlicesMargin, ExcludeLabels, IgnoreNoValid, AllowPadding, rotation,
 * connected components with merge distances and filters, and errors. */
#define TF_TESTKIT_PLUGIN transforms_labels
#include "transform_testkit.h"
#include "check_run.h"

static n2d2_status tf_new(const char *type, const char *keys, tf *t)
{
    char text[1024];
    snprintf(text, sizeof text, "[t]\nType=%s\n%s", type, keys);
    ck_assert_int_eq(n2d2_ini_load_string(text, strlen(text), "net.ini", &t->ini), N2D2_OK);
    const n2d2_feature *f;
    ck_assert_int_eq(n2d2_registry_resolve(reg, N2D2_KIND_TRANSFORM, type, NULL, "", &f), N2D2_OK);
    t->ops = f->ops;
    n2d2_ini_section *sec = n2d2_ini_find(t->ini, "t");
    static const char *const prefixes[] = {"Type"};
    (void)prefixes;
    n2d2_param_spec schema[32];
    ck_assert_uint_lt(f->n_params, 31);
    memcpy(schema, f->params, f->n_params * sizeof *schema);
    schema[f->n_params] = (n2d2_param_spec){"Type", N2D2_PARAM_STRING, "", NULL, 0, 0, 0, "type"};
    ck_assert_int_eq(n2d2_params_from_ini(t->ini, &sec, 1, NULL, 0, schema, f->n_params + 1,
                                          &t->params),
                     N2D2_OK);
    t->state = NULL;
    return t->ops->create(t->params, &t->state);
}

/* Data {1, h, w} UInt8 with pixel (x, y) = 10 y + x, and a map from rows
 * of digits ('.' = -1). */
static void make(size_t h, size_t w, const char *const *rows, n2d2_tensor **data,
                 n2d2_tensor **map)
{
    size_t dims[3] = {1, h, w};
    ck_assert_int_eq(n2d2_tensor_new(N2D2_UINT8, 3, dims, data), N2D2_OK);
    ck_assert_int_eq(n2d2_tensor_new(N2D2_INT32, 3, dims, map), N2D2_OK);
    uint8_t *d = n2d2_tensor_data(*data);
    int32_t *m = n2d2_tensor_data(*map);
    for (size_t y = 0; y < h; ++y)
        for (size_t x = 0; x < w; ++x) {
            d[y * w + x] = (uint8_t)(10 * y + x);
            m[y * w + x] = rows[y][x] == '.' ? -1 : rows[y][x] - '0';
        }
}

static void expect_window(const n2d2_tensor *data, size_t x0, size_t y0, size_t h, size_t w)
{
    ck_assert_uint_eq(n2d2_tensor_dim(data, 1), h);
    ck_assert_uint_eq(n2d2_tensor_dim(data, 2), w);
    for (size_t y = 0; y < h; ++y)
        for (size_t x = 0; x < w; ++x)
            ck_assert_int_eq((int)n2d2_tensor_get(data, y * w + x), (int)(10 * (y0 + y) + x0 + x));
}

static void expect_all(const n2d2_tensor *map, int v)
{
    for (size_t i = 0; i < n2d2_tensor_numel(map); ++i)
        ck_assert_int_eq((int)n2d2_tensor_get(map, i), v);
}

/* label 1 fills x 4..6, y 1..3 */
static const char *const BLOCK[] = {"00000000", "00001110", "00001110", "00001110", "00000000",
                                    "00000000"};

static n2d2_status apply(tf *t, n2d2_tensor **d, n2d2_tensor **m, int *label, uint64_t seed)
{
    n2d2_rng rng;
    n2d2_rng_seed(&rng, seed, 0);
    return t->ops->apply(t->state, d, m, label, N2D2_SET_LEARN, &rng);
}

START_TEST(slice_of_a_given_label_has_one_place)
{
    for (int keep = 0; keep < 2; ++keep) {
        tf t;
        char keys[128];
        snprintf(keys, sizeof keys, "Width=3\nHeight=3\nLabel=1\nKeepComposite=%d\n", keep);
        ck_assert_int_eq(tf_new("LabelSliceExtractionTransformation", keys, &t), N2D2_OK);
        for (uint64_t seed = 0; seed < 5; ++seed) {
            n2d2_tensor *d, *m;
            make(6, 8, BLOCK, &d, &m);
            int label = 7;
            ck_assert_msg(apply(&t, &d, &m, &label, seed) == N2D2_OK, "%s", n2d2_error_message());
            expect_window(d, 4, 1, 3, 3);
            expect_all(m, 1);
            ck_assert_int_eq(label, 1);
            n2d2_tensor_release(d);
            n2d2_tensor_release(m);
        }
        tf_close(&t);
    }
}
END_TEST

START_TEST(slice_margin_shrinks_the_checked_region)
{
    tf t;
    ck_assert_int_eq(tf_new("LabelSliceExtractionTransformation",
                            "Width=5\nHeight=5\nLabel=1\nSlicesMargin=-1\nKeepComposite=1\n", &t),
                     N2D2_OK);
    n2d2_tensor *d, *m;
    make(6, 8, BLOCK, &d, &m);
    int label;
    ck_assert_int_eq(apply(&t, &d, &m, &label, 3), N2D2_OK);
    /* Only (3, 0) puts the central 3x3 on the block. */
    expect_window(d, 3, 0, 5, 5);
    ck_assert_int_eq((int)n2d2_tensor_get(m, 0), 0);          /* (3, 0) */
    ck_assert_int_eq((int)n2d2_tensor_get(m, 1 * 5 + 1), 1);  /* (4, 1) */
    ck_assert_int_eq(label, 1);
    n2d2_tensor_release(d);
    n2d2_tensor_release(m);
    tf_close(&t);
}
END_TEST

START_TEST(slice_random_label_honours_exclusions)
{
    tf t;
    ck_assert_int_eq(tf_new("LabelSliceExtractionTransformation",
                            "Width=2\nHeight=2\nExcludeLabels=0\n", &t),
                     N2D2_OK);
    for (uint64_t seed = 0; seed < 20; ++seed) {
        n2d2_tensor *d, *m;
        make(6, 8, BLOCK, &d, &m);
        int label;
        ck_assert_int_eq(apply(&t, &d, &m, &label, seed), N2D2_OK);
        ck_assert_int_eq(label, 1);
        expect_all(m, 1);
        /* top-left inside x 4..5, y 1..2 */
        int v = (int)n2d2_tensor_get(d, 0);
        ck_assert(v / 10 >= 1 && v / 10 <= 2 && v % 10 >= 4 && v % 10 <= 5);
        n2d2_tensor_release(d);
        n2d2_tensor_release(m);
    }
    tf_close(&t);
}
END_TEST

START_TEST(slice_without_valid_place)
{
    tf t;
    ck_assert_int_eq(tf_new("LabelSliceExtractionTransformation", "Width=4\nHeight=4\nLabel=1\n",
                            &t),
                     N2D2_OK);
    n2d2_tensor *d, *m;
    make(6, 8, BLOCK, &d, &m);
    int label = 1;
    ck_assert_int_eq(apply(&t, &d, &m, &label, 1), N2D2_OK);
    ck_assert_uint_eq(n2d2_tensor_dim(d, 1), 4);
    expect_all(m, -1);
    ck_assert_int_eq(label, -1);
    n2d2_tensor_release(d);
    n2d2_tensor_release(m);
    tf_close(&t);

    ck_assert_int_eq(tf_new("LabelSliceExtractionTransformation",
                            "Width=4\nHeight=4\nLabel=1\nIgnoreNoValid=0\n", &t),
                     N2D2_OK);
    make(6, 8, BLOCK, &d, &m);
    ck_assert_int_eq(apply(&t, &d, &m, &label, 1), N2D2_ERR_NOT_FOUND);
    ck_assert_msg(strstr(n2d2_error_message(), "label 1"), "%s", n2d2_error_message());
    n2d2_tensor_release(d);
    n2d2_tensor_release(m);
    tf_close(&t);
}
END_TEST

START_TEST(slice_padding)
{
    static const char *const small[] = {"111", "111"};
    tf t;
    ck_assert_int_eq(tf_new("LabelSliceExtractionTransformation",
                            "Width=5\nHeight=4\nLabel=1\nKeepComposite=1\nAllowPadding=1\n"
                            "BorderType=ConstantBorder\nBorderValue=200\n", &t),
                     N2D2_OK);
    n2d2_tensor *d, *m;
    make(2, 3, small, &d, &m);
    int label;
    ck_assert_msg(apply(&t, &d, &m, &label, 1) == N2D2_OK, "%s", n2d2_error_message());
    /* centred: x from -1, y from -1 */
    static const int want_d[4][5] = {{200, 200, 200, 200, 200},
                                     {200, 0, 1, 2, 200},
                                     {200, 10, 11, 12, 200},
                                     {200, 200, 200, 200, 200}};
    for (size_t y = 0; y < 4; ++y)
        for (size_t x = 0; x < 5; ++x) {
            ck_assert_int_eq((int)n2d2_tensor_get(d, y * 5 + x), want_d[y][x]);
            ck_assert_int_eq((int)n2d2_tensor_get(m, y * 5 + x), want_d[y][x] == 200 ? -1 : 1);
        }
    ck_assert_int_eq(label, 1);
    n2d2_tensor_release(d);
    n2d2_tensor_release(m);
    tf_close(&t);

    ck_assert_int_eq(tf_new("LabelSliceExtractionTransformation", "Width=5\nHeight=4\n", &t),
                     N2D2_OK);
    make(2, 3, small, &d, &m);
    ck_assert_int_eq(apply(&t, &d, &m, &label, 1), N2D2_ERR_SHAPE);
    ck_assert_msg(strstr(n2d2_error_message(), "AllowPadding"), "%s", n2d2_error_message());
    n2d2_tensor_release(d);
    n2d2_tensor_release(m);
    tf_close(&t);
}
END_TEST

START_TEST(slice_rotation)
{
    tf t;
    ck_assert_int_eq(tf_new("LabelSliceExtractionTransformation",
                            "Width=3\nHeight=3\nLabel=1\nKeepComposite=1\nRandomRotation=1\n"
                            "RandomRotationRange=90 90\n", &t),
                     N2D2_OK);
    n2d2_tensor *d, *m;
    make(6, 8, BLOCK, &d, &m);
    int label;
    ck_assert_int_eq(apply(&t, &d, &m, &label, 1), N2D2_OK);
    /* Centre (5, 2); output (u, v) samples (5 + (v - 1), 2 - (u - 1)). */
    for (size_t v = 0; v < 3; ++v)
        for (size_t u = 0; u < 3; ++u) {
            int sx = 5 + (int)v - 1, sy = 2 - ((int)u - 1);
            ck_assert_int_eq((int)n2d2_tensor_get(d, v * 3 + u), 10 * sy + sx);
        }
    expect_all(m, 1);
    n2d2_tensor_release(d);
    n2d2_tensor_release(m);
    tf_close(&t);
}
END_TEST

START_TEST(transformations_need_a_map)
{
    tf t;
    ck_assert_int_eq(tf_new("LabelSliceExtractionTransformation", "Width=2\nHeight=2\n", &t),
                     N2D2_OK);
    n2d2_tensor *d, *m;
    make(6, 8, BLOCK, &d, &m);
    n2d2_tensor *none = NULL;
    int label;
    ck_assert_int_eq(apply(&t, &d, &none, &label, 1), N2D2_ERR_INVAL);
    ck_assert_msg(strstr(n2d2_error_message(), "CompositeStimuli=1"), "%s", n2d2_error_message());
    n2d2_tensor_release(d);
    n2d2_tensor_release(m);
    tf_close(&t);
}
END_TEST

/* Objects: label 1 2x2 at (0, 0); label 1 column at x 6, y 2..4; label 2
 * at (7, 0); label 1 pixels at (2, 5) and (4, 5), two columns apart. */
static const char *const OBJECTS[] = {"11000002", "11000000", "00000010", "00000010", "00000010",
                                      "00101000"};

START_TEST(roi_components_and_filters)
{
    tf t;
    ck_assert_int_eq(tf_new("ROIExtractionTransformation",
                            "LabelSegmentation=1\nLabel=1\nMinSize=4\n", &t),
                     N2D2_OK);
    n2d2_tensor *d, *m;
    make(6, 8, OBJECTS, &d, &m);
    int label;
    ck_assert_int_eq(apply(&t, &d, &m, &label, 1), N2D2_OK);
    expect_window(d, 0, 0, 2, 2);
    expect_all(m, 1);
    ck_assert_int_eq(label, 1);
    n2d2_tensor_release(d);
    n2d2_tensor_release(m);
    tf_close(&t);

    /* Tall boxes only (width/height <= 0.5), with a margin of 1 and the
     * map reduced: the column x 6, y 2..4 grown to x 5..7, y 1..5. */
    ck_assert_int_eq(tf_new("ROIExtractionTransformation",
                            "LabelSegmentation=1\nLabel=1\nFilterMaxAspectRatio=0.5\nMargin=1\n"
                            "KeepComposite=0\n", &t),
                     N2D2_OK);
    make(6, 8, OBJECTS, &d, &m);
    ck_assert_int_eq(apply(&t, &d, &m, &label, 1), N2D2_OK);
    expect_window(d, 5, 1, 5, 3);
    expect_all(m, 1);
    n2d2_tensor_release(d);
    n2d2_tensor_release(m);
    tf_close(&t);

    /* MergeMaxHDist=2, MergeMaxVDist=0 (rows only) joins (2, 5) and
     * (4, 5): with FilterMinWidth=3 the only object of label 1 is that
     * 3-wide, 1-high box. */
    ck_assert_int_eq(tf_new("ROIExtractionTransformation",
                            "LabelSegmentation=1\nLabel=1\nMergeMaxHDist=2\nMergeMaxVDist=0\n"
                            "FilterMinWidth=3\n", &t),
                     N2D2_OK);
    make(6, 8, OBJECTS, &d, &m);
    ck_assert_int_eq(apply(&t, &d, &m, &label, 1), N2D2_OK);
    expect_window(d, 2, 5, 1, 3);
    ck_assert_int_eq((int)n2d2_tensor_get(m, 1), 0); /* KeepComposite=1: the gap keeps 0 */
    n2d2_tensor_release(d);
    n2d2_tensor_release(m);
    tf_close(&t);

    /* Without the merge no object is 3 wide: nothing extracted. */
    ck_assert_int_eq(tf_new("ROIExtractionTransformation",
                            "LabelSegmentation=1\nFilterMinWidth=3\nLabel=1\n", &t),
                     N2D2_OK);
    make(6, 8, OBJECTS, &d, &m);
    label = 1;
    ck_assert_int_eq(apply(&t, &d, &m, &label, 1), N2D2_OK);
    expect_window(d, 0, 0, 6, 8);
    expect_all(m, -1);
    ck_assert_int_eq(label, -1);
    n2d2_tensor_release(d);
    n2d2_tensor_release(m);
    tf_close(&t);
}
END_TEST

START_TEST(roi_any_label_draws_among_objects)
{
    tf t;
    ck_assert_int_eq(tf_new("ROIExtractionTransformation", "LabelSegmentation=1\nMinSize=1\n", &t),
                     N2D2_OK);
    int seen[3] = {0, 0, 0};
    for (uint64_t seed = 0; seed < 60; ++seed) {
        n2d2_tensor *d, *m;
        make(6, 8, OBJECTS, &d, &m);
        int label;
        ck_assert_int_eq(apply(&t, &d, &m, &label, seed), N2D2_OK);
        ck_assert(label >= 0 && label <= 2);
        seen[label]++;
        n2d2_tensor_release(d);
        n2d2_tensor_release(m);
    }
    /* label 0 is the big background component; 1 and 2 are objects too */
    ck_assert(seen[0] > 0 && seen[1] > 0 && seen[2] > 0);
    tf_close(&t);
}
END_TEST

START_TEST(roi_annotation_mode_is_not_implemented)
{
    tf t;
    ck_assert_int_eq(tf_new("ROIExtractionTransformation", "Label=1\n", &t),
                     N2D2_ERR_NOT_IMPLEMENTED);
    ck_assert_msg(strstr(n2d2_error_message(), "not implemented yet") &&
                      strstr(n2d2_error_message(), "net.ini"),
                  "%s", n2d2_error_message());
    tf_close(&t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("label_transforms");
    TCase *tc = tcase_create("transforms");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, slice_of_a_given_label_has_one_place);
    tcase_add_test(tc, slice_margin_shrinks_the_checked_region);
    tcase_add_test(tc, slice_random_label_honours_exclusions);
    tcase_add_test(tc, slice_without_valid_place);
    tcase_add_test(tc, slice_padding);
    tcase_add_test(tc, slice_rotation);
    tcase_add_test(tc, transformations_need_a_map);
    tcase_add_test(tc, roi_components_and_filters);
    tcase_add_test(tc, roi_any_label_draws_among_objects);
    tcase_add_test(tc, roi_annotation_mode_is_not_implemented);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
