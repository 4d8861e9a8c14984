/* Daimler_Database on a miniature DaimlerBenchmark/Data tree written by the
 * test: the patch mode (TrainingData/ crops, two labels, fraction
 * partition) and the fully-CNN mode (TestData/ images with ROIs from a
 * GroundTruth2D.db file: classes, clipping, ignored class 255), and
 * ground-truth errors at file:line. */
#include "check_run.h"
#include "image_io.h"
#include "dbm_fixture.h"

DBM_FIXTURE(db_daimler, "daimler")

static void pgm(const char *rel, unsigned char value)
{
    dbm_write_u8_in(dir, rel, 1, 4, 2, value);
}

static void make_patches(void)
{
    static const char *const dirs[] = {"TrainingData", "TrainingData/Pedestrians",
                                       "TrainingData/Pedestrians/48x96",
                                       "TrainingData/Pedestrians/18x36",
                                       "TrainingData/NonPedestrians"};
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; ++i)
        dbf_mkdir(dir, dirs[i]);
    pgm("TrainingData/Pedestrians/48x96/ped_a.pgm", 1);
    pgm("TrainingData/Pedestrians/48x96/ped_b.pgm", 2);
    pgm("TrainingData/Pedestrians/48x96/ped_c.pgm", 3);
    pgm("TrainingData/Pedestrians/18x36/small_a.pgm", 4);
    pgm("TrainingData/Pedestrians/18x36/small_b.pgm", 5);
    for (int k = 0; k < 4; ++k) {
        char rel[128];
        snprintf(rel, sizeof rel, "TrainingData/NonPedestrians/bg%d.pgm", k);
        pgm(rel, (unsigned char)(50 + k));
    }
}

static const char gt_text[] =
    ":\nPAMI_2009_Detection_Benchmark\n/PATH/TO/IMAGE/DATA/\n2\n"
    ";\nimg00000.pgm\n640 480\n0 2\n"
    "# 0 1 2 1.0\n10 20 58 120\n0\n"
    "# 255 3 4 0.0\n1 1 5 5\n0\n"
    ";\nimg00001.pgm\n640 480\n0 1\n"
    "# 10 3 4 1\n600 400 700 500\n0\n";

static n2d2_status open_db(dbf_handle *h, const char *extra)
{
    char keys[8192];
    snprintf(keys, sizeof keys, "DataPath=%s\nLabelPath=%s/GroundTruth2D.db\n%s", dir, dir,
             extra);
    return dbf_open(reg, h, "Daimler_Database", keys, 4, 0);
}

static void write_gt(const char *content)
{
    char path[4600];
    snprintf(path, sizeof path, "%s/GroundTruth2D.db", dir);
    dbf_write_text(path, content);
}

START_TEST(patch_mode)
{
    make_patches();
    dbf_handle h;
    ck_assert_int_eq(open_db(&h, ""), N2D2_OK);
    ck_assert_uint_eq(n2d2_database_label_count(h.db), 2);
    ck_assert_str_eq(n2d2_database_label_name(h.db, 0), "Pedestrians");
    ck_assert_str_eq(n2d2_database_label_name(h.db, 1), "NonPedestrians");
    /* Defaults Learn=1, Validation=0, Test=0: all 9 crops learn. */
    ck_assert_uint_eq(n2d2_database_set_count(h.db, N2D2_SET_LEARN), 9);
    ck_assert_uint_eq(dbf_count(h.db, N2D2_SET_LEARN, 0), 5);
    ck_assert_uint_eq(dbf_count(h.db, N2D2_SET_LEARN, 1), 4);
    char name[4600];
    snprintf(name, sizeof name, "%s/TrainingData/Pedestrians/18x36/small_a.pgm", dir);
    ck_assert_str_eq(n2d2_database_stimulus_name(h.db, 3), name);
    n2d2_tensor *t = NULL;
    ck_assert_int_eq(h.ops->read(h.state, h.db, 3, &t, NULL), N2D2_OK);
    ck_assert_uint_eq(n2d2_tensor_dim(t, 1), 4);
    ck_assert_uint_eq(((const unsigned char *)n2d2_tensor_data(t))[7], 4);
    n2d2_tensor_release(t);
    ck_assert_uint_eq(n2d2_database_roi_total(h.db), 0);
    dbf_close(&h);
    /* 0.5 x 9 -> 5 (to nearest, half away from zero), 0.25 x 9 -> 2 and 2. */
    ck_assert_int_eq(open_db(&h, "Learn=0.5\nValidation=0.25\nTest=0.25\n"), N2D2_OK);
    DBF_CHECK_SETS(h.db, 5, 2, 2);
    dbf_close(&h);
    /* A missing crop folder. */
    char path[4600];
    snprintf(path, sizeof path, "%s/TrainingData/NonPedestrians", dir);
    for (int k = 0; k < 4; ++k) {
        char file[4700];
        snprintf(file, sizeof file, "%s/bg%d.pgm", path, k);
        remove(file);
    }
    dbf_assert_error(open_db(&h, ""), N2D2_ERR_NOT_FOUND, "no image in");
    dbf_close(&h);
    rmdir(path);
    dbf_assert_error(open_db(&h, ""), N2D2_ERR_NOT_FOUND, "NonPedestrians");
    dbf_close(&h);
}
END_TEST

START_TEST(fully_mode)
{
    write_gt(gt_text);
    dbf_mkdir(dir, "TestData");
    pgm("TestData/img00000.pgm", 9);
    dbf_handle h;
    ck_assert_int_eq(open_db(&h, "Fully=1\n"), N2D2_OK);
    ck_assert_uint_eq(n2d2_database_label_count(h.db), 4);
    ck_assert_str_eq(n2d2_database_label_name(h.db, 0), "Pedestrians");
    ck_assert_str_eq(n2d2_database_label_name(h.db, 3), "Group");
    ck_assert_uint_eq(n2d2_database_stimulus_count(h.db), 2);
    ck_assert_int_eq(n2d2_database_stimulus_label(h.db, 0), -1);
    ck_assert_uint_eq(n2d2_database_set_count(h.db, N2D2_SET_LEARN), 2);
    char name[4600];
    snprintf(name, sizeof name, "%s/TestData/img00001.pgm", dir);
    ck_assert_str_eq(n2d2_database_stimulus_name(h.db, 1), name);
    /* Image 0: the pedestrian box only (class 255 is not a label). */
    ck_assert_uint_eq(n2d2_database_roi_count(h.db, 0), 1);
    n2d2_roi roi;
    ck_assert_int_eq(n2d2_database_roi_at(h.db, 0, 0, &roi), N2D2_OK);
    ck_assert_int_eq(roi.type, N2D2_ROI_RECTANGLE);
    ck_assert_int_eq(roi.label, 0);
    ck_assert_double_eq(roi.left, 10);
    ck_assert_double_eq(roi.top, 20);
    ck_assert_double_eq(roi.right, 58);
    ck_assert_double_eq(roi.bottom, 120);
    /* Image 1: a group box clipped to the 640x480 image. */
    ck_assert_int_eq(n2d2_database_roi_at(h.db, 1, 0, &roi), N2D2_OK);
    ck_assert_int_eq(roi.label, 3);
    ck_assert_double_eq(roi.right, 640);
    ck_assert_double_eq(roi.bottom, 480);
    n2d2_tensor *t = NULL;
    ck_assert_int_eq(h.ops->read(h.state, h.db, 0, &t, NULL), N2D2_OK);
    n2d2_tensor_release(t);
    dbf_assert_error(h.ops->read(h.state, h.db, 1, &t, NULL), N2D2_ERR_NOT_FOUND, "img00001.pgm");
    dbf_close(&h);
}
END_TEST

START_TEST(ground_truth_errors)
{
    dbf_handle h;
    dbf_assert_error(open_db(&h, "Fully=1\n"), N2D2_ERR_NOT_FOUND, "GroundTruth2D.db");
    dbf_close(&h);
    write_gt(":\nOther_Benchmark\n/x/\n1\n;\n");
    dbf_assert_error(open_db(&h, "Fully=1\n"), N2D2_ERR_PARSE, "GroundTruth2D.db:2: wrong header");
    dbf_close(&h);
    write_gt(":\nPAMI_2009_Detection_Benchmark\n/x/\n1\n;\nimg.pgm\n640 480\n0 1\n"
             "# 0 1 2 1.0\n10 abc 58 120\n0\n");
    dbf_assert_error(open_db(&h, "Fully=1\n"), N2D2_ERR_PARSE,
                     "GroundTruth2D.db:10: 'abc' is not a number (top)");
    dbf_close(&h);
    write_gt(":\nPAMI_2009_Detection_Benchmark\n/x/\n1\n;\nimg.pgm\n640 480\n0 1\n"
             "# 0 1 2 1.0\n10 20 5 120\n0\n");
    dbf_assert_error(open_db(&h, "Fully=1\n"), N2D2_ERR_PARSE, "is not a non-empty rectangle");
    dbf_close(&h);
    write_gt(":\nPAMI_2009_Detection_Benchmark\n/x/\n1\n;\nimg.pgm\n640 480\n0 1\n# 0 1\n");
    dbf_assert_error(open_db(&h, "Fully=1\n"), N2D2_ERR_PARSE,
                     "end of file where the unique id was expected");
    dbf_close(&h);
    write_gt(":\nPAMI_2009_Detection_Benchmark\n/x/\n1\n;\nimg.pgm\n640 480\n0 0\nimg2.pgm\n");
    dbf_assert_error(open_db(&h, "Fully=1\n"), N2D2_ERR_PARSE,
                     "GroundTruth2D.db:9: 'img2.pgm' where ';'");
    dbf_close(&h);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("daimler_database");
    TCase *tc = tcase_create("daimler");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, patch_mode);
    tcase_add_test(tc, fully_mode);
    tcase_add_test(tc, ground_truth_errors);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
