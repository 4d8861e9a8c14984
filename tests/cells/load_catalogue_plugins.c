/* The Deconv, Unpool, Resize, LRN, Normalize, Threshold and Rbf plugins
 * load as files from N2D2_PLUGIN_PATH (no static preloading) and register
 * their features with model Frame and a full schema. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "n2d2/n2d2.h"
#include "check_run.h"

START_TEST(catalogue_plugins_load_from_the_plugin_path)
{
    const char *dir = getenv("N2D2_PLUGIN_PATH");
    ck_assert_msg(dir && *dir, "N2D2_PLUGIN_PATH is not set");
    n2d2_registry *reg;
    n2d2_loader *loader;
    ck_assert_int_eq(n2d2_registry_new(&reg), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_new(reg, &loader), N2D2_OK);
    static const char *const plugins[] = {"deconv", "unpool", "resize", "lrn",
                                          "normalize", "threshold", "rbf"};
    static const char *const types[] = {"Deconv", "Unpool", "Resize", "LRN",
                                        "Normalize", "Threshold", "Rbf"};
    for (size_t i = 0; i < sizeof plugins / sizeof plugins[0]; ++i) {
        char path[4096];
        snprintf(path, sizeof path, "%s/n2d2-cell-%s.so", dir, plugins[i]);
        ck_assert_msg(n2d2_loader_load_file(loader, path) == N2D2_OK, "%s", n2d2_error_message());
        const n2d2_feature *f = n2d2_registry_find(reg, N2D2_KIND_CELL, types[i], "Frame");
        ck_assert_ptr_nonnull(f);
        ck_assert_str_eq(f->model, "Frame");
        ck_assert_uint_gt(f->n_params, 0);
    }
    n2d2_loader_free(loader);
    n2d2_registry_free(reg);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cell_catalogue_plugins");
    TCase *tc = tcase_create("load");
    tcase_add_test(tc, catalogue_plugins_load_from_the_plugin_path);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
