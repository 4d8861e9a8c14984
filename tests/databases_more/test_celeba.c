/* CelebA_Database on a miniature CelebA tree written by the test (Img/,
 * Anno/ and Eval/ with the dataset's file formats): identity labels in
 * numeric order, the sets of list_eval_partition.txt, the aligned crops,
 * the in-the-wild images with face-box ROIs, the landmark file check, and
 * errors at file:line. */
#include "check_run.h"
#include "image_io.h"
#include "dbm_fixture.h"

DBM_FIXTURE(db_celeba, "celeba")

static void text(const char *rel, const char *content)
{
    dbm_write_text_in(dir, rel, content);
}

static void make_tree(void)
{
    static const char *const dirs[] = {"Img", "Img/img_align_celeba", "Img/img_celeba", "Anno",
                                       "Eval"};
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; ++i)
        dbf_mkdir(dir, dirs[i]);
    unsigned char px[3 * 4 * 5];
    memset(px, 77, sizeof px);
    char path[4600];
    snprintf(path, sizeof path, "%s/Img/img_align_celeba/000002.jpg", dir);
    ck_assert_int_eq(n2d2_dbimg_write(path, N2D2_DBIMG_U8, 3, 4, 5, px), N2D2_OK);
    text("Anno/identity_CelebA.txt", "000001.jpg 2880\n000002.jpg 9\n# a comment\n"
                                     "000003.jpg 10\n\n000004.jpg 2880\n000005.jpg 4\n");
    text("Eval/list_eval_partition.txt", "000001.jpg 0\n000002.jpg 0\n000003.jpg 1\n"
                                         "000004.jpg 2\n");
    text("Anno/list_bbox_celeba.txt", "5\nimage_id x_1 y_1 width height\n"
                                      "000001.jpg    95  71 226 313\n000002.jpg 72 94 221 306\n"
                                      "000003.jpg 216 59 91 126\n000004.jpg 622 257 564 781\n"
                                      "000005.jpg 236 109 120 166\n");
    text("Anno/list_landmarks_align_celeba.txt",
         "5\nlefteye_x lefteye_y righteye_x righteye_y nose_x nose_y leftmouth_x leftmouth_y "
         "rightmouth_x rightmouth_y\n"
         "000001.jpg 69 109 106 113 77 142 73 152 108 154\n"
         "000003.jpg 69 110 107 112 81 135 70 151 108 153\n");
}

static n2d2_status open_db(dbf_handle *h, const char *extra)
{
    char keys[8192];
    snprintf(keys, sizeof keys, "DataPath=%s/Img\nLabelPath=%s/Anno\n%s", dir, dir, extra);
    return dbf_open(reg, h, "CelebA_Database", keys, 4, 1);
}

START_TEST(aligned)
{
    make_tree();
    dbf_handle h;
    ck_assert_int_eq(open_db(&h, "InTheWild=0\nWithLandmarks=1\n"), N2D2_OK);
    ck_assert_uint_eq(n2d2_database_label_count(h.db), 4);
    static const char *const labels[4] = {"4", "9", "10", "2880"};
    for (int k = 0; k < 4; ++k)
        ck_assert_str_eq(n2d2_database_label_name(h.db, k), labels[k]);
    ck_assert_uint_eq(n2d2_database_stimulus_count(h.db), 5);
    static const int want[5] = {3, 1, 2, 3, 0};
    for (size_t i = 0; i < 5; ++i)
        ck_assert_int_eq(n2d2_database_stimulus_label(h.db, i), want[i]);
    char name[4600];
    snprintf(name, sizeof name, "%s/Img/img_align_celeba/000002.jpg", dir);
    ck_assert_str_eq(n2d2_database_stimulus_name(h.db, 1), name);
    DBF_CHECK_SETS(h.db, 2, 1, 1);
    ck_assert_uint_eq(n2d2_database_set_count(h.db, N2D2_SET_UNPARTITIONED), 1);
    ck_assert_int_eq(n2d2_database_stimulus_set(h.db, 2), N2D2_SET_VALIDATION);
    ck_assert_int_eq(n2d2_database_stimulus_set(h.db, 4), N2D2_SET_UNPARTITIONED);
    ck_assert_uint_eq(n2d2_database_roi_total(h.db), 0);
    n2d2_tensor *t = NULL;
    ck_assert_int_eq(h.ops->read(h.state, h.db, 1, &t, NULL), N2D2_OK);
    DBF_CHECK_DIMS3(t, 3, 4, 5);
    n2d2_tensor_release(t);
    dbf_assert_error(h.ops->read(h.state, h.db, 0, &t, NULL), N2D2_ERR_NOT_FOUND, "000001.jpg");
    dbf_close(&h);
}
END_TEST

START_TEST(in_the_wild)
{
    make_tree();
    dbf_handle h;
    ck_assert_int_eq(open_db(&h, ""), N2D2_OK); /* InTheWild=1 is the default */
    ck_assert_uint_eq(n2d2_database_stimulus_count(h.db), 5);
    ck_assert_int_eq(n2d2_database_stimulus_label(h.db, 0), -1);
    char name[4600];
    snprintf(name, sizeof name, "%s/Img/img_celeba/000001.jpg", dir);
    ck_assert_str_eq(n2d2_database_stimulus_name(h.db, 0), name);
    ck_assert_uint_eq(n2d2_database_roi_total(h.db), 5);
    n2d2_roi roi;
    ck_assert_int_eq(n2d2_database_roi_at(h.db, 0, 0, &roi), N2D2_OK);
    ck_assert_int_eq(roi.label, 3);
    ck_assert_double_eq(roi.left, 95);
    ck_assert_double_eq(roi.top, 71);
    ck_assert_double_eq(roi.right, 95 + 226);
    ck_assert_double_eq(roi.bottom, 71 + 313);
    ck_assert_int_eq(n2d2_database_roi_at(h.db, 4, 0, &roi), N2D2_OK);
    ck_assert_int_eq(roi.label, 0);
    dbf_close(&h);
}
END_TEST

START_TEST(errors)
{
    make_tree();
    dbf_handle h;
    text("Anno/list_landmarks_align_celeba.txt", "1\nheader\n000001.jpg 69 109 106 113 77\n");
    dbf_assert_error(open_db(&h, "InTheWild=0\nWithLandmarks=1\n"), N2D2_ERR_PARSE,
                     "list_landmarks_align_celeba.txt:3: value 6 of image '000001.jpg' is "
                     "missing");
    dbf_close(&h);
    dbf_assert_error(open_db(&h, "InTheWild=1\nWithLandmarks=1\n"), N2D2_ERR_NOT_FOUND,
                     "list_landmarks_celeba.txt");
    dbf_close(&h);
    text("Eval/list_eval_partition.txt", "000001.jpg 0\n000009.jpg 0\n");
    dbf_assert_error(open_db(&h, "InTheWild=0\n"), N2D2_ERR_PARSE,
                     "list_eval_partition.txt:2: image '000009.jpg' is not in "
                     "identity_CelebA.txt");
    dbf_close(&h);
    text("Eval/list_eval_partition.txt", "000001.jpg 3\n");
    dbf_assert_error(open_db(&h, "InTheWild=0\n"), N2D2_ERR_PARSE,
                     "list_eval_partition.txt:1: expected '<image> <0|1|2>'");
    dbf_close(&h);
    text("Eval/list_eval_partition.txt", "000001.jpg 0\n");
    text("Anno/list_bbox_celeba.txt", "1\nimage_id x_1 y_1 width height\n"
                                      "000001.jpg 95 71 226 313\n");
    dbf_assert_error(open_db(&h, ""), N2D2_ERR_PARSE, "no face box for image '000002.jpg'");
    dbf_close(&h);
    text("Anno/identity_CelebA.txt", "000001.jpg 2880\n000001.jpg 9\n");
    dbf_assert_error(open_db(&h, "InTheWild=0\n"), N2D2_ERR_PARSE,
                     "identity_CelebA.txt: image '000001.jpg' listed twice");
    dbf_close(&h);
    text("Anno/identity_CelebA.txt", "000001.jpg 2880\n000002.jpg -9\n");
    dbf_assert_error(open_db(&h, "InTheWild=0\n"), N2D2_ERR_PARSE,
                     "identity_CelebA.txt:2: expected '<image> <identity number>'");
    dbf_close(&h);
    char path[4600];
    snprintf(path, sizeof path, "%s/Anno/identity_CelebA.txt", dir);
    remove(path);
    dbf_assert_error(open_db(&h, "InTheWild=0\n"), N2D2_ERR_NOT_FOUND, "identity_CelebA.txt");
    dbf_close(&h);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("celeba_database");
    TCase *tc = tcase_create("celeba");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, aligned);
    tcase_add_test(tc, in_the_wild);
    tcase_add_test(tc, errors);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
