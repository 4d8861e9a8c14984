/* DOTA_Database on a miniature DOTA tree written by the test
 * (train|val/images/<name>.png with train|val/labelTxt/<name>.txt): polygon ROIs,
 * labels sorted by name, the train/ split and val/ as validation (and
 * test), LabelPath, and label-file errors at file:line. */
#include "check_run.h"
#include "image_io.h"
#include "dbm_fixture.h"

DBM_FIXTURE(db_dota, "dota")

static void text(const char *rel, const char *content)
{
    dbm_write_text_in(dir, rel, content);
}

static void png(const char *rel)
{
    dbm_write_u8_in(dir, rel, 3, 4, 4, 9);
}

#define HEAD "imagesource:GoogleEarth\ngsd:0.146343590398\n"

static void make_tree(void)
{
    static const char *const dirs[] = {"train", "train/images", "train/labelTxt", "val",
                                       "val/images", "val/labelTxt"};
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; ++i)
        dbf_mkdir(dir, dirs[i]);
    png("train/images/P0001.png");
    png("train/images/P0002.png");
    png("train/images/P0003.png");
    text("train/images/notes.txt", "not an image");
    png("val/images/P0100.png");
    text("train/labelTxt/P0001.txt",
         HEAD "2753.0 2408.0 2861.0 2385.0 2888.0 2468.0 2805.0 2502.0 ship 0\n"
              "10 10 20 10 20 20 10 20 plane 1\n");
    text("train/labelTxt/P0002.txt", HEAD);
    text("train/labelTxt/P0003.txt", HEAD "\r\n1 2 3 4 5 6 7 8 plane 0\r\n");
    text("val/labelTxt/P0100.txt", HEAD "0 0 3 0 3 3 0 3 small-vehicle 0\n");
}

static n2d2_status open_db(dbf_handle *h, const char *extra)
{
    char keys[8192];
    snprintf(keys, sizeof keys, "DataPath=%s\n%s", dir, extra);
    return dbf_open(reg, h, "DOTA_Database", keys, 4, 0);
}

START_TEST(rois_labels_sets)
{
    make_tree();
    dbf_handle h;
    ck_assert_int_eq(open_db(&h, "Learn=0.67\n"), N2D2_OK);
    ck_assert_uint_eq(n2d2_database_label_count(h.db), 3);
    ck_assert_str_eq(n2d2_database_label_name(h.db, 0), "plane");
    ck_assert_str_eq(n2d2_database_label_name(h.db, 1), "ship");
    ck_assert_str_eq(n2d2_database_label_name(h.db, 2), "small-vehicle");
    /* train: round(0.67 x 3) = 2 learn, 1 test; val: validation and test. */
    ck_assert_uint_eq(n2d2_database_stimulus_count(h.db), 5);
    DBF_CHECK_SETS(h.db, 2, 1, 2);
    ck_assert_int_eq(n2d2_database_stimulus_label(h.db, 0), -1);
    ck_assert_uint_eq(n2d2_database_roi_count(h.db, 0), 2);
    ck_assert_uint_eq(n2d2_database_roi_count(h.db, 1), 0);
    ck_assert_uint_eq(n2d2_database_roi_total(h.db), 5);
    n2d2_roi roi;
    ck_assert_int_eq(n2d2_database_roi_at(h.db, 0, 0, &roi), N2D2_OK);
    ck_assert_int_eq(roi.type, N2D2_ROI_POLYGON);
    ck_assert_int_eq(roi.label, 1); /* ship, after sorting */
    ck_assert_uint_eq(roi.n_points, 4);
    ck_assert_double_eq(roi.points[0], 2753.0);
    ck_assert_double_eq(roi.points[7], 2502.0);
    ck_assert_int_eq(n2d2_database_roi_at(h.db, 0, 1, &roi), N2D2_OK);
    ck_assert_int_eq(roi.label, 0);
    char name[4600];
    snprintf(name, sizeof name, "%s/val/images/P0100.png", dir);
    ck_assert_str_eq(n2d2_database_stimulus_name(h.db, 3), name);
    ck_assert_str_eq(n2d2_database_stimulus_name(h.db, 4), name);
    n2d2_tensor *t = NULL;
    ck_assert_int_eq(h.ops->read(h.state, h.db, 4, &t, NULL), N2D2_OK);
    ck_assert_uint_eq(n2d2_tensor_dim(t, 0), 3);
    n2d2_tensor_release(t);
    dbf_close(&h);
    ck_assert_int_eq(open_db(&h, "Learn=1\nUseValidationForTest=0\n"), N2D2_OK);
    ck_assert_uint_eq(n2d2_database_set_count(h.db, N2D2_SET_LEARN), 3);
    ck_assert_uint_eq(n2d2_database_set_count(h.db, N2D2_SET_TEST), 0);
    dbf_close(&h);
}
END_TEST

START_TEST(label_path_and_errors)
{
    make_tree();
    dbf_handle h;
    /* Labels elsewhere: LabelPath. */
    char keys[8192];
    snprintf(keys, sizeof keys, "DataPath=%s\nLabelPath=%s/labels\nLearn=0.5\n", dir, dir);
    dbf_assert_error(dbf_open(reg, &h, "DOTA_Database", keys, 1, 0), N2D2_ERR_NOT_FOUND,
                     "label file of");
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "labels/train/labelTxt/P0001.txt"));
    dbf_close(&h);
    text("train/labelTxt/P0002.txt", "gsd:0.1\n");
    dbf_assert_error(open_db(&h, "Learn=0.5\n"), N2D2_ERR_PARSE,
                     "P0002.txt:1: the line should start with \"imagesource:\"");
    dbf_close(&h);
    text("train/labelTxt/P0002.txt", HEAD "1 2 3 4 5 6 7 plane 0\n");
    dbf_assert_error(open_db(&h, "Learn=0.5\n"), N2D2_ERR_PARSE, "P0002.txt:3: expected");
    dbf_close(&h);
    text("train/labelTxt/P0002.txt", HEAD "1 2 3 4 5 6 7 8 plane 2\n");
    dbf_assert_error(open_db(&h, "Learn=0.5\n"), N2D2_ERR_PARSE, "P0002.txt:3: expected");
    dbf_close(&h);
    text("train/labelTxt/P0002.txt", "imagesource:x\n");
    dbf_assert_error(open_db(&h, "Learn=0.5\n"), N2D2_ERR_PARSE, "P0002.txt:2: missing");
    dbf_close(&h);
    dbf_assert_error(open_db(&h, ""), N2D2_ERR_NOT_FOUND, "Learn");
    dbf_close(&h);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("dota_database");
    TCase *tc = tcase_create("dota");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, rois_labels_sets);
    tcase_add_test(tc, label_path_and_errors);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
