/* IDX_Database on IDX files written by the test: element types (ubyte raw,
 * float raw, short scaled), ranks 2 to 4 mapped to {C, H, W}, integer
 * label types, per-label partition, and errors naming file and offset. */
#include "db_fixture.h"
#include "check_run.h"

N2D2_STATIC_PLUGIN_DECLARE(db_idx);

static n2d2_registry *reg;
static n2d2_loader *loader;
static char *dir;

static void setup(void)
{
    static const n2d2_static_plugin table[] = {N2D2_STATIC_PLUGIN(db_idx)};
    ck_assert_int_eq(n2d2_registry_new(&reg), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_new(reg, &loader), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_preload(loader, table, 1), N2D2_OK);
    dir = dbf_tempdir("idxdb");
}

static void teardown(void)
{
    dbf_rmtree(dir);
    n2d2_loader_free(loader);
    n2d2_registry_free(reg);
}

static void put_be(uint8_t *p, uint64_t v, size_t n)
{
    for (size_t i = 0; i < n; ++i)
        p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

/* IDX file of `type` with dims and big-endian elements from raw[]. */
static void write_idx(const char *name, uint8_t type, uint32_t ndim, const uint32_t *dims,
                      const uint64_t *raw, size_t elem)
{
    size_t count = 1;
    for (uint32_t k = 0; k < ndim; ++k)
        count *= dims[k];
    size_t len = 4 + 4 * ndim + count * elem;
    uint8_t *b = calloc(1, len);
    ck_assert_ptr_nonnull(b);
    b[2] = type;
    b[3] = (uint8_t)ndim;
    for (uint32_t k = 0; k < ndim; ++k)
        put_be(b + 4 + 4 * k, dims[k], 4);
    for (size_t i = 0; i < count; ++i)
        put_be(b + 4 + 4 * ndim + i * elem, raw[i], elem);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    dbf_write(path, b, len);
    free(b);
}

static void write_labels(const char *name, uint8_t type, size_t elem, const int64_t *v, size_t n)
{
    uint64_t raw[64];
    for (size_t i = 0; i < n; ++i)
        raw[i] = (uint64_t)v[i];
    uint32_t dims[1] = {(uint32_t)n};
    write_idx(name, type, 1, dims, raw, elem);
}

static n2d2_status open_idx(dbf_handle *h, const char *data, const char *labels,
                            const char *extra)
{
    char keys[8192];
    snprintf(keys, sizeof keys, "DataPath=%s/%s\nLabelPath=%s/%s\n%s", dir, data, dir, labels,
             extra);
    return dbf_open(reg, h, "IDX_Database", keys, 2, 1);
}

START_TEST(ubyte_images)
{
    uint64_t raw[6 * 2 * 3];
    for (size_t i = 0; i < 36; ++i)
        raw[i] = (i * 7) % 256;
    uint32_t dims[3] = {6, 2, 3};
    write_idx("x.idx", 0x08, 3, dims, raw, 1);
    int64_t lab[6] = {0, 1, 2, 0, 1, 2};
    write_labels("y.idx", 0x08, 1, lab, 6);
    dbf_handle h;
    ck_assert_msg(open_idx(&h, "x.idx", "y.idx", "Learn=0.5\n") == N2D2_OK, "%s",
                  n2d2_error_message());
    ck_assert_uint_eq(n2d2_database_label_count(h.db), 3);
    ck_assert_str_eq(n2d2_database_label_name(h.db, 2), "2");
    for (int k = 0; k < 3; ++k) {
        ck_assert_uint_eq(dbf_count(h.db, N2D2_SET_LEARN, k), 1);
        ck_assert_uint_eq(dbf_count(h.db, N2D2_SET_TEST, k), 1);
    }
    n2d2_tensor *t;
    ck_assert_int_eq(h.ops->read(h.state, h.db, 4, &t, NULL), N2D2_OK);
    ck_assert_int_eq(n2d2_tensor_dtype(t), N2D2_UINT8);
    DBF_CHECK_DIMS3(t, 1, 2, 3);
    for (size_t i = 0; i < 6; ++i)
        ck_assert_int_eq(((const uint8_t *)n2d2_tensor_cdata(t))[i], (int)raw[24 + i]);
    n2d2_tensor_release(t);
    dbf_close(&h);
}
END_TEST

START_TEST(float_rank4_and_short_rank2)
{
    /* 4 stimuli of {2, 1, 2} floats; int32 labels 5, 5, 9, 9. */
    uint64_t raw[16];
    for (size_t i = 0; i < 16; ++i) {
        float f = -1.5f + 0.25f * (float)i;
        uint32_t u;
        memcpy(&u, &f, sizeof u);
        raw[i] = u;
    }
    uint32_t dims4[4] = {4, 2, 1, 2};
    write_idx("f.idx", 0x0D, 4, dims4, raw, 4);
    int64_t lab[4] = {5, 5, 9, 9};
    write_labels("l.idx", 0x0C, 4, lab, 4);
    dbf_handle h;
    ck_assert_int_eq(open_idx(&h, "f.idx", "l.idx", "Learn=0.5\nValidation=0.5\n"), N2D2_OK);
    ck_assert_uint_eq(n2d2_database_label_count(h.db), 10); /* "0".."9" */
    ck_assert_int_eq(n2d2_database_stimulus_label(h.db, 2), 9);
    n2d2_tensor *t;
    ck_assert_int_eq(h.ops->read(h.state, h.db, 1, &t, NULL), N2D2_OK);
    ck_assert_int_eq(n2d2_tensor_dtype(t), N2D2_FLOAT32);
    DBF_CHECK_DIMS3(t, 2, 1, 2);
    ck_assert(((const float *)n2d2_tensor_cdata(t))[3] == -1.5f + 0.25f * 7);
    n2d2_tensor_release(t);
    dbf_close(&h);

    /* Rank 2 shorts: {1, 1, 3}, scaled by 1/32767. */
    uint64_t s[6] = {0, 32767, (uint16_t)-32767, 100, 200, 300};
    uint32_t dims2[2] = {2, 3};
    write_idx("s.idx", 0x0B, 2, dims2, s, 2);
    int64_t lab2[2] = {0, 1};
    write_labels("l2.idx", 0x08, 1, lab2, 2);
    ck_assert_int_eq(open_idx(&h, "s.idx", "l2.idx", "Learn=1.0\n"), N2D2_OK);
    ck_assert_int_eq(h.ops->read(h.state, h.db, 0, &t, NULL), N2D2_OK);
    ck_assert_uint_eq(n2d2_tensor_dim(t, 2), 3);
    const float *v = n2d2_tensor_cdata(t);
    ck_assert(v[0] == 0.0f && v[1] == 1.0f && v[2] == -1.0f);
    n2d2_tensor_release(t);
    dbf_close(&h);
}
END_TEST

START_TEST(errors)
{
    uint64_t raw[8] = {0};
    uint32_t dims[3] = {2, 2, 2};
    write_idx("x.idx", 0x08, 3, dims, raw, 1);
    int64_t lab3[3] = {0, 1, 0};
    write_labels("y3.idx", 0x08, 1, lab3, 3);
    dbf_handle h;
    dbf_assert_error(open_idx(&h, "x.idx", "y3.idx", "Learn=0.5\n"), N2D2_ERR_PARSE,
                     "3 labels (byte offset 4)");
    dbf_close(&h);
    int64_t big[2] = {0, 70000};
    write_labels("big.idx", 0x0C, 4, big, 2);
    dbf_assert_error(open_idx(&h, "x.idx", "big.idx", "Learn=0.5\n"), N2D2_ERR_PARSE,
                     "label 70000 at byte offset 12");
    dbf_close(&h);
    uint32_t d1[1] = {2};
    write_idx("flat.idx", 0x08, 1, d1, raw, 1);
    dbf_assert_error(open_idx(&h, "flat.idx", "y3.idx", "Learn=0.5\n"), N2D2_ERR_PARSE,
                     "rank 1 at byte offset 3");
    dbf_close(&h);
    write_idx("fl.idx", 0x0D, 1, d1, raw, 4);
    dbf_assert_error(open_idx(&h, "x.idx", "fl.idx", "Learn=0.5\n"), N2D2_ERR_PARSE,
                     "integer type");
    dbf_close(&h);
    char path[4096];
    snprintf(path, sizeof path, "%s/none.idx", dir);
    dbf_assert_error(open_idx(&h, "x.idx", "none.idx", "Learn=0.5\n"), N2D2_ERR_NOT_FOUND, path);
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "db.ini:4"));
    dbf_close(&h);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("idx_database");
    TCase *tc = tcase_create("idx");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, ubyte_images);
    tcase_add_test(tc, float_rank4_and_short_rank2);
    tcase_add_test(tc, errors);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
