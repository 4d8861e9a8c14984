/* Actitracker_Database on miniature WISDM_at_v2.0_raw.txt /
 * WISDM_at_v2.0_unlabeled_raw.txt files written by the test: windows of
 * WindowSize samples every round(WindowSize x Overlapping), majority
 * labels (ties: first to reach the count), {1, 3, WindowSize} data,
 * fraction partition, UseUnlabeledForTest, skipped records without
 * activity, and errors at file:line. */
#include "check_run.h"
#include "dbm_fixture.h"

DBM_FIXTURE(db_actitracker, "acti")

static void write_file(const char *name, const char *text)
{
    char path[4600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    dbf_write_text(path, text);
}

/* 12 samples, activities W W J J J J S S S S W J; sample i has
 * x = i, y = 10 i, z = 0.5 - i. Also a record without activity, a blank
 * line, two records on one line and CRLF line ends. */
static void make_raw(void)
{
    static const char *const act[12] = {"Walking", "Walking", "Jogging", "Jogging",
                                        "Jogging", "Jogging", "Sitting", "Sitting",
                                        "Sitting", "Sitting", "Walking", "Jogging"};
    char text[4096] = "";
    size_t len = 0;
    for (int i = 0; i < 12; ++i) {
        len += (size_t)snprintf(text + len, sizeof text - len, "%d,%s,%d,%d,%d,%g;%s", 33 + i % 2,
                                act[i], 1000 + 50 * i, i, 10 * i, 0.5 - i,
                                i == 4 ? "" : "\r\n");
        if (i == 2)
            len += (size_t)snprintf(text + len, sizeof text - len, "579,,;\n\n");
    }
    write_file("WISDM_at_v2.0_raw.txt", text);
}

static n2d2_status open_db(dbf_handle *h, const char *extra, int random)
{
    char keys[8192];
    snprintf(keys, sizeof keys, "DataPath=%s\nWindowSize=4\n%s", dir, extra);
    return dbf_open(reg, h, "Actitracker_Database", keys, 9, random);
}

START_TEST(windows_labels_data)
{
    make_raw();
    dbf_handle h;
    ck_assert_int_eq(open_db(&h, "", 0), N2D2_OK);
    ck_assert_uint_eq(n2d2_database_label_count(h.db), 3);
    ck_assert_str_eq(n2d2_database_label_name(h.db, 0), "Walking");
    ck_assert_str_eq(n2d2_database_label_name(h.db, 1), "Jogging");
    ck_assert_str_eq(n2d2_database_label_name(h.db, 2), "Sitting");
    /* (12 - 4) / 2 + 1 = 5 windows starting at 0, 2, 4, 6, 8. */
    ck_assert_uint_eq(n2d2_database_stimulus_count(h.db), 5);
    static const int want[5] = {0, 1, 1, 2, 2};
    for (size_t s = 0; s < 5; ++s)
        ck_assert_int_eq(n2d2_database_stimulus_label(h.db, s), want[s]);
    char name[4600];
    snprintf(name, sizeof name, "%s/WISDM_at_v2.0_raw.txt:4", dir);
    ck_assert_str_eq(n2d2_database_stimulus_name(h.db, 2), name);
    /* Learn 0.6 x 5 = 3, Validation 0.2 x 5 = 1, test the rest; in order. */
    DBF_CHECK_SETS(h.db, 3, 1, 1);
    ck_assert_uint_eq(n2d2_database_set_at(h.db, N2D2_SET_VALIDATION, 0), 3);
    n2d2_tensor *t = NULL;
    ck_assert_int_eq(h.ops->read(h.state, h.db, 1, &t, NULL), N2D2_OK);
    DBF_CHECK_DIMS3(t, 1, 3, 4);
    const float *f = n2d2_tensor_data(t);
    for (int k = 0; k < 4; ++k) {
        int i = 2 + k; /* the window of stimulus 1 starts at sample 2 */
        ck_assert_float_eq(f[k], (float)i);
        ck_assert_float_eq(f[4 + k], (float)(10 * i));
        ck_assert_float_eq(f[8 + k], (float)(0.5 - i));
    }
    n2d2_tensor_release(t);
    dbf_close(&h);
    /* Overlapping=1: windows do not overlap: 0, 4, 8. */
    ck_assert_int_eq(open_db(&h, "Overlapping=1\n", 0), N2D2_OK);
    ck_assert_uint_eq(n2d2_database_stimulus_count(h.db), 3);
    ck_assert_int_eq(n2d2_database_stimulus_label(h.db, 1), 1);
    dbf_close(&h);
    /* Random partition: same counts. */
    ck_assert_int_eq(open_db(&h, "", 1), N2D2_OK);
    ck_assert_uint_eq(n2d2_database_set_count(h.db, N2D2_SET_LEARN), 3);
    ck_assert_uint_eq(n2d2_database_set_count(h.db, N2D2_SET_TEST), 1);
    dbf_close(&h);
}
END_TEST

START_TEST(unlabeled_for_test)
{
    make_raw();
    write_file("WISDM_at_v2.0_unlabeled_raw.txt",
               "7,NoLabel,1,1,1,1;\n7,NoLabel,2,2,2,2;\n7,NoLabel,3,3,3,3;\n"
               "7,NoLabel,4,4,4,4;\n7,,5,5,5,5;\n7,NoLabel,6,6,6,6;\n");
    dbf_handle h;
    ck_assert_int_eq(open_db(&h, "UseUnlabeledForTest=1\n", 0), N2D2_OK);
    ck_assert_uint_eq(n2d2_database_label_count(h.db), 3);
    ck_assert_uint_eq(n2d2_database_set_count(h.db, N2D2_SET_LEARN), 3);
    ck_assert_uint_eq(n2d2_database_set_count(h.db, N2D2_SET_VALIDATION), 1);
    ck_assert_uint_eq(n2d2_database_set_count(h.db, N2D2_SET_UNPARTITIONED), 1);
    ck_assert_uint_eq(n2d2_database_set_count(h.db, N2D2_SET_TEST), 2);
    size_t first = n2d2_database_set_at(h.db, N2D2_SET_TEST, 1);
    ck_assert_int_eq(n2d2_database_stimulus_label(h.db, first), -1);
    n2d2_tensor *t = NULL;
    ck_assert_int_eq(h.ops->read(h.state, h.db, first, &t, NULL), N2D2_OK);
    const float *f = n2d2_tensor_data(t);
    ck_assert_float_eq(f[0], 3.0f); /* starts at sample 2 */
    ck_assert_float_eq(f[2], 5.0f); /* the record without activity is kept here */
    n2d2_tensor_release(t);
    dbf_close(&h);
}
END_TEST

START_TEST(errors)
{
    dbf_handle h;
    dbf_assert_error(open_db(&h, "", 0), N2D2_ERR_NOT_FOUND, "WISDM_at_v2.0_raw.txt");
    dbf_close(&h);
    write_file("WISDM_at_v2.0_raw.txt", "1,Walking,1,1,1,1;\n1,Walking,abc,1,1,1;\n");
    dbf_assert_error(open_db(&h, "", 0), N2D2_ERR_PARSE,
                     "WISDM_at_v2.0_raw.txt:2: unreadable timestamp 'abc'");
    dbf_close(&h);
    write_file("WISDM_at_v2.0_raw.txt", "1,Walking,1,1,1,1;\n\n1,Walking,2,1.0,2.0;\n");
    dbf_assert_error(open_db(&h, "", 0), N2D2_ERR_PARSE, ":3: 5 fields, expected 6");
    dbf_close(&h);
    write_file("WISDM_at_v2.0_raw.txt", "1,Walking,1,1,nan,1;\n");
    dbf_assert_error(open_db(&h, "", 0), N2D2_ERR_PARSE, ":1: unreadable y-acceleration 'nan'");
    dbf_close(&h);
    make_raw();
    dbf_assert_error(open_db(&h, "WindowSize=100\n", 0), N2D2_ERR_RANGE,
                     "12 samples, fewer than one window of 100");
    dbf_close(&h);
    dbf_assert_error(open_db(&h, "Overlapping=0.1\n", 0), N2D2_ERR_RANGE, "step of 0");
    dbf_close(&h);
    dbf_assert_error(open_db(&h, "UseUnlabeledForTest=1\n", 0), N2D2_ERR_NOT_FOUND,
                     "WISDM_at_v2.0_unlabeled_raw.txt");
    dbf_close(&h);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("actitracker_database");
    TCase *tc = tcase_create("actitracker");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, windows_labels_data);
    tcase_add_test(tc, unlabeled_for_test);
    tcase_add_test(tc, errors);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
