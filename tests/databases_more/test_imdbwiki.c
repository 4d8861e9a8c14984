/* IMDBWIKI_Database on a miniature IMDB-WIKI tree written by the test
 * (wiki/, wiki_crop/, imdb_crop/ and the CSV metadata of imdb_metadata/):
 * gender-age and name labels, skipped faces without location, crops vs
 * face ROIs, IMDB before WIKI, the fraction partition, the .mat-only
 * case ("not implemented yet") and errors at file:line. */
#include "db_fixture.h"
#include "check_run.h"

N2D2_STATIC_PLUGIN_DECLARE(db_imdbwiki);

static n2d2_registry *reg;
static n2d2_loader *loader;
static char *dir;

static void setup(void)
{
    static const n2d2_static_plugin table[] = {N2D2_STATIC_PLUGIN(db_imdbwiki)};
    ck_assert_int_eq(n2d2_registry_new(&reg), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_new(reg, &loader), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_preload(loader, table, 1), N2D2_OK);
    dir = dbf_tempdir("imdbwiki");
}

static void teardown(void)
{
    dbf_rmtree(dir);
    n2d2_loader_free(loader);
    n2d2_registry_free(reg);
}

static void text(const char *rel, const char *content)
{
    char path[4600];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    dbf_write_text(path, content);
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
    ck_assert_uint_eq(n2d2_database_set_count(h.db, N2D2_SET_LEARN), 2);
    ck_assert_uint_eq(n2d2_database_set_count(h.db, N2D2_SET_VALIDATION), 1);
    ck_assert_uint_eq(n2d2_database_set_count(h.db, N2D2_SET_TEST), 1);
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
    /* Only the dataset's MATLAB file. */
    text("wiki_crop/wiki.mat", "MATLAB 5.0 MAT-file");
    dbf_assert_error(open_db(&h, "CropFrame=1\n"), N2D2_ERR_NOT_IMPLEMENTED,
                     "reading the MATLAB v5 metadata");
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "wiki_crop/wiki.mat"));
    dbf_close(&h);
    dbf_assert_error(open_db(&h, "IMDBSet=1\nWikiSet=0\n"), N2D2_ERR_NOT_FOUND,
                     "/imdb is not a directory");
    dbf_close(&h);
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
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
