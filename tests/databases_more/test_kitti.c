/* KITTI_Object_Database and KITTI_Database on miniature KITTI trees
 * written by the test (object: training/image_2 + label_2,
 * testing/image_2; tracking: image_02/<seq>/<frame>.png + label_02/<seq>.txt):
 * the 8 class labels, box ROIs (DontCare ignored), partitions, the test
 * sets, and label-file errors at file:line; KITTI_Road_Database's
 * pixel-wise labels from the ground-truth colours. */
#include "check_run.h"
#include "image_io.h"
#include "dbm_fixture.h"

DBM_FIXTURE(db_kitti, "kitti")

static void text(const char *rel, const char *content)
{
    dbm_write_text_in(dir, rel, content);
}

static void png(const char *rel)
{
    dbm_write_u8_in(dir, rel, 3, 2, 3, 5);
}

static void mkdirs(const char *const *dirs, size_t n)
{
    for (size_t i = 0; i < n; ++i)
        dbf_mkdir(dir, dirs[i]);
}

static void make_object(void)
{
    static const char *const dirs[] = {"training", "training/image_2", "training/label_2",
                                       "testing", "testing/image_2"};
    mkdirs(dirs, sizeof dirs / sizeof *dirs);
    for (int i = 0; i < 3; ++i) {
        char rel[64];
        snprintf(rel, sizeof rel, "training/image_2/%06d.png", i);
        png(rel);
    }
    png("testing/image_2/000000.png");
    png("testing/image_2/000001.png");
    text("training/label_2/000000.txt",
         "Pedestrian 0.00 0 -0.20 712.40 143.00 810.73 307.92 1.89 0.48 1.20 1.84 1.47 8.41 "
         "0.01\n"
         "DontCare -1 -1 -10 503.89 169.71 590.61 190.13 -1 -1 -1 -1000 -1000 -1000 -10\n");
    text("training/label_2/000001.txt",
         "Car 0.00 0 1.55 614.24 181.78 727.31 284.77 1.57 1.73 4.15 1.00 1.75 13.22 1.62\n");
    text("training/label_2/000002.txt", "");
}

static n2d2_status open_object(dbf_handle *h, const char *extra)
{
    char keys[8192];
    snprintf(keys, sizeof keys, "DataPath=%s\n%s", dir, extra);
    return dbf_open(reg, h, "KITTI_Object_Database", keys, 4, 0);
}

START_TEST(object)
{
    make_object();
    dbf_handle h;
    ck_assert_int_eq(open_object(&h, "Learn=0.67\nValidation=0.33\n"), N2D2_OK);
    ck_assert_uint_eq(n2d2_database_label_count(h.db), 8);
    ck_assert_str_eq(n2d2_database_label_name(h.db, 0), "Car");
    ck_assert_str_eq(n2d2_database_label_name(h.db, 4), "Person_sitting");
    ck_assert_str_eq(n2d2_database_label_name(h.db, 7), "Misc");
    ck_assert_uint_eq(n2d2_database_stimulus_count(h.db), 5);
    DBF_CHECK_SETS(h.db, 2, 1, 2);
    ck_assert_uint_eq(n2d2_database_roi_count(h.db, 0), 2);
    n2d2_roi roi;
    ck_assert_int_eq(n2d2_database_roi_at(h.db, 0, 0, &roi), N2D2_OK);
    ck_assert_int_eq(roi.label, 3);
    ck_assert_double_eq_tol(roi.left, 712.40, 1e-9);
    ck_assert_double_eq_tol(roi.bottom, 307.92, 1e-9);
    ck_assert_int_eq(n2d2_database_roi_at(h.db, 0, 1, &roi), N2D2_OK);
    ck_assert_int_eq(roi.label, -1);
    ck_assert_int_eq(n2d2_database_roi_at(h.db, 1, 0, &roi), N2D2_OK);
    ck_assert_int_eq(roi.label, 0);
    ck_assert_uint_eq(n2d2_database_roi_count(h.db, 2), 0);
    char name[4600];
    snprintf(name, sizeof name, "%s/testing/image_2/000001.png", dir);
    ck_assert_str_eq(n2d2_database_stimulus_name(h.db, 4), name);
    n2d2_tensor *t = NULL;
    ck_assert_int_eq(h.ops->read(h.state, h.db, 4, &t, NULL), N2D2_OK);
    n2d2_tensor_release(t);
    dbf_close(&h);
    /* Errors. */
    text("training/label_2/000002.txt",
         "Bus 0.00 0 1.55 614.24 181.78 727.31 284.77 1.57 1.73 4.15 1.00 1.75 13.22 1.62\n");
    dbf_assert_error(open_object(&h, ""), N2D2_ERR_PARSE,
                     "000002.txt:1: unknown object type 'Bus' (Car, Van");
    dbf_close(&h);
    text("training/label_2/000002.txt",
         "\nCar 0.00 0 1.55 614.24 181.78 727.31 284.77 1.57 1.73 4.15 1.00 1.75 13.22\n");
    dbf_assert_error(open_object(&h, ""), N2D2_ERR_PARSE, "000002.txt:2: 14 fields, expected 15");
    dbf_close(&h);
    text("training/label_2/000002.txt",
         "Car 0.00 0 1.55 614.24 181.78 6.31 284.77 1.57 1.73 4.15 1.00 1.75 13.22 1.62\n");
    dbf_assert_error(open_object(&h, ""), N2D2_ERR_PARSE, "000002.txt:1: box");
    dbf_close(&h);
    text("training/label_2/000002.txt", "");
    text("training/label_2/000003.txt", "");
    dbf_assert_error(open_object(&h, ""), N2D2_ERR_NOT_FOUND,
                     "the image of label file");
    dbf_close(&h);
}
END_TEST

START_TEST(tracking)
{
    static const char *const dirs[] = {"image_02", "image_02/0000", "image_02/0020", "label_02"};
    mkdirs(dirs, sizeof dirs / sizeof *dirs);
    png("image_02/0000/000000.png");
    png("image_02/0000/000001.png");
    png("image_02/0000/000002.png");
    png("image_02/0020/000000.png");
    text("label_02/0000.txt",
         "0 -1 DontCare -1 -1 -10.0 219.31 188.49 245.50 218.56 -1000 -1000 -1000 -10 -1 -1 -1\n"
         "0 0 Van 0 0 -1.79 296.74 161.75 455.23 292.25 2.00 1.82 4.43 -4.55 1.65 5.77 -2.45\n"
         "2 0 Cyclist 0 0 -1.79 1 2 3 4 2.00 1.82 4.43 -4.55 1.65 5.77 -2.45\n");
    text("label_02/0020.txt",
         "0 3 Truck 0 0 -1.79 10 20 30 40 2.00 1.82 4.43 -4.55 1.65 5.77 -2.45\n");
    char keys[8192];
    snprintf(keys, sizeof keys, "DataPath=%s/image_02\nLabelPath=%s/label_02\nLearn=0.5\n"
             "Validation=0.5\n", dir, dir);
    dbf_handle h;
    ck_assert_int_eq(dbf_open(reg, &h, "KITTI_Database", keys, 4, 0), N2D2_OK);
    /* Frames 0 and 2 of 0000 (frame 1 has no line), frame 0 of 0020. */
    ck_assert_uint_eq(n2d2_database_stimulus_count(h.db), 3);
    DBF_CHECK_SETS(h.db, 1, 1, 1);
    char name[4600];
    snprintf(name, sizeof name, "%s/image_02/0000/000002.png", dir);
    ck_assert_str_eq(n2d2_database_stimulus_name(h.db, 1), name);
    ck_assert_uint_eq(n2d2_database_roi_count(h.db, 0), 2);
    n2d2_roi roi;
    ck_assert_int_eq(n2d2_database_roi_at(h.db, 0, 1, &roi), N2D2_OK);
    ck_assert_int_eq(roi.label, 1);
    ck_assert_int_eq(n2d2_database_roi_at(h.db, 2, 0, &roi), N2D2_OK);
    ck_assert_int_eq(roi.label, 2);
    ck_assert_double_eq(roi.right, 30);
    ck_assert_int_eq(n2d2_database_stimulus_set(h.db, 2), N2D2_SET_TEST);
    dbf_close(&h);
    text("label_02/0000.txt",
         "2 0 Cyclist 0 0 -1.79 1 2 3 4 2.00 1.82 4.43 -4.55 1.65 5.77 -2.45\n"
         "1 0 Cyclist 0 0 -1.79 1 2 3 4 2.00 1.82 4.43 -4.55 1.65 5.77 -2.45\n");
    dbf_assert_error(dbf_open(reg, &h, "KITTI_Database", keys, 4, 0), N2D2_ERR_PARSE,
                     "0000.txt:2: frame 1 after frame 2");
    dbf_close(&h);
    text("label_02/0000.txt",
         "7 0 Cyclist 0 0 -1.79 1 2 3 4 2.00 1.82 4.43 -4.55 1.65 5.77 -2.45\n");
    dbf_assert_error(dbf_open(reg, &h, "KITTI_Database", keys, 4, 0), N2D2_ERR_NOT_FOUND,
                     "0000.txt:1: the image of frame 7 is missing");
    dbf_close(&h);
    text("label_02/0000.txt",
         "1 0 Cyclist 0 0 -1.79 1 2 3 4 2.00 1.82 4.43 -4.55 1.65 5.77 -2.45\n");
    char path[4600];
    snprintf(path, sizeof path, "%s/label_02/0020.txt", dir);
    remove(path);
    dbf_assert_error(dbf_open(reg, &h, "KITTI_Database", keys, 4, 0), N2D2_ERR_NOT_FOUND,
                     "0020.txt");
    dbf_close(&h);
}
END_TEST

/* A 2x3 ground truth (BGR planes): magenta, red, black / red, magenta, magenta. */
static void gt_png(const char *rel)
{
    static const unsigned char b[6] = {255, 0, 0, 0, 255, 255}, r[6] = {255, 255, 0, 255, 255, 255};
    unsigned char px[18];
    memcpy(px, b, 6);
    memset(px + 6, 0, 6);
    memcpy(px + 12, r, 6);
    char path[4600];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    ck_assert_int_eq(n2d2_dbimg_write(path, N2D2_DBIMG_U8, 3, 2, 3, px), N2D2_OK);
}

/* The driver's schema plus the provider's DefaultLabel key, as n2d2-run
 * passes it. */
static n2d2_status open_road(dbf_handle *h, const char *keys)
{
    memset(h, 0, sizeof *h);
    char text[8192];
    snprintf(text, sizeof text, "[database]\nType=KITTI_Road_Database\n%s", keys);
    ck_assert_int_eq(n2d2_ini_load_string(text, strlen(text), "db.ini", &h->ini), N2D2_OK);
    const n2d2_feature *f = n2d2_registry_find(reg, N2D2_KIND_DATABASE, "KITTI_Road_Database",
                                               NULL);
    ck_assert_ptr_nonnull(f);
    n2d2_param_spec schema[16];
    ck_assert_uint_lt(f->n_params, 15);
    memcpy(schema, f->params, f->n_params * sizeof *schema);
    const n2d2_param_spec def = {"DefaultLabel", N2D2_PARAM_STRING, "", NULL, 0, 0, 0, "x"};
    schema[f->n_params] = def;
    h->ops = f->ops;
    n2d2_ini_section *sec = n2d2_ini_find(h->ini, "database");
    n2d2_status st = n2d2_params_from_ini(h->ini, &sec, 1, NULL, 0, schema, f->n_params + 1,
                                          &h->params);
    if (st == N2D2_OK)
        st = h->ops->create(h->params, &h->state);
    if (st == N2D2_OK)
        st = n2d2_database_new(&h->db);
    if (st == N2D2_OK)
        st = h->ops->load(h->state, h->db, NULL);
    return st;
}

START_TEST(road)
{
    static const char *const dirs[] = {"data_road", "data_road/training",
                                       "data_road/training/image_2",
                                       "data_road/training/gt_image_2", "data_road/testing",
                                       "data_road/testing/image_2"};
    mkdirs(dirs, sizeof dirs / sizeof *dirs);
    png("data_road/training/image_2/um_000000.png");
    png("data_road/training/image_2/uu_000001.png");
    gt_png("data_road/training/gt_image_2/um_road_000000.png");
    gt_png("data_road/training/gt_image_2/um_lane_000000.png");
    gt_png("data_road/training/gt_image_2/uu_road_000001.png");
    png("data_road/testing/image_2/um_000005.png");
    char keys[8192];
    snprintf(keys, sizeof keys, "DataPath=%s/data_road/training/image_2\n"
             "LabelPath=%s/data_road/training/gt_image_2\nLearn=0.5\nValidation=0.5\n%s",
             dir, dir, "DefaultLabel=background\n");
    dbf_handle h;
    ck_assert_int_eq(open_road(&h, keys), N2D2_OK);
    ck_assert_uint_eq(n2d2_database_label_count(h.db), 1);
    ck_assert_str_eq(n2d2_database_label_name(h.db, 0), "Road");
    ck_assert_uint_eq(n2d2_database_stimulus_count(h.db), 3);
    DBF_CHECK_SETS(h.db, 1, 1, 1);
    ck_assert_uint_eq(n2d2_database_roi_total(h.db), 0);
    /* The provider adds the DefaultLabel after loading. */
    int bg;
    ck_assert_int_eq(n2d2_database_add_label(h.db, "background", &bg), N2D2_OK);
    n2d2_tensor *t = NULL, *m = NULL;
    ck_assert_int_eq(h.ops->read(h.state, h.db, 1, &t, &m), N2D2_OK);
    ck_assert_ptr_nonnull(m);
    ck_assert_int_eq(n2d2_tensor_dtype(m), N2D2_INT32);
    ck_assert_uint_eq(n2d2_tensor_dim(m, 1), 2);
    ck_assert_uint_eq(n2d2_tensor_dim(m, 2), 3);
    const int32_t *l = n2d2_tensor_data(m);
    const int32_t want[6] = {0, bg, -1, bg, 0, 0};
    for (int i = 0; i < 6; ++i)
        ck_assert_int_eq(l[i], want[i]);
    n2d2_tensor_release(t);
    n2d2_tensor_release(m);
    /* Test images have no ground truth. */
    ck_assert_int_eq(h.ops->read(h.state, h.db, 2, &t, &m), N2D2_OK);
    ck_assert_ptr_null(m);
    n2d2_tensor_release(t);
    dbf_close(&h);
    /* Without DefaultLabel, not-road pixels are -1. */
    snprintf(keys, sizeof keys, "DataPath=%s/data_road/training/image_2\n"
             "LabelPath=%s/data_road/training/gt_image_2\nLearn=1\nValidation=0\n", dir, dir);
    ck_assert_int_eq(open_road(&h, keys), N2D2_OK);
    ck_assert_int_eq(h.ops->read(h.state, h.db, 0, &t, &m), N2D2_OK);
    ck_assert_int_eq(((const int32_t *)n2d2_tensor_data(m))[1], -1);
    n2d2_tensor_release(t);
    n2d2_tensor_release(m);
    dbf_close(&h);
    /* A ground truth of another size, then a missing one. */
    char path[4600];
    snprintf(path, sizeof path, "%s/data_road/training/gt_image_2/uu_road_000001.png", dir);
    unsigned char px[3 * 5 * 5] = {0};
    ck_assert_int_eq(n2d2_dbimg_write(path, N2D2_DBIMG_U8, 3, 5, 5, px), N2D2_OK);
    ck_assert_int_eq(open_road(&h, keys), N2D2_OK);
    dbf_assert_error(h.ops->read(h.state, h.db, 1, &t, &m), N2D2_ERR_SHAPE,
                     "uu_road_000001.png: the ground truth is not an 8-bit colour image of the "
                     "size of");
    ck_assert_ptr_null(t);
    dbf_close(&h);
    remove(path);
    dbf_assert_error(open_road(&h, keys), N2D2_ERR_NOT_FOUND,
                     "the ground truth of");
    dbf_close(&h);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("kitti_database");
    TCase *tc = tcase_create("kitti");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, object);
    tcase_add_test(tc, tracking);
    tcase_add_test(tc, road);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
