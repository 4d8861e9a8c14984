/* A run of n2d2-run: the network, its data, its targets and its output
 * folder, and the passes over the data (learning, validation, test). */
#ifndef N2D2_RUN_SESSION_H
#define N2D2_RUN_SESSION_H

#include <stdio.h>

#include "n2d2/n2d2.h"
#include "options.h"

typedef struct run_target {
    char *section;          /* "fc2.Target" */
    n2d2_cell *cell;
    size_t output;          /* index among the graph outputs */
    const n2d2_target_ops *ops;
    n2d2_params *params;
    void *state;
    char *dir;              /* <run dir>/<section> */
} run_target;

typedef struct run_session {
    const run_options *opt;
    n2d2_ini *ini;
    const n2d2_registry *reg;
    n2d2_graph *graph;
    n2d2_stimuli *stimuli;
    run_target *targets;
    size_t n_targets;
    char *run_dir;
    size_t batch;
    int *labels;
    size_t *indices;
    uint64_t seed;
    int interactive;        /* stderr is a terminal: live progress line */
    double wait_seconds;    /* time spent waiting for batches */
    double compute_seconds; /* forward/backward/update */
    char *resume_note;      /* progress text of the checkpoint given to -l */
} run_session;

typedef struct pass_result {
    size_t stimuli;
    double loss;            /* mean over the pass (first target) */
    double score;           /* first target, metric asked */
    double recognition;     /* first target, recognition rate */
} pass_result;

n2d2_status session_open(run_session *s, const run_options *opt, n2d2_ini *ini,
                         const n2d2_registry *reg, n2d2_graph *graph, uint64_t seed);
void session_close(run_session *s);

/* Evaluate a set (no learning): statistics of every target for the set are
 * reset, accumulated, reported into the targets' folders. */
n2d2_status session_evaluate(run_session *s, n2d2_set set, size_t limit, pass_result *r);
/* "<run dir>/<leaf>" into buf. */
const char *session_path(const run_session *s, const char *leaf, char *buf, size_t size);
double session_now(void);

/* learn.c */
n2d2_status session_learn(run_session *s);
/* The test of -test (and after learning). */
n2d2_status session_test(run_session *s);

#endif
