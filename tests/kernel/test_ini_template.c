/* Check suite for INI template inclusion (manual ch. 18.2): the manual's
 * worked example, every construct, nesting, relative paths, and the error
 * messages with their "included from" chains. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "n2d2/ini.h"
#include "n2d2/log.h"
#include "check_run.h"

/* ---- scratch directory ----------------------------------------------------------- */

static char dir[64];

static void make_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/n2d2-tpl-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    n2d2_log_set_level(N2D2_LOG_ERROR);
}

static void remove_tree(const char *path)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    ck_assert_int_eq(system(cmd), 0);
}

static void drop_dir(void) { remove_tree(dir); }

/* Write `text` to dir/rel (creating one level of sub-directory). */
static void put(const char *rel, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    mkdir(path, 0700);
    *slash = '/';
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static const char *path_of(const char *rel)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    return path;
}

static n2d2_ini *load_main(const char *text)
{
    put("model.ini", text);
    n2d2_ini *ini = NULL;
    n2d2_status st = n2d2_ini_load(path_of("model.ini"), &ini);
    ck_assert_msg(st == N2D2_OK, "load failed: %s", n2d2_error_message());
    return ini;
}

/* Loading must fail with `code` and a message containing every needle. */
static void load_main_fails(const char *text, n2d2_status code, const char *needle1,
                            const char *needle2)
{
    put("model.ini", text);
    n2d2_ini *ini = (n2d2_ini *)1;
    n2d2_status st = n2d2_ini_load(path_of("model.ini"), &ini);
    const char *msg = n2d2_error_message();
    ck_assert_msg(st == code, "expected %s, got %s: %s", n2d2_status_str(code),
                  n2d2_status_str(st), msg);
    ck_assert_ptr_null(ini);
    ck_assert_msg(strstr(msg, needle1), "message '%s' lacks '%s'", msg, needle1);
    if (needle2)
        ck_assert_msg(strstr(msg, needle2), "message '%s' lacks '%s'", msg, needle2);
}

/* "<dir>/<rel>:<line>" */
static const char *at(const char *rel, int line)
{
    static char buf[4][512];
    static int next;
    char *b = buf[next++ % 4];
    snprintf(b, 512, "%s/%s:%d", dir, rel, line);
    return b;
}

static const char *raw(n2d2_ini *ini, const char *sec, const char *key)
{
    n2d2_ini_section *s = n2d2_ini_find(ini, sec);
    ck_assert_msg(s != NULL, "no section [%s]", sec);
    n2d2_ini_entry *e = n2d2_ini_entry_find(s, key);
    ck_assert_msg(e != NULL, "no key %s in [%s]", key, sec);
    return n2d2_ini_entry_raw(e);
}

static char *write_to_string(n2d2_ini *ini)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(n2d2_ini_write(ini, f, 0), N2D2_OK);
    fclose(f);
    return text;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char *text = calloc(1, 1 << 16);
    size_t n = fread(text, 1, (1 << 16) - 1, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

/* ---- the manual's example (ch. 18.2, lines 5129-5185) ------------------------------ */

START_TEST(manual_example_expands_exactly)
{
    const char *data = getenv("N2D2_TEST_DATA");
    ck_assert_msg(data != NULL, "N2D2_TEST_DATA is not set");
    char model[512], expected_path[512];
    snprintf(model, sizeof model, "%s/ini/manual/model.ini", data);
    snprintf(expected_path, sizeof expected_path, "%s/ini/manual/expected.ini", data);
    n2d2_ini *ini = NULL;
    ck_assert_msg(n2d2_ini_load(model, &ini) == N2D2_OK, "%s", n2d2_error_message());
    char *got = write_to_string(ini);
    char *expected = slurp(expected_path);
    ck_assert_str_eq(got, expected);
    ck_assert_ptr_null(n2d2_ini_find(ini, "inception")); /* the include section vanishes */
    ck_assert_uint_eq(n2d2_ini_section_count(ini), 4);
    free(got);
    free(expected);
    n2d2_ini_free(ini);
}
END_TEST

/* ---- constructs ---------------------------------------------------------------------- */

START_TEST(variables_and_section_name)
{
    put("t.tpl", "[{{SECTION_NAME}}_conv]\nInput={{ INPUT }}\nNb={{SIZE}}x{{SIZE}}\n");
    n2d2_ini *ini = load_main("[before]\na=1\n[net@t.tpl]\nINPUT=data\nSIZE=8\n[after]\nb=2\n");
    ck_assert_uint_eq(n2d2_ini_section_count(ini), 3);
    ck_assert_str_eq(n2d2_ini_section_name(n2d2_ini_section_at(ini, 0)), "before");
    ck_assert_str_eq(n2d2_ini_section_name(n2d2_ini_section_at(ini, 1)), "net_conv");
    ck_assert_str_eq(n2d2_ini_section_name(n2d2_ini_section_at(ini, 2)), "after");
    ck_assert_str_eq(raw(ini, "net_conv", "Input"), "data");
    ck_assert_str_eq(raw(ini, "net_conv", "Nb"), "8x8");
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(block_index_and_fields)
{
    put("t.tpl", "{% block LAYERS %}\n"
                 "[{{SECTION_NAME}}{{#}}]\n"
                 "Type={{.Type}}\n"
                 "{% block .IN %}\n"
                 "In{{#}}={{.Name}}\n"
                 "{% endblock %}\n"
                 "{% endblock LAYERS %}\n");
    n2d2_ini *ini = load_main("[L@t.tpl]\nLAYERS=2\n"
                              "LAYERS[0].Type=Conv\nLAYERS[0].IN=1\nLAYERS[0].IN[0].Name=x\n"
                              "LAYERS[1].Type=Pool\nLAYERS[1].IN=2\nLAYERS[1].IN[0].Name=y\n"
                              "LAYERS[1].IN[1].Name=z\n");
    ck_assert_uint_eq(n2d2_ini_section_count(ini), 2);
    ck_assert_str_eq(raw(ini, "L0", "Type"), "Conv");
    ck_assert_str_eq(raw(ini, "L0", "In0"), "x");
    ck_assert_uint_eq(n2d2_ini_entry_count(n2d2_ini_find(ini, "L0")), 2);
    ck_assert_str_eq(raw(ini, "L1", "Type"), "Pool");
    ck_assert_str_eq(raw(ini, "L1", "In0"), "y");
    ck_assert_str_eq(raw(ini, "L1", "In1"), "z");
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(block_zero_times)
{
    put("t.tpl", "[kept]\n{% block A %}\n[never{{#}}]\n{% endblock %}\n");
    n2d2_ini *ini = load_main("[x@t.tpl]\nA=0\n");
    ck_assert_uint_eq(n2d2_ini_section_count(ini), 1);
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(for_loops)
{
    put("t.tpl", "[{{SECTION_NAME}}]\n"
                 "{% for i in range(3) %}\n"
                 "a{{i}}={{i}}\n"
                 "{% endfor %}\n"
                 "{% for j in range(2, 4) %}\n"
                 "b{{j}}={{j}}\n"
                 "{% endfor %}\n"
                 "{% for k in range({{START}}, N) %}\n"
                 "{% for m in range(k) %}\n"
                 "c{{k}}{{m}}=1\n"
                 "{% endfor %}\n"
                 "{% endfor %}\n"
                 "{% for e in range(5, 2) %}\nnever=1\n{% endfor %}\n");
    n2d2_ini *ini = load_main("[s@t.tpl]\nSTART=1\nN=3\n");
    n2d2_ini_section *s = n2d2_ini_find(ini, "s");
    ck_assert_str_eq(raw(ini, "s", "a0"), "0");
    ck_assert_str_eq(raw(ini, "s", "a2"), "2");
    ck_assert_ptr_null(n2d2_ini_entry_find(s, "a3"));
    ck_assert_ptr_null(n2d2_ini_entry_find(s, "b1"));
    ck_assert_str_eq(raw(ini, "s", "b2"), "2");
    ck_assert_str_eq(raw(ini, "s", "b3"), "3");
    ck_assert_ptr_null(n2d2_ini_entry_find(s, "b4"));
    ck_assert_str_eq(raw(ini, "s", "c10"), "1");
    ck_assert_str_eq(raw(ini, "s", "c21"), "1");
    ck_assert_ptr_null(n2d2_ini_entry_find(s, "c11"));
    ck_assert_ptr_null(n2d2_ini_entry_find(s, "never"));
    ck_assert_uint_eq(n2d2_ini_entry_count(s), 3 + 2 + 3);
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(if_statements)
{
    put("t.tpl", "[{{SECTION_NAME}}]\n"
                 "{% if TYPE == Conv %}\neq=yes\n{% else %}\neq=no\n{% endif %}\n"
                 "{% if TYPE != Conv %}\nne=yes\n{% else %}\nne=no\n{% endif %}\n"
                 "{% if BIAS exists %}\nbias={{BIAS}}\n{% endif %}\n"
                 "{% if PAD not_exists %}\npad=default\n{% else %}\npad={{PAD}}\n{% endif %}\n"
                 "{% if TYPE == \"Conv\" %}\n"
                 "{% if SIZE == {{OTHER}} %}\nnested=same\n{% else %}\nnested=diff\n{% endif %}\n"
                 "{% endif %}\n");
    n2d2_ini *ini = load_main("[a@t.tpl]\nTYPE=Conv\nBIAS=1\nSIZE=3\nOTHER=3\n"
                              "[b@t.tpl]\nTYPE=Fc\nPAD=2\nSIZE=3\nOTHER=4\n");
    ck_assert_str_eq(raw(ini, "a", "eq"), "yes");
    ck_assert_str_eq(raw(ini, "a", "ne"), "no");
    ck_assert_str_eq(raw(ini, "a", "bias"), "1");
    ck_assert_str_eq(raw(ini, "a", "pad"), "default");
    ck_assert_str_eq(raw(ini, "a", "nested"), "same");
    ck_assert_str_eq(raw(ini, "b", "eq"), "no");
    ck_assert_str_eq(raw(ini, "b", "ne"), "yes");
    ck_assert_ptr_null(n2d2_ini_entry_find(n2d2_ini_find(ini, "b"), "bias"));
    ck_assert_str_eq(raw(ini, "b", "pad"), "2");
    ck_assert_ptr_null(n2d2_ini_entry_find(n2d2_ini_find(ini, "b"), "nested"));
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(include_files)
{
    put("t.tpl", "[{{SECTION_NAME}}]\nfrom=tpl\n{% include common.inc %}\nlast=1\n");
    put("common.inc", "shared={{VALUE}}\n{% if VALUE == 1 %}\none=1\n{% endif %}\n");
    n2d2_ini *ini = load_main("[s@t.tpl]\nVALUE=1\n");
    ck_assert_str_eq(raw(ini, "s", "shared"), "1");
    ck_assert_str_eq(raw(ini, "s", "one"), "1");
    ck_assert_str_eq(raw(ini, "s", "last"), "1");
    n2d2_ini_entry *shared = n2d2_ini_entry_find(n2d2_ini_find(ini, "s"), "shared");
    ck_assert_str_eq(n2d2_ini_entry_file(shared), path_of("common.inc"));
    ck_assert_int_eq(n2d2_ini_entry_line(shared), 1);
    char where[1024];
    snprintf(where, sizeof where, "%s (included from %s) (included from %s)", at("common.inc", 1),
             at("t.tpl", 3), at("model.ini", 1));
    ck_assert_str_eq(n2d2_ini_entry_where(shared), where);
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(nested_templates_and_relative_paths)
{
    /* model.ini -> sub/outer.tpl -> [x@inner.tpl] = sub/inner.tpl -> {% include
     * parts/p.inc %} = sub/parts/p.inc */
    put("sub/outer.tpl", "[{{SECTION_NAME}}_head]\nk=1\n\n[{{SECTION_NAME}}_in@inner.tpl]\n"
                         "N={{N}}\n");
    put("sub/inner.tpl", "[{{SECTION_NAME}}]\nN={{N}}\n{% include parts/p.inc %}\n");
    put("sub/parts/p.inc", "part={{SECTION_NAME}}\n");
    n2d2_ini *ini = load_main("[top@sub/outer.tpl]\nN=5\n");
    ck_assert_uint_eq(n2d2_ini_section_count(ini), 2);
    ck_assert_str_eq(raw(ini, "top_in", "N"), "5");
    ck_assert_str_eq(raw(ini, "top_in", "part"), "top_in");
    n2d2_ini_section *in = n2d2_ini_find(ini, "top_in");
    char where[1024];
    snprintf(where, sizeof where, "%s (included from %s) (included from %s)", at("sub/inner.tpl", 1),
             at("sub/outer.tpl", 4), at("model.ini", 1));
    ck_assert_str_eq(n2d2_ini_section_where(in), where);
    ck_assert_str_eq(n2d2_ini_section_file(in), path_of("sub/inner.tpl"));
    ck_assert_int_eq(n2d2_ini_section_line(in), 1);
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(tag_lines_leave_no_blank_lines)
{
    /* A continuation breaks at an empty line, so any blank line left by a tag
     * would cut the value short (or fail on the dangling rows). */
    put("t.tpl", "[{{SECTION_NAME}}]\n"
                 "Row=\\\n"
                 "   {% for i in range(3) %}   \n"
                 "{% if i == 1 %}\n"
                 "x \\\n"
                 "\t{% else %}\n"
                 "{{i}} \\\n"
                 "{% endif %}\n"
                 "{% endfor %}\n"
                 "end\n"
                 "After=1\n");
    n2d2_ini *ini = load_main("[s@t.tpl]\n");
    ck_assert_str_eq(raw(ini, "s", "Row"), "0 x 2 end");
    n2d2_ini_entry *after = n2d2_ini_entry_find(n2d2_ini_find(ini, "s"), "After");
    ck_assert_int_eq(n2d2_ini_entry_line(after), 11); /* line in the template */
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(inline_tags_keep_their_line)
{
    put("t.tpl", "[{{SECTION_NAME}}]\nv=a{% if X == 1 %}b{% else %}c{% endif %}d\n");
    n2d2_ini *ini = load_main("[s@t.tpl]\nX=1\n");
    ck_assert_str_eq(raw(ini, "s", "v"), "abd");
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(template_path_variables)
{
    setenv("N2D2_TEST_TPL_DIR", "envsub", 1);
    put("envsub/t.tpl", "[{{SECTION_NAME}}]\nvia=env\n");
    put("varsub/t.tpl", "[{{SECTION_NAME}}]\nvia=var\n");
    n2d2_ini *ini = load_main("$TPL=varsub\n[a@${N2D2_TEST_TPL_DIR}/t.tpl]\n[b@${TPL}/t.tpl]\n");
    ck_assert_str_eq(raw(ini, "a", "via"), "env");
    ck_assert_str_eq(raw(ini, "b", "via"), "var");
    n2d2_ini_free(ini);
    unsetenv("N2D2_TEST_TPL_DIR");
}
END_TEST

START_TEST(parameters_resolve_later_and_global_keys)
{
    /* values are inserted as written; references resolve at read time */
    put("t.tpl", "$FROM_TPL=1\n[{{SECTION_NAME}}]\nNb={{NB}}\n");
    n2d2_ini *ini = load_main("[sp]\nSizeX=28\n[s@t.tpl]\nNB=[sp]SizeX\n");
    const char *v;
    ck_assert_int_eq(n2d2_ini_get(ini, n2d2_ini_find(ini, "s"), "Nb", &v), N2D2_OK);
    ck_assert_str_eq(v, "28");
    ck_assert_ptr_nonnull(n2d2_ini_entry_find(n2d2_ini_global(ini), "$FROM_TPL"));
    n2d2_ini_free(ini);
}
END_TEST

/* ---- errors -------------------------------------------------------------------------- */

START_TEST(error_unknown_directive)
{
    put("t.tpl", "[x]\n\n{% loop A %}\n");
    load_main_fails("\n[s@t.tpl]\n", N2D2_ERR_PARSE, at("t.tpl", 3), "(included from ");
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), at("model.ini", 2)));
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "loop"));
}
END_TEST

START_TEST(error_unclosed_and_stray_tags)
{
    put("t.tpl", "[x]\n{% block A %}\nk=1\n");
    load_main_fails("[s@t.tpl]\nA=1\n", N2D2_ERR_PARSE, at("t.tpl", 2), "unclosed");
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "(included from "));

    put("t.tpl", "[x]\n{% for i in range(2) %}\n{% if i == 1 %}\n{% endfor %}\n");
    load_main_fails("[s@t.tpl]\n", N2D2_ERR_PARSE, at("t.tpl", 4), "endfor");

    static const char *const strays[] = {"{% endblock %}", "{% endfor %}", "{% endif %}",
                                         "{% else %}"};
    for (int i = 0; i < 4; ++i) {
        char text[128];
        snprintf(text, sizeof text, "[x]\nk=1\n%s\n", strays[i]);
        put("t.tpl", text);
        load_main_fails("[s@t.tpl]\n", N2D2_ERR_PARSE, at("t.tpl", 3), "without a matching");
    }

    put("t.tpl", "[x]\n{% if A == 1 %}\n{% else %}\n{% else %}\n{% endif %}\n");
    load_main_fails("[s@t.tpl]\nA=1\n", N2D2_ERR_PARSE, at("t.tpl", 4), NULL);

    put("t.tpl", "[x]\nk={{A\n");
    load_main_fails("[s@t.tpl]\nA=1\n", N2D2_ERR_PARSE, at("t.tpl", 2), "unclosed '{{'");

    put("t.tpl", "[x]\n{% block A\n{% endblock %}\n");
    load_main_fails("[s@t.tpl]\nA=1\n", N2D2_ERR_PARSE, at("t.tpl", 2), "unclosed '{%'");

    put("t.tpl", "[x]\n{% for i in 3 %}\n{% endfor %}\n");
    load_main_fails("[s@t.tpl]\n", N2D2_ERR_PARSE, at("t.tpl", 2), "malformed for");

    put("t.tpl", "[x]\n{% if A >= 3 %}\n{% endif %}\n");
    load_main_fails("[s@t.tpl]\nA=1\n", N2D2_ERR_PARSE, at("t.tpl", 2), "malformed if");

    put("t.tpl", "[x]\n{% block A %}\n{% endblock B %}\n");
    load_main_fails("[s@t.tpl]\nA=1\n", N2D2_ERR_PARSE, at("t.tpl", 3), "endblock B");
}
END_TEST

START_TEST(error_unknown_parameter)
{
    put("t.tpl", "[{{SECTION_NAME}}]\nok={{SIZE}}\nbad={{SIZ}}\n");
    load_main_fails("[s@t.tpl]\nSIZE=3\n", N2D2_ERR_NOT_FOUND, at("t.tpl", 3),
                    "(included from ");
    const char *msg = n2d2_error_message();
    ck_assert_msg(strstr(msg, "'SIZ'") && strstr(msg, "did you mean 'SIZE'"), "%s", msg);
    ck_assert_ptr_nonnull(strstr(msg, at("model.ini", 1)));

    put("t.tpl", "{% block A %}\n[x{{#}}]\nv={{.P}}\n{% endblock %}\n");
    load_main_fails("[s@t.tpl]\nA=2\nA[0].P=1\n", N2D2_ERR_NOT_FOUND, at("t.tpl", 3), "A[1].P");

    put("t.tpl", "[x]\nv={{#}}\n");
    load_main_fails("[s@t.tpl]\n", N2D2_ERR_PARSE, at("t.tpl", 2), "block");

    put("t.tpl", "[x]\n{% block A %}\n{% endblock %}\n");
    load_main_fails("[s@t.tpl]\nA=two\n", N2D2_ERR_PARSE, at("t.tpl", 2), "not an integer");

    put("t.tpl", "[x]\n{% if MISSING == 1 %}\n{% endif %}\n");
    load_main_fails("[s@t.tpl]\n", N2D2_ERR_NOT_FOUND, at("t.tpl", 2), "MISSING");
}
END_TEST

START_TEST(error_missing_files)
{
    load_main_fails("[a]\n[s@nope.tpl]\n", N2D2_ERR_NOT_FOUND, at("model.ini", 2), "nope.tpl");

    put("t.tpl", "[x]\n{% include missing.inc %}\n");
    load_main_fails("[s@t.tpl]\n", N2D2_ERR_NOT_FOUND, at("t.tpl", 2), "missing.inc");
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "(included from "));

    load_main_fails("[s@]\n", N2D2_ERR_PARSE, at("model.ini", 1), "empty template file name");
    load_main_fails("[@t.tpl]\n", N2D2_ERR_PARSE, at("model.ini", 1), "empty section name");
    load_main_fails("[s@t.tpl] Base\n", N2D2_ERR_PARSE, at("model.ini", 1), "inherit");
}
END_TEST

START_TEST(error_recursive_include)
{
    put("self.tpl", "[x]\n{% include self.tpl %}\n");
    load_main_fails("[s@self.tpl]\n", N2D2_ERR_CYCLE, at("self.tpl", 2), "recursive");

    put("a.tpl", "[{{SECTION_NAME}}_a]\n[{{SECTION_NAME}}b@b.tpl]\n");
    put("b.tpl", "[{{SECTION_NAME}}_b]\n[{{SECTION_NAME}}a@a.tpl]\n");
    load_main_fails("[s@a.tpl]\n", N2D2_ERR_CYCLE, at("b.tpl", 2), "a.tpl <- ");
    const char *msg = n2d2_error_message();
    ck_assert_msg(strstr(msg, "(included from ") && strstr(msg, at("model.ini", 1)), "%s", msg);

    put("m.tpl", "[x]\n");
    load_main_fails("[s@model.ini]\n", N2D2_ERR_CYCLE, at("model.ini", 1), "recursive");
}
END_TEST

START_TEST(error_in_rendered_ini_text)
{
    put("t.tpl", "[{{SECTION_NAME}}]\nk=1\n{% if A == 1 %}\nno equals sign here\n{% endif %}\n");
    load_main_fails("[top]\n\n[s@t.tpl]\nA=1\n", N2D2_ERR_PARSE, at("t.tpl", 4), "without '='");
    char chain[1024];
    snprintf(chain, sizeof chain, "%s (included from %s)", at("t.tpl", 4), at("model.ini", 3));
    ck_assert_msg(strstr(n2d2_error_message(), chain), "%s", n2d2_error_message());

    put("t.tpl", "[{{SECTION_NAME}}_x]\n");
    load_main_fails("[s@t.tpl]\n[s@t.tpl]\n", N2D2_ERR_DUPLICATE, "duplicate section [s_x]",
                    at("t.tpl", 1));
}
END_TEST

START_TEST(error_runaway_loops)
{
    /* each loop alone is affordable; together they exceed the budget */
    put("t.tpl", "[x]\n{% for i in range(1000) %}\n{% for j in range(100000) %}\n"
                 "{% endfor %}\n{% endfor %}\n");
    load_main_fails("[s@t.tpl]\n", N2D2_ERR_RANGE, at("t.tpl", 3), "too large");
    put("t.tpl", "[x]\n{% for i in range(-9223372036854775807, 9223372036854775807) %}\n"
                 "{% endfor %}\n");
    load_main_fails("[s@t.tpl]\n", N2D2_ERR_RANGE, at("t.tpl", 2), "too large");
}
END_TEST

static Suite *template_suite(void)
{
    Suite *s = suite_create("ini_template");
    TCase *manual = tcase_create("manual");
    tcase_add_checked_fixture(manual, make_dir, drop_dir);
    tcase_add_test(manual, manual_example_expands_exactly);
    suite_add_tcase(s, manual);

    TCase *constructs = tcase_create("constructs");
    tcase_add_checked_fixture(constructs, make_dir, drop_dir);
    tcase_add_test(constructs, variables_and_section_name);
    tcase_add_test(constructs, block_index_and_fields);
    tcase_add_test(constructs, block_zero_times);
    tcase_add_test(constructs, for_loops);
    tcase_add_test(constructs, if_statements);
    tcase_add_test(constructs, include_files);
    tcase_add_test(constructs, nested_templates_and_relative_paths);
    tcase_add_test(constructs, tag_lines_leave_no_blank_lines);
    tcase_add_test(constructs, inline_tags_keep_their_line);
    tcase_add_test(constructs, template_path_variables);
    tcase_add_test(constructs, parameters_resolve_later_and_global_keys);
    suite_add_tcase(s, constructs);

    TCase *errors = tcase_create("errors");
    tcase_add_checked_fixture(errors, make_dir, drop_dir);
    tcase_add_test(errors, error_unknown_directive);
    tcase_add_test(errors, error_unclosed_and_stray_tags);
    tcase_add_test(errors, error_unknown_parameter);
    tcase_add_test(errors, error_missing_files);
    tcase_add_test(errors, error_recursive_include);
    tcase_add_test(errors, error_in_rendered_ini_text);
    tcase_add_test(errors, error_runaway_loops);
    suite_add_tcase(s, errors);
    return s;
}

int main(void)
{
    return n2d2_check_run(template_suite());
}
