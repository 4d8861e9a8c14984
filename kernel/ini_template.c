/* ini_template.c — the template language of `[name@file.tpl]` sections
 * (manual ch. 18.2).
 *
 *   {{VAR}}                    parameter, loop variable, {{#}} (block index)
 *                              or {{.FIELD}} (= ARRAY[#].FIELD of the block)
 *   {% block ARRAY %}          repeat ARRAY times; `{% block .SUB %}` inside a
 *   {% endblock [ARRAY] %}     block iterates ARRAY[#].SUB
 *   {% for V in range([S, ]E) %} ... {% endfor %}
 *   {% if VAR OP [VALUE] %} ... [{% else %} ...] {% endif %}
 *                              OP: == != exists not_exists
 *   {% include FILE %}         FILE rendered with the current parameters
 *
 * The text is parsed into a small tree (ini_template_parse.c), then
 * rendered here; every output line records the template line it came from
 * (ini_linemap) so that the INI parser, reading the output, reports errors
 * at the template's file:line with its include chain.
 */
#include "ini_template.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static n2d2_status oom(void) { return n2d2_error(N2D2_ERR_NOMEM, "out of memory"); }

/* ---- renderer -------------------------------------------------------------- */

typedef enum { SC_BLOCK, SC_FOR } scope_kind;

typedef struct scope {
    scope_kind kind;
    const char *name; /* block: full array name; for: variable */
    long long index;
    const struct scope *up;
} scope;

typedef struct renderer {
    n2d2_ini *ini;
    const n2d2_ini_section *params;
    ini_buf *out;
    ini_linemap *map;
    int at_line_start;
} renderer;

/* A looked-up value: points at a parameter or into `number`. */
typedef struct tvalue {
    const char *text;
    char number[32];
} tvalue;

typedef enum { LOOKUP_FOUND, LOOKUP_MISSING, LOOKUP_NO_BLOCK } lookup_result;

static const scope *innermost_block(const scope *sc)
{
    while (sc && sc->kind != SC_BLOCK)
        sc = sc->up;
    return sc;
}

/* `ARRAY[3]` + `.FIELD` */
static char *element_name(const scope *block, const char *field)
{
    ini_buf b = {0};
    if (ini_buf_printf(&b, "%s[%lld]%s", block->name, block->index, field) != N2D2_OK) {
        ini_buf_free(&b);
        return NULL;
    }
    return ini_buf_take(&b);
}

static lookup_result lookup(const renderer *r, const scope *sc, const char *name, tvalue *v,
                            n2d2_status *error)
{
    *error = N2D2_OK;
    if (strcmp(name, "#") == 0 || name[0] == '.') {
        const scope *block = innermost_block(sc);
        if (!block)
            return LOOKUP_NO_BLOCK;
        if (name[0] == '#') {
            snprintf(v->number, sizeof v->number, "%lld", block->index);
            v->text = v->number;
            return LOOKUP_FOUND;
        }
        char *key = element_name(block, name);
        if (!key) {
            *error = oom();
            return LOOKUP_MISSING;
        }
        const n2d2_ini_entry *e = n2d2_ini_entry_find(r->params, key);
        free(key);
        v->text = e ? e->raw : NULL;
        return e ? LOOKUP_FOUND : LOOKUP_MISSING;
    }
    for (const scope *s = sc; s; s = s->up) {
        if (s->kind == SC_FOR && strcmp(s->name, name) == 0) {
            snprintf(v->number, sizeof v->number, "%lld", s->index);
            v->text = v->number;
            return LOOKUP_FOUND;
        }
    }
    const n2d2_ini_entry *e = n2d2_ini_entry_find(r->params, name);
    v->text = e ? e->raw : NULL;
    return e ? LOOKUP_FOUND : LOOKUP_MISSING;
}

static n2d2_status report_unknown(const renderer *r, const scope *sc, const ini_src *src, int line,
                                  const char *name, lookup_result why)
{
    if (why == LOOKUP_NO_BLOCK)
        return ini_error_src(N2D2_ERR_PARSE, src, line,
                             "'{{%s}}' can only be used inside a '{%% block %%}'", name);
    if (name[0] == '.') {
        char *full = element_name(innermost_block(sc), name);
        n2d2_status st = ini_error_src(N2D2_ERR_NOT_FOUND, src, line,
                                       "unknown template parameter '%s' (for '{{%s}}')",
                                       full ? full : name, name);
        free(full);
        return st;
    }
    const char **names = malloc((r->params->count + 1) * sizeof *names);
    const char *hint = NULL;
    if (names) {
        for (size_t i = 0; i < r->params->count; ++i)
            names[i] = r->params->entries[i]->key;
        hint = ini_closest(name, names, r->params->count);
    }
    n2d2_status st = ini_error_src(N2D2_ERR_NOT_FOUND, src, line,
                                   "unknown template parameter '%s'%s%s%s", name,
                                   hint ? " (did you mean '" : "", hint ? hint : "",
                                   hint ? "'?)" : "");
    free(names);
    return st;
}

static n2d2_status lookup_required(const renderer *r, const scope *sc, const ini_src *src,
                                   int line, const char *name, tvalue *v)
{
    n2d2_status err;
    lookup_result found = lookup(r, sc, name, v, &err);
    if (err != N2D2_OK)
        return err;
    return found == LOOKUP_FOUND ? N2D2_OK : report_unknown(r, sc, src, line, name, found);
}

static n2d2_status emit(renderer *r, const ini_src *src, int line, const char *t, size_t n)
{
    size_t limit = ini_limits_current.max_rendered_bytes;
    if (n > limit - r->ini->rendered_bytes)
        return ini_error_src(N2D2_ERR_RANGE, src, line,
                             "template expansion larger than %zu bytes", limit);
    r->ini->rendered_bytes += n;
    while (n) {
        if (r->at_line_start) {
            n2d2_status st = ini_linemap_push(r->map, src, line);
            if (st != N2D2_OK)
                return st;
            r->at_line_start = 0;
        }
        const char *nl = memchr(t, '\n', n);
        size_t chunk = nl ? (size_t)(nl - t) + 1 : n;
        n2d2_status st = ini_buf_append(r->out, t, chunk);
        if (st != N2D2_OK)
            return st;
        if (nl) {
            ++line;
            r->at_line_start = 1;
        }
        t += chunk;
        n -= chunk;
    }
    return N2D2_OK;
}

static n2d2_status parse_integer(const ini_src *src, int line, const char *what, const char *text,
                                 long long *out)
{
    const char *s = text;
    size_t n = strlen(s);
    ini_trim(&s, &n);
    char buf[32];
    char *end = NULL;
    if (n > 0 && n < sizeof buf) {
        memcpy(buf, s, n);
        buf[n] = '\0';
        errno = 0;
        *out = strtoll(buf, &end, 10);
        if (errno == 0 && end == buf + n)
            return N2D2_OK;
    }
    return ini_error_src(N2D2_ERR_PARSE, src, line, "%s: '%s' is not an integer", what, text);
}

/* A range bound: an integer literal or the name of a parameter / variable. */
static n2d2_status eval_bound(const renderer *r, const scope *sc, const ini_src *src, int line,
                              const char *arg, long long *out)
{
    if ((arg[0] >= '0' && arg[0] <= '9') || arg[0] == '-' || arg[0] == '+')
        return parse_integer(src, line, "range bound", arg, out);
    tvalue v;
    n2d2_status st = lookup_required(r, sc, src, line, arg, &v);
    return st != N2D2_OK ? st : parse_integer(src, line, arg, v.text, out);
}

static n2d2_status spend_iterations(renderer *r, const ini_src *src, int line, long long count)
{
    unsigned long limit = ini_limits_current.max_iterations;
    if (count <= 0)
        return N2D2_OK;
    if ((unsigned long long)count > limit - r->ini->iterations)
        return ini_error_src(N2D2_ERR_RANGE, src, line,
                             "template expansion too large (more than %lu loop iterations)", limit);
    r->ini->iterations += (unsigned long)count;
    return N2D2_OK;
}

static n2d2_status render_list(renderer *r, const tnode *n, const scope *sc, const ini_src *src);

static n2d2_status render_block(renderer *r, const tnode *n, const scope *sc, const ini_src *src)
{
    char *array = NULL;
    if (n->name[0] == '.') { /* nested: iterate a field list of the current element */
        const scope *outer = innermost_block(sc);
        if (!outer)
            return report_unknown(r, sc, src, n->line, n->name, LOOKUP_NO_BLOCK);
        if (!(array = element_name(outer, n->name)))
            return oom();
    }
    const char *name = array ? array : n->name;
    tvalue v;
    long long count = 0;
    n2d2_status st = lookup_required(r, sc, src, n->line, name, &v);
    if (st == N2D2_OK)
        st = parse_integer(src, n->line, "block count", v.text, &count);
    if (st == N2D2_OK && count < 0)
        st = ini_error_src(N2D2_ERR_RANGE, src, n->line, "block count of '%s' is negative (%lld)",
                           name, count);
    if (st == N2D2_OK)
        st = spend_iterations(r, src, n->line, count);
    scope inner = {SC_BLOCK, name, 0, sc};
    for (long long i = 0; st == N2D2_OK && i < count; ++i) {
        inner.index = i;
        st = render_list(r, n->body, &inner, src);
    }
    free(array);
    return st;
}

static n2d2_status render_for(renderer *r, const tnode *n, const scope *sc, const ini_src *src)
{
    long long start = 0, end = 0;
    n2d2_status st = n->start ? eval_bound(r, sc, src, n->line, n->start, &start) : N2D2_OK;
    if (st == N2D2_OK)
        st = eval_bound(r, sc, src, n->line, n->end, &end);
    /* end - start may overflow for extreme bounds; the budget check needs it. */
    if (st == N2D2_OK && end > start) {
        if (start < 0 && end > LLONG_MAX + start)
            st = spend_iterations(r, src, n->line, LLONG_MAX);
        else
            st = spend_iterations(r, src, n->line, end - start);
    }
    scope inner = {SC_FOR, n->name, 0, sc};
    for (long long i = start; st == N2D2_OK && i < end; ++i) {
        inner.index = i;
        st = render_list(r, n->body, &inner, src);
    }
    return st;
}

static n2d2_status render_if(renderer *r, const tnode *n, const scope *sc, const ini_src *src)
{
    tvalue v;
    n2d2_status err;
    lookup_result found = lookup(r, sc, n->name, &v, &err);
    if (err != N2D2_OK)
        return err;
    if (found == LOOKUP_NO_BLOCK)
        return report_unknown(r, sc, src, n->line, n->name, found);
    int truth;
    if (n->op == IF_EXISTS || n->op == IF_NOT_EXISTS) {
        truth = (found == LOOKUP_FOUND) == (n->op == IF_EXISTS);
    } else {
        if (found != LOOKUP_FOUND)
            return report_unknown(r, sc, src, n->line, n->name, found);
        const char *left = v.text;
        tvalue w;
        const char *right = n->value;
        if (n->value_is_var) {
            n2d2_status st = lookup_required(r, sc, src, n->line, n->value, &w);
            if (st != N2D2_OK)
                return st;
            right = w.text;
        }
        truth = (strcmp(left, right) == 0) == (n->op == IF_EQ);
    }
    return render_list(r, truth ? n->body : n->alt, sc, src);
}

/* `{{X}}` inside an include file name. */
static n2d2_status expand_inline(const renderer *r, const scope *sc, const ini_src *src, int line,
                                 const char *text, char **out)
{
    ini_buf b = {0};
    n2d2_status st = N2D2_OK;
    const char *s = text;
    while (st == N2D2_OK && *s) {
        const char *open = strstr(s, "{{");
        const char *close = open ? strstr(open + 2, "}}") : NULL;
        if (!close) {
            st = ini_buf_puts(&b, s);
            break;
        }
        st = ini_buf_append(&b, s, (size_t)(open - s));
        char *name = st == N2D2_OK ? ini_strndup_trimmed(open + 2, (size_t)(close - open - 2)) : NULL;
        tvalue v;
        if (st == N2D2_OK && !name)
            st = oom();
        if (st == N2D2_OK)
            st = lookup_required(r, sc, src, line, name, &v);
        if (st == N2D2_OK)
            st = ini_buf_puts(&b, v.text);
        free(name);
        s = close + 2;
    }
    if (st == N2D2_OK && !(*out = ini_buf_take(&b)))
        st = oom();
    ini_buf_free(&b);
    return st;
}

static n2d2_status render_include(renderer *r, const tnode *n, const scope *sc, const ini_src *src)
{
    char *written = NULL;
    n2d2_status st = expand_inline(r, sc, src, n->line, n->name, &written);
    if (st != N2D2_OK)
        return st;
    const ini_src *child;
    char *text;
    size_t len;
    st = ini_open_include(r->ini, src, n->line, written, &child, &text, &len);
    free(written);
    if (st != N2D2_OK)
        return st;
    tnode *root;
    st = ini_template_parse(child, text, len, &root);
    if (st == N2D2_OK)
        st = render_list(r, root, sc, child);
    ini_template_free(root);
    free(text);
    return st;
}

static n2d2_status render_list(renderer *r, const tnode *n, const scope *sc, const ini_src *src)
{
    n2d2_status st = N2D2_OK;
    for (; n && st == N2D2_OK; n = n->next) {
        switch (n->kind) {
        case TN_TEXT:
            st = emit(r, src, n->line, n->text, n->len);
            break;
        case TN_VAR: {
            tvalue v;
            st = lookup_required(r, sc, src, n->line, n->name, &v);
            if (st == N2D2_OK)
                st = emit(r, src, n->line, v.text, strlen(v.text));
            break;
        }
        case TN_BLOCK:
            st = render_block(r, n, sc, src);
            break;
        case TN_FOR:
            st = render_for(r, n, sc, src);
            break;
        case TN_IF:
            st = render_if(r, n, sc, src);
            break;
        case TN_INCLUDE:
            st = render_include(r, n, sc, src);
            break;
        }
    }
    return st;
}

n2d2_status ini_template_render(n2d2_ini *ini, const ini_src *src, const char *text, size_t len,
                                const n2d2_ini_section *params, ini_buf *out, ini_linemap *map)
{
    tnode *root;
    n2d2_status st = ini_template_parse(src, text, len, &root);
    if (st != N2D2_OK)
        return st;
    renderer r = {ini, params, out, map, 1};
    st = render_list(&r, root, NULL, src);
    ini_template_free(root);
    return st;
}
