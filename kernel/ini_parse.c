/* ini_parse.c — INI text to sections and entries.
 *
 * Physical lines are first joined into logical lines (`\` as the last
 * non-blank character continues a line), then each logical line loses its
 * comment (`;` or `#` outside double quotes) and is read as a header
 * `[name] Base...`, a template section `[name@file.tpl]`, or `key=value`.
 * A template section collects its entries as parameters; at the next header
 * (or the end of the text) the template is rendered and the result parsed
 * here recursively, so its sections land exactly where the include was.
 */
#include "ini_impl.h"

#include <stdlib.h>
#include <string.h>

#include "n2d2/log.h"

/* ---- object model ---------------------------------------------------------- */

n2d2_ini *ini_new(const char *path)
{
    n2d2_ini *ini = calloc(1, sizeof *ini);
    if (!ini)
        return NULL;
    ini->path = ini_strdup(path);
    char *global_name = ini_strdup("");
    if (!ini->path || !global_name) {
        free(ini->path);
        free(global_name);
        free(ini);
        return NULL;
    }
    ini_section_init(&ini->global, global_name, NULL, 0);
    return ini;
}

void ini_section_init(n2d2_ini_section *sec, char *name, const ini_src *src, int line)
{
    memset(sec, 0, sizeof *sec);
    sec->name = name;
    sec->src = src;
    sec->line = line;
}

static void entry_free(n2d2_ini_entry *e)
{
    free(e->key);
    free(e->raw);
    free(e->where);
    free(e->resolved);
    free(e);
}

void ini_section_release(n2d2_ini_section *sec)
{
    for (size_t i = 0; i < sec->count; ++i)
        entry_free(sec->entries[i]);
    free(sec->entries);
    ini_map_free(&sec->index);
    free(sec->name);
    free(sec->where);
    memset(sec, 0, sizeof *sec);
}

n2d2_status ini_register_section(n2d2_ini *ini, n2d2_ini_section *sec)
{
    if (ini->count == ini->cap) {
        size_t cap = ini->cap ? ini->cap * 2 : 16;
        n2d2_ini_section **s = realloc(ini->sections, cap * sizeof *s);
        if (!s)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        ini->sections = s;
        ini->cap = cap;
    }
    n2d2_status st = ini_map_put(&ini->index, sec->name, sec);
    if (st != N2D2_OK)
        return st;
    ini->sections[ini->count++] = sec;
    /* A new name can turn a `[name]...` text into a reference. */
    ini->generation++;
    return N2D2_OK;
}

static const char *section_label(const n2d2_ini_section *sec)
{
    return sec->name[0] ? sec->name : "(global)";
}

static void warn_redefinition(const n2d2_ini_section *sec, n2d2_ini_entry *old, const ini_src *src,
                              int line)
{
    char *now = ini_where_dup(src, line);
    char *before = ini_where_dup(old->src, old->line);
    n2d2_log_warn("%s: key '%s' of section [%s] redefined; the value at %s is ignored",
                  now ? now : "?", old->key, section_label(sec), before ? before : "?");
    free(now);
    free(before);
}

static n2d2_status append_entry(n2d2_ini_section *sec, n2d2_ini_entry *e)
{
    if (sec->count == sec->cap) {
        size_t cap = sec->cap ? sec->cap * 2 : 8;
        n2d2_ini_entry **v = realloc(sec->entries, cap * sizeof *v);
        if (!v)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        sec->entries = v;
        sec->cap = cap;
    }
    n2d2_status st = ini_map_put(&sec->index, e->key, e);
    if (st != N2D2_OK)
        return st;
    sec->entries[sec->count++] = e;
    return N2D2_OK;
}

n2d2_status ini_section_put(n2d2_ini *ini, n2d2_ini_section *sec, const char *key, size_t key_len,
                            const char *value, size_t value_len, const ini_src *src, int line,
                            int warn_duplicate, n2d2_ini_entry **out)
{
    char *k = ini_strndup(key, key_len);
    char *v = ini_strndup(value, value_len);
    if (!k || !v) {
        free(k);
        free(v);
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    }
    ini->generation++;
    n2d2_ini_entry *e = ini_map_get(&sec->index, k);
    if (e) {
        /* Keep the first position, take the last value (dict-like). */
        if (warn_duplicate && !e->inherited)
            warn_redefinition(sec, e, src, line);
        free(k);
        free(e->raw);
        free(e->where);
        e->raw = v;
        e->where = NULL;
        e->src = src;
        e->line = line;
        e->inherited = 0;
        e->has_resolved = 0;
    } else {
        e = calloc(1, sizeof *e);
        if (!e) {
            free(k);
            free(v);
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        }
        e->key = k;
        e->raw = v;
        e->src = src;
        e->line = line;
        e->section = sec;
        n2d2_status st = append_entry(sec, e);
        if (st != N2D2_OK) {
            entry_free(e);
            return st;
        }
    }
    if (out)
        *out = e;
    return N2D2_OK;
}

const char *ini_closest(const char *word, const char *const *candidates, size_t count)
{
    size_t cap = strlen(word) / 3;
    if (cap < 2)
        cap = 2;
    const char *best = NULL;
    size_t best_distance = cap + 1;
    for (size_t i = 0; i < count; ++i) {
        size_t d = ini_edit_distance(word, candidates[i], cap);
        if (d < best_distance) {
            best_distance = d;
            best = candidates[i];
        }
    }
    return best;
}

/* ---- the parser ------------------------------------------------------------ */

typedef struct parser {
    n2d2_ini *ini;
    const char *text;
    size_t len;
    size_t pos;
    size_t phys; /* physical lines consumed so far */
    const ini_src *src;
    const ini_linemap *map;
    n2d2_ini_section *current; /* where `key=value` lines go */
    /* A `[name@file]` section being collected (its entries are parameters). */
    n2d2_ini_section *include;
    char *include_path;
    const ini_src *include_src;
    int include_line;
    ini_buf logical;
} parser;

static void locate(const parser *p, size_t phys, const ini_src **src, int *line)
{
    if (!p->map) {
        *src = p->src;
        *line = (int)(phys + 1 > (size_t)0x7fffffff ? 0x7fffffff : phys + 1);
        return;
    }
    if (p->map->count == 0) {
        *src = NULL;
        *line = 0;
        return;
    }
    size_t i = phys < p->map->count ? phys : p->map->count - 1;
    *src = p->map->src[i];
    *line = p->map->line[i];
}

static n2d2_status parse_error(const parser *p, size_t phys, n2d2_status code, const char *what,
                               const char *s, size_t n)
{
    const ini_src *src;
    int line;
    locate(p, phys, &src, &line);
    if (!s)
        return ini_error_src(code, src, line, "%s", what);
    int shown = n > 60 ? 60 : (int)n;
    return ini_error_src(code, src, line, "%s: '%.*s%s'", what, shown, s, n > 60 ? "..." : "");
}

static int is_comment_start(const char *s, size_t n)
{
    while (n && ini_is_blank(*s)) {
        ++s;
        --n;
    }
    return n && (*s == ';' || *s == '#');
}

/* Join physical lines ending in `\` into p->logical. *first_phys gets the
 * index of the first physical line; *got is 0 at the end of the text. */
static n2d2_status next_logical_line(parser *p, int *got, size_t *first_phys)
{
    ini_buf_clear(&p->logical);
    *got = 0;
    if (p->pos >= p->len)
        return N2D2_OK;
    *got = 1;
    *first_phys = p->phys;
    for (;;) {
        const char *s = p->text + p->pos;
        size_t rest = p->len - p->pos;
        const char *nl = memchr(s, '\n', rest);
        size_t n = nl ? (size_t)(nl - s) : rest;
        size_t this_phys = p->phys++;
        p->pos += nl ? n + 1 : n;
        if (memchr(s, '\0', n))
            return parse_error(p, this_phys, N2D2_ERR_PARSE, "NUL byte in line", NULL, 0);
        size_t m = n;
        while (m && ini_is_blank(s[m - 1]))
            --m;
        int continued = m && s[m - 1] == '\\' && !is_comment_start(s, m);
        n2d2_status st = ini_buf_append(&p->logical, s, continued ? m - 1 : m);
        if (st != N2D2_OK)
            return st;
        if (!continued)
            return N2D2_OK;
        if (p->pos >= p->len)
            return parse_error(p, this_phys, N2D2_ERR_PARSE,
                               "bad continuation: '\\' at the end of the file", NULL, 0);
    }
}

/* Length of the line before its comment; *open_quote when a `"` is unclosed. */
static size_t strip_comment(const char *s, size_t n, int *open_quote)
{
    int quoted = 0;
    size_t i;
    for (i = 0; i < n; ++i) {
        if (s[i] == '"')
            quoted = !quoted;
        else if (!quoted && (s[i] == ';' || s[i] == '#'))
            break;
    }
    *open_quote = quoted;
    return i;
}

static int is_variable_name(const char *key, size_t n)
{
    if (n < 2 || !ini_is_ident_start(key[1]))
        return 0;
    for (size_t i = 2; i < n; ++i)
        if (!ini_is_ident_char(key[i]))
            return 0;
    return 1;
}

/* `"..."` around the whole value is removed; quotes elsewhere are kept
 * (MultiChannelReplace uses `""` inside a list). */
static void unquote(const char **v, size_t *n)
{
    if (*n >= 2 && (*v)[0] == '"' && memchr(*v + 1, '"', *n - 1) == *v + *n - 1) {
        ++*v;
        *n -= 2;
    }
}

static void drop_pending_include(parser *p)
{
    if (p->include) {
        ini_section_release(p->include);
        free(p->include);
    }
    free(p->include_path);
    p->include = NULL;
    p->include_path = NULL;
}

static n2d2_status render_and_parse(n2d2_ini *ini, const n2d2_ini_section *params,
                                    const ini_src *from, int line, const char *written)
{
    const ini_src *child;
    char *text;
    size_t len;
    n2d2_status st = ini_open_include(ini, from, line, written, &child, &text, &len);
    if (st != N2D2_OK)
        return st;
    ini_buf out = {0};
    ini_linemap map = {0};
    st = ini_template_render(ini, child, text, len, params, &out, &map);
    free(text);
    if (st == N2D2_OK)
        st = ini_parse_text(ini, out.data ? out.data : "", out.len, NULL, &map);
    ini_buf_free(&out);
    ini_linemap_free(&map);
    return st;
}

static n2d2_status finish_pending_include(parser *p)
{
    if (!p->include)
        return N2D2_OK;
    n2d2_status st =
        render_and_parse(p->ini, p->include, p->include_src, p->include_line, p->include_path);
    drop_pending_include(p);
    p->current = &p->ini->global;
    return st;
}

static n2d2_status begin_include(parser *p, size_t phys, const char *name, size_t name_len,
                                 const char *bases, size_t bases_len)
{
    const char *at = memchr(name, '@', name_len);
    const char *sec = name, *path = at + 1;
    size_t sec_len = (size_t)(at - name), path_len = name_len - sec_len - 1;
    ini_trim(&sec, &sec_len);
    ini_trim(&path, &path_len);
    if (bases_len)
        return parse_error(p, phys, N2D2_ERR_PARSE, "a template section cannot inherit", bases,
                           bases_len);
    if (!sec_len)
        return parse_error(p, phys, N2D2_ERR_PARSE, "empty section name before '@'", name,
                           name_len);
    if (!path_len)
        return parse_error(p, phys, N2D2_ERR_PARSE, "empty template file name after '@'", name,
                           name_len);
    const ini_src *src;
    int line;
    locate(p, phys, &src, &line);
    p->include = calloc(1, sizeof *p->include);
    char *sec_name = ini_strndup(sec, sec_len);
    p->include_path = ini_strndup(path, path_len);
    if (!p->include || !sec_name || !p->include_path) {
        free(sec_name);
        drop_pending_include(p);
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    }
    ini_section_init(p->include, sec_name, src, line);
    p->include_src = src;
    p->include_line = line;
    n2d2_ini_entry *auto_name;
    n2d2_status st = ini_section_put(p->ini, p->include, "SECTION_NAME", 12, sec, sec_len, src,
                                     line, 0, &auto_name);
    if (st != N2D2_OK)
        return st;
    auto_name->inherited = 1; /* an explicit SECTION_NAME= overrides it silently */
    p->current = p->include;
    return N2D2_OK;
}

static n2d2_status report_unknown_base(const parser *p, size_t phys, const char *base,
                                       const char *section)
{
    const char **names = malloc((p->ini->count + 1) * sizeof *names);
    const char *hint = NULL;
    if (names) {
        for (size_t i = 0; i < p->ini->count; ++i)
            names[i] = p->ini->sections[i]->name;
        hint = ini_closest(base, names, p->ini->count);
    }
    const ini_src *src;
    int line;
    locate(p, phys, &src, &line);
    n2d2_status st = ini_error_src(
        N2D2_ERR_NOT_FOUND, src, line,
        "unknown base section '%s' for [%s] (base sections must be defined earlier)%s%s%s", base,
        section, hint ? "; did you mean '" : "", hint ? hint : "", hint ? "'?" : "");
    free(names);
    return st;
}

/* `[name] Base1 Base2,Base3`: start with copies of the bases' entries. */
static n2d2_status inherit(parser *p, size_t phys, n2d2_ini_section *sec, const char *bases,
                           size_t n)
{
    size_t i = 0;
    while (i < n) {
        while (i < n && (ini_is_blank(bases[i]) || bases[i] == ','))
            ++i;
        size_t start = i;
        while (i < n && !ini_is_blank(bases[i]) && bases[i] != ',')
            ++i;
        if (i == start)
            break;
        char *name = ini_strndup(bases + start, i - start);
        if (!name)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        n2d2_ini_section *base = ini_map_get(&p->ini->index, name);
        n2d2_status st = N2D2_OK;
        if (!base)
            st = report_unknown_base(p, phys, name, sec->name);
        else if (base == sec)
            st = parse_error(p, phys, N2D2_ERR_CYCLE, "a section cannot inherit from itself",
                             name, strlen(name));
        free(name);
        for (size_t k = 0; st == N2D2_OK && k < base->count; ++k) {
            const n2d2_ini_entry *e = base->entries[k];
            n2d2_ini_entry *copy;
            st = ini_section_put(p->ini, sec, e->key, strlen(e->key), e->raw, strlen(e->raw),
                                 e->src, e->line, 0, &copy);
            if (st == N2D2_OK)
                copy->inherited = 1;
        }
        if (st != N2D2_OK)
            return st;
    }
    return N2D2_OK;
}

static n2d2_status begin_section(parser *p, size_t phys, const char *name, size_t name_len,
                                 const char *bases, size_t bases_len)
{
    const ini_src *src;
    int line;
    locate(p, phys, &src, &line);
    char *nm = ini_strndup(name, name_len);
    if (!nm)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    n2d2_ini_section *old = ini_map_get(&p->ini->index, nm);
    if (old) {
        char *first = ini_where_dup(old->src, old->line);
        n2d2_status st = ini_error_src(N2D2_ERR_DUPLICATE, src, line,
                                       "duplicate section [%s] (first defined at %s)", nm,
                                       first ? first : "?");
        free(first);
        free(nm);
        return st;
    }
    n2d2_ini_section *sec = malloc(sizeof *sec);
    if (!sec) {
        free(nm);
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    }
    ini_section_init(sec, nm, src, line);
    n2d2_status st = ini_register_section(p->ini, sec);
    if (st != N2D2_OK) {
        ini_section_release(sec);
        free(sec);
        return st;
    }
    p->current = sec;
    return inherit(p, phys, sec, bases, bases_len);
}

/* Index of the `]` closing the `[` at s[0] (brackets nest), or n. */
static size_t matching_bracket(const char *s, size_t n)
{
    int depth = 0;
    for (size_t i = 0; i < n; ++i) {
        if (s[i] == '[')
            ++depth;
        else if (s[i] == ']' && --depth == 0)
            return i;
    }
    return n;
}

static n2d2_status process_header(parser *p, size_t phys, const char *s, size_t n)
{
    n2d2_status st = finish_pending_include(p);
    if (st != N2D2_OK)
        return st;
    size_t close = matching_bracket(s, n);
    if (close == n)
        return parse_error(p, phys, N2D2_ERR_PARSE, "unclosed section header", s, n);
    const char *name = s + 1, *bases = s + close + 1;
    size_t name_len = close - 1, bases_len = n - close - 1;
    ini_trim(&name, &name_len);
    ini_trim(&bases, &bases_len);
    if (!name_len)
        return parse_error(p, phys, N2D2_ERR_PARSE, "empty section name", s, n);
    if (memchr(name, '@', name_len))
        return begin_include(p, phys, name, name_len, bases, bases_len);
    return begin_section(p, phys, name, name_len, bases, bases_len);
}

static n2d2_status process_entry(parser *p, size_t phys, const char *s, size_t n)
{
    const char *eq = memchr(s, '=', n);
    if (!eq)
        return parse_error(p, phys, N2D2_ERR_PARSE,
                           "expected 'key=value' or '[section]', got a line without '='", s, n);
    const char *key = s, *value = eq + 1;
    size_t key_len = (size_t)(eq - s), value_len = n - key_len - 1;
    ini_trim(&key, &key_len);
    ini_trim(&value, &value_len);
    if (!key_len)
        return parse_error(p, phys, N2D2_ERR_PARSE, "empty key before '='", s, n);
    if (key[0] == '$' && !is_variable_name(key, key_len))
        return parse_error(p, phys, N2D2_ERR_PARSE,
                           "bad variable name (expected $ followed by letters, digits, '_')", key,
                           key_len);
    unquote(&value, &value_len);
    const ini_src *src;
    int line;
    locate(p, phys, &src, &line);
    return ini_section_put(p->ini, p->current, key, key_len, value, value_len, src, line, 1, NULL);
}

static n2d2_status process_line(parser *p, size_t phys, const char *s, size_t n)
{
    ini_trim(&s, &n);
    if (!n || s[0] == ';' || s[0] == '#')
        return N2D2_OK;
    int open_quote;
    n = strip_comment(s, n, &open_quote);
    if (open_quote)
        return parse_error(p, phys, N2D2_ERR_PARSE, "unterminated quoted string", s, n);
    ini_trim(&s, &n);
    if (s[0] == '[')
        return process_header(p, phys, s, n);
    return process_entry(p, phys, s, n);
}

n2d2_status ini_parse_text(n2d2_ini *ini, const char *text, size_t len, const ini_src *src,
                           const ini_linemap *map)
{
    parser p = {.ini = ini, .text = text, .len = len, .src = src, .map = map,
                .current = &ini->global};
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        p.pos = 3; /* UTF-8 byte order mark */
    n2d2_status st = N2D2_OK;
    for (;;) {
        int got;
        size_t phys = 0;
        st = next_logical_line(&p, &got, &phys);
        if (st != N2D2_OK || !got)
            break;
        st = process_line(&p, phys, p.logical.data ? p.logical.data : "", p.logical.len);
        if (st != N2D2_OK)
            break;
    }
    if (st == N2D2_OK)
        st = finish_pending_include(&p);
    drop_pending_include(&p);
    ini_buf_free(&p.logical);
    return st;
}
