/* Check suite for the INI front end: syntax, sections, inheritance,
 * references, variables, generated values, write(), set/add_section. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "n2d2/ini.h"
#include "n2d2/log.h"
#include "check_run.h"

#define NAME "dir/model.ini"

/* ---- helpers ----------------------------------------------------------------- */

static n2d2_ini *load_ok(const char *text)
{
    n2d2_ini *ini = NULL;
    n2d2_status st = n2d2_ini_load_string(text, strlen(text), NAME, &ini);
    ck_assert_msg(st == N2D2_OK, "load failed: %s", n2d2_error_message());
    ck_assert_ptr_nonnull(ini);
    return ini;
}

/* Loading must fail with `code`; the message must contain `needle`. */
static void load_fails(const char *text, n2d2_status code, const char *needle)
{
    n2d2_ini *ini = (n2d2_ini *)1;
    n2d2_status st = n2d2_ini_load_string(text, strlen(text), NAME, &ini);
    ck_assert_msg(st == code, "expected %s, got %s (%s)", n2d2_status_str(code),
                  n2d2_status_str(st), n2d2_error_message());
    ck_assert_ptr_null(ini);
    ck_assert_msg(strstr(n2d2_error_message(), needle), "message '%s' lacks '%s'",
                  n2d2_error_message(), needle);
}

static const char *raw(n2d2_ini *ini, const char *sec, const char *key)
{
    n2d2_ini_section *s = sec ? n2d2_ini_find(ini, sec) : n2d2_ini_global(ini);
    ck_assert_msg(s != NULL, "no section [%s]", sec);
    n2d2_ini_entry *e = n2d2_ini_entry_find(s, key);
    ck_assert_msg(e != NULL, "no key %s in [%s]", key, sec ? sec : "");
    return n2d2_ini_entry_raw(e);
}

static const char *get(n2d2_ini *ini, const char *sec, const char *key)
{
    n2d2_ini_section *s = sec ? n2d2_ini_find(ini, sec) : n2d2_ini_global(ini);
    ck_assert_msg(s != NULL, "no section [%s]", sec);
    const char *v = NULL;
    n2d2_status st = n2d2_ini_get(ini, s, key, &v);
    ck_assert_msg(st == N2D2_OK, "get [%s]%s: %s", sec, key, n2d2_error_message());
    return v;
}

static n2d2_status get_status(n2d2_ini *ini, const char *sec, const char *key)
{
    const char *v;
    return n2d2_ini_get(ini, n2d2_ini_find(ini, sec), key, &v);
}

static char *write_to_string(n2d2_ini *ini, int resolve, n2d2_status *st)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    ck_assert_ptr_nonnull(f);
    *st = n2d2_ini_write(ini, f, resolve);
    fclose(f);
    return text;
}

static char warnings[8192];

static void capture_log(n2d2_log_level level, const char *message, void *user)
{
    (void)user;
    if (level == N2D2_LOG_WARN) {
        strncat(warnings, message, sizeof warnings - strlen(warnings) - 2);
        strcat(warnings, "\n");
    }
}

static void setup(void)
{
    warnings[0] = '\0';
    n2d2_log_set_callback(capture_log, NULL);
    n2d2_log_set_level(N2D2_LOG_WARN);
}

static void teardown(void) { n2d2_log_set_callback(NULL, NULL); }

/* ---- syntax -------------------------------------------------------------------- */

/* `$( )` is evaluated after substitution, with Python's rules. */
START_TEST(expressions_evaluate_like_python)
{
    n2d2_ini *ini = load_ok("$ALPHA=0.5\n$L=0\n$SIZE=160\n"
                            "[sp]\nSizeX=${SIZE}\n"
                            "[a]\n"
                            "int=$(int(32 * ${ALPHA}))\n"
                            "float=$(32 * ${ALPHA})\n"
                            "div=$(7 / 2)\nfloordiv=$(7 // 2)\nneg_floordiv=$(-7 // 2)\n"
                            "mod=$(-7 % 3)\npow=$(2 ** 3 ** 2)\nunary=$(-2 ** 2)\n"
                            "ternary=$(0.0 if ${L} > 0 else 1.0)\n"
                            "ref=$([sp]SizeX + 32)\n"
                            "text=a $(1 + 1) b $(2 * 3)\n"
                            "chain=$(1 < 2 < 3)\nbool=$(not 1 and 0 or 2)\n"
                            "funcs=$(max(1, 2.5, 2) + min(4, 3) + abs(-2) + round(2.5) + "
                            "math.ceil(1.2))\n"
                            "signs=$(--+-1)\ntenth=$(0.1)\nsci=$(1e-5 * 1)\nprecedence=$(2 + 3 * 4 - (1 - 2))\n"
                            "bad=$(1 +)\nunknown=$(foo(1))\nzero=$(1 / 0)\n"
                            "open=$(1 + (2)\n"
                            "big=$(9223372036854775807 + 1)\nhuge=$(28999999999999999999999 * 2)\n"
                            "ones=$(1 ** 999999999999 + (-1) ** 3)\nneg=$(-9223372036854775807 - 2)\n");
    ck_assert_str_eq(get(ini, "a", "int"), "16");
    ck_assert_str_eq(get(ini, "a", "float"), "16.0");
    ck_assert_str_eq(get(ini, "a", "div"), "3.5");
    ck_assert_str_eq(get(ini, "a", "floordiv"), "3");
    ck_assert_str_eq(get(ini, "a", "neg_floordiv"), "-4");
    ck_assert_str_eq(get(ini, "a", "mod"), "2");
    ck_assert_str_eq(get(ini, "a", "pow"), "512");
    ck_assert_str_eq(get(ini, "a", "unary"), "-4");
    ck_assert_str_eq(get(ini, "a", "ternary"), "1.0");
    ck_assert_str_eq(get(ini, "a", "ref"), "192");
    ck_assert_str_eq(get(ini, "a", "text"), "a 2 b 6");
    ck_assert_str_eq(get(ini, "a", "chain"), "True");
    ck_assert_str_eq(get(ini, "a", "bool"), "2");
    ck_assert_str_eq(get(ini, "a", "funcs"), "11.5");
    ck_assert_str_eq(get(ini, "a", "tenth"), "0.1");
    ck_assert_str_eq(get(ini, "a", "sci"), "1e-05");
    ck_assert_str_eq(get(ini, "a", "precedence"), "15");
    ck_assert_str_eq(get(ini, "a", "signs"), "-1");
    /* past 64 bits the value stays a float instead of overflowing */
    ck_assert_str_eq(get(ini, "a", "big"), "9.223372036854776e+18");
    ck_assert_str_eq(get(ini, "a", "huge"), "5.8e+22");
    ck_assert_str_eq(get(ini, "a", "ones"), "0");
    ck_assert_str_eq(get(ini, "a", "neg"), "-9.223372036854776e+18");
    static const char *const bad[] = {"bad", "unknown", "zero", "open"};
    for (size_t i = 0; i < 4; ++i) {
        ck_assert_int_eq(get_status(ini, "a", bad[i]), N2D2_ERR_PARSE);
        ck_assert_msg(strstr(n2d2_error_message(), NAME ":") != NULL, "%s", n2d2_error_message());
    }
    ck_assert_int_eq(get_status(ini, "a", "zero"), N2D2_ERR_PARSE);
    ck_assert_msg(strstr(n2d2_error_message(), "division by zero") != NULL, "%s",
                  n2d2_error_message());
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(properties_and_sections)
{
    n2d2_ini *ini = load_ok("[section]\na=a\nb=b\n[other]\na=x\n");
    ck_assert_uint_eq(n2d2_ini_section_count(ini), 2);
    ck_assert_str_eq(n2d2_ini_section_name(n2d2_ini_section_at(ini, 0)), "section");
    ck_assert_str_eq(n2d2_ini_section_name(n2d2_ini_section_at(ini, 1)), "other");
    ck_assert_ptr_null(n2d2_ini_section_at(ini, 2));
    ck_assert_str_eq(raw(ini, "section", "a"), "a");
    ck_assert_str_eq(raw(ini, "section", "b"), "b");
    ck_assert_str_eq(raw(ini, "other", "a"), "x");
    ck_assert_uint_eq(n2d2_ini_entry_count(n2d2_ini_find(ini, "section")), 2);
    ck_assert_str_eq(n2d2_ini_entry_key(n2d2_ini_entry_at(n2d2_ini_find(ini, "section"), 1)), "b");
    ck_assert_ptr_null(n2d2_ini_find(ini, "missing"));
    ck_assert_str_eq(n2d2_ini_path(ini), NAME);
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(name_is_left_of_first_equals)
{
    n2d2_ini *ini = load_ok("[s]\nexpr=a=b=c\n");
    ck_assert_str_eq(raw(ini, "s", "expr"), "a=b=c");
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(case_sensitive_names)
{
    n2d2_ini *ini = load_ok("[Conv]\nk=1\nK=2\n[conv]\nk=3\n");
    ck_assert_str_eq(raw(ini, "Conv", "k"), "1");
    ck_assert_str_eq(raw(ini, "Conv", "K"), "2");
    ck_assert_str_eq(raw(ini, "conv", "k"), "3");
    ck_assert_ptr_null(n2d2_ini_find(ini, "CONV"));
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(arbitrary_section_names)
{
    n2d2_ini *ini = load_ok("[sp.Transformation-1]\na=1\n[onnx:Conv_def]\nb=2\n"
                            "[env.StimuliData-raw]\nc=3\n[ fc1.Target ]\nd=4\n");
    ck_assert_str_eq(raw(ini, "sp.Transformation-1", "a"), "1");
    ck_assert_str_eq(raw(ini, "onnx:Conv_def", "b"), "2");
    ck_assert_str_eq(raw(ini, "env.StimuliData-raw", "c"), "3");
    ck_assert_str_eq(raw(ini, "fc1.Target", "d"), "4"); /* blanks inside [] trimmed */
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(comments)
{
    n2d2_ini *ini = load_ok("; comment text\n"
                            "# another\n"
                            "[s] ; comment on a header\n"
                            "a=a # comment text\n"
                            "b=\"a ; not a comment\" ; comment text\n"
                            "c=x;y\n"
                            "   ; indented comment\n"
                            "d=\"# kept\"\n");
    ck_assert_str_eq(raw(ini, "s", "a"), "a");
    ck_assert_str_eq(raw(ini, "s", "b"), "a ; not a comment");
    ck_assert_str_eq(raw(ini, "s", "c"), "x");
    ck_assert_str_eq(raw(ini, "s", "d"), "# kept");
    ck_assert_uint_eq(n2d2_ini_entry_count(n2d2_ini_find(ini, "s")), 4);
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(quoted_values)
{
    n2d2_ini *ini = load_ok("[s]\n"
                            "spaces=\"  padded  \"\n"
                            "eq=\"a=b\"\n"
                            "empty=\"\"\n"
                            "inner=$1_0$2 \"\"\n"
                            "mixed=x \"; y\" z\n");
    ck_assert_str_eq(raw(ini, "s", "spaces"), "  padded  ");
    ck_assert_str_eq(raw(ini, "s", "eq"), "a=b");
    ck_assert_str_eq(raw(ini, "s", "empty"), "");
    /* quotes that do not wrap the whole value are kept (MultiChannelReplace) */
    ck_assert_str_eq(raw(ini, "s", "inner"), "$1_0$2 \"\"");
    ck_assert_str_eq(raw(ini, "s", "mixed"), "x \"; y\" z");
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(unterminated_quote)
{
    load_fails("[s]\nok=1\nbad=\"abc ; x\n", N2D2_ERR_PARSE, NAME ":3:");
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "unterminated"));
}
END_TEST

START_TEST(whitespace_trimmed)
{
    n2d2_ini *ini = load_ok("  [s]  \n\t key \t=\t value with  inner  spaces \t\n  \n");
    ck_assert_str_eq(raw(ini, "s", "key"), "value with  inner  spaces");
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(continuation_lines)
{
    n2d2_ini *ini = load_ok("[conv2]\n"
                            "Mapping(pool1)=\\\n"
                            "1 0 0 1 \\\n"
                            "0 1 1 0 \\   \n"
                            "1 1 0 0\n"
                            "next=glued\\\n"
                            "together\n"
                            "after=1\n");
    ck_assert_str_eq(raw(ini, "conv2", "Mapping(pool1)"), "1 0 0 1 0 1 1 0 1 1 0 0");
    ck_assert_str_eq(raw(ini, "conv2", "next"), "gluedtogether");
    n2d2_ini_entry *after = n2d2_ini_entry_find(n2d2_ini_find(ini, "conv2"), "after");
    ck_assert_int_eq(n2d2_ini_entry_line(after), 8);
    ck_assert_int_eq(n2d2_ini_entry_line(n2d2_ini_entry_find(n2d2_ini_find(ini, "conv2"), "next")),
                     6);
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(continuation_comment_line_is_not_continued)
{
    n2d2_ini *ini = load_ok("[s]\n; a comment ending in \\\na=1\n");
    ck_assert_str_eq(raw(ini, "s", "a"), "1");
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(bad_continuation_at_eof)
{
    load_fails("[s]\na=1\nb=2 \\\n", N2D2_ERR_PARSE, NAME ":3:");
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "bad continuation"));
    load_fails("[s]\nb=2 \\", N2D2_ERR_PARSE, "bad continuation");
}
END_TEST

START_TEST(bom_and_crlf)
{
    const char text[] = "\xEF\xBB\xBFTop=1\r\n[s]\r\na = x \r\nm=1 \\\r\n2\r\n";
    n2d2_ini *ini = load_ok(text);
    ck_assert_str_eq(raw(ini, NULL, "Top"), "1");
    ck_assert_str_eq(raw(ini, "s", "a"), "x");
    ck_assert_str_eq(raw(ini, "s", "m"), "1 2");
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(duplicate_key_later_wins_with_warning)
{
    n2d2_ini *ini = load_ok("[s]\nk=1\nother=x\nk=2\n");
    n2d2_ini_section *s = n2d2_ini_find(ini, "s");
    ck_assert_uint_eq(n2d2_ini_entry_count(s), 2);
    ck_assert_str_eq(raw(ini, "s", "k"), "2");
    ck_assert_int_eq(n2d2_ini_entry_line(n2d2_ini_entry_find(s, "k")), 4);
    ck_assert_msg(strstr(warnings, NAME ":4") && strstr(warnings, NAME ":2"),
                  "warning must name both lines: %s", warnings);
    ck_assert_ptr_nonnull(strstr(warnings, "'k'"));
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(duplicate_section_is_an_error)
{
    load_fails("[a]\nx=1\n[b]\n[a]\ny=2\n", N2D2_ERR_DUPLICATE, NAME ":4:");
    ck_assert_msg(strstr(n2d2_error_message(), NAME ":1"), "first location missing: %s",
                  n2d2_error_message());
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "[a]"));
}
END_TEST

START_TEST(bad_lines)
{
    load_fails("[s]\na=1\n[unclosed\n", N2D2_ERR_PARSE, NAME ":3:");
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "unclosed section header"));
    load_fails("[s]\na=1\njust some words\n", N2D2_ERR_PARSE, NAME ":3:");
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "without '='"));
    load_fails("[s]\n = value\n", N2D2_ERR_PARSE, "empty key");
    load_fails("[]\n", N2D2_ERR_PARSE, "empty section name");
    load_fails("$=1\n", N2D2_ERR_PARSE, "bad variable name");
    load_fails("$9x=1\n", N2D2_ERR_PARSE, NAME ":1:");
    const char nul[] = "[s]\na=1\0b\n";
    n2d2_ini *ini = (n2d2_ini *)1;
    ck_assert_int_eq(n2d2_ini_load_string(nul, sizeof nul - 1, NAME, &ini), N2D2_ERR_PARSE);
    ck_assert_ptr_null(ini);
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), NAME ":2:"));
}
END_TEST

START_TEST(keys_with_indexes_dots_parentheses)
{
    n2d2_ini *ini = load_ok("[s]\nMapping(in).SizeX=3\nARRAY[0].P1=Conv\nAnchor[0]=1 2 3\n"
                            "WeightsFiller.Mean=0.0\n");
    ck_assert_str_eq(raw(ini, "s", "Mapping(in).SizeX"), "3");
    ck_assert_str_eq(raw(ini, "s", "ARRAY[0].P1"), "Conv");
    ck_assert_str_eq(raw(ini, "s", "Anchor[0]"), "1 2 3");
    ck_assert_str_eq(raw(ini, "s", "WeightsFiller.Mean"), "0.0");
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(global_section)
{
    n2d2_ini *ini = load_ok("$BATCH_SIZE=256\nDefaultModel=Frame_CUDA\n"
                            "InsertBatchNormAfterConv=1\n[sp]\nBatchSize=${BATCH_SIZE}\n");
    n2d2_ini_section *g = n2d2_ini_global(ini);
    ck_assert_ptr_nonnull(g);
    ck_assert_str_eq(n2d2_ini_section_name(g), "");
    ck_assert_uint_eq(n2d2_ini_entry_count(g), 3);
    ck_assert_str_eq(n2d2_ini_entry_key(n2d2_ini_entry_at(g, 0)), "$BATCH_SIZE");
    ck_assert_str_eq(raw(ini, NULL, "DefaultModel"), "Frame_CUDA");
    ck_assert_uint_eq(n2d2_ini_section_count(ini), 1); /* global is not listed */
    ck_assert_str_eq(get(ini, "sp", "BatchSize"), "256");
    n2d2_ini_free(ini);

    ini = load_ok("[only]\n");
    ck_assert_uint_eq(n2d2_ini_entry_count(n2d2_ini_global(ini)), 0);
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(locations)
{
    n2d2_ini *ini = load_ok("\n[s]\n\nk=v\n");
    n2d2_ini_section *s = n2d2_ini_find(ini, "s");
    n2d2_ini_entry *e = n2d2_ini_entry_find(s, "k");
    ck_assert_str_eq(n2d2_ini_section_file(s), NAME);
    ck_assert_int_eq(n2d2_ini_section_line(s), 2);
    ck_assert_str_eq(n2d2_ini_section_where(s), NAME ":2");
    ck_assert_str_eq(n2d2_ini_entry_file(e), NAME);
    ck_assert_int_eq(n2d2_ini_entry_line(e), 4);
    ck_assert_str_eq(n2d2_ini_entry_where(e), NAME ":4");
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(load_from_file)
{
    char dir[] = "/tmp/n2d2-ini-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/m.ini", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("[s]\nk=v\n", f);
    fclose(f);
    n2d2_ini *ini = NULL;
    ck_assert_int_eq(n2d2_ini_load(path, &ini), N2D2_OK);
    ck_assert_str_eq(n2d2_ini_path(ini), path);
    ck_assert_str_eq(n2d2_ini_entry_file(n2d2_ini_entry_find(n2d2_ini_find(ini, "s"), "k")), path);
    n2d2_ini_free(ini);
    unlink(path);
    rmdir(dir);

    ini = (n2d2_ini *)1;
    ck_assert_int_eq(n2d2_ini_load("/nonexistent/x.ini", &ini), N2D2_ERR_NOT_FOUND);
    ck_assert_ptr_null(ini);
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "/nonexistent/x.ini"));
    ck_assert_int_eq(n2d2_ini_load("/dev/null", &ini), N2D2_ERR_IO); /* not a regular file */
}
END_TEST

/* ---- inheritance ------------------------------------------------------------------ */

START_TEST(inheritance_copies_then_overrides)
{
    n2d2_ini *ini = load_ok("[Conv_def]\nType=Conv\nKernelWidth=3\nStride=1\n"
                            "[conv1] Conv_def\nStride=2\nNbOutputs=32\n");
    n2d2_ini_section *c = n2d2_ini_find(ini, "conv1");
    ck_assert_uint_eq(n2d2_ini_entry_count(c), 4);
    /* inherited order first, override in place, then own new keys */
    ck_assert_str_eq(n2d2_ini_entry_key(n2d2_ini_entry_at(c, 0)), "Type");
    ck_assert_str_eq(n2d2_ini_entry_key(n2d2_ini_entry_at(c, 2)), "Stride");
    ck_assert_str_eq(n2d2_ini_entry_key(n2d2_ini_entry_at(c, 3)), "NbOutputs");
    ck_assert_str_eq(raw(ini, "conv1", "Stride"), "2");
    ck_assert_str_eq(raw(ini, "conv1", "Type"), "Conv");
    /* inherited entries keep where they were written */
    ck_assert_int_eq(n2d2_ini_entry_line(n2d2_ini_entry_find(c, "Type")), 2);
    ck_assert_int_eq(n2d2_ini_entry_line(n2d2_ini_entry_find(c, "Stride")), 6);
    ck_assert_str_eq(raw(ini, "Conv_def", "Stride"), "1"); /* base untouched */
    ck_assert_msg(warnings[0] == '\0', "override must not warn: %s", warnings);
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(inheritance_forms)
{
    n2d2_ini *ini = load_ok("[A]\na=1\nx=A\n[B]\nb=2\nx=B\n[onnx:Conv_def]\nc=3\n"
                            "[s1] A B\n[s2]B, A\n[s3]onnx:Conv_def\n[s4] A,B,onnx:Conv_def\n");
    ck_assert_str_eq(raw(ini, "s1", "x"), "B"); /* later base overrides */
    ck_assert_str_eq(raw(ini, "s1", "a"), "1");
    ck_assert_str_eq(raw(ini, "s1", "b"), "2");
    ck_assert_str_eq(raw(ini, "s2", "x"), "A");
    ck_assert_str_eq(raw(ini, "s3", "c"), "3");
    ck_assert_uint_eq(n2d2_ini_entry_count(n2d2_ini_find(ini, "s4")), 4);
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(inheritance_unknown_base)
{
    load_fails("[Conv_def]\nType=Conv\n[conv1] Conv_deff\n", N2D2_ERR_NOT_FOUND, NAME ":3:");
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "Conv_deff"));
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "did you mean 'Conv_def'"));
    /* bases must be defined before */
    load_fails("[conv1] Later\n[Later]\n", N2D2_ERR_NOT_FOUND, NAME ":1:");
    load_fails("[a] a\n", N2D2_ERR_CYCLE, NAME ":1:");
}
END_TEST

/* ---- references ------------------------------------------------------------------- */

START_TEST(references_resolve)
{
    n2d2_ini *ini = load_ok("[sp]\nSizeX=28\nSizeY=[sp]SizeX\n"
                            "[conv1]\nNbOutputs=16\n"
                            "[conv2]\nNbOutputs=[conv1]NbOutputs\nWidth=[sp]SizeY\n"
                            "Expr=[sp]SizeX-1\nBoth=[sp]SizeX x [sp]SizeY.\n"
                            "[database.slicing]\nWidth=10\n"
                            "[sp2]\nSizeX=[database.slicing]Width\n"
                            "[m]\nMapping(in).SizeX=4\nARRAY[0].P1=Conv\n"
                            "[r]\nm=[m]Mapping(in).SizeX\na=[m]ARRAY[0].P1\n"
                            "call=$([m]Mapping(in).SizeX)\n");
    ck_assert_str_eq(get(ini, "conv2", "NbOutputs"), "16");
    ck_assert_str_eq(get(ini, "conv2", "Width"), "28");
    ck_assert_str_eq(get(ini, "conv2", "Expr"), "28-1");
    ck_assert_str_eq(get(ini, "conv2", "Both"), "28 x 28.");
    ck_assert_str_eq(get(ini, "sp2", "SizeX"), "10");
    ck_assert_str_eq(get(ini, "r", "m"), "4");
    ck_assert_str_eq(get(ini, "r", "a"), "Conv");
    ck_assert_str_eq(get(ini, "r", "call"), "4" /* `$( )` is evaluated after substitution */);
    /* raw keeps the reference */
    ck_assert_str_eq(raw(ini, "conv2", "NbOutputs"), "[conv1]NbOutputs");
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(brackets_that_are_not_references)
{
    n2d2_ini *ini = load_ok("[sp]\nx=1\n[s]\nSpread=[0.0;0.05]\nTime=\"[1 TimePs;100 TimeFs]\"\n"
                            "Box=[12 TimeS]\nRange=[sp] x\nNested=[[sp]x]\n");
    ck_assert_str_eq(get(ini, "s", "Spread"), "[0.0");
    ck_assert_str_eq(get(ini, "s", "Time"), "[1 TimePs;100 TimeFs]");
    ck_assert_str_eq(get(ini, "s", "Box"), "[12 TimeS]");
    ck_assert_str_eq(get(ini, "s", "Range"), "[sp] x"); /* no key right after ] */
    ck_assert_str_eq(get(ini, "s", "Nested"), "[1]");
    n2d2_ini_free(ini);

    ini = load_ok("[s]\nv=\"[0.0;0.05]\"\n");
    ck_assert_str_eq(get(ini, "s", "v"), "[0.0;0.05]");
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(reference_missing_key)
{
    n2d2_ini *ini = load_ok("[conv1]\nNbOutputs=16\n[conv2]\nInput=conv1\nNbOutputs=[conv1]NbOutput\n");
    const char *v = (const char *)1;
    n2d2_status st = n2d2_ini_get(ini, n2d2_ini_find(ini, "conv2"), "NbOutputs", &v);
    ck_assert_int_eq(st, N2D2_ERR_NOT_FOUND);
    const char *msg = n2d2_error_message();
    ck_assert_msg(strstr(msg, NAME ":5:"), "no file:line in '%s'", msg);
    ck_assert_msg(strstr(msg, "no key 'NbOutput' in section [conv1]"), "%s", msg);
    ck_assert_msg(strstr(msg, "did you mean 'NbOutputs'"), "%s", msg);
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(reference_cycle)
{
    n2d2_ini *ini = load_ok("[a]\nx=[b]y\n[b]\ny=[c]z\n[c]\nz=[a]x\nself=[c]self\n");
    ck_assert_int_eq(get_status(ini, "a", "x"), N2D2_ERR_CYCLE);
    const char *msg = n2d2_error_message();
    ck_assert_msg(strstr(msg, "[a]x -> [b]y -> [c]z -> [a]x"), "chain missing: %s", msg);
    ck_assert_int_eq(get_status(ini, "c", "self"), N2D2_ERR_CYCLE);
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), NAME ":7:"));
    /* nothing is left marked as "being resolved" */
    ck_assert_int_eq(get_status(ini, "b", "y"), N2D2_ERR_CYCLE);
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(generated_values)
{
    n2d2_ini *ini = load_ok("[sp]\nSizeX=28\n[env.StimuliData-x]\nType=StimuliData\n"
                            "[solver]\nEpoch=[sp]_EpochSize\n"
                            "[norm]\nMean=[env.StimuliData-x]_GlobalValue.mean\n");
    ck_assert_int_eq(get_status(ini, "solver", "Epoch"), N2D2_ERR_NOT_FOUND);
    ck_assert_msg(strstr(n2d2_error_message(), "generated value [sp]_EpochSize is not available yet"),
                  "%s", n2d2_error_message());
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), NAME ":6:"));
    ck_assert_int_eq(get_status(ini, "norm", "Mean"), N2D2_ERR_NOT_FOUND);
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "[env.StimuliData-x]_GlobalValue.mean"));

    ck_assert_int_eq(n2d2_ini_set_generated(ini, "sp", "_EpochSize", "60000"), N2D2_OK);
    ck_assert_int_eq(n2d2_ini_set_generated(ini, "env.StimuliData-x", "_GlobalValue.mean", "0.13"),
                     N2D2_OK);
    ck_assert_str_eq(get(ini, "solver", "Epoch"), "60000");
    ck_assert_str_eq(get(ini, "norm", "Mean"), "0.13");
    ck_assert_int_eq(n2d2_ini_set_generated(ini, "sp", "_EpochSize", "100"), N2D2_OK);
    ck_assert_str_eq(get(ini, "solver", "Epoch"), "100");
    n2d2_ini_free(ini);
}
END_TEST

/* ---- variables -------------------------------------------------------------------- */

START_TEST(variables_precedence)
{
    setenv("N2D2_TEST_INI_ENV", "from-env", 1);
    setenv("N2D2_TEST_INI_G", "env-loses", 1);
    n2d2_ini *ini = load_ok("$N2D2_TEST_INI_G=global\n$X=gx\n"
                            "[a]\n$X=local\nv=${X}\nw=$X/suffix\ng=${N2D2_TEST_INI_G}\n"
                            "e=${N2D2_TEST_INI_ENV}/data\nbare=$N2D2_TEST_INI_ENV\n"
                            "pdf=\\${X}\n"
                            "[b]\nv=${X}\nmix=[a]v+${X}\n");
    ck_assert_str_eq(get(ini, "a", "v"), "local");
    ck_assert_str_eq(get(ini, "a", "w"), "local/suffix");
    ck_assert_str_eq(get(ini, "a", "g"), "global");
    ck_assert_str_eq(get(ini, "a", "e"), "from-env/data");
    ck_assert_str_eq(get(ini, "a", "bare"), "from-env");
    ck_assert_str_eq(get(ini, "a", "pdf"), "local");
    ck_assert_str_eq(get(ini, "b", "v"), "gx");
    /* the reference resolves in [a]'s context, then ${X} in [b]'s */
    ck_assert_str_eq(get(ini, "b", "mix"), "local+gx");
    n2d2_ini_free(ini);
    unsetenv("N2D2_TEST_INI_ENV");
    unsetenv("N2D2_TEST_INI_G");
}
END_TEST

START_TEST(variables_not_names_are_kept)
{
    n2d2_ini *ini = load_ok("[s]\nre=$1_0$2 $1_1$2\nend=cost$\nexpr=$(1+2)\nbrace=${ not}\n"
                            "bs=C:\\path\n");
    ck_assert_str_eq(get(ini, "s", "re"), "$1_0$2 $1_1$2");
    ck_assert_str_eq(get(ini, "s", "end"), "cost$");
    ck_assert_str_eq(get(ini, "s", "expr"), "3");
    ck_assert_str_eq(get(ini, "s", "brace"), "${ not}");
    ck_assert_str_eq(get(ini, "s", "bs"), "C:\\path");
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(variable_extends_outer_definition)
{
    setenv("N2D2_TEST_INI_P", "/env", 1);
    n2d2_ini *ini = load_ok("$N2D2_TEST_INI_P=${N2D2_TEST_INI_P}/g\n"
                            "[s]\n$N2D2_TEST_INI_P=${N2D2_TEST_INI_P}/s\nv=${N2D2_TEST_INI_P}\n");
    ck_assert_str_eq(get(ini, "s", "v"), "/env/g/s");
    n2d2_ini_free(ini);
    unsetenv("N2D2_TEST_INI_P");
}
END_TEST

START_TEST(variable_undefined)
{
    unsetenv("N2D2_TEST_INI_UNDEFINED");
    n2d2_ini *ini = load_ok("[s]\nok=1\nv=${N2D2_TEST_INI_UNDEFINED}/x\n");
    ck_assert_int_eq(get_status(ini, "s", "v"), N2D2_ERR_NOT_FOUND);
    const char *msg = n2d2_error_message();
    ck_assert_msg(strstr(msg, NAME ":3:") && strstr(msg, "N2D2_TEST_INI_UNDEFINED"), "%s", msg);
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(variable_cycle)
{
    n2d2_ini *ini = load_ok("$A=${B}\n$B=x${A}\n[s]\nv=$A\n");
    ck_assert_int_eq(get_status(ini, "s", "v"), N2D2_ERR_CYCLE);
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "$A -> $B -> $A"));
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(variables_marked_used)
{
    n2d2_ini *ini = load_ok("$V=1\n[s]\na=$V\nb=2\n");
    n2d2_ini_entry *v = n2d2_ini_entry_find(n2d2_ini_global(ini), "$V");
    n2d2_ini_entry *a = n2d2_ini_entry_find(n2d2_ini_find(ini, "s"), "a");
    n2d2_ini_entry *b = n2d2_ini_entry_find(n2d2_ini_find(ini, "s"), "b");
    ck_assert_int_eq(n2d2_ini_entry_used(a), 0);
    ck_assert_str_eq(get(ini, "s", "a"), "1");
    ck_assert_int_eq(n2d2_ini_entry_used(a), 1);
    ck_assert_int_eq(n2d2_ini_entry_used(v), 1);
    ck_assert_int_eq(n2d2_ini_entry_used(b), 0);
    n2d2_ini_entry_mark_used(b);
    ck_assert_int_eq(n2d2_ini_entry_used(b), 1);
    const char *value;
    ck_assert_int_eq(n2d2_ini_entry_resolve(ini, b, &value), N2D2_OK);
    ck_assert_str_eq(value, "2");
    n2d2_ini_free(ini);
}
END_TEST

/* ---- get / set / add_section / claim ------------------------------------------------ */

START_TEST(get_absent_key_keeps_message)
{
    n2d2_ini *ini = load_ok("[s]\na=1\n");
    n2d2_error(N2D2_ERR_INVAL, "sentinel message");
    const char *v = (const char *)1;
    ck_assert_int_eq(n2d2_ini_get(ini, n2d2_ini_find(ini, "s"), "nope", &v), N2D2_ERR_NOT_FOUND);
    ck_assert_ptr_null(v);
    ck_assert_str_eq(n2d2_error_message(), "sentinel message");
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(set_and_add_section)
{
    n2d2_ini *ini = load_ok("[a]\nx=1\n[b]\ny=[a]x\n");
    ck_assert_str_eq(get(ini, "b", "y"), "1");
    n2d2_ini_section *a = n2d2_ini_find(ini, "a");
    ck_assert_int_eq(n2d2_ini_set(ini, a, "x", "2"), N2D2_OK);
    ck_assert_str_eq(get(ini, "b", "y"), "2"); /* cached value invalidated */
    ck_assert_int_eq(n2d2_ini_set(ini, a, "fresh", "v"), N2D2_OK);
    n2d2_ini_entry *e = n2d2_ini_entry_find(a, "fresh");
    ck_assert_str_eq(n2d2_ini_entry_file(e), "<command line>");
    ck_assert_int_eq(n2d2_ini_entry_line(e), 0);
    ck_assert_str_eq(n2d2_ini_entry_where(e), "<command line>");
    ck_assert_str_eq(n2d2_ini_entry_file(n2d2_ini_entry_find(a, "x")), "<command line>");
    ck_assert_int_eq(n2d2_ini_set(ini, a, "", "v"), N2D2_ERR_INVAL);
    ck_assert_int_eq(n2d2_ini_set(ini, a, "k", "two\nlines"), N2D2_ERR_INVAL);

    n2d2_ini_section *bn = NULL;
    ck_assert_int_eq(n2d2_ini_add_section(ini, "bn1", &bn), N2D2_OK);
    ck_assert_ptr_nonnull(bn);
    ck_assert_ptr_eq(n2d2_ini_find(ini, "bn1"), bn);
    ck_assert_ptr_eq(n2d2_ini_section_at(ini, 2), bn);
    ck_assert_uint_eq(n2d2_ini_entry_count(bn), 0);
    ck_assert_int_eq(n2d2_ini_set(ini, bn, "Type", "BatchNorm"), N2D2_OK);
    ck_assert_int_eq(n2d2_ini_add_section(ini, "a", NULL), N2D2_ERR_DUPLICATE);
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), NAME ":1"));
    ck_assert_int_eq(n2d2_ini_add_section(ini, "", NULL), N2D2_ERR_INVAL);

    n2d2_status st;
    char *text = write_to_string(ini, 0, &st);
    ck_assert_int_eq(st, N2D2_OK);
    ck_assert_str_eq(text, "[a]\nx=2\nfresh=v\n\n[b]\ny=[a]x\n\n[bn1]\nType=BatchNorm\n");
    free(text);

    /* a new section turns a previously literal `[name]key` into a reference */
    n2d2_ini_section *b = n2d2_ini_find(ini, "b");
    ck_assert_int_eq(n2d2_ini_set(ini, b, "z", "[late]k"), N2D2_OK);
    ck_assert_str_eq(get(ini, "b", "z"), "[late]k");
    n2d2_ini_section *late;
    ck_assert_int_eq(n2d2_ini_add_section(ini, "late", &late), N2D2_OK);
    ck_assert_int_eq(n2d2_ini_set(ini, late, "k", "42"), N2D2_OK);
    ck_assert_str_eq(get(ini, "b", "z"), "42");
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(claim_sections)
{
    n2d2_ini *ini = load_ok("[a]\n[b]\n");
    n2d2_ini_section *a = n2d2_ini_find(ini, "a");
    ck_assert_int_eq(n2d2_ini_section_claimed(a), 0);
    n2d2_ini_section_claim(a);
    ck_assert_int_eq(n2d2_ini_section_claimed(a), 1);
    ck_assert_int_eq(n2d2_ini_section_claimed(n2d2_ini_find(ini, "b")), 0);
    n2d2_ini_free(ini);
}
END_TEST

/* ---- write -------------------------------------------------------------------------- */

START_TEST(write_canonical)
{
    setenv("N2D2_TEST_INI_W", "/data", 1);
    n2d2_ini *ini = load_ok("; header comment\n$N=4\nDefaultModel = Frame\n\n"
                            "[sp]  ; the provider\nSizeX= 28\nPath=${N2D2_TEST_INI_W}/mnist\n"
                            "[conv1]\nNbOutputs=[sp]SizeX\nPad=\" x \"\nSemi=\"a;b\"\nEmpty=\n"
                            "Count=$N\nEpoch=[sp]_EpochSize\n");
    n2d2_status st;
    char *text = write_to_string(ini, 0, &st);
    ck_assert_int_eq(st, N2D2_OK);
    ck_assert_str_eq(text, "$N=4\nDefaultModel=Frame\n\n"
                           "[sp]\nSizeX=28\nPath=${N2D2_TEST_INI_W}/mnist\n\n"
                           "[conv1]\nNbOutputs=[sp]SizeX\nPad=\" x \"\nSemi=\"a;b\"\nEmpty=\n"
                           "Count=$N\nEpoch=[sp]_EpochSize\n");
    free(text);

    text = write_to_string(ini, 1, &st);
    ck_assert_int_eq(st, N2D2_OK);
    ck_assert_str_eq(text, "DefaultModel=Frame\n\n"
                           "[sp]\nSizeX=28\nPath=/data/mnist\n\n"
                           "[conv1]\nNbOutputs=28\nPad=\" x \"\nSemi=\"a;b\"\nEmpty=\n"
                           "Count=4\nEpoch=[sp]_EpochSize\n");
    /* the canonical output reads back to the same values */
    n2d2_ini *again = load_ok(text);
    ck_assert_str_eq(raw(again, "conv1", "Pad"), " x ");
    ck_assert_str_eq(raw(again, "conv1", "Semi"), "a;b");
    n2d2_ini_free(again);
    free(text);

    /* writing does not mark entries used */
    ck_assert_int_eq(n2d2_ini_entry_used(n2d2_ini_entry_find(n2d2_ini_find(ini, "sp"), "SizeX")),
                     0);
    n2d2_ini_free(ini);
    unsetenv("N2D2_TEST_INI_W");
}
END_TEST

START_TEST(write_fails_on_real_errors)
{
    n2d2_ini *ini = load_ok("[a]\nx=[a]nope\n");
    n2d2_status st;
    char *text = write_to_string(ini, 1, &st);
    ck_assert_int_eq(st, N2D2_ERR_NOT_FOUND);
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), NAME ":2:"));
    free(text);
    n2d2_ini_free(ini);

    ini = load_ok("$ONLY=1\n[a]\n");
    text = write_to_string(ini, 1, &st);
    ck_assert_int_eq(st, N2D2_OK);
    ck_assert_str_eq(text, "[a]\n"); /* no blank line for an empty global part */
    free(text);
    n2d2_ini_free(ini);
}
END_TEST

/* ---- scale -------------------------------------------------------------------------- */

START_TEST(ten_thousand_lines_load_fast)
{
    size_t cap = 1 << 20, len = 0;
    char *text = malloc(cap);
    ck_assert_ptr_nonnull(text);
    for (int s = 0; len + 200 < cap && s < 1000; ++s) {
        len += (size_t)snprintf(text + len, cap - len, "[layer%d]%s\n", s, s ? " layer0" : "");
        for (int k = 0; k < 9; ++k)
            len += (size_t)snprintf(text + len, cap - len, "Key%d=value %d ; comment\n", k, s);
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    n2d2_ini *ini = NULL;
    n2d2_status st = n2d2_ini_load_string(text, len, NAME, &ini);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ck_assert_int_eq(st, N2D2_OK);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    ck_assert_uint_eq(n2d2_ini_section_count(ini), 1000);
    ck_assert_ptr_nonnull(n2d2_ini_find(ini, "layer999"));
    ck_assert_msg(ms < 100.0, "10,000 lines took %.1f ms", ms);
    n2d2_ini_free(ini);
    free(text);
}
END_TEST

static Suite *ini_suite(void)
{
    Suite *s = suite_create("ini");
    TCase *syntax = tcase_create("syntax");
    tcase_add_checked_fixture(syntax, setup, teardown);
    tcase_add_test(syntax, properties_and_sections);
    tcase_add_test(syntax, name_is_left_of_first_equals);
    tcase_add_test(syntax, case_sensitive_names);
    tcase_add_test(syntax, arbitrary_section_names);
    tcase_add_test(syntax, comments);
    tcase_add_test(syntax, quoted_values);
    tcase_add_test(syntax, unterminated_quote);
    tcase_add_test(syntax, whitespace_trimmed);
    tcase_add_test(syntax, continuation_lines);
    tcase_add_test(syntax, continuation_comment_line_is_not_continued);
    tcase_add_test(syntax, bad_continuation_at_eof);
    tcase_add_test(syntax, bom_and_crlf);
    tcase_add_test(syntax, duplicate_key_later_wins_with_warning);
    tcase_add_test(syntax, duplicate_section_is_an_error);
    tcase_add_test(syntax, bad_lines);
    tcase_add_test(syntax, keys_with_indexes_dots_parentheses);
    tcase_add_test(syntax, global_section);
    tcase_add_test(syntax, locations);
    tcase_add_test(syntax, load_from_file);
    suite_add_tcase(s, syntax);

    TCase *inherit = tcase_create("inheritance");
    tcase_add_checked_fixture(inherit, setup, teardown);
    tcase_add_test(inherit, inheritance_copies_then_overrides);
    tcase_add_test(inherit, inheritance_forms);
    tcase_add_test(inherit, inheritance_unknown_base);
    suite_add_tcase(s, inherit);

    TCase *values = tcase_create("values");
    tcase_add_checked_fixture(values, setup, teardown);
    tcase_add_test(values, references_resolve);
    tcase_add_test(values, brackets_that_are_not_references);
    tcase_add_test(values, reference_missing_key);
    tcase_add_test(values, reference_cycle);
    tcase_add_test(values, generated_values);
    tcase_add_test(values, variables_precedence);
    tcase_add_test(values, variables_not_names_are_kept);
    tcase_add_test(values, variable_extends_outer_definition);
    tcase_add_test(values, variable_undefined);
    tcase_add_test(values, variable_cycle);
    tcase_add_test(values, variables_marked_used);
    tcase_add_test(values, expressions_evaluate_like_python);
    suite_add_tcase(s, values);

    TCase *api = tcase_create("api");
    tcase_add_checked_fixture(api, setup, teardown);
    tcase_add_test(api, get_absent_key_keeps_message);
    tcase_add_test(api, set_and_add_section);
    tcase_add_test(api, claim_sections);
    tcase_add_test(api, write_canonical);
    tcase_add_test(api, write_fails_on_real_errors);
    tcase_add_test(api, ten_thousand_lines_load_fast);
    suite_add_tcase(s, api);
    return s;
}

int main(void)
{
    return n2d2_check_run(ini_suite());
}
