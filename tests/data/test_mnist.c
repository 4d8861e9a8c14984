/* The MNIST IDX driver on a 20 + 8 image dataset written by the test:
 * plain and gzip files, both file spellings, partition with Validation,
 * reproducible random partition, and corrupt files whose errors name the
 * file and the byte offset. */
#include "idx_fixture.h"

#include <math.h>
#include <sys/stat.h>

#include "idx.h"
#include "n2d2/n2d2.h"
#include "check_run.h"

N2D2_STATIC_PLUGIN_DECLARE(db_mnist);

#define ROWS 5
#define COLS 6
#define N_TRAIN 20
#define N_TEST 8

static n2d2_registry *reg;
static n2d2_loader *loader;
static char *dir;

static void setup(void)
{
    static const n2d2_static_plugin table[] = {N2D2_STATIC_PLUGIN(db_mnist)};
    ck_assert_int_eq(n2d2_registry_new(&reg), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_new(reg, &loader), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_preload(loader, table, 1), N2D2_OK);
    dir = fx_tempdir("mnist");
}

static void teardown(void)
{
    fx_rmtree(dir);
    n2d2_loader_free(loader);
    n2d2_registry_free(reg);
}

typedef struct db_handle {
    n2d2_ini *ini;
    n2d2_params *params;
    const n2d2_database_ops *ops;
    void *state;
    n2d2_database *db;
} db_handle;

/* Load [database] of `keys` (Type and DataPath added) with the driver. */
static n2d2_status db_open(db_handle *h, const char *type, const char *keys, uint64_t seed,
                           int random)
{
    memset(h, 0, sizeof *h);
    char text[8192];
    snprintf(text, sizeof text, "[database]\nType=%s\n%s", type, keys);
    ck_assert_int_eq(n2d2_ini_load_string(text, strlen(text), "db.ini", &h->ini), N2D2_OK);
    const n2d2_feature *f = n2d2_registry_find(reg, N2D2_KIND_DATABASE, type, NULL);
    ck_assert_ptr_nonnull(f);
    h->ops = f->ops;
    n2d2_ini_section *sec = n2d2_ini_find(h->ini, "database");
    n2d2_status st = n2d2_params_from_ini(h->ini, &sec, 1, NULL, 0, f->params, f->n_params, &h->params);
    if (st == N2D2_OK)
        st = h->ops->create(h->params, &h->state);
    if (st == N2D2_OK)
        st = n2d2_database_new(&h->db);
    n2d2_rng rng;
    n2d2_rng_seed(&rng, seed, N2D2_RNG_PARTITION);
    if (st == N2D2_OK)
        st = h->ops->load(h->state, h->db, random ? &rng : NULL);
    return st;
}

static void db_close(db_handle *h)
{
    if (h->state)
        h->ops->destroy(h->state);
    n2d2_database_free(h->db);
    n2d2_params_free(h->params);
    n2d2_ini_free(h->ini);
}

static n2d2_status open_dir(db_handle *h, const char *extra)
{
    char keys[4608];
    snprintf(keys, sizeof keys, "DataPath=%s\n%s", dir, extra);
    return db_open(h, "MNIST_IDX_Database", keys, 1, 1);
}

/* Every stimulus decodes to the pixels and label it was written with. */
static void check_content(db_handle *h)
{
    ck_assert_uint_eq(n2d2_database_stimulus_count(h->db), N_TRAIN + N_TEST);
    ck_assert_uint_eq(n2d2_database_label_count(h->db), 10);
    ck_assert_str_eq(n2d2_database_label_name(h->db, 7), "7");
    for (size_t i = 0; i < N_TRAIN + N_TEST; ++i) {
        size_t id = i < N_TRAIN ? i : 1000 + i - N_TRAIN;
        n2d2_tensor *t, *labels = (n2d2_tensor *)1;
        ck_assert_int_eq(h->ops->read(h->state, h->db, i, &t, &labels), N2D2_OK);
        ck_assert_ptr_null(labels);
        ck_assert_int_eq(n2d2_tensor_dtype(t), N2D2_UINT8);
        ck_assert_uint_eq(n2d2_tensor_dim(t, 0), 1);
        ck_assert_uint_eq(n2d2_tensor_dim(t, 1), ROWS);
        ck_assert_uint_eq(n2d2_tensor_dim(t, 2), COLS);
        const uint8_t *p = n2d2_tensor_cdata(t);
        for (size_t y = 0; y < ROWS; ++y)
            for (size_t x = 0; x < COLS; ++x)
                ck_assert_uint_eq(p[y * COLS + x], fx_pixel(id, y, x));
        ck_assert_int_eq(n2d2_database_stimulus_label(h->db, i), fx_label(id));
        n2d2_tensor_release(t);
    }
}

START_TEST(loads_plain_and_gzip_files_of_both_spellings)
{
    for (int variant = 0; variant < 4; ++variant) {
        char *d = fx_tempdir("variant");
        fx_dataset(d, N_TRAIN, N_TEST, ROWS, COLS, variant & 1, variant >> 1);
        db_handle h;
        char keys[4608];
        snprintf(keys, sizeof keys, "DataPath=%s\n", d);
        ck_assert_msg(db_open(&h, "MNIST_IDX_Database", keys, 1, 1) == N2D2_OK, "variant %d: %s",
                      variant, n2d2_error_message());
        check_content(&h);
        ck_assert_uint_eq(n2d2_database_set_count(h.db, N2D2_SET_LEARN), N_TRAIN);
        ck_assert_uint_eq(n2d2_database_set_count(h.db, N2D2_SET_VALIDATION), 0);
        ck_assert_uint_eq(n2d2_database_set_count(h.db, N2D2_SET_TEST), N_TEST);
        /* The name says which file and which image. */
        char expect[4200];
        fx_name(expect, sizeof expect, d, "t10k-images-idx3-ubyte", variant >> 1, variant & 1);
        strcat(expect, ":3");
        ck_assert_str_eq(n2d2_database_stimulus_name(h.db, N_TRAIN + 3), expect);
        db_close(&h);
        fx_rmtree(d);
    }
}
END_TEST

START_TEST(validation_fraction_partition)
{
    fx_dataset(dir, N_TRAIN, N_TEST, ROWS, COLS, 0, 0);
    /* In order: the first 5 learn images go to validation. */
    db_handle h;
    char keys[4608];
    snprintf(keys, sizeof keys, "DataPath=%s\nValidation=0.25\n", dir);
    ck_assert_int_eq(db_open(&h, "MNIST_IDX_Database", keys, 1, 0), N2D2_OK);
    ck_assert_uint_eq(n2d2_database_set_count(h.db, N2D2_SET_LEARN), 15);
    ck_assert_uint_eq(n2d2_database_set_count(h.db, N2D2_SET_VALIDATION), 5);
    ck_assert_uint_eq(n2d2_database_set_count(h.db, N2D2_SET_TEST), N_TEST);
    for (size_t i = 0; i < 5; ++i)
        ck_assert_uint_eq(n2d2_database_set_at(h.db, N2D2_SET_VALIDATION, i), i);
    db_close(&h);
    /* At random: reproducible for a seed, different for another seed. */
    size_t picked[3][5];
    const uint64_t seeds[3] = {5, 5, 6};
    for (int r = 0; r < 3; ++r) {
        ck_assert_int_eq(db_open(&h, "MNIST_IDX_Database", keys, seeds[r], 1), N2D2_OK);
        ck_assert_uint_eq(n2d2_database_set_count(h.db, N2D2_SET_VALIDATION), 5);
        for (size_t i = 0; i < 5; ++i) {
            picked[r][i] = n2d2_database_set_at(h.db, N2D2_SET_VALIDATION, i);
            ck_assert_uint_lt(picked[r][i], N_TRAIN);
        }
        db_close(&h);
    }
    ck_assert_mem_eq(picked[0], picked[1], sizeof picked[0]);
    ck_assert(memcmp(picked[0], picked[2], sizeof picked[0]) != 0);
    /* 0.33 x 20 = 6.6 rounds to 7. */
    snprintf(keys, sizeof keys, "DataPath=%s\nValidation=0.33\n", dir);
    ck_assert_int_eq(db_open(&h, "MNIST_IDX_Database", keys, 1, 1), N2D2_OK);
    ck_assert_uint_eq(n2d2_database_set_count(h.db, N2D2_SET_VALIDATION), 7);
    db_close(&h);
    snprintf(keys, sizeof keys, "DataPath=%s\nValidation=1.5\n", dir);
    ck_assert_int_eq(db_open(&h, "MNIST_IDX_Database", keys, 1, 1), N2D2_ERR_RANGE);
    db_close(&h);
}
END_TEST

START_TEST(default_path_uses_n2d2_data)
{
    char sub[4200];
    snprintf(sub, sizeof sub, "%s/mnist", dir);
    ck_assert_int_eq(mkdir(sub, 0700), 0);
    fx_dataset(sub, N_TRAIN, N_TEST, ROWS, COLS, 1, 0);
    setenv("N2D2_DATA", dir, 1);
    db_handle h;
    ck_assert_msg(db_open(&h, "MNIST_IDX_Database", "", 1, 1) == N2D2_OK, "%s", n2d2_error_message());
    check_content(&h);
    db_close(&h);
    /* Nothing there: the error names the directory and the default. */
    setenv("N2D2_DATA", "/nonexistent-n2d2-data", 1);
    ck_assert_int_eq(db_open(&h, "MNIST_IDX_Database", "", 1, 1), N2D2_ERR_NOT_FOUND);
    ck_assert_msg(strstr(n2d2_error_message(), "/nonexistent-n2d2-data/mnist") &&
                      strstr(n2d2_error_message(), "train-images-idx3-ubyte") &&
                      strstr(n2d2_error_message(), "set N2D2_DATA or DataPath"),
                  "%s", n2d2_error_message());
    db_close(&h);
    unsetenv("N2D2_DATA");
}
END_TEST

START_TEST(fashion_names_its_classes)
{
    fx_dataset(dir, N_TRAIN, N_TEST, ROWS, COLS, 1, 0);
    db_handle h;
    char keys[4608];
    snprintf(keys, sizeof keys, "DataPath=%s\n", dir);
    ck_assert_int_eq(db_open(&h, "Fashion_MNIST_IDX_Database", keys, 1, 1), N2D2_OK);
    static const char *const names[10] = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                          "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};
    for (int i = 0; i < 10; ++i)
        ck_assert_str_eq(n2d2_database_label_name(h.db, i), names[i]);
    ck_assert_uint_eq(n2d2_database_set_count(h.db, N2D2_SET_LEARN), N_TRAIN);
    db_close(&h);
}
END_TEST

/* ---- corrupt files ---- */

static void replace_file(const char *base, const uint8_t *bytes, size_t n, int gz, char *path,
                         size_t size)
{
    fx_name(path, size, dir, base, 0, 0);
    remove(path);
    fx_name(path, size, dir, base, 0, 1);
    remove(path);
    fx_name(path, size, dir, base, 0, gz);
    fx_write(path, bytes, n, gz);
}

static void expect_load_error(n2d2_status code, const char *path, const char *needle)
{
    db_handle h;
    ck_assert_int_eq(open_dir(&h, ""), code);
    ck_assert_msg(strstr(n2d2_error_message(), path) && strstr(n2d2_error_message(), needle),
                  "message '%s' lacks '%s' or '%s'", n2d2_error_message(), path, needle);
    db_close(&h);
}

START_TEST(truncated_files_name_the_offset)
{
    fx_dataset(dir, N_TRAIN, N_TEST, ROWS, COLS, 0, 0);
    size_t len;
    uint8_t *b = fx_images(N_TRAIN, ROWS, COLS, 0, &len);
    char path[4200];
    replace_file("train-images-idx3-ubyte", b, len - 7, 0, path, sizeof path);
    char needle[128];
    snprintf(needle, sizeof needle, "truncated at byte offset %zu: expected 600 bytes of data after "
             "the 16-byte header, found 593", len - 7);
    expect_load_error(N2D2_ERR_PARSE, path, needle);
    /* Same in a gzip file: the offset is in the decompressed data. */
    replace_file("train-images-idx3-ubyte", b, len - 7, 1, path, sizeof path);
    expect_load_error(N2D2_ERR_PARSE, path, "of the decompressed data");
    /* A truncated header. */
    replace_file("train-images-idx3-ubyte", b, 10, 0, path, sizeof path);
    expect_load_error(N2D2_ERR_PARSE, path, "truncated at byte offset 10: expected 3 dimension sizes");
    /* A gzip stream cut in the middle. */
    replace_file("train-images-idx3-ubyte", b, len, 1, path, sizeof path);
    FILE *f = fopen(path, "rb");
    uint8_t gzbytes[4096];
    size_t n = fread(gzbytes, 1, sizeof gzbytes, f);
    fclose(f);
    replace_file("train-images-idx3-ubyte", gzbytes, n / 2, 0, path, sizeof path);
    /* (written raw: a .gz-less name holding half a gzip stream) */
    expect_load_error(N2D2_ERR_PARSE, path, "gzip");
    free(b);
}
END_TEST

START_TEST(bad_magic_dims_counts_and_labels)
{
    fx_dataset(dir, N_TRAIN, N_TEST, ROWS, COLS, 0, 0);
    char path[4200];
    size_t len;
    uint8_t *b = fx_images(N_TRAIN, ROWS, COLS, 0, &len);
    b[0] = 0x01;
    replace_file("train-images-idx3-ubyte", b, len, 0, path, sizeof path);
    expect_load_error(N2D2_ERR_PARSE, path, "bad IDX magic number 0x01000803 at byte offset 0");
    b[0] = 0;
    b[2] = 0x07;
    replace_file("train-images-idx3-ubyte", b, len, 0, path, sizeof path);
    expect_load_error(N2D2_ERR_PARSE, path, "unknown IDX element type 0x07 at byte offset 2");
    free(b);
    /* Images of rank 2 where rank 3 is expected. */
    uint8_t flat[12 + 4] = {0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4};
    replace_file("train-images-idx3-ubyte", flat, sizeof flat, 0, path, sizeof path);
    expect_load_error(N2D2_ERR_PARSE, path, "type 0x08 rank 2, but images need type 0x08 rank 3");
    /* 19 labels for 20 images: both files are named. */
    fx_dataset(dir, N_TRAIN, N_TEST, ROWS, COLS, 0, 0);
    b = fx_labels(N_TRAIN - 1, 0, &len);
    replace_file("train-labels-idx1-ubyte", b, len, 0, path, sizeof path);
    expect_load_error(N2D2_ERR_PARSE, path, "19 labels (byte offset 4) but");
    expect_load_error(N2D2_ERR_PARSE, "train-images-idx3-ubyte has 20 images", "counts must match");
    free(b);
    /* A label that is not a digit. */
    b = fx_labels(N_TRAIN, 0, &len);
    b[8 + 13] = 12;
    replace_file("train-labels-idx1-ubyte", b, len, 0, path, sizeof path);
    expect_load_error(N2D2_ERR_PARSE, path, "label 12 at byte offset 21 is not a class 0..9");
    free(b);
    /* Test images of another size than the learn images. */
    fx_dataset(dir, N_TRAIN, N_TEST, ROWS, COLS, 0, 0);
    b = fx_images(N_TEST, ROWS, COLS + 1, 1000, &len);
    replace_file("t10k-images-idx3-ubyte", b, len, 0, path, sizeof path);
    expect_load_error(N2D2_ERR_PARSE, path, "5x7 images (byte offsets 8 and 12)");
    free(b);
    /* Trailing bytes. */
    fx_dataset(dir, N_TRAIN, N_TEST, ROWS, COLS, 0, 0);
    b = fx_labels(N_TEST, 1000, &len);
    uint8_t longer[64];
    memcpy(longer, b, len);
    longer[len] = 0;
    replace_file("t10k-labels-idx1-ubyte", longer, len + 1, 0, path, sizeof path);
    expect_load_error(N2D2_ERR_PARSE, path, "1 unexpected bytes after the data, from byte offset 16");
    free(b);
    /* A missing file. */
    remove(path);
    expect_load_error(N2D2_ERR_NOT_FOUND, dir, "no t10k-labels-idx1-ubyte (nor t10k-labels.idx1-ubyte");
}
END_TEST

START_TEST(parser_on_memory_buffers)
{
    mnist_idx idx;
    const uint8_t ok[] = {0, 0, 0x08, 1, 0, 0, 0, 3, 7, 8, 9};
    ck_assert_int_eq(mnist_idx_parse(ok, sizeof ok, "m", 0, &idx), N2D2_OK);
    ck_assert_uint_eq(idx.ndim, 1);
    ck_assert_uint_eq(idx.dims[0], 3);
    ck_assert_uint_eq(idx.count, 3);
    ck_assert_uint_eq(idx.header, 8);
    ck_assert_uint_eq(idx.data[2], 9);
    ck_assert_int_eq(mnist_idx_parse(ok, 2, "m", 0, &idx), N2D2_ERR_PARSE);
    ck_assert_msg(strstr(n2d2_error_message(), "m: truncated at byte offset 2"), "%s",
                  n2d2_error_message());
    const uint8_t rank0[] = {0, 0, 0x08, 0};
    ck_assert_int_eq(mnist_idx_parse(rank0, sizeof rank0, "m", 0, &idx), N2D2_ERR_PARSE);
    ck_assert_msg(strstr(n2d2_error_message(), "rank 0 at byte offset 3"), "%s", n2d2_error_message());
    /* Sizes whose product overflows. */
    const uint8_t huge[] = {0, 0, 0x0E, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                            0xff, 0xff, 0xff, 0xff};
    ck_assert_int_eq(mnist_idx_parse(huge, sizeof huge, "m", 0, &idx), N2D2_ERR_PARSE);
    /* Doubles: 8 bytes per element. */
    const uint8_t dbl[] = {0, 0, 0x0E, 1, 0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7};
    ck_assert_int_eq(mnist_idx_parse(dbl, sizeof dbl, "m", 0, &idx), N2D2_ERR_PARSE);
    ck_assert_msg(strstr(n2d2_error_message(), "expected 8 bytes of data"), "%s", n2d2_error_message());
}
END_TEST

int main(void)
{
    Suite *s = suite_create("mnist");
    TCase *tc = tcase_create("idx");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, loads_plain_and_gzip_files_of_both_spellings);
    tcase_add_test(tc, validation_fraction_partition);
    tcase_add_test(tc, default_path_uses_n2d2_data);
    tcase_add_test(tc, fashion_names_its_classes);
    tcase_add_test(tc, truncated_files_name_the_offset);
    tcase_add_test(tc, bad_magic_dims_counts_and_labels);
    tcase_add_test(tc, parser_on_memory_buffers);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
