/* Parameter schemas: validation, defaults, prefixes, config sections,
 * patterns, and clear errors with file:line. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "n2d2/n2d2.h"
#include "check_run.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static const n2d2_param_spec schema[] = {
    {"NbOutputs", N2D2_PARAM_UINT, NULL, NULL, 1, 4096, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE, "outputs"},
    {"Rate", N2D2_PARAM_FLOAT, "0.5", NULL, 0, 1, N2D2_PARAM_RANGE, "a rate"},
    {"Offset", N2D2_PARAM_INT, "-3", NULL, 0, 0, 0, "an offset"},
    {"NoBias", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0, "no bias"},
    {"Pooling", N2D2_PARAM_ENUM, "Max", "Max|Average", 0, 0, 0, "pooling"},
    {"Name", N2D2_PARAM_STRING, "", NULL, 0, 0, 0, "a name"},
    {"Dims", N2D2_PARAM_LIST, NULL, NULL, 0, 0, 0, "dims"},
    {"Mapping(*).SizeX", N2D2_PARAM_UINT, NULL, NULL, 0, 0, N2D2_PARAM_PATTERN, "mapping sizes"},
};

static n2d2_ini *load(const char *text)
{
    n2d2_ini *ini = NULL;
    n2d2_status st = n2d2_ini_load_string(text, strlen(text), "p.ini", &ini);
    ck_assert_msg(st == N2D2_OK, "load failed: %s", n2d2_error_message());
    return ini;
}

static n2d2_status build(n2d2_ini *ini, const char *section, n2d2_params **out)
{
    n2d2_ini_section *sec = n2d2_ini_find(ini, section);
    ck_assert_ptr_nonnull(sec);
    return n2d2_params_from_ini(ini, &sec, 1, NULL, 0, schema, COUNT_OF(schema), out);
}

START_TEST(values_and_defaults)
{
    n2d2_ini *ini = load("[c]\nNbOutputs=16\nRate=0.25\nNoBias=true\nPooling=Average\n"
                         "Dims=3, 5 7\nMapping(in).SizeX=2\nMapping(other).SizeX=4\n");
    n2d2_params *p;
    ck_assert_int_eq(build(ini, "c", &p), N2D2_OK);
    ck_assert_uint_eq(n2d2_params_uint(p, "NbOutputs"), 16);
    ck_assert_double_eq(n2d2_params_float(p, "Rate"), 0.25);
    ck_assert_int_eq(n2d2_params_int(p, "Offset"), -3);
    ck_assert(!n2d2_params_given(p, "Offset"));
    ck_assert(n2d2_params_given(p, "Rate"));
    ck_assert_int_eq(n2d2_params_bool(p, "NoBias"), 1);
    ck_assert_int_eq(n2d2_params_enum(p, "Pooling"), 1);
    ck_assert_str_eq(n2d2_params_string(p, "Name"), "");
    double dims[4];
    ck_assert_int_eq(n2d2_params_list(p, "Dims", dims, 4), 3);
    ck_assert_double_eq(dims[2], 7.0);
    ck_assert_uint_eq(n2d2_params_match_count(p, "Mapping(*).SizeX"), 2);
    ck_assert_str_eq(n2d2_params_match_key(p, "Mapping(*).SizeX", 1), "Mapping(other).SizeX");
    ck_assert_str_eq(n2d2_params_match_value(p, "Mapping(*).SizeX", 0), "2");
    ck_assert_str_eq(n2d2_params_where(p, "Rate"), "p.ini:3");
    n2d2_params_free(p);
    n2d2_ini_free(ini);
}
END_TEST

static void expect_error(const char *text, n2d2_status code, const char *needle)
{
    n2d2_ini *ini = load(text);
    n2d2_params *p = NULL;
    ck_assert_int_eq(build(ini, "c", &p), code);
    ck_assert_ptr_null(p);
    ck_assert_msg(strstr(n2d2_error_message(), needle), "message '%s' lacks '%s'",
                  n2d2_error_message(), needle);
    n2d2_ini_free(ini);
}

START_TEST(bad_values_are_errors_with_location)
{
    expect_error("[c]\nNbOutputs=abc\n", N2D2_ERR_INVAL, "p.ini:2: NbOutputs: expected a non-negative integer, got 'abc'");
    expect_error("[c]\nNbOutputs=-4\n", N2D2_ERR_INVAL, "p.ini:2");
    expect_error("[c]\nNbOutputs=5000\n", N2D2_ERR_RANGE, "outside the allowed range [1, 4096]");
    expect_error("[c]\nNbOutputs=0\n", N2D2_ERR_RANGE, "NbOutputs");
    expect_error("[c]\nNbOutputs=2\nRate=fast\n", N2D2_ERR_INVAL, "p.ini:3: Rate: expected a number");
    expect_error("[c]\nNbOutputs=2\nNoBias=maybe\n", N2D2_ERR_INVAL, "expected a boolean");
    expect_error("[c]\nNbOutputs=2\nPooling=Maxx\n", N2D2_ERR_INVAL,
                 "'Maxx' is not one of Max|Average (did you mean Max?)");
    expect_error("[c]\nNbOutputs=2\nDims=1,x\n", N2D2_ERR_INVAL, "expected a list of numbers");
    expect_error("[c]\nRate=0.1\n", N2D2_ERR_NOT_FOUND, "p.ini:1: [c]: missing required key 'NbOutputs'");
}
END_TEST

START_TEST(config_sections_and_prefixes)
{
    /* The cell's own section wins over its config sections; with prefixes
     * the more specific prefix wins within a section. */
    static const n2d2_param_spec solver[] = {
        {"LearningRate", N2D2_PARAM_FLOAT, "0.01", NULL, 0, 0, 0, "lr"},
        {"Momentum", N2D2_PARAM_FLOAT, "0.0", NULL, 0, 0, 0, "momentum"},
        {"Decay", N2D2_PARAM_FLOAT, "0.0", NULL, 0, 0, 0, "decay"},
    };
    n2d2_ini *ini = load("[cfg]\nSolvers.LearningRate=0.1\nSolvers.Momentum=0.9\nSolvers.Decay=0.5\n"
                         "[c]\nNbOutputs=3\nWeightsSolver.Momentum=0.8\nSolvers.Decay=0.25\n");
    n2d2_ini_section *sections[2] = {n2d2_ini_find(ini, "c"), n2d2_ini_find(ini, "cfg")};
    n2d2_params *cell, *weights, *bias;
    ck_assert_int_eq(n2d2_params_from_ini(ini, sections, 2, NULL, 0, schema, COUNT_OF(schema), &cell), N2D2_OK);
    const char *wprefix[] = {"WeightsSolver.", "Solvers."};
    const char *bprefix[] = {"BiasSolver.", "Solvers."};
    ck_assert_int_eq(n2d2_params_sub(cell, wprefix, 2, solver, 3, &weights), N2D2_OK);
    ck_assert_int_eq(n2d2_params_sub(cell, bprefix, 2, solver, 3, &bias), N2D2_OK);
    ck_assert_double_eq(n2d2_params_float(weights, "LearningRate"), 0.1);
    ck_assert_double_eq(n2d2_params_float(weights, "Momentum"), 0.8);
    ck_assert_double_eq(n2d2_params_float(bias, "Momentum"), 0.9);
    ck_assert_double_eq(n2d2_params_float(bias, "Decay"), 0.25);
    /* Every key read through the tree is marked used. */
    n2d2_ini_section *c = n2d2_ini_find(ini, "c");
    for (size_t i = 0; i < n2d2_ini_entry_count(c); ++i)
        ck_assert(n2d2_ini_entry_used(n2d2_ini_entry_at(c, i)));
    ck_assert(n2d2_ini_section_claimed(c));
    n2d2_params_free(weights);
    n2d2_params_free(bias);
    n2d2_params_free(cell);
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(references_and_variables_are_resolved_before_checking)
{
    n2d2_ini *ini = load("$N=12\n[sp]\nSizeX=24\n[c]\nNbOutputs=[sp]SizeX\nOffset=${N}\n");
    n2d2_params *p;
    ck_assert_int_eq(build(ini, "c", &p), N2D2_OK);
    ck_assert_uint_eq(n2d2_params_uint(p, "NbOutputs"), 24);
    ck_assert_int_eq(n2d2_params_int(p, "Offset"), 12);
    n2d2_params_free(p);
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(defaults_only)
{
    static const n2d2_param_spec s[] = {
        {"A", N2D2_PARAM_INT, "4", NULL, 0, 0, 0, "a"},
        {"B", N2D2_PARAM_ENUM, "Y", "X|Y", 0, 0, 0, "b"},
    };
    n2d2_params *p;
    ck_assert_int_eq(n2d2_params_from_defaults(s, 2, &p), N2D2_OK);
    ck_assert_int_eq(n2d2_params_int(p, "A"), 4);
    ck_assert_int_eq(n2d2_params_enum(p, "B"), 1);
    ck_assert_int_eq(n2d2_params_int(p, "Undeclared"), 0);
    ck_assert_ptr_null(n2d2_params_string(p, "Undeclared"));
    n2d2_params_free(p);
}
END_TEST

START_TEST(parse_helpers)
{
    int b;
    int64_t i;
    double d;
    ck_assert(n2d2_parse_bool("True", &b) && b == 1);
    ck_assert(n2d2_parse_bool("0", &b) && b == 0);
    ck_assert(!n2d2_parse_bool("2", &b));
    ck_assert(n2d2_parse_int(" -17", &i) && i == -17);
    ck_assert(!n2d2_parse_int("1.5", &i));
    ck_assert(!n2d2_parse_int("", &i));
    ck_assert(n2d2_parse_double("1e-3", &d) && d == 1e-3);
    ck_assert(!n2d2_parse_double("nan", &d));
    ck_assert(!n2d2_parse_double("1.0x", &d));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("params");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, values_and_defaults);
    tcase_add_test(tc, bad_values_are_errors_with_location);
    tcase_add_test(tc, config_sections_and_prefixes);
    tcase_add_test(tc, references_and_variables_are_resolved_before_checking);
    tcase_add_test(tc, defaults_only);
    tcase_add_test(tc, parse_helpers);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
