/* Reports: ConfusionMatrix_<set>.dat/.csv/_score.dat and
 * labels_mapping.log.dat written, parsed back and compared with the
 * hand-built matrix; replaced atomically (no temporary left, a second
 * report overwrites); an unwritable directory is an error naming it. */
#include "target_test_util.h"

#include <dirent.h>
#include <unistd.h>

static tt_env env;
static char dir[256];
static n2d2_database *db;
static const char *const names[] = {"cat", "big dog", "fish,x", NULL};
static const size_t c3[3] = {3, 1, 1};

static void setup(void)
{
    tt_env_init(&env, "TargetScore");
    db = tt_database(names);
    const char *base = getenv("N2D2_TEST_BINARY_DIR");
    snprintf(dir, sizeof dir, "%s/targets-report-XXXXXX", base ? base : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[600];
    while (d && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    if (d)
        closedir(d);
    rmdir(dir);
    n2d2_database_free(db);
    tt_env_free(&env);
}

/*        estimated cat dog fish
 * cat              2   1   0
 * dog              0   1   0
 * fish             1   0   1        */
static const int pairs[6][2] = {{0, 0}, {0, 0}, {0, 1}, {1, 1}, {2, 0}, {2, 2}};

static void feed(tt_target *t, n2d2_set set)
{
    double y[18] = {0};
    int labels[6];
    for (int i = 0; i < 6; ++i) {
        labels[i] = pairs[i][0];
        for (int j = 0; j < 3; ++j)
            y[i * 3 + j] = j == pairs[i][1] ? 0.8 : 0.1;
    }
    n2d2_tensor *out = tt_tensor(N2D2_FLOAT32, 6, 3, 1, 1, y);
    ck_assert_int_eq(t->ops->process(t->state, out, labels, 6, NULL, set, NULL), N2D2_OK);
    n2d2_tensor_release(out);
}

/* Non-comment lines of a file, split on `sep`: rows[r][c] */
typedef struct table {
    char cells[16][20][64];
    int ncols[16];
    int nrows;
    char comments[512];
} table;

static void read_table(const char *name, char sep, table *tb)
{
    char path[600], line[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "%s missing", path);
    memset(tb, 0, sizeof *tb);
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#') {
            size_t have = strlen(tb->comments), n = strlen(line);
            if (have + n < sizeof tb->comments)
                memcpy(tb->comments + have, line, n + 1);
            continue;
        }
        ck_assert_int_lt(tb->nrows, 16);
        int c = 0;
        const char *p = line;
        while (*p && c < 20) {
            char *cell = tb->cells[tb->nrows][c++];
            size_t n = 0;
            if (sep == ',' && *p == '"') { /* quoted CSV field */
                for (++p; *p && !(p[0] == '"' && p[1] != '"'); ++p) {
                    if (*p == '"')
                        ++p;
                    cell[n++] = *p;
                }
                if (*p == '"')
                    ++p;
            } else {
                while (*p && *p != sep)
                    cell[n++] = *p++;
            }
            cell[n] = '\0';
            if (*p == sep)
                ++p;
        }
        tb->ncols[tb->nrows++] = c;
    }
    fclose(f);
}

static const unsigned long want[3][3] = {{2, 1, 0}, {0, 1, 0}, {1, 0, 1}};

static void check_matrix(const table *tb, const char *const *col_names,
                         const unsigned long (*m)[3])
{
    ck_assert_int_eq(tb->nrows, 4);
    ck_assert_str_eq(tb->cells[0][0], "Actual\\Estimated");
    for (int j = 0; j < 3; ++j)
        ck_assert_str_eq(tb->cells[0][j + 1], col_names[j]);
    for (int i = 0; i < 3; ++i) {
        ck_assert_int_eq(tb->ncols[i + 1], 4);
        ck_assert_str_eq(tb->cells[i + 1][0], col_names[i]);
        for (int j = 0; j < 3; ++j)
            ck_assert_uint_eq(strtoul(tb->cells[i + 1][j + 1], NULL, 10), m[i][j]);
    }
}

static int leftover_temporaries(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    while (d && (e = readdir(d)) != NULL)
        if (e->d_name[0] == '.' && strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            ++n;
    if (d)
        closedir(d);
    return n;
}

START_TEST(reports_parse_back)
{
    tt_target t;
    ck_assert_int_eq(tt_target_new(&env, "", db, c3, 3, &t), N2D2_OK);
    feed(&t, N2D2_SET_VALIDATION);
    ck_assert_msg(t.ops->report(t.state, N2D2_SET_VALIDATION, dir) == N2D2_OK, "%s",
                  n2d2_error_message());
    ck_assert_int_eq(leftover_temporaries(), 0);

    table tb;
    const char *dat_names[3] = {"cat", "big_dog", "fish,x"};
    read_table("ConfusionMatrix_validation.dat", ' ', &tb);
    check_matrix(&tb, dat_names, want);
    ck_assert_msg(strstr(tb.comments, "fc.Target, set validation"), "%s", tb.comments);
    ck_assert_msg(strstr(tb.comments, "counted 6, recognition rate 0.666666667 (top-1)"), "%s",
                  tb.comments);

    const char *csv_names[3] = {"cat", "big dog", "fish,x"};
    read_table("ConfusionMatrix_validation.csv", ',', &tb);
    check_matrix(&tb, csv_names, want);

    read_table("ConfusionMatrix_validation_score.dat", ' ', &tb);
    ck_assert_int_eq(tb.nrows, 6); /* header, 3 classes, Average, Aggregate */
    ck_assert_int_eq(tb.ncols[0], 18);
    ck_assert_str_eq(tb.cells[0][6], "Sensitivity");
    ck_assert_str_eq(tb.cells[0][17], "Markedness");
    /* cat: TP2 FP1 FN1 TN2; dog: TP1 FP1 FN0 TN4; fish: TP1 FP0 FN1 TN4 */
    const double counts[3][4] = {{2, 1, 1, 2}, {1, 1, 0, 4}, {1, 0, 1, 4}};
    for (int k = 0; k < 3; ++k) {
        ck_assert_int_eq(atoi(tb.cells[k + 1][0]), k);
        ck_assert_str_eq(tb.cells[k + 1][1], dat_names[k]);
        for (int c = 0; c < 4; ++c)
            ck_assert_double_eq(atof(tb.cells[k + 1][2 + c]), counts[k][c]);
    }
    tt_assert_near(atof(tb.cells[1][6]), 2.0 / 3);  /* cat sensitivity */
    tt_assert_near(atof(tb.cells[2][8]), 0.5);      /* dog precision */
    tt_assert_near(atof(tb.cells[3][14]), 5.0 / 6);  /* fish accuracy (1 + 4) / 6 */
    ck_assert_str_eq(tb.cells[4][0], "Average");
    /* mean sensitivity (2/3 + 1 + 1/2) / 3 */
    tt_assert_near(atof(tb.cells[4][6]), (2.0 / 3 + 1 + 0.5) / 3);
    ck_assert_str_eq(tb.cells[5][0], "Aggregate");
    ck_assert_double_eq(atof(tb.cells[5][2]), 4); /* TP */
    ck_assert_double_eq(atof(tb.cells[5][5]), 10); /* TN */
    tt_assert_near(atof(tb.cells[5][6]), 4.0 / 6);

    read_table("labels_mapping.log.dat", ' ', &tb);
    ck_assert_int_eq(tb.nrows, 4);
    ck_assert_str_eq(tb.cells[1][0], "big_dog");
    ck_assert_str_eq(tb.cells[1][2], "1");
    ck_assert_str_eq(tb.cells[3][0], "*");
    ck_assert_str_eq(tb.cells[3][2], "-1");
    tt_target_free(&t);
}
END_TEST

START_TEST(second_report_replaces_the_first)
{
    tt_target t;
    ck_assert_int_eq(tt_target_new(&env, "", db, c3, 3, &t), N2D2_OK);
    feed(&t, N2D2_SET_TEST);
    ck_assert_int_eq(t.ops->report(t.state, N2D2_SET_TEST, dir), N2D2_OK);
    feed(&t, N2D2_SET_TEST);
    ck_assert_int_eq(t.ops->report(t.state, N2D2_SET_TEST, dir), N2D2_OK);
    table tb;
    const char *dat_names[3] = {"cat", "big_dog", "fish,x"};
    const unsigned long twice[3][3] = {{4, 2, 0}, {0, 2, 0}, {2, 0, 2}};
    read_table("ConfusionMatrix_test.dat", ' ', &tb);
    check_matrix(&tb, dat_names, twice);
    ck_assert_int_eq(leftover_temporaries(), 0);
    /* other sets have their own, empty, files */
    ck_assert_int_eq(t.ops->report(t.state, N2D2_SET_LEARN, dir), N2D2_OK);
    const unsigned long zero[3][3] = {{0}};
    read_table("ConfusionMatrix_learning.dat", ' ', &tb);
    check_matrix(&tb, dat_names, zero);
    tt_target_free(&t);
}
END_TEST

START_TEST(unwritable_directory)
{
    tt_target t;
    ck_assert_int_eq(tt_target_new(&env, "", db, c3, 3, &t), N2D2_OK);
    char missing[300];
    snprintf(missing, sizeof missing, "%s/not-there", dir);
    ck_assert_int_eq(t.ops->report(t.state, N2D2_SET_TEST, missing), N2D2_ERR_IO);
    tt_assert_message("not-there");
    tt_assert_message("fc.Target");
    tt_target_free(&t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("target_report");
    TCase *tc = tcase_create("report");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, reports_parse_back);
    tcase_add_test(tc, second_report_replaces_the_first);
    tcase_add_test(tc, unwritable_directory);
    suite_add_tcase(s, tc);
    return tt_run_suite(s);
}
