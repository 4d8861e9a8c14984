/* Line-by-line CSV reader: a row is split into fields (quotes honoured),
 * the label field is kept as text, every other field must be a number. */
#include "csv_parse.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIELD 4096

typedef struct field {
    char *text; /* unquoted, NUL-terminated copy */
    int quoted;
} field;

typedef struct row {
    field *f;
    size_t n, cap;
} row;

static void row_clear(row *r)
{
    for (size_t i = 0; i < r->n; ++i)
        free(r->f[i].text);
    r->n = 0;
}

static int is_sep(char c) { return c == ',' || c == ';' || c == '\t'; }
static int is_blank(char c) { return c == ' ' || c == '\r'; }

static n2d2_status push_field(row *r, const char *s, size_t n, int quoted)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        field *f = realloc(r->f, cap * sizeof *f);
        if (!f)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory reading CSV");
        r->f = f;
        r->cap = cap;
    }
    char *text = malloc(n + 1);
    if (!text)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory reading CSV");
    size_t k = 0;
    for (size_t i = 0; i < n; ++i) {
        text[k++] = s[i];
        if (quoted && s[i] == '"')
            ++i; /* "" inside quotes */
    }
    text[k] = '\0';
    r->f[r->n++] = (field){text, quoted};
    return N2D2_OK;
}

/* Split line [p, end) into r. */
static n2d2_status split(const char *p, const char *end, const char *name, size_t line, row *r)
{
    row_clear(r);
    for (;;) {
        while (p < end && is_blank(*p))
            ++p;
        const char *start = p;
        size_t n;
        int quoted = p < end && *p == '"';
        if (quoted) {
            start = ++p;
            while (p < end && !(*p == '"' && (p + 1 >= end || p[1] != '"')))
                p += (*p == '"') ? 2 : 1;
            if (p >= end)
                return n2d2_error(N2D2_ERR_PARSE, "%s:%zu: unterminated quote in column %zu",
                                  name, line, r->n + 1);
            n = (size_t)(p - start);
            ++p;
            while (p < end && is_blank(*p))
                ++p;
            if (p < end && !is_sep(*p))
                return n2d2_error(N2D2_ERR_PARSE,
                                  "%s:%zu: text after the closing quote of column %zu", name,
                                  line, r->n + 1);
        } else {
            while (p < end && !is_sep(*p))
                ++p;
            n = (size_t)(p - start);
            while (n > 0 && is_blank(start[n - 1]))
                --n;
        }
        n2d2_status st = push_field(r, start, n, quoted);
        if (st != N2D2_OK)
            return st;
        if (p >= end)
            return N2D2_OK;
        ++p; /* separator */
    }
}

static n2d2_status grow_rows(csv_table *t)
{
    if (t->n_rows < t->cap_rows)
        return N2D2_OK;
    size_t cap = t->cap_rows ? t->cap_rows * 2 : 256;
    float *v = realloc(t->values, cap * (t->n_values ? t->n_values : 1) * sizeof *v);
    if (v)
        t->values = v;
    char **l = v ? realloc(t->labels, cap * sizeof *l) : NULL;
    if (l)
        t->labels = l;
    size_t *ln = l ? realloc(t->lines, cap * sizeof *ln) : NULL;
    if (ln)
        t->lines = ln;
    unsigned *fi = ln ? realloc(t->files, cap * sizeof *fi) : NULL;
    if (!fi)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory reading CSV (%zu rows)", t->n_rows);
    t->files = fi;
    t->cap_rows = cap;
    return N2D2_OK;
}

static n2d2_status add_row(csv_table *t, const row *r, const char *name, unsigned file_id,
                           size_t line, long label_column)
{
    long col = label_column < 0 ? (long)r->n + label_column : label_column;
    if (col < 0 || col >= (long)r->n)
        return n2d2_error(N2D2_ERR_PARSE,
                          "%s:%zu: LabelColumn=%ld is outside this row of %zu columns", name, line,
                          label_column, r->n);
    if (t->n_values == 0 && t->n_rows == 0) {
        if (r->n < 2)
            return n2d2_error(N2D2_ERR_PARSE,
                              "%s:%zu: a row needs at least one value and a label (1 column "
                              "found)", name, line);
        t->n_values = r->n - 1;
    } else if (r->n != t->n_values + 1) {
        return n2d2_error(N2D2_ERR_PARSE, "%s:%zu: %zu columns, but the first row (%s%zu) has %zu",
                          name, line, r->n, t->n_rows ? "line " : "", t->n_rows ? t->lines[0] : 0,
                          t->n_values + 1);
    }
    n2d2_status st = grow_rows(t);
    if (st != N2D2_OK)
        return st;
    float *v = t->values + t->n_rows * t->n_values;
    for (size_t i = 0, k = 0; i < r->n; ++i) {
        if ((long)i == col)
            continue;
        const char *s = r->f[i].text;
        char *endp;
        errno = 0;
        double x = strtod(s, &endp);
        if (!*s || *endp || (errno == ERANGE && fabs(x) > 1.0) || !isfinite(x) || fabs(x) > 3.4e38)
            return n2d2_error(N2D2_ERR_PARSE, "%s:%zu: column %zu: '%.40s' is not a finite number",
                              name, line, i + 1, s);
        v[k++] = (float)x;
    }
    if (!*r->f[col].text)
        return n2d2_error(N2D2_ERR_PARSE, "%s:%zu: empty label (column %ld)", name, line, col + 1);
    t->labels[t->n_rows] = r->f[col].text;
    r->f[col].text = NULL; /* now owned by the table */
    t->files[t->n_rows] = file_id;
    t->lines[t->n_rows++] = line;
    return N2D2_OK;
}

n2d2_status csv_parse(const char *buf, size_t len, const char *name, unsigned file_id,
                      size_t header_lines, long label_column, csv_table *t)
{
    row r = {0};
    n2d2_status st = N2D2_OK;
    size_t line = 0;
    const char *p = buf, *end = buf + len;
    while (p < end && st == N2D2_OK) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        ++line;
        const char *q = p;
        while (q < eol && (is_blank(*q) || *q == '\t'))
            ++q;
        if (line > header_lines && q < eol) {
            if (memchr(p, '\0', (size_t)(eol - p)))
                st = n2d2_error(N2D2_ERR_PARSE, "%s:%zu: NUL byte: not a text file", name, line);
            else
                st = split(p, eol, name, line, &r);
            if (st == N2D2_OK)
                st = add_row(t, &r, name, file_id, line, label_column);
        }
        p = eol < end ? eol + 1 : end;
    }
    row_clear(&r);
    free(r.f);
    return st;
}

void csv_free(csv_table *t)
{
    for (size_t i = 0; i < t->n_rows; ++i)
        free(t->labels[i]);
    free(t->values);
    free(t->labels);
    free(t->lines);
    free(t->files);
    memset(t, 0, sizeof *t);
}
