/* Pixel-wise label maps from hand-made ROIs (TestROI_Database, see
 * roi_fixture.h): every CompositeLabel mode, DefaultLabel, ROIsMargin,
 * pixel-wise labels, the Auto single-ROI extraction, the catalogue's ROI
 * API, and maps moving through Flip / PadCrop / Rescale chains. Expected
 * maps are written out by hand. */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check_run.h"
#include "roi_fixture.h"

N2D2_STATIC_PLUGIN_DECLARE(transforms_basic);

static n2d2_registry *reg;
static n2d2_loader *loader;

static void setup(void)
{
    static const n2d2_static_plugin table[] = {N2D2_STATIC_PLUGIN(transforms_basic),
                                               N2D2_STATIC_PLUGIN(test_roi_db)};
    ck_assert_int_eq(n2d2_registry_new(&reg), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_new(reg, &loader), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_preload(loader, table, 2), N2D2_OK);
}

static void teardown(void)
{
    n2d2_loader_free(loader);
    n2d2_registry_free(reg);
}

#define MAXS 4
#define MAXPIX 256

typedef struct run {
    size_t n, h, w;
    int32_t map[MAXS][MAXPIX];
    float data[MAXS][MAXPIX];
    int label[MAXS];
} run;

/* Open the provider (input 1 x h x w, batch 4), read the Learn set in
 * order into r. `db_keys` go into [database], `rest` after [sp]. */
static n2d2_status open_run(int which, const char *db_keys, size_t h, size_t w, const char *rest,
                            run *r)
{
    char text[4096];
    snprintf(text, sizeof text,
             "[database]\nType=TestROI_Database\nCase=%d\n%s\n"
             "[sp]\nSizeX=%zu\nSizeY=%zu\nBatchSize=4\nCompositeStimuli=1\n%s",
             which, db_keys, w, h, rest);
    n2d2_ini *ini;
    ck_assert_int_eq(n2d2_ini_load_string(text, strlen(text), "net.ini", &ini), N2D2_OK);
    n2d2_shape shape = {3, {1, h, w}};
    n2d2_stimuli *sp = NULL;
    n2d2_status st = n2d2_stimuli_new(ini, reg, "sp", &shape, N2D2_FLOAT32, 4, 1, &sp);
    if (st != N2D2_OK) {
        n2d2_ini_free(ini);
        return st;
    }
    size_t dims[4] = {4, 1, h, w};
    n2d2_tensor *in;
    ck_assert_int_eq(n2d2_tensor_new(N2D2_FLOAT32, 4, dims, &in), N2D2_OK);
    ck_assert_int_eq(n2d2_stimuli_begin(sp, N2D2_SET_LEARN, 0, 0), N2D2_OK);
    size_t count;
    int labels[4];
    ck_assert_msg(n2d2_stimuli_next(sp, in, labels, NULL, &count) == N2D2_OK, "%s",
                  n2d2_error_message());
    const n2d2_tensor *maps = n2d2_stimuli_label_maps(sp);
    ck_assert_ptr_nonnull(maps);
    ck_assert_int_eq(n2d2_tensor_dtype(maps), N2D2_INT32);
    ck_assert_uint_eq(n2d2_tensor_dim(maps, 0), 4);
    ck_assert_uint_eq(n2d2_tensor_dim(maps, 2), h);
    ck_assert_uint_eq(n2d2_tensor_dim(maps, 3), w);
    r->n = count;
    r->h = h;
    r->w = w;
    const int32_t *m = n2d2_tensor_cdata(maps);
    const float *x = n2d2_tensor_cdata(in);
    for (size_t i = 0; i < 4; ++i) {
        memcpy(r->map[i], m + i * h * w, h * w * sizeof *m);
        memcpy(r->data[i], x + i * h * w, h * w * sizeof *x);
        r->label[i] = labels[i];
    }
    /* Padding items of the short batch are ignored everywhere. */
    for (size_t i = count; i < 4; ++i)
        for (size_t k = 0; k < h * w; ++k)
            ck_assert_int_eq(r->map[i][k], -1);
    n2d2_tensor_release(in);
    n2d2_stimuli_free(sp);
    n2d2_ini_free(ini);
    return N2D2_OK;
}

static void run_ok(int which, const char *db_keys, size_t h, size_t w, const char *rest, run *r)
{
    n2d2_status st = open_run(which, db_keys, h, w, rest, r);
    ck_assert_msg(st == N2D2_OK, "%s: %s", db_keys, n2d2_error_message());
}

/* Compare map of item i with rows of characters: '.' = -1, digits = id. */
static void expect_map(const run *r, size_t i, const char *const *rows, const char *what)
{
    for (size_t y = 0; y < r->h; ++y)
        for (size_t x = 0; x < r->w; ++x) {
            char c = rows[y][x];
            int want = c == '.' ? -1 : c - '0';
            ck_assert_msg(r->map[i][y * r->w + x] == want,
                          "%s: item %zu pixel (x %zu, y %zu) is %d, expected %d", what, i, x, y,
                          r->map[i][y * r->w + x], want);
        }
}

static const char *const ALL_B[] = {"111111", "111111", "111111", "111111", "111111"};
static const char *const ALL_A[] = {"000000", "000000", "000000", "000000", "000000"};
static const char *const ALL_NONE[] = {"......", "......", "......", "......", "......"};

START_TEST(mode_none_uses_the_label_id_only)
{
    run r;
    run_ok(0, "CompositeLabel=None\nDefaultLabel=bg", FX_H, FX_W, "", &r);
    ck_assert_uint_eq(r.n, 4);
    expect_map(&r, 0, ALL_B, "None s0");
    expect_map(&r, 1, ALL_A, "None s1");
    expect_map(&r, 2, ALL_NONE, "None s2");
    expect_map(&r, 3, ALL_NONE, "None s3");
    ck_assert_int_eq(r.label[0], 1);
    ck_assert_int_eq(r.label[2], -1);
}
END_TEST

static const char *const S2_BG_CIRCLE[] = {"222222", "222122", "221112", "222122", "222222"};
/* x + y <= 4 → a (0), else bg (2) */
static const char *const S3_BG_TRIANGLE[] = {"000002", "000022", "000222", "002222", "022222"};

START_TEST(mode_default_ignores_the_label_id)
{
    run r;
    run_ok(0, "CompositeLabel=Default\nDefaultLabel=bg", FX_H, FX_W, "", &r);
    static const char *const s0[] = {"222222", "200222", "200222", "222222", "222222"};
    static const char *const s1[] = {"222222", "222222", "222222", "222222", "222222"};
    expect_map(&r, 0, s0, "Default s0");
    expect_map(&r, 1, s1, "Default s1");
    expect_map(&r, 2, S2_BG_CIRCLE, "Default s2");
    expect_map(&r, 3, S3_BG_TRIANGLE, "Default s3");
}
END_TEST

START_TEST(mode_disjoint_uses_the_default_only_with_rois)
{
    run r;
    run_ok(0, "CompositeLabel=Disjoint\nDefaultLabel=bg", FX_H, FX_W, "", &r);
    static const char *const s0[] = {"222222", "200222", "200222", "222222", "222222"};
    expect_map(&r, 0, s0, "Disjoint s0");
    expect_map(&r, 1, ALL_A, "Disjoint s1"); /* no ROI: the label id */
    expect_map(&r, 2, S2_BG_CIRCLE, "Disjoint s2");
    expect_map(&r, 3, S3_BG_TRIANGLE, "Disjoint s3");
}
END_TEST

START_TEST(mode_combine_draws_rois_over_the_label_id)
{
    run r;
    run_ok(0, "CompositeLabel=Combine\nDefaultLabel=bg", FX_H, FX_W, "", &r);
    static const char *const s0[] = {"111111", "100111", "100111", "111111", "111111"};
    static const char *const s2[] = {"......", "...1..", "..111.", "...1..", "......"};
    static const char *const s3[] = {"00000.", "0000..", "000...", "00....", "0....."};
    expect_map(&r, 0, s0, "Combine s0");
    expect_map(&r, 1, ALL_A, "Combine s1");
    expect_map(&r, 2, s2, "Combine s2");
    expect_map(&r, 3, s3, "Combine s3");
}
END_TEST

START_TEST(mode_auto_composite_only_without_label)
{
    /* Case 0 has a labelled stimulus with one ROI, which Auto extracts
     * (1 x 2 x 2, not 5 x 6): the size check names it. */
    run r;
    n2d2_status st = open_run(0, "DefaultLabel=bg", FX_H, FX_W, "", &r);
    ck_assert_int_eq(st, N2D2_ERR_SHAPE);
    ck_assert_msg(strstr(n2d2_error_message(), "'s0'") && strstr(n2d2_error_message(), "1x2x2"),
                  "%s", n2d2_error_message());
    /* Case 2: the ROI (2, 1)-(5, 3) is extracted, its map is the label. */
    run_ok(2, "", 2, 3, "", &r);
    static const char *const m[] = {"000", "000"};
    expect_map(&r, 0, m, "Auto crop");
    for (size_t y = 0; y < 2; ++y)
        for (size_t x = 0; x < 3; ++x)
            ck_assert_float_eq_tol(r.data[0][y * 3 + x],
                                   (float)(1 + (x + 2) + 10 * (y + 1)) / 255.0f, 1e-6);
}
END_TEST

START_TEST(rois_margin_is_ignored)
{
    run r;
    run_ok(0, "CompositeLabel=Default\nDefaultLabel=bg\nROIsMargin=1", FX_H, FX_W, "", &r);
    static const char *const s0[] = {"....22", ".00.22", ".00.22", "....22", "222222"};
    /* circle r=1 of b inside the r=2 disc of -1 */
    static const char *const s2[] = {"222.22", "22.1.2", "2.111.", "22.1.2", "222.22"};
    /* triangle grown by 1 pixel: within 1 of the hypotenuse (x + y <= 5
     * between its ends) or of the vertex (4, 0) */
    static const char *const s3[] = {"00000.", "0000.2", "000.22", "00.222", "0.2222"};
    expect_map(&r, 0, s0, "margin s0");
    expect_map(&r, 2, s2, "margin s2");
    expect_map(&r, 3, s3, "margin s3");
}
END_TEST

START_TEST(pixel_wise_labels_with_rois)
{
    static const char *const pix[] = {"010101", "010101", "010101", "010111", "010111"};
    const char *modes[] = {"CompositeLabel=Auto", "CompositeLabel=Default",
                           "CompositeLabel=Disjoint", "CompositeLabel=Combine"};
    run r;
    for (size_t i = 0; i < 4; ++i) {
        run_ok(1, modes[i], FX_H, FX_W, "", &r);
        expect_map(&r, 0, pix, modes[i]);
    }
    run_ok(1, "CompositeLabel=None", FX_H, FX_W, "", &r);
    expect_map(&r, 0, ALL_B, "None ignores pixel-wise labels");
    /* DataFileLabel=0: no pixel-wise labels, Combine uses the label id. */
    run_ok(1, "CompositeLabel=Combine\nDataFileLabel=0", FX_H, FX_W, "", &r);
    expect_map(&r, 0, ALL_B, "DataFileLabel=0");
}
END_TEST

START_TEST(default_label_names_an_existing_label)
{
    run r;
    run_ok(0, "CompositeLabel=Default\nDefaultLabel=b", FX_H, FX_W, "", &r);
    static const char *const s0[] = {"111111", "100111", "100111", "111111", "111111"};
    expect_map(&r, 0, s0, "DefaultLabel=b");
    /* Without DefaultLabel the default is -1. */
    run_ok(0, "CompositeLabel=Default", FX_H, FX_W, "", &r);
    static const char *const n0[] = {"......", ".00...", ".00...", "......", "......"};
    expect_map(&r, 0, n0, "no DefaultLabel");
}
END_TEST

/* Decode the pixel a value came from: 1 + x + 10 y over 255. */
static int source_of(float v, size_t *x, size_t *y)
{
    int k = (int)(v * 255.0f + 0.5f) - 1;
    if (k < 0 || k >= 10 * FX_H)
        return 0;
    *x = (size_t)(k % 10);
    *y = (size_t)(k / 10);
    return *x < FX_W;
}

START_TEST(label_maps_follow_flip_and_padcrop)
{
    /* Reference maps without transformations. */
    run ref, r;
    run_ok(0, "CompositeLabel=Default\nDefaultLabel=bg", FX_H, FX_W, "", &ref);
    run_ok(0, "CompositeLabel=Default\nDefaultLabel=bg", 7, 9,
           "[sp.Transformation-1]\nType=FlipTransformation\nHorizontalFlip=1\nVerticalFlip=1\n"
           "[sp.Transformation-2]\nType=PadCropTransformation\nWidth=9\nHeight=7\n"
           "BorderType=ConstantBorder\nBorderValue=0\n",
           &r);
    for (size_t i = 0; i < 4; ++i) {
        size_t padded = 0;
        for (size_t k = 0; k < 7 * 9; ++k) {
            size_t x = 0, y = 0;
            if (r.data[i][k] == 0.0f) {
                ck_assert_int_eq(r.map[i][k], -1); /* padding has no label */
                ++padded;
                continue;
            }
            ck_assert(source_of(r.data[i][k], &x, &y));
            ck_assert_int_eq(r.map[i][k], ref.map[i][y * FX_W + x]);
        }
        ck_assert_uint_eq(padded, 7 * 9 - FX_H * FX_W);
    }
    /* The flip really happened: the top-left data pixel comes from the
     * bottom-right source pixel. */
    size_t x = 0, y = 0;
    ck_assert(source_of(r.data[0][1 * 9 + 1], &x, &y));
    ck_assert_uint_eq(x, FX_W - 1);
    ck_assert_uint_eq(y, FX_H - 1);
}
END_TEST

/* Static random horizontal flip (drawn once, cached with its map) and an
 * on-the-fly random vertical flip (drawn at every pass): over 8 passes the
 * map stays consistent with the data, the static draw never changes and
 * the on-the-fly one does. */
START_TEST(label_maps_follow_random_flips_across_passes)
{
    run ref;
    run_ok(0, "CompositeLabel=Default\nDefaultLabel=bg", FX_H, FX_W, "", &ref);
    const char *text =
        "[database]\nType=TestROI_Database\nCase=0\nCompositeLabel=Default\nDefaultLabel=bg\n"
        "[sp]\nSizeX=6\nSizeY=5\nBatchSize=4\nCompositeStimuli=1\n"
        "[sp.Transformation]\nType=FlipTransformation\nRandomHorizontalFlip=1\n"
        "[sp.OnTheFlyTransformation]\nType=FlipTransformation\nRandomVerticalFlip=1\n";
    n2d2_ini *ini;
    ck_assert_int_eq(n2d2_ini_load_string(text, strlen(text), "net.ini", &ini), N2D2_OK);
    n2d2_shape shape = {3, {1, FX_H, FX_W}};
    n2d2_stimuli *sp;
    ck_assert_int_eq(n2d2_stimuli_new(ini, reg, "sp", &shape, N2D2_FLOAT32, 4, 9, &sp), N2D2_OK);
    size_t dims[4] = {4, 1, FX_H, FX_W};
    n2d2_tensor *in;
    ck_assert_int_eq(n2d2_tensor_new(N2D2_FLOAT32, 4, dims, &in), N2D2_OK);
    int hflip[4] = {-1, -1, -1, -1}, vseen[4][2] = {{0}};
    for (int pass = 0; pass < 8; ++pass) {
        size_t count, idx[4];
        ck_assert_int_eq(n2d2_stimuli_begin(sp, N2D2_SET_LEARN, 0, 0), N2D2_OK);
        ck_assert_int_eq(n2d2_stimuli_next(sp, in, NULL, idx, &count), N2D2_OK);
        ck_assert_uint_eq(count, 4);
        const float *x = n2d2_tensor_cdata(in);
        const int32_t *m = n2d2_tensor_cdata(n2d2_stimuli_label_maps(sp));
        for (size_t i = 0; i < 4; ++i) {
            for (size_t k = 0; k < FX_H * FX_W; ++k) {
                size_t sx = 0, sy = 0;
                ck_assert(source_of(x[i * FX_H * FX_W + k], &sx, &sy));
                ck_assert_int_eq(m[i * FX_H * FX_W + k], ref.map[idx[i]][sy * FX_W + sx]);
            }
            size_t sx = 0, sy = 0;
            ck_assert(source_of(x[i * FX_H * FX_W], &sx, &sy)); /* the top-left pixel's source */
            int h = sx == FX_W - 1, v = sy == FX_H - 1;
            if (hflip[i] < 0)
                hflip[i] = h;
            ck_assert_int_eq(h, hflip[i]);
            vseen[i][v] = 1;
        }
    }
    int varied = 0;
    for (size_t i = 0; i < 4; ++i)
        varied += vseen[i][0] && vseen[i][1];
    ck_assert_int_gt(varied, 0);
    n2d2_tensor_release(in);
    n2d2_stimuli_free(sp);
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(label_maps_follow_rescale_nearest)
{
    run ref, r;
    run_ok(0, "CompositeLabel=Combine", FX_H, FX_W, "", &ref);
    run_ok(0, "CompositeLabel=Combine", 10, 12,
           "[sp.Transformation]\nType=RescaleTransformation\nWidth=12\nHeight=10\n", &r);
    for (size_t i = 0; i < 4; ++i)
        for (size_t y = 0; y < 10; ++y)
            for (size_t x = 0; x < 12; ++x)
                ck_assert_int_eq(r.map[i][y * 12 + x], ref.map[i][(y / 2) * FX_W + x / 2]);
}
END_TEST

START_TEST(disk_cache_with_maps_is_not_implemented)
{
    run r;
    n2d2_status st = open_run(0, "CompositeLabel=Combine", FX_H, FX_W, "CachePath=/tmp/x\n", &r);
    ck_assert_int_eq(st, N2D2_ERR_NOT_IMPLEMENTED);
    ck_assert_msg(strstr(n2d2_error_message(), "net.ini:") &&
                      strstr(n2d2_error_message(), "not implemented yet"),
                  "%s", n2d2_error_message());
}
END_TEST

START_TEST(a_transformation_that_ignores_maps_is_an_error)
{
    run r;
    n2d2_status st = open_run(0, "CompositeLabel=Combine", 5, 5,
                              "[sp.OnTheFlyTransformation]\nType=TestShrinkTransformation\n", &r);
    ck_assert_msg(st == N2D2_ERR_SHAPE, "%d %s", st, n2d2_error_message());
    ck_assert_msg(strstr(n2d2_error_message(), "label map"), "%s", n2d2_error_message());
}
END_TEST

START_TEST(catalogue_roi_api)
{
    n2d2_database *db;
    ck_assert_int_eq(n2d2_database_new(&db), N2D2_OK);
    int z, y;
    ck_assert_int_eq(n2d2_database_add_label(db, "zeta", &z), N2D2_OK);
    ck_assert_int_eq(n2d2_database_add_label(db, "alpha", &y), N2D2_OK);
    size_t i0, i1;
    ck_assert_int_eq(n2d2_database_add_stimulus(db, "s0", z, N2D2_SET_LEARN, 0, &i0), N2D2_OK);
    ck_assert_uint_eq(n2d2_database_roi_total(db), 0);
    ck_assert_uint_eq(n2d2_database_roi_count(db, i0), 0);
    ck_assert_int_eq(n2d2_database_add_roi_rect(db, i0, z, 1, 2, 5, 7), N2D2_OK);
    ck_assert_int_eq(n2d2_database_add_stimulus(db, "s1", -1, N2D2_SET_TEST, 1, &i1), N2D2_OK);
    ck_assert_int_eq(n2d2_database_add_roi_circle(db, i1, y, 3, 4, 2), N2D2_OK);
    const double pts[] = {0, 0, 4, 1, 2, 5};
    ck_assert_int_eq(n2d2_database_add_roi_polygon(db, i0, -1, pts, 3), N2D2_OK);
    ck_assert_uint_eq(n2d2_database_roi_total(db), 3);
    ck_assert_uint_eq(n2d2_database_roi_count(db, i0), 2);
    ck_assert_uint_eq(n2d2_database_roi_count(db, i1), 1);
    /* Sorting labels renumbers the ROIs too. */
    ck_assert_int_eq(n2d2_database_sort_labels(db, NULL), N2D2_OK);
    n2d2_roi roi;
    ck_assert_int_eq(n2d2_database_roi_at(db, i0, 0, &roi), N2D2_OK);
    ck_assert_int_eq(roi.type, N2D2_ROI_RECTANGLE);
    ck_assert_int_eq(roi.label, n2d2_database_label_id(db, "zeta"));
    ck_assert_double_eq(roi.right, 5);
    ck_assert_int_eq(n2d2_database_roi_at(db, i0, 1, &roi), N2D2_OK);
    ck_assert_int_eq(roi.type, N2D2_ROI_POLYGON);
    ck_assert_uint_eq(roi.n_points, 3);
    ck_assert_double_eq(roi.points[3], 1);
    ck_assert_double_eq(roi.right, 4);
    ck_assert_double_eq(roi.bottom, 5);
    ck_assert_int_eq(n2d2_database_roi_at(db, i1, 0, &roi), N2D2_OK);
    ck_assert_int_eq(roi.type, N2D2_ROI_CIRCLE);
    ck_assert_int_eq(roi.label, n2d2_database_label_id(db, "alpha"));
    ck_assert_double_eq(roi.left, 1);
    ck_assert_int_eq(n2d2_database_roi_at(db, i1, 1, &roi), N2D2_ERR_RANGE);
    /* Bad input. */
    ck_assert_int_eq(n2d2_database_add_roi_rect(db, 7, 0, 0, 0, 1, 1), N2D2_ERR_RANGE);
    ck_assert_int_eq(n2d2_database_add_roi_rect(db, i0, 5, 0, 0, 1, 1), N2D2_ERR_INVAL);
    ck_assert_int_eq(n2d2_database_add_roi_rect(db, i0, 0, 3, 0, 1, 1), N2D2_ERR_INVAL);
    ck_assert_msg(strstr(n2d2_error_message(), "empty"), "%s", n2d2_error_message());
    ck_assert_int_eq(n2d2_database_add_roi_circle(db, i0, 0, 0, 0, -1), N2D2_ERR_INVAL);
    ck_assert_int_eq(n2d2_database_add_roi_polygon(db, i0, 0, pts, 2), N2D2_ERR_INVAL);
    ck_assert_uint_eq(n2d2_database_roi_total(db), 3);
    n2d2_database_free(db);
}
END_TEST

START_TEST(non_composite_provider_has_no_maps)
{
    char text[] = "[database]\nType=TestROI_Database\nCase=0\nCompositeLabel=None\n"
                  "[sp]\nSizeX=6\nSizeY=5\nBatchSize=4\n";
    n2d2_ini *ini;
    ck_assert_int_eq(n2d2_ini_load_string(text, strlen(text), "net.ini", &ini), N2D2_OK);
    n2d2_shape shape = {3, {1, 5, 6}};
    n2d2_stimuli *sp;
    ck_assert_int_eq(n2d2_stimuli_new(ini, reg, "sp", &shape, N2D2_FLOAT32, 4, 1, &sp), N2D2_OK);
    ck_assert_ptr_null(n2d2_stimuli_label_maps(sp));
    n2d2_stimuli_free(sp);
    n2d2_ini_free(ini);
    /* CompositeStimuli=0 still extracts the single ROI of a labelled
     * stimulus (CompositeLabel=Auto), with its label. */
    char text2[] = "[database]\nType=TestROI_Database\nCase=2\n"
                   "[sp]\nSizeX=3\nSizeY=2\nBatchSize=4\n";
    ck_assert_int_eq(n2d2_ini_load_string(text2, strlen(text2), "net.ini", &ini), N2D2_OK);
    n2d2_shape crop = {3, {1, 2, 3}};
    ck_assert_msg(n2d2_stimuli_new(ini, reg, "sp", &crop, N2D2_FLOAT32, 4, 1, &sp) == N2D2_OK, "%s",
                  n2d2_error_message());
    size_t dims[4] = {4, 1, 2, 3};
    n2d2_tensor *in;
    ck_assert_int_eq(n2d2_tensor_new(N2D2_FLOAT32, 4, dims, &in), N2D2_OK);
    ck_assert_int_eq(n2d2_stimuli_begin(sp, N2D2_SET_LEARN, 0, 0), N2D2_OK);
    size_t count;
    int labels[4];
    ck_assert_int_eq(n2d2_stimuli_next(sp, in, labels, NULL, &count), N2D2_OK);
    ck_assert_uint_eq(count, 1);
    ck_assert_int_eq(labels[0], 0);
    const float *x = n2d2_tensor_cdata(in);
    ck_assert_float_eq_tol(x[0], (float)(1 + 2 + 10) / 255.0f, 1e-6);
    ck_assert_float_eq_tol(x[5], (float)(1 + 4 + 20) / 255.0f, 1e-6);
    n2d2_tensor_release(in);
    n2d2_stimuli_free(sp);
    n2d2_ini_free(ini);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("label_maps");
    TCase *tc = tcase_create("maps");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, mode_none_uses_the_label_id_only);
    tcase_add_test(tc, mode_default_ignores_the_label_id);
    tcase_add_test(tc, mode_disjoint_uses_the_default_only_with_rois);
    tcase_add_test(tc, mode_combine_draws_rois_over_the_label_id);
    tcase_add_test(tc, mode_auto_composite_only_without_label);
    tcase_add_test(tc, rois_margin_is_ignored);
    tcase_add_test(tc, pixel_wise_labels_with_rois);
    tcase_add_test(tc, default_label_names_an_existing_label);
    tcase_add_test(tc, label_maps_follow_flip_and_padcrop);
    tcase_add_test(tc, label_maps_follow_random_flips_across_passes);
    tcase_add_test(tc, label_maps_follow_rescale_nearest);
    tcase_add_test(tc, a_transformation_that_ignores_maps_is_an_error);
    tcase_add_test(tc, disk_cache_with_maps_is_not_implemented);
    tcase_add_test(tc, catalogue_roi_api);
    tcase_add_test(tc, non_composite_provider_has_no_maps);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
