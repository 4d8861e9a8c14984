/* N_MNIST_Database on a miniature N-MNIST tree written by the test
 * (Train/<digit>/<nnnnn>.bin, Test/<digit>/<nnnnn>.bin of 40-bit events):
 * the $N2D2_DATA default path, labels, sets and Validation, the event
 * decoding, OFF/ON count frames, and corrupt files named with the byte
 * offset. */
#include "check_run.h"
#include "dbm_fixture.h"
#include "nmnist_events.h"

N2D2_STATIC_PLUGIN_DECLARE(db_nmnist);

static n2d2_registry *reg;
static n2d2_loader *loader;
static char *dir;
static char root[2048];

static void setup(void)
{
    static const n2d2_static_plugin table[] = {N2D2_STATIC_PLUGIN(db_nmnist)};
    dir = dbm_fixture_setup(table, "nmnist", &reg, &loader);
    snprintf(root, sizeof root, "%s/N-MNIST", dir);
}

static void teardown(void)
{
    dbm_fixture_teardown(dir, loader, reg);
}

/* One 40-bit event: x, y, polarity bit then a 23-bit timestamp. */
static void event(unsigned char *b, unsigned x, unsigned y, unsigned p, unsigned long t)
{
    b[0] = (unsigned char)x;
    b[1] = (unsigned char)y;
    b[2] = (unsigned char)(p << 7 | (t >> 16 & 0x7f));
    b[3] = (unsigned char)(t >> 8);
    b[4] = (unsigned char)t;
}

static void write_events(const char *rel, const unsigned char *b, size_t n)
{
    char path[4600];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    dbf_write(path, b, n);
}

/* 3 learn samples per digit (00001, 00004, 00010), 1 test sample. */
static void make_tree(void)
{
    ck_assert_int_eq(mkdir(root, 0755), 0);
    dbf_mkdir(root, "Train");
    dbf_mkdir(root, "Test");
    unsigned char b[15];
    for (int d = 0; d < 10; ++d) {
        char rel[64];
        snprintf(rel, sizeof rel, "Train/%d", d);
        dbf_mkdir(root, rel);
        snprintf(rel, sizeof rel, "Test/%d", d);
        dbf_mkdir(root, rel);
        static const char *const names[3] = {"00010", "00001", "00004"};
        for (int k = 0; k < 3; ++k) {
            event(b, (unsigned)d, (unsigned)k, 1, 100);
            snprintf(rel, sizeof rel, "Train/%d/%s.bin", d, names[k]);
            write_events(rel, b, 5);
        }
        event(b, 0, 0, 0, 1);
        snprintf(rel, sizeof rel, "Test/%d/00007.bin", d);
        write_events(rel, b, 5);
    }
    /* Not an event file: ignored. */
    write_events("Train/3/readme.txt", (const unsigned char *)"x", 1);
}

static n2d2_status open_db(dbf_handle *h, const char *keys)
{
    setenv("N2D2_DATA", dir, 1);
    return dbf_open(reg, h, "N_MNIST_Database", keys, 3, 1);
}

START_TEST(event_decoding)
{
    unsigned char b[10];
    event(b, 33, 7, 1, 0x7fffff);
    event(b + 5, 2, 31, 0, 0x012345);
    nmnist_event e = nmnist_event_at(b, 0);
    ck_assert_uint_eq(e.x, 33);
    ck_assert_uint_eq(e.y, 7);
    ck_assert_uint_eq(e.polarity, 1);
    ck_assert_uint_eq(e.time_us, 0x7fffff);
    e = nmnist_event_at(b, 1);
    ck_assert_uint_eq(e.x, 2);
    ck_assert_uint_eq(e.y, 31);
    ck_assert_uint_eq(e.polarity, 0);
    ck_assert_uint_eq(e.time_us, 0x012345);
    /* Raw bytes as in the dataset's description: 0x21 0x07 0x80 0x00 0x0a. */
    const unsigned char raw[5] = {0x21, 0x07, 0x80, 0x00, 0x0a};
    e = nmnist_event_at(raw, 0);
    ck_assert_uint_eq(e.x, 33);
    ck_assert_uint_eq(e.y, 7);
    ck_assert_uint_eq(e.polarity, 1);
    ck_assert_uint_eq(e.time_us, 10);
}
END_TEST

START_TEST(sets_labels_default_path)
{
    make_tree();
    dbf_handle h;
    ck_assert_int_eq(open_db(&h, "Validation=0.2\n"), N2D2_OK);
    ck_assert_uint_eq(n2d2_database_label_count(h.db), 10);
    for (int d = 0; d < 10; ++d) {
        char name[4];
        snprintf(name, sizeof name, "%d", d);
        ck_assert_str_eq(n2d2_database_label_name(h.db, d), name);
    }
    /* 30 learn samples, round(0.2 x 30) = 6 moved to validation. */
    DBF_CHECK_SETS(h.db, 24, 6, 10);
    /* Files sorted by name within a digit, digits in order. */
    char want[4600];
    snprintf(want, sizeof want, "%s/Train/0/00001.bin", root);
    ck_assert_str_eq(n2d2_database_stimulus_name(h.db, 0), want);
    snprintf(want, sizeof want, "%s/Train/0/00010.bin", root);
    ck_assert_str_eq(n2d2_database_stimulus_name(h.db, 2), want);
    ck_assert_int_eq(n2d2_database_stimulus_label(h.db, 3), 1);
    ck_assert_int_eq(n2d2_database_stimulus_label(h.db, 30), 0);
    dbf_close(&h);
}
END_TEST

START_TEST(frames)
{
    make_tree();
    unsigned char b[25];
    event(b, 1, 2, 1, 5);
    event(b + 5, 1, 2, 1, 10);
    event(b + 10, 33, 0, 0, 70000);
    event(b + 15, 0, 33, 0, 70001);
    event(b + 20, 1, 2, 0, 70002);
    write_events("Train/0/00001.bin", b, 25);
    dbf_handle h;
    ck_assert_int_eq(open_db(&h, ""), N2D2_OK);
    n2d2_tensor *t = NULL;
    ck_assert_int_eq(h.ops->read(h.state, h.db, 0, &t, NULL), N2D2_OK);
    ck_assert_uint_eq(n2d2_tensor_ndim(t), 3);
    DBF_CHECK_DIMS3(t, 2, 34, 34);
    ck_assert_int_eq(n2d2_tensor_dtype(t), N2D2_FLOAT32);
    const float *f = n2d2_tensor_data(t);
    const size_t plane = 34 * 34;
    ck_assert_float_eq(f[plane + 2 * 34 + 1], 2.0f); /* ON at (x=1, y=2) twice */
    ck_assert_float_eq(f[2 * 34 + 1], 1.0f);         /* OFF at (1, 2) once */
    ck_assert_float_eq(f[0 * 34 + 33], 1.0f);        /* OFF at (x=33, y=0) */
    ck_assert_float_eq(f[33 * 34 + 0], 1.0f);        /* OFF at (x=0, y=33) */
    double sum = 0;
    for (size_t i = 0; i < 2 * plane; ++i)
        sum += f[i];
    ck_assert_double_eq(sum, 5.0);
    n2d2_tensor_release(t);
    dbf_close(&h);
}
END_TEST

START_TEST(corrupt_and_missing)
{
    make_tree();
    unsigned char b[12];
    event(b, 1, 1, 1, 1);
    event(b + 5, 34, 3, 0, 2); /* x outside the 34x34 window */
    write_events("Train/0/00001.bin", b, 10);
    event(b, 1, 1, 1, 1);
    write_events("Train/0/00004.bin", b, 12); /* 2 bytes too many */
    dbf_handle h;
    ck_assert_int_eq(open_db(&h, ""), N2D2_OK);
    n2d2_tensor *t = NULL;
    dbf_assert_error(h.ops->read(h.state, h.db, 0, &t, NULL), N2D2_ERR_PARSE,
                     "00001.bin: event 1 at byte offset 5 has address (x=34, y=3)");
    ck_assert_ptr_null(t);
    dbf_assert_error(h.ops->read(h.state, h.db, 1, &t, NULL), N2D2_ERR_PARSE,
                     "00004.bin: 12 bytes is not a whole number of 5-byte events: the last "
                     "event, from byte offset 10, is truncated");
    dbf_close(&h);
    /* A digit folder without event files, then a missing one. */
    char path[4600];
    snprintf(path, sizeof path, "%s/Test/7/00007.bin", root);
    ck_assert_int_eq(remove(path), 0);
    dbf_assert_error(open_db(&h, ""), N2D2_ERR_NOT_FOUND, "no .bin event file in");
    dbf_close(&h);
    snprintf(path, sizeof path, "%s/Test/7", root);
    ck_assert_int_eq(rmdir(path), 0);
    dbf_assert_error(open_db(&h, ""), N2D2_ERR_NOT_FOUND, "Test/7");
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "the default"));
    dbf_close(&h);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("nmnist_database");
    TCase *tc = tcase_create("nmnist");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, event_decoding);
    tcase_add_test(tc, sets_labels_default_path);
    tcase_add_test(tc, frames);
    tcase_add_test(tc, corrupt_and_missing);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
