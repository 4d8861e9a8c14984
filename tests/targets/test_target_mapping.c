/* LabelsMapping files (`*`, `default`, wildcards, -1), where their path is
 * resolved from, their errors with file:line, CreateMissingLabels, keys
 * that are not implemented yet, and the schema's completeness. */
#include "target_test_util.h"

#include <stddef.h>
#include <unistd.h>

#include "target_internal.h"

static tt_env env;
static char dir[256];

static void setup(void)
{
    tt_env_init(&env, "TargetScore");
    const char *base = getenv("N2D2_TEST_BINARY_DIR");
    snprintf(dir, sizeof dir, "%s/targets-mapping-XXXXXX", base ? base : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void remove_file(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    unlink(path);
}

static void teardown(void)
{
    remove_file("mapping.dat");
    rmdir(dir);
    tt_env_free(&env);
}

static void write_mapping(const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/mapping.dat", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

/* Target on an INI file named <dir>/net.ini, so that LabelsMapping=mapping.dat
 * resolves next to it. */
static n2d2_status make(const char *keys, const n2d2_database *db, size_t c, tt_target *t)
{
    n2d2_shape shape = {3, {c, 1, 1}};
    n2d2_target_context ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.struct_size = (uint32_t)sizeof ctx;
    ctx.section = "fc.Target";
    ctx.cell_name = "fc";
    ctx.output_shape = &shape;
    ctx.database = db;
    char ini_name[300];
    snprintf(ini_name, sizeof ini_name, "%s/net.ini", dir);
    return tt_target_new_ctx(&env, ini_name, keys, &ctx, t);
}

static void check_item(tt_target *t, size_t c, int label, const double *y, const double *want_grad)
{
    n2d2_tensor *out = tt_tensor(N2D2_FLOAT64, 1, c, 1, 1, y);
    n2d2_tensor *grad = tt_tensor(N2D2_FLOAT64, 1, c, 1, 1, NULL);
    n2d2_status st = t->ops->process(t->state, out, &label, 1, grad, N2D2_SET_LEARN, NULL);
    ck_assert_msg(st == N2D2_OK, "%s", n2d2_error_message());
    for (size_t i = 0; i < c; ++i)
        ck_assert_msg(fabs(n2d2_tensor_get(grad, i) - want_grad[i]) < TT_EPS,
                      "label %d output %zu: %g want %g", label, i, n2d2_tensor_get(grad, i),
                      want_grad[i]);
    n2d2_tensor_release(out);
    n2d2_tensor_release(grad);
}

/* The manual's example (ch. 23.1) on a single output. */
START_TEST(manual_example_binary)
{
    static const char *const names[] = {"background", "scratch", "dent", NULL};
    n2d2_database *db = tt_database(names);
    write_mapping("# background (no defect)\nbackground 0\n\n# padding\n* -1\n\n"
                  "# defect\ndefault 1\n");
    tt_target t;
    ck_assert_msg(make("LabelsMapping=mapping.dat\n", db, 1, &t) == N2D2_OK, "%s",
                  n2d2_error_message());
    const double y[1] = {0.25};
    const double g0[1] = {0.25}, g1[1] = {-0.75}, none[1] = {0.0};
    check_item(&t, 1, 0, y, g0);    /* background → 0 */
    check_item(&t, 1, 1, y, g1);    /* scratch → default 1 */
    check_item(&t, 1, 2, y, g1);    /* dent → default 1 */
    check_item(&t, 1, -1, y, none); /* `*` → ignored */
    double rate;
    ck_assert_int_eq(t.ops->score(t.state, N2D2_SET_LEARN, "", &rate), N2D2_OK);
    tt_assert_near(rate, 1.0 / 3); /* 0.25 → estimated 0: background only */
    tt_target_free(&t);
    n2d2_database_free(db);
}
END_TEST

/* Wildcards (`*` one or more, `+` exactly one), exact names first,
 * `default -1`, and `*` mapped to a real output. */
START_TEST(wildcards_default_and_star)
{
    static const char *const names[] = {"M-12", "F-30", "M-4x", "F-300", "a+b", "M-", NULL};
    n2d2_database *db = tt_database(names);
    write_mapping("M-* 0\nF-+0 1\na+b 2\n* 2\ndefault -1\n");
    tt_target t;
    ck_assert_msg(make("LabelsMapping=mapping.dat\n", db, 3, &t) == N2D2_OK, "%s",
                  n2d2_error_message());
    const double y[3] = {0.5, 0.25, 0.125};
    const double to0[3] = {-0.5, 0.25, 0.125}, to1[3] = {0.5, -0.75, 0.125},
                 to2[3] = {0.5, 0.25, -0.875}, none[3] = {0, 0, 0};
    check_item(&t, 3, 0, y, to0);  /* M-12 */
    check_item(&t, 3, 1, y, to1);  /* F-30 */
    check_item(&t, 3, 2, y, to0);  /* M-4x */
    check_item(&t, 3, 3, y, none); /* F-300: `+` is one character → default -1 */
    check_item(&t, 3, 4, y, to2);  /* exact "a+b" */
    check_item(&t, 3, 5, y, none); /* "M-": `*` needs one character → default */
    check_item(&t, 3, -1, y, to2); /* `*` line */
    tt_target_free(&t);
    n2d2_database_free(db);
}
END_TEST

/* Class names in reports: first label, "+N" for more, "class<k>" for none. */
START_TEST(class_names)
{
    static const char *const names[] = {"M 12", "F-30", "M-4x", NULL};
    n2d2_database *db = tt_database(names);
    write_mapping("M* 0\nF-30 1\n");
    char path[512], buf[64];
    snprintf(path, sizeof path, "%s/mapping.dat", dir);
    n2d2_tgt_mapping m;
    ck_assert_int_eq(n2d2_tgt_mapping_init(&m, db, 3, path, "k", 0), N2D2_OK);
    ck_assert_str_eq(n2d2_tgt_class_name(&m, 0, 0, buf, sizeof buf), "M_12+1");
    ck_assert_str_eq(n2d2_tgt_class_name(&m, 0, 1, buf, sizeof buf), "M 12+1");
    ck_assert_str_eq(n2d2_tgt_class_name(&m, 1, 0, buf, sizeof buf), "F-30");
    ck_assert_str_eq(n2d2_tgt_class_name(&m, 2, 0, buf, sizeof buf), "class2");
    n2d2_tgt_mapping_free(&m);
    n2d2_database_free(db);
}
END_TEST

START_TEST(wildcard_matcher)
{
    ck_assert(n2d2_tgt_wildcard_match("M-*", "M-1"));
    ck_assert(!n2d2_tgt_wildcard_match("M-*", "M-"));
    ck_assert(n2d2_tgt_wildcard_match("*-x-*", "a-x-b-x-c"));
    ck_assert(n2d2_tgt_wildcard_match("+b", "ab"));
    ck_assert(!n2d2_tgt_wildcard_match("+b", "b"));
    ck_assert(!n2d2_tgt_wildcard_match("a", "ab"));
    ck_assert(n2d2_tgt_wildcard_match("a*c", "abbc"));
    ck_assert(!n2d2_tgt_wildcard_match("a*c", "ac"));
}
END_TEST

START_TEST(unmapped_label_is_an_error_when_seen)
{
    static const char *const names[] = {"cat", "dog", NULL};
    n2d2_database *db = tt_database(names);
    write_mapping("cat 1\n");
    tt_target t;
    ck_assert_int_eq(make("LabelsMapping=mapping.dat\n", db, 2, &t), N2D2_OK);
    const double y[2] = {0.5, 0.5};
    const double g[2] = {0.5, -0.5};
    check_item(&t, 2, 0, y, g);
    n2d2_tensor *out = tt_tensor(N2D2_FLOAT32, 1, 2, 1, 1, y);
    int label = 1;
    ck_assert_int_eq(t.ops->process(t.state, out, &label, 1, NULL, N2D2_SET_LEARN, NULL),
                     N2D2_ERR_NOT_FOUND);
    tt_assert_message("label 'dog' has no line");
    tt_assert_message("mapping.dat");
    n2d2_tensor_release(out);
    tt_target_free(&t);
    n2d2_database_free(db);
}
END_TEST

static void expect_error(const char *mapping, const char *keys, size_t c, n2d2_status code,
                         const char *needle1, const char *needle2)
{
    static const char *const names[] = {"cat", "dog", "fish", NULL};
    n2d2_database *db = tt_database(names);
    if (mapping)
        write_mapping(mapping);
    tt_target t;
    ck_assert_int_eq(make(keys, db, c, &t), code);
    ck_assert_ptr_null(t.state);
    tt_assert_message(needle1);
    if (needle2)
        tt_assert_message(needle2);
    tt_target_free(&t);
    n2d2_database_free(db);
}

START_TEST(mapping_file_errors)
{
    const char *keys = "LabelsMapping=mapping.dat\n";
    /* unknown name: file:line and a suggestion */
    expect_error("cat 0\n# c\ndgo 1\n", keys, 3, N2D2_ERR_NOT_FOUND, "mapping.dat:3:",
                 "did you mean 'dog'");
    /* output index out of range, per output count */
    expect_error("cat 0\ndog 3\n", keys, 3, N2D2_ERR_RANGE, "mapping.dat:2:", "out of range");
    expect_error("cat 2\n", keys, 1, N2D2_ERR_RANGE, "mapping.dat:1:", "allowed -1 (ignore) to 1");
    expect_error("cat -2\n", keys, 3, N2D2_ERR_RANGE, "mapping.dat:1:", NULL);
    /* syntax */
    expect_error("cat\n", keys, 3, N2D2_ERR_PARSE, "mapping.dat:1:", "expected");
    expect_error("cat x\n", keys, 3, N2D2_ERR_PARSE, "mapping.dat:1:", "not an integer");
    expect_error("\ncat 0 1\n", keys, 3, N2D2_ERR_PARSE, "mapping.dat:2:", "unexpected '1'");
    /* twice */
    expect_error("cat 0\ncat 1\n", keys, 3, N2D2_ERR_DUPLICATE, "mapping.dat:2:", "line 1");
    expect_error("default 0\ndefault 1\n", keys, 3, N2D2_ERR_DUPLICATE, "mapping.dat:2:", NULL);
    expect_error("* 0\n* -1\n", keys, 3, N2D2_ERR_DUPLICATE, "mapping.dat:2:", NULL);
}
END_TEST

START_TEST(missing_file_names_it)
{
    expect_error(NULL, "LabelsMapping=nowhere.dat\n", 3, N2D2_ERR_NOT_FOUND, "nowhere.dat",
                 "net.ini:2");
    expect_error(NULL, "LabelsMapping=/no/such/dir/m.dat\n", 3, N2D2_ERR_NOT_FOUND,
                 "'/no/such/dir/m.dat'", NULL);
}
END_TEST

START_TEST(create_missing_labels)
{
    static const char *const names[] = {"cat", "dog", NULL};
    n2d2_database *db = tt_database(names);
    write_mapping("cat 0\nzebra 1\ndog 1\n");
    tt_target t;
    ck_assert_int_eq(make("LabelsMapping=mapping.dat\n", db, 2, &t), N2D2_ERR_NOT_FOUND);
    tt_target_free(&t);
    ck_assert_msg(make("LabelsMapping=mapping.dat\nCreateMissingLabels=1\n", db, 2, &t) == N2D2_OK,
                  "%s", n2d2_error_message());
    const double y[2] = {0.5, 0.5};
    const double g[2] = {0.5, -0.5};
    check_item(&t, 2, 1, y, g);
    tt_target_free(&t);
    n2d2_database_free(db);
}
END_TEST

/* The host's ini_dir wins over the key's file; a context without the
 * field (older struct_size) falls back to the key's file. */
START_TEST(path_resolution)
{
    static const char *const names[] = {"cat", "dog", NULL};
    n2d2_database *db = tt_database(names);
    write_mapping("cat 1\ndog 0\n");
    n2d2_shape shape = {1, {2}};
    n2d2_target_context ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.struct_size = (uint32_t)sizeof ctx;
    ctx.section = "fc.Target";
    ctx.output_shape = &shape;
    ctx.database = db;
    ctx.ini_dir = dir;
    tt_target t;
    /* INI named without a directory: only ini_dir can find the file */
    ck_assert_msg(tt_target_new_ctx(&env, "net.ini", "LabelsMapping=mapping.dat\n", &ctx, &t) ==
                      N2D2_OK,
                  "%s", n2d2_error_message());
    const double y[2] = {0.5, 0.5};
    const double g[2] = {0.5, -0.5};
    check_item(&t, 2, 0, y, g); /* cat → 1 */
    tt_target_free(&t);

    ctx.struct_size = (uint32_t)offsetof(n2d2_target_context, ini_dir);
    ck_assert_int_eq(tt_target_new_ctx(&env, "net.ini", "LabelsMapping=mapping.dat\n", &ctx, &t),
                     N2D2_ERR_NOT_FOUND);
    tt_target_free(&t);
    n2d2_database_free(db);
}
END_TEST

START_TEST(not_implemented_keys)
{
    static const char *const names[] = {"cat", "dog", NULL};
    n2d2_database *db = tt_database(names);
    const char *given[] = {
        "DataAsTarget=1",     "MaskLabelTarget=x.Target", /* WeakTarget: tests/labels */
        "MaskedLabel=0",      "MaskedLabelValue=1", "NoDisplayLabel=0",
        "LabelsHueOffset=10", "EstimatedLabelsValueDisplay=1", "ValueThreshold=0.5",
        "ImageLogFormat=png",
    };
    for (size_t i = 0; i < sizeof given / sizeof given[0]; ++i) {
        char keys[128];
        snprintf(keys, sizeof keys, "%s\n", given[i]);
        tt_target t;
        ck_assert_int_eq(make(keys, db, 2, &t), N2D2_ERR_NOT_IMPLEMENTED);
        tt_assert_message("not implemented yet");
        tt_assert_message("net.ini:2");
        tt_target_free(&t);
    }
    /* their defaults, written out, are fine */
    tt_target t;
    ck_assert_msg(make("DataAsTarget=0\nWeakTarget=-2\nMaskLabelTarget=\nMaskedLabel=-1\n"
                       "MaskedLabelValue=0\nNoDisplayLabel=-1\nLabelsHueOffset=0\n"
                       "EstimatedLabelsValueDisplay=0\nValueThreshold=0.0\nImageLogFormat=jpg\n",
                       db, 2, &t) == N2D2_OK,
                  "%s", n2d2_error_message());
    tt_target_free(&t);
    n2d2_database_free(db);
}
END_TEST

/* Every key of manual ch. 23.3.1 is in the schema with its default. */
START_TEST(schema_is_complete)
{
    const struct {
        const char *name, *def;
    } keys[] = {
        {"Type", "TargetScore"},     {"TargetValue", "1.0"},      {"DefaultValue", "0.0"},
        {"TopN", "1"},               {"BinaryThreshold", "0.5"},  {"DataAsTarget", "0"},
        {"LabelsMapping", ""},       {"CreateMissingLabels", "0"}, {"WeakTarget", "-2"},
        {"MaskLabelTarget", ""},     {"MaskedLabel", "-1"},       {"MaskedLabelValue", "0"},
        {"NoDisplayLabel", "-1"},    {"LabelsHueOffset", "0"},
        {"EstimatedLabelsValueDisplay", "0"}, {"ValueThreshold", "0.0"},
        {"ImageLogFormat", "jpg"},
    };
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; ++k) {
        const n2d2_param_spec *found = NULL;
        for (size_t i = 0; i < env.feature->n_params; ++i)
            if (strcmp(env.feature->params[i].name, keys[k].name) == 0)
                found = &env.feature->params[i];
        ck_assert_msg(found != NULL, "%s missing", keys[k].name);
        ck_assert_str_eq(found->default_value, keys[k].def);
        ck_assert(found->help && found->help[0]);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("target_mapping");
    TCase *tc = tcase_create("mapping");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, manual_example_binary);
    tcase_add_test(tc, wildcards_default_and_star);
    tcase_add_test(tc, wildcard_matcher);
    tcase_add_test(tc, class_names);
    tcase_add_test(tc, unmapped_label_is_an_error_when_seen);
    tcase_add_test(tc, mapping_file_errors);
    tcase_add_test(tc, missing_file_names_it);
    tcase_add_test(tc, create_missing_labels);
    tcase_add_test(tc, path_resolution);
    tcase_add_test(tc, not_implemented_keys);
    tcase_add_test(tc, schema_is_complete);
    suite_add_tcase(s, tc);
    return tt_run_suite(s);
}
