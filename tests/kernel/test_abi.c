/* ABI pin: the layout of every struct plugins fill in or receive. A change
 * here is an ABI change: bump N2D2_PLUGIN_ABI_MINOR (growth at the end) or
 * MAJOR (anything else) in version.h, then update this table on purpose.
 * Sizes are for LP64 (x86_64, aarch64); other targets skip. */
#include <check.h>
#include <stddef.h>
#include <stdlib.h>

#include "n2d2/n2d2.h"
#include "check_run.h"

typedef struct pinned {
    const char *name;
    size_t actual, expected;
} pinned;

#define PIN(T, bytes) {#T, sizeof(T), bytes}
#define PIN_AT(T, field, bytes) {#T "." #field, offsetof(T, field), bytes}

START_TEST(public_struct_layouts_are_pinned)
{
#if __SIZEOF_POINTER__ == 8 && __SIZEOF_LONG__ == 8
    const pinned table[] = {
        PIN(n2d2_plugin_desc, 88),      PIN(n2d2_feature, 96),
        PIN(n2d2_param_spec, 64),       PIN(n2d2_cell_ops, 144),
        PIN(n2d2_activation_ops, 80),   PIN(n2d2_filler_ops, 48),
        PIN(n2d2_solver_ops, 72),       PIN(n2d2_solver_context, 72),
        PIN(n2d2_state_field, 24),      PIN(n2d2_database_ops, 72),
        PIN(n2d2_transform_ops, 72),    PIN(n2d2_target_ops, 88),
        PIN(n2d2_target_context, 88),   PIN(n2d2_static_plugin, 16),
        PIN(n2d2_plugin_info, 56),      PIN(n2d2_shape, 72),
        PIN(n2d2_rng, 32),              PIN(n2d2_graph_options, 32),
        PIN(n2d2_gradcheck_result, 96), PIN(n2d2_importer_ops, 48),
        PIN_AT(n2d2_plugin_desc, abi_version, 0), PIN_AT(n2d2_plugin_desc, struct_size, 4),
        PIN_AT(n2d2_plugin_desc, register_fn, 40), PIN_AT(n2d2_feature, ops, 48),
        PIN_AT(n2d2_cell_ops, forward, 40),      PIN_AT(n2d2_cell_ops, macs, 72),
        PIN_AT(n2d2_solver_ops, state_fields, 40),
        PIN(n2d2_export_ops, 64),       PIN(n2d2_export_options, 16),
        PIN_AT(n2d2_export_ops, run, 16),
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; ++i)
        ck_assert_msg(table[i].actual == table[i].expected,
                      "%s is %zu bytes, pinned at %zu: an ABI change (see version.h)", table[i].name,
                      table[i].actual, table[i].expected);
    ck_assert_int_eq(N2D2_PLUGIN_ABI_VERSION, 1000);
#endif
}
END_TEST

START_TEST(runtime_versions_match_the_headers)
{
    ck_assert_str_eq(n2d2_version(), N2D2_VERSION_STRING);
    ck_assert_int_eq(n2d2_plugin_abi_version(), N2D2_PLUGIN_ABI_VERSION);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("abi");
    TCase *tc = tcase_create("layout");
    tcase_add_test(tc, public_struct_layouts_are_pinned);
    tcase_add_test(tc, runtime_versions_match_the_headers);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
