/* Plugin loader: every refusal case with real .so files, skips, search
 * order, static preloading. The test plugins live in tests/plugins/ and are
 * built into N2D2_TEST_PLUGIN_ROOT/{good,shadow,skip,dup,bad}. */
#define _XOPEN_SOURCE 700 /* mkdtemp, symlink, setenv */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "n2d2/log.h"
#include "n2d2/plugin.h"
#include "check_run.h"

/* ---- fixtures ----------------------------------------------------------- */

static char plugin_root[4096];

static const char *root(void)
{
    if (!plugin_root[0]) {
#ifdef N2D2_TEST_PLUGIN_ROOT
        snprintf(plugin_root, sizeof plugin_root, "%s", N2D2_TEST_PLUGIN_ROOT);
#else
        const char *bin = getenv("N2D2_TEST_BINARY_DIR");
        snprintf(plugin_root, sizeof plugin_root, "%s/plugins", bin ? bin : ".");
#endif
    }
    return plugin_root;
}

/* "<root>/<sub>" in a rotating set of buffers, so several fit in one call. */
static const char *dir(const char *sub)
{
    static char bufs[8][4096];
    static int next;
    char *b = bufs[next++ % 8];
    int n = snprintf(b, sizeof bufs[0], "%s/%s", root(), sub);
    ck_assert_msg(n > 0 && (size_t)n < sizeof bufs[0], "path too long");
    return b;
}

/* Captured log lines, "<level>|<message>\n" each. */
static char log_text[65536];

static void capture(n2d2_log_level level, const char *message, void *user)
{
    (void)user;
    size_t len = strlen(log_text);
    snprintf(log_text + len, sizeof log_text - len, "%d|%s\n", (int)level, message);
}

static n2d2_registry *reg;
static n2d2_loader *loader;

static void setup(void)
{
    log_text[0] = '\0';
    n2d2_log_set_callback(capture, NULL);
    n2d2_log_set_level(N2D2_LOG_DEBUG);
    unsetenv("N2D2_PLUGIN_PATH");
    ck_assert_int_eq(n2d2_registry_new(&reg), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_new(reg, &loader), N2D2_OK);
}

static void teardown(void)
{
    n2d2_loader_free(loader);
    n2d2_registry_free(reg);
    loader = NULL;
    reg = NULL;
    n2d2_log_set_callback(NULL, NULL);
}

static const n2d2_plugin_info *last_plugin(void)
{
    size_t n = n2d2_loader_plugin_count(loader);
    ck_assert_uint_gt(n, 0);
    return n2d2_loader_plugin_at(loader, n - 1);
}

static const n2d2_plugin_info *plugin_from(const char *file_part, n2d2_plugin_state state)
{
    for (size_t i = 0; i < n2d2_loader_plugin_count(loader); ++i) {
        const n2d2_plugin_info *p = n2d2_loader_plugin_at(loader, i);
        if (strstr(p->file, file_part) && p->state == state)
            return p;
    }
    return NULL;
}

static int has_feature(n2d2_kind kind, const char *name)
{
    return n2d2_registry_find(reg, kind, name, NULL) != NULL;
}

/* A temporary directory with a 100-byte head of a good plugin, a text file
 * named like a plugin, and (as a link) the good plugin between them. */
static char mixed_dir[256];

static void make_mixed_dir(void)
{
    snprintf(mixed_dir, sizeof mixed_dir, "/tmp/n2d2-loader-test-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(mixed_dir));
    char path[512], good[512];
    snprintf(good, sizeof good, "%s/n2d2-test-good.so", dir("good"));

    FILE *in = fopen(good, "rb");
    ck_assert_ptr_nonnull(in);
    char head[100];
    ck_assert_uint_eq(fread(head, 1, sizeof head, in), sizeof head);
    fclose(in);
    snprintf(path, sizeof path, "%s/n2d2-truncated.so", mixed_dir);
    FILE *out = fopen(path, "wb");
    ck_assert_ptr_nonnull(out);
    fwrite(head, 1, sizeof head, out);
    fclose(out);

    snprintf(path, sizeof path, "%s/n2d2-garbage.so", mixed_dir);
    out = fopen(path, "w");
    ck_assert_ptr_nonnull(out);
    fputs("this is a text file, renamed to look like a plugin\n", out);
    fclose(out);

    snprintf(path, sizeof path, "%s/n2d2-test-good.so", mixed_dir);
    ck_assert_int_eq(symlink(good, path), 0);
}

static void remove_mixed_dir(void)
{
    const char *names[] = {"n2d2-truncated.so", "n2d2-garbage.so", "n2d2-test-good.so"};
    char path[512];
    for (size_t i = 0; i < 3; ++i) {
        snprintf(path, sizeof path, "%s/%s", mixed_dir, names[i]);
        unlink(path);
    }
    rmdir(mixed_dir);
}

/* ---- good plugins ------------------------------------------------------- */

START_TEST(test_good_dir_loads_cleanly)
{
    ck_assert_int_eq(n2d2_loader_add_path(loader, dir("good")), N2D2_OK);
    size_t refused = 99;
    ck_assert_int_eq(n2d2_loader_load_all(loader, &refused), N2D2_OK);
    ck_assert_uint_eq(refused, 0);
    ck_assert_uint_eq(n2d2_loader_plugin_count(loader), 1);
    const n2d2_plugin_info *p = n2d2_loader_plugin_at(loader, 0);
    ck_assert_int_eq(p->state, N2D2_PLUGIN_LOADED);
    ck_assert_str_eq(p->name, "test_good");
    ck_assert_str_eq(p->version, "1.0.0");
    ck_assert_str_eq(p->license, "MIT");
    ck_assert_str_eq(p->description, "loader test plugin");
    ck_assert_str_eq(p->message, "");
    ck_assert_int_eq(p->abi_version, N2D2_PLUGIN_ABI_VERSION);
    ck_assert_ptr_nonnull(strstr(p->file, "good/n2d2-test-good.so"));

    ck_assert_uint_eq(n2d2_registry_count(reg), 3);
    ck_assert(has_feature(N2D2_KIND_TRANSFORM, "TestTransformation"));
    const n2d2_feature *f = n2d2_registry_find(reg, N2D2_KIND_CELL, "TestCell", NULL);
    ck_assert_ptr_nonnull(f);
    ck_assert_str_eq(f->model, "Frame"); /* highest rank */
    ck_assert_str_eq(n2d2_registry_origin_plugin(reg, 0), "test_good");
    ck_assert_str_eq(n2d2_registry_origin_file(reg, 0), p->file);
    ck_assert_ptr_null(strstr(log_text, "0|")); /* no error logged */
}
END_TEST

START_TEST(test_search_note_in_unknown_type_error)
{
    ck_assert_int_eq(n2d2_loader_add_path(loader, dir("good")), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_add_path(loader, dir("skip")), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_load_all(loader, NULL), N2D2_OK);
    const n2d2_feature *f = NULL;
    ck_assert_int_eq(n2d2_registry_resolve(reg, N2D2_KIND_CELL, "TestCel", NULL, "m.ini:3", &f),
                     N2D2_ERR_NOT_FOUND);
    char expected[8192];
    snprintf(expected, sizeof expected,
             "m.ini:3: unknown cell type 'TestCel' (did you mean: TestCell?); "
             "plugins searched in: %s, %s",
             dir("good"), dir("skip"));
    ck_assert_str_eq(n2d2_error_message(), expected);
}
END_TEST

START_TEST(test_load_file_bare_name_is_local)
{
    /* A name without '/' means ./name, never a library-path search. */
    char cwd[4096];
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    ck_assert_int_eq(chdir(dir("good")), 0);
    ck_assert_int_eq(n2d2_loader_load_file(loader, "n2d2-test-good.so"), N2D2_OK);
    ck_assert_str_eq(last_plugin()->file, "./n2d2-test-good.so");
    ck_assert_int_eq(chdir(cwd), 0);
}
END_TEST

/* ---- every refusal ------------------------------------------------------ */

typedef struct refusal_case {
    const char *file;     /* in bad/ */
    n2d2_status code;
    const char *expect;   /* substring of the message */
} refusal_case;

static char abi_major_msg[128], abi_minor_msg[128];

static const refusal_case *refusal_cases(size_t *n)
{
    snprintf(abi_major_msg, sizeof abi_major_msg,
             "built for plugin ABI %d.%d, this kernel has %d.%d", N2D2_PLUGIN_ABI_MAJOR + 1, 0,
             N2D2_PLUGIN_ABI_MAJOR, N2D2_PLUGIN_ABI_MINOR);
    snprintf(abi_minor_msg, sizeof abi_minor_msg,
             "built for plugin ABI %d.%d, this kernel has %d.%d", N2D2_PLUGIN_ABI_MAJOR,
             N2D2_PLUGIN_ABI_MINOR + 1, N2D2_PLUGIN_ABI_MAJOR, N2D2_PLUGIN_ABI_MINOR);
    static refusal_case cases[] = {
        {"n2d2-test-abi.so", N2D2_ERR_ABI, abi_major_msg},
        {"n2d2-test-abiminor.so", N2D2_ERR_ABI, abi_minor_msg},
        {"n2d2-test-small.so", N2D2_ERR_ABI, "descriptor struct_size 8 is smaller than"},
        {"n2d2-test-null.so", N2D2_ERR_INVAL, "returned a NULL descriptor"},
        {"n2d2-test-nolicense.so", N2D2_ERR_INVAL, "descriptor has no license"},
        {"n2d2-test-noregister.so", N2D2_ERR_INVAL, "descriptor has no register function"},
        {"n2d2-test-misnamed.so", N2D2_ERR_INVAL,
         "descriptor name 'test_other_name' does not match the file name"},
        {"n2d2-test-regfail.so", N2D2_ERR_INVAL,
         "registration failed: test failure: mandatory setting missing"},
        {"n2d2-notaplugin.so", N2D2_ERR_NOT_FOUND,
         "not an n2d2 plugin: symbol n2d2_plugin_notaplugin_describe not found"},
        {"n2d2-test-needsdep.so", N2D2_ERR_IO, "libn2d2testdep.so"},
    };
    *n = sizeof cases / sizeof cases[0];
    return cases;
}

START_TEST(test_each_refusal_is_recorded)
{
    size_t n;
    const refusal_case *cases = refusal_cases(&n);
    const refusal_case *c = &cases[_i];
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir("bad"), c->file);
    n2d2_status st = n2d2_loader_load_file(loader, path);
    ck_assert_msg(st == c->code, "%s: got %s: %s", c->file, n2d2_status_str(st),
                  n2d2_error_message());
    /* The error names the file and the reason. */
    ck_assert_msg(strncmp(n2d2_error_message(), path, strlen(path)) == 0, "%s",
                  n2d2_error_message());
    ck_assert_msg(strstr(n2d2_error_message(), c->expect), "%s: '%s' lacks '%s'", c->file,
                  n2d2_error_message(), c->expect);
    const n2d2_plugin_info *p = last_plugin();
    ck_assert_int_eq(p->state, N2D2_PLUGIN_REFUSED);
    ck_assert_str_eq(p->file, path);
    ck_assert_ptr_nonnull(strstr(p->message, c->expect));
    /* Nothing of a refused plugin stays registered. */
    ck_assert_uint_eq(n2d2_registry_count(reg), 0);
}
END_TEST

START_TEST(test_missing_dependency_message)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/n2d2-test-needsdep.so", dir("bad"));
    ck_assert_int_eq(n2d2_loader_load_file(loader, path), N2D2_ERR_IO);
    /* dlerror's own words, plus what libltdl said. */
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "not loadable: "));
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "cannot open shared object file"));
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "libltdl: "));
}
END_TEST

START_TEST(test_truncated_and_garbage_files)
{
    make_mixed_dir();
    char path[512];
    snprintf(path, sizeof path, "%s/n2d2-truncated.so", mixed_dir);
    ck_assert_int_eq(n2d2_loader_load_file(loader, path), N2D2_ERR_IO);
    ck_assert_msg(strstr(n2d2_error_message(), "not loadable: truncated ELF file (100 bytes"),
                  "%s", n2d2_error_message());
    ck_assert_int_eq(last_plugin()->state, N2D2_PLUGIN_REFUSED);

    snprintf(path, sizeof path, "%s/n2d2-garbage.so", mixed_dir);
    ck_assert_int_eq(n2d2_loader_load_file(loader, path), N2D2_ERR_IO);
    ck_assert_msg(strstr(n2d2_error_message(), "not loadable: not an ELF shared object"), "%s",
                  n2d2_error_message());
    ck_assert_ptr_nonnull(strstr(last_plugin()->message, "libltdl: "));
    remove_mixed_dir();
}
END_TEST

START_TEST(test_missing_file_and_bad_file_name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/n2d2-does-not-exist.so", dir("bad"));
    ck_assert_int_eq(n2d2_loader_load_file(loader, path), N2D2_ERR_NOT_FOUND);
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "No such file"));
    ck_assert_int_eq(last_plugin()->state, N2D2_PLUGIN_REFUSED);

    ck_assert_int_eq(n2d2_loader_load_file(loader, "/tmp/libfoo.so"), N2D2_ERR_INVAL);
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "does not follow n2d2-<name>.so"));
    ck_assert_int_eq(n2d2_loader_load_file(loader, "/tmp/n2d2-bad name.so"), N2D2_ERR_INVAL);
    ck_assert_uint_eq(n2d2_loader_plugin_count(loader), 3);
}
END_TEST

START_TEST(test_register_failure_rolls_back)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/n2d2-test-regfail.so", dir("bad"));
    ck_assert_int_eq(n2d2_loader_load_file(loader, path), N2D2_ERR_INVAL);
    ck_assert(!has_feature(N2D2_KIND_FILLER, "TestRollbackFiller"));
    ck_assert_uint_eq(n2d2_registry_count(reg), 0);
    /* The descriptor was valid: its strings are shown with the refusal. */
    ck_assert_str_eq(last_plugin()->version, "1.0.0");
    ck_assert_str_eq(last_plugin()->name, "test_regfail");
    /* A descriptor that failed its checks is not trusted beyond its ABI. */
    snprintf(path, sizeof path, "%s/n2d2-test-abi.so", dir("bad"));
    ck_assert_int_eq(n2d2_loader_load_file(loader, path), N2D2_ERR_ABI);
    ck_assert_int_eq(last_plugin()->abi_version, (N2D2_PLUGIN_ABI_MAJOR + 1) * 1000);
    ck_assert_str_eq(last_plugin()->version, "");
}
END_TEST

START_TEST(test_duplicate_feature_names_both_files)
{
    char good[4096], dup[4096];
    snprintf(good, sizeof good, "%s/n2d2-test-good.so", dir("good"));
    snprintf(dup, sizeof dup, "%s/n2d2-test-dup.so", dir("dup"));
    ck_assert_int_eq(n2d2_loader_load_file(loader, good), N2D2_OK);
    size_t before = n2d2_registry_count(reg);
    ck_assert_int_eq(n2d2_loader_load_file(loader, dup), N2D2_ERR_DUPLICATE);
    const char *msg = n2d2_error_message();
    ck_assert_msg(strstr(msg, "duplicate transformation 'TestTransformation'"), "%s", msg);
    ck_assert_msg(strstr(msg, good) && strstr(msg, dup), "%s", msg);
    ck_assert_int_eq(last_plugin()->state, N2D2_PLUGIN_REFUSED);
    /* The dup plugin's other feature was rolled back, test_good's kept. */
    ck_assert(!has_feature(N2D2_KIND_FILLER, "TestDupFiller"));
    ck_assert_uint_eq(n2d2_registry_count(reg), before);
}
END_TEST

START_TEST(test_scan_goes_on_after_refusals)
{
    /* bad/ holds only refusals; good/ after it still loads. */
    size_t n_cases;
    refusal_cases(&n_cases);
    ck_assert_int_eq(n2d2_loader_add_path(loader, dir("bad")), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_add_path(loader, dir("good")), N2D2_OK);
    size_t refused = 0;
    ck_assert_int_eq(n2d2_loader_load_all(loader, &refused), N2D2_OK);
    ck_assert_uint_eq(refused, n_cases);
    ck_assert_ptr_nonnull(plugin_from("good/n2d2-test-good.so", N2D2_PLUGIN_LOADED));
    ck_assert(has_feature(N2D2_KIND_TRANSFORM, "TestTransformation"));
    /* Each refusal was logged at error level with its file. */
    ck_assert_ptr_nonnull(strstr(log_text, "0|plugin refused: "));
    ck_assert_ptr_nonnull(strstr(log_text, "n2d2-test-abi.so: built for plugin ABI"));
    ck_assert_ptr_nonnull(strstr(log_text, "n2d2-notaplugin.so: not an n2d2 plugin"));
}
END_TEST

START_TEST(test_mixed_dir_good_between_bad)
{
    /* Sorted: n2d2-garbage.so, n2d2-test-good.so, n2d2-truncated.so. */
    make_mixed_dir();
    ck_assert_int_eq(n2d2_loader_add_path(loader, mixed_dir), N2D2_OK);
    size_t refused = 0;
    ck_assert_int_eq(n2d2_loader_load_all(loader, &refused), N2D2_OK);
    ck_assert_uint_eq(refused, 2);
    ck_assert_uint_eq(n2d2_loader_plugin_count(loader), 3);
    ck_assert_ptr_nonnull(strstr(n2d2_loader_plugin_at(loader, 0)->file, "n2d2-garbage.so"));
    ck_assert_int_eq(n2d2_loader_plugin_at(loader, 1)->state, N2D2_PLUGIN_LOADED);
    ck_assert_ptr_nonnull(strstr(n2d2_loader_plugin_at(loader, 2)->file, "n2d2-truncated.so"));
    ck_assert(has_feature(N2D2_KIND_TRANSFORM, "TestTransformation"));
    remove_mixed_dir();
}
END_TEST

/* ---- skips -------------------------------------------------------------- */

START_TEST(test_skips_are_not_refusals)
{
    ck_assert_int_eq(n2d2_loader_add_path(loader, dir("skip")), N2D2_OK);
    size_t refused = 99;
    ck_assert_int_eq(n2d2_loader_load_all(loader, &refused), N2D2_OK);
    ck_assert_uint_eq(refused, 0);
    ck_assert_uint_eq(n2d2_loader_plugin_count(loader), 2);
    const n2d2_plugin_info *probe = plugin_from("n2d2-test-skip.so", N2D2_PLUGIN_SKIPPED);
    const n2d2_plugin_info *regskip = plugin_from("n2d2-test-regskip.so", N2D2_PLUGIN_SKIPPED);
    ck_assert_ptr_nonnull(probe);
    ck_assert_ptr_nonnull(regskip);
    ck_assert_ptr_nonnull(strstr(probe->message, "no test accelerator on this machine"));
    ck_assert_ptr_nonnull(strstr(regskip->message, "no test accelerator found while registering"));
    ck_assert_str_eq(probe->version, "1.0.0");
    /* The feature added before the register-time skip was rolled back. */
    ck_assert_uint_eq(n2d2_registry_count(reg), 0);
    /* Logged at info level, never as an error. */
    ck_assert_ptr_nonnull(strstr(log_text, "2|plugin "));
    ck_assert_ptr_null(strstr(log_text, "0|"));
    ck_assert_ptr_null(strstr(log_text, "1|"));
}
END_TEST

START_TEST(test_load_file_reports_skip)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/n2d2-test-skip.so", dir("skip"));
    ck_assert_int_eq(n2d2_loader_load_file(loader, path), N2D2_ERR_SKIP);
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "no test accelerator"));
}
END_TEST

/* ---- search order ------------------------------------------------------- */

START_TEST(test_plugin_path_before_env)
{
    /* --plugin-path good, N2D2_PLUGIN_PATH shadow: good's copy wins. */
    setenv("N2D2_PLUGIN_PATH", dir("shadow"), 1);
    ck_assert_int_eq(n2d2_loader_add_path(loader, dir("good")), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_add_default_paths(loader), N2D2_OK);
    ck_assert_uint_ge(n2d2_loader_path_count(loader), 2);
    ck_assert_str_eq(n2d2_loader_path_at(loader, 0), dir("good"));
    ck_assert_str_eq(n2d2_loader_path_at(loader, 1), dir("shadow"));
    size_t refused = 99;
    ck_assert_int_eq(n2d2_loader_load_all(loader, &refused), N2D2_OK);
    ck_assert_uint_eq(refused, 0);
    const n2d2_plugin_info *loaded = plugin_from("/n2d2-test-good.so", N2D2_PLUGIN_LOADED);
    ck_assert_ptr_nonnull(loaded);
    ck_assert_str_eq(loaded->version, "1.0.0");
    const n2d2_plugin_info *shadow = plugin_from("shadow/n2d2-test-good.so", N2D2_PLUGIN_SKIPPED);
    ck_assert_ptr_nonnull(shadow);
    /* The info line names both files. */
    ck_assert_ptr_nonnull(strstr(shadow->message, loaded->file));
    char line[16384];
    snprintf(line, sizeof line, "2|plugin %s skipped: plugin 'test_good' is already loaded from %s",
             shadow->file, loaded->file);
    ck_assert_msg(strstr(log_text, line), "%s", log_text);
    ck_assert_ptr_null(strstr(log_text, "0|"));
}
END_TEST

START_TEST(test_env_path_order)
{
    char env[8192];
    /* Empty entries are ignored (not "."), a missing one only warns. */
    snprintf(env, sizeof env, "::%s:/nonexistent/n2d2-dir::%s:", dir("shadow"), dir("good"));
    setenv("N2D2_PLUGIN_PATH", env, 1);
    ck_assert_int_eq(n2d2_loader_add_default_paths(loader), N2D2_OK);
    ck_assert_str_eq(n2d2_loader_path_at(loader, 0), dir("shadow"));
    ck_assert_str_eq(n2d2_loader_path_at(loader, 1), dir("good"));
    for (size_t i = 0; i < n2d2_loader_path_count(loader); ++i)
        ck_assert_str_ne(n2d2_loader_path_at(loader, i), ".");
    ck_assert_ptr_nonnull(strstr(log_text, "1|N2D2_PLUGIN_PATH: plugin directory /nonexistent"));
    ck_assert_int_eq(n2d2_loader_load_all(loader, NULL), N2D2_OK);
    const n2d2_plugin_info *loaded = plugin_from("shadow/n2d2-test-good.so", N2D2_PLUGIN_LOADED);
    ck_assert_ptr_nonnull(loaded);
    ck_assert_str_eq(loaded->version, "2.0.0-shadow");
}
END_TEST

START_TEST(test_paths_are_deduplicated_and_checked)
{
    ck_assert_int_eq(n2d2_loader_add_path(loader, dir("good")), N2D2_OK);
    char again[4096];
    snprintf(again, sizeof again, "%s/../good/", dir("good"));
    ck_assert_int_eq(n2d2_loader_add_path(loader, again), N2D2_OK);
    ck_assert_uint_eq(n2d2_loader_path_count(loader), 1);
    ck_assert_int_eq(n2d2_loader_add_path(loader, "/nonexistent/n2d2"), N2D2_ERR_NOT_FOUND);
    char file[4096];
    snprintf(file, sizeof file, "%s/n2d2-test-good.so", dir("good"));
    ck_assert_int_eq(n2d2_loader_add_path(loader, file), N2D2_ERR_INVAL);
    ck_assert_int_eq(n2d2_loader_add_path(loader, ""), N2D2_ERR_INVAL);
    ck_assert_uint_eq(n2d2_loader_path_count(loader), 1);
    ck_assert_ptr_null(n2d2_loader_path_at(loader, 1));
}
END_TEST

START_TEST(test_no_env_no_install_dir)
{
    /* In the build tree there is no <libdir>/n2d2/plugins: nothing added. */
    ck_assert_int_eq(n2d2_loader_add_default_paths(loader), N2D2_OK);
    ck_assert_uint_eq(n2d2_loader_path_count(loader), 0);
    ck_assert_int_eq(n2d2_loader_load_all(loader, NULL), N2D2_OK);
    ck_assert_uint_eq(n2d2_loader_plugin_count(loader), 0);
}
END_TEST

START_TEST(test_unreadable_dirs_fail_load_all)
{
    char tmp[] = "/tmp/n2d2-loader-gone-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(tmp));
    ck_assert_int_eq(n2d2_loader_add_path(loader, tmp), N2D2_OK);
    ck_assert_int_eq(rmdir(tmp), 0);
    size_t refused = 99;
    ck_assert_int_eq(n2d2_loader_load_all(loader, &refused), N2D2_ERR_NOT_FOUND);
    ck_assert_uint_eq(refused, 0);
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), tmp));
}
END_TEST

/* ---- static preloading -------------------------------------------------- */

static const int static_ops = 1;
static const n2d2_feature static_feature = {
    .struct_size = sizeof(n2d2_feature),
    .kind = N2D2_KIND_TRANSFORM,
    .name = "TestTransformation",
    .ops = &static_ops,
};

static n2d2_status static_register(n2d2_registry *r)
{
    return n2d2_registry_add(r, &static_feature);
}

/* The same plugin name as good/n2d2-test-good.so, linked in. */
N2D2_PLUGIN_DEFINE(test_good, "9.9.9-static", "MIT", "static copy", static_register, NULL)

static const n2d2_plugin_desc *null_describe(void) { return NULL; }

START_TEST(test_preload_wins_over_file)
{
    const n2d2_static_plugin table[] = {N2D2_STATIC_PLUGIN(test_good)};
    ck_assert_int_eq(n2d2_loader_preload(loader, table, 1), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_add_path(loader, dir("good")), N2D2_OK);
    size_t refused = 99;
    ck_assert_int_eq(n2d2_loader_load_all(loader, &refused), N2D2_OK);
    ck_assert_uint_eq(refused, 0);
    ck_assert_uint_eq(n2d2_loader_plugin_count(loader), 2);
    const n2d2_plugin_info *s = n2d2_loader_plugin_at(loader, 0);
    ck_assert_str_eq(s->file, "<static>");
    ck_assert_str_eq(s->version, "9.9.9-static");
    ck_assert_int_eq(s->state, N2D2_PLUGIN_LOADED);
    const n2d2_plugin_info *f = n2d2_loader_plugin_at(loader, 1);
    ck_assert_int_eq(f->state, N2D2_PLUGIN_SKIPPED);
    ck_assert_ptr_nonnull(strstr(f->message, "already loaded from <static>"));
    ck_assert_ptr_nonnull(strstr(f->file, "good/n2d2-test-good.so"));
    char line[8192];
    snprintf(line, sizeof line, "2|plugin %s skipped: plugin 'test_good' is already loaded from <static>",
             f->file);
    ck_assert_msg(strstr(log_text, line), "%s", log_text);
    ck_assert_uint_eq(n2d2_registry_count(reg), 1);
    ck_assert_str_eq(n2d2_registry_origin_file(reg, 0), "<static>");
}
END_TEST

START_TEST(test_preload_checks)
{
    const n2d2_static_plugin table[] = {
        {"test_null", null_describe},         /* refused: NULL descriptor */
        {"other_name", n2d2_plugin_test_good_describe}, /* refused: name */
        {"", n2d2_plugin_test_good_describe}, /* refused: no name */
        {"test_good", NULL},                  /* refused: no function */
        N2D2_STATIC_PLUGIN(test_good),        /* loaded */
        N2D2_STATIC_PLUGIN(test_good),        /* skipped: already there */
    };
    ck_assert_int_eq(n2d2_loader_preload(loader, table, 6), N2D2_ERR_INVAL);
    ck_assert_uint_eq(n2d2_loader_plugin_count(loader), 6);
    const n2d2_plugin_state want[] = {N2D2_PLUGIN_REFUSED, N2D2_PLUGIN_REFUSED,
                                      N2D2_PLUGIN_REFUSED, N2D2_PLUGIN_REFUSED,
                                      N2D2_PLUGIN_LOADED,  N2D2_PLUGIN_SKIPPED};
    for (size_t i = 0; i < 6; ++i)
        ck_assert_int_eq(n2d2_loader_plugin_at(loader, i)->state, want[i]);
    ck_assert_ptr_nonnull(strstr(n2d2_loader_plugin_at(loader, 0)->message, "NULL descriptor"));
    ck_assert_ptr_nonnull(
        strstr(n2d2_loader_plugin_at(loader, 1)->message, "does not match the preload table"));
    ck_assert_str_eq(n2d2_loader_plugin_at(loader, 0)->file, "<static>");
    ck_assert_ptr_nonnull(strstr(log_text, "0|static plugin 'test_null' refused"));
    ck_assert_uint_eq(n2d2_registry_count(reg), 1);
}
END_TEST

START_TEST(test_null_arguments)
{
    n2d2_loader *l = NULL;
    ck_assert_int_eq(n2d2_loader_new(NULL, &l), N2D2_ERR_INVAL);
    ck_assert_ptr_null(l);
    ck_assert_int_eq(n2d2_loader_new(reg, NULL), N2D2_ERR_INVAL);
    n2d2_loader_free(NULL);
    ck_assert_int_eq(n2d2_loader_load_file(loader, NULL), N2D2_ERR_INVAL);
    ck_assert_int_eq(n2d2_loader_load_all(NULL, NULL), N2D2_ERR_INVAL);
    ck_assert_int_eq(n2d2_loader_preload(loader, NULL, 0), N2D2_OK);
    ck_assert_uint_eq(n2d2_loader_plugin_count(NULL), 0);
    ck_assert_ptr_null(n2d2_loader_plugin_at(loader, 0));
    /* Two loaders at once share libltdl's reference-counted state. */
    ck_assert_int_eq(n2d2_loader_new(reg, &l), N2D2_OK);
    n2d2_loader_free(l);
    ck_assert_int_eq(n2d2_loader_add_path(loader, dir("good")), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_load_all(loader, NULL), N2D2_OK);
    ck_assert_uint_eq(n2d2_registry_count(reg), 3);
}
END_TEST

static Suite *loader_suite(void)
{
    Suite *s = suite_create("loader");
    size_t n_cases;
    refusal_cases(&n_cases);

    TCase *tc = tcase_create("good");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_good_dir_loads_cleanly);
    tcase_add_test(tc, test_search_note_in_unknown_type_error);
    tcase_add_test(tc, test_load_file_bare_name_is_local);
    suite_add_tcase(s, tc);

    tc = tcase_create("refusals");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_each_refusal_is_recorded, 0, (int)n_cases);
    tcase_add_test(tc, test_missing_dependency_message);
    tcase_add_test(tc, test_truncated_and_garbage_files);
    tcase_add_test(tc, test_missing_file_and_bad_file_name);
    tcase_add_test(tc, test_register_failure_rolls_back);
    tcase_add_test(tc, test_duplicate_feature_names_both_files);
    tcase_add_test(tc, test_scan_goes_on_after_refusals);
    tcase_add_test(tc, test_mixed_dir_good_between_bad);
    suite_add_tcase(s, tc);

    tc = tcase_create("skips");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_skips_are_not_refusals);
    tcase_add_test(tc, test_load_file_reports_skip);
    suite_add_tcase(s, tc);

    tc = tcase_create("paths");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_plugin_path_before_env);
    tcase_add_test(tc, test_env_path_order);
    tcase_add_test(tc, test_paths_are_deduplicated_and_checked);
    tcase_add_test(tc, test_no_env_no_install_dir);
    tcase_add_test(tc, test_unreadable_dirs_fail_load_all);
    suite_add_tcase(s, tc);

    tc = tcase_create("static");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_preload_wins_over_file);
    tcase_add_test(tc, test_preload_checks);
    tcase_add_test(tc, test_null_arguments);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return n2d2_check_run(loader_suite());
}
