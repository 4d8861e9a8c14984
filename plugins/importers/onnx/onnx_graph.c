/* The ONNX graph: tensor names (hash table), consumers, topological order
 * with cycle detection, and the driver that walks the nodes. */
#include "onnx_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Saturates at SIZE_MAX (then refused as too large by the callers). */
size_t ox_numel(const int64_t *dims, int rank)
{
    size_t n = 1;
    for (int i = 0; i < rank; ++i) {
        size_t d = dims[i] > 0 ? (size_t)dims[i] : 0;
        if (d && n > SIZE_MAX / d)
            return SIZE_MAX;
        n *= d;
    }
    return n;
}

n2d2_status ox_node_error(const ox_ctx *c, const Onnx__NodeProto *n, n2d2_status code,
                          const char *fmt, ...)
{
    char detail[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    return n2d2_error_at(code, n2d2_import_where(c->imp), 0,
                         "[%s] %s: node '%s' (operator %s, opset %lld, output '%s'): %s",
                         n2d2_import_section(c->imp), c->path, n->name ? n->name : "",
                         n->op_type ? n->op_type : "?", (long long)c->opset,
                         n->n_output ? n->output[0] : "", detail);
}

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; ++s)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

ox_value *ox_find(ox_ctx *c, const char *name)
{
    if (!name || !*name || !c->n_slots)
        return NULL;
    for (size_t i = hash_str(name) & (c->n_slots - 1);; i = (i + 1) & (c->n_slots - 1)) {
        size_t slot = c->slots[i];
        if (!slot)
            return NULL;
        if (strcmp(c->values[slot - 1].name, name) == 0)
            return &c->values[slot - 1];
    }
}

ox_value *ox_load(ox_ctx *c, ox_value *v)
{
    if (!v || v->state != OX_CONST || v->data || !v->proto)
        return v;
    n2d2_status st = ox_tensor_const_load(c, v);
    if (st == N2D2_OK)
        return v;
    c->load_st = st;
    return NULL;
}

ox_value *ox_in(ox_ctx *c, const Onnx__NodeProto *n, size_t i)
{
    return i < n->n_input ? ox_load(c, ox_find(c, n->input[i])) : NULL;
}

/* Frees the converted initializers a node read: the next reader converts
 * them again, so only one node's weights are held as doubles at a time. */
static void unload_inputs(ox_ctx *c, const Onnx__NodeProto *n)
{
    for (size_t i = 0; i < n->n_input; ++i) {
        ox_value *v = ox_find(c, n->input[i]);
        if (v && v->proto && v->data) {
            free(v->data);
            v->data = NULL;
        }
    }
}

/* Add a name; *dup when it exists already. */
static ox_value *add_value(ox_ctx *c, const char *name, int *dup)
{
    *dup = 0;
    size_t i = hash_str(name) & (c->n_slots - 1);
    for (; c->slots[i]; i = (i + 1) & (c->n_slots - 1))
        if (strcmp(c->values[c->slots[i] - 1].name, name) == 0) {
            *dup = 1;
            return &c->values[c->slots[i] - 1];
        }
    ox_value *v = &c->values[c->n_values++];
    v->name = name;
    c->slots[i] = c->n_values;
    return v;
}

static void free_ctx(ox_ctx *c)
{
    for (size_t i = 0; i < c->n_values; ++i) {
        free(c->values[i].data);
        free(c->values[i].cell);
    }
    free(c->values);
    free(c->slots);
    free(c->cons);
    free(c->done);
    for (size_t i = 0; i < c->n_ignore; ++i)
        free(c->ignore[i]);
    free(c->ignore);
    ox_close_model(c);
}

static n2d2_status check_opset(ox_ctx *c)
{
    c->opset = -1;
    for (size_t i = 0; i < c->model->n_opset_import; ++i) {
        const Onnx__OperatorSetIdProto *o = c->model->opset_import[i];
        if ((!o->domain || !*o->domain || strcmp(o->domain, "ai.onnx") == 0) && o->has_version)
            c->opset = o->version;
    }
    if (c->opset < 0)
        return n2d2_error_at(N2D2_ERR_PARSE, n2d2_import_where(c->imp), 0,
                             "[%s] %s: the model imports no version of the default ONNX operator set",
                             n2d2_import_section(c->imp), c->path);
    if (c->opset > OX_MAX_OPSET || c->opset < OX_MIN_OPSET)
        return n2d2_error_at(N2D2_ERR_NOT_IMPLEMENTED, n2d2_import_where(c->imp), 0,
                             "[%s] %s: ONNX opset %lld is not supported (opsets %d to %d are "
                             "implemented; convert the model with onnx.version_converter)",
                             n2d2_import_section(c->imp), c->path, (long long)c->opset,
                             OX_MIN_OPSET, OX_MAX_OPSET);
    return N2D2_OK;
}

static n2d2_status set_input(ox_ctx *c, const Onnx__ValueInfoProto *vi, ox_value *v, size_t k)
{
    const char *section = n2d2_import_input_name(c->imp, k);
    const n2d2_shape *sp = n2d2_import_input_shape(c->imp, k);
    const Onnx__TypeProto *t = vi->type;
    const Onnx__TensorShapeProto *shape =
        t && t->value_case == ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE && t->tensor_type ? t->tensor_type->shape : NULL;
    v->state = OX_ACT;
    v->cell = strdup(section);
    if (!v->cell)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    int known = shape && shape->n_dim >= 2 && shape->n_dim <= OX_MAX_RANK;
    for (size_t d = 1; known && d < shape->n_dim; ++d)
        known = shape->dim[d]->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE &&
                shape->dim[d]->dim_value > 0 && shape->dim[d]->dim_value <= OX_MAX_EXTENT;
    int ignore_size = n2d2_params_bool(c->params, "IgnoreInputSize");
    if (sp && (!known || ignore_size)) {
        /* the stimuli provider's {C, H, W} */
        v->rank = (int)sp->ndim + 1;
        v->dims[0] = 1;
        for (uint32_t d = 0; d < sp->ndim; ++d)
            v->dims[d + 1] = (int64_t)sp->dims[d];
        return N2D2_OK;
    }
    if (!known)
        return n2d2_error_at(N2D2_ERR_NOT_IMPLEMENTED, n2d2_import_where(c->imp), 0,
                             "[%s] %s: the size of the ONNX input '%s' is not fixed and its "
                             "input [%s] is not the stimuli section",
                             n2d2_import_section(c->imp), c->path, vi->name, section);
    v->rank = (int)shape->n_dim;
    v->dims[0] = 1;
    for (size_t d = 1; d < shape->n_dim; ++d)
        v->dims[d] = shape->dim[d]->dim_value;
    if (sp) {
        int same = sp->ndim + 1 == shape->n_dim || (sp->ndim == 3 && shape->n_dim == 2 &&
                                                     sp->dims[1] == 1 && sp->dims[2] == 1);
        size_t n_sp = n2d2_shape_numel(sp);
        same = same && n_sp == ox_numel(v->dims, v->rank);
        for (uint32_t d = 0; same && d < sp->ndim && d + 1 < shape->n_dim; ++d)
            same = (int64_t)sp->dims[d] == v->dims[d + 1];
        if (!same) {
            char a[128];
            return n2d2_error_at(N2D2_ERR_SHAPE, n2d2_import_where(c->imp), 0,
                                 "[%s] %s: unexpected size for ONNX input '%s': the model wants "
                                 "%lld x %lld x %lld (C x H x W) but [%s] provides %s; set "
                                 "IgnoreInputSize=1 to use the stimuli size",
                                 n2d2_import_section(c->imp), c->path, vi->name,
                                 (long long)v->dims[1], (long long)(v->rank > 2 ? v->dims[2] : 1),
                                 (long long)(v->rank > 3 ? v->dims[3] : 1), section,
                                 n2d2_shape_str(sp->dims, sp->ndim, a, sizeof a));
        }
    }
    return N2D2_OK;
}

static n2d2_status register_values(ox_ctx *c)
{
    const Onnx__GraphProto *g = c->graph;
    size_t count = g->n_input + g->n_initializer;
    for (size_t i = 0; i < g->n_node; ++i)
        count += g->node[i]->n_output;
    c->values = calloc(count + 1, sizeof *c->values);
    for (c->n_slots = 16; c->n_slots < 2 * count + 2;)
        c->n_slots *= 2;
    c->slots = calloc(c->n_slots, sizeof *c->slots);
    c->done = calloc(g->n_node + 1, 1);
    if (!c->values || !c->slots || !c->done)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    int dup;
    for (size_t i = 0; i < g->n_initializer; ++i) {
        const Onnx__TensorProto *t = g->initializer[i];
        if (!t->name || !*t->name)
            return n2d2_error(N2D2_ERR_PARSE, "%s: initializer %zu has no name", c->path, i);
        ox_value *v = add_value(c, t->name, &dup);
        if (dup)
            return n2d2_error(N2D2_ERR_PARSE, "%s: two initializers are named '%s'", c->path, t->name);
        n2d2_status st = ox_tensor_check(c, t, v); /* converted when a node reads it */
        if (st != N2D2_OK)
            return st;
    }
    size_t k = 0;
    for (size_t i = 0; i < g->n_input; ++i) {
        const Onnx__ValueInfoProto *vi = g->input[i];
        if (!vi->name || ox_find(c, vi->name))
            continue; /* an initializer listed as input (IR < 4) */
        if (k >= n2d2_import_input_count(c->imp))
            return n2d2_error_at(N2D2_ERR_INVAL, n2d2_import_where(c->imp), 0,
                                 "[%s] %s: the model has more inputs than Input= lists (%zu); "
                                 "input '%s' is not fed",
                                 n2d2_import_section(c->imp), c->path,
                                 n2d2_import_input_count(c->imp), vi->name);
        ox_value *v = add_value(c, vi->name, &dup);
        n2d2_status st = set_input(c, vi, v, k++);
        if (st != N2D2_OK)
            return st;
        st = n2d2_import_alias(c->imp, vi->name, v->cell);
        if (st != N2D2_OK)
            return st;
    }
    for (size_t i = 0; i < g->n_node; ++i) {
        const Onnx__NodeProto *n = g->node[i];
        if (!n->op_type)
            return n2d2_error(N2D2_ERR_PARSE, "%s: node %zu has no operator", c->path, i);
        for (size_t o = 0; o < n->n_output; ++o) {
            if (!n->output[o] || !*n->output[o])
                continue;
            add_value(c, n->output[o], &dup);
            if (dup)
                return ox_node_error(c, n, N2D2_ERR_PARSE, "its output '%s' is already produced "
                                     "elsewhere (an initializer, input or other node)", n->output[o]);
        }
    }
    for (size_t i = 0; i < g->n_output; ++i) {
        ox_value *v = g->output[i]->name ? ox_find(c, g->output[i]->name) : NULL;
        if (!v)
            return n2d2_error(N2D2_ERR_PARSE, "%s: graph output '%s' is computed by no node", c->path,
                              g->output[i]->name ? g->output[i]->name : "");
        v->graph_output = 1;
    }
    return N2D2_OK;
}

/* Consumers per value (grouped) and a topological order of the nodes
 * (Kahn, in file order); a cycle is reported with a node on it. */
static n2d2_status order_nodes(ox_ctx *c, size_t **order_out)
{
    const Onnx__GraphProto *g = c->graph;
    size_t n_nodes = g->n_node, total = 0;
    size_t *pending = calloc(n_nodes + 1, sizeof *pending);
    size_t *order = calloc(n_nodes + 1, sizeof *order);
    n2d2_status st = N2D2_OK;
    if (!pending || !order) {
        st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n_nodes; ++i) {
        const Onnx__NodeProto *n = g->node[i];
        for (size_t k = 0; k < n->n_input; ++k) {
            if (!n->input[k] || !*n->input[k])
                continue;
            ox_value *v = ox_find(c, n->input[k]);
            if (!v) {
                st = ox_node_error(c, n, N2D2_ERR_PARSE, "input '%s' is no initializer, graph input "
                                   "or node output", n->input[k]);
                goto out;
            }
            v->cons_end++; /* count first */
            ++total;
        }
    }
    c->cons = calloc(total + 1, sizeof *c->cons);
    if (!c->cons) {
        st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        goto out;
    }
    size_t at = 0;
    for (size_t i = 0; i < c->n_values; ++i) {
        size_t count = c->values[i].cons_end;
        c->values[i].cons_begin = c->values[i].cons_end = at;
        at += count;
    }
    /* node outputs start OX_UNKNOWN: they make their consumers wait */
    for (size_t i = 0; i < n_nodes; ++i) {
        const Onnx__NodeProto *n = g->node[i];
        for (size_t k = 0; k < n->n_input; ++k) {
            ox_value *v = ox_find(c, n->input[k]);
            if (!v)
                continue;
            c->cons[v->cons_end++] = i;
            if (v->state == OX_UNKNOWN)
                pending[i]++;
        }
    }
    size_t head = 0, tail = 0;
    for (size_t i = 0; i < n_nodes; ++i)
        if (!pending[i])
            order[tail++] = i;
    while (head < tail) {
        const Onnx__NodeProto *n = g->node[order[head++]];
        for (size_t o = 0; o < n->n_output; ++o) {
            ox_value *v = ox_find(c, n->output[o]);
            if (!v)
                continue;
            for (size_t k = v->cons_begin; k < v->cons_end; ++k)
                if (--pending[c->cons[k]] == 0)
                    order[tail++] = c->cons[k];
        }
    }
    if (tail < n_nodes) {
        size_t stuck = 0;
        while (stuck < n_nodes && !pending[stuck])
            ++stuck;
        st = ox_node_error(c, g->node[stuck], N2D2_ERR_CYCLE,
                           "the graph has a cycle through this node (%zu of %zu nodes are on or "
                           "after a cycle)", n_nodes - tail, n_nodes);
        goto out;
    }
    *order_out = order;
    order = NULL;
out:
    free(pending);
    free(order);
    return st;
}

static int ignored(const ox_ctx *c, const Onnx__NodeProto *n)
{
    for (size_t i = 0; i < c->n_ignore && n->n_output; ++i)
        if (strcmp(c->ignore[i], n->output[0]) == 0)
            return 1;
    return 0;
}

/* An ignored node passes its first activation input through. */
static n2d2_status skip_node(ox_ctx *c, const Onnx__NodeProto *n)
{
    ox_value *in = NULL;
    for (size_t k = 0; k < n->n_input && !in; ++k) {
        ox_value *v = ox_in(c, n, k);
        if (v && v->state == OX_ACT)
            in = v;
    }
    for (size_t o = 0; o < n->n_output; ++o) {
        ox_value *v = ox_find(c, n->output[o]);
        if (!v)
            continue;
        if (!in) {
            v->state = OX_UNKNOWN;
            continue;
        }
        v->state = OX_ACT;
        v->rank = in->rank;
        memcpy(v->dims, in->dims, sizeof v->dims);
        v->cell = strdup(in->cell);
        if (!v->cell)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        n2d2_status st = n2d2_import_alias(c->imp, v->name, in->cell);
        if (st != N2D2_OK)
            return st;
    }
    return N2D2_OK;
}

static n2d2_status walk(ox_ctx *c, const size_t *order)
{
    const Onnx__GraphProto *g = c->graph;
    for (size_t k = 0; k < g->n_node; ++k) {
        size_t i = order[k];
        const Onnx__NodeProto *n = g->node[i];
        if (c->done[i])
            continue;
        if (n->domain && *n->domain && strcmp(n->domain, "ai.onnx") != 0)
            return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "operators of domain '%s' are not "
                                 "implemented", n->domain);
        n2d2_status st;
        if (ignored(c, n)) {
            st = skip_node(c, n);
        } else {
            int all_const = 1, any_unknown = 0;
            for (size_t in = 0; in < n->n_input; ++in) {
                ox_value *v = ox_in(c, n, in);
                if (v && v->state != OX_CONST)
                    all_const = 0;
                if (v && v->state == OX_UNKNOWN)
                    any_unknown = 1;
            }
            if (any_unknown)
                return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED,
                                     "an input comes from an ignored node that has no input to pass "
                                     "through");
            st = N2D2_ERR_NOT_FOUND;
            if (all_const || strcmp(n->op_type, "Shape") == 0)
                st = ox_fold(c, n);
            if (st == N2D2_ERR_NOT_FOUND)
                st = ox_translate(c, i);
            if (st == N2D2_ERR_NOT_FOUND)
                st = ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "this operator is not supported "
                                   "by the ONNX importer%s", all_const ? " (constant operands)" : "");
        }
        if (st == N2D2_OK && c->load_st != N2D2_OK)
            st = c->load_st;
        if (st != N2D2_OK)
            return st;
        unload_inputs(c, n);
        c->done[i] = 1;
    }
    return N2D2_OK;
}

static n2d2_status set_outputs(ox_ctx *c)
{
    char list[4096] = "";
    size_t used = 0;
    for (size_t i = 0; i < c->graph->n_output; ++i) {
        ox_value *v = ox_find(c, c->graph->output[i]->name);
        if (!v || v->state != OX_ACT)
            continue; /* constant or dropped outputs are not cells */
        int seen = 0;
        for (size_t j = 0; j < i && !seen; ++j) {
            ox_value *w = ox_find(c, c->graph->output[j]->name);
            seen = w && w->state == OX_ACT && strcmp(w->cell, v->cell) == 0;
        }
        if (!seen)
            used += (size_t)snprintf(list + used, used < sizeof list ? sizeof list - used : 0, "%s%s",
                                     used ? "," : "", v->cell);
    }
    if (used >= sizeof list)
        return n2d2_error(N2D2_ERR_UNSUPPORTED, "%s: too many graph outputs", c->path);
    return n2d2_import_set_outputs(c->imp, list);
}

/* File= relative to the working directory (N2D2), else to the INI file. */
static void resolve_path(const n2d2_params *p, char *out, size_t size)
{
    const char *file = n2d2_params_string(p, "File");
    snprintf(out, size, "%s", file);
    if (file[0] == '/' || access(file, F_OK) == 0)
        return;
    const char *where = n2d2_params_where(p, "File");
    const char *colon = strrchr(where, ':'), *slash = NULL;
    for (const char *s = where; s < (colon ? colon : where + strlen(where)); ++s)
        if (*s == '/')
            slash = s;
    if (slash)
        snprintf(out, size, "%.*s/%s", (int)(slash - where), where, file);
}

static n2d2_status split_ignore(ox_ctx *c)
{
    const char *list = n2d2_params_string(c->params, "Ignore");
    for (const char *s = list ? list : ""; *s;) {
        while (*s == ' ' || *s == '\t' || *s == ',')
            ++s;
        size_t len = strcspn(s, " \t,");
        if (!len)
            break;
        char **grown = realloc(c->ignore, (c->n_ignore + 1) * sizeof *grown);
        if (!grown)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        c->ignore = grown;
        c->ignore[c->n_ignore] = strndup(s, len);
        if (!c->ignore[c->n_ignore++])
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        s += len;
    }
    return N2D2_OK;
}

n2d2_status ox_expand(n2d2_import *imp, const n2d2_params *params)
{
    if (n2d2_params_bool(params, "Transpose"))
        return n2d2_params_error(params, "Transpose", N2D2_ERR_NOT_IMPLEMENTED,
                                 "Transpose=1 (transposing the whole ONNX graph) is not implemented yet");
    char path[4096];
    resolve_path(params, path, sizeof path);
    ox_ctx c;
    memset(&c, 0, sizeof c);
    c.imp = imp;
    c.params = params;
    c.path = path;
    c.init = n2d2_params_bool(params, "ONNX_init");
    size_t *order = NULL;
    n2d2_status st = split_ignore(&c);
    if (st == N2D2_OK)
        st = ox_read_model(&c, path);
    if (st == N2D2_OK) {
        c.graph = c.model->graph;
        st = check_opset(&c);
    }
    if (st == N2D2_OK)
        st = register_values(&c);
    if (st == N2D2_OK)
        st = order_nodes(&c, &order);
    if (st == N2D2_OK)
        st = walk(&c, order);
    if (st == N2D2_OK)
        st = set_outputs(&c);
    if (st != N2D2_OK && n2d2_error_message()[0] == '\0')
        st = n2d2_error(st, "[%s] %s: import failed", n2d2_import_section(imp), path);
    free(order);
    free_ctx(&c);
    return st;
}
