/* GTSDB_DIR_Database on a miniature FullIJCNN2013/ written here (4 .ppm
 * images of 10x8, gt.txt, a per-class crop folder that must be ignored):
 * stimuli, labels in numeric order, ROIs (inclusive boxes → half-open
 * rectangles), partition, the label maps through the provider, and the
 * errors of gt.txt (file:line). */
#define _XOPEN_SOURCE 700
#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check_run.h"
#include "n2d2/n2d2.h"

N2D2_STATIC_PLUGIN_DECLARE(db_gtsdb);

static n2d2_registry *reg;
static n2d2_loader *loader;
static char dir[4096];

static void write_file(const char *name, const char *text)
{
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

/* A 10x8 (WxH) PPM whose pixels are (R, G, B) = (i, x, y). */
static void write_ppm(const char *name, int i)
{
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "P6\n10 8\n255\n");
    for (int y = 0; y < 8; ++y)
        for (int x = 0; x < 10; ++x) {
            unsigned char px[3] = {(unsigned char)i, (unsigned char)x, (unsigned char)y};
            fwrite(px, 1, 3, f);
        }
    fclose(f);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void setup(void)
{
    static const n2d2_static_plugin table[] = {N2D2_STATIC_PLUGIN(db_gtsdb)};
    ck_assert_int_eq(n2d2_registry_new(&reg), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_new(reg, &loader), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_preload(loader, table, 1), N2D2_OK);
    const char *root = getenv("N2D2_TEST_BINARY_DIR");
    snprintf(dir, sizeof dir, "%s/gtsdb-XXXXXX", root && *root ? root : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    for (int i = 0; i < 4; ++i) {
        char name[32];
        snprintf(name, sizeof name, "%05d.ppm", i);
        write_ppm(name, i);
    }
    char sub[8192];
    snprintf(sub, sizeof sub, "%s/11", dir);
    ck_assert_int_eq(mkdir(sub, 0755), 0);
    write_ppm("11/00000.ppm", 9);
    write_file("gt.txt", "00000.ppm;1;2;3;4;11\r\n00002.ppm;5;0;9;2;2\n\n00000.ppm;6;5;8;7;2\n");
}

static void teardown(void)
{
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    n2d2_loader_free(loader);
    n2d2_registry_free(reg);
}

static n2d2_status open_sp(const char *db_keys, const char *sp_keys, n2d2_ini **ini,
                           n2d2_stimuli **sp)
{
    char text[8192];
    snprintf(text, sizeof text,
             "[database]\nType=GTSDB_DIR_Database\nDataPath=%s\n%s\n"
             "[sp]\nSizeX=10\nSizeY=8\nNbChannels=3\nBatchSize=4\n%s",
             dir, db_keys, sp_keys);
    ck_assert_int_eq(n2d2_ini_load_string(text, strlen(text), "net.ini", ini), N2D2_OK);
    n2d2_shape shape = {3, {3, 8, 10}};
    *sp = NULL;
    return n2d2_stimuli_new(*ini, reg, "sp", &shape, N2D2_FLOAT32, 4, 1, sp);
}

START_TEST(catalogue_and_partition)
{
    n2d2_ini *ini;
    n2d2_stimuli *sp;
    ck_assert_msg(open_sp("Learn=0.5\nValidation=0.25", "", &ini, &sp) == N2D2_OK, "%s",
                  n2d2_error_message());
    const n2d2_database *db = n2d2_stimuli_database(sp);
    ck_assert_uint_eq(n2d2_database_stimulus_count(db), 4); /* 11/ is not read */
    ck_assert_uint_eq(n2d2_database_set_count(db, N2D2_SET_LEARN), 2);
    ck_assert_uint_eq(n2d2_database_set_count(db, N2D2_SET_VALIDATION), 1);
    ck_assert_uint_eq(n2d2_database_set_count(db, N2D2_SET_TEST), 1);
    ck_assert_uint_eq(n2d2_database_label_count(db), 2);
    ck_assert_str_eq(n2d2_database_label_name(db, 0), "2"); /* numeric order */
    ck_assert_str_eq(n2d2_database_label_name(db, 1), "11");
    ck_assert_int_eq(n2d2_database_stimulus_label(db, 0), -1);
    ck_assert_uint_eq(n2d2_database_roi_total(db), 3);
    ck_assert_uint_eq(n2d2_database_roi_count(db, 0), 2);
    ck_assert_uint_eq(n2d2_database_roi_count(db, 1), 0);
    ck_assert_uint_eq(n2d2_database_roi_count(db, 2), 1);
    n2d2_roi roi;
    ck_assert_int_eq(n2d2_database_roi_at(db, 0, 0, &roi), N2D2_OK);
    ck_assert_int_eq(roi.type, N2D2_ROI_RECTANGLE);
    ck_assert_int_eq(roi.label, 1);
    ck_assert_double_eq(roi.left, 1);
    ck_assert_double_eq(roi.top, 2);
    ck_assert_double_eq(roi.right, 4);
    ck_assert_double_eq(roi.bottom, 5);
    ck_assert_int_eq(n2d2_database_roi_at(db, 0, 1, &roi), N2D2_OK);
    ck_assert_int_eq(roi.label, 0);
    ck_assert_ptr_nonnull(strstr(n2d2_database_stimulus_name(db, 3), "00003.ppm"));
    n2d2_stimuli_free(sp);
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(label_maps_of_the_signs)
{
    n2d2_ini *ini;
    n2d2_stimuli *sp;
    ck_assert_msg(open_sp("Learn=1.0\nRandomPartitioning=0\nDefaultLabel=bg",
                          "CompositeStimuli=1\n", &ini, &sp) == N2D2_OK,
                  "%s", n2d2_error_message());
    size_t dims[4] = {4, 3, 8, 10};
    n2d2_tensor *in;
    ck_assert_int_eq(n2d2_tensor_new(N2D2_FLOAT32, 4, dims, &in), N2D2_OK);
    ck_assert_int_eq(n2d2_stimuli_begin(sp, N2D2_SET_LEARN, 0, 0), N2D2_OK);
    size_t count, idx[4];
    ck_assert_int_eq(n2d2_stimuli_next(sp, in, NULL, idx, &count), N2D2_OK);
    ck_assert_uint_eq(count, 4);
    ck_assert_uint_eq(idx[0], 0);
    const int32_t *m = n2d2_tensor_cdata(n2d2_stimuli_label_maps(sp));
    /* bg is id 2; image 0: "11" (id 1) on x 1..3, y 2..4; "2" (id 0) on
     * x 6..8, y 5..7. */
    for (int y = 0; y < 8; ++y)
        for (int x = 0; x < 10; ++x) {
            int want = (x >= 1 && x <= 3 && y >= 2 && y <= 4) ? 1
                       : (x >= 6 && x <= 8 && y >= 5) ? 0 : 2;
            ck_assert_int_eq(m[y * 10 + x], want);
        }
    /* BGR order: channel 2 is R = the image number (0), channel 1 is x. */
    const float *x = n2d2_tensor_cdata(in);
    ck_assert_float_eq_tol(x[1 * 80 + 3 * 10 + 7], 7.0f / 255.0f, 1e-6);
    n2d2_tensor_release(in);
    n2d2_stimuli_free(sp);
    n2d2_ini_free(ini);
}
END_TEST

static void expect_error(const char *gt, n2d2_status code, const char *needle)
{
    write_file("gt.txt", gt);
    n2d2_ini *ini;
    n2d2_stimuli *sp;
    ck_assert_int_eq(open_sp("Learn=0.5", "", &ini, &sp), code);
    ck_assert_msg(strstr(n2d2_error_message(), needle), "'%s' lacks '%s'", n2d2_error_message(),
                  needle);
    n2d2_ini_free(ini);
}

START_TEST(bad_annotations)
{
    expect_error("00000.ppm;1;2;3;4;11\n00001.ppm;1;2;3\n", N2D2_ERR_PARSE, "gt.txt:2");
    expect_error("00000.ppm;1;2;3;4;11\n00001.ppm;1;2;3;4\n", N2D2_ERR_PARSE, "6 fields");
    expect_error("00009.ppm;1;2;3;4;11\n", N2D2_ERR_PARSE, "'00009.ppm' is not in");
    expect_error("00000.ppm;1;x;3;4;11\n", N2D2_ERR_PARSE, "'x' is not a non-negative integer");
    expect_error("00000.ppm;5;2;3;4;11\n", N2D2_ERR_PARSE, "right < left");
    char path[8192];
    snprintf(path, sizeof path, "%s/gt.txt", dir);
    remove(path);
    n2d2_ini *ini;
    n2d2_stimuli *sp;
    ck_assert_int_eq(open_sp("Learn=0.5", "", &ini, &sp), N2D2_ERR_NOT_FOUND);
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "gt.txt"));
    n2d2_ini_free(ini);
    write_file("gt.txt", "");
    ck_assert_int_eq(open_sp("Learn=0.8\nValidation=0.5", "", &ini, &sp), N2D2_ERR_RANGE);
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "net.ini:5"));
    n2d2_ini_free(ini);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("gtsdb");
    TCase *tc = tcase_create("gtsdb");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, catalogue_and_partition);
    tcase_add_test(tc, label_maps_of_the_signs);
    tcase_add_test(tc, bad_annotations);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
