/* n2d2-run: load plugins, read an N2D2 INI model, and run what the command
 * line asks for. The only place that chooses an exit status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "n2d2/n2d2.h"
#include "datatools.h"
#include "export.h"
#include "inspect.h"
#include "options.h"
#include "session.h"
#include "static_plugins.h"
#include "wait_policy.h"

enum { EXIT_OK = 0, EXIT_ERROR = 1, EXIT_USAGE = 2 };

static int fail(const char *context)
{
    if (context)
        fprintf(stderr, "error: %s: %s\n", context, n2d2_error_message());
    else
        fprintf(stderr, "error: %s\n", n2d2_error_message());
    return EXIT_ERROR;
}

static int set_log_level(const char *name)
{
    static const char *const names[] = {"error", "warn", "info", "debug"};
    for (int i = 0; i < 4; ++i) {
        if (strcasecmp(name, names[i]) == 0) {
            n2d2_log_set_level((n2d2_log_level)i);
            return 0;
        }
    }
    fprintf(stderr, "error: --log-level: '%s' is not one of error, warn, info, debug\n", name);
    return EXIT_USAGE;
}

static void print_version(void)
{
    printf("n2d2-run %s (libn2d2 %s, plugin ABI %d.%d)\n", N2D2_VERSION_STRING, n2d2_version(),
           n2d2_plugin_abi_version() / 1000, n2d2_plugin_abi_version() % 1000);
#if defined(__clang__)
    printf("compiler: clang %s\n", __clang_version__);
#elif defined(__GNUC__)
    printf("compiler: gcc %s\n", __VERSION__);
#endif
}

static n2d2_status load_plugins(const run_options *opt, n2d2_registry *reg, n2d2_loader **out)
{
    n2d2_status st = n2d2_loader_new(reg, out);
    if (st != N2D2_OK)
        return st;
    st = n2d2_loader_preload(*out, n2d2_run_static_plugins, n2d2_run_static_plugin_count);
    for (size_t i = 0; st == N2D2_OK && i < opt->n_plugin_paths; ++i)
        st = n2d2_loader_add_path(*out, opt->plugin_paths[i]);
    if (st == N2D2_OK)
        st = n2d2_loader_add_default_paths(*out);
    if (st == N2D2_OK)
        st = n2d2_loader_load_all(*out, NULL); /* refusals are logged; the run goes on */
    return st;
}

static int dir_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* Weights before learning or testing: -w DIR (/dev/null: none), -l DIR,
 * or for a test-only run the best validation weights, else the last ones. */
static n2d2_status load_initial_weights(const run_options *opt, run_session *s, int learning)
{
    char path[4096];
    if (opt->weights_dir) {
        if (strcmp(opt->weights_dir, "/dev/null") == 0)
            return N2D2_OK;
        return n2d2_graph_load(s->graph, opt->weights_dir, opt->w_ignore);
    }
    if (opt->resume_dir) {
        printf("resuming from %s (weights, solver states, progress)\n", opt->resume_dir);
        return n2d2_graph_load_state(s->graph, opt->resume_dir, &s->resume_note);
    }
    if (learning)
        return N2D2_OK;
    const char *candidates[] = {"weights_validation", "weights"};
    for (size_t i = 0; i < 2; ++i) {
        if (dir_exists(session_path(s, candidates[i], path, sizeof path))) {
            printf("loading weights from %s\n", path);
            return n2d2_graph_load(s->graph, path, opt->w_ignore);
        }
    }
    n2d2_log_warn("no weights in %s/weights_validation or %s/weights: testing the initial "
                  "(untrained) weights; use -w DIR, or -w /dev/null to silence this",
                  s->run_dir, s->run_dir);
    return N2D2_OK;
}

/* -fuse, right before testing (after every weight load): BatchNorms the
 * targets read stay. */
static n2d2_status fuse_for_test(const run_options *opt, run_session *s)
{
    if (!opt->fuse)
        return N2D2_OK;
    n2d2_cell **keep = calloc(s->n_targets ? s->n_targets : 1, sizeof *keep);
    if (!keep)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < s->n_targets; ++i)
        keep[i] = s->targets[i].cell;
    size_t fused = 0;
    n2d2_status st = n2d2_graph_fuse_batchnorm(s->graph, keep, s->n_targets, &fused);
    free(keep);
    if (st == N2D2_OK)
        printf("-fuse: %zu BatchNorm cell%s folded into the preceding Conv/Fc\n", fused,
               fused == 1 ? "" : "s");
    return st;
}

static int run_session_modes(const run_options *opt, n2d2_ini *ini, n2d2_registry *reg,
                             n2d2_graph *graph, uint64_t seed)
{
    int learning = opt->learn_given || opt->learn_epoch > 0;
    if (!learning && !opt->test && !datatools_wanted(opt)) {
        fprintf(stderr, "error: nothing to do: give -learn N, -learn-epoch N or -test "
                        "(or --dry-run, --expand; see --help)\n");
        return EXIT_USAGE;
    }
    printf("seed: %llu\n", (unsigned long long)seed);
    run_session s;
    n2d2_status st = session_open(&s, opt, ini, reg, graph, seed);
    if (st == N2D2_OK)
        st = datatools_run(&s); /* frames/, -pre-samples, -log-db-stats */
    if (st == N2D2_OK && (learning || opt->test))
        st = load_initial_weights(opt, &s, learning);
    if (st == N2D2_OK && learning)
        st = session_learn(&s);
    if (st == N2D2_OK && learning && n2d2_stimuli_set_size(s.stimuli, N2D2_SET_TEST) > 0) {
        char best[4096];
        if (dir_exists(session_path(&s, "weights_validation", best, sizeof best))) {
            printf("testing with the best validation weights (%s)\n", best);
            st = n2d2_graph_load(graph, best, 0);
        }
        if (st == N2D2_OK)
            st = fuse_for_test(opt, &s);
        if (st == N2D2_OK)
            st = session_test(&s);
    } else if (st == N2D2_OK && opt->test) {
        st = fuse_for_test(opt, &s);
        if (st == N2D2_OK)
            st = session_test(&s);
    }
    int rc = st == N2D2_OK ? EXIT_OK : fail(NULL);
    session_close(&s);
    return rc;
}

/* -check: finite differences over the whole network on a random batch.
 * The network is built in Float64 for the check (see run_model): Float32
 * differences are dominated by rounding noise. */
static int check_gradients(n2d2_graph *graph)
{
    int f64 = n2d2_graph_default_dtype(graph) == N2D2_FLOAT64;
    double eps = f64 ? 1e-6 : 1e-3, tolerance = f64 ? 1e-4 : 1e-2;
    size_t batch = n2d2_graph_batch_size(graph) < 2 ? 1 : 2;
    n2d2_gradcheck_result r;
    printf("checking gradients (%s, batch %zu, epsilon %g, tolerance %g, up to 64 elements per tensor)\n",
           f64 ? "Float64" : "Float32", batch, eps, tolerance);
    if (n2d2_graph_check_gradients(graph, batch, eps, tolerance, 64, &r) != N2D2_OK)
        return fail(NULL);
    printf("gradient check passed: max relative error %.3g over %zu finite differences (worst: [%s] %s[%zu])\n",
           r.max_error, r.checked, r.worst_cell ? r.worst_cell : "-", r.worst_param, r.worst_index);
    return EXIT_OK;
}

/* -export TYPE, then -test when asked (N2D2 exits after exporting). */
static int export_model(const run_options *opt, n2d2_ini *ini, n2d2_registry *reg,
                        n2d2_graph *graph, uint64_t seed)
{
    if (opt->learn_given || opt->learn_epoch > 0) {
        fprintf(stderr, "error: -export writes the network and exits: learn first, then export "
                        "with -w DIR\n");
        return EXIT_USAGE;
    }
    if (opt->fuse) {
        fprintf(stderr, "error: -fuse with -export is not implemented yet (the exporter reads the "
                        "BatchNorm cells as they are)\n");
        return EXIT_ERROR;
    }
    if (n2d2_graph_check_unused(graph) != N2D2_OK || run_export(opt, reg, graph) != N2D2_OK)
        return fail(NULL);
    return opt->test ? run_session_modes(opt, ini, reg, graph, seed) : EXIT_OK;
}

static int run_model(const run_options *opt, n2d2_registry *reg)
{
    if (opt->export_type && run_export_check(opt, reg) != N2D2_OK)
        return fail(NULL);
    n2d2_ini *ini = NULL;
    if (n2d2_ini_load(opt->ini_path, &ini) != N2D2_OK)
        return fail(NULL);
    int rc = EXIT_OK;
    if (opt->expand) {
        if (n2d2_ini_write(ini, stdout, 1) != N2D2_OK)
            rc = fail(NULL);
        n2d2_ini_free(ini);
        return rc;
    }
    n2d2_graph_options gopt = N2D2_GRAPH_OPTIONS_INIT;
    gopt.seed = opt->seed_given && opt->seed ? opt->seed : (uint64_t)time(NULL);
    setvbuf(stdout, NULL, _IOLBF, 0);
    gopt.strict = opt->strict;
    n2d2_graph *graph = NULL;
    if (opt->check && n2d2_ini_set(ini, n2d2_ini_global(ini), "DefaultDataType", "Float64") != N2D2_OK) {
        n2d2_ini_free(ini);
        return fail(NULL);
    }
    if (n2d2_graph_build(ini, reg, &gopt, &graph) != N2D2_OK) {
        rc = fail(NULL);
    } else if (opt->dry_run) {
        size_t fused = 0;
        if (n2d2_graph_check_unused(graph) != N2D2_OK ||
            (opt->fuse && n2d2_graph_fuse_batchnorm(graph, NULL, 0, &fused) != N2D2_OK))
            rc = fail(NULL);
        else {
            if (opt->fuse) /* the network as it is tested with -fuse */
                printf("-fuse: %zu BatchNorm cell%s folded into the preceding Conv/Fc\n", fused,
                       fused == 1 ? "" : "s");
            inspect_dry_run(graph);
        }
    } else if (opt->check && opt->fuse) {
        fprintf(stderr, "error: -fuse applies to -test and --dry-run, not to -check\n");
        rc = EXIT_USAGE;
    } else if (opt->check) {
        rc = check_gradients(graph);
    } else if (opt->export_type) {
        rc = export_model(opt, ini, reg, graph, gopt.seed);
    } else {
        rc = run_session_modes(opt, ini, reg, graph, gopt.seed);
    }
    n2d2_graph_free(graph);
    n2d2_ini_free(ini);
    return rc;
}

int main(int argc, char **argv)
{
    run_default_wait_policy(argv);
    run_options opt;
    int rc = run_options_parse(argc, argv, &opt);
    if (rc)
        return rc;
    if (opt.help) {
        run_options_print_help(argv[0]);
        return EXIT_OK;
    }
    if (opt.version) {
        print_version();
        return EXIT_OK;
    }
    if (opt.log_level && (rc = set_log_level(opt.log_level)))
        return rc;
    if (opt.unimplemented && !opt.dry_run && !opt.expand) {
        fprintf(stderr, "error: option %s is not implemented yet\n", opt.unimplemented);
        return EXIT_ERROR;
    }
    if (opt.nbbits_given && !opt.export_type) {
        fprintf(stderr, "error: -nbbits applies to -export\n");
        return EXIT_USAGE;
    }
    if (!opt.ini_path && !opt.list_plugins && !opt.describe_type) {
        fprintf(stderr, "error: no model file given; usage: %s <model.ini> [options] (see --help)\n",
                argv[0]);
        return EXIT_USAGE;
    }

    n2d2_registry *reg = NULL;
    n2d2_loader *loader = NULL;
    if (n2d2_registry_new(&reg) != N2D2_OK)
        return fail(NULL);
    if (load_plugins(&opt, reg, &loader) != N2D2_OK) {
        rc = fail("loading plugins");
    } else if (opt.list_plugins) {
        inspect_list_plugins(loader, reg);
    } else if (opt.describe_type) {
        rc = inspect_describe(loader, reg, opt.describe_type) ? EXIT_ERROR : EXIT_OK;
    } else {
        rc = run_model(&opt, reg);
    }
    n2d2_loader_free(loader);
    n2d2_registry_free(reg);
    return rc;
}
