/* WISDM Actitracker raw records (see acti_parse.h). */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include "acti_parse.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dbmore.h"
#include "n2d2/n2d2.h"

#define MAX_WARNINGS 10

void acti_free(acti_data *d)
{
    free(d->xyz);
    free(d->activity);
    for (size_t i = 0; i < d->n_names; ++i)
        free(d->names[i]);
    free(d->names);
    memset(d, 0, sizeof *d);
}

static int activity_id(acti_data *d, const char *name)
{
    for (size_t i = 0; i < d->n_names; ++i)
        if (strcmp(d->names[i], name) == 0)
            return (int)i;
    if (d->n_names == d->cap_names) {
        size_t cap = d->cap_names ? 2 * d->cap_names : 8;
        char **grown = realloc(d->names, cap * sizeof *grown);
        if (!grown)
            return -1;
        d->names = grown;
        d->cap_names = cap;
    }
    if ((d->names[d->n_names] = strdup(name)) == NULL)
        return -1;
    return (int)d->n_names++;
}

static int parse_number(const char *s, double *out)
{
    char *end;
    errno = 0;
    *out = strtod(s, &end);
    return *s && end != s && *end == '\0' && errno != ERANGE && isfinite(*out);
}

static int parse_integer(const char *s)
{
    char *end;
    errno = 0;
    (void)strtoll(s, &end, 10);
    return *s && end != s && *end == '\0' && errno != ERANGE;
}

/* One record (without its ';'), already trimmed and non-empty. */
static n2d2_status parse_record(char *rec, const char *path, size_t line, int unlabeled,
                                acti_data *d)
{
    static const char *const what[6] = {"user", "activity", "timestamp", "x-acceleration",
                                        "y-acceleration", "z-acceleration"};
    char *field[6];
    size_t n = 0;
    for (char *p = rec;; ++n) {
        char *comma = strchr(p, ',');
        if (n < 6)
            field[n] = p;
        if (!comma) {
            ++n;
            break;
        }
        *comma = '\0';
        p = comma + 1;
    }
    for (size_t k = 0; k < n && k < 6; ++k)
        field[k] = dbm_trim(field[k]);
    if (n >= 2 && field[1][0] == '\0' && !unlabeled) {
        if (d->n_skipped++ < MAX_WARNINGS)
            n2d2_log_warn("%s:%zu: record without activity, skipped", path, line);
        return N2D2_OK;
    }
    if (n != 6)
        return n2d2_error(N2D2_ERR_PARSE,
                          "%s:%zu: %zu fields, expected 6 "
                          "(user,activity,timestamp,x,y,z;)", path, line, n);
    if (!parse_integer(field[0]))
        return n2d2_error(N2D2_ERR_PARSE, "%s:%zu: unreadable user '%s'", path, line, field[0]);
    if (!parse_integer(field[2]))
        return n2d2_error(N2D2_ERR_PARSE, "%s:%zu: unreadable timestamp '%s'", path, line,
                          field[2]);
    double v[3];
    for (int k = 0; k < 3; ++k)
        if (!parse_number(field[3 + k], &v[k]))
            return n2d2_error(N2D2_ERR_PARSE, "%s:%zu: unreadable %s '%s'", path, line,
                              what[3 + k], field[3 + k]);
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 1024;
        float *xyz = realloc(d->xyz, 3 * cap * sizeof *xyz);
        if (xyz)
            d->xyz = xyz;
        int *act = realloc(d->activity, cap * sizeof *act);
        if (act)
            d->activity = act;
        if (!xyz || !act)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory reading %s", path);
        d->cap = cap;
    }
    int id = activity_id(d, field[1]);
    if (id < 0)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory reading %s", path);
    for (int k = 0; k < 3; ++k)
        d->xyz[3 * d->n + (size_t)k] = (float)v[k];
    d->activity[d->n++] = id;
    return N2D2_OK;
}

n2d2_status acti_parse(char *text, size_t size, const char *path, int unlabeled,
                       acti_data *out)
{
    memset(out, 0, sizeof *out);
    if (memchr(text, '\0', size))
        return n2d2_error(N2D2_ERR_PARSE, "%s: byte offset %zu: NUL byte in a text file", path,
                          (size_t)((char *)memchr(text, '\0', size) - text));
    dbm_lines lines;
    dbm_lines_init(&lines, text, size);
    n2d2_status st = N2D2_OK;
    char *line;
    while (st == N2D2_OK && (line = dbm_lines_next(&lines)) != NULL) {
        /* records end with ';' (the last one's may be missing) */
        for (char *rec = line; st == N2D2_OK && rec;) {
            char *semi = strchr(rec, ';');
            if (semi)
                *semi = '\0';
            char *t = dbm_trim(rec);
            if (*t)
                st = parse_record(t, path, lines.line_no, unlabeled, out);
            rec = semi ? semi + 1 : NULL;
        }
    }
    if (st == N2D2_OK && out->n_skipped > MAX_WARNINGS)
        n2d2_log_warn("%s: %zu records without activity skipped in all", path, out->n_skipped);
    if (st != N2D2_OK)
        acti_free(out);
    return st;
}
