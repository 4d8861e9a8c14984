/* CKP_Database on a miniature CK+ tree written by the test:
 * cohn-kanade-images/<subject>/<sequence>/<frame>.png with the emotion
 * code in the parallel Emotion/ tree or next to the images, a sequence
 * without code (skipped), NbNeutral, the 8 fixed labels, the equal
 * per-label partition, decoded pixels, and bad emotion files. */
#include "check_run.h"
#include "image_io.h"
#include "dbm_fixture.h"

DBM_FIXTURE(db_ckp, "ckp")

/* A 3x2 gray PNG whose pixels are all `value`. */
static void png(const char *rel, unsigned char value)
{
    dbm_write_u8_in(dir, rel, 1, 2, 3, value);
}

static void text(const char *rel, const char *content)
{
    dbm_write_text_in(dir, rel, content);
}

/* S005/001: 3 frames, code 3 (disgust) in Emotion/; S010/002: 4 frames,
 * code 5 (happy) next to the images; S011/001: 2 frames, no code. */
static void make_tree(void)
{
    static const char *const dirs[] = {"cohn-kanade-images", "cohn-kanade-images/S005",
                                       "cohn-kanade-images/S005/001", "cohn-kanade-images/S010",
                                       "cohn-kanade-images/S010/002", "cohn-kanade-images/S011",
                                       "cohn-kanade-images/S011/001", "Emotion", "Emotion/S005",
                                       "Emotion/S005/001", "Emotion/S011"};
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; ++i)
        dbf_mkdir(dir, dirs[i]);
    for (int k = 1; k <= 3; ++k) {
        char rel[256];
        snprintf(rel, sizeof rel, "cohn-kanade-images/S005/001/S005_001_%08d.png", k);
        png(rel, (unsigned char)(10 * k));
    }
    text("Emotion/S005/001/S005_001_00000003_emotion.txt", "   3.0000000e+00\n");
    for (int k = 1; k <= 4; ++k) {
        char rel[256];
        snprintf(rel, sizeof rel, "cohn-kanade-images/S010/002/S010_002_%08d.png", k);
        png(rel, (unsigned char)(100 + k));
    }
    text("cohn-kanade-images/S010/002/S010_002_emotion.txt", "5.0000000e+00");
    png("cohn-kanade-images/S011/001/S011_001_00000001.png", 1);
    png("cohn-kanade-images/S011/001/S011_001_00000002.png", 2);
    text("cohn-kanade-images/S011/001/notes.csv", "ignored");
}

static n2d2_status open_db(dbf_handle *h, const char *extra)
{
    char keys[8192];
    snprintf(keys, sizeof keys, "DataPath=%s/cohn-kanade-images\n%s", dir, extra);
    return dbf_open(reg, h, "CKP_Database", keys, 4, 0);
}

START_TEST(labels_sets_pixels)
{
    make_tree();
    dbf_handle h;
    ck_assert_int_eq(open_db(&h, "Learn=0.5\n"), N2D2_OK);
    static const char *const names[8] = {"neutral", "anger",   "contempt", "disgust",
                                         "fear",    "happy",   "sadness",  "surprise"};
    ck_assert_uint_eq(n2d2_database_label_count(h.db), 8);
    for (int k = 0; k < 8; ++k)
        ck_assert_str_eq(n2d2_database_label_name(h.db, k), names[k]);
    /* 7 stimuli: neutral, disgust, disgust, neutral, happy x 3. */
    ck_assert_uint_eq(n2d2_database_stimulus_count(h.db), 7);
    static const int want[7] = {0, 3, 3, 0, 5, 5, 5};
    for (size_t i = 0; i < 7; ++i)
        ck_assert_int_eq(n2d2_database_stimulus_label(h.db, i), want[i]);
    char name[4600];
    snprintf(name, sizeof name, "%s/cohn-kanade-images/S010/002/S010_002_00000001.png", dir);
    ck_assert_str_eq(n2d2_database_stimulus_name(h.db, 3), name);
    /* Smallest label: 2 -> round(0.5 x 2) = 1 learn per label, the rest test. */
    DBF_CHECK_SETS(h.db, 3, 0, 4);
    ck_assert_uint_eq(dbf_count(h.db, N2D2_SET_TEST, 5), 2);
    n2d2_tensor *t = NULL;
    ck_assert_int_eq(h.ops->read(h.state, h.db, 2, &t, NULL), N2D2_OK);
    DBF_CHECK_DIMS3(t, 1, 2, 3);
    ck_assert_uint_eq(((const unsigned char *)n2d2_tensor_data(t))[5], 30);
    n2d2_tensor_release(t);
    dbf_close(&h);
    /* NbNeutral=0: every frame has the sequence's emotion. */
    ck_assert_int_eq(open_db(&h, "Learn=0.5\nNbNeutral=0\nValidation=0.3\n"), N2D2_OK);
    ck_assert_int_eq(n2d2_database_stimulus_label(h.db, 0), 3);
    /* smallest 3: learn round(1.5) = 2, validation round(0.9) = 1 per label */
    DBF_CHECK_SETS(h.db, 4, 2, 1);
    dbf_close(&h);
}
END_TEST

START_TEST(bad_emotion_files)
{
    make_tree();
    dbf_handle h;
    dbf_assert_error(open_db(&h, ""), N2D2_ERR_NOT_FOUND, "Learn");
    dbf_close(&h);
    text("Emotion/S005/001/S005_001_00000003_emotion.txt", "8.0000000e+00\n");
    dbf_assert_error(open_db(&h, "Learn=0.5\n"), N2D2_ERR_PARSE,
                     "S005_001_00000003_emotion.txt: emotion code 8 is not an integer 0..7");
    dbf_close(&h);
    text("Emotion/S005/001/S005_001_00000003_emotion.txt", "3.5\n");
    dbf_assert_error(open_db(&h, "Learn=0.5\n"), N2D2_ERR_PARSE, "emotion code 3.5");
    dbf_close(&h);
    text("Emotion/S005/001/S005_001_00000003_emotion.txt", "  3.0 4.0\n");
    dbf_assert_error(open_db(&h, "Learn=0.5\n"), N2D2_ERR_PARSE,
                     "byte offset 5: unexpected data after the emotion code");
    dbf_close(&h);
    text("Emotion/S005/001/S005_001_00000003_emotion.txt", "3\n");
    text("cohn-kanade-images/S010/002/other.txt", "5\n");
    dbf_assert_error(open_db(&h, "Learn=0.5\n"), N2D2_ERR_PARSE,
                     "2 .txt files (S010_002_emotion.txt, other.txt...)");
    dbf_close(&h);
    char path[4600];
    snprintf(path, sizeof path, "%s/cohn-kanade-images/S010/002/other.txt", dir);
    remove(path);
    dbf_assert_error(open_db(&h, "Learn=0.5\nLabelPath=/nonexistent/Emotion\n"),
                     N2D2_ERR_NOT_FOUND, "/nonexistent/Emotion is not a directory");
    dbf_close(&h);
    dbf_assert_error(dbf_open(reg, &h, "CKP_Database", "Learn=0.5\nDataPath=/nonexistent/ck\n", 1,
                              0),
                     N2D2_ERR_NOT_FOUND, "/nonexistent/ck is not a directory");
    dbf_close(&h);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ckp_database");
    TCase *tc = tcase_create("ckp");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, labels_sets_pixels);
    tcase_add_test(tc, bad_emotion_files);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
