/* CIFAR10_Database and CIFAR100_Database on miniature binary files in the
 * real layouts (label byte(s) + R, G, B planes of 32x32), written by the
 * test: label names, sets and Validation, BGR pixels, fine vs coarse
 * labels, and corrupt files whose errors give the file and byte offset. */
#include "db_fixture.h"
#include "check_run.h"

N2D2_STATIC_PLUGIN_DECLARE(db_cifar);

#define PLANE 1024

static n2d2_registry *reg;
static n2d2_loader *loader;
static char *dir;

static void setup(void)
{
    static const n2d2_static_plugin table[] = {N2D2_STATIC_PLUGIN(db_cifar)};
    ck_assert_int_eq(n2d2_registry_new(&reg), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_new(reg, &loader), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_preload(loader, table, 1), N2D2_OK);
    dir = dbf_tempdir("cifar");
}

static void teardown(void)
{
    dbf_rmtree(dir);
    n2d2_loader_free(loader);
    n2d2_registry_free(reg);
}

/* Value of plane `p` (0 = red) at pixel i of record id. */
static uint8_t px(size_t id, size_t p, size_t i) { return (uint8_t)(id * 13 + p * 70 + i); }

/* `n` records with ids first.., labels from label_of(id). */
static void write_batch(const char *name, size_t first, size_t n, size_t label_bytes)
{
    size_t rec = label_bytes + 3 * PLANE;
    uint8_t *b = malloc(n * rec);
    ck_assert_ptr_nonnull(b);
    for (size_t r = 0; r < n; ++r) {
        size_t id = first + r;
        uint8_t *p = b + r * rec;
        if (label_bytes == 1) {
            p[0] = (uint8_t)(id % 10);
        } else {
            p[0] = (uint8_t)(id % 20);       /* coarse */
            p[1] = (uint8_t)(id * 7 % 100);  /* fine */
        }
        for (size_t plane = 0; plane < 3; ++plane)
            for (size_t i = 0; i < PLANE; ++i)
                p[label_bytes + plane * PLANE + i] = px(id, plane, i);
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    dbf_write(path, b, n * rec);
    free(b);
}

/* CIFAR-10: 5 learn batches of 3 records (ids 0..14), test of 4 (100..). */
static void make_cifar10(void)
{
    for (int k = 1; k <= 5; ++k) {
        char name[64];
        snprintf(name, sizeof name, "data_batch_%d.bin", k);
        write_batch(name, (size_t)(k - 1) * 3, 3, 1);
    }
    write_batch("test_batch.bin", 100, 4, 1);
}

static n2d2_status open_db(dbf_handle *h, const char *type, const char *extra)
{
    char keys[8192];
    snprintf(keys, sizeof keys, "DataPath=%s\n%s", dir, extra);
    return dbf_open(reg, h, type, keys, 5, 1);
}

START_TEST(cifar10_sets_labels_pixels)
{
    make_cifar10();
    dbf_handle h;
    ck_assert_msg(open_db(&h, "CIFAR10_Database", "Validation=0.2\n") == N2D2_OK, "%s",
                  n2d2_error_message());
    ck_assert_uint_eq(n2d2_database_label_count(h.db), 10);
    ck_assert_str_eq(n2d2_database_label_name(h.db, 0), "airplane");
    ck_assert_str_eq(n2d2_database_label_name(h.db, 9), "truck");
    DBF_CHECK_SETS(h.db, 12, 3, 4);
    for (size_t i = 0; i < 19; ++i) {
        size_t id = i < 15 ? i : 100 + (i - 15);
        ck_assert_int_eq(n2d2_database_stimulus_label(h.db, i), (int)(id % 10));
        char want[4200];
        if (i < 15)
            snprintf(want, sizeof want, "%s/data_batch_%zu.bin:%zu", dir, i / 3 + 1, i % 3);
        else
            snprintf(want, sizeof want, "%s/test_batch.bin:%zu", dir, i - 15);
        ck_assert_str_eq(n2d2_database_stimulus_name(h.db, i), want);
        n2d2_tensor *t;
        ck_assert_int_eq(h.ops->read(h.state, h.db, i, &t, NULL), N2D2_OK);
        DBF_CHECK_DIMS3(t, 3, 32, 32);
        const uint8_t *d = n2d2_tensor_cdata(t);
        for (size_t c = 0; c < 3; ++c) /* channel 0 = blue = plane 2 */
            for (size_t k = 0; k < PLANE; k += 97)
                ck_assert_int_eq(d[c * PLANE + k], px(id, 2 - c, k));
        n2d2_tensor_release(t);
    }
    dbf_close(&h);
}
END_TEST

START_TEST(cifar10_meta_names)
{
    make_cifar10();
    char path[4096];
    snprintf(path, sizeof path, "%s/batches.meta.txt", dir);
    dbf_write_text(path, "a0\na1\na2\na3\na4\na5\na6\na7\na8\na9\n\n");
    dbf_handle h;
    ck_assert_int_eq(open_db(&h, "CIFAR10_Database", ""), N2D2_OK);
    ck_assert_str_eq(n2d2_database_label_name(h.db, 7), "a7");
    dbf_close(&h);
    dbf_write_text(path, "a0\na1\n");
    dbf_assert_error(open_db(&h, "CIFAR10_Database", ""), N2D2_ERR_PARSE, "2 label names");
    dbf_close(&h);
}
END_TEST

START_TEST(cifar100_fine_and_coarse)
{
    write_batch("train.bin", 0, 30, 2);
    write_batch("test.bin", 50, 5, 2);
    dbf_handle h;
    ck_assert_int_eq(open_db(&h, "CIFAR100_Database", ""), N2D2_OK);
    ck_assert_uint_eq(n2d2_database_label_count(h.db), 100);
    ck_assert_str_eq(n2d2_database_label_name(h.db, 42), "42"); /* no names file */
    ck_assert_uint_eq(n2d2_database_set_count(h.db, N2D2_SET_LEARN), 30);
    ck_assert_uint_eq(n2d2_database_set_count(h.db, N2D2_SET_TEST), 5);
    for (size_t i = 0; i < 30; ++i)
        ck_assert_int_eq(n2d2_database_stimulus_label(h.db, i), (int)(i * 7 % 100));
    n2d2_tensor *t;
    ck_assert_int_eq(h.ops->read(h.state, h.db, 31, &t, NULL), N2D2_OK);
    ck_assert_int_eq(((const uint8_t *)n2d2_tensor_cdata(t))[5], px(51, 2, 5));
    n2d2_tensor_release(t);
    dbf_close(&h);

    char path[4096], names[1024] = "";
    for (int k = 0; k < 20; ++k)
        snprintf(names + strlen(names), sizeof names - strlen(names), "super%d\n", k);
    snprintf(path, sizeof path, "%s/coarse_label_names.txt", dir);
    dbf_write_text(path, names);
    ck_assert_int_eq(open_db(&h, "CIFAR100_Database", "UseCoarse=1\nValidation=0.1\n"), N2D2_OK);
    ck_assert_uint_eq(n2d2_database_label_count(h.db), 20);
    ck_assert_str_eq(n2d2_database_label_name(h.db, 19), "super19");
    for (size_t i = 0; i < 30; ++i)
        ck_assert_int_eq(n2d2_database_stimulus_label(h.db, i), (int)(i % 20));
    ck_assert_uint_eq(n2d2_database_set_count(h.db, N2D2_SET_VALIDATION), 3);
    dbf_close(&h);
}
END_TEST

START_TEST(corrupt_files)
{
    make_cifar10();
    char path[4096];
    dbf_handle h;
    /* Truncated: 2 records and a half. */
    snprintf(path, sizeof path, "%s/data_batch_3.bin", dir);
    uint8_t *b = calloc(1, 3073 * 3);
    ck_assert_ptr_nonnull(b);
    dbf_write(path, b, 3073 * 2 + 100);
    dbf_assert_error(open_db(&h, "CIFAR10_Database", ""), N2D2_ERR_PARSE,
                     "from byte offset 6146, is truncated");
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), path));
    dbf_close(&h);
    /* A label byte of 12 in the second record. */
    b[3073] = 12;
    dbf_write(path, b, 3073 * 3);
    dbf_assert_error(open_db(&h, "CIFAR10_Database", ""), N2D2_ERR_PARSE,
                     "class label 12 at byte offset 3073 (record 1)");
    dbf_close(&h);
    free(b);
    remove(path);
    dbf_assert_error(open_db(&h, "CIFAR10_Database", ""), N2D2_ERR_NOT_FOUND, path);
    dbf_close(&h);
    /* CIFAR-100 files missing from a CIFAR-10 folder. */
    dbf_assert_error(open_db(&h, "CIFAR100_Database", ""), N2D2_ERR_NOT_FOUND, "train.bin");
    dbf_close(&h);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cifar_database");
    TCase *tc = tcase_create("cifar");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, cifar10_sets_labels_pixels);
    tcase_add_test(tc, cifar10_meta_names);
    tcase_add_test(tc, cifar100_fine_and_coarse);
    tcase_add_test(tc, corrupt_files);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
