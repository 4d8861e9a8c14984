/* Command line of n2d2-run: N2D2's options plus the host's own. */
#ifndef N2D2_RUN_OPTIONS_H
#define N2D2_RUN_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#define RUN_MAX_PLUGIN_PATHS 32

typedef struct run_options {
    const char *ini_path;
    const char *plugin_paths[RUN_MAX_PLUGIN_PATHS];
    size_t n_plugin_paths;
    const char *describe_type;
    int list_plugins, expand, dry_run, strict, help, version;
    uint64_t seed;
    int seed_given;
    const char *log_level;
    /* run modes (N2D2 names) */
    uint64_t learn, learn_epoch, log, log_epoch, report, nb_test, stop_valid;
    int learn_given, log_given, log_epoch_given, test, w_ignore, bench, check;
    int fuse; /* -fuse: BatchNorm folded into Conv/Fc before testing */
    const char *export_type; /* -export TYPE */
    int nbbits, nbbits_given; /* -nbbits */
    const char *valid_metric;
    const char *weights_dir; /* -w */
    const char *resume_dir;  /* -l */
    int64_t pre_samples;     /* -pre-samples N (-1: off) */
    int log_db_stats;        /* -log-db-stats */
    /* N2D2 options given that no plugin implements yet (first one). */
    const char *unimplemented;
} run_options;

/* Parses argv; on error prints a one-line message and returns 2 (usage).
 * Returns 0 on success. */
int run_options_parse(int argc, char **argv, run_options *opt);
void run_options_print_help(const char *program);

#endif
