/* CaltechPedestrian_Database on a miniature dbExtract output written by
 * the test (images/setNN/VNNN/INNNNN.jpg, annotations/.../INNNNN.txt in
 * bbGt format): learn vs test sets, Validation, the person/people/person?
 * rules, occluded (visible) boxes, clipping to 640x480, ignored areas, and
 * annotation errors at file:line. */
#include "check_run.h"
#include "image_io.h"
#include "dbm_fixture.h"

DBM_FIXTURE(db_caltechped, "caltechped")

static void text(const char *rel, const char *content)
{
    dbm_write_text_in(dir, rel, content);
}

static void jpg(const char *rel)
{
    dbm_write_u8_in(dir, rel, 3, 4, 4, 60);
}

static void make_tree(void)
{
    dbf_mkdir(dir, "images");
    dbf_mkdir(dir, "annotations");
    for (int s = 0; s <= 10; ++s) {
        char rel[128];
        snprintf(rel, sizeof rel, "images/set%02d", s);
        dbf_mkdir(dir, rel);
        snprintf(rel, sizeof rel, "annotations/set%02d", s);
        dbf_mkdir(dir, rel);
    }
    static const char *const dirs[] = {"images/set00/V000", "annotations/set00/V000",
                                       "images/set01/V000", "annotations/set01/V000",
                                       "images/set06/V001", "annotations/set06/V001"};
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; ++i)
        dbf_mkdir(dir, dirs[i]);
    jpg("images/set00/V000/I00000.jpg");
    jpg("images/set00/V000/I00001.jpg");
    jpg("images/set01/V000/I00000.jpg");
    jpg("images/set06/V001/I00000.jpg");
    text("annotations/set00/V000/I00000.txt",
         "% bbGt version=3\n"
         "person 10 20 30 40 0 0 0 0 0 0 0\n"
         "people 600 450 100 100 0 0 0 0 0 0 0\n"
         "person? 1 2 3 4 0 0 0 0 0 0 0\n"
         "person-fa 1 2 3 4 0 0 0 0 0 0 0\n"
         "person 5 5 20 20 1 8 9 10 11 0 0 % occluded: the visible box\n");
    text("annotations/set00/V000/I00001.txt", "% bbGt version=3\n");
    text("annotations/set01/V000/I00000.txt", "people -5 10 20 20 0 0 0 0 0 0 0\n");
    text("annotations/set06/V001/I00000.txt", "person 1 1 2 2 0 0 0 0 0 1 0\n");
}

static n2d2_status open_db(dbf_handle *h, const char *extra)
{
    char keys[8192];
    snprintf(keys, sizeof keys, "DataPath=%s/images\nLabelPath=%s/annotations\n%s", dir, dir,
             extra);
    return dbf_open(reg, h, "CaltechPedestrian_Database", keys, 4, 0);
}

static void expect_roi(const n2d2_database *db, size_t index, size_t i, int label, double l,
                       double t, double r, double b)
{
    n2d2_roi roi;
    ck_assert_int_eq(n2d2_database_roi_at(db, index, i, &roi), N2D2_OK);
    ck_assert_int_eq(roi.label, label);
    ck_assert_double_eq(roi.left, l);
    ck_assert_double_eq(roi.top, t);
    ck_assert_double_eq(roi.right, r);
    ck_assert_double_eq(roi.bottom, b);
}

START_TEST(sets_and_rules)
{
    make_tree();
    dbf_handle h;
    ck_assert_int_eq(open_db(&h, "Validation=0.34\n"), N2D2_OK);
    ck_assert_uint_eq(n2d2_database_label_count(h.db), 1);
    ck_assert_str_eq(n2d2_database_label_name(h.db, 0), "person");
    ck_assert_uint_eq(n2d2_database_stimulus_count(h.db), 4);
    DBF_CHECK_SETS(h.db, 2, 1, 1);
    ck_assert_int_eq(n2d2_database_stimulus_set(h.db, 3), N2D2_SET_TEST);
    ck_assert_uint_eq(n2d2_database_roi_count(h.db, 0), 4);
    expect_roi(h.db, 0, 0, 0, 10, 20, 40, 60);
    expect_roi(h.db, 0, 1, 0, 600, 450, 640, 480); /* people -> person, clipped */
    expect_roi(h.db, 0, 2, -1, 1, 2, 4, 6);        /* person? ignored */
    expect_roi(h.db, 0, 3, 0, 8, 9, 18, 20);       /* occluded: visible box */
    ck_assert_uint_eq(n2d2_database_roi_count(h.db, 1), 0);
    expect_roi(h.db, 2, 0, 0, 0, 10, 15, 30);      /* left clipped to 0 */
    expect_roi(h.db, 3, 0, -1, 1, 1, 3, 3);        /* ignore flag */
    char name[4600];
    snprintf(name, sizeof name, "%s/images/set06/V001/I00000.jpg", dir);
    ck_assert_str_eq(n2d2_database_stimulus_name(h.db, 3), name);
    dbf_close(&h);
    ck_assert_int_eq(open_db(&h, "SingleLabel=0\nIncAmbiguous=1\n"), N2D2_OK);
    ck_assert_uint_eq(n2d2_database_label_count(h.db), 2);
    ck_assert_str_eq(n2d2_database_label_name(h.db, 0), "people");
    ck_assert_str_eq(n2d2_database_label_name(h.db, 1), "person");
    expect_roi(h.db, 0, 1, 0, 600, 450, 640, 480);
    expect_roi(h.db, 0, 2, 1, 1, 2, 4, 6);
    ck_assert_uint_eq(n2d2_database_set_count(h.db, N2D2_SET_LEARN), 3);
    dbf_close(&h);
}
END_TEST

START_TEST(errors)
{
    make_tree();
    dbf_handle h;
    text("annotations/set01/V000/I00000.txt", "% c\n\nperson 1 2 3 4 0 0 0 0 0 0\n");
    dbf_assert_error(open_db(&h, ""), N2D2_ERR_PARSE,
                     "set01/V000/I00000.txt:3: 11 fields, expected 12");
    dbf_close(&h);
    text("annotations/set01/V000/I00000.txt", "person 1 2 x 4 0 0 0 0 0 0 0\n");
    dbf_assert_error(open_db(&h, ""), N2D2_ERR_PARSE,
                     "I00000.txt:1: field 4 'x' is not a number");
    dbf_close(&h);
    char path[4600];
    snprintf(path, sizeof path, "%s/annotations/set01/V000/I00000.txt", dir);
    remove(path);
    dbf_assert_error(open_db(&h, ""), N2D2_ERR_NOT_FOUND, "annotation of");
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "set01/V000/I00000.jpg missing"));
    dbf_close(&h);
    text("annotations/set01/V000/I00000.txt", "");
    snprintf(path, sizeof path, "%s/images/set07", dir);
    rmdir(path);
    dbf_assert_error(open_db(&h, ""), N2D2_ERR_NOT_FOUND, "set07 is not a directory");
    dbf_close(&h);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("caltechped_database");
    TCase *tc = tcase_create("caltechped");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, sets_and_rules);
    tcase_add_test(tc, errors);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
