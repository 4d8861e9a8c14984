/* Saving and loading parameters: round trip, atomic replacement, and clear
 * errors for missing, corrupt, truncated and mismatched files. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "n2d2/n2d2.h"
#include "check_run.h"

N2D2_STATIC_PLUGIN_DECLARE(testcells);

static n2d2_registry *reg;
static n2d2_loader *loader;
static char tmp[256];

static void setup(void)
{
    static const n2d2_static_plugin table[] = {N2D2_STATIC_PLUGIN(testcells)};
    ck_assert_int_eq(n2d2_registry_new(&reg), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_new(reg, &loader), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_preload(loader, table, 1), N2D2_OK);
    snprintf(tmp, sizeof tmp, "/tmp/n2d2-weights-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmp));
}

static void teardown(void)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    ck_assert_int_eq(system(cmd), 0);
    n2d2_loader_free(loader);
    n2d2_registry_free(reg);
}

static n2d2_graph *build(const char *text, n2d2_ini **ini, uint64_t seed)
{
    ck_assert_int_eq(n2d2_ini_load_string(text, strlen(text), "w.ini", ini), N2D2_OK);
    n2d2_graph_options opt = N2D2_GRAPH_OPTIONS_INIT;
    opt.seed = seed;
    n2d2_graph *g;
    ck_assert_msg(n2d2_graph_build(*ini, reg, &opt, &g) == N2D2_OK, "%s", n2d2_error_message());
    return g;
}

static const char *net = "[sp]\nSizeX=3\nSizeY=1\n[a]\nInput=sp\nType=TestDense\nNbOutputs=4\n"
                         "[s]\nInput=a\nType=TestScale\n[b]\nInput=s\nType=TestDense\nNbOutputs=2\n";

static double weight(n2d2_graph *g, const char *cell, size_t p, size_t i)
{
    return n2d2_tensor_get(n2d2_cell_param_value(n2d2_graph_find_cell(g, cell), p), i);
}

static void path_of(char *out, size_t size, const char *leaf)
{
    snprintf(out, size, "%s/%s", tmp, leaf);
}

START_TEST(round_trip_restores_every_tensor)
{
    n2d2_ini *i1, *i2;
    n2d2_graph *g1 = build(net, &i1, 1), *g2 = build(net, &i2, 2);
    char dir[512];
    path_of(dir, sizeof dir, "weights");
    ck_assert_double_ne(weight(g1, "a", 0, 2), weight(g2, "a", 0, 2));
    ck_assert_int_eq(n2d2_graph_save(g1, dir), N2D2_OK);
    ck_assert_int_eq(n2d2_graph_load(g2, dir, 0), N2D2_OK);
    for (size_t i = 0; i < 12; ++i)
        ck_assert_double_eq(weight(g1, "a", 0, i), weight(g2, "a", 0, i));
    ck_assert_double_eq(weight(g1, "b", 1, 1), weight(g2, "b", 1, 1));
    /* Saving again replaces the set; no .new/.old folders are left. */
    ck_assert_int_eq(n2d2_graph_save(g2, dir), N2D2_OK);
    char leftover[600];
    snprintf(leftover, sizeof leftover, "%s.new", dir);
    ck_assert_int_ne(access(leftover, F_OK), 0);
    snprintf(leftover, sizeof leftover, "%s.old", dir);
    ck_assert_int_ne(access(leftover, F_OK), 0);
    snprintf(leftover, sizeof leftover, "%s/s.n2d2w", dir);
    ck_assert_int_ne(access(leftover, F_OK), 0); /* cells without parameters write nothing */
    n2d2_graph_free(g1);
    n2d2_graph_free(g2);
    n2d2_ini_free(i1);
    n2d2_ini_free(i2);
}
END_TEST

static void expect_load_error(void (*damage)(const char *file), n2d2_status code, const char *needle)
{
    n2d2_ini *ini;
    n2d2_graph *g = build(net, &ini, 1);
    char dir[512], file[600];
    path_of(dir, sizeof dir, "damaged");
    ck_assert_int_eq(n2d2_graph_save(g, dir), N2D2_OK);
    snprintf(file, sizeof file, "%s/b.n2d2w", dir);
    damage(file);
    double before = weight(g, "a", 0, 0);
    ck_assert_int_eq(n2d2_graph_load(g, dir, 0), code);
    ck_assert_msg(strstr(n2d2_error_message(), needle), "'%s' lacks '%s'", n2d2_error_message(), needle);
    ck_assert_double_eq(weight(g, "a", 0, 0), before);
    n2d2_graph_free(g);
    n2d2_ini_free(ini);
}

static void remove_file(const char *file) { unlink(file); }
static void truncate_file(const char *file) { ck_assert_int_eq(truncate(file, 30), 0); }
static void bad_magic(const char *file)
{
    FILE *f = fopen(file, "r+b");
    fputc('X', f);
    fclose(f);
}
static void append_garbage(const char *file)
{
    FILE *f = fopen(file, "ab");
    fputs("junk", f);
    fclose(f);
}

START_TEST(damaged_files_are_reported)
{
    expect_load_error(remove_file, N2D2_ERR_NOT_FOUND, "missing weights of cell [b] (use -w-ignore");
    expect_load_error(truncate_file, N2D2_ERR_PARSE, "b.n2d2w: truncated at byte 23 while reading a dimension");
    expect_load_error(bad_magic, N2D2_ERR_PARSE, "byte 0: not an n2d2 weights file");
    expect_load_error(append_garbage, N2D2_ERR_PARSE, "unexpected data after the last record");
}
END_TEST

START_TEST(shape_mismatch_and_missing_folder)
{
    n2d2_ini *i1, *i2;
    n2d2_graph *g1 = build(net, &i1, 1);
    char other[512];
    snprintf(other, sizeof other, "%s", net);
    char *p = strstr(other, "NbOutputs=2");
    p[10] = '3';
    n2d2_graph *g2 = build(other, &i2, 1);
    char dir[512];
    path_of(dir, sizeof dir, "w");
    ck_assert_int_eq(n2d2_graph_save(g1, dir), N2D2_OK);
    ck_assert_int_eq(n2d2_graph_load(g2, dir, 0), N2D2_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "dimension 0 is 2 in the file, 3 in the cell"));
    path_of(dir, sizeof dir, "nope");
    ck_assert_int_eq(n2d2_graph_load(g2, dir, 0), N2D2_ERR_NOT_FOUND);
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "no such weights folder"));
    n2d2_graph_free(g1);
    n2d2_graph_free(g2);
    n2d2_ini_free(i1);
    n2d2_ini_free(i2);
}
END_TEST

START_TEST(ignore_missing_keeps_initial_values)
{
    n2d2_ini *ini;
    n2d2_graph *g = build(net, &ini, 1);
    char dir[512], file[600];
    path_of(dir, sizeof dir, "partial");
    ck_assert_int_eq(n2d2_graph_save(g, dir), N2D2_OK);
    snprintf(file, sizeof file, "%s/a.n2d2w", dir);
    unlink(file);
    n2d2_log_set_level(N2D2_LOG_ERROR);
    ck_assert_int_eq(n2d2_graph_load(g, dir, 1), N2D2_OK);
    n2d2_graph_free(g);
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(unwritable_folder_is_an_error)
{
    n2d2_ini *ini;
    n2d2_graph *g = build(net, &ini, 1);
    ck_assert_int_eq(n2d2_graph_save(g, "/proc/n2d2-cannot-write-here/weights"), N2D2_ERR_IO);
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "cannot create"));
    n2d2_graph_free(g);
    n2d2_ini_free(ini);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("weights");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, round_trip_restores_every_tensor);
    tcase_add_test(tc, damaged_files_are_reported);
    tcase_add_test(tc, shape_mismatch_and_missing_folder);
    tcase_add_test(tc, ignore_missing_keeps_initial_values);
    tcase_add_test(tc, unwritable_folder_is_an_error);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
