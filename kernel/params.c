/* Parameter schemas: validation, defaults and typed access for features. */
#include "n2d2/params.h"
#include "n2d2/registry.h"
#include "n2d2/log.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "params_impl.h"
#include "strutil.h"

typedef struct param_value {
    const n2d2_param_spec *spec;
    char *text;          /* resolved value or default; NULL when absent */
    char *where;         /* "file:line" of the entry, or NULL for defaults */
    int given;
    n2d2_ini_entry *deferred; /* waits for a generated value ([sp]_EpochSize) */
} param_value;

typedef struct pattern_match {
    const n2d2_param_spec *spec;
    char *key;           /* concrete key, without prefix */
    char *text;
} pattern_match;

struct n2d2_params {
    n2d2_ini *ini;
    n2d2_ini_section **sections;
    size_t n_sections;
    char **prefixes;
    size_t n_prefixes;
    const n2d2_param_spec *schema;
    size_t n_schema;
    param_value *values;
    pattern_match *matches;
    size_t n_matches;
    n2d2_params *root;   /* the params tree collecting known keys */
    char **known;        /* root only: every "prefix+name" applied */
    size_t n_known, cap_known;
};


static char *concat(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *d = malloc(la + lb + 1);
    if (d) {
        memcpy(d, a, la);
        memcpy(d + la, b, lb + 1);
    }
    return d;
}

const char *n2d2_param_type_name(n2d2_param_type type)
{
    static const char *const names[N2D2_PARAM_TYPE_COUNT] = {
        "int", "uint", "float", "bool", "string", "enum", "list"};
    return (unsigned)type < N2D2_PARAM_TYPE_COUNT ? names[type] : "?";
}

/* ---- text parsing ---- */

int n2d2_parse_bool(const char *text, int *out)
{
    static const char *const truthy[] = {"1", "true", "yes", "on"};
    static const char *const falsy[] = {"0", "false", "no", "off"};
    for (size_t i = 0; i < 4; ++i) {
        if (strcasecmp(text, truthy[i]) == 0) {
            *out = 1;
            return 1;
        }
        if (strcasecmp(text, falsy[i]) == 0) {
            *out = 0;
            return 1;
        }
    }
    return 0;
}

int n2d2_parse_int(const char *text, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    while (*end && isspace((unsigned char)*end))
        ++end;
    if (end == text || *end || errno)
        return 0;
    *out = v;
    return 1;
}

int n2d2_parse_double(const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    while (*end && isspace((unsigned char)*end))
        ++end;
    if (end == text || *end || errno == ERANGE || isnan(v))
        return 0;
    *out = v;
    return 1;
}

/* Walks a list "1, 2 3;4" calling fn on each token; returns count or -1. */
static int for_each_list_item(const char *text, double *out, size_t max, const char **bad)
{
    int count = 0;
    const char *p = text;
    char token[128];
    while (*p) {
        while (*p && (isspace((unsigned char)*p) || *p == ','))
            ++p;
        if (!*p)
            break;
        size_t n = 0;
        while (p[n] && !isspace((unsigned char)p[n]) && p[n] != ',')
            ++n;
        if (n >= sizeof token) {
            if (bad)
                *bad = p;
            return -1;
        }
        memcpy(token, p, n);
        token[n] = '\0';
        double v;
        if (!n2d2_parse_double(token, &v)) {
            if (bad)
                *bad = p;
            return -1;
        }
        if ((size_t)count < max)
            out[count] = v;
        ++count;
        p += n;
    }
    return count;
}

static int enum_index(const char *allowed, const char *value)
{
    int index = 0;
    const char *p = allowed;
    size_t len = strlen(value);
    while (p && *p) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        if (n == len && strncmp(p, value, n) == 0)
            return index;
        ++index;
        p = bar ? bar + 1 : NULL;
    }
    return -1;
}

static n2d2_status enum_error(const n2d2_param_spec *spec, const char *value, const char *where)
{
    char choices[32][64];
    const char *ptrs[32];
    size_t n = 0;
    const char *p = spec->allowed;
    while (p && *p && n < 32) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len >= sizeof choices[0])
            len = sizeof choices[0] - 1;
        memcpy(choices[n], p, len);
        choices[n][len] = '\0';
        ptrs[n] = choices[n];
        ++n;
        p = bar ? bar + 1 : NULL;
    }
    size_t best[1];
    size_t found = n2d2_suggest(value, ptrs, n, best, 1);
    if (found)
        return n2d2_error_at(N2D2_ERR_INVAL, where, 0,
                             "%s: '%s' is not one of %s (did you mean %s?)", spec->name, value,
                             spec->allowed, ptrs[best[0]]);
    return n2d2_error_at(N2D2_ERR_INVAL, where, 0, "%s: '%s' is not one of %s", spec->name, value,
                         spec->allowed);
}

static n2d2_status range_check(const n2d2_param_spec *spec, double v, const char *value,
                               const char *where)
{
    if (!(spec->flags & N2D2_PARAM_RANGE) || (v >= spec->min && v <= spec->max))
        return N2D2_OK;
    return n2d2_error_at(N2D2_ERR_RANGE, where, 0, "%s: %s is outside the allowed range [%g, %g]",
                         spec->name, value, spec->min, spec->max);
}

/* An integer key's text: an integer, or a number such as "16.0" from a
 * `$( )` expression. N2D2's stream reads stop at the '.', so a fraction is
 * dropped, with a warning. */
static int parse_integer_text(const char *value, int64_t *out, const char *where, const char *key)
{
    double d;
    if (n2d2_parse_int(value, out))
        return 1;
    if (!n2d2_parse_double(value, &d) || fabs(d) >= 9e18)
        return 0;
    *out = (int64_t)d;
    if ((double)*out != d)
        n2d2_log_warn("%s: %s: '%s' is not an integer; %lld is used", where ? where : "", key,
                      value, (long long)*out);
    return 1;
}

n2d2_status n2d2_param_check(const n2d2_param_spec *spec, const char *value, const char *where)
{
    int64_t i;
    double d;
    int b;
    switch (spec->type) {
    case N2D2_PARAM_INT:
    case N2D2_PARAM_UINT:
        if (!parse_integer_text(value, &i, where, spec->name) ||
            (spec->type == N2D2_PARAM_UINT && i < 0))
            return n2d2_error_at(N2D2_ERR_INVAL, where, 0, "%s: expected %s integer, got '%s'",
                                 spec->name, spec->type == N2D2_PARAM_UINT ? "a non-negative" : "an",
                                 value);
        return range_check(spec, (double)i, value, where);
    case N2D2_PARAM_FLOAT:
        if (!n2d2_parse_double(value, &d))
            return n2d2_error_at(N2D2_ERR_INVAL, where, 0, "%s: expected a number, got '%s'",
                                 spec->name, value);
        return range_check(spec, d, value, where);
    case N2D2_PARAM_BOOL:
        if (!n2d2_parse_bool(value, &b))
            return n2d2_error_at(N2D2_ERR_INVAL, where, 0,
                                 "%s: expected a boolean (0/1/true/false), got '%s'", spec->name,
                                 value);
        return N2D2_OK;
    case N2D2_PARAM_STRING:
        return N2D2_OK;
    case N2D2_PARAM_ENUM:
        if (!spec->allowed)
            return n2d2_error_at(N2D2_ERR_INVAL, where, 0, "%s: enum parameter without values",
                                 spec->name);
        return enum_index(spec->allowed, value) >= 0 ? N2D2_OK : enum_error(spec, value, where);
    case N2D2_PARAM_LIST: {
        double items[64];
        int n = for_each_list_item(value, items, 64, NULL);
        if (n < 0)
            return n2d2_error_at(N2D2_ERR_INVAL, where, 0, "%s: expected a list of numbers, got '%s'",
                                 spec->name, value);
        for (int k = 0; k < n && k < 64; ++k) {
            n2d2_status st = range_check(spec, items[k], value, where);
            if (st != N2D2_OK)
                return st;
        }
        return N2D2_OK;
    }
    default:
        return n2d2_error_at(N2D2_ERR_INVAL, where, 0, "%s: unknown parameter type %d", spec->name,
                             (int)spec->type);
    }
}

/* ---- building ---- */

static n2d2_status remember_known(n2d2_params *p, const char *name)
{
    n2d2_params *root = p->root;
    for (size_t k = 0; k < p->n_prefixes; ++k) {
        if (root->n_known == root->cap_known) {
            size_t cap = root->cap_known ? root->cap_known * 2 : 32;
            char **grown = realloc(root->known, cap * sizeof *grown);
            if (!grown)
                return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
            root->known = grown;
            root->cap_known = cap;
        }
        char *full = concat(p->prefixes[k], name);
        if (!full)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        root->known[root->n_known++] = full;
    }
    return N2D2_OK;
}

/* `*` in a pattern matches any run of characters. */
static int glob_match(const char *pattern, const char *text)
{
    if (*pattern == '\0')
        return *text == '\0';
    if (*pattern == '*') {
        for (const char *t = text;; ++t) {
            if (glob_match(pattern + 1, t))
                return 1;
            if (*t == '\0')
                return 0;
        }
    }
    return *text && *pattern == *text && glob_match(pattern + 1, text + 1);
}

static n2d2_status take_entry(n2d2_params *p, n2d2_ini_entry *e, const char **value)
{
    return n2d2_ini_entry_resolve(p->ini, e, value);
}

static n2d2_status lookup_plain(n2d2_params *p, param_value *v)
{
    const n2d2_param_spec *spec = v->spec;
    for (size_t s = 0; s < p->n_sections; ++s) {
        for (size_t k = 0; k < p->n_prefixes; ++k) {
            char *key = concat(p->prefixes[k], spec->name);
            if (!key)
                return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
            n2d2_ini_entry *e = n2d2_ini_entry_find(p->sections[s], key);
            free(key);
            if (!e)
                continue;
            const char *text;
            n2d2_status st = take_entry(p, e, &text);
            if (st != N2D2_OK && n2d2_ini_waiting_for_generated(p->ini)) {
                /* Known once the data is loaded: checked by n2d2_params_ready. */
                v->deferred = e;
                v->given = 1;
                v->where = n2d2_strdup(n2d2_ini_entry_where(e));
                n2d2_error_clear();
                return v->where ? N2D2_OK : n2d2_error(N2D2_ERR_NOMEM, "out of memory");
            }
            if (st != N2D2_OK)
                return st;
            const char *where = n2d2_ini_entry_where(e);
            st = n2d2_param_check(spec, text, where);
            if (st != N2D2_OK)
                return st;
            v->text = n2d2_strdup(text);
            v->where = n2d2_strdup(where);
            v->given = 1;
            return (v->text && v->where) ? N2D2_OK : n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        }
    }
    if (spec->default_value) {
        v->text = n2d2_strdup(spec->default_value);
        return v->text ? N2D2_OK : n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    }
    if ((spec->flags & N2D2_PARAM_REQUIRED) && p->n_sections > 0) {
        n2d2_ini_section *sec = p->sections[0];
        const char *prefix = p->n_prefixes ? p->prefixes[0] : "";
        return n2d2_error_at(N2D2_ERR_NOT_FOUND, n2d2_ini_section_where(sec), 0,
                             "[%s]: missing required key '%s%s' (%s)", n2d2_ini_section_name(sec),
                             prefix, spec->name, spec->help ? spec->help : "no help");
    }
    if (spec->flags & N2D2_PARAM_REQUIRED)
        return n2d2_error(N2D2_ERR_NOT_FOUND, "missing required parameter '%s'", spec->name);
    return N2D2_OK;
}

static int already_matched(const n2d2_params *p, const n2d2_param_spec *spec, const char *key)
{
    for (size_t m = 0; m < p->n_matches; ++m)
        if (p->matches[m].spec == spec && strcmp(p->matches[m].key, key) == 0)
            return 1;
    return 0;
}

static n2d2_status lookup_pattern(n2d2_params *p, const n2d2_param_spec *spec)
{
    for (size_t s = 0; s < p->n_sections; ++s) {
        size_t count = n2d2_ini_entry_count(p->sections[s]);
        for (size_t i = 0; i < count; ++i) {
            n2d2_ini_entry *e = n2d2_ini_entry_at(p->sections[s], i);
            const char *key = n2d2_ini_entry_key(e);
            for (size_t k = 0; k < p->n_prefixes; ++k) {
                size_t plen = strlen(p->prefixes[k]);
                if (strncmp(key, p->prefixes[k], plen) != 0 || !glob_match(spec->name, key + plen))
                    continue;
                if (already_matched(p, spec, key + plen))
                    break;
                const char *text;
                n2d2_status st = take_entry(p, e, &text);
                if (st == N2D2_OK)
                    st = n2d2_param_check(spec, text, n2d2_ini_entry_where(e));
                if (st != N2D2_OK)
                    return st;
                pattern_match *grown = realloc(p->matches, (p->n_matches + 1) * sizeof *grown);
                if (!grown)
                    return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
                p->matches = grown;
                pattern_match *m = &p->matches[p->n_matches++];
                m->spec = spec;
                m->key = n2d2_strdup(key + plen);
                m->text = n2d2_strdup(text);
                if (!m->key || !m->text)
                    return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
                break;
            }
        }
    }
    return N2D2_OK;
}

static n2d2_status params_alloc(n2d2_ini *ini, n2d2_ini_section *const *sections, size_t n_sections,
                                const char *const *prefixes, size_t n_prefixes,
                                const n2d2_param_spec *schema, size_t n_schema, n2d2_params **out)
{
    n2d2_params *p = calloc(1, sizeof *p);
    if (!p)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    *out = p;
    p->ini = ini;
    p->root = p;
    p->schema = schema;
    p->n_schema = n_schema;
    p->values = calloc(n_schema ? n_schema : 1, sizeof *p->values);
    p->sections = calloc(n_sections ? n_sections : 1, sizeof *p->sections);
    p->n_prefixes = n_prefixes ? n_prefixes : 1;
    p->prefixes = calloc(p->n_prefixes, sizeof *p->prefixes);
    if (!p->values || !p->sections || !p->prefixes)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    if (n_sections)
        memcpy(p->sections, sections, n_sections * sizeof *sections);
    p->n_sections = n_sections;
    for (size_t k = 0; k < p->n_prefixes; ++k) {
        p->prefixes[k] = n2d2_strdup(n_prefixes ? prefixes[k] : "");
        if (!p->prefixes[k])
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    }
    return N2D2_OK;
}

static n2d2_status params_fill(n2d2_params *p)
{
    for (size_t i = 0; i < p->n_schema; ++i) {
        const n2d2_param_spec *spec = &p->schema[i];
        p->values[i].spec = spec;
        n2d2_status st = remember_known(p, spec->name);
        if (st == N2D2_OK)
            st = (spec->flags & N2D2_PARAM_PATTERN) ? lookup_pattern(p, spec)
                                                    : lookup_plain(p, &p->values[i]);
        if (st != N2D2_OK)
            return st;
    }
    return N2D2_OK;
}

n2d2_status n2d2_params_from_ini(n2d2_ini *ini, n2d2_ini_section *const *sections,
                                 size_t n_sections, const char *const *prefixes, size_t n_prefixes,
                                 const n2d2_param_spec *schema, size_t n_schema, n2d2_params **out)
{
    *out = NULL;
    n2d2_params *p;
    n2d2_status st = params_alloc(ini, sections, n_sections, prefixes, n_prefixes, schema, n_schema, &p);
    if (st == N2D2_OK && n_sections)
        n2d2_ini_section_claim(sections[0]);
    if (st == N2D2_OK)
        st = params_fill(p);
    if (st != N2D2_OK) {
        n2d2_params_free(p);
        return st;
    }
    *out = p;
    return N2D2_OK;
}

n2d2_status n2d2_params_from_defaults(const n2d2_param_spec *schema, size_t n_schema,
                                      n2d2_params **out)
{
    return n2d2_params_from_ini(NULL, NULL, 0, NULL, 0, schema, n_schema, out);
}

n2d2_status n2d2_params_sub(const n2d2_params *parent, const char *const *prefixes,
                            size_t n_prefixes, const n2d2_param_spec *schema, size_t n_schema,
                            n2d2_params **out)
{
    *out = NULL;
    size_t n_total = parent->n_prefixes * (n_prefixes ? n_prefixes : 1);
    const char **combined = calloc(n_total, sizeof *combined);
    char **owned = calloc(n_total, sizeof *owned);
    n2d2_params *p = NULL;
    n2d2_status st = (combined && owned) ? N2D2_OK : n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    /* Child prefixes vary fastest: "WeightsSolver." before "Solvers." within
     * each parent prefix. */
    for (size_t a = 0; st == N2D2_OK && a < parent->n_prefixes; ++a) {
        for (size_t b = 0; b < (n_prefixes ? n_prefixes : 1); ++b) {
            size_t k = a * (n_prefixes ? n_prefixes : 1) + b;
            owned[k] = concat(parent->prefixes[a], n_prefixes ? prefixes[b] : "");
            if (!owned[k]) {
                st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
                break;
            }
            combined[k] = owned[k];
        }
    }
    if (st == N2D2_OK)
        st = params_alloc(parent->ini, parent->sections, parent->n_sections, combined, n_total,
                          schema, n_schema, &p);
    if (p)
        p->root = parent->root;
    if (st == N2D2_OK)
        st = params_fill(p);
    for (size_t k = 0; owned && k < n_total; ++k)
        free(owned[k]);
    free(owned);
    free(combined);
    if (st != N2D2_OK) {
        n2d2_params_free(p);
        return st;
    }
    *out = p;
    return N2D2_OK;
}

void n2d2_params_free(n2d2_params *p)
{
    if (!p)
        return;
    for (size_t i = 0; p->values && i < p->n_schema; ++i) {
        free(p->values[i].text);
        free(p->values[i].where);
    }
    for (size_t m = 0; m < p->n_matches; ++m) {
        free(p->matches[m].key);
        free(p->matches[m].text);
    }
    for (size_t k = 0; p->prefixes && k < p->n_prefixes; ++k)
        free(p->prefixes[k]);
    for (size_t k = 0; k < p->n_known; ++k)
        free(p->known[k]);
    free(p->known);
    free(p->matches);
    free(p->prefixes);
    free(p->sections);
    free(p->values);
    free(p);
}

/* ---- access ---- */

/* Resolve a deferred value now that generated values may be published. */
static n2d2_status settle(const n2d2_params *p, param_value *v)
{
    if (!v->deferred)
        return N2D2_OK;
    const char *text;
    n2d2_status st = n2d2_ini_entry_resolve(p->ini, v->deferred, &text);
    if (st == N2D2_OK)
        st = n2d2_param_check(v->spec, text, v->where);
    if (st != N2D2_OK)
        return st;
    v->text = n2d2_strdup(text);
    if (!v->text)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    v->deferred = NULL;
    return N2D2_OK;
}

n2d2_status n2d2_params_ready(const n2d2_params *p)
{
    for (size_t i = 0; i < p->n_schema; ++i) {
        n2d2_status st = settle(p, &p->values[i]);
        if (st != N2D2_OK)
            return st;
    }
    return N2D2_OK;
}

static const param_value *find_value(const n2d2_params *p, const char *name)
{
    for (size_t i = 0; i < p->n_schema; ++i) {
        if (strcmp(p->schema[i].name, name) != 0)
            continue;
        if (p->values[i].deferred && settle(p, &p->values[i]) != N2D2_OK)
            n2d2_log_error("%s", n2d2_error_message()); /* getters cannot fail: say it */
        return &p->values[i];
    }
    return NULL;
}

int n2d2_params_given(const n2d2_params *p, const char *name)
{
    const param_value *v = find_value(p, name);
    return v && v->given;
}

const char *n2d2_params_string(const n2d2_params *p, const char *name)
{
    const param_value *v = find_value(p, name);
    return v ? v->text : NULL;
}

int64_t n2d2_params_int(const n2d2_params *p, const char *name)
{
    const char *text = n2d2_params_string(p, name);
    int64_t v = 0;
    double d;
    if (text && !n2d2_parse_int(text, &v) && n2d2_parse_double(text, &d))
        v = (int64_t)d;
    return v;
}

uint64_t n2d2_params_uint(const n2d2_params *p, const char *name)
{
    int64_t v = n2d2_params_int(p, name);
    return v < 0 ? 0 : (uint64_t)v;
}

double n2d2_params_float(const n2d2_params *p, const char *name)
{
    const char *text = n2d2_params_string(p, name);
    double v = 0.0;
    if (text)
        n2d2_parse_double(text, &v);
    return v;
}

int n2d2_params_bool(const n2d2_params *p, const char *name)
{
    const char *text = n2d2_params_string(p, name);
    int v = 0;
    if (text)
        n2d2_parse_bool(text, &v);
    return v;
}

int n2d2_params_enum(const n2d2_params *p, const char *name)
{
    const param_value *v = find_value(p, name);
    if (!v || !v->text || !v->spec->allowed)
        return -1;
    return enum_index(v->spec->allowed, v->text);
}

int n2d2_params_list(const n2d2_params *p, const char *name, double *out, size_t max)
{
    const char *text = n2d2_params_string(p, name);
    if (!text)
        return -1;
    return for_each_list_item(text, out, max, NULL);
}

static const n2d2_param_spec *find_pattern_spec(const n2d2_params *p, const char *pattern)
{
    for (size_t i = 0; i < p->n_schema; ++i)
        if (strcmp(p->schema[i].name, pattern) == 0)
            return &p->schema[i];
    return NULL;
}

static const pattern_match *nth_match(const n2d2_params *p, const char *pattern, size_t i)
{
    const n2d2_param_spec *spec = find_pattern_spec(p, pattern);
    for (size_t m = 0; spec && m < p->n_matches; ++m)
        if (p->matches[m].spec == spec && i-- == 0)
            return &p->matches[m];
    return NULL;
}

size_t n2d2_params_match_count(const n2d2_params *p, const char *pattern)
{
    const n2d2_param_spec *spec = find_pattern_spec(p, pattern);
    size_t n = 0;
    for (size_t m = 0; spec && m < p->n_matches; ++m)
        n += p->matches[m].spec == spec;
    return n;
}

const char *n2d2_params_match_key(const n2d2_params *p, const char *pattern, size_t i)
{
    const pattern_match *m = nth_match(p, pattern, i);
    return m ? m->key : NULL;
}

const char *n2d2_params_match_value(const n2d2_params *p, const char *pattern, size_t i)
{
    const pattern_match *m = nth_match(p, pattern, i);
    return m ? m->text : NULL;
}

const char *n2d2_params_where(const n2d2_params *p, const char *name)
{
    const param_value *v = find_value(p, name);
    if (v && v->where)
        return v->where;
    if (p->n_sections)
        return n2d2_ini_section_where(p->sections[0]);
    return "(default)";
}

n2d2_status n2d2_params_error(const n2d2_params *p, const char *name, n2d2_status code,
                              const char *fmt, ...)
{
    char body[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);
    return n2d2_error_at(code, n2d2_params_where(p, name), 0, "%s: %s", name, body);
}

/* ---- unused keys (kernel-internal) ---- */

size_t n2d2_params_known_count(const n2d2_params *p) { return p->root->n_known; }
const char *n2d2_params_known_at(const n2d2_params *p, size_t i) { return p->root->known[i]; }
n2d2_ini_section *n2d2_params_section(const n2d2_params *p)
{
    return p->n_sections ? p->sections[0] : NULL;
}

int n2d2_params_known_matches(const n2d2_params *p, const char *key)
{
    for (size_t k = 0; k < p->root->n_known; ++k)
        if (glob_match(p->root->known[k], key))
            return 1;
    return 0;
}

int n2d2_params_uses_section(const n2d2_params *p, const n2d2_ini_section *sec)
{
    for (size_t i = 0; i < p->n_sections; ++i)
        if (p->sections[i] == sec)
            return 1;
    return 0;
}
