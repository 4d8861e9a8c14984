/* ini_resolve.c — value resolution at read time.
 *
 * One left-to-right scan of the raw value replaces:
 *   [section]Key   when `section` names an existing section (or one with
 *                  published generated values); Key is letters, digits and
 *                  `_ . -`, balanced `( )` groups and `[digits]` indexes. The
 *                  longest prefix of Key (cut before `.`, `-`, `(` or `[`)
 *                  that exists wins, so `[sp]SizeX-1` reads SizeX. Key must
 *                  start with a letter, digit or `_`. Any other
 *                  `[` is kept as written (`[0.0;0.05]`).
 *   ${NAME} $NAME  the `$NAME` entry of the value's section, then of the
 *                  global section, then the environment. `\${NAME}` (a PDF
 *                  artefact of the manual) is read as `${NAME}`. `$` not
 *                  followed by a name (`$1`, `$(`) is kept.
 * Then every `$( ... )` is evaluated as an arithmetic expression
 * (ini_expr.c), as N2D2 does with Python.
 * Substituted text is never scanned again, so a reference's value (already
 * resolved in its own section) is not expanded twice.
 *
 * Results are cached per entry and tagged with ini->generation; anything
 * that may change a value bumps the generation.
 */
#include "ini_impl.h"

#include <stdlib.h>
#include <string.h>

const ini_generated *ini_find_generated(const n2d2_ini *ini, const char *section, const char *key)
{
    for (size_t i = 0; i < ini->generated_count; ++i) {
        const ini_generated *g = &ini->generated[i];
        if (strcmp(g->section, section) == 0 && strcmp(g->key, key) == 0)
            return g;
    }
    return NULL;
}

int ini_has_generated_section(const n2d2_ini *ini, const char *section)
{
    for (size_t i = 0; i < ini->generated_count; ++i)
        if (strcmp(ini->generated[i].section, section) == 0)
            return 1;
    return 0;
}

/* Context of one scan: the value being resolved and where it was written. */
typedef struct scan {
    n2d2_ini *ini;
    n2d2_ini_section *section; /* for `$NAME` lookups */
    const char *text;
    size_t len;
    const ini_src *src;
    int line;
    ini_buf *out;
} scan;

static n2d2_status push_resolving(n2d2_ini *ini, n2d2_ini_entry *e)
{
    if (ini->stack_depth == ini->stack_cap) {
        size_t cap = ini->stack_cap ? ini->stack_cap * 2 : 16;
        n2d2_ini_entry **s = realloc(ini->stack, cap * sizeof *s);
        if (!s)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        ini->stack = s;
        ini->stack_cap = cap;
    }
    ini->stack[ini->stack_depth++] = e;
    e->resolving = 1;
    return N2D2_OK;
}

static void pop_resolving(n2d2_ini *ini)
{
    n2d2_ini_entry *e = ini->stack[--ini->stack_depth];
    e->resolving = 0;
}

static n2d2_status append_entry_name(ini_buf *b, const n2d2_ini_entry *e)
{
    if (e->key[0] == '$')
        return ini_buf_puts(b, e->key);
    return ini_buf_printf(b, "[%s]%s", e->section->name, e->key);
}

static n2d2_status report_cycle(n2d2_ini *ini, const n2d2_ini_entry *again)
{
    ini_buf chain = {0};
    size_t first = 0;
    while (first < ini->stack_depth && ini->stack[first] != again)
        ++first;
    for (size_t i = first; i < ini->stack_depth; ++i) {
        append_entry_name(&chain, ini->stack[i]);
        ini_buf_puts(&chain, " -> ");
    }
    append_entry_name(&chain, again);
    n2d2_status st = ini_error_src(N2D2_ERR_CYCLE, again->src, again->line, "reference cycle: %s",
                                   chain.data ? chain.data : again->key);
    ini_buf_free(&chain);
    return st;
}

static n2d2_status retire(n2d2_ini *ini, char *old)
{
    if (!old)
        return N2D2_OK;
    if (ini->retired_count == ini->retired_cap) {
        size_t cap = ini->retired_cap ? ini->retired_cap * 2 : 16;
        char **r = realloc(ini->retired, cap * sizeof *r);
        if (!r)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        ini->retired = r;
        ini->retired_cap = cap;
    }
    ini->retired[ini->retired_count++] = old;
    return N2D2_OK;
}

/* Keep the previous string when the value did not change, so pointers a
 * caller still holds stay valid; otherwise park the old one until free. */
static n2d2_status store_resolved(n2d2_ini *ini, n2d2_ini_entry *e, char *value)
{
    if (e->resolved && strcmp(e->resolved, value) == 0) {
        free(value);
    } else {
        n2d2_status st = retire(ini, e->resolved);
        if (st != N2D2_OK) {
            free(value);
            return st;
        }
        e->resolved = value;
    }
    e->has_resolved = 1;
    e->resolved_generation = ini->generation;
    return N2D2_OK;
}

static n2d2_status scan_value(scan *s);

n2d2_status ini_resolve_entry(n2d2_ini *ini, n2d2_ini_entry *e, const char **value)
{
    if (e->has_resolved && e->resolved_generation == ini->generation) {
        *value = e->resolved;
        return N2D2_OK;
    }
    if (e->resolving)
        return report_cycle(ini, e);
    if (ini->stack_depth >= (size_t)ini_limits_current.max_resolve_depth)
        return ini_error_src(N2D2_ERR_RANGE, e->src, e->line,
                             "references nested more than %d levels deep",
                             ini_limits_current.max_resolve_depth);
    n2d2_status st = push_resolving(ini, e);
    if (st != N2D2_OK)
        return st;
    ini_buf out = {0};
    scan s = {ini, e->section, e->raw, strlen(e->raw), e->src, e->line, &out};
    st = scan_value(&s);
    pop_resolving(ini);
    if (st == N2D2_OK) {
        char *text = ini_buf_take(&out);
        st = text ? ini_eval_expressions(&text, e->src, e->line)
                  : n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        if (st == N2D2_OK)
            st = store_resolved(ini, e, text);
        else
            free(text);
    }
    ini_buf_free(&out);
    if (st == N2D2_OK)
        *value = e->resolved;
    return st;
}

n2d2_status ini_resolve_text(n2d2_ini *ini, n2d2_ini_section *ctx, const char *text,
                             const ini_src *src, int line, char **out)
{
    ini_buf b = {0};
    scan s = {ini, ctx, text, strlen(text), src, line, &b};
    n2d2_status st = scan_value(&s);
    if (st == N2D2_OK) {
        *out = ini_buf_take(&b);
        if (!*out)
            st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        else if ((st = ini_eval_expressions(out, src, line)) != N2D2_OK) {
            free(*out);
            *out = NULL;
        }
    }
    ini_buf_free(&b);
    return st;
}

static n2d2_status append_checked(scan *s, const char *text, size_t n)
{
    if (s->out->len + n > ini_limits_current.max_value_bytes)
        return ini_error_src(N2D2_ERR_RANGE, s->src, s->line,
                             "resolved value longer than %zu bytes",
                             ini_limits_current.max_value_bytes);
    return ini_buf_append(s->out, text, n);
}

/* ---- [section]Key ---------------------------------------------------------- */

static int is_key_char(char c)
{
    return ini_is_ident_char(c) || c == '.' || c == '-';
}

/* Length of the key candidate at k (see the file comment for the grammar). */
static size_t scan_key(const char *k, size_t n)
{
    size_t i = 0, open_paren = 0, paren_depth = 0;
    while (i < n) {
        char c = k[i];
        if (is_key_char(c)) {
            ++i;
        } else if (c == '(') {
            if (paren_depth++ == 0)
                open_paren = i;
            ++i;
        } else if (c == ')' && paren_depth > 0) {
            --paren_depth;
            ++i;
        } else if (c == '[' && i + 1 < n && k[i + 1] >= '0' && k[i + 1] <= '9') {
            size_t j = i + 1;
            while (j < n && k[j] >= '0' && k[j] <= '9')
                ++j;
            if (j >= n || k[j] != ']')
                break;
            i = j + 1;
        } else {
            break;
        }
    }
    if (paren_depth > 0)
        i = open_paren; /* `$(... [sp]SizeX)`: an unmatched `(` is not ours */
    while (i > 0 && (k[i - 1] == '.' || k[i - 1] == '-'))
        --i;
    return i;
}

static int key_exists(const scan *s, const n2d2_ini_section *sec, const char *secname,
                      const char *key)
{
    return (sec && n2d2_ini_entry_find(sec, key)) || ini_find_generated(s->ini, secname, key);
}

static n2d2_status report_missing_key(scan *s, const n2d2_ini_section *sec, const char *secname,
                                      const char *key)
{
    if (key[0] == '_') {
        s->ini->generated_missing = 1;
        return ini_error_src(N2D2_ERR_NOT_FOUND, s->src, s->line,
                             "generated value [%s]%s is not available yet", secname, key);
    }
    const char *hint = NULL;
    const char **names = NULL;
    if (sec && (names = malloc((sec->count + 1) * sizeof *names)) != NULL) {
        for (size_t i = 0; i < sec->count; ++i)
            names[i] = sec->entries[i]->key;
        hint = ini_closest(key, names, sec->count);
    }
    n2d2_status st = ini_error_src(N2D2_ERR_NOT_FOUND, s->src, s->line,
                                   "[%s]%s: no key '%s' in section [%s]%s%s%s", secname, key, key,
                                   secname, hint ? " (did you mean '" : "", hint ? hint : "",
                                   hint ? "'?)" : "");
    free(names);
    return st;
}

static n2d2_status substitute_key(scan *s, n2d2_ini_section *sec, const char *secname,
                                  const char *key)
{
    n2d2_ini_entry *e = sec ? n2d2_ini_entry_find(sec, key) : NULL;
    if (e) {
        const char *v;
        n2d2_status st = ini_resolve_entry(s->ini, e, &v);
        return st != N2D2_OK ? st : append_checked(s, v, strlen(v));
    }
    const ini_generated *g = ini_find_generated(s->ini, secname, key);
    return append_checked(s, g->value, strlen(g->value));
}

/* At s->text[*pos] == '['. *matched is 0 when this is not a reference. */
static n2d2_status try_reference(scan *s, size_t *pos, int *matched)
{
    *matched = 0;
    const char *t = s->text + *pos;
    size_t rest = s->len - *pos;
    size_t close = 0;
    for (int depth = 0; close < rest; ++close) {
        if (t[close] == '[')
            ++depth;
        else if (t[close] == ']' && --depth == 0)
            break;
    }
    if (close >= rest)
        return N2D2_OK;
    size_t key_len = scan_key(t + close + 1, rest - close - 1);
    if (!key_len || !ini_is_ident_char(t[close + 1]))
        return N2D2_OK;
    char *secname = ini_strndup(t + 1, close - 1);
    char *key = ini_strndup(t + close + 1, key_len);
    n2d2_status st = N2D2_OK;
    if (!secname || !key) {
        st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        goto done;
    }
    n2d2_ini_section *sec = n2d2_ini_find(s->ini, secname);
    if (!sec && !ini_has_generated_section(s->ini, secname))
        goto done; /* not a section: keep the text */
    *matched = 1;
    size_t use = key_len;
    for (;;) {
        key[use] = '\0';
        if (key_exists(s, sec, secname, key))
            break;
        while (use > 0 && !strchr(".-([", key[use - 1]))
            --use;
        if (use <= 1) { /* no prefix exists: report the whole candidate */
            t = s->text + *pos;
            memcpy(key, t + close + 1, key_len);
            key[key_len] = '\0';
            st = report_missing_key(s, sec, secname, key);
            goto done;
        }
        --use; /* drop the separator too */
    }
    st = substitute_key(s, sec, secname, key);
    *pos += close + 1 + use;
done:
    free(secname);
    free(key);
    return st;
}

/* ---- ${NAME} / $NAME -------------------------------------------------------- */

/* Variable at s->text[*pos] == '$'; *matched 0 when it is a plain `$`. */
static n2d2_status parse_variable(const scan *s, size_t pos, size_t *name_at, size_t *name_len,
                                  size_t *end)
{
    const char *t = s->text;
    size_t i = pos + 1;
    int braced = i < s->len && t[i] == '{';
    if (braced)
        ++i;
    size_t start = i;
    if (i >= s->len || !ini_is_ident_start(t[i]))
        return N2D2_ERR_NOT_FOUND;
    while (i < s->len && ini_is_ident_char(t[i]))
        ++i;
    *name_at = start;
    *name_len = i - start;
    if (braced) {
        if (i >= s->len || t[i] != '}')
            return N2D2_ERR_NOT_FOUND;
        ++i;
    }
    *end = i;
    return N2D2_OK;
}

static n2d2_ini_entry *find_variable(scan *s, const char *dollar_name)
{
    n2d2_ini_section *scopes[2] = {s->section, &s->ini->global};
    n2d2_ini_entry *top = s->ini->stack_depth ? s->ini->stack[s->ini->stack_depth - 1] : NULL;
    for (int i = 0; i < 2; ++i) {
        if (!scopes[i] || (i == 1 && scopes[0] == scopes[1]))
            continue;
        n2d2_ini_entry *e = n2d2_ini_entry_find(scopes[i], dollar_name);
        /* `$X=${X}/more` in a section extends the outer X, not itself. */
        if (e && e != top)
            return e;
    }
    return NULL;
}

static n2d2_status try_variable(scan *s, size_t *pos, int *matched)
{
    size_t at, n, end;
    *matched = 0;
    if (parse_variable(s, *pos, &at, &n, &end) != N2D2_OK)
        return N2D2_OK;
    *matched = 1;
    char *dollar_name = malloc(n + 2);
    if (!dollar_name)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    dollar_name[0] = '$';
    memcpy(dollar_name + 1, s->text + at, n);
    dollar_name[n + 1] = '\0';
    n2d2_status st;
    n2d2_ini_entry *e = find_variable(s, dollar_name);
    const char *env = e ? NULL : getenv(dollar_name + 1);
    if (e) {
        const char *v;
        e->used = 1;
        st = ini_resolve_entry(s->ini, e, &v);
        if (st == N2D2_OK)
            st = append_checked(s, v, strlen(v));
    } else if (env) {
        st = append_checked(s, env, strlen(env));
    } else {
        int local = s->section && s->section->name[0];
        st = ini_error_src(N2D2_ERR_NOT_FOUND, s->src, s->line,
                           "undefined variable '%s' (no %s= in %s%s%sthe global section, and no "
                           "such environment variable)",
                           dollar_name + 1, dollar_name, local ? "[" : "",
                           local ? s->section->name : "", local ? "] or " : "");
    }
    free(dollar_name);
    if (st == N2D2_OK)
        *pos = end;
    return st;
}

static n2d2_status scan_value(scan *s)
{
    size_t i = 0, plain = 0; /* s->text[plain, i) is waiting to be copied */
    while (i < s->len) {
        char c = s->text[i];
        if (c != '[' && c != '$' && c != '\\') {
            ++i;
            continue;
        }
        n2d2_status st = append_checked(s, s->text + plain, i - plain);
        if (st != N2D2_OK)
            return st;
        plain = i;
        int matched = 0;
        if (c == '\\') {
            if (i + 2 < s->len && s->text[i + 1] == '$' && s->text[i + 2] == '{')
                plain = i + 1; /* drop the backslash of `\${` */
            ++i;
            continue;
        }
        st = c == '[' ? try_reference(s, &i, &matched) : try_variable(s, &i, &matched);
        if (st != N2D2_OK)
            return st;
        if (matched)
            plain = i;
        else
            ++i;
    }
    return append_checked(s, s->text + plain, i - plain);
}
