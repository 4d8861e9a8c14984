/* ini_impl.h — internal interface shared by the INI front end's files.
 *
 *   ini_util.c      string builder, string map, sources/locations, files
 *   ini_parse.c     lexing, sections, entries, inheritance, template sections
 *   ini_resolve.c   `[section]Key` references and `${VAR}` substitution
 *   ini.c           public API (n2d2/ini.h): accessors, set, write
 *   ini_template.c  the template language of `[name@file.tpl]` sections
 *                   (ini_template_parse.c builds its tree, ini_template.h)
 *
 * Not installed; nothing here is part of libn2d2's ABI.
 */
#ifndef N2D2_INI_IMPL_H
#define N2D2_INI_IMPL_H

#include <stddef.h>
#include <stdarg.h>

#include "n2d2/ini.h"
#include "n2d2/status.h"

/* ---- growable string ---------------------------------------------------- */

typedef struct ini_buf {
    char *data; /* always NUL-terminated once something was appended */
    size_t len;
    size_t cap;
} ini_buf;

n2d2_status ini_buf_append(ini_buf *b, const char *s, size_t n);
n2d2_status ini_buf_puts(ini_buf *b, const char *s);
n2d2_status ini_buf_putc(ini_buf *b, char c);
n2d2_status ini_buf_printf(ini_buf *b, const char *fmt, ...) N2D2_PRINTF(2, 3);
/* Hand over the text (never NULL on success: "" for an empty buffer). */
char *ini_buf_take(ini_buf *b);
void ini_buf_free(ini_buf *b);
void ini_buf_clear(ini_buf *b);

/* ---- string -> pointer map (open addressing; keys are borrowed) --------- */

typedef struct ini_map {
    const char **keys;
    void **values;
    size_t cap; /* power of two, or 0 */
    size_t count;
} ini_map;

void *ini_map_get(const ini_map *m, const char *key);
n2d2_status ini_map_put(ini_map *m, const char *key, void *value);
void ini_map_free(ini_map *m);

/* ---- small string helpers ------------------------------------------------ */

char *ini_strndup(const char *s, size_t n);
char *ini_strdup(const char *s);
char *ini_strndup_trimmed(const char *s, size_t n);
int ini_is_blank(char c); /* space, tab, \r, \v, \f */
/* Trim blanks in place on a [*start, *start + *len) slice. */
void ini_trim(const char **start, size_t *len);
int ini_is_ident_start(char c);
int ini_is_ident_char(char c);
/* Edit distance, capped: returns cap + 1 when the distance exceeds cap. */
size_t ini_edit_distance(const char *a, const char *b, size_t cap);

/* ---- sources and locations ------------------------------------------------
 * Every file (or in-memory text) the loader reads is one ini_src. A source
 * read through a template include points to the source and line that
 * included it, so locations print as "t.tpl:7 (included from model.ini:1)". */

typedef struct ini_src {
    char *path;  /* as shown in messages and returned by *_file() */
    char *canon; /* realpath() when the file exists; used for cycle checks */
    const struct ini_src *parent;
    int parent_line;
    struct ini_src *next_owned; /* the n2d2_ini's list, for freeing */
} ini_src;

/* "path:line (included from p:l) ..."; line <= 0 prints only the path. */
char *ini_where_dup(const ini_src *src, int line);
/* Record an error whose location is (src, line) with its include chain. */
n2d2_status ini_error_src(n2d2_status code, const ini_src *src, int line, const char *fmt, ...)
    N2D2_PRINTF(4, 5);
/* Give an entry a new raw value, keeping its file:line (graph rewrites
 * such as the Unpool ArgMax wiring). */
n2d2_status ini_entry_rewrite(n2d2_ini *ini, n2d2_ini_entry *e, const char *raw);
/* Replace every `$( ... )` of *text by its value (ini_expr.c). */
n2d2_status ini_eval_expressions(char **text, const ini_src *src, int line);

/* Tunable guards against runaway inputs (fuzzing lowers them). */
typedef struct ini_limits {
    size_t max_file_bytes;         /* largest file read (main file, template, include) */
    size_t max_rendered_bytes;     /* template output per load, all templates together */
    unsigned long max_iterations;  /* block/for iterations per load */
    int max_include_depth;         /* nested template includes */
    int max_template_nesting;      /* nested block/for/if inside one template */
    int max_resolve_depth;         /* chained `[sec]Key` / `$VAR` references */
    size_t max_value_bytes;        /* one resolved value */
} ini_limits;

extern ini_limits ini_limits_current;

/* ---- the object model ---------------------------------------------------- */

struct n2d2_ini_entry {
    char *key;
    char *raw;
    const ini_src *src;
    int line;
    n2d2_ini_section *section;
    char *where;         /* built on first request */
    char *resolved;      /* last resolved value */
    unsigned long resolved_generation;
    int has_resolved;
    int used;
    int inherited;       /* copied from a base section; overriding it is silent */
    int resolving;       /* on the resolution stack (cycle detection) */
};

struct n2d2_ini_section {
    char *name;          /* "" for the global section */
    const ini_src *src;
    int line;
    char *where;
    n2d2_ini_entry **entries;
    size_t count;
    size_t cap;
    ini_map index;       /* key -> entry */
    int claimed;
};

typedef struct ini_generated {
    char *section;
    char *key;
    char *value;
} ini_generated;

struct n2d2_ini {
    char *path;
    n2d2_ini_section global;
    n2d2_ini_section **sections;
    size_t count;
    size_t cap;
    ini_map index;        /* name -> section */
    ini_src *sources;     /* owned list */
    ini_generated *generated;
    size_t generated_count;
    size_t generated_cap;
    /* Bumped by anything that can change a resolved value (set, publish,
     * new section); cached resolutions from an older generation are stale. */
    unsigned long generation;
    char **retired;       /* superseded resolved strings, kept valid until free */
    size_t retired_count;
    size_t retired_cap;
    n2d2_ini_entry **stack; /* entries being resolved, outermost first */
    size_t stack_depth;
    size_t stack_cap;
    int generated_missing; /* last resolve failed on an unpublished generated value */
    /* Load-time budgets (see ini_limits). */
    size_t rendered_bytes;
    unsigned long iterations;
};

/* Line -> origin table for text produced by a template. */
typedef struct ini_linemap {
    const ini_src **src;
    int *line;
    size_t count;
    size_t cap;
} ini_linemap;

n2d2_status ini_linemap_push(ini_linemap *m, const ini_src *src, int line);
void ini_linemap_free(ini_linemap *m);

/* ---- ini_util.c ----------------------------------------------------------- */

/* New source owned by `ini`. */
n2d2_status ini_src_new(n2d2_ini *ini, const char *path, const ini_src *parent, int parent_line,
                        const ini_src **out);
/* Read a regular file (at most ini_limits_current.max_file_bytes). Returns
 * NOT_FOUND / IO / RANGE with a message that names `path`, without location. */
n2d2_status ini_read_file(const char *path, char **text, size_t *len);
/* Resolve a template path written at (from, line): expand `${VAR}`, make it
 * relative to from's directory, refuse include cycles and too deep nesting,
 * read it. On success *child is a new source whose parent is (from, line). */
n2d2_status ini_open_include(n2d2_ini *ini, const ini_src *from, int line, const char *written,
                             const ini_src **child, char **text, size_t *len);

/* ---- ini_parse.c ---------------------------------------------------------- */

n2d2_ini *ini_new(const char *path);
void ini_section_init(n2d2_ini_section *sec, char *name, const ini_src *src, int line);
void ini_section_release(n2d2_ini_section *sec);
/* Append a section to the list and the index (no duplicate check). */
n2d2_status ini_register_section(n2d2_ini *ini, n2d2_ini_section *sec);
/* Add `key` to `sec`, replacing an existing value in place. `warn_duplicate`
 * warns when the replaced value was written in the same section. */
n2d2_status ini_section_put(n2d2_ini *ini, n2d2_ini_section *sec, const char *key, size_t key_len,
                            const char *value, size_t value_len, const ini_src *src, int line,
                            int warn_duplicate, n2d2_ini_entry **out);
/* Parse INI text whose lines come from `src` (line i+1), or from `map` when
 * it is not NULL (rendered templates). */
n2d2_status ini_parse_text(n2d2_ini *ini, const char *text, size_t len, const ini_src *src,
                           const ini_linemap *map);
/* Closest name among `count` candidates (for "did you mean"), or NULL. */
const char *ini_closest(const char *word, const char *const *candidates, size_t count);

/* ---- ini_resolve.c -------------------------------------------------------- */

/* Resolve `e` without marking it used; sets ini->generated_missing when the
 * failure is an unpublished generated value. */
n2d2_status ini_resolve_entry(n2d2_ini *ini, n2d2_ini_entry *e, const char **value);
/* Resolve free text as if it were a value of `ctx` written at (src, line). */
n2d2_status ini_resolve_text(n2d2_ini *ini, n2d2_ini_section *ctx, const char *text,
                             const ini_src *src, int line, char **out);
const ini_generated *ini_find_generated(const n2d2_ini *ini, const char *section, const char *key);
int ini_has_generated_section(const n2d2_ini *ini, const char *section);

/* ---- ini_template.c ------------------------------------------------------- */

/* Render template `text` read from `src` with the parameters in `params`
 * (entries of the `[name@file]` section, SECTION_NAME included). Appends to
 * `out`, one `map` row per output line. */
n2d2_status ini_template_render(n2d2_ini *ini, const ini_src *src, const char *text, size_t len,
                                const n2d2_ini_section *params, ini_buf *out, ini_linemap *map);

#endif
