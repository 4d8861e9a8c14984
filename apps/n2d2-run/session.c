/* Setting up a run: output folder, stimuli provider, targets; and the
 * evaluation pass shared by validation and test. */
#include "session.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

double session_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static char *dup_string(const char *text)
{
    size_t n = strlen(text) + 1;
    char *copy = malloc(n);
    if (copy)
        memcpy(copy, text, n);
    return copy;
}

const char *session_path(const run_session *s, const char *leaf, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s", s->run_dir, leaf);
    return buf;
}

static n2d2_status make_dir(const char *path)
{
    if (mkdir(path, 0777) == 0 || errno == EEXIST) {
        struct stat sb;
        if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode) && access(path, W_OK) == 0)
            return N2D2_OK;
    }
    return n2d2_error(N2D2_ERR_IO, "%s: cannot create a writable run folder: %s", path,
                      strerror(errno ? errno : EACCES));
}

/* N2D2 writes a run's outputs into a folder named after the model file. */
static n2d2_status open_run_dir(run_session *s)
{
    const char *base = strrchr(s->opt->ini_path, '/');
    base = base ? base + 1 : s->opt->ini_path;
    s->run_dir = dup_string(base);
    if (!s->run_dir)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    char *dot = strrchr(s->run_dir, '.');
    if (dot && dot != s->run_dir)
        *dot = '\0';
    n2d2_status st = make_dir(s->run_dir);
    if (st != N2D2_OK)
        return st;
    char path[4096];
    FILE *f = fopen(session_path(s, "seed.dat", path, sizeof path), "w");
    if (!f)
        return n2d2_error(N2D2_ERR_IO, "%s: %s", path, strerror(errno));
    fprintf(f, "%llu\n", (unsigned long long)s->seed);
    fclose(f);
    return N2D2_OK;
}

static int is_target_section(const char *name, char *cell, size_t size)
{
    const char *mark = strstr(name, ".Target");
    if (!mark || (mark[7] != '\0' && mark[7] != '-') || (size_t)(mark - name) >= size)
        return 0;
    memcpy(cell, name, (size_t)(mark - name));
    cell[mark - name] = '\0';
    return 1;
}

static n2d2_status add_target(run_session *s, n2d2_ini_section *sec, const char *cell_name)
{
    const char *name = n2d2_ini_section_name(sec);
    n2d2_cell *cell = n2d2_graph_find_cell(s->graph, cell_name);
    if (!cell)
        return n2d2_error_at(N2D2_ERR_NOT_FOUND, n2d2_ini_section_where(sec), 0,
                             "[%s]: no cell [%s] to attach this target to", name, cell_name);
    size_t output = n2d2_graph_output_count(s->graph);
    for (size_t i = 0; i < n2d2_graph_output_count(s->graph); ++i)
        if (n2d2_graph_output_at(s->graph, i) == cell)
            output = i;
    if (output == n2d2_graph_output_count(s->graph))
        return n2d2_error_at(N2D2_ERR_NOT_IMPLEMENTED, n2d2_ini_section_where(sec), 0,
                             "[%s]: targets on a cell that feeds other cells are not implemented yet",
                             name);
    static const n2d2_param_spec type_schema[] = {
        {"Type", N2D2_PARAM_STRING, "TargetScore", NULL, 0, 0, 0, "target type"},
    };
    n2d2_params *types;
    n2d2_status st = n2d2_params_from_ini(s->ini, &sec, 1, NULL, 0, type_schema, 1, &types);
    if (st != N2D2_OK)
        return st;
    const n2d2_feature *f;
    st = n2d2_registry_resolve(s->reg, N2D2_KIND_TARGET, n2d2_params_string(types, "Type"), NULL,
                               n2d2_params_where(types, "Type"), &f);
    n2d2_params_free(types);
    if (st != N2D2_OK)
        return st;
    run_target *grown = realloc(s->targets, (s->n_targets + 1) * sizeof *grown);
    if (!grown)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    s->targets = grown;
    run_target *t = &s->targets[s->n_targets++];
    memset(t, 0, sizeof *t);
    t->cell = cell;
    t->output = output;
    t->ops = f->ops;
    t->section = dup_string(name);
    char dir[4096];
    t->dir = dup_string(session_path(s, name, dir, sizeof dir));
    if (!t->section || !t->dir)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    st = n2d2_params_from_ini(s->ini, &sec, 1, NULL, 0, f->params, f->n_params, &t->params);
    if (st != N2D2_OK)
        return st;
    char ini_dir[4096];
    snprintf(ini_dir, sizeof ini_dir, "%s", n2d2_ini_section_file(sec));
    char *slash = strrchr(ini_dir, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(ini_dir, sizeof ini_dir, ".");
    n2d2_target_context ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.struct_size = sizeof ctx;
    ctx.section = name;
    ctx.cell_name = cell_name;
    ctx.output_shape = n2d2_cell_output_shape(cell);
    ctx.database = n2d2_stimuli_database(s->stimuli);
    ctx.where = n2d2_ini_section_where(sec);
    ctx.ini_dir = ini_dir;
    ctx.stimuli = s->stimuli;
    st = t->ops->create(t->params, &ctx, &t->state);
    if (st != N2D2_OK)
        return st;
    return make_dir(t->dir);
}

static n2d2_status find_targets(run_session *s)
{
    char cell[1024];
    for (size_t i = 0; i < n2d2_ini_section_count(s->ini); ++i) {
        n2d2_ini_section *sec = n2d2_ini_section_at(s->ini, i);
        if (!is_target_section(n2d2_ini_section_name(sec), cell, sizeof cell))
            continue;
        n2d2_status st = add_target(s, sec, cell);
        if (st != N2D2_OK)
            return st;
    }
    if (s->n_targets == 0)
        return n2d2_error_at(N2D2_ERR_NOT_FOUND, n2d2_ini_path(s->ini), 0,
                             "no target: add a [<cell>.Target] section for the output cell");
    return N2D2_OK;
}

/* Unused keys of everything the run read: graph, data, targets. */
static n2d2_status check_unused(run_session *s)
{
    size_t n = n2d2_stimuli_params_count(s->stimuli) + s->n_targets;
    const n2d2_params **extra = calloc(n ? n : 1, sizeof *extra);
    if (!extra)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < n2d2_stimuli_params_count(s->stimuli); ++i)
        extra[k++] = n2d2_stimuli_params_at(s->stimuli, i);
    for (size_t i = 0; i < s->n_targets; ++i)
        extra[k++] = s->targets[i].params;
    n2d2_status st = n2d2_graph_check_unused_with(s->graph, extra, k);
    free(extra);
    return st;
}

n2d2_status session_open(run_session *s, const run_options *opt, n2d2_ini *ini,
                         const n2d2_registry *reg, n2d2_graph *graph, uint64_t seed)
{
    memset(s, 0, sizeof *s);
    s->opt = opt;
    s->ini = ini;
    s->reg = reg;
    s->graph = graph;
    s->seed = seed;
    s->interactive = isatty(fileno(stderr));
    s->batch = n2d2_graph_batch_size(graph);
    if (s->batch == 0)
        return n2d2_error_at(N2D2_ERR_INVAL, n2d2_ini_path(ini), 0,
                             "[%s] BatchSize=0 makes a variable-size provider (stimuli of any "
                             "size, one at a time), which cannot feed the network: its input "
                             "needs a fixed BatchSize, SizeX and SizeY. BatchSize=0 is for "
                             "helper providers such as a BlendingTransformation's "
                             "StimuliProvider", n2d2_graph_input_section(graph));
    n2d2_status st = open_run_dir(s);
    if (st == N2D2_OK) /* where StimuliData MeanData writes its files */
        st = n2d2_ini_set_generated(ini, n2d2_graph_input_section(graph), "_RunDir", s->run_dir);
    if (st == N2D2_OK)
        st = n2d2_stimuli_new(ini, reg, n2d2_graph_input_section(graph), n2d2_graph_input_shape(graph),
                              n2d2_graph_default_dtype(graph), s->batch, seed, &s->stimuli);
    if (st == N2D2_OK)
        st = find_targets(s);
    if (st == N2D2_OK)
        st = check_unused(s);
    if (st != N2D2_OK)
        return st;
    s->labels = calloc(s->batch, sizeof *s->labels);
    s->indices = calloc(s->batch, sizeof *s->indices);
    if (!s->labels || !s->indices)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    return N2D2_OK;
}

void session_close(run_session *s)
{
    for (size_t i = 0; i < s->n_targets; ++i) {
        run_target *t = &s->targets[i];
        if (t->state && t->ops->destroy)
            t->ops->destroy(t->state);
        n2d2_params_free(t->params);
        free(t->section);
        free(t->dir);
    }
    free(s->targets);
    n2d2_stimuli_free(s->stimuli);
    free(s->labels);
    free(s->indices);
    free(s->run_dir);
    free(s->resume_note);
    memset(s, 0, sizeof *s);
}

n2d2_status session_evaluate(run_session *s, n2d2_set set, size_t limit, pass_result *r)
{
    memset(r, 0, sizeof *r);
    n2d2_status st = n2d2_graph_allocate(s->graph, s->batch, n2d2_graph_is_training(s->graph));
    if (st == N2D2_OK)
        st = n2d2_stimuli_begin(s->stimuli, set, 0, limit);
    if (st != N2D2_OK)
        return st;
    for (size_t i = 0; i < s->n_targets; ++i)
        s->targets[i].ops->reset(s->targets[i].state, set);
    double loss_sum = 0.0;
    for (;;) {
        size_t count;
        st = n2d2_stimuli_next(s->stimuli, n2d2_graph_input(s->graph), s->labels, s->indices, &count);
        if (st != N2D2_OK || count == 0)
            break;
        st = n2d2_graph_forward(s->graph, 0);
        for (size_t i = 0; st == N2D2_OK && i < s->n_targets; ++i) {
            run_target *t = &s->targets[i];
            double loss = 0.0;
            st = t->ops->process(t->state, n2d2_graph_cell_output_of(s->graph, t->cell), s->labels,
                                 count, NULL, set, &loss);
            if (i == 0)
                loss_sum += loss * (double)count;
        }
        if (st != N2D2_OK)
            break;
        r->stimuli += count;
    }
    if (st != N2D2_OK)
        return st;
    r->loss = r->stimuli ? loss_sum / (double)r->stimuli : 0.0;
    run_target *first = &s->targets[0];
    st = first->ops->score(first->state, set, "", &r->recognition);
    if (st == N2D2_OK)
        st = first->ops->score(first->state, set, s->opt->valid_metric, &r->score);
    for (size_t i = 0; st == N2D2_OK && i < s->n_targets; ++i)
        st = s->targets[i].ops->report(s->targets[i].state, set, s->targets[i].dir);
    return st;
}
