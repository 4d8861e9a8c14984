/* Database labels → output classes: the default mapping (label i → output
 * i) and LabelsMapping files (manual ch. 23.1): "name index" lines, `#`
 * comments, `*` = label -1, `default` = every other label, `*`/`+`
 * wildcards inside names, index -1 = ignored. */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "target_internal.h"

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

int n2d2_tgt_wildcard_match(const char *p, const char *s)
{
    for (; *p; ++p) {
        if (*p == '*') {
            /* one or more characters: try every split after the first */
            if (!*s)
                return 0;
            for (const char *t = s + 1;; ++t) {
                if (n2d2_tgt_wildcard_match(p + 1, t))
                    return 1;
                if (!*t)
                    return 0;
            }
        }
        if (!*s || (*p != '+' && *p != *s))
            return 0;
        ++s;
    }
    return *s == '\0';
}

static int has_wildcard(const char *s)
{
    return strchr(s, '*') || strchr(s, '+');
}

void n2d2_tgt_mapping_free(n2d2_tgt_mapping *m)
{
    if (!m)
        return;
    for (size_t i = 0; m->label_names && i < m->n_labels; ++i)
        free(m->label_names[i]);
    free(m->label_names);
    free(m->class_of);
    free(m->rule_line);
    free(m->file);
    memset(m, 0, sizeof *m);
}

static n2d2_status copy_labels(n2d2_tgt_mapping *m, const n2d2_database *db)
{
    m->n_labels = db ? n2d2_database_label_count(db) : 0;
    size_t n = m->n_labels ? m->n_labels : 1;
    m->label_names = calloc(n, sizeof *m->label_names);
    m->class_of = calloc(n, sizeof *m->class_of);
    m->rule_line = calloc(n, sizeof *m->rule_line);
    if (!m->label_names || !m->class_of || !m->rule_line)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < m->n_labels; ++i) {
        const char *name = n2d2_database_label_name(db, (int)i);
        m->label_names[i] = dup_str(name ? name : "");
        if (!m->label_names[i])
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    }
    return N2D2_OK;
}

/* A wildcard line, applied after the exact names. */
typedef struct rule {
    char *pattern;
    int cls;
    int line;
} rule;

typedef struct parser {
    n2d2_tgt_mapping *m;
    const char *file;
    int create_missing;
    rule *wild;
    size_t n_wild, cap_wild;
    int default_cls, default_line;
} parser;

static n2d2_status unknown_label(parser *ps, int line, const char *name)
{
    n2d2_tgt_mapping *m = ps->m;
    size_t idx[3];
    size_t n = n2d2_suggest(name, (const char *const *)m->label_names, m->n_labels, idx, 3);
    char hint[256] = "";
    if (n > 0) {
        size_t len = (size_t)snprintf(hint, sizeof hint, " (did you mean");
        for (size_t i = 0; i < n && len < sizeof hint; ++i)
            len += (size_t)snprintf(hint + len, sizeof hint - len, "%s '%s'", i ? "," : "",
                                    m->label_names[idx[i]]);
        if (len < sizeof hint)
            snprintf(hint + len, sizeof hint - len, "?)");
    }
    return n2d2_error_at(N2D2_ERR_NOT_FOUND, ps->file, line,
                         "label '%s' is not in the database%s (CreateMissingLabels=1 accepts it)",
                         name, hint);
}

static n2d2_status parse_line(parser *ps, char *text, int line)
{
    n2d2_tgt_mapping *m = ps->m;
    char *save = NULL;
    char *name = strtok_r(text, " \t\r\n", &save);
    if (!name || name[0] == '#')
        return N2D2_OK; /* blank or comment */
    char *index = strtok_r(NULL, " \t\r\n", &save);
    char *extra = strtok_r(NULL, " \t\r\n", &save);
    if (!index)
        return n2d2_error_at(N2D2_ERR_PARSE, ps->file, line,
                             "expected '<label name> <output index>', got only '%s'", name);
    if (extra && extra[0] != '#')
        return n2d2_error_at(N2D2_ERR_PARSE, ps->file, line,
                             "unexpected '%s' after '%s %s' (label names cannot hold spaces)",
                             extra, name, index);
    int64_t v;
    if (!n2d2_parse_int(index, &v))
        return n2d2_error_at(N2D2_ERR_PARSE, ps->file, line,
                             "output index '%s' of label '%s' is not an integer", index, name);
    int64_t max = m->n_outputs > 1 ? (int64_t)m->n_outputs - 1 : 1;
    if (v < -1 || v > max)
        return n2d2_error_at(N2D2_ERR_RANGE, ps->file, line,
                             "output index %lld of label '%s' is out of range: the cell has %zu "
                             "output%s, allowed -1 (ignore) to %lld",
                             (long long)v, name, m->n_outputs, m->n_outputs > 1 ? "s" : "",
                             (long long)max);
    int cls = (int)v;

    if (strcmp(name, "*") == 0) {
        if (ps->m->invalid_line)
            return n2d2_error_at(N2D2_ERR_DUPLICATE, ps->file, line,
                                 "'*' is mapped twice (first at line %d)", ps->m->invalid_line);
        m->invalid_class = cls;
        m->invalid_line = line;
        return N2D2_OK;
    }
    if (strcmp(name, "default") == 0) {
        if (ps->default_line)
            return n2d2_error_at(N2D2_ERR_DUPLICATE, ps->file, line,
                                 "'default' is mapped twice (first at line %d)", ps->default_line);
        ps->default_cls = cls;
        ps->default_line = line;
        return N2D2_OK;
    }
    /* An exact label name wins over reading it as a pattern. */
    for (size_t i = 0; i < m->n_labels; ++i) {
        if (strcmp(m->label_names[i], name) != 0)
            continue;
        if (m->rule_line[i])
            return n2d2_error_at(N2D2_ERR_DUPLICATE, ps->file, line,
                                 "label '%s' is mapped twice (first at line %d)", name,
                                 m->rule_line[i]);
        m->class_of[i] = cls;
        m->rule_line[i] = line;
        return N2D2_OK;
    }
    if (has_wildcard(name)) {
        if (ps->n_wild == ps->cap_wild) {
            size_t cap = ps->cap_wild ? 2 * ps->cap_wild : 8;
            rule *r = realloc(ps->wild, cap * sizeof *r);
            if (!r)
                return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
            ps->wild = r;
            ps->cap_wild = cap;
        }
        rule *r = &ps->wild[ps->n_wild];
        r->pattern = dup_str(name);
        if (!r->pattern)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        r->cls = cls;
        r->line = line;
        ps->n_wild++;
        return N2D2_OK;
    }
    if (ps->create_missing) {
        n2d2_log_info("%s:%d: label '%s' is not in the database: it has no stimuli", ps->file,
                      line, name);
        return N2D2_OK;
    }
    return unknown_label(ps, line, name);
}

/* Wildcards in file order for the labels no exact line named, then
 * `default` for what is left; the rest stays UNMAPPED (error if seen). */
static void apply_rules(parser *ps)
{
    n2d2_tgt_mapping *m = ps->m;
    for (size_t r = 0; r < ps->n_wild; ++r) {
        size_t hits = 0;
        for (size_t i = 0; i < m->n_labels; ++i) {
            if (!n2d2_tgt_wildcard_match(ps->wild[r].pattern, m->label_names[i]))
                continue;
            ++hits;
            if (m->rule_line[i])
                continue;
            m->class_of[i] = ps->wild[r].cls;
            m->rule_line[i] = ps->wild[r].line;
        }
        if (hits == 0)
            n2d2_log_warn("%s:%d: pattern '%s' matches no database label", ps->file,
                          ps->wild[r].line, ps->wild[r].pattern);
    }
    for (size_t i = 0; i < m->n_labels; ++i)
        if (!m->rule_line[i] && ps->default_line) {
            m->class_of[i] = ps->default_cls;
            m->rule_line[i] = ps->default_line;
        }
}

static n2d2_status parse_file(n2d2_tgt_mapping *m, const char *path, const char *key_where,
                              int create_missing)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return n2d2_error(errno == ENOENT ? N2D2_ERR_NOT_FOUND : N2D2_ERR_IO,
                          "%s: cannot open labels mapping file '%s': %s", key_where, path,
                          strerror(errno));
    parser ps = {m, path, create_missing, NULL, 0, 0, N2D2_TGT_UNMAPPED, 0};
    for (size_t i = 0; i < m->n_labels; ++i)
        m->class_of[i] = N2D2_TGT_UNMAPPED;
    n2d2_status st = N2D2_OK;
    char *buf = NULL;
    size_t cap = 0;
    int line = 0;
    while (st == N2D2_OK && getline(&buf, &cap, f) >= 0)
        st = parse_line(&ps, buf, ++line);
    if (st == N2D2_OK && ferror(f))
        st = n2d2_error(N2D2_ERR_IO, "%s: read error", path);
    free(buf);
    fclose(f);
    if (st == N2D2_OK)
        apply_rules(&ps);
    for (size_t r = 0; r < ps.n_wild; ++r)
        free(ps.wild[r].pattern);
    free(ps.wild);
    return st;
}

n2d2_status n2d2_tgt_mapping_init(n2d2_tgt_mapping *m, const n2d2_database *db,
                                  size_t n_outputs, const char *path, const char *key_where,
                                  int create_missing)
{
    memset(m, 0, sizeof *m);
    m->n_outputs = n_outputs;
    m->n_classes = n_outputs > 1 ? n_outputs : 2;
    m->invalid_class = N2D2_TGT_IGNORE;
    n2d2_status st = copy_labels(m, db);
    if (st == N2D2_OK && path && *path) {
        m->file = dup_str(path);
        st = m->file ? parse_file(m, path, key_where ? key_where : "LabelsMapping",
                                  create_missing)
                     : n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    } else if (st == N2D2_OK) {
        for (size_t i = 0; i < m->n_labels; ++i)
            m->class_of[i] = i < m->n_classes ? (int)i : N2D2_TGT_OVERFLOW;
    }
    if (st != N2D2_OK)
        n2d2_tgt_mapping_free(m);
    return st;
}

n2d2_status n2d2_tgt_mapping_class(const n2d2_tgt_mapping *m, int label, const char *section,
                                   int *cls)
{
    if (label == -1) {
        *cls = m->invalid_class;
        return N2D2_OK;
    }
    if (label < -1 || (size_t)label >= m->n_labels)
        return n2d2_error(N2D2_ERR_RANGE,
                          "%s: label id %d is not a label of the database (%zu labels, -1 = none)",
                          section, label, m->n_labels);
    int c = m->class_of[label];
    if (c == N2D2_TGT_UNMAPPED)
        return n2d2_error(N2D2_ERR_NOT_FOUND,
                          "%s: label '%s' has no line in labels mapping file '%s' and the file "
                          "has no 'default' line",
                          section, m->label_names[label], m->file ? m->file : "");
    if (c == N2D2_TGT_OVERFLOW)
        return n2d2_error(N2D2_ERR_RANGE,
                          "%s: label '%s' (id %d) has no output: the cell has %zu output%s "
                          "(give a LabelsMapping file, or more outputs)",
                          section, m->label_names[label], label, m->n_outputs,
                          m->n_outputs > 1 ? "s" : " (binary: labels 0 and 1)");
    *cls = c;
    return N2D2_OK;
}

/* Label names may hold spaces in some databases: the text reports are
 * space-separated, so spaces become '_'. */
static void copy_name(char *dst, size_t size, const char *src)
{
    size_t i = 0;
    for (; src[i] && i + 1 < size; ++i)
        dst[i] = isspace((unsigned char)src[i]) ? '_' : src[i];
    dst[i] = '\0';
}

const char *n2d2_tgt_class_name(const n2d2_tgt_mapping *m, size_t cls, int raw, char *buf,
                                size_t size)
{
    size_t first = m->n_labels, more = 0;
    for (size_t i = 0; i < m->n_labels; ++i)
        if (m->class_of[i] == (int)cls) {
            if (first == m->n_labels)
                first = i;
            else
                ++more;
        }
    if (first == m->n_labels) {
        snprintf(buf, size, "class%zu", cls);
        return buf;
    }
    const char *name = m->label_names[first][0] ? m->label_names[first] : "(empty)";
    if (raw)
        snprintf(buf, size, "%s", name);
    else
        copy_name(buf, size, name);
    if (more) {
        size_t len = strlen(buf);
        if (len < size)
            snprintf(buf + len, size - len, "+%zu", more);
    }
    return buf;
}

void n2d2_tgt_mapping_log(const n2d2_tgt_mapping *m, FILE *f)
{
    fprintf(f, "# label_name label_id output (-1 = ignored, -2 = unmapped, -3 = no output)\n");
    fprintf(f, "# mapping: %s\n", m->file ? m->file : "(default: label id = output index)");
    char name[256];
    for (size_t i = 0; i < m->n_labels; ++i) {
        copy_name(name, sizeof name, m->label_names[i][0] ? m->label_names[i] : "(empty)");
        fprintf(f, "%s %zu %d\n", name, i, m->class_of[i]);
    }
    fprintf(f, "* -1 %d\n", m->invalid_class);
}
