/* n2d2/ini.h — the N2D2 INI front end (manual ch. 18).
 *
 * n2d2_ini_load() reads a model file and does all the text-level work:
 * comments, quotes, `\` continuations, `$VAR=` definitions, template
 * inclusion (`[name@file.tpl]` with {{VAR}}, {% block %}, {% for %},
 * {% if %}/{% else %}, {% include %}), and section inheritance
 * (`[conv1] Conv_def`). What remains is a flat list of sections, each a list
 * of entries that remember the file and line they came from (and, for text
 * produced by a template, the chain of includes).
 *
 * Values are resolved at read time (n2d2_ini_get): `[section]Key` references
 * first, then `${VAR}` (section `$VAR` → global `$VAR` → environment).
 * References may name generated values (`[sp]_EpochSize`) that are published
 * later with n2d2_ini_set_generated(); reading one before it is published is
 * an N2D2_ERR_NOT_FOUND error saying so.
 *
 * Every entry carries a `used` mark set by n2d2_ini_get(); the kernel reports
 * entries of claimed sections that nobody read.
 *
 * Ownership: everything returned is owned by the n2d2_ini and valid until
 * n2d2_ini_free(), except resolved values (see n2d2_ini_get).
 *
 * Details of the syntax (kernel/ini_*.c say why):
 * - `;`/`#` start a comment anywhere outside double quotes; a value is
 *   unquoted only when one pair of quotes wraps all of it (`a="x ; y"`),
 *   other quotes stay in the value (`$1_0$2 ""`).
 * - `\` as the last non-blank character of a line joins the next line
 *   (the text before the `\` is kept as is); not on full-line comments.
 * - `[sec]Key` is a reference only when `sec` names an existing section (or
 *   one with generated values); Key starts with a letter, digit or `_` and
 *   runs over letters, digits, `_ . -`, balanced `( )` and `[digits]`; the
 *   longest existing prefix (cut before `.`, `-`, `(`, `[`) is used, so
 *   `[sp]SizeX-1` gives "28-1". `$NAME`/`${NAME}` need NAME to be an
 *   identifier; `$1`, `$(` and a lone `$` are kept.
 * - In templates a line holding only a `{% ... %}` tag disappears entirely.
 * - Locations print as "file:line (included from file:line)...".
 */
#ifndef N2D2_INI_H
#define N2D2_INI_H

#include <stddef.h>
#include <stdio.h>
#include "n2d2/export.h"
#include "n2d2/status.h"

N2D2_BEGIN_DECLS

typedef struct n2d2_ini n2d2_ini;
typedef struct n2d2_ini_section n2d2_ini_section;
typedef struct n2d2_ini_entry n2d2_ini_entry;

/* Load and expand a file. On error returns a code and sets the detail
 * ("file:line: message", with " (included from file:line)" for each level of
 * template inclusion). *out is NULL on error. */
N2D2_API n2d2_status n2d2_ini_load(const char *path, n2d2_ini **out);
/* Same from memory; `name` is used as the file name in messages and as the
 * base for relative include paths (its directory). */
N2D2_API n2d2_status n2d2_ini_load_string(const char *text, size_t len, const char *name,
                                          n2d2_ini **out);
N2D2_API void n2d2_ini_free(n2d2_ini *ini);

/* Path of the top-level file as given to n2d2_ini_load. */
N2D2_API const char *n2d2_ini_path(const n2d2_ini *ini);

/* Sections in file order (after expansion). The unnamed global section
 * (keys before the first header, including `$VAR=` lines) is not in this
 * list; get it with n2d2_ini_global() (never NULL; may be empty). */
N2D2_API size_t n2d2_ini_section_count(const n2d2_ini *ini);
N2D2_API n2d2_ini_section *n2d2_ini_section_at(const n2d2_ini *ini, size_t index);
N2D2_API n2d2_ini_section *n2d2_ini_find(const n2d2_ini *ini, const char *name);
N2D2_API n2d2_ini_section *n2d2_ini_global(const n2d2_ini *ini);

N2D2_API const char *n2d2_ini_section_name(const n2d2_ini_section *sec);
/* Where the `[name]` header was written (for messages). */
N2D2_API const char *n2d2_ini_section_file(const n2d2_ini_section *sec);
N2D2_API int n2d2_ini_section_line(const n2d2_ini_section *sec);
/* Location string "file:line" plus " (included from f:l)" chain; owned. */
N2D2_API const char *n2d2_ini_section_where(const n2d2_ini_section *sec);

/* A section is "claimed" once something (a cell, the database, a solver
 * config...) takes it as its configuration; only claimed sections are
 * checked for unused keys. */
N2D2_API void n2d2_ini_section_claim(n2d2_ini_section *sec);
N2D2_API int n2d2_ini_section_claimed(const n2d2_ini_section *sec);

/* Entries in order; a key defined twice keeps only its last value (the
 * earlier one is dropped with a warning). `$VAR` definitions are entries
 * whose key starts with '$'. Keys keep `[index]`, dots and parentheses as
 * written (`Mapping(in).SizeX`, `ARRAY[0].P1`). */
N2D2_API size_t n2d2_ini_entry_count(const n2d2_ini_section *sec);
N2D2_API n2d2_ini_entry *n2d2_ini_entry_at(const n2d2_ini_section *sec, size_t index);
N2D2_API n2d2_ini_entry *n2d2_ini_entry_find(const n2d2_ini_section *sec, const char *key);
N2D2_API const char *n2d2_ini_entry_key(const n2d2_ini_entry *e);
/* The value as written (quotes removed, comments and continuations applied,
 * references and ${} NOT resolved). */
N2D2_API const char *n2d2_ini_entry_raw(const n2d2_ini_entry *e);
N2D2_API const char *n2d2_ini_entry_file(const n2d2_ini_entry *e);
N2D2_API int n2d2_ini_entry_line(const n2d2_ini_entry *e);
N2D2_API const char *n2d2_ini_entry_where(const n2d2_ini_entry *e);
N2D2_API int n2d2_ini_entry_used(const n2d2_ini_entry *e);
N2D2_API void n2d2_ini_entry_mark_used(n2d2_ini_entry *e);

/* Resolve an entry's value and mark it used. The returned string is owned
 * by the entry and valid until the next resolve of the same entry or
 * n2d2_ini_free(). Errors (missing referenced section/key, unpublished
 * generated value, undefined ${VAR}, reference cycle) carry the entry's
 * file:line. */
N2D2_API n2d2_status n2d2_ini_entry_resolve(n2d2_ini *ini, n2d2_ini_entry *e, const char **value);

/* 1 when the last n2d2_ini_entry_resolve/n2d2_ini_get on this INI failed only
 * because a generated value (`[sp]_EpochSize`) is not published yet, so the
 * caller may retry once the data is known. */
N2D2_API int n2d2_ini_waiting_for_generated(const n2d2_ini *ini);

/* Convenience: find `key` in `sec` and resolve it. Returns N2D2_ERR_NOT_FOUND
 * without setting an error message when the key is absent (so callers can
 * apply defaults); *value is then NULL. */
N2D2_API n2d2_status n2d2_ini_get(n2d2_ini *ini, n2d2_ini_section *sec, const char *key,
                                  const char **value);

/* Publish a generated value, readable as `[section]key` from references
 * (e.g. n2d2_ini_set_generated(ini, "sp", "_EpochSize", "60000")). */
N2D2_API n2d2_status n2d2_ini_set_generated(n2d2_ini *ini, const char *section,
                                            const char *key, const char *value);

/* Add or replace a key programmatically (command-line overrides, tests).
 * The entry gets file "<command line>" and line 0. */
N2D2_API n2d2_status n2d2_ini_set(n2d2_ini *ini, n2d2_ini_section *sec, const char *key,
                                  const char *value);
/* Create an empty section at the end (e.g. an inserted BatchNorm). */
N2D2_API n2d2_status n2d2_ini_add_section(n2d2_ini *ini, const char *name,
                                          n2d2_ini_section **out);

/* Write the expanded INI in canonical form: the global section's keys
 * first, then "[name]" and "key=value" lines, one blank line between
 * sections. With resolve != 0 values are resolved (generated values that are
 * not published yet are left as written); values that need it are quoted.
 * `$VAR` lines are kept only when resolve == 0. */
N2D2_API n2d2_status n2d2_ini_write(n2d2_ini *ini, FILE *out, int resolve);

N2D2_END_DECLS

#endif
