/* Graph importers (`Type=ONNX`, manual ch. 7-8): before the cells are
 * collected, each importer section is expanded into ordinary cell sections
 * by its plugin (n2d2/importer.h); other sections' Input= lists are
 * rewritten to the imported cells; after a cell is initialised, the
 * imported parameter values replace its filler's. */
#include "graph_import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "n2d2/importer.h"
#include "n2d2/log.h"
#include "params_impl.h"
#include "strutil.h"

static const n2d2_param_spec import_common_schema[] = {
    {"Type", N2D2_PARAM_STRING, NULL, NULL, 0, 0, N2D2_PARAM_REQUIRED, "importer type (ONNX)"},
    {"Input", N2D2_PARAM_STRING, NULL, NULL, 0, 0, N2D2_PARAM_REQUIRED,
     "comma-separated sections feeding the imported graph (sp/env for the stimuli)"},
};

typedef struct import_alias {
    char *name, *target;
} import_alias;

typedef struct import_param {
    char *cell, *param;
    n2d2_tensor *value;
    size_t order; /* insertion order, to keep the sort stable */
} import_param;

struct n2d2_import {
    n2d2_graph *g;
    n2d2_ini_section *sec;
    char *name;
    char **inputs;
    size_t n_inputs;
    char *outputs;
    import_alias *aliases;
    size_t n_aliases, cap_aliases;
    n2d2_params *common, *params;
};

/* A key copied from a default section into a cell section: its use is
 * reported on the default section's line (graph_import_sync_used). */
typedef struct import_copy {
    n2d2_ini_entry *from;
    n2d2_ini_section *to;
} import_copy;

struct graph_imports {
    n2d2_import **list;
    size_t n;
    import_copy *copies;
    size_t n_copies, cap_copies;
    import_param *params;
    size_t n_params, cap_params;
};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static n2d2_status nomem(void) { return n2d2_error(N2D2_ERR_NOMEM, "out of memory"); }

/* ---- the API importers call ---- */

const char *n2d2_import_section(const n2d2_import *imp) { return imp->name; }
const char *n2d2_import_where(const n2d2_import *imp) { return n2d2_ini_section_where(imp->sec); }
size_t n2d2_import_input_count(const n2d2_import *imp) { return imp->n_inputs; }

const char *n2d2_import_input_name(const n2d2_import *imp, size_t i)
{
    return i < imp->n_inputs ? imp->inputs[i] : NULL;
}

const n2d2_shape *n2d2_import_input_shape(const n2d2_import *imp, size_t i)
{
    if (i >= imp->n_inputs || strcmp(imp->inputs[i], imp->g->input_section) != 0)
        return NULL;
    return &imp->g->input_shape;
}

static int is_generated_key(const char *key)
{
    return strcmp(key, "Type") == 0 || strcmp(key, "Input") == 0;
}

/* Copy the default section's entries that `sec` does not set, as written
 * (resolved when the cell reads them: they may wait for [sp]_EpochSize). */
static n2d2_status apply_defaults(n2d2_graph *g, n2d2_ini_section *def, n2d2_ini_section *sec)
{
    struct graph_imports *gi = g->imports;
    n2d2_ini_section_claim(def);
    for (size_t i = 0; i < n2d2_ini_entry_count(def); ++i) {
        n2d2_ini_entry *e = n2d2_ini_entry_at(def, i);
        const char *key = n2d2_ini_entry_key(e);
        if (key[0] == '$' || is_generated_key(key) || n2d2_ini_entry_find(sec, key))
            continue;
        if (gi->n_copies == gi->cap_copies) {
            size_t cap = gi->cap_copies ? gi->cap_copies * 2 : 64;
            import_copy *grown = realloc(gi->copies, cap * sizeof *grown);
            if (!grown)
                return nomem();
            gi->copies = grown;
            gi->cap_copies = cap;
        }
        gi->copies[gi->n_copies++] = (import_copy){e, sec};
        char *k = n2d2_strdup(key), *v = n2d2_strdup(n2d2_ini_entry_raw(e));
        n2d2_status st = k && v ? n2d2_ini_set(g->ini, sec, k, v) : nomem();
        free(k);
        free(v);
        if (st != N2D2_OK)
            return st;
    }
    return N2D2_OK;
}

void n2d2_graph_import_sync_used(n2d2_graph *g)
{
    struct graph_imports *gi = g->imports;
    for (size_t i = 0; gi && i < gi->n_copies; ++i) {
        n2d2_ini_entry *copy = n2d2_ini_entry_find(gi->copies[i].to, n2d2_ini_entry_key(gi->copies[i].from));
        if (!copy)
            continue;
        if (n2d2_ini_entry_used(copy))
            n2d2_ini_entry_mark_used(gi->copies[i].from);
        n2d2_ini_entry_mark_used(copy);
    }
}

n2d2_status n2d2_import_add_cell(n2d2_import *imp, const char *name, const char *type,
                                 const char *inputs)
{
    n2d2_graph *g = imp->g;
    if (!name || !*name || !type || !inputs)
        return n2d2_error_at(N2D2_ERR_INVAL, n2d2_import_where(imp), 0,
                             "[%s]: imported cell without name, type or inputs", imp->name);
    n2d2_ini_section *sec = n2d2_ini_find(g->ini, name);
    if (sec && (n2d2_ini_entry_find(sec, "Input") || n2d2_ini_entry_find(sec, "Type") ||
                strcmp(name, g->input_section) == 0))
        return n2d2_error_at(N2D2_ERR_DUPLICATE, n2d2_import_where(imp), 0,
                             "[%s]: the imported layer '%s' has the name of the section [%s] "
                             "(%s), which is not a per-layer configuration section",
                             imp->name, name, name, n2d2_ini_section_where(sec));
    n2d2_status st = N2D2_OK;
    if (!sec)
        st = n2d2_ini_add_section(g->ini, name, &sec);
    char def_name[1024];
    snprintf(def_name, sizeof def_name, "%s:%s_def", imp->name, type);
    n2d2_ini_section *def = n2d2_ini_find(g->ini, def_name);
    if (st == N2D2_OK && def)
        st = apply_defaults(g, def, sec);
    if (st == N2D2_OK)
        st = n2d2_ini_set(g->ini, sec, "Type", type);
    if (st == N2D2_OK)
        st = n2d2_ini_set(g->ini, sec, "Input", inputs);
    return st;
}

n2d2_status n2d2_import_set(n2d2_import *imp, const char *cell, const char *key, const char *value)
{
    n2d2_ini_section *sec = n2d2_ini_find(imp->g->ini, cell);
    if (!sec || !n2d2_ini_entry_find(sec, "Type"))
        return n2d2_error_at(N2D2_ERR_NOT_FOUND, n2d2_import_where(imp), 0,
                             "[%s]: no imported cell '%s' to set %s on", imp->name, cell, key);
    return n2d2_ini_set(imp->g->ini, sec, key, value);
}

n2d2_status n2d2_import_set_param(n2d2_import *imp, const char *cell, const char *param,
                                  n2d2_tensor *value)
{
    struct graph_imports *gi = imp->g->imports;
    if (gi->n_params == gi->cap_params) {
        size_t cap = gi->cap_params ? gi->cap_params * 2 : 64;
        import_param *grown = realloc(gi->params, cap * sizeof *grown);
        if (!grown)
            return nomem();
        gi->params = grown;
        gi->cap_params = cap;
    }
    import_param *p = &gi->params[gi->n_params];
    p->cell = n2d2_strdup(cell);
    p->param = n2d2_strdup(param);
    p->value = n2d2_tensor_retain(value);
    p->order = gi->n_params;
    gi->n_params++;
    return p->cell && p->param ? N2D2_OK : nomem();
}

n2d2_status n2d2_import_alias(n2d2_import *imp, const char *name, const char *target)
{
    if (imp->n_aliases == imp->cap_aliases) {
        size_t cap = imp->cap_aliases ? imp->cap_aliases * 2 : 32;
        import_alias *grown = realloc(imp->aliases, cap * sizeof *grown);
        if (!grown)
            return nomem();
        imp->aliases = grown;
        imp->cap_aliases = cap;
    }
    import_alias *a = &imp->aliases[imp->n_aliases++];
    a->name = n2d2_strdup(name);
    a->target = n2d2_strdup(target);
    return a->name && a->target ? N2D2_OK : nomem();
}

n2d2_status n2d2_import_set_outputs(n2d2_import *imp, const char *outputs)
{
    free(imp->outputs);
    imp->outputs = n2d2_strdup(outputs);
    return imp->outputs ? N2D2_OK : nomem();
}

/* ---- expansion ---- */

static void import_free(n2d2_import *imp)
{
    if (!imp)
        return;
    free(imp->name);
    n2d2_list_free(imp->inputs, imp->n_inputs);
    free(imp->outputs);
    for (size_t i = 0; i < imp->n_aliases; ++i) {
        free(imp->aliases[i].name);
        free(imp->aliases[i].target);
    }
    free(imp->aliases);
    n2d2_params_free(imp->common);
    n2d2_params_free(imp->params);
    free(imp);
}

void n2d2_graph_free_imports(n2d2_graph *g)
{
    struct graph_imports *gi = g->imports;
    if (!gi)
        return;
    for (size_t i = 0; i < gi->n; ++i)
        import_free(gi->list[i]);
    free(gi->list);
    for (size_t i = 0; i < gi->n_params; ++i) {
        free(gi->params[i].cell);
        free(gi->params[i].param);
        n2d2_tensor_release(gi->params[i].value);
    }
    free(gi->params);
    free(gi->copies);
    free(gi);
    g->imports = NULL;
}

static const n2d2_import *find_import(const n2d2_graph *g, const char *name)
{
    if (!g->imports)
        return NULL;
    for (size_t i = 0; i < g->imports->n; ++i)
        if (strcmp(g->imports->list[i]->name, name) == 0)
            return g->imports->list[i];
    return NULL;
}

int n2d2_graph_is_import_section(const n2d2_graph *g, const char *name)
{
    return find_import(g, name) != NULL;
}

static const char *alias_target(const n2d2_import *imp, const char *name)
{
    /* Aliases may chain (a Dropout after a Flatten); bounded by their count. */
    const char *cur = name;
    for (size_t hops = 0; hops <= imp->n_aliases; ++hops) {
        const char *next = NULL;
        for (size_t i = 0; i < imp->n_aliases && !next; ++i)
            if (strcmp(imp->aliases[i].name, cur) == 0)
                next = imp->aliases[i].target;
        if (!next)
            return cur;
        cur = next;
    }
    return cur;
}

static n2d2_status run_importer(n2d2_graph *g, n2d2_ini_section *sec, const n2d2_feature *f)
{
    struct graph_imports *gi = g->imports;
    n2d2_import **grown = realloc(gi->list, (gi->n + 1) * sizeof *grown);
    if (!grown)
        return nomem();
    gi->list = grown;
    n2d2_import *imp = calloc(1, sizeof *imp);
    if (!imp)
        return nomem();
    gi->list[gi->n++] = imp;
    imp->g = g;
    imp->sec = sec;
    imp->name = n2d2_strdup(n2d2_ini_section_name(sec));
    if (!imp->name)
        return nomem();
    n2d2_status st = n2d2_params_from_ini(g->ini, &sec, 1, NULL, 0, import_common_schema,
                                          COUNT_OF(import_common_schema), &imp->common);
    if (st == N2D2_OK)
        st = n2d2_params_from_ini(g->ini, &sec, 1, NULL, 0, f->params, f->n_params, &imp->params);
    if (st == N2D2_OK)
        st = n2d2_list_split(n2d2_params_string(imp->common, "Input"), &imp->inputs, &imp->n_inputs);
    if (st != N2D2_OK)
        return st;
    if (imp->n_inputs == 0)
        return n2d2_error_at(N2D2_ERR_INVAL, n2d2_params_where(imp->common, "Input"), 0,
                             "[%s]: Input= is empty", imp->name);
    const n2d2_importer_ops *ops = f->ops;
    if (!ops->expand)
        return n2d2_error_at(N2D2_ERR_INTERNAL, n2d2_import_where(imp), 0,
                             "the %s importer plugin has no expand function", f->name);
    st = ops->expand(imp, imp->params);
    if (st == N2D2_OK && (!imp->outputs || !*imp->outputs))
        st = n2d2_error_at(N2D2_ERR_INVAL, n2d2_import_where(imp), 0,
                           "[%s]: the imported graph has no output (every node ignored?)", imp->name);
    return st;
}

static int by_cell(const void *a, const void *b)
{
    const import_param *x = a, *y = b;
    int c = strcmp(x->cell, y->cell);
    return c ? c : (x->order > y->order) - (x->order < y->order);
}

/* Rewrite one Input= list: an importer's name is dropped when other inputs
 * follow (N2D2's `Input=onnx,<layer>`), or stands for the importer's
 * outputs alone; the importer's aliases become their cells. */
static n2d2_status rewrite_input(n2d2_graph *g, n2d2_ini_section *sec, const char *list)
{
    char **items = NULL;
    size_t n = 0;
    n2d2_status st = n2d2_list_split(list, &items, &n);
    if (st != N2D2_OK)
        return st;
    const n2d2_import *imp = NULL;
    for (size_t i = 0; i < n && !imp; ++i)
        imp = find_import(g, items[i]);
    if (!imp) {
        n2d2_list_free(items, n);
        return N2D2_OK;
    }
    n2d2_text t = {.len = 0};
    t.buf[0] = '\0';
    size_t others = 0;
    for (size_t i = 0; i < n; ++i)
        others += find_import(g, items[i]) == NULL;
    for (size_t i = 0; i < n; ++i) {
        const n2d2_import *own = find_import(g, items[i]);
        const char *item = own ? (others ? NULL : own->outputs) : alias_target(imp, items[i]);
        if (item)
            n2d2_text_add(&t, "%s%s", t.len ? "," : "", item);
    }
    n2d2_list_free(items, n);
    if (t.len >= sizeof t.buf - 1)
        return n2d2_error_at(N2D2_ERR_INVAL, n2d2_ini_section_where(sec), 0,
                             "[%s]: Input= list too long after expanding [%s]",
                             n2d2_ini_section_name(sec), imp->name);
    return n2d2_ini_set(g->ini, sec, "Input", t.buf);
}

n2d2_status n2d2_graph_expand_imports(n2d2_graph *g)
{
    g->imports = calloc(1, sizeof *g->imports);
    if (!g->imports)
        return nomem();
    size_t n = n2d2_ini_section_count(g->ini);
    n2d2_status st = N2D2_OK;
    /* Sections added by an importer come after n: not visited again. */
    for (size_t i = 0; i < n && st == N2D2_OK; ++i) {
        n2d2_ini_section *sec = n2d2_ini_section_at(g->ini, i);
        const char *type;
        if (strcmp(n2d2_ini_section_name(sec), g->input_section) == 0 ||
            !n2d2_ini_entry_find(sec, "Input") || n2d2_ini_get(g->ini, sec, "Type", &type) != N2D2_OK)
            continue;
        const n2d2_feature *f = n2d2_registry_find(g->reg, N2D2_KIND_IMPORTER, type, NULL);
        if (f)
            st = run_importer(g, sec, f);
    }
    if (st != N2D2_OK || g->imports->n == 0)
        return st;
    for (size_t i = 0; i < n && st == N2D2_OK; ++i) {
        n2d2_ini_section *sec = n2d2_ini_section_at(g->ini, i);
        const char *list;
        if (find_import(g, n2d2_ini_section_name(sec)) ||
            n2d2_ini_get(g->ini, sec, "Input", &list) != N2D2_OK)
            continue;
        char *copy = n2d2_strdup(list);
        st = copy ? rewrite_input(g, sec, copy) : nomem();
        free(copy);
    }
    if (st == N2D2_OK && g->imports->n_params)
        qsort(g->imports->params, g->imports->n_params, sizeof *g->imports->params, by_cell);
    return st;
}

/* ---- parameter values ---- */

n2d2_status n2d2_graph_apply_imported(n2d2_graph *g, n2d2_cell *cell)
{
    struct graph_imports *gi = g->imports;
    if (!gi)
        return N2D2_OK;
    /* Sorted by cell name: binary search for the first value of this cell. */
    size_t lo = 0, hi = gi->n_params;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(gi->params[mid].cell, cell->name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < gi->n_params && strcmp(gi->params[i].cell, cell->name) == 0; ++i) {
        import_param *p = &gi->params[i];
        if (!p->value)
            continue; /* applied already (released below) */
        cell_param *target = NULL;
        for (size_t k = 0; k < cell->n_learnables && !target; ++k)
            if (strcmp(cell->learnables[k].name, p->param) == 0)
                target = &cell->learnables[k];
        if (!target)
            return n2d2_cell_error(cell, N2D2_ERR_INTERNAL,
                                   "the imported value of '%s' has no such parameter in this %s cell",
                                   p->param, cell->type);
        const n2d2_tensor *src = p->value;
        int same = n2d2_tensor_ndim(src) == n2d2_tensor_ndim(target->value);
        for (uint32_t d = 0; same && d < n2d2_tensor_ndim(src); ++d)
            same = n2d2_tensor_dim(src, d) == n2d2_tensor_dim(target->value, d);
        if (!same) {
            char a[128], b[128];
            return n2d2_cell_error(
                cell, N2D2_ERR_SHAPE, "imported %s of shape %s, but the cell declares %s", p->param,
                n2d2_shape_str(n2d2_tensor_dims(src), n2d2_tensor_ndim(src), a, sizeof a),
                n2d2_shape_str(n2d2_tensor_dims(target->value), n2d2_tensor_ndim(target->value), b,
                               sizeof b));
        }
        n2d2_status st = n2d2_tensor_copy(target->value, src);
        if (st != N2D2_OK)
            return st;
        /* Applied once per cell: free the copy now so that a large model's
         * weights are not held twice while the next cells are built. */
        n2d2_tensor_release(p->value);
        p->value = NULL;
    }
    return N2D2_OK;
}

size_t n2d2_graph_import_params(const n2d2_graph *g, const n2d2_params **out, size_t max)
{
    size_t n = 0;
    if (!g->imports)
        return 0;
    for (size_t i = 0; i < g->imports->n; ++i) {
        if (n < max)
            out[n] = g->imports->list[i]->common;
        if (n + 1 < max)
            out[n + 1] = g->imports->list[i]->params;
        n += 2;
    }
    return n;
}
