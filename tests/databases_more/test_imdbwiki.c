/* IMDBWIKI_Database on a miniature IMDB-WIKI tree written by the test
 * (wiki/, wiki_crop/, imdb_crop/ and the CSV metadata of imdb_metadata/):
 * gender-age and name labels, skipped faces without location, crops vs
 * face ROIs, IMDB before WIKI, the fraction partition and errors at
 * file:line; and the dataset's own wiki.mat (MATLAB Level 5, plain and
 * compressed), written here byte by byte from the format's
 * specification. */
#include <stdint.h>
#include <zlib.h>

#include "check_run.h"
#include "dbm_fixture.h"
#include "matv5.h"

DBM_FIXTURE(db_imdbwiki, "imdbwiki")

static void text(const char *rel, const char *content)
{
    dbm_write_text_in(dir, rel, content);
}

static const char wiki_csv[] = "# full_path;name;x0;y0;x1;y1;dob;photo_taken;gender\n"
                               "00/a.jpg;Alice Smith;10;20;50;70;1970;2000;0\n"
                               "00/b.jpg;Bob;1;1;40;40;1980;2005;1\n"
                               "01/c.jpg;;5;5;25;35;1990;2010;NaN\n"
                               "01/d.jpg;Dan;5;5;25;35;1900;2010;1\n"
                               "\n"
                               "01/e.jpg;Eve &amp; Co;0;0;30;30;1975.5;2000;0\n";

static void make_tree(void)
{
    static const char *const dirs[] = {"wiki", "wiki_crop", "imdb_crop", "imdb_metadata"};
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; ++i)
        dbf_mkdir(dir, dirs[i]);
    text("imdb_metadata/wiki.csv", wiki_csv);
    text("imdb_metadata/imdb.csv", "nm1/x.jpg;Xavier;2;3;12;13;1960;2000;1\n");
}

static n2d2_status open_db(dbf_handle *h, const char *extra)
{
    char keys[8192];
    snprintf(keys, sizeof keys, "DataPath=%s\nLabelPath=%s/imdb_metadata\n%s", dir, dir, extra);
    return dbf_open(reg, h, "IMDBWIKI_Database", keys, 4, 0);
}

START_TEST(crops_gender_age)
{
    make_tree();
    dbf_handle h;
    ck_assert_int_eq(open_db(&h, "CropFrame=1\nLearn=0.5\nValidation=0.25\n"), N2D2_OK);
    ck_assert_uint_eq(n2d2_database_label_count(h.db), 4);
    ck_assert_str_eq(n2d2_database_label_name(h.db, 0), "F-30");
    ck_assert_str_eq(n2d2_database_label_name(h.db, 1), "?-20");
    ck_assert_str_eq(n2d2_database_label_name(h.db, 2), "M-?");
    ck_assert_str_eq(n2d2_database_label_name(h.db, 3), "F-24.5");
    /* b.jpg (box at (1, 1)) is skipped. */
    ck_assert_uint_eq(n2d2_database_stimulus_count(h.db), 4);
    for (int i = 0; i < 4; ++i)
        ck_assert_int_eq(n2d2_database_stimulus_label(h.db, (size_t)i), i);
    char name[4600];
    snprintf(name, sizeof name, "%s/wiki_crop/01/c.jpg", dir);
    ck_assert_str_eq(n2d2_database_stimulus_name(h.db, 1), name);
    DBF_CHECK_SETS(h.db, 2, 1, 1);
    ck_assert_uint_eq(n2d2_database_roi_total(h.db), 0);
    dbf_close(&h);
    /* Names as labels, IMDB first; the default Learn=1 keeps all. */
    ck_assert_int_eq(open_db(&h, "CropFrame=1\nUseNameAsLabel=1\nIMDBSet=1\n"), N2D2_OK);
    ck_assert_uint_eq(n2d2_database_stimulus_count(h.db), 5);
    ck_assert_str_eq(n2d2_database_label_name(h.db, 0), "Xavier");
    ck_assert_str_eq(n2d2_database_label_name(h.db, 2), "?");
    ck_assert_str_eq(n2d2_database_label_name(h.db, 4), "Eve & Co");
    snprintf(name, sizeof name, "%s/imdb_crop/nm1/x.jpg", dir);
    ck_assert_str_eq(n2d2_database_stimulus_name(h.db, 0), name);
    ck_assert_uint_eq(n2d2_database_set_count(h.db, N2D2_SET_LEARN), 5);
    dbf_close(&h);
}
END_TEST

START_TEST(face_rois)
{
    make_tree();
    dbf_handle h;
    ck_assert_int_eq(open_db(&h, ""), N2D2_OK);
    ck_assert_uint_eq(n2d2_database_stimulus_count(h.db), 4);
    ck_assert_int_eq(n2d2_database_stimulus_label(h.db, 0), -1);
    char name[4600];
    snprintf(name, sizeof name, "%s/wiki/00/a.jpg", dir);
    ck_assert_str_eq(n2d2_database_stimulus_name(h.db, 0), name);
    ck_assert_uint_eq(n2d2_database_roi_total(h.db), 4);
    n2d2_roi roi;
    ck_assert_int_eq(n2d2_database_roi_at(h.db, 0, 0, &roi), N2D2_OK);
    ck_assert_int_eq(roi.label, 0);
    ck_assert_double_eq(roi.left, 10);
    ck_assert_double_eq(roi.top, 20);
    ck_assert_double_eq(roi.right, 50);
    ck_assert_double_eq(roi.bottom, 70);
    ck_assert_int_eq(n2d2_database_roi_at(h.db, 3, 0, &roi), N2D2_OK);
    ck_assert_int_eq(roi.label, 3);
    dbf_close(&h);
}
END_TEST

START_TEST(errors)
{
    make_tree();
    dbf_handle h;
    text("imdb_metadata/wiki.csv",
         "00/a.jpg;A;10;20;50;70;1970;2000;0\n\n00/b.jpg;B;1;2;3;4;5;6\n");
    dbf_assert_error(open_db(&h, ""), N2D2_ERR_PARSE, "wiki.csv:3: 8 fields, expected 9");
    dbf_close(&h);
    text("imdb_metadata/wiki.csv", "00/a.jpg;A;abc;20;50;70;1970;2000;0\n");
    dbf_assert_error(open_db(&h, ""), N2D2_ERR_PARSE, "wiki.csv:1: x0 'abc' is not a number");
    dbf_close(&h);
    text("imdb_metadata/wiki.csv", "00/a.jpg;A;50;20;10;70;1970;2000;0\n");
    dbf_assert_error(open_db(&h, ""), N2D2_ERR_PARSE, "wiki.csv:1: face box (50, 20)-(10, 70)");
    dbf_close(&h);
    char path[4600];
    snprintf(path, sizeof path, "%s/imdb_metadata/wiki.csv", dir);
    remove(path);
    dbf_assert_error(open_db(&h, ""), N2D2_ERR_NOT_FOUND, "wiki.csv");
    dbf_close(&h);
    dbf_assert_error(open_db(&h, "IMDBSet=1\nWikiSet=0\n"), N2D2_ERR_NOT_FOUND,
                     "/imdb is not a directory");
    dbf_close(&h);
}
END_TEST

/* ---- a MAT-file writer, from the Level 5 MAT-file specification ---- */

typedef struct mbuf {
    unsigned char *b;
    size_t n, cap;
} mbuf;

static void mb_put(mbuf *m, const void *p, size_t n)
{
    if (m->n + n > m->cap) {
        m->cap = (m->n + n) * 2 + 64;
        m->b = realloc(m->b, m->cap);
        ck_assert_ptr_nonnull(m->b);
    }
    if (n)
        memcpy(m->b + m->n, p, n);
    m->n += n;
}

static void mb_u32(mbuf *m, uint32_t v)
{
    unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    mb_put(m, b, 4);
}

/* A data element; `small` packs up to 4 bytes in the tag. */
static void mb_elem(mbuf *m, uint32_t type, const void *data, size_t n, int small)
{
    static const unsigned char zero[8] = {0};
    if (small) {
        mb_u32(m, (uint32_t)n << 16 | type);
        mb_put(m, data, n);
        mb_put(m, zero, 4 - n);
        return;
    }
    mb_u32(m, type);
    mb_u32(m, (uint32_t)n);
    mb_put(m, data, n);
    mb_put(m, zero, (8 - n % 8) % 8);
}

static void mb_head(mbuf *body, uint32_t cls, uint32_t rows, uint32_t cols, const char *name)
{
    uint32_t flags[2] = {cls, 0}, dims[2] = {rows, cols};
    mb_elem(body, 6 /* miUINT32 */, flags, 8, 0); /* little-endian host */
    mb_elem(body, 5 /* miINT32 */, dims, 8, 0);
    mb_elem(body, 1 /* miINT8 */, name, strlen(name), strlen(name) > 0 && strlen(name) <= 4);
}

static void mb_matrix(mbuf *parent, mbuf *body)
{
    mb_elem(parent, 14 /* miMATRIX */, body->b, body->n, 0);
    free(body->b);
    memset(body, 0, sizeof *body);
}

static void mat_doubles(mbuf *m, const double *v, size_t n, int as_int32)
{
    mbuf body = {0};
    mb_head(&body, 6 /* mxDOUBLE */, 1, (uint32_t)n, "");
    if (as_int32) { /* MATLAB stores whole numbers in a smaller type */
        int32_t iv[8];
        for (size_t i = 0; i < n; ++i)
            iv[i] = (int32_t)v[i];
        mb_elem(&body, 5 /* miINT32 */, iv, 4 * n, 0);
    } else {
        mb_elem(&body, 9 /* miDOUBLE */, v, 8 * n, 0);
    }
    mb_matrix(m, &body);
}

/* A 1 x len char array of UTF-16 code units (0 x 0 when empty). */
static void mat_chars(mbuf *m, const uint16_t *units, size_t len)
{
    mbuf body = {0};
    mb_head(&body, 4 /* mxCHAR */, len ? 1 : 0, (uint32_t)len, "");
    mb_elem(&body, 4 /* miUINT16 */, units, 2 * len, 0);
    mb_matrix(m, &body);
}

static void mat_ascii(mbuf *m, const char *s)
{
    uint16_t u[64];
    size_t n = strlen(s);
    for (size_t i = 0; i < n; ++i)
        u[i] = (unsigned char)s[i];
    mat_chars(m, u, n);
}

#define N_FACES 4

/* wiki: struct with dob, photo_taken, full_path, gender, name,
 * face_location, face_score; `skip_dob` leaves dob out. */
static void make_mat(const char *rel, int compressed, int skip_dob)
{
    static const char *const paths[N_FACES] = {"17/10000217_1981-05-05_2009.jpg",
                                               "48/10000548_1925-04-04_1964.jpg",
                                               "12/100012_1948-07-03_2008.jpg",
                                               "65/10001965_1930-05-23_1961.jpg"};
    /* datenums of 1981-05-05, 1925-04-04, 1948-07-03, 1930-05-23 */
    const double dob[N_FACES] = {723671, 703186, 711677, 705061};
    const double taken[N_FACES] = {2009, 1964, 2008, 1961};
    const double gender[N_FACES] = {1, 1, 1, NAN};
    const double score[N_FACES] = {4.3, -INFINITY, 2.1, 3.0};
    const double loc[N_FACES][4] = {{111.29, 111.29, 252.67, 252.67}, {1, 1, 634, 440},
                                    {20, 30, 120, 160}, {5, 6, 50, 70}};
    static const char *const fields[] = {"dob", "photo_taken", "full_path", "gender", "name",
                                         "face_location", "face_score"};
    size_t nf = skip_dob ? 6 : 7;
    mbuf body = {0};
    mb_head(&body, 2 /* mxSTRUCT */, 1, 1, "wiki");
    int32_t len = 32;
    mb_elem(&body, 5 /* miINT32 */, &len, 4, 1);
    char names[7 * 32] = {0};
    for (size_t f = 0; f < nf; ++f)
        strcpy(names + 32 * f, fields[f + (skip_dob ? 1 : 0)]);
    mb_elem(&body, 1 /* miINT8 */, names, 32 * nf, 0);
    if (!skip_dob)
        mat_doubles(&body, dob, N_FACES, 1);
    mat_doubles(&body, taken, N_FACES, 1);
    mbuf cell = {0};
    mb_head(&cell, 1 /* mxCELL */, 1, N_FACES, "");
    for (int i = 0; i < N_FACES; ++i)
        mat_ascii(&cell, paths[i]);
    mb_matrix(&body, &cell);
    mat_doubles(&body, gender, N_FACES, 0);
    mb_head(&cell, 1, 1, N_FACES, "");
    const uint16_t sami[] = {'S', 'a', 'm', 'i', ' ', 'J', 'a', 'u', 'h', 'o', 'j', 0xE4, 'r',
                             'v', 'i'};
    mat_chars(&cell, sami, sizeof sami / sizeof *sami);
    mat_ascii(&cell, "Dettmar Cramer");
    mat_ascii(&cell, "Marc Okrand");
    mat_chars(&cell, NULL, 0);
    mb_matrix(&body, &cell);
    mb_head(&cell, 1, 1, N_FACES, "");
    for (int i = 0; i < N_FACES; ++i)
        mat_doubles(&cell, loc[i], 4, 0);
    mb_matrix(&body, &cell);
    mat_doubles(&body, score, N_FACES, 0);
    mbuf var = {0};
    mb_matrix(&var, &body);
    mbuf file = {0};
    char header[128];
    memset(header, ' ', 116);
    memcpy(header, "MATLAB 5.0 MAT-file, Platform: GLNXA64", 38);
    memset(header + 116, 0, 8);
    header[124] = 0x00;
    header[125] = 0x01;
    header[126] = 'I';
    header[127] = 'M';
    mb_put(&file, header, 128);
    if (compressed) {
        uLongf zn = compressBound(var.n);
        unsigned char *z = malloc(zn);
        ck_assert_int_eq(compress2(z, &zn, var.b, var.n, 6), Z_OK);
        mb_u32(&file, 15 /* miCOMPRESSED */);
        mb_u32(&file, (uint32_t)zn);
        mb_put(&file, z, zn);
        free(z);
    } else {
        mb_put(&file, var.b, var.n);
    }
    char path[4600];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    dbf_write(path, file.b, file.n);
    free(var.b);
    free(file.b);
}

START_TEST(matlab_metadata)
{
    make_tree();
    char path[4600];
    snprintf(path, sizeof path, "%s/imdb_metadata/wiki.csv", dir);
    remove(path);
    make_mat("imdb_metadata/wiki.mat", 0, 0);
    dbf_handle h;
    ck_assert_int_eq(open_db(&h, "CropFrame=1\n"), N2D2_OK);
    /* face 2 (box at (1, 1)) skipped; ages on 1 July of the photo's year */
    ck_assert_uint_eq(n2d2_database_stimulus_count(h.db), 3);
    ck_assert_uint_eq(n2d2_database_label_count(h.db), 3);
    ck_assert_str_eq(n2d2_database_label_name(h.db, 0), "M-28");
    ck_assert_str_eq(n2d2_database_label_name(h.db, 1), "M-59");
    ck_assert_str_eq(n2d2_database_label_name(h.db, 2), "?-31");
    char name[4600];
    snprintf(name, sizeof name, "%s/wiki_crop/12/100012_1948-07-03_2008.jpg", dir);
    ck_assert_str_eq(n2d2_database_stimulus_name(h.db, 1), name);
    dbf_close(&h);
    /* The compressed file where the dataset puts it, names as labels, ROIs. */
    remove(path);
    snprintf(path, sizeof path, "%s/imdb_metadata/wiki.mat", dir);
    remove(path);
    make_mat("wiki_crop/wiki.mat", 1, 0);
    ck_assert_int_eq(open_db(&h, "UseNameAsLabel=1\n"), N2D2_OK);
    ck_assert_str_eq(n2d2_database_label_name(h.db, 0), "Sami Jauhoj\xc3\xa4rvi");
    ck_assert_str_eq(n2d2_database_label_name(h.db, 1), "Marc Okrand");
    ck_assert_str_eq(n2d2_database_label_name(h.db, 2), "?");
    n2d2_roi roi;
    ck_assert_int_eq(n2d2_database_roi_at(h.db, 0, 0, &roi), N2D2_OK);
    ck_assert_double_eq(roi.left, 111.29);
    ck_assert_double_eq(roi.bottom, 252.67);
    dbf_close(&h);
    /* A missing field, a truncated compressed element, not a MAT-file. */
    make_mat("wiki_crop/wiki.mat", 1, 1);
    dbf_assert_error(open_db(&h, ""), N2D2_ERR_PARSE, "field 'dob' of 'wiki' is missing");
    dbf_close(&h);
    make_mat("wiki_crop/wiki.mat", 1, 0);
    snprintf(path, sizeof path, "%s/wiki_crop/wiki.mat", dir);
    FILE *f = fopen(path, "rb");
    unsigned char buf[8192];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    buf[n - 1] = 0; /* ends the stream early: drop the last 40 bytes instead */
    dbf_write(path, buf, n - 40);
    dbf_assert_error(open_db(&h, ""), N2D2_ERR_PARSE, "wiki.mat: byte offset 128: element runs "
                     "past the end");
    dbf_close(&h);
    /* a compressed size that fits but a corrupt stream */
    buf[4 + 128] = (unsigned char)(n - 40 - 136);
    buf[5 + 128] = (unsigned char)((n - 40 - 136) >> 8);
    buf[6 + 128] = buf[7 + 128] = 0;
    dbf_write(path, buf, n - 40);
    dbf_assert_error(open_db(&h, ""), N2D2_ERR_PARSE,
                     "wiki.mat: byte offset 128: corrupt or truncated compressed element");
    dbf_close(&h);
    memcpy(buf + 124, "\x01\x00MI", 4);
    dbf_write(path, buf, n);
    dbf_assert_error(open_db(&h, ""), N2D2_ERR_NOT_IMPLEMENTED, "big-endian");
    dbf_close(&h);
    memcpy(buf + 124, "\x00\x02IM", 4);
    dbf_write(path, buf, n);
    dbf_assert_error(open_db(&h, ""), N2D2_ERR_NOT_IMPLEMENTED, "v7.3 (HDF5)");
    dbf_close(&h);
    memcpy(buf + 124, "\x00\x01XY", 4);
    dbf_write(path, buf, n);
    dbf_assert_error(open_db(&h, ""), N2D2_ERR_PARSE, "wiki.mat: byte offset 124: not a Level 5");
    dbf_close(&h);
    dbf_write_text(path, "MATLAB 7.3 MAT-file");
    dbf_assert_error(open_db(&h, ""), N2D2_ERR_PARSE, "shorter than the 128-byte");
    dbf_close(&h);
}
END_TEST

START_TEST(mat_reader)
{
    /* Numbers in every storage type, as doubles. */
    mbuf body = {0};
    mb_head(&body, 6, 1, 3, "x");
    const int16_t v[3] = {-3, 7, 32767};
    mb_elem(&body, 3 /* miINT16 */, v, 6, 0);
    mbuf file = {0};
    char header[128] = {0};
    header[125] = 0x01;
    header[126] = 'I';
    header[127] = 'M';
    mb_put(&file, header, 128);
    mb_matrix(&file, &body);
    mat_array *vars;
    size_t n;
    ck_assert_int_eq(mat_parse(file.b, file.n, "t.mat", &vars, &n), N2D2_OK);
    ck_assert_uint_eq(n, 1);
    const mat_array *x = mat_find(vars, n, "x");
    ck_assert_ptr_nonnull(x);
    ck_assert_int_eq(x->kind, MAT_NUMERIC);
    ck_assert_uint_eq(x->n, 3);
    ck_assert_double_eq(x->num[0], -3.0);
    ck_assert_double_eq(x->num[2], 32767.0);
    mat_free(vars, n);
    /* Dimensions that do not match the data. */
    file.b[128 + 8 + 16 + 8 + 4] = 4; /* dims 1 x 3 -> 1 x 4 */
    dbf_assert_error(mat_parse(file.b, file.n, "t.mat", &vars, &n), N2D2_ERR_PARSE,
                     "t.mat: byte offset 176: numeric data size does not match the dimensions");
    free(file.b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("imdbwiki_database");
    TCase *tc = tcase_create("imdbwiki");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, crops_gender_age);
    tcase_add_test(tc, face_rois);
    tcase_add_test(tc, errors);
    tcase_add_test(tc, matlab_metadata);
    tcase_add_test(tc, mat_reader);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
