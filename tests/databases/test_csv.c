/* CSV_Database on CSV files written by the test: the manual's layout
 * (header line, numeric columns, quoted label last), values read back
 * exactly as {1, 1, N}, label column from either end, several files,
 * per-label partition, and errors naming file:line. */
#include "db_fixture.h"
#include "csv_parse.h"
#include "check_run.h"

N2D2_STATIC_PLUGIN_DECLARE(db_csv);

static n2d2_registry *reg;
static n2d2_loader *loader;
static char *dir;

static void setup(void)
{
    static const n2d2_static_plugin table[] = {N2D2_STATIC_PLUGIN(db_csv)};
    ck_assert_int_eq(n2d2_registry_new(&reg), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_new(reg, &loader), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_preload(loader, table, 1), N2D2_OK);
    dir = dbf_tempdir("csvdb");
}

static void teardown(void)
{
    dbf_rmtree(dir);
    n2d2_loader_free(loader);
    n2d2_registry_free(reg);
}

static void file_path(char *out, const char *name) { snprintf(out, 4096, "%s/%s", dir, name); }

/* 10 rows, 6 "unstable" (first) and 4 "stable"; row r holds r/2, -r, r*0.25. */
static void write_grid(const char *name, int crlf)
{
    char text[4096] = "\"tau1\",\"tau2\",\"tau3\",\"stabf\"\n";
    for (int r = 0; r < 10; ++r) {
        char line[256];
        snprintf(line, sizeof line, "%g, %g ,%g,\"%s\"%s\n", r / 2.0, -(double)r, r * 0.25,
                 (r % 5 < 3) ? "unstable" : "stable", crlf ? "\r" : "");
        strcat(text, line);
    }
    strcat(text, "\n\n"); /* trailing blank lines are fine */
    char path[4096];
    file_path(path, name);
    dbf_write_text(path, text);
}

static n2d2_status open_csv(dbf_handle *h, const char *files, const char *extra, int random)
{
    char keys[8192] = "DataPath=";
    const char *p = files;
    while (*p) { /* each space-separated name under dir */
        size_t n = strcspn(p, " ");
        char one[4096];
        snprintf(one, sizeof one, "%s/%.*s ", dir, (int)n, p);
        strcat(keys, one);
        p += n;
        p += strspn(p, " ");
    }
    strcat(keys, "\n");
    strcat(keys, extra);
    return dbf_open(reg, h, "CSV_Database", keys, 3, random);
}

START_TEST(manual_layout)
{
    write_grid("grid.csv", 0);
    dbf_handle h;
    ck_assert_msg(open_csv(&h, "grid.csv", "Learn=0.7\nValidation=0.3\nNbHeaderLines=1\n", 1) ==
                      N2D2_OK, "%s", n2d2_error_message());
    ck_assert_uint_eq(n2d2_database_label_count(h.db), 2);
    ck_assert_str_eq(n2d2_database_label_name(h.db, 0), "unstable");
    ck_assert_str_eq(n2d2_database_label_name(h.db, 1), "stable");
    ck_assert_uint_eq(n2d2_database_stimulus_count(h.db), 10);
    /* Smallest label 4: learn round(2.8) = 3, validation round(1.2) = 1. */
    for (int k = 0; k < 2; ++k) {
        ck_assert_uint_eq(dbf_count(h.db, N2D2_SET_LEARN, k), 3);
        ck_assert_uint_eq(dbf_count(h.db, N2D2_SET_VALIDATION, k), 1);
    }
    ck_assert_uint_eq(dbf_count(h.db, N2D2_SET_TEST, 0), 2);
    ck_assert_uint_eq(dbf_count(h.db, N2D2_SET_TEST, 1), 0);
    for (size_t i = 0; i < 10; ++i) {
        char want[4200];
        snprintf(want, sizeof want, "%s/grid.csv:%zu", dir, i + 2);
        ck_assert_str_eq(n2d2_database_stimulus_name(h.db, i), want);
        ck_assert_int_eq(n2d2_database_stimulus_label(h.db, i), (i % 5 < 3) ? 0 : 1);
        n2d2_tensor *t;
        ck_assert_int_eq(h.ops->read(h.state, h.db, i, &t, NULL), N2D2_OK);
        ck_assert_int_eq(n2d2_tensor_dtype(t), N2D2_FLOAT32);
        DBF_CHECK_DIMS3(t, 1, 1, 3);
        const float *v = n2d2_tensor_cdata(t);
        ck_assert(v[0] == (float)(i / 2.0) && v[1] == -(float)i && v[2] == (float)(i * 0.25));
        n2d2_tensor_release(t);
    }
    dbf_close(&h);
}
END_TEST

START_TEST(label_column_files_and_crlf)
{
    char path[4096];
    file_path(path, "a.csv");
    dbf_write_text(path, "7;1.5;2\n3;-4;8e-1\n");
    file_path(path, "b.csv");
    dbf_write_text(path, "# header\r\n\"7\"\t0\t1\r\n");
    dbf_handle h;
    ck_assert_msg(open_csv(&h, "a.csv b.csv",
                           "LabelColumn=0\nLearn=1\nValidation=0\nEquivLabelPartitioning=0\n", 0)
                      != N2D2_OK, "b.csv's header line is not numeric");
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "b.csv:1"));
    dbf_close(&h);
    file_path(path, "b.csv");
    dbf_write_text(path, "\"7\"\t0\t1\r\n");
    ck_assert_int_eq(open_csv(&h, "a.csv b.csv",
                              "LabelColumn=0\nLearn=1\nValidation=0\nEquivLabelPartitioning=0\n", 0),
                     N2D2_OK);
    ck_assert_uint_eq(n2d2_database_stimulus_count(h.db), 3);
    ck_assert_str_eq(n2d2_database_label_name(h.db, 0), "7");
    ck_assert_str_eq(n2d2_database_label_name(h.db, 1), "3");
    char want[4200];
    snprintf(want, sizeof want, "%s/b.csv:1", dir);
    ck_assert_str_eq(n2d2_database_stimulus_name(h.db, 2), want);
    n2d2_tensor *t;
    ck_assert_int_eq(h.ops->read(h.state, h.db, 1, &t, NULL), N2D2_OK);
    ck_assert(((const float *)n2d2_tensor_cdata(t))[0] == -4.0f);
    ck_assert(((const float *)n2d2_tensor_cdata(t))[1] == 0.8f);
    n2d2_tensor_release(t);
    dbf_close(&h);
    /* LabelColumn=-2 on a 3-column row is the middle one. */
    file_path(path, "c.csv");
    dbf_write_text(path, "1,a,2\n3,b,4\n");
    ck_assert_int_eq(open_csv(&h, "c.csv", "LabelColumn=-2\nLearn=1.0\nValidation=0\n", 1),
                     N2D2_OK);
    ck_assert_str_eq(n2d2_database_label_name(h.db, 0), "a");
    dbf_close(&h);
}
END_TEST

static void expect_parse_error(const char *text, const char *extra, const char *needle)
{
    char path[4096];
    file_path(path, "bad.csv");
    dbf_write_text(path, text);
    dbf_handle h;
    dbf_assert_error(open_csv(&h, "bad.csv", extra, 1), N2D2_ERR_PARSE, needle);
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), path));
    dbf_close(&h);
}

START_TEST(errors_name_file_and_line)
{
    expect_parse_error("1,2,x\n1,2,x\n1,2,3,x\n", "", "bad.csv:3: 4 columns, but the first row "
                                                      "(line 1) has 3");
    expect_parse_error("1,2,x\n1,oops,x\n", "", "bad.csv:2: column 2: 'oops'");
    expect_parse_error("1,2,x\n1,,x\n", "", "bad.csv:2: column 2");
    expect_parse_error("1,2,\"x\n", "", "bad.csv:1: unterminated quote");
    expect_parse_error("1,2,\"x\"y\n", "", "bad.csv:1: text after the closing quote");
    expect_parse_error("1,2,\n", "", "bad.csv:1: empty label");
    expect_parse_error("1,2,x\n", "LabelColumn=5\n", "bad.csv:1: LabelColumn=5");
    expect_parse_error("x\n", "", "at least one value");
    expect_parse_error("1,1e999,x\n", "", "not a finite number");
    dbf_handle h;
    char path[4096];
    file_path(path, "missing.csv");
    dbf_assert_error(open_csv(&h, "missing.csv", "", 1), N2D2_ERR_NOT_FOUND, path);
    dbf_close(&h);
    file_path(path, "head.csv");
    dbf_write_text(path, "a,b\n");
    dbf_assert_error(open_csv(&h, "head.csv", "NbHeaderLines=1\n", 1), N2D2_ERR_NOT_FOUND,
                     "no data row");
    dbf_close(&h);
    dbf_assert_error(open_csv(&h, "head.csv", "LoadMore=more\n", 1), N2D2_ERR_NOT_IMPLEMENTED,
                     "not implemented yet");
    dbf_close(&h);
}
END_TEST

START_TEST(quotes_unescape)
{
    csv_table t = {0};
    const char text[] = "2, \"a,b\" ,\"3\"\n  4,\"say \"\"hi\"\"\",5\n";
    ck_assert_msg(csv_parse(text, sizeof text - 1, "mem", 0, 0, 1, &t) == N2D2_OK, "%s",
                  n2d2_error_message());
    ck_assert_uint_eq(t.n_rows, 2);
    ck_assert_uint_eq(t.n_values, 2);
    ck_assert_str_eq(t.labels[0], "a,b");
    ck_assert_str_eq(t.labels[1], "say \"hi\"");
    ck_assert(t.values[0] == 2.0f && t.values[1] == 3.0f && t.values[2] == 4.0f &&
              t.values[3] == 5.0f);
    ck_assert_uint_eq(t.lines[1], 2);
    csv_free(&t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("csv_database");
    TCase *tc = tcase_create("csv");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, manual_layout);
    tcase_add_test(tc, label_column_files_and_crlf);
    tcase_add_test(tc, errors_name_file_and_line);
    tcase_add_test(tc, quotes_unescape);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
