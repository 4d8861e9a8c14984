/* n2d2-run's option table. Every option of N2D2's command line is known so
 * that a typo is caught with a suggestion, and an option whose feature is
 * not built yet fails with "not implemented yet" instead of being ignored. */
#include "options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "n2d2/n2d2.h"

typedef enum arg_kind { ARG_NONE, ARG_INT, ARG_UINT, ARG_FLOAT, ARG_TEXT } arg_kind;

typedef struct option_spec {
    const char *name;
    arg_kind arg;
    int implemented;
    const char *help;
} option_spec;

/* N2D2 options (toolflow checklist §1.1-1.2), then the host's own. */
static const option_spec option_table[] = {
    {"-learn", ARG_UINT, 1, "learn for N stimuli"},
    {"-learn-epoch", ARG_UINT, 1, "learn for N epochs"},
    {"-log", ARG_UINT, 1, "validate and log every N stimuli"},
    {"-log-epoch", ARG_UINT, 1, "validate and log every N epochs"},
    {"-report", ARG_UINT, 1, "progress report every N stimuli"},
    {"-test", ARG_NONE, 1, "evaluate on the test set"},
    {"-test-index", ARG_INT, 0, "test one stimulus by index"},
    {"-test-id", ARG_INT, 0, "test one stimulus by id"},
    {"-nb-test", ARG_UINT, 1, "number of test stimuli"},
    {"-check", ARG_NONE, 1, "check gradients by finite differences"},
    {"-find-lr", ARG_UINT, 0, "learning-rate range test over N stimuli"},
    {"-valid-metric", ARG_TEXT, 1, "validation metric (Sensitivity, Precision, Accuracy, F1Score...)"},
    {"-stop-valid", ARG_UINT, 1, "stop after N validations without improvement"},
    {"-seed", ARG_UINT, 1, "random seed (0 = from time)"},
    {"-w", ARG_TEXT, 1, "load weights from a folder (/dev/null: none)"},
    {"-w-ignore", ARG_NONE, 1, "weights missing from -w keep their filler values"},
    {"-l", ARG_TEXT, 1, "resume from a saved state"},
    {"-export", ARG_TEXT, 1, "generate an export (ONNX; CPP, C...: not implemented yet)"},
    {"-nbbits", ARG_INT, 1, "bits of weights and signals for exports (-32: float32)"},
    {"-calib", ARG_INT, 0, "stimuli used for calibration (-1: all)"},
    {"-calib-reload", ARG_NONE, 0, "reuse an earlier calibration"},
    {"-calib-passes", ARG_UINT, 0, "legacy KL passes"},
    {"-calibOnly", ARG_NONE, 0, "calibrate without export"},
    {"-wt-clipping-mode", ARG_TEXT, 0, "weights clipping: None, MSE, KL-Divergence"},
    {"-act-clipping-mode", ARG_TEXT, 0, "activation clipping: None, MSE, KL-Divergence, Quantile"},
    {"-act-rescaling-mode", ARG_TEXT, 0, "activation rescaling mode"},
    {"-act-rescale-per-output", ARG_UINT, 0, "rescale per output channel"},
    {"-act-quantile-value", ARG_FLOAT, 0, "quantile for Quantile clipping"},
    {"-no-unsigned", ARG_NONE, 0, "no unsigned types in integer exports"},
    {"-db-export", ARG_INT, 0, "test stimuli exported with the export"},
    {"-export-parameters", ARG_TEXT, 0, "export parameters file"},
    {"-fuse", ARG_NONE, 1, "fold BatchNorm into the Conv/Fc before it for testing"},
    {"-qat-sat", ARG_NONE, 0, "fuse a SAT-trained network"},
    {"-testQAT", ARG_NONE, 0, "QAT test"},
    {"-c-round-mode", ARG_TEXT, 0, "rounding of clip values"},
    {"-b-round-mode", ARG_TEXT, 0, "rounding of biases"},
    {"-wt-round-mode", ARG_TEXT, 0, "rounding of weights"},
    {"-no-cle", ARG_NONE, 0, "no cross-layer equalization"},
    {"-testAdv", ARG_TEXT, 0, "adversarial study: Solo or Multi"},
    {"-dev", ARG_INT, 0, "CUDA device"},
    {"-multidev", ARG_TEXT, 0, "CUDA devices"},
    {"-dynamic-allocation", ARG_NONE, 0, "drop slow devices"},
    {"-bench", ARG_NONE, 1, "benchmark learning speed"},
    {"-pre-samples", ARG_INT, 1, "write 100 pre-processed samples of learn stimulus N"},
    {"-log-db-stats", ARG_NONE, 1, "write database statistics (dbstats/)"},
    {"-log-json", ARG_NONE, 0, "write JSON annotations"},
    {"-log-kernels", ARG_NONE, 0, "log kernels after learning"},
    {"-log-outputs", ARG_UINT, 0, "log layer outputs of a stimulus"},
    {"-save-test-set", ARG_TEXT, 0, "save the test set"},
    {"-ws", ARG_UINT, 0, "success-rate window"},
    {"-pruning", ARG_TEXT, 0, "pruning method"},
    {"-pruning-threshold", ARG_FLOAT, 0, "pruning threshold"},
    {"-finetuning", ARG_UINT, 0, "fine-tuning epochs after pruning"},
    {"-learn-stdp", ARG_UINT, 0, "STDP learning steps"},
    {"-present-time", ARG_FLOAT, 0, "presentation time (spike)"},
    {"-ts", ARG_FLOAT, 0, "time step (spike)"},
    {"-cfg", ARG_NONE, 0, "save the base configuration"},
    {"-verbose", ARG_UINT, 1, "verbosity (0 warnings, 1 info, 2 debug)"},
    {"-v", ARG_NONE, 1, "print versions and exit"},
    {"--help", ARG_NONE, 1, "this help"},
    {"-h", ARG_NONE, 1, "this help"},
    {"--plugin-path", ARG_TEXT, 1, "add a plugin directory (searched first; repeatable)"},
    {"--list-plugins", ARG_NONE, 1, "list plugins and their features"},
    {"--describe", ARG_TEXT, 1, "describe a type: plugin, version, licence, ABI, parameters"},
    {"--expand", ARG_NONE, 1, "print the INI after expansion and exit"},
    {"--dry-run", ARG_NONE, 1, "build the network without data and print it"},
    {"--strict", ARG_NONE, 1, "unused INI keys are errors"},
    {"--log-level", ARG_TEXT, 1, "error, warn, info or debug"},
};

#define OPTION_COUNT (sizeof option_table / sizeof option_table[0])

void run_options_print_help(const char *program)
{
    printf("usage: %s <model.ini> [options]\n"
           "       %s --list-plugins | --describe TYPE\n\n"
           "Trains, tests and exports networks described by N2D2 INI files.\n\noptions:\n",
           program, program);
    for (size_t i = 0; i < OPTION_COUNT; ++i) {
        static const char *const arg_names[] = {"", " N", " N", " X", " TEXT"};
        char left[64];
        snprintf(left, sizeof left, "%s%s", option_table[i].name, arg_names[option_table[i].arg]);
        printf("  %-26s %s%s\n", left, option_table[i].help,
               option_table[i].implemented ? "" : " [not implemented yet]");
    }
    printf("\nenvironment: N2D2_PLUGIN_PATH (':'-separated plugin directories), N2D2_DATA, "
           "N2D2_LOG_LEVEL\n");
}

static const option_spec *find_option(const char *name)
{
    for (size_t i = 0; i < OPTION_COUNT; ++i)
        if (strcmp(option_table[i].name, name) == 0)
            return &option_table[i];
    return NULL;
}

static int unknown_option(const char *name)
{
    const char *names[OPTION_COUNT];
    for (size_t i = 0; i < OPTION_COUNT; ++i)
        names[i] = option_table[i].name;
    size_t best[3];
    size_t found = n2d2_suggest(name, names, OPTION_COUNT, best, 3);
    fprintf(stderr, "error: unknown option '%s'", name);
    for (size_t i = 0; i < found; ++i)
        fprintf(stderr, "%s%s", i ? ", " : " (did you mean ", names[best[i]]);
    fprintf(stderr, "%s; see --help\n", found ? "?)" : "");
    return 2;
}

static int check_argument(const option_spec *spec, const char *value)
{
    int64_t i;
    double d;
    switch (spec->arg) {
    case ARG_INT:
        if (n2d2_parse_int(value, &i))
            return 0;
        break;
    case ARG_UINT:
        if (n2d2_parse_int(value, &i) && i >= 0)
            return 0;
        break;
    case ARG_FLOAT:
        if (n2d2_parse_double(value, &d))
            return 0;
        break;
    default:
        return 0;
    }
    fprintf(stderr, "error: option %s expects %s, got '%s'\n", spec->name,
            spec->arg == ARG_FLOAT ? "a number" : spec->arg == ARG_UINT ? "a non-negative integer" : "an integer",
            value);
    return 2;
}

static void apply(run_options *opt, const option_spec *spec, const char *value)
{
    const char *n = spec->name;
    int64_t v = 0;
    if (value)
        n2d2_parse_int(value, &v);
    if (strcmp(n, "--plugin-path") == 0) {
        if (opt->n_plugin_paths < RUN_MAX_PLUGIN_PATHS)
            opt->plugin_paths[opt->n_plugin_paths++] = value;
    } else if (strcmp(n, "--describe") == 0) opt->describe_type = value;
    else if (strcmp(n, "--list-plugins") == 0) opt->list_plugins = 1;
    else if (strcmp(n, "--expand") == 0) opt->expand = 1;
    else if (strcmp(n, "--dry-run") == 0) opt->dry_run = 1;
    else if (strcmp(n, "--strict") == 0) opt->strict = 1;
    else if (strcmp(n, "--log-level") == 0) opt->log_level = value;
    else if (strcmp(n, "-verbose") == 0) opt->log_level = v <= 0 ? "warn" : v == 1 ? "info" : "debug";
    else if (strcmp(n, "--help") == 0 || strcmp(n, "-h") == 0) opt->help = 1;
    else if (strcmp(n, "-v") == 0) opt->version = 1;
    else if (strcmp(n, "-seed") == 0) {
        opt->seed = (uint64_t)v;
        opt->seed_given = 1;
    } else if (strcmp(n, "-learn") == 0) {
        opt->learn = (uint64_t)v;
        opt->learn_given = 1;
    } else if (strcmp(n, "-learn-epoch") == 0) opt->learn_epoch = (uint64_t)v;
    else if (strcmp(n, "-log") == 0) {
        opt->log = (uint64_t)v;
        opt->log_given = 1;
    } else if (strcmp(n, "-log-epoch") == 0) {
        opt->log_epoch = (uint64_t)v;
        opt->log_epoch_given = 1;
    } else if (strcmp(n, "-report") == 0) opt->report = (uint64_t)v;
    else if (strcmp(n, "-test") == 0) opt->test = 1;
    else if (strcmp(n, "-nb-test") == 0) opt->nb_test = (uint64_t)v;
    else if (strcmp(n, "-valid-metric") == 0) opt->valid_metric = value;
    else if (strcmp(n, "-stop-valid") == 0) opt->stop_valid = (uint64_t)v;
    else if (strcmp(n, "-w") == 0) opt->weights_dir = value;
    else if (strcmp(n, "-w-ignore") == 0) opt->w_ignore = 1;
    else if (strcmp(n, "-l") == 0) opt->resume_dir = value;
    else if (strcmp(n, "-bench") == 0) opt->bench = 1;
    else if (strcmp(n, "-check") == 0) opt->check = 1;
    else if (strcmp(n, "-fuse") == 0) opt->fuse = 1;
    else if (strcmp(n, "-export") == 0) opt->export_type = value;
    else if (strcmp(n, "-pre-samples") == 0) opt->pre_samples = v;
    else if (strcmp(n, "-log-db-stats") == 0) opt->log_db_stats = 1;
    else if (strcmp(n, "-nbbits") == 0) {
        opt->nbbits = (int)v;
        opt->nbbits_given = 1;
    }
    else if (!spec->implemented && !opt->unimplemented)
        opt->unimplemented = spec->name;
}

int run_options_parse(int argc, char **argv, run_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->log = 1000;      /* N2D2's defaults */
    opt->log_epoch = 1;
    opt->report = 100;
    opt->valid_metric = "Sensitivity";
    opt->pre_samples = -1;
    for (int i = 1; i < argc; ++i) {
        const char *arg = argv[i];
        if (arg[0] != '-' || arg[1] == '\0') {
            if (opt->ini_path) {
                fprintf(stderr, "error: two model files given ('%s' and '%s')\n", opt->ini_path, arg);
                return 2;
            }
            opt->ini_path = arg;
            continue;
        }
        const char *inline_value = NULL;
        char name[64];
        const char *eq = strchr(arg, '=');
        if (arg[1] == '-' && eq && (size_t)(eq - arg) < sizeof name) {
            memcpy(name, arg, (size_t)(eq - arg));
            name[eq - arg] = '\0';
            inline_value = eq + 1;
        } else {
            snprintf(name, sizeof name, "%s", arg);
        }
        const option_spec *spec = find_option(name);
        if (!spec)
            return unknown_option(name);
        const char *value = NULL;
        if (spec->arg != ARG_NONE) {
            if (inline_value)
                value = inline_value;
            else if (i + 1 < argc)
                value = argv[++i];
            else {
                fprintf(stderr, "error: option %s needs a value\n", spec->name);
                return 2;
            }
            if (check_argument(spec, value))
                return 2;
        }
        apply(opt, spec, value);
    }
    return 0;
}
