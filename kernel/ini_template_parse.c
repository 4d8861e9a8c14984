/* ini_template_parse.c — template text to a tree of nodes (see
 * ini_template.c for the language). Tags and `{{` must close on their own
 * line. A line holding nothing but one `{% ... %}` tag (and blanks) is
 * dropped with its newline, so control statements leave no blank lines
 * (Jinja's trim_blocks + lstrip_blocks). */
#include "ini_template.h"

#include <stdlib.h>
#include <string.h>

void ini_template_free(tnode *n)
{
    while (n) {
        tnode *next = n->next;
        ini_template_free(n->body);
        ini_template_free(n->alt);
        free(n->name);
        free(n->start);
        free(n->end);
        free(n->value);
        free(n);
        n = next;
    }
}

/* ---- parser ---------------------------------------------------------------- */

typedef enum { END_EOF, END_ENDBLOCK, END_ENDFOR, END_ENDIF, END_ELSE } tend;

static const char *const end_tag_names[] = {"end of file", "{% endblock %}", "{% endfor %}",
                                            "{% endif %}", "{% else %}"};

typedef struct tparser {
    const ini_src *src;
    const char *s;
    size_t len;
    size_t pos;
    int line; /* line of s[pos] */
} tparser;

/* How a nested list ended. */
typedef struct tstop {
    tend kind;
    int line;
    char *arg; /* `{% endblock NAME %}` */
} tstop;

static n2d2_status parse_nodes(tparser *p, int nesting, tnode **head, tstop *stop);

static n2d2_status oom(void) { return n2d2_error(N2D2_ERR_NOMEM, "out of memory"); }

static tnode *new_node(tn_kind kind, int line)
{
    tnode *n = calloc(1, sizeof *n);
    if (n) {
        n->kind = kind;
        n->line = line;
    }
    return n;
}

static int count_newlines(const char *s, size_t n)
{
    int lines = 0;
    for (const char *e = s + n; (s = memchr(s, '\n', (size_t)(e - s))) != NULL; ++s)
        ++lines;
    return lines;
}

/* Next `{{` or `{%` at or after `from`, or len. */
static size_t find_open(const char *s, size_t len, size_t from)
{
    for (size_t i = from; i + 1 < len; ++i) {
        const char *b = memchr(s + i, '{', len - i - 1);
        if (!b)
            return len;
        i = (size_t)(b - s);
        if (s[i + 1] == '{' || s[i + 1] == '%')
            return i;
    }
    return len;
}

/* Position of `close` (2 chars) on the same line after `from`, or len. */
static size_t find_close(const char *s, size_t len, size_t from, const char *close)
{
    for (size_t i = from; i + 1 < len && s[i] != '\n'; ++i)
        if (s[i] == close[0] && s[i + 1] == close[1])
            return i;
    return len;
}

static int is_word_end(char c) { return c == '\0' || ini_is_blank(c); }

/* Split "word rest" (content is NUL-terminated and trimmed). */
static const char *split_word(const char *content, size_t *word_len)
{
    size_t n = 0;
    while (!is_word_end(content[n]))
        ++n;
    *word_len = n;
    const char *rest = content + n;
    while (ini_is_blank(*rest))
        ++rest;
    return rest;
}

static int word_is(const char *w, size_t n, const char *lit)
{
    return strlen(lit) == n && memcmp(w, lit, n) == 0;
}

/* `{{X}}` -> `X` (used where a name may be written either way). */
static char *strip_braces(const char *s, size_t n)
{
    ini_trim(&s, &n);
    if (n >= 4 && s[0] == '{' && s[1] == '{' && s[n - 2] == '}' && s[n - 1] == '}')
        return ini_strndup_trimmed(s + 2, n - 4);
    return ini_strndup(s, n);
}

static n2d2_status syntax_error(const tparser *p, int line, const char *what, const char *tag)
{
    return ini_error_src(N2D2_ERR_PARSE, p->src, line, "%s: '{%% %s %%}'", what, tag);
}

static n2d2_status parse_for(tparser *p, tnode *n, const char *tag, const char *rest)
{
    const char *usage = "malformed for loop (expected 'for VAR in range([START, ]END)')";
    size_t vlen = 0;
    while (ini_is_ident_char(rest[vlen]))
        ++vlen;
    const char *r = rest + vlen;
    while (ini_is_blank(*r))
        ++r;
    if (!vlen || strncmp(r, "in", 2) != 0 || !ini_is_blank(r[2]))
        return syntax_error(p, n->line, usage, tag);
    r += 2;
    while (ini_is_blank(*r))
        ++r;
    if (strncmp(r, "range", 5) != 0)
        return syntax_error(p, n->line, usage, tag);
    r += 5;
    while (ini_is_blank(*r))
        ++r;
    size_t rlen = strlen(r);
    if (*r != '(' || rlen < 2 || r[rlen - 1] != ')')
        return syntax_error(p, n->line, usage, tag);
    const char *args = r + 1, *comma = memchr(args, ',', rlen - 2);
    size_t args_len = rlen - 2;
    n->name = ini_strndup(rest, vlen);
    if (comma) {
        n->start = strip_braces(args, (size_t)(comma - args));
        n->end = strip_braces(comma + 1, args_len - (size_t)(comma - args) - 1);
    } else {
        n->end = strip_braces(args, args_len);
    }
    if (!n->name || !n->end || (comma && !n->start))
        return oom();
    if (!n->end[0] || (n->start && !n->start[0]) || strchr(n->end, ','))
        return syntax_error(p, n->line, usage, tag);
    return N2D2_OK;
}

static n2d2_status parse_if(tparser *p, tnode *n, const char *tag, const char *rest)
{
    const char *usage = "malformed if (expected 'if VAR ==|!=|exists|not_exists [VALUE]')";
    size_t vlen = 0;
    while (rest[vlen] && !ini_is_blank(rest[vlen]) && strncmp(rest + vlen, "==", 2) != 0 &&
           strncmp(rest + vlen, "!=", 2) != 0)
        ++vlen;
    const char *r = rest + vlen;
    while (ini_is_blank(*r))
        ++r;
    size_t olen = 0;
    if (strncmp(r, "==", 2) == 0 || strncmp(r, "!=", 2) == 0) {
        n->op = r[0] == '=' ? IF_EQ : IF_NE;
        olen = 2;
    } else if (strncmp(r, "not_exists", 10) == 0 && is_word_end(r[10])) {
        n->op = IF_NOT_EXISTS;
        olen = 10;
    } else if (strncmp(r, "exists", 6) == 0 && is_word_end(r[6])) {
        n->op = IF_EXISTS;
        olen = 6;
    }
    if (!vlen || !olen)
        return syntax_error(p, n->line, usage, tag);
    n->name = strip_braces(rest, vlen);
    const char *v = r + olen;
    size_t v_len = strlen(v);
    ini_trim(&v, &v_len);
    if (!n->name)
        return oom();
    if ((n->op == IF_EXISTS || n->op == IF_NOT_EXISTS) != (v_len == 0))
        return syntax_error(p, n->line, usage, tag);
    if (v_len >= 4 && v[0] == '{' && v[1] == '{' && v[v_len - 2] == '}' && v[v_len - 1] == '}') {
        n->value_is_var = 1;
        n->value = strip_braces(v, v_len);
    } else if (v_len >= 2 && v[0] == '"' && v[v_len - 1] == '"') {
        n->value = ini_strndup(v + 1, v_len - 2);
    } else {
        n->value = ini_strndup(v, v_len);
    }
    return n->value ? N2D2_OK : oom();
}

static n2d2_status expect_stop(const tparser *p, const tnode *open, const char *open_tag,
                               const tstop *got, tend want1, tend want2)
{
    if (got->kind == want1 || got->kind == want2)
        return N2D2_OK;
    if (got->kind == END_EOF)
        return ini_error_src(N2D2_ERR_PARSE, p->src, open->line,
                             "unclosed '{%% %s %%}' (missing %s)", open_tag,
                             end_tag_names[want1]);
    return ini_error_src(N2D2_ERR_PARSE, p->src, got->line,
                         "unexpected %s inside '{%% %s %%}' opened at line %d",
                         end_tag_names[got->kind], open_tag, open->line);
}

static n2d2_status parse_body(tparser *p, int nesting, tnode *n, const char *tag, tend want1,
                              tend want2, tstop *stop)
{
    n2d2_status st = parse_nodes(p, nesting + 1, &n->body, stop);
    if (st == N2D2_OK)
        st = expect_stop(p, n, tag, stop, want1, want2);
    return st;
}

/* A `{% ... %}` tag whose trimmed content is `tag` (NUL-terminated). Either
 * appends a node to *tail or reports a terminator through *stop. */
static n2d2_status parse_tag(tparser *p, int nesting, int line, const char *tag, tnode **out,
                             tstop *stop)
{
    size_t wlen;
    const char *rest = split_word(tag, &wlen);
    static const struct { const char *word; tend kind; } terminators[] = {
        {"endblock", END_ENDBLOCK}, {"endfor", END_ENDFOR}, {"endif", END_ENDIF},
        {"else", END_ELSE}};
    *out = NULL;
    for (size_t i = 0; i < sizeof terminators / sizeof terminators[0]; ++i) {
        if (!word_is(tag, wlen, terminators[i].word))
            continue;
        if (*rest && terminators[i].kind != END_ENDBLOCK)
            return syntax_error(p, line, "unexpected text after the keyword", tag);
        stop->kind = terminators[i].kind;
        stop->line = line;
        stop->arg = *rest ? ini_strdup(rest) : NULL;
        return *rest && !stop->arg ? oom() : N2D2_OK;
    }
    if (nesting >= ini_limits_current.max_template_nesting)
        return ini_error_src(N2D2_ERR_RANGE, p->src, line,
                             "template statements nested more than %d levels deep",
                             ini_limits_current.max_template_nesting);
    tnode *n = NULL;
    n2d2_status st = N2D2_OK;
    tstop inner = {END_EOF, 0, NULL};
    if (word_is(tag, wlen, "block")) {
        if (!*rest || strpbrk(rest, " \t"))
            return syntax_error(p, line, "malformed block (expected 'block NAME')", tag);
        if (!(n = new_node(TN_BLOCK, line)) || !(n->name = ini_strdup(rest))) {
            free(n);
            return oom();
        }
        st = parse_body(p, nesting, n, tag, END_ENDBLOCK, END_ENDBLOCK, &inner);
        if (st == N2D2_OK && inner.arg && strcmp(inner.arg, n->name) != 0)
            st = ini_error_src(N2D2_ERR_PARSE, p->src, inner.line,
                               "'{%% endblock %s %%}' closes '{%% block %s %%}'", inner.arg,
                               n->name);
    } else if (word_is(tag, wlen, "for")) {
        if (!(n = new_node(TN_FOR, line)))
            return oom();
        st = parse_for(p, n, tag, rest);
        if (st == N2D2_OK)
            st = parse_body(p, nesting, n, tag, END_ENDFOR, END_ENDFOR, &inner);
    } else if (word_is(tag, wlen, "if")) {
        if (!(n = new_node(TN_IF, line)))
            return oom();
        st = parse_if(p, n, tag, rest);
        if (st == N2D2_OK)
            st = parse_body(p, nesting, n, tag, END_ENDIF, END_ELSE, &inner);
        if (st == N2D2_OK && inner.kind == END_ELSE) {
            int else_line = inner.line;
            st = parse_nodes(p, nesting + 1, &n->alt, &inner);
            if (st == N2D2_OK && inner.kind != END_ENDIF) {
                tnode at_else = {.line = else_line};
                st = expect_stop(p, inner.kind == END_EOF ? n : &at_else, tag, &inner, END_ENDIF,
                                 END_ENDIF);
            }
        }
    } else if (word_is(tag, wlen, "include")) {
        if (!*rest)
            return syntax_error(p, line, "malformed include (expected 'include FILENAME')", tag);
        if (!(n = new_node(TN_INCLUDE, line)))
            return oom();
        size_t rlen = strlen(rest);
        n->name = rlen >= 2 && rest[0] == '"' && rest[rlen - 1] == '"'
                      ? ini_strndup(rest + 1, rlen - 2)
                      : ini_strdup(rest);
        if (!n->name)
            st = oom();
    } else {
        return ini_error_src(N2D2_ERR_PARSE, p->src, line,
                             "unknown template directive '%.*s' (expected block, for, if, "
                             "include or their end tags)",
                             (int)(wlen > 40 ? 40 : wlen), tag);
    }
    free(inner.arg);
    if (st != N2D2_OK) {
        ini_template_free(n);
        return st;
    }
    *out = n;
    return N2D2_OK;
}

/* The tag at [open, close) sits alone on its line: drop the line. */
static int tag_alone_on_line(const tparser *p, size_t open, size_t after, size_t *line_start,
                             size_t *resume)
{
    size_t ls = open;
    while (ls > p->pos && ini_is_blank(p->s[ls - 1]) && p->s[ls - 1] != '\r')
        --ls;
    if (!(ls == 0 || p->s[ls - 1] == '\n'))
        return 0;
    size_t j = after;
    while (j < p->len && ini_is_blank(p->s[j]))
        ++j;
    if (j < p->len && p->s[j] != '\n')
        return 0;
    *line_start = ls;
    *resume = j < p->len ? j + 1 : j;
    return 1;
}

static n2d2_status append_node(tnode ***tail, tnode *n)
{
    if (!n)
        return oom();
    **tail = n;
    *tail = &n->next;
    return N2D2_OK;
}

static n2d2_status add_text(tnode ***tail, const char *s, size_t n, int line)
{
    if (!n)
        return N2D2_OK;
    tnode *t = new_node(TN_TEXT, line);
    if (t) {
        t->text = s;
        t->len = n;
    }
    return append_node(tail, t);
}

static n2d2_status parse_var(tparser *p, size_t open, size_t close, tnode ***tail)
{
    const char *name = p->s + open + 2;
    size_t n = close - open - 2;
    ini_trim(&name, &n);
    if (!n)
        return ini_error_src(N2D2_ERR_PARSE, p->src, p->line, "empty '{{}}'");
    tnode *v = new_node(TN_VAR, p->line);
    if (v && !(v->name = ini_strndup(name, n))) {
        free(v);
        v = NULL;
    }
    return append_node(tail, v);
}

static n2d2_status parse_nodes(tparser *p, int nesting, tnode **head, tstop *stop)
{
    tnode **tail = head;
    stop->kind = END_EOF;
    stop->arg = NULL;
    for (;;) {
        size_t open = find_open(p->s, p->len, p->pos);
        int is_tag = open < p->len && p->s[open + 1] == '%';
        size_t close = open < p->len ? find_close(p->s, p->len, open + 2, is_tag ? "%}" : "}}")
                                     : p->len;
        size_t text_end = open, resume = close + 2;
        if (open < p->len && close >= p->len)
            return ini_error_src(N2D2_ERR_PARSE, p->src, p->line + count_newlines(p->s + p->pos,
                                                                                open - p->pos),
                                 "unclosed '%s' (expected '%s' on the same line)",
                                 is_tag ? "{%" : "{{", is_tag ? "%}" : "}}");
        int alone = is_tag && tag_alone_on_line(p, open, close + 2, &text_end, &resume);
        n2d2_status st = add_text(&tail, p->s + p->pos, text_end - p->pos, p->line);
        if (st != N2D2_OK)
            return st;
        p->line += count_newlines(p->s + p->pos, open - p->pos);
        if (open >= p->len) {
            p->pos = p->len;
            return N2D2_OK;
        }
        int tag_line = p->line;
        if (!is_tag) {
            st = parse_var(p, open, close, &tail);
            p->pos = close + 2;
            if (st != N2D2_OK)
                return st;
            continue;
        }
        char *tag = ini_strndup_trimmed(p->s + open + 2, close - open - 2);
        if (!tag)
            return oom();
        p->pos = resume;
        if (alone && resume > close + 2 && p->s[resume - 1] == '\n')
            p->line++;
        tnode *n = NULL;
        st = parse_tag(p, nesting, tag_line, tag, &n, stop);
        free(tag);
        if (st != N2D2_OK)
            return st;
        if (stop->kind != END_EOF)
            return N2D2_OK;
        if ((st = append_node(&tail, n)) != N2D2_OK)
            return st;
    }
}

n2d2_status ini_template_parse(const ini_src *src, const char *text, size_t len, tnode **root)
{
    tstop stop = {END_EOF, 0, NULL};
    *root = NULL;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) { /* UTF-8 byte order mark */
        text += 3;
        len -= 3;
    }
    tparser p = {src, text, len, 0, 1};
    n2d2_status st = parse_nodes(&p, 0, root, &stop);
    free(stop.arg);
    if (st == N2D2_OK && stop.kind != END_EOF)
        st = ini_error_src(N2D2_ERR_PARSE, src, stop.line, "%s without a matching opening tag",
                           end_tag_names[stop.kind]);
    if (st != N2D2_OK) {
        ini_template_free(*root);
        *root = NULL;
    }
    return st;
}
