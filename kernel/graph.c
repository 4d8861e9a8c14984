/* Building the network graph from INI sections: inputs, topological order,
 * cell creation through the registry and shape inference. */
#include "graph_impl.h"
#include "graph_import.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "n2d2/log.h"
#include "params_impl.h"
#include "strutil.h"

static const n2d2_param_spec global_schema[] = {
    {"DefaultModel", N2D2_PARAM_STRING, "Frame", NULL, 0, 0, 0,
     "model of every cell without Model= (Frame, Frame_CUDA, Transcode, Spike...)"},
    {"DefaultDataType", N2D2_PARAM_ENUM, "Float32", "Float16|Float32|Float64", 0, 0, 0,
     "data type of every cell without DataType="},
    {"InsertBatchNormAfterConv", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0,
     "insert a BatchNorm after each Conv not already followed by one"},
};

/* Keys of [sp]/[env] (manual ch. 21.1-21.4). The graph reads the sizes; the
 * stimuli provider reads the rest. */
static const n2d2_param_spec input_schema[] = {
    {"SizeX", N2D2_PARAM_UINT, NULL, NULL, 0, 0, 0, "network input width"},
    {"SizeY", N2D2_PARAM_UINT, NULL, NULL, 0, 0, 0, "network input height"},
    {"NbChannels", N2D2_PARAM_UINT, "1", NULL, 0, 0, 0, "network input channels"},
    {"Size", N2D2_PARAM_LIST, NULL, NULL, 0, 0, 0,
     "N-D input size 'X Y C' instead of SizeX/SizeY/NbChannels"},
    {"BatchSize", N2D2_PARAM_UINT, "1", NULL, 0, 0, 0, "mini-batch size"},
    {"CompositeStimuli", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0, "pixel-wise labels"},
    {"CachePath", N2D2_PARAM_STRING, "", NULL, 0, 0, 0, "cache directory for pre-processed stimuli"},
    {"ConfigSection", N2D2_PARAM_STRING, "", NULL, 0, 0, 0, "extra configuration section(s)"},
    {"StimulusType", N2D2_PARAM_ENUM, "SingleBurst", "SingleBurst|Periodic|JitteredPeriodic|Poissonian",
     0, 0, 0, "spike coding of pixel values (env, Spike models)"},
    {"DiscardedLateStimuli", N2D2_PARAM_FLOAT, "1.0", NULL, 0, 0, 0, "pixels above never spike"},
    {"PeriodMeanMin", N2D2_PARAM_STRING, "50 TimeMs", NULL, 0, 0, 0, "mean minimum period"},
    {"PeriodMeanMax", N2D2_PARAM_STRING, "12 TimeS", NULL, 0, 0, 0, "mean maximum period"},
    {"PeriodRelStdDev", N2D2_PARAM_FLOAT, "0.1", NULL, 0, 0, 0, "relative period jitter"},
    {"PeriodMin", N2D2_PARAM_STRING, "11 TimeMs", NULL, 0, 0, 0, "minimum inter-spike interval"},
};

static const n2d2_param_spec cell_common_schema[] = {
    {"Type", N2D2_PARAM_STRING, NULL, NULL, 0, 0, N2D2_PARAM_REQUIRED, "cell type"},
    {"Input", N2D2_PARAM_STRING, NULL, NULL, 0, 0, N2D2_PARAM_REQUIRED,
     "comma-separated input sections (sp/env for the stimuli)"},
    {"Model", N2D2_PARAM_STRING, NULL, NULL, 0, 0, 0, "implementation model [DefaultModel]"},
    {"DataType", N2D2_PARAM_ENUM, NULL, "Float16|Float32|Float64", 0, 0, 0,
     "numeric type [DefaultDataType]"},
    {"ConfigSection", N2D2_PARAM_STRING, "", NULL, 0, 0, 0, "configuration section(s)"},
};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ---- small helpers ---- */

static int is_cell_section(const n2d2_graph *g, n2d2_ini_section *sec)
{
    const char *name = n2d2_ini_section_name(sec);
    if (g->input_section && strcmp(name, g->input_section) == 0)
        return 0;
    return n2d2_ini_entry_find(sec, "Input") != NULL && !n2d2_graph_is_import_section(g, name);
}

static n2d2_cell *find_cell_by_name(n2d2_cell **cells, size_t n, const char *name)
{
    for (size_t i = 0; i < n; ++i)
        if (strcmp(cells[i]->name, name) == 0)
            return cells[i];
    return NULL;
}

static size_t cell_position(n2d2_cell **cells, size_t n, const n2d2_cell *cell)
{
    for (size_t i = 0; i < n; ++i)
        if (cells[i] == cell)
            return i;
    return n;
}

/* ---- globals and stimuli ---- */

static n2d2_status read_globals(n2d2_graph *g)
{
    n2d2_ini_section *global = n2d2_ini_global(g->ini);
    n2d2_status st = n2d2_params_from_ini(g->ini, &global, 1, NULL, 0, global_schema,
                                          COUNT_OF(global_schema), &g->global_params);
    if (st != N2D2_OK)
        return st;
    const char *model = g->options.default_model ? g->options.default_model
                                                 : n2d2_params_string(g->global_params, "DefaultModel");
    g->default_model = n2d2_strdup(model);
    if (!g->default_model)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    n2d2_dtype_from_name(n2d2_params_string(g->global_params, "DefaultDataType"), &g->default_dtype);
    return N2D2_OK;
}

static n2d2_status read_input_section(n2d2_graph *g)
{
    const char *names[] = {"sp", "env"};
    n2d2_ini_section *sec = NULL;
    for (size_t i = 0; i < 2 && !sec; ++i) {
        sec = n2d2_ini_find(g->ini, names[i]);
        if (sec)
            g->input_section = n2d2_strdup(names[i]);
    }
    if (!sec)
        return n2d2_error_at(N2D2_ERR_NOT_FOUND, n2d2_ini_path(g->ini), 0,
                             "no [sp] or [env] section: the network has no input");
    if (!g->input_section)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    n2d2_status st = n2d2_params_from_ini(g->ini, &sec, 1, NULL, 0, input_schema,
                                          COUNT_OF(input_schema), &g->input_params);
    if (st != N2D2_OK)
        return st;
    n2d2_params *p = g->input_params;
    g->batch_size = n2d2_params_uint(p, "BatchSize");
    double size[N2D2_MAX_DIMS];
    int n = n2d2_params_list(p, "Size", size, N2D2_MAX_DIMS);
    if (n > 0) {
        /* "X Y C" (N2D2 order, innermost first) → {C, Y, X}. */
        if (n > N2D2_MAX_DIMS - 1)
            return n2d2_params_error(p, "Size", N2D2_ERR_INVAL, "at most %d dimensions", N2D2_MAX_DIMS - 1);
        g->input_shape.ndim = (uint32_t)n;
        for (int i = 0; i < n; ++i) {
            if (size[i] < 1 || size[i] != (double)(size_t)size[i])
                return n2d2_params_error(p, "Size", N2D2_ERR_INVAL, "dimensions must be positive integers");
            g->input_shape.dims[n - 1 - i] = (size_t)size[i];
        }
        return N2D2_OK;
    }
    if (!n2d2_params_given(p, "SizeX") || !n2d2_params_given(p, "SizeY"))
        return n2d2_error_at(N2D2_ERR_NOT_FOUND, n2d2_ini_section_where(sec), 0,
                             "[%s]: SizeX and SizeY are required (or Size=)", g->input_section);
    g->input_shape.ndim = 3;
    g->input_shape.dims[0] = n2d2_params_uint(p, "NbChannels");
    g->input_shape.dims[1] = n2d2_params_uint(p, "SizeY");
    g->input_shape.dims[2] = n2d2_params_uint(p, "SizeX");
    if (g->input_shape.dims[0] == 0)
        return n2d2_params_error(p, "NbChannels", N2D2_ERR_INVAL, "must be at least 1");
    return N2D2_OK;
}

/* ---- InsertBatchNormAfterConv ---- */

static int consumer_is_batchnorm(n2d2_graph *g, const char *conv_name)
{
    size_t n = n2d2_ini_section_count(g->ini);
    for (size_t i = 0; i < n; ++i) {
        n2d2_ini_section *sec = n2d2_ini_section_at(g->ini, i);
        const char *type, *input;
        if (n2d2_ini_get(g->ini, sec, "Type", &type) != N2D2_OK ||
            n2d2_ini_get(g->ini, sec, "Input", &input) != N2D2_OK)
            continue;
        if (strcmp(type, "BatchNorm") == 0 && n2d2_list_contains(input, conv_name))
            return 1;
    }
    return 0;
}

static n2d2_status rewire_consumers(n2d2_graph *g, const char *from, const char *to,
                                    n2d2_ini_section *skip)
{
    size_t n = n2d2_ini_section_count(g->ini);
    for (size_t i = 0; i < n; ++i) {
        n2d2_ini_section *sec = n2d2_ini_section_at(g->ini, i);
        const char *input;
        if (sec == skip || n2d2_ini_get(g->ini, sec, "Input", &input) != N2D2_OK ||
            !n2d2_list_contains(input, from))
            continue;
        char *replaced = n2d2_list_replace(input, from, to);
        if (!replaced)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        n2d2_status st = n2d2_ini_set(g->ini, sec, "Input", replaced);
        free(replaced);
        if (st != N2D2_OK)
            return st;
    }
    return N2D2_OK;
}

/* N2D2 moves the convolution's activation to the inserted BatchNorm. */
static int is_activation_key(const char *key)
{
    static const char name[] = "ActivationFunction";
    size_t n = sizeof name - 1;
    return strncmp(key, name, n) == 0 && (key[n] == '\0' || key[n] == '.');
}

/* Copy `key=value` entries selected by `wanted` from `from` to `to`,
 * resolved, marking the originals used. */
static n2d2_status copy_entries(n2d2_graph *g, n2d2_ini_section *from, n2d2_ini_section *to,
                                int (*wanted)(const char *key))
{
    for (size_t i = 0; i < n2d2_ini_entry_count(from); ++i) {
        n2d2_ini_entry *e = n2d2_ini_entry_at(from, i);
        if (!wanted(n2d2_ini_entry_key(e)))
            continue;
        const char *value;
        n2d2_status st = n2d2_ini_entry_resolve(g->ini, e, &value);
        char *key = n2d2_strdup(n2d2_ini_entry_key(e)), *copy = n2d2_strdup(value);
        if (st == N2D2_OK)
            st = key && copy ? n2d2_ini_set(g->ini, to, key, copy) : n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        free(key);
        free(copy);
        if (st != N2D2_OK)
            return st;
    }
    return N2D2_OK;
}

/* N2D2 moves the convolution's activation to the inserted BatchNorm: the
 * ActivationFunction and its options, wherever the convolution takes them
 * from (its ConfigSection(s), then its own section, in rising precedence). */
static n2d2_status move_activation(n2d2_graph *g, n2d2_ini_section *conv, n2d2_ini_section *bn)
{
    const char *list = NULL;
    char **configs = NULL;
    size_t n_configs = 0;
    n2d2_status st = N2D2_OK;
    if (n2d2_ini_get(g->ini, conv, "ConfigSection", &list) == N2D2_OK)
        st = n2d2_list_split(list, &configs, &n_configs);
    for (size_t i = 0; st == N2D2_OK && i < n_configs; ++i) {
        n2d2_ini_section *cfg = n2d2_ini_find(g->ini, configs[i]);
        if (cfg) /* a missing one is reported when the cell is built */
            st = copy_entries(g, cfg, bn, is_activation_key);
    }
    n2d2_list_free(configs, n_configs);
    if (st == N2D2_OK)
        st = copy_entries(g, conv, bn, is_activation_key);
    if (st == N2D2_OK && n2d2_ini_entry_find(bn, "ActivationFunction"))
        st = n2d2_ini_set(g->ini, conv, "ActivationFunction", ""); /* none left on the conv */
    return st;
}

static int is_placement_key(const char *key)
{
    return strcmp(key, "Model") == 0 || strcmp(key, "DataType") == 0;
}

static n2d2_status insert_batchnorm_after(n2d2_graph *g, n2d2_ini_section *conv)
{
    const char *conv_name = n2d2_ini_section_name(conv);
    char bn_name[512];
    snprintf(bn_name, sizeof bn_name, "%s_batchnorm", conv_name);
    n2d2_ini_section *bn;
    n2d2_status st = n2d2_ini_add_section(g->ini, bn_name, &bn);
    if (st == N2D2_OK)
        st = n2d2_ini_set(g->ini, bn, "Type", "BatchNorm");
    if (st == N2D2_OK)
        st = n2d2_ini_set(g->ini, bn, "Input", conv_name);
    if (st == N2D2_OK)
        st = move_activation(g, conv, bn);
    if (st == N2D2_OK) /* same model and data type as the convolution */
        st = copy_entries(g, conv, bn, is_placement_key);
    if (st == N2D2_OK)
        st = rewire_consumers(g, conv_name, bn_name, bn);
    return st;
}

static n2d2_status insert_batchnorms(n2d2_graph *g)
{
    if (!n2d2_params_bool(g->global_params, "InsertBatchNormAfterConv"))
        return N2D2_OK;
    size_t n = n2d2_ini_section_count(g->ini);
    for (size_t i = 0; i < n; ++i) {
        n2d2_ini_section *sec = n2d2_ini_section_at(g->ini, i);
        const char *type;
        if (!is_cell_section(g, sec) ||
            n2d2_ini_get(g->ini, sec, "Type", &type) != N2D2_OK || strcmp(type, "Conv") != 0 ||
            consumer_is_batchnorm(g, n2d2_ini_section_name(sec)))
            continue;
        if (!n2d2_registry_find(g->reg, N2D2_KIND_CELL, "BatchNorm", NULL))
            return n2d2_error_at(N2D2_ERR_NOT_IMPLEMENTED,
                                 n2d2_ini_entry_where(n2d2_ini_entry_find(n2d2_ini_global(g->ini),
                                                                          "InsertBatchNormAfterConv")),
                                 0, "InsertBatchNormAfterConv=1 needs a BatchNorm cell plugin, and "
                                    "none is loaded (not implemented yet)");
        n2d2_status st = insert_batchnorm_after(g, sec);
        if (st != N2D2_OK)
            return st;
    }
    return N2D2_OK;
}

/* ---- cells and their inputs ---- */

static n2d2_status collect_cells(n2d2_graph *g, n2d2_cell ***out, size_t *n_out)
{
    size_t n_sections = n2d2_ini_section_count(g->ini);
    n2d2_cell **cells = calloc(n_sections ? n_sections : 1, sizeof *cells);
    if (!cells)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    size_t n = 0;
    *out = cells;
    for (size_t i = 0; i < n_sections; ++i) {
        n2d2_ini_section *sec = n2d2_ini_section_at(g->ini, i);
        if (!is_cell_section(g, sec))
            continue;
        n2d2_cell *cell = calloc(1, sizeof *cell);
        if (!cell)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        cells[n++] = cell;
        *n_out = n;
        cell->graph = g;
        cell->section = sec;
        cell->name = n2d2_strdup(n2d2_ini_section_name(sec));
        if (!cell->name)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        n2d2_status st = n2d2_params_from_ini(g->ini, &sec, 1, NULL, 0, cell_common_schema,
                                              COUNT_OF(cell_common_schema), &cell->common);
        if (st != N2D2_OK)
            return st;
    }
    *n_out = n;
    return N2D2_OK;
}

static n2d2_status input_not_found(n2d2_graph *g, n2d2_cell **cells, size_t n, n2d2_cell *cell,
                                   const char *name)
{
    const char *where = n2d2_params_where(cell->common, "Input");
    if (n2d2_ini_find(g->ini, name))
        return n2d2_error_at(N2D2_ERR_INVAL, where, 0,
                             "[%s] Input=%s: section [%s] is not a cell (it has no Input=) nor the "
                             "stimuli section [%s]",
                             cell->name, name, name, g->input_section);
    const char **candidates = calloc(n + 1, sizeof *candidates);
    if (!candidates)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; ++i)
        candidates[i] = cells[i]->name;
    candidates[n] = g->input_section;
    size_t best[3];
    size_t found = n2d2_suggest(name, candidates, n + 1, best, 3);
    char hint[512] = "";
    for (size_t i = 0; i < found; ++i) {
        size_t used = strlen(hint);
        snprintf(hint + used, sizeof hint - used, "%s%s", i ? ", " : " (did you mean ", candidates[best[i]]);
    }
    if (found)
        strncat(hint, "?)", sizeof hint - strlen(hint) - 1);
    free(candidates);
    return n2d2_error_at(N2D2_ERR_NOT_FOUND, where, 0,
                         "[%s] Input=%s: no section [%s] in the network%s", cell->name, name, name,
                         hint);
}

static n2d2_status link_inputs(n2d2_graph *g, n2d2_cell **cells, size_t n)
{
    for (size_t c = 0; c < n; ++c) {
        n2d2_cell *cell = cells[c];
        const char *list = n2d2_params_string(cell->common, "Input");
        n2d2_status st = n2d2_list_split(list, &cell->input_names, &cell->n_inputs);
        if (st != N2D2_OK)
            return st;
        if (cell->n_inputs == 0)
            return n2d2_error_at(N2D2_ERR_INVAL, n2d2_params_where(cell->common, "Input"), 0,
                                 "[%s]: Input= is empty", cell->name);
        cell->input_index = calloc(cell->n_inputs, sizeof *cell->input_index);
        if (!cell->input_index)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < cell->n_inputs; ++i) {
            const char *name = cell->input_names[i];
            if (strcmp(name, g->input_section) == 0) {
                cell->input_index[i] = N2D2_STIMULI_INDEX;
                continue;
            }
            n2d2_cell *producer = find_cell_by_name(cells, n, name);
            if (!producer)
                return input_not_found(g, cells, n, cell, name);
            cell->input_index[i] = cell_position(cells, n, producer); /* file order for now */
        }
    }
    return N2D2_OK;
}

/* Describe one cycle among the cells left after Kahn's algorithm. */
static n2d2_status cycle_error(n2d2_cell **cells, size_t n, const int *done)
{
    size_t start = 0;
    while (start < n && done[start])
        ++start;
    size_t *path = calloc(n + 1, sizeof *path);
    int *seen = calloc(n, sizeof *seen);
    if (!path || !seen) {
        free(path);
        free(seen);
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    }
    /* Walk back along not-done inputs until a cell repeats. */
    size_t cur = start, len = 0;
    while (!seen[cur]) {
        seen[cur] = (int)(len + 1);
        path[len++] = cur;
        n2d2_cell *cell = cells[cur];
        size_t next = cur;
        for (size_t i = 0; i < cell->n_inputs; ++i) {
            size_t in = cell->input_index[i];
            if (in != N2D2_STIMULI_INDEX && !done[in]) {
                next = in;
                break;
            }
        }
        cur = next;
    }
    char text[2048] = "";
    size_t first = (size_t)(seen[cur] - 1);
    for (size_t k = len; k-- > first;) {
        size_t used = strlen(text);
        snprintf(text + used, sizeof text - used, "%s (%s) -> ", cells[path[k]]->name,
                 n2d2_params_where(cells[path[k]]->common, "Input"));
    }
    size_t used = strlen(text);
    snprintf(text + used, sizeof text - used, "%s", cells[path[len - 1]]->name);
    n2d2_status st = n2d2_error_at(N2D2_ERR_CYCLE, n2d2_params_where(cells[cur]->common, "Input"), 0,
                                   "cycle in Input=: %s", text);
    free(path);
    free(seen);
    return st;
}

/* Kahn's algorithm, always taking the earliest ready cell in file order so
 * the order is stable. Rewrites input_index into topological positions. */
static n2d2_status topological_sort(n2d2_graph *g, n2d2_cell **cells, size_t n)
{
    int *done = calloc(n ? n : 1, sizeof *done);
    size_t *position = calloc(n ? n : 1, sizeof *position);
    g->cells = calloc(n ? n : 1, sizeof *g->cells);
    if (!done || !position || !g->cells) {
        free(done);
        free(position);
        free(g->cells);
        g->cells = NULL;
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    }
    size_t placed = 0;
    while (placed < n) {
        size_t pick = n;
        for (size_t c = 0; c < n && pick == n; ++c) {
            if (done[c])
                continue;
            int ready = 1;
            for (size_t i = 0; i < cells[c]->n_inputs && ready; ++i) {
                size_t in = cells[c]->input_index[i];
                ready = in == N2D2_STIMULI_INDEX || done[in];
            }
            if (ready)
                pick = c;
        }
        if (pick == n) {
            n2d2_status st = cycle_error(cells, n, done);
            free(done);
            free(position);
            free(g->cells); /* the caller still owns the cells */
            g->cells = NULL;
            return st;
        }
        done[pick] = 1;
        position[pick] = placed;
        g->cells[placed++] = cells[pick];
    }
    for (size_t c = 0; c < n; ++c)
        for (size_t i = 0; i < cells[c]->n_inputs; ++i)
            if (cells[c]->input_index[i] != N2D2_STIMULI_INDEX)
                cells[c]->input_index[i] = position[cells[c]->input_index[i]];
    g->n_cells = n;
    free(done);
    free(position);
    return N2D2_OK;
}

/* ---- creating cells ---- */

static uint64_t hash_name(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; ++s)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static n2d2_status gather_config_sections(n2d2_graph *g, n2d2_cell *cell, n2d2_ini_section ***out,
                                          size_t *n_out)
{
    char **names = NULL;
    size_t n_names = 0;
    n2d2_status st = n2d2_list_split(n2d2_params_string(cell->common, "ConfigSection"), &names, &n_names);
    if (st != N2D2_OK)
        return st;
    n2d2_ini_section **sections = calloc(n_names + 1, sizeof *sections);
    if (!sections) {
        n2d2_list_free(names, n_names);
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    }
    sections[0] = cell->section;
    /* The cell's own section wins, then the last listed config section. */
    for (size_t i = 0; i < n_names && st == N2D2_OK; ++i) {
        n2d2_ini_section *cfg = n2d2_ini_find(g->ini, names[i]);
        if (!cfg)
            st = n2d2_error_at(N2D2_ERR_NOT_FOUND, n2d2_params_where(cell->common, "ConfigSection"), 0,
                               "[%s] ConfigSection=%s: no such section", cell->name, names[i]);
        else {
            n2d2_ini_section_claim(cfg);
            sections[n_names - i] = cfg;
        }
    }
    n2d2_list_free(names, n_names);
    if (st != N2D2_OK) {
        free(sections);
        return st;
    }
    *out = sections;
    *n_out = n_names + 1;
    return N2D2_OK;
}

/* An INI written for a GPU still runs without one: a *_CUDA model whose
 * plugin is not loaded (no CUDA build, or the probe found no GPU) falls
 * back to the CPU model, with one warning per run. */
static n2d2_status fall_back_from_cuda(n2d2_graph *g, n2d2_cell *cell)
{
    size_t len = strlen(cell->model);
    static const char suffix[] = "_CUDA";
    if (len <= 5 || strcmp(cell->model + len - 5, suffix) != 0 ||
        n2d2_registry_find(g->reg, N2D2_KIND_CELL, cell->type, cell->model))
        return N2D2_OK;
    char *cpu = n2d2_strdup(strncmp(cell->model, "Frame", 5) == 0 ? "Frame" : cell->model);
    if (!cpu)
        return N2D2_ERR_NOMEM;
    if (strcmp(cpu, cell->model) == 0 || !n2d2_registry_find(g->reg, N2D2_KIND_CELL, cell->type, cpu)) {
        free(cpu);
        return N2D2_OK; /* let the resolve report what is available */
    }
    if (!g->warned_cuda_fallback) {
        n2d2_log_warn("%s: model %s is not available (no CUDA plugin loaded: built without CUDA, or "
                      "no GPU found); cells run on the CPU as Frame",
                      n2d2_ini_section_where(cell->section), cell->model);
        g->warned_cuda_fallback = 1;
    }
    free(cell->model);
    cell->model = cpu;
    return N2D2_OK;
}

static n2d2_status resolve_model(n2d2_graph *g, n2d2_cell *cell)
{
    const char *model = n2d2_params_given(cell->common, "Model")
                            ? n2d2_params_string(cell->common, "Model")
                            : g->default_model;
    if (strcmp(model, "Transcode") == 0 || strcmp(model, "Transcode_CUDA") == 0) {
        /* Transcode learns as Frame and tests as Spike; the Spike simulator
         * is not implemented yet, so say so rather than pretend. */
        n2d2_log_warn("%s: [%s] model %s: spike simulation is not implemented yet, the cell runs "
                      "as %s",
                      n2d2_ini_section_where(cell->section), cell->name, model,
                      strcmp(model, "Transcode") == 0 ? "Frame" : "Frame_CUDA");
        model = strcmp(model, "Transcode") == 0 ? "Frame" : "Frame_CUDA";
    }
    cell->model = n2d2_strdup(model);
    cell->type = n2d2_strdup(n2d2_params_string(cell->common, "Type"));
    if (!cell->model || !cell->type)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    if (fall_back_from_cuda(g, cell) != N2D2_OK)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    n2d2_status st = n2d2_registry_resolve(g->reg, N2D2_KIND_CELL, cell->type, cell->model,
                                           n2d2_params_where(cell->common, "Type"), &cell->feature);
    if (st != N2D2_OK)
        return st;
    cell->ops = cell->feature->ops;
    return N2D2_OK;
}

static n2d2_status infer_input_shapes(n2d2_graph *g, n2d2_cell *cell)
{
    cell->input_shapes = calloc(cell->n_inputs, sizeof *cell->input_shapes);
    if (!cell->input_shapes)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < cell->n_inputs; ++i) {
        size_t in = cell->input_index[i];
        cell->input_shapes[i] = in == N2D2_STIMULI_INDEX ? g->input_shape : g->cells[in]->output_shape;
        if (in != N2D2_STIMULI_INDEX && g->cells[in]->dtype != cell->dtype)
            return n2d2_cell_error(cell, N2D2_ERR_NOT_IMPLEMENTED,
                                   "input [%s] is %s but this cell is %s: mixing data types in one "
                                   "graph is not implemented yet",
                                   g->cells[in]->name, n2d2_dtype_name(g->cells[in]->dtype),
                                   n2d2_dtype_name(cell->dtype));
    }
    cell->concatenates = cell->n_inputs > 1 && !(cell->ops->flags & N2D2_CELL_MULTI_INPUT);
    if (!cell->concatenates)
        return N2D2_OK;
    /* Several inputs are concatenated on channels: every other dim equal. */
    n2d2_shape cat = cell->input_shapes[0];
    for (size_t i = 1; i < cell->n_inputs; ++i) {
        const n2d2_shape *s = &cell->input_shapes[i];
        int same = s->ndim == cat.ndim;
        for (uint32_t d = 1; same && d < s->ndim; ++d)
            same = s->dims[d] == cat.dims[d];
        if (!same) {
            char a[128], b[128];
            return n2d2_cell_error(cell, N2D2_ERR_SHAPE,
                                   "cannot concatenate inputs [%s] (%s) and [%s] (%s): all "
                                   "dimensions but the channels must match",
                                   cell->input_names[0],
                                   n2d2_shape_str(cell->input_shapes[0].dims, cell->input_shapes[0].ndim, a, sizeof a),
                                   cell->input_names[i], n2d2_shape_str(s->dims, s->ndim, b, sizeof b));
        }
        cat.dims[0] += s->dims[0];
    }
    cell->concat_shape = cat;
    return N2D2_OK;
}

static int feature_has_param(const n2d2_cell *cell, const char *name)
{
    for (size_t i = 0; i < cell->feature->n_params; ++i)
        if (strcmp(cell->feature->params[i].name, name) == 0)
            return 1;
    return 0;
}

/* Older N2D2 models (SqueezeNet...) give a Conv or Pool its number of
 * outputs as `NbChannels`: read it as NbOutputs when the cell type has no
 * NbChannels key of its own. */
static n2d2_status alias_nb_channels(n2d2_graph *g, n2d2_cell *cell)
{
    n2d2_ini_entry *channels = n2d2_ini_entry_find(cell->section, "NbChannels");
    if (!channels || n2d2_ini_entry_find(cell->section, "NbOutputs") ||
        !feature_has_param(cell, "NbOutputs") || feature_has_param(cell, "NbChannels"))
        return N2D2_OK;
    n2d2_ini_entry_mark_used(channels);
    return n2d2_ini_set(g->ini, cell->section, "NbOutputs", n2d2_ini_entry_raw(channels));
}

/* [cell]_OutputsWidth, _OutputsHeight (and _OutputsDepth for 3-D maps):
 * N2D2 publishes them so that later sections can size themselves on this
 * cell, e.g. a global pooling `PoolDims=[conv]_OutputsWidth
 * [conv]_OutputsHeight`. Cells are created in topological order, so a
 * consumer always reads them after they exist. */
static n2d2_status publish_output_size(n2d2_graph *g, const n2d2_cell *cell)
{
    static const char *const keys[] = {"_OutputsWidth", "_OutputsHeight", "_OutputsDepth"};
    const n2d2_shape *s = &cell->output_shape;
    n2d2_status st = N2D2_OK;
    /* the shape is C x [D x] H x W: spatial axes from the last one back */
    for (uint32_t k = 0; k < 3 && k + 1 < s->ndim && st == N2D2_OK; ++k) {
        char value[32];
        snprintf(value, sizeof value, "%zu", s->dims[s->ndim - 1 - k]);
        st = n2d2_ini_set_generated(g->ini, cell->name, keys[k], value);
    }
    return st;
}

static n2d2_status create_cell(n2d2_graph *g, n2d2_cell *cell)
{
    n2d2_status st = resolve_model(g, cell);
    if (st != N2D2_OK)
        return st;
    cell->dtype = g->default_dtype;
    if (n2d2_params_given(cell->common, "DataType"))
        n2d2_dtype_from_name(n2d2_params_string(cell->common, "DataType"), &cell->dtype);
    for (int p = 0; p < N2D2_RNG_PURPOSE_COUNT; ++p)
        n2d2_rng_seed(&cell->rng[p], g->options.seed, hash_name(cell->name) * N2D2_RNG_PURPOSE_COUNT + (uint64_t)p);

    st = alias_nb_channels(g, cell);
    if (st != N2D2_OK)
        return st;
    n2d2_ini_section **sections = NULL;
    size_t n_sections = 0;
    st = gather_config_sections(g, cell, &sections, &n_sections);
    if (st != N2D2_OK)
        return st;
    st = n2d2_params_from_ini(g->ini, sections, n_sections, NULL, 0, cell->feature->params,
                              cell->feature->n_params, &cell->params);
    free(sections);
    if (st != N2D2_OK)
        return st;
    if (!cell->ops->create || !cell->ops->infer || !cell->ops->forward)
        return n2d2_cell_error(cell, N2D2_ERR_INTERNAL,
                               "the %s plugin for type %s lacks create/infer/forward", cell->model, cell->type);
    st = cell->ops->create(cell, cell->params, &cell->state);
    if (st != N2D2_OK)
        return st;
    cell->created = 1;
    st = infer_input_shapes(g, cell);
    if (st != N2D2_OK)
        return st;
    const n2d2_shape *ins = cell->concatenates ? &cell->concat_shape : cell->input_shapes;
    size_t n_ins = cell->concatenates ? 1 : cell->n_inputs;
    st = cell->ops->infer(cell, cell->state, ins, n_ins, &cell->output_shape);
    if (st != N2D2_OK)
        return st;
    if (cell->output_shape.ndim == 0 || cell->output_shape.ndim >= N2D2_MAX_DIMS ||
        n2d2_shape_numel(&cell->output_shape) == 0)
        return n2d2_cell_error(cell, N2D2_ERR_SHAPE, "the cell's output would be empty");
    st = publish_output_size(g, cell);
    if (st != N2D2_OK)
        return st;
    if (cell->ops->initialize)
        st = cell->ops->initialize(cell, cell->state);
    if (st == N2D2_OK)
        st = n2d2_graph_apply_imported(g, cell);
    if (st == N2D2_OK)
        st = n2d2_cell_setup_activation(cell);
    if (st == N2D2_OK)
        st = n2d2_cell_setup_solvers(cell);
    return st;
}

static n2d2_status find_outputs(n2d2_graph *g)
{
    for (size_t c = 0; c < g->n_cells; ++c)
        for (size_t i = 0; i < g->cells[c]->n_inputs; ++i)
            if (g->cells[c]->input_index[i] != N2D2_STIMULI_INDEX)
                g->cells[g->cells[c]->input_index[i]]->n_consumers++;
    g->outputs = calloc(g->n_cells ? g->n_cells : 1, sizeof *g->outputs);
    if (!g->outputs)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    for (size_t c = 0; c < g->n_cells; ++c)
        if (g->cells[c]->n_consumers == 0)
            g->outputs[g->n_outputs++] = g->cells[c];
    return N2D2_OK;
}

n2d2_status n2d2_graph_build(n2d2_ini *ini, const n2d2_registry *reg,
                             const n2d2_graph_options *options, n2d2_graph **out)
{
    *out = NULL;
    n2d2_graph *g = calloc(1, sizeof *g);
    if (!g)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    n2d2_graph_options defaults = N2D2_GRAPH_OPTIONS_INIT;
    g->options = defaults;
    if (options)
        memcpy(&g->options, options,
               options->struct_size < sizeof defaults ? options->struct_size : sizeof defaults);
    g->options.struct_size = sizeof defaults;
    g->ini = ini;
    g->reg = reg;

    n2d2_cell **cells = NULL;
    size_t n = 0;
    n2d2_status st = read_globals(g);
    if (st == N2D2_OK)
        st = read_input_section(g);
    if (st == N2D2_OK)
        st = n2d2_graph_expand_imports(g);
    if (st == N2D2_OK)
        st = insert_batchnorms(g);
    if (st == N2D2_OK)
        st = n2d2_graph_wire_argmax(g);
    if (st == N2D2_OK)
        st = collect_cells(g, &cells, &n);
    if (st == N2D2_OK)
        st = link_inputs(g, cells, n);
    if (st == N2D2_OK)
        st = topological_sort(g, cells, n);
    for (size_t c = 0; st == N2D2_OK && c < g->n_cells; ++c)
        st = create_cell(g, g->cells[c]);
    if (st == N2D2_OK)
        st = find_outputs(g);
    if (!g->cells) {
        /* failed before ordering: the graph does not own the cells yet */
        for (size_t c = 0; c < n; ++c)
            n2d2_cell_free(cells[c]);
    }
    free(cells);
    if (st != N2D2_OK) {
        n2d2_graph_free(g);
        return st;
    }
    *out = g;
    return N2D2_OK;
}

void n2d2_graph_free(n2d2_graph *g)
{
    if (!g)
        return;
    n2d2_graph_release_buffers(g);
    for (size_t c = 0; c < g->n_cells; ++c)
        n2d2_cell_free(g->cells[c]);
    free(g->cells);
    free(g->outputs);
    n2d2_graph_free_imports(g);
    n2d2_params_free(g->global_params);
    n2d2_params_free(g->input_params);
    free(g->input_section);
    free(g->default_model);
    free(g);
}

/* ---- unused keys ---- */

static void add_candidates(const n2d2_params *p, n2d2_ini_section *sec, const char ***list,
                           size_t *n, size_t *cap)
{
    if (!p || !n2d2_params_uses_section(p, sec))
        return;
    for (size_t k = 0; k < n2d2_params_known_count(p); ++k) {
        int seen = 0; /* one suggestion per name, though many trees know it */
        for (size_t j = 0; j < *n && !seen; ++j)
            seen = strcmp((*list)[j], n2d2_params_known_at(p, k)) == 0;
        if (seen)
            continue;
        if (*n == *cap) {
            size_t grown_cap = *cap ? *cap * 2 : 64;
            const char **grown = realloc((void *)*list, grown_cap * sizeof *grown);
            if (!grown)
                return;
            *list = grown;
            *cap = grown_cap;
        }
        (*list)[(*n)++] = n2d2_params_known_at(p, k);
    }
}

static n2d2_status report_unused_in(n2d2_graph *g, n2d2_ini_section *sec, size_t *count,
                                    n2d2_status first, const n2d2_params *const *extra,
                                    size_t n_extra)
{
    const char **candidates = NULL;
    size_t n_cand = 0, cap = 0;
    for (size_t i = 0; i < n_extra; ++i)
        add_candidates(extra[i], sec, &candidates, &n_cand, &cap);
    add_candidates(g->global_params, sec, &candidates, &n_cand, &cap);
    add_candidates(g->input_params, sec, &candidates, &n_cand, &cap);
    const n2d2_params *imported[16];
    size_t n_imported = n2d2_graph_import_params(g, imported, 16);
    for (size_t i = 0; i < n_imported && i < 16; ++i)
        add_candidates(imported[i], sec, &candidates, &n_cand, &cap);
    for (size_t c = 0; c < g->n_cells; ++c) {
        add_candidates(g->cells[c]->common, sec, &candidates, &n_cand, &cap);
        add_candidates(g->cells[c]->params, sec, &candidates, &n_cand, &cap);
    }
    size_t entries = n2d2_ini_entry_count(sec);
    for (size_t i = 0; i < entries; ++i) {
        n2d2_ini_entry *e = n2d2_ini_entry_at(sec, i);
        const char *key = n2d2_ini_entry_key(e);
        if (n2d2_ini_entry_used(e) || key[0] == '$')
            continue;
        size_t best[3];
        size_t found = n2d2_suggest(key, candidates, n_cand, best, 3);
        char hint[512] = "";
        int known = 0;
        for (size_t k = 0; k < n_cand && !known; ++k)
            known = strcmp(candidates[k], key) == 0;
        if (known) {
            /* A declared key that no one read: a more specific key won. */
            snprintf(hint, sizeof hint, " (overridden by a more specific key, e.g. WeightsSolver.* "
                                        "over Solvers.*, or not read by the type chosen)");
            found = 0;
        }
        for (size_t k = 0; k < found; ++k) {
            size_t used = strlen(hint);
            snprintf(hint + used, sizeof hint - used, "%s%s", k ? ", " : " (did you mean ",
                     candidates[best[k]]);
        }
        if (found)
            strncat(hint, "?)", sizeof hint - strlen(hint) - 1);
        const char *section = n2d2_ini_section_name(sec);
        if (g->options.strict && first == N2D2_OK)
            first = n2d2_error_at(N2D2_ERR_INVAL, n2d2_ini_entry_where(e), 0,
                                  "unused key '%s' in %s%s%s%s", key, section[0] ? "[" : "the global section",
                                  section, section[0] ? "]" : "", hint);
        n2d2_log(g->options.strict ? N2D2_LOG_ERROR : N2D2_LOG_WARN, "%s: unused key '%s' in %s%s%s%s",
                 n2d2_ini_entry_where(e), key, section[0] ? "[" : "the global section", section,
                 section[0] ? "]" : "", hint);
        ++*count;
    }
    free((void *)candidates);
    return first;
}

n2d2_status n2d2_graph_check_unused_with(n2d2_graph *g, const n2d2_params *const *extra,
                                         size_t n_extra)
{
    size_t count = 0;
    n2d2_status first = N2D2_OK;
    n2d2_graph_import_sync_used(g);
    n2d2_ini_section *global = n2d2_ini_global(g->ini);
    if (n2d2_ini_section_claimed(global))
        first = report_unused_in(g, global, &count, first, extra, n_extra);
    size_t n = n2d2_ini_section_count(g->ini);
    for (size_t i = 0; i < n; ++i) {
        n2d2_ini_section *sec = n2d2_ini_section_at(g->ini, i);
        if (n2d2_ini_section_claimed(sec))
            first = report_unused_in(g, sec, &count, first, extra, n_extra);
    }
    return first;
}

n2d2_status n2d2_graph_check_unused(n2d2_graph *g)
{
    return n2d2_graph_check_unused_with(g, NULL, 0);
}

/* ---- queries ---- */

const char *n2d2_graph_input_section(const n2d2_graph *g) { return g->input_section; }
const n2d2_shape *n2d2_graph_input_shape(const n2d2_graph *g) { return &g->input_shape; }
size_t n2d2_graph_batch_size(const n2d2_graph *g) { return g->batch_size; }
const char *n2d2_graph_default_model(const n2d2_graph *g) { return g->default_model; }
n2d2_dtype n2d2_graph_default_dtype(const n2d2_graph *g) { return g->default_dtype; }
size_t n2d2_graph_cell_count(const n2d2_graph *g) { return g->n_cells; }
n2d2_cell *n2d2_graph_cell_at(const n2d2_graph *g, size_t i) { return i < g->n_cells ? g->cells[i] : NULL; }
n2d2_cell *n2d2_graph_find_cell(const n2d2_graph *g, const char *name)
{
    return find_cell_by_name(g->cells, g->n_cells, name);
}
size_t n2d2_graph_output_count(const n2d2_graph *g) { return g->n_outputs; }
n2d2_cell *n2d2_graph_output_at(const n2d2_graph *g, size_t i) { return i < g->n_outputs ? g->outputs[i] : NULL; }

uint64_t n2d2_graph_cell_param_total(const n2d2_graph *g, size_t i)
{
    uint64_t total = 0;
    if (i >= g->n_cells)
        return 0;
    const n2d2_cell *cell = g->cells[i];
    if (cell->ops->param_count) /* masked weights do not count */
        return cell->ops->param_count(g->cells[i], cell->state);
    for (size_t k = 0; k < cell->n_learnables; ++k)
        if (cell->learnables[k].grad)
            total += n2d2_tensor_numel(cell->learnables[k].value);
    return total;
}

uint64_t n2d2_graph_cell_macs(const n2d2_graph *g, size_t i)
{
    if (i >= g->n_cells || !g->cells[i]->ops->macs)
        return 0;
    return g->cells[i]->ops->macs(g->cells[i], g->cells[i]->state);
}
