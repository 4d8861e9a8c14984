/* FDDB_Database on a miniature FDDB tree written by the test (images
 * <DataPath>/2002/08/11/big/img_591.jpg..., ten FDDB-fold-NN-ellipseList.txt
 * files): stimuli and face counts, the ellipse-to-polygon ROIs checked
 * against hand-computed vertices, the partition, and fold-file errors at
 * file:line. */
#include <math.h>

#include "check_run.h"
#include "image_io.h"
#include "dbm_fixture.h"

DBM_FIXTURE(db_fddb, "fddb")

static void text(const char *rel, const char *content)
{
    dbm_write_text_in(dir, rel, content);
}

static void jpg(const char *rel)
{
    dbm_write_u8_in(dir, rel, 3, 8, 8, 100);
}

static const char fold1[] =
    "2002/08/11/big/img_591\n1\n123.583300 85.549500 1.265839 269.693400 161.781200  1\n"
    "2002/08/26/big/img_265\n3\n"
    "67.363819 44.511485 -1.476417 105.249970 87.209036  1\n"
    "41.936870 27.064477 1.471906 184.070915 129.345601  1\n"
    "70.993052 43.355200 1.370217 340.894300 117.498951  1\n";

static void make_tree(void)
{
    static const char *const dirs[] = {"pics", "pics/2002", "pics/2002/08", "pics/2002/08/11",
                                       "pics/2002/08/11/big", "pics/2002/08/26",
                                       "pics/2002/08/26/big", "pics/2003", "pics/2003/01",
                                       "pics/2003/01/13", "pics/2003/01/13/big", "folds"};
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; ++i)
        dbf_mkdir(dir, dirs[i]);
    jpg("pics/2002/08/11/big/img_591.jpg");
    jpg("pics/2002/08/26/big/img_265.jpg");
    jpg("pics/2003/01/13/big/img_49.jpg");
    text("folds/FDDB-fold-01-ellipseList.txt", fold1);
    text("folds/FDDB-fold-02-ellipseList.txt", "2003/01/13/big/img_49\n0\n");
    for (int k = 3; k <= 10; ++k) {
        char rel[128];
        snprintf(rel, sizeof rel, "folds/FDDB-fold-%02d-ellipseList.txt", k);
        text(rel, "");
    }
}

static n2d2_status open_db(dbf_handle *h, const char *extra)
{
    char keys[8192];
    snprintf(keys, sizeof keys, "DataPath=%s/pics\nLabelPath=%s/folds\n%s", dir, dir, extra);
    return dbf_open(reg, h, "FDDB_Database", keys, 4, 0);
}

START_TEST(faces)
{
    make_tree();
    dbf_handle h;
    ck_assert_int_eq(open_db(&h, "Learn=0.34\nValidation=0.33\n"), N2D2_OK);
    ck_assert_uint_eq(n2d2_database_label_count(h.db), 1);
    ck_assert_str_eq(n2d2_database_label_name(h.db, 0), "1");
    ck_assert_uint_eq(n2d2_database_stimulus_count(h.db), 3);
    DBF_CHECK_SETS(h.db, 1, 1, 1);
    char name[4600];
    snprintf(name, sizeof name, "%s/pics/2003/01/13/big/img_49.jpg", dir);
    ck_assert_str_eq(n2d2_database_stimulus_name(h.db, 2), name);
    ck_assert_uint_eq(n2d2_database_roi_count(h.db, 0), 1);
    ck_assert_uint_eq(n2d2_database_roi_count(h.db, 1), 3);
    ck_assert_uint_eq(n2d2_database_roi_count(h.db, 2), 0);
    n2d2_roi roi;
    ck_assert_int_eq(n2d2_database_roi_at(h.db, 0, 0, &roi), N2D2_OK);
    ck_assert_int_eq(roi.type, N2D2_ROI_POLYGON);
    ck_assert_int_eq(roi.label, 0);
    ck_assert_uint_eq(roi.n_points, 32);
    /* Vertex 0: the end of the major axis, (cx + a cos(angle), cy + a sin(angle));
     * vertex 8 (a quarter turn): the end of the minor axis, (cx - b sin, cy + b cos). */
    const double a = 123.5833, b = 85.5495, ang = 1.265839, cx = 269.6934, cy = 161.7812;
    ck_assert_double_eq_tol(roi.points[0], cx + a * cos(ang), 1e-9);
    ck_assert_double_eq_tol(roi.points[1], cy + a * sin(ang), 1e-9);
    ck_assert_double_eq_tol(roi.points[16], cx - b * sin(ang), 1e-9);
    ck_assert_double_eq_tol(roi.points[17], cy + b * cos(ang), 1e-9);
    n2d2_tensor *t = NULL;
    ck_assert_int_eq(h.ops->read(h.state, h.db, 2, &t, NULL), N2D2_OK);
    ck_assert_uint_eq(n2d2_tensor_dim(t, 1), 8);
    n2d2_tensor_release(t);
    dbf_close(&h);
}
END_TEST

START_TEST(errors)
{
    make_tree();
    dbf_handle h;
    dbf_assert_error(open_db(&h, ""), N2D2_ERR_NOT_FOUND, "Learn");
    dbf_close(&h);
    text("folds/FDDB-fold-02-ellipseList.txt", "2003/01/13/big/img_50\n0\n");
    dbf_assert_error(open_db(&h, "Learn=0.5\n"), N2D2_ERR_NOT_FOUND,
                     "FDDB-fold-02-ellipseList.txt:1: image");
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "img_50.jpg does not exist"));
    dbf_close(&h);
    text("folds/FDDB-fold-02-ellipseList.txt", "2003/01/13/big/img_49\ntwo\n");
    dbf_assert_error(open_db(&h, "Learn=0.5\n"), N2D2_ERR_PARSE,
                     "FDDB-fold-02-ellipseList.txt:2: 'two' is not a number of faces");
    dbf_close(&h);
    text("folds/FDDB-fold-02-ellipseList.txt", "2003/01/13/big/img_49\n1\n1 2 3 4 1\n");
    dbf_assert_error(open_db(&h, "Learn=0.5\n"), N2D2_ERR_PARSE,
                     "FDDB-fold-02-ellipseList.txt:3: expected");
    dbf_close(&h);
    text("folds/FDDB-fold-02-ellipseList.txt", "2003/01/13/big/img_49\n2\n1 2 3 4 5 1\n");
    dbf_assert_error(open_db(&h, "Learn=0.5\n"), N2D2_ERR_PARSE,
                     "the file ends inside an image entry (faces missing)");
    dbf_close(&h);
    text("folds/FDDB-fold-02-ellipseList.txt", "");
    char path[4600];
    snprintf(path, sizeof path, "%s/folds/FDDB-fold-07-ellipseList.txt", dir);
    remove(path);
    dbf_assert_error(open_db(&h, "Learn=0.5\n"), N2D2_ERR_NOT_FOUND,
                     "FDDB-fold-07-ellipseList.txt");
    dbf_close(&h);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fddb_database");
    TCase *tc = tcase_create("fddb");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, faces);
    tcase_add_test(tc, errors);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
