/* The feature registry: (kind, name, model) -> feature descriptor.
 *
 * Small and linear on purpose: a process registers at most a few hundred
 * features, once, at start-up; lookups happen while building a graph. Each
 * entry is allocated on its own so that pointers handed out by find/resolve
 * stay valid while more plugins register. */
#include "n2d2/registry.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "n2d2/log.h"
#include "strutil.h"

/* A v1 feature must at least reach `ops`; later fields read as zero. */
#define FEATURE_MIN_SIZE (offsetof(n2d2_feature, ops) + sizeof(const void *))
/* Anything bigger than this is not a struct size but garbage. */
#define FEATURE_MAX_SIZE 65536u

typedef struct registry_entry {
    n2d2_feature feature; /* normalised copy: model never NULL */
    char *plugin;         /* origin plugin name ("" when added outside a plugin) */
    char *file;           /* origin file, "<static>", or "<api>" */
} registry_entry;

struct n2d2_registry {
    registry_entry **entries;
    size_t count, capacity;
    char *origin_plugin; /* set by the loader around register_fn */
    char *origin_file;
    char *search_note;
};

static const char *const kind_names[] = {
    "cell", "database", "transformation", "solver", "filler",
    "activation", "target", "quantizer", "attack", "export", "importer",
};
_Static_assert(sizeof(kind_names) / sizeof(kind_names[0]) == N2D2_KIND_COUNT,
               "kind_names must name every n2d2_kind");

/* ---- small helpers ------------------------------------------------------ */



static const char *model_or_empty(const char *model) { return model ? model : ""; }

const char *n2d2_kind_name(n2d2_kind kind)
{
    if ((unsigned)kind >= N2D2_KIND_COUNT)
        return "unknown";
    return kind_names[kind];
}

int n2d2_kind_from_name(const char *name, n2d2_kind *out)
{
    if (!name)
        return 0;
    for (int i = 0; i < N2D2_KIND_COUNT; ++i) {
        if (strcasecmp(name, kind_names[i]) == 0) {
            if (out)
                *out = (n2d2_kind)i;
            return 1;
        }
    }
    /* The enum says TRANSFORM; accept that spelling too. */
    if (strcasecmp(name, "transform") == 0) {
        if (out)
            *out = N2D2_KIND_TRANSFORM;
        return 1;
    }
    return 0;
}

/* ---- lifetime ----------------------------------------------------------- */

n2d2_status n2d2_registry_new(n2d2_registry **out)
{
    if (!out)
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_registry_new: out is NULL");
    *out = calloc(1, sizeof **out);
    if (!*out)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory creating the registry");
    return N2D2_OK;
}

static void entry_free(registry_entry *e)
{
    if (!e)
        return;
    free(e->plugin);
    free(e->file);
    free(e);
}

void n2d2_registry_free(n2d2_registry *reg)
{
    if (!reg)
        return;
    for (size_t i = 0; i < reg->count; ++i)
        entry_free(reg->entries[i]);
    free(reg->entries);
    free(reg->origin_plugin);
    free(reg->origin_file);
    free(reg->search_note);
    free(reg);
}

void n2d2_registry_set_origin(n2d2_registry *reg, const char *plugin, const char *file)
{
    if (!reg)
        return;
    free(reg->origin_plugin);
    free(reg->origin_file);
    reg->origin_plugin = n2d2_strdup(plugin);
    reg->origin_file = n2d2_strdup(file);
}

void n2d2_registry_remove_origin(n2d2_registry *reg, const char *plugin)
{
    if (!reg || !plugin)
        return;
    size_t kept = 0;
    for (size_t i = 0; i < reg->count; ++i) {
        registry_entry *e = reg->entries[i];
        if (strcmp(e->plugin, plugin) == 0)
            entry_free(e);
        else
            reg->entries[kept++] = e;
    }
    reg->count = kept;
}

void n2d2_registry_set_search_note(n2d2_registry *reg, const char *note)
{
    if (!reg)
        return;
    free(reg->search_note);
    reg->search_note = n2d2_strdup(note);
}

/* ---- add ---------------------------------------------------------------- */

/* "cell 'Conv' (model Frame)" for messages. */
static void describe_feature(n2d2_text *t, n2d2_kind kind, const char *name, const char *model)
{
    n2d2_text_add(t, "%s '%s'", n2d2_kind_name(kind), name ? name : "(null)");
    if (model && *model)
        n2d2_text_add(t, " (model %s)", model);
}

/* Prefix naming the plugin being registered, so that an author sees which
 * file is at fault. */
static void describe_origin(n2d2_text *t, const n2d2_registry *reg)
{
    if (reg->origin_file && reg->origin_plugin)
        n2d2_text_add(t, "%s: plugin '%s': ", reg->origin_file, reg->origin_plugin);
    else if (reg->origin_plugin)
        n2d2_text_add(t, "plugin '%s': ", reg->origin_plugin);
}

static n2d2_status add_error(const n2d2_registry *reg, const n2d2_feature *f,
                             n2d2_status code, const char *fmt, ...) N2D2_PRINTF(4, 5);
static n2d2_status add_error(const n2d2_registry *reg, const n2d2_feature *f,
                             n2d2_status code, const char *fmt, ...)
{
    n2d2_text t = {.len = 0};
    t.buf[0] = '\0';
    describe_origin(&t, reg);
    if (f) {
        describe_feature(&t, f->kind, f->name, f->model);
        n2d2_text_add(&t, ": ");
    }
    char detail[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    n2d2_text_add(&t, "%s", detail);
    return n2d2_error(code, "%s", t.buf);
}

/* Names end up as INI values: no blanks or control characters. */
static int name_is_writable(const char *s)
{
    for (; *s; ++s)
        if (isspace((unsigned char)*s) || iscntrl((unsigned char)*s))
            return 0;
    return 1;
}

static n2d2_status validate_schema(const n2d2_registry *reg, const n2d2_feature *f)
{
    if (f->n_params > 0 && !f->params)
        return add_error(reg, f, N2D2_ERR_INVAL, "n_params is %zu but params is NULL",
                         f->n_params);
    for (size_t i = 0; i < f->n_params; ++i) {
        const n2d2_param_spec *p = &f->params[i];
        if (!p->name || !*p->name)
            return add_error(reg, f, N2D2_ERR_INVAL, "parameter #%zu has no name", i);
        if ((unsigned)p->type >= N2D2_PARAM_TYPE_COUNT)
            return add_error(reg, f, N2D2_ERR_INVAL, "parameter '%s' has invalid type %d",
                             p->name, (int)p->type);
        if (p->type == N2D2_PARAM_ENUM && (!p->allowed || !*p->allowed))
            return add_error(reg, f, N2D2_ERR_INVAL,
                             "parameter '%s' is an ENUM without `allowed` values", p->name);
        for (size_t j = 0; j < i; ++j)
            if (strcmp(f->params[j].name, p->name) == 0)
                return add_error(reg, f, N2D2_ERR_DUPLICATE,
                                 "parameter '%s' is declared twice (#%zu and #%zu)", p->name, j,
                                 i);
        if (p->default_value) {
            n2d2_text where = {.len = 0};
            where.buf[0] = '\0';
            describe_origin(&where, reg);
            describe_feature(&where, f->kind, f->name, f->model);
            n2d2_text_add(&where, " default"); /* param_check appends ": <name>: ..." */
            n2d2_status st = n2d2_param_check(p, p->default_value, where.buf);
            if (st != N2D2_OK)
                return st; /* n2d2_param_check wrote the message */
        }
    }
    return N2D2_OK;
}

static const registry_entry *find_exact(const n2d2_registry *reg, n2d2_kind kind,
                                        const char *name, const char *model)
{
    for (size_t i = 0; i < reg->count; ++i) {
        const n2d2_feature *f = &reg->entries[i]->feature;
        if (f->kind == kind && strcmp(f->name, name) == 0 && strcmp(f->model, model) == 0)
            return reg->entries[i];
    }
    return NULL;
}

n2d2_status n2d2_registry_add(n2d2_registry *reg, const n2d2_feature *feature)
{
    if (!reg || !feature)
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_registry_add: %s is NULL",
                          reg ? "feature" : "registry");

    uint32_t size = feature->struct_size;
    if (size < FEATURE_MIN_SIZE || size > FEATURE_MAX_SIZE)
        return add_error(reg, NULL, N2D2_ERR_ABI,
                         "feature struct_size %u is not valid (expected %zu; at least %zu): "
                         "was n2d2_feature.struct_size set to sizeof(n2d2_feature)?",
                         (unsigned)size, sizeof(n2d2_feature), (size_t)FEATURE_MIN_SIZE);

    /* Copy what the plugin's struct has; fields it does not know stay zero. */
    registry_entry *e = calloc(1, sizeof *e);
    if (!e)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory registering a feature");
    memcpy(&e->feature, feature, size < sizeof(n2d2_feature) ? size : sizeof(n2d2_feature));
    n2d2_feature *f = &e->feature;
    f->struct_size = (uint32_t)sizeof(n2d2_feature);
    f->model = model_or_empty(f->model);

    n2d2_status st = N2D2_OK;
    if ((unsigned)f->kind >= N2D2_KIND_COUNT)
        st = add_error(reg, NULL, N2D2_ERR_INVAL, "feature '%s' has invalid kind %d",
                       f->name ? f->name : "(null)", (int)f->kind);
    else if (!f->name || !*f->name)
        st = add_error(reg, NULL, N2D2_ERR_INVAL, "%s feature without a name",
                       n2d2_kind_name(f->kind));
    else if (!name_is_writable(f->name))
        st = add_error(reg, f, N2D2_ERR_INVAL, "name contains blanks or control characters");
    else if (!name_is_writable(f->model))
        st = add_error(reg, f, N2D2_ERR_INVAL, "model contains blanks or control characters");
    else if (!f->ops)
        st = add_error(reg, f, N2D2_ERR_INVAL, "ops table is NULL");
    else
        st = validate_schema(reg, f);
    if (st != N2D2_OK) {
        free(e);
        return st;
    }

    const registry_entry *prev = find_exact(reg, f->kind, f->name, f->model);
    if (prev) {
        n2d2_text t = {.len = 0};
        t.buf[0] = '\0';
        n2d2_text_add(&t, "duplicate ");
        describe_feature(&t, f->kind, f->name, f->model);
        n2d2_text_add(&t, ": registered by plugin '%s' (%s) and again by plugin '%s' (%s)",
                 prev->plugin, prev->file,
                 reg->origin_plugin ? reg->origin_plugin : "",
                 reg->origin_file ? reg->origin_file : "<api>");
        free(e);
        return n2d2_error(N2D2_ERR_DUPLICATE, "%s", t.buf);
    }

    e->plugin = n2d2_strdup(reg->origin_plugin ? reg->origin_plugin : "");
    e->file = n2d2_strdup(reg->origin_file ? reg->origin_file : "<api>");
    if (!e->plugin || !e->file)
        goto nomem;
    if (reg->count == reg->capacity) {
        size_t cap = reg->capacity ? reg->capacity * 2 : 32;
        registry_entry **grown = realloc(reg->entries, cap * sizeof *grown);
        if (!grown)
            goto nomem;
        reg->entries = grown;
        reg->capacity = cap;
    }
    reg->entries[reg->count++] = e;
    return N2D2_OK;

nomem:
    entry_free(e);
    return n2d2_error(N2D2_ERR_NOMEM, "out of memory registering a feature");
}

/* ---- lookup ------------------------------------------------------------- */

const n2d2_feature *n2d2_registry_find(const n2d2_registry *reg, n2d2_kind kind,
                                       const char *name, const char *model)
{
    if (!reg || !name)
        return NULL;
    model = model_or_empty(model);
    /* An exact (name, model) match wins; a feature registered without model
     * serves any model. */
    const registry_entry *e = find_exact(reg, kind, name, model);
    if (!e && *model)
        e = find_exact(reg, kind, name, "");
    if (e)
        return &e->feature;
    if (*model)
        return NULL;
    /* No model asked: the highest rank; the first registered on ties. */
    const n2d2_feature *best = NULL;
    for (size_t i = 0; i < reg->count; ++i) {
        const n2d2_feature *f = &reg->entries[i]->feature;
        if (f->kind == kind && strcmp(f->name, name) == 0 && (!best || f->rank > best->rank))
            best = f;
    }
    return best;
}

/* Distinct names registered for `kind`, in registration order. */
static size_t collect_names(const n2d2_registry *reg, n2d2_kind kind, const char **names)
{
    size_t n = 0;
    for (size_t i = 0; i < reg->count; ++i) {
        const n2d2_feature *f = &reg->entries[i]->feature;
        if (f->kind != kind)
            continue;
        size_t j = 0;
        while (j < n && strcmp(names[j], f->name) != 0)
            ++j;
        if (j == n)
            names[n++] = f->name;
    }
    return n;
}

static void add_search_note(n2d2_text *t, const n2d2_registry *reg)
{
    n2d2_text_add(t, "; plugins searched in: %s",
             reg->search_note && *reg->search_note ? reg->search_note
                                                   : "(no plugin directory configured)");
}

n2d2_status n2d2_registry_resolve(const n2d2_registry *reg, n2d2_kind kind, const char *name,
                                  const char *model, const char *where,
                                  const n2d2_feature **out)
{
    if (out)
        *out = NULL;
    if (!reg || !out)
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_registry_resolve: %s is NULL",
                          reg ? "out" : "registry");
    n2d2_text t = {.len = 0};
    t.buf[0] = '\0';
    if (where && *where)
        n2d2_text_add(&t, "%s: ", where);
    if (!name || !*name) {
        n2d2_text_add(&t, "no %s type given", n2d2_kind_name(kind));
        return n2d2_error(N2D2_ERR_NOT_FOUND, "%s", t.buf);
    }
    if ((unsigned)kind >= N2D2_KIND_COUNT)
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_registry_resolve: invalid kind %d", (int)kind);

    const n2d2_feature *f = n2d2_registry_find(reg, kind, name, model);
    if (f) {
        *out = f;
        return N2D2_OK;
    }

    /* The name exists: only the model is wrong; list the models there are. */
    int name_known = 0;
    for (size_t i = 0; i < reg->count; ++i) {
        const n2d2_feature *g = &reg->entries[i]->feature;
        if (g->kind != kind || strcmp(g->name, name) != 0)
            continue;
        if (!name_known)
            n2d2_text_add(&t, "%s type '%s' has no model '%s' (available models: ",
                     n2d2_kind_name(kind), name, model_or_empty(model));
        n2d2_text_add(&t, "%s%s", name_known ? ", " : "", g->model);
        name_known = 1;
    }
    if (name_known) {
        n2d2_text_add(&t, ")");
        return n2d2_error(N2D2_ERR_NOT_FOUND, "%s", t.buf);
    }

    n2d2_text_add(&t, "unknown %s type '%s'", n2d2_kind_name(kind), name);
    const char **names = reg->count ? malloc(reg->count * sizeof *names) : NULL;
    size_t n = names ? collect_names(reg, kind, names) : 0;
    size_t picks[8];
    size_t n_picks = n2d2_suggest(name, names, n, picks, sizeof picks / sizeof picks[0]);
    if (n_picks > 0) {
        n2d2_text_add(&t, " (did you mean: ");
        for (size_t i = 0; i < n_picks; ++i)
            n2d2_text_add(&t, "%s%s", i ? ", " : "", names[picks[i]]);
        n2d2_text_add(&t, "?)");
    } else if (n == 0) {
        n2d2_text_add(&t, " (no %s type is registered: is its plugin installed?)",
                 n2d2_kind_name(kind));
    } else if (n <= 12) {
        /* Nothing close, but the list is short enough to show. */
        n2d2_text_add(&t, " (registered %s types: ", n2d2_kind_name(kind));
        for (size_t i = 0; i < n; ++i)
            n2d2_text_add(&t, "%s%s", i ? ", " : "", names[i]);
        n2d2_text_add(&t, ")");
    }
    free(names);
    add_search_note(&t, reg);
    return n2d2_error(N2D2_ERR_NOT_FOUND, "%s", t.buf);
}

size_t n2d2_registry_count(const n2d2_registry *reg) { return reg ? reg->count : 0; }

const n2d2_feature *n2d2_registry_at(const n2d2_registry *reg, size_t index)
{
    return reg && index < reg->count ? &reg->entries[index]->feature : NULL;
}

const char *n2d2_registry_origin_file(const n2d2_registry *reg, size_t index)
{
    return reg && index < reg->count ? reg->entries[index]->file : NULL;
}

const char *n2d2_registry_origin_plugin(const n2d2_registry *reg, size_t index)
{
    return reg && index < reg->count ? reg->entries[index]->plugin : NULL;
}

/* ---- did-you-mean ------------------------------------------------------- */

#define SUGGEST_MAX_LEN 128 /* longer strings are compared on this prefix */

/* Case-insensitive optimal-string-alignment distance (Levenshtein plus
 * adjacent transpositions) between a and b. Also returns, in *prefix_dist,
 * the smallest distance between a and any prefix of b, which catches a
 * mistyped beginning of a longer name ("Conv2" -> "ConvDepthWise"). */
static size_t edit_distance(const char *a, const char *b, size_t *prefix_dist)
{
    size_t m = strlen(a), n = strlen(b);
    if (m > SUGGEST_MAX_LEN)
        m = SUGGEST_MAX_LEN;
    if (n > SUGGEST_MAX_LEN)
        n = SUGGEST_MAX_LEN;
    size_t rows[3][SUGGEST_MAX_LEN + 1];
    size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= n; ++j)
        prev[j] = j;
    for (size_t i = 1; i <= m; ++i) {
        cur[0] = i;
        int ca = tolower((unsigned char)a[i - 1]);
        for (size_t j = 1; j <= n; ++j) {
            int cb = tolower((unsigned char)b[j - 1]);
            size_t cost = ca == cb ? 0 : 1;
            size_t best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (prev[j - 1] + cost < best)
                best = prev[j - 1] + cost;
            if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == cb && prev2[j - 2] + 1 < best)
                best = prev2[j - 2] + 1;
            cur[j] = best;
        }
        size_t *tmp = prev2;
        prev2 = prev;
        prev = cur;
        cur = tmp;
    }
    size_t pd = prev[0];
    for (size_t j = 1; j <= n; ++j)
        if (prev[j] < pd)
            pd = prev[j];
    *prefix_dist = pd;
    return prev[n];
}

static int contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; ++hay)
        if (strncasecmp(hay, needle, n) == 0)
            return 1;
    return 0;
}

typedef struct suggestion {
    size_t index;
    size_t score;    /* lower is better */
    size_t len_diff; /* tie-break: closer length first */
    const char *name;
} suggestion;

static int suggestion_cmp(const void *pa, const void *pb)
{
    const suggestion *a = pa, *b = pb;
    if (a->score != b->score)
        return a->score < b->score ? -1 : 1;
    if (a->len_diff != b->len_diff)
        return a->len_diff < b->len_diff ? -1 : 1;
    int c = strcmp(a->name, b->name);
    if (c)
        return c;
    return a->index < b->index ? -1 : a->index > b->index;
}

size_t n2d2_suggest(const char *word, const char *const *candidates, size_t n,
                    size_t *out_indices, size_t max)
{
    if (!word || !*word || !candidates || n == 0 || !out_indices || max == 0)
        return 0;
    size_t len = strlen(word);
    size_t threshold = len / 3 > 2 ? len / 3 : 2;
    /* A short word is a poor prefix/substring hint: "Fc" would match half
     * of everything. */
    size_t prefix_threshold = len >= 4 ? (len / 4 > 1 ? len / 4 : 1) : 0;

    suggestion *found = malloc(n * sizeof *found);
    if (!found)
        return 0;
    size_t count = 0;
    for (size_t i = 0; i < n; ++i) {
        const char *c = candidates[i];
        if (!c || !*c)
            continue;
        size_t clen = strlen(c);
        size_t prefix_dist;
        size_t d = edit_distance(word, c, &prefix_dist);
        size_t score;
        if (d <= threshold)
            score = d;
        else if (len >= 3 && (contains_ci(c, word) || (clen >= 3 && contains_ci(word, c))))
            score = threshold + 1;
        else if (prefix_threshold && prefix_dist <= prefix_threshold)
            score = threshold + 1 + prefix_dist;
        else
            continue;
        found[count].index = i;
        found[count].score = score;
        found[count].len_diff = clen > len ? clen - len : len - clen;
        found[count].name = c;
        ++count;
    }
    qsort(found, count, sizeof *found, suggestion_cmp);
    size_t written = count < max ? count : max;
    for (size_t i = 0; i < written; ++i)
        out_indices[i] = found[i].index;
    free(found);
    return written;
}
