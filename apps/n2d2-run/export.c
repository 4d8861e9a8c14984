/* -export TYPE (manual ch. 16-17): weights, export folder, exporter plugin. */
#include "export.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static n2d2_status make_dir(const char *path)
{
    struct stat sb;
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        return n2d2_error(N2D2_ERR_IO, "%s: cannot create the folder: %s", path, strerror(errno));
    if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode) || access(path, W_OK) != 0)
        return n2d2_error(N2D2_ERR_IO, "%s: not a writable folder", path);
    return N2D2_OK;
}

/* The run folder, named after the model file as the session names it. */
static void run_dir_of(const char *ini_path, char *buf, size_t size)
{
    const char *base = strrchr(ini_path, '/');
    snprintf(buf, size, "%s", base ? base + 1 : ini_path);
    char *dot = strrchr(buf, '.');
    if (dot && dot != buf)
        *dot = '\0';
}

static int dir_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static n2d2_status load_weights(const run_options *opt, n2d2_graph *graph, const char *run_dir)
{
    if (opt->weights_dir) {
        if (strcmp(opt->weights_dir, "/dev/null") == 0)
            return N2D2_OK;
        return n2d2_graph_load(graph, opt->weights_dir, opt->w_ignore);
    }
    if (opt->resume_dir) { /* a learning checkpoint: its weights */
        char *note = NULL;
        n2d2_status st = n2d2_graph_load_state(graph, opt->resume_dir, &note);
        free(note);
        return st;
    }
    static const char *const leaves[] = {"weights_validation", "weights"};
    char path[4096 + 32];
    for (size_t i = 0; i < 2; ++i) {
        snprintf(path, sizeof path, "%s/%s", run_dir, leaves[i]);
        if (dir_exists(path)) {
            printf("loading weights from %s\n", path);
            return n2d2_graph_load(graph, path, opt->w_ignore);
        }
    }
    n2d2_log_warn("no weights in %s/weights_validation or %s/weights: exporting the initial "
                  "(untrained) weights; use -w DIR, or -w /dev/null to silence this",
                  run_dir, run_dir);
    return N2D2_OK;
}

/* "ONNX, CPP" for the message about an unknown type. */
static void list_exporters(const n2d2_registry *reg, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n2d2_registry_count(reg); ++i) {
        const n2d2_feature *f = n2d2_registry_at(reg, i);
        if (f->kind != N2D2_KIND_EXPORT)
            continue;
        int n = snprintf(buf + len, size - len, "%s%s", len ? ", " : "", f->name);
        if (n < 0 || (size_t)n >= size - len)
            break;
        len += (size_t)n;
    }
    if (!len)
        snprintf(buf, size, "none");
}

n2d2_status run_export_check(const run_options *opt, const n2d2_registry *reg)
{
    if (n2d2_registry_find(reg, N2D2_KIND_EXPORT, opt->export_type, NULL))
        return N2D2_OK;
    char names[512];
    list_exporters(reg, names, sizeof names);
    return n2d2_error(N2D2_ERR_NOT_IMPLEMENTED,
                      "-export %s is not implemented yet (registered exporters: %s)",
                      opt->export_type, names);
}

n2d2_status run_export(const run_options *opt, const n2d2_registry *reg, n2d2_graph *graph)
{
    if (run_export_check(opt, reg) != N2D2_OK)
        return n2d2_error_code();
    const n2d2_feature *f = n2d2_registry_find(reg, N2D2_KIND_EXPORT, opt->export_type, NULL);
    const n2d2_export_ops *ops = f->ops;
    if (!ops->run)
        return n2d2_error(N2D2_ERR_INTERNAL, "exporter %s has no run function", f->name);
    /* N2D2 defaults to 8-bit integer exports, which need calibration: not
     * there yet, so without -nbbits the export is float32 and says so. */
    int bits = opt->nbbits_given ? opt->nbbits : -32;
    if (!opt->nbbits_given)
        printf("-export %s: float32 export (integer exports with -nbbits 8 are not implemented "
               "yet)\n", f->name);
    char run_dir[4096], out_dir[4096 + 64];
    run_dir_of(opt->ini_path, run_dir, sizeof run_dir);
    n2d2_status st = load_weights(opt, graph, run_dir);
    if (st == N2D2_OK)
        st = make_dir(run_dir);
    snprintf(out_dir, sizeof out_dir, "%s/export_%s_%s%d", run_dir, f->name,
             bits < 0 ? "float" : "int", bits < 0 ? -bits : bits);
    if (st == N2D2_OK)
        st = make_dir(out_dir);
    void *state = NULL;
    n2d2_params *params = NULL;
    if (st == N2D2_OK && ops->create) {
        st = n2d2_params_from_defaults(f->params, f->n_params, &params);
        if (st == N2D2_OK)
            st = ops->create(params, &state);
    }
    n2d2_export_options eo = {sizeof eo, bits, opt->ini_path};
    if (st == N2D2_OK)
        st = ops->run(state, graph, &eo, out_dir);
    if (ops->destroy && state)
        ops->destroy(state);
    n2d2_params_free(params);
    if (st == N2D2_OK)
        printf("export written to %s/\n", out_dir);
    return st;
}
