/* LITISRouen_Database on a miniature data_rouen folder of WAV files
 * written by the test: labels from the names (up to the first digit,
 * sorted case-insensitively), the fraction partition, samples of PCM
 * 8/16/24-bit, float and extensible files, and corrupt files named with
 * the byte offset. */
#include "check_run.h"
#include "dbm_fixture.h"

DBM_FIXTURE(db_litisrouen, "litis")

static size_t put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    return 2;
}

static size_t put32(unsigned char *p, unsigned long v)
{
    put16(p, (unsigned)(v & 0xffff));
    put16(p + 2, (unsigned)(v >> 16));
    return 4;
}

/* A WAV file: format tag, channels, bits, `data` bytes; extensible adds
 * the 24-byte extension; a 3-byte LIST chunk (padded) precedes data. */
static void wav(const char *name, unsigned format, unsigned channels, unsigned bits,
                const unsigned char *data, size_t n, int extensible)
{
    unsigned char b[512];
    size_t at = 12, fmt_len = extensible ? 40 : 16;
    memcpy(b, "RIFF", 4);
    memcpy(b + 8, "WAVE", 4);
    memcpy(b + at, "fmt ", 4);
    at += 4;
    at += put32(b + at, fmt_len);
    at += put16(b + at, extensible ? 0xFFFE : format);
    at += put16(b + at, channels);
    at += put32(b + at, 22050);
    at += put32(b + at, 22050ul * channels * bits / 8);
    at += put16(b + at, channels * bits / 8);
    at += put16(b + at, bits);
    if (extensible) {
        at += put16(b + at, 22);
        at += put16(b + at, bits);
        at += put32(b + at, 4);
        at += put16(b + at, format); /* sub-format GUID starts with the tag */
        memset(b + at, 0, 14);
        at += 14;
    }
    memcpy(b + at, "LIST", 4);
    at += 4;
    at += put32(b + at, 3);
    memcpy(b + at, "abc\0", 4);
    at += 4;
    memcpy(b + at, "data", 4);
    at += 4;
    at += put32(b + at, n);
    memcpy(b + at, data, n);
    at += n;
    put32(b + 4, at - 8);
    char path[4600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    dbf_write(path, b, at);
}

static void make_folder(void)
{
    const unsigned char s16[8] = {0, 0, 0x00, 0x40, 0x00, 0x80, 0xff, 0x7f};
    wav("bus1.wav", 1, 1, 16, s16, 8, 0);
    const unsigned char s8[3] = {128, 192, 0};
    wav("bus12.wav", 1, 1, 8, s8, 3, 0);
    const unsigned char s24[6] = {0x00, 0x00, 0x40, 0x00, 0x00, 0xc0};
    wav("Cafe3.wav", 1, 1, 24, s24, 6, 1);
    float f[2] = {0.25f, -0.75f};
    wav("metro_paris2.wav", 3, 1, 32, (const unsigned char *)f, 8, 0);
    wav("metro_paris10.wav", 1, 1, 16, s16, 4, 0);
    char path[4600];
    snprintf(path, sizeof path, "%s/readme.txt", dir);
    dbf_write_text(path, "not a recording");
}

static n2d2_status open_db(dbf_handle *h, const char *extra)
{
    char keys[8192];
    snprintf(keys, sizeof keys, "DataPath=%s\n%s", dir, extra);
    return dbf_open(reg, h, "LITISRouen_Database", keys, 4, 0);
}

static void expect_samples(dbf_handle *h, size_t index, const float *want, size_t n)
{
    n2d2_tensor *t = NULL;
    ck_assert_int_eq(h->ops->read(h->state, h->db, index, &t, NULL), N2D2_OK);
    DBF_CHECK_DIMS3(t, 1, 1, n);
    const float *f = n2d2_tensor_data(t);
    for (size_t i = 0; i < n; ++i)
        ck_assert_float_eq_tol(f[i], want[i], 1e-7f);
    n2d2_tensor_release(t);
}

START_TEST(labels_sets_samples)
{
    make_folder();
    dbf_handle h;
    ck_assert_int_eq(open_db(&h, ""), N2D2_OK);
    ck_assert_uint_eq(n2d2_database_label_count(h.db), 3);
    ck_assert_str_eq(n2d2_database_label_name(h.db, 0), "bus");
    ck_assert_str_eq(n2d2_database_label_name(h.db, 1), "Cafe");
    ck_assert_str_eq(n2d2_database_label_name(h.db, 2), "metro_paris");
    /* Byte order of names: Cafe3, bus1, bus12, metro_paris10, metro_paris2. */
    ck_assert_uint_eq(n2d2_database_stimulus_count(h.db), 5);
    static const int want[5] = {1, 0, 0, 2, 2};
    for (size_t i = 0; i < 5; ++i)
        ck_assert_int_eq(n2d2_database_stimulus_label(h.db, i), want[i]);
    /* Learn 0.4 x 5 = 2, Validation 2, test 1 (in order). */
    DBF_CHECK_SETS(h.db, 2, 2, 1);
    ck_assert_uint_eq(n2d2_database_set_at(h.db, N2D2_SET_TEST, 0), 4);
    const float w24[2] = {0.5f, -0.5f}, w16[4] = {0.0f, 0.5f, -1.0f, 32767.0f / 32768.0f};
    const float w8[3] = {0.0f, 0.5f, -1.0f}, wf[2] = {0.25f, -0.75f};
    expect_samples(&h, 0, w24, 2);
    expect_samples(&h, 1, w16, 4);
    expect_samples(&h, 2, w8, 3);
    expect_samples(&h, 3, w16, 2);
    expect_samples(&h, 4, wf, 2);
    dbf_close(&h);
}
END_TEST

START_TEST(corrupt_files)
{
    dbf_handle h;
    dbf_assert_error(open_db(&h, ""), N2D2_ERR_NOT_FOUND, "no .wav file in");
    dbf_close(&h);
    const unsigned char s16[4] = {1, 2, 3, 4};
    wav("bus1.wav", 1, 2, 16, s16, 4, 0);
    wav("bus2.wav", 1, 1, 16, s16, 3, 0);
    wav("bus3.wav", 2, 1, 4, s16, 4, 0);
    char path[4600];
    snprintf(path, sizeof path, "%s/bus4.wav", dir);
    dbf_write_text(path, "RIFX....WAVE");
    ck_assert_int_eq(open_db(&h, "Learn=1\nValidation=0\n"), N2D2_OK);
    n2d2_tensor *t = NULL;
    dbf_assert_error(h.ops->read(h.state, h.db, 0, &t, NULL), N2D2_ERR_NOT_IMPLEMENTED,
                     "bus1.wav: byte offset 12: 2 channels: only mono");
    dbf_assert_error(h.ops->read(h.state, h.db, 1, &t, NULL), N2D2_ERR_PARSE,
                     "bus2.wav: byte offset 48: 'data' chunk of 3 bytes is not a whole number "
                     "of 2-byte samples");
    dbf_assert_error(h.ops->read(h.state, h.db, 2, &t, NULL), N2D2_ERR_NOT_IMPLEMENTED,
                     "encoding 2 with 4-bit samples is not implemented yet");
    dbf_assert_error(h.ops->read(h.state, h.db, 3, &t, NULL), N2D2_ERR_PARSE,
                     "bus4.wav: byte offset 0: not a RIFF/WAVE file");
    ck_assert_ptr_null(t);
    dbf_close(&h);
    /* A data chunk announcing more bytes than the file has. */
    unsigned char b[64];
    snprintf(path, sizeof path, "%s/bus2.wav", dir);
    FILE *f = fopen(path, "rb");
    size_t n = fread(b, 1, sizeof b, f);
    fclose(f);
    dbf_write(path, b, n - 1);
    ck_assert_int_eq(open_db(&h, "Learn=1\nValidation=0\n"), N2D2_OK);
    dbf_assert_error(h.ops->read(h.state, h.db, 1, &t, NULL), N2D2_ERR_PARSE,
                     "bus2.wav: byte offset 48: chunk 'data' of 3 bytes runs past the end");
    dbf_close(&h);
    snprintf(path, sizeof path, "%s/12.wav", dir);
    dbf_write(path, b, n);
    dbf_assert_error(open_db(&h, ""), N2D2_ERR_PARSE, "12.wav: the name does not start with");
    dbf_close(&h);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("litisrouen_database");
    TCase *tc = tcase_create("litisrouen");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, labels_sets_samples);
    tcase_add_test(tc, corrupt_files);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
