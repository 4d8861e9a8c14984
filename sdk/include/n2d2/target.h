/* n2d2/target.h — target plugins (`[<cell>.Target]`, `Type=TargetScore`).
 *
 * A target attaches to a cell's output. For each batch it compares the
 * output with the labels, returns the loss, writes d(loss)/d(output) when
 * learning, and accumulates the statistics of the set (confusion matrix,
 * recognition rate, the metrics of -valid-metric). Section `[conv.Target]`
 * or `[conv.Target-xxx]` attaches to cell `conv`; Type defaults to
 * TargetScore.
 */
#ifndef N2D2_TARGET_H
#define N2D2_TARGET_H

#include <stddef.h>
#include <stdint.h>
#include "n2d2/export.h"
#include "n2d2/status.h"
#include "n2d2/tensor.h"
#include "n2d2/params.h"
#include "n2d2/database.h"

N2D2_BEGIN_DECLS

typedef struct n2d2_target_context {
    uint32_t struct_size;
    const char *section;          /* "fc2.Target" */
    const char *cell_name;        /* "fc2" */
    const n2d2_shape *output_shape; /* per sample */
    const n2d2_database *database;  /* label names */
    const char *where;            /* file:line of the section, for messages */
    /* The provider whose batches process() scores (NULL when the host has
     * none): with [sp] CompositeStimuli=1, n2d2_stimuli_label_maps() gives
     * the pixel-wise labels of the batch passed to process(). Took the
     * first reserved slot (hosts zero the context, so older ones give
     * NULL). */
    const struct n2d2_stimuli *stimuli;
    void *reserved[3];
    /* Added after the first layout (read it only when struct_size covers
     * it): directory of the INI file, against which relative paths of the
     * section (LabelsMapping) are resolved; NULL or "" = the directory of
     * the file where the key was written. */
    const char *ini_dir;
} n2d2_target_context;

typedef struct n2d2_target_ops {
    uint32_t struct_size;
    n2d2_status (*create)(const n2d2_params *params, const n2d2_target_context *ctx, void **state);
    /* `count` valid items of the batch (the rest is padding and must get a
     * zero gradient). labels[i] = database label of item i (-1: none).
     * grad (may be NULL at test time) receives d(loss)/d(output) for the
     * whole batch tensor, item by item: the derivative of each item's own
     * loss, not divided by the number of items (solvers get the sum over
     * the batch). *loss = mean loss over the valid items. Statistics of
     * `set` are accumulated. */
    n2d2_status (*process)(void *state, const n2d2_tensor *output, const int *labels, size_t count,
                           n2d2_tensor *grad, n2d2_set set, double *loss);
    /* Clear the statistics of a set (start of a pass). */
    void (*reset)(void *state, n2d2_set set);
    /* Score of a set for a metric name ("Sensitivity", "Accuracy", ...,
     * "" = recognition rate, N2D2's default success figure) in [0, 1]
     * (Informedness and Markedness: [-1, 1]); N2D2_ERR_NOT_FOUND for an
     * unknown metric (message lists valid ones). */
    n2d2_status (*score)(void *state, n2d2_set set, const char *metric, double *value);
    /* Write the set's reports (confusion matrix as text and CSV, metrics)
     * into `dir` (created by the host), atomically. */
    n2d2_status (*report)(void *state, n2d2_set set, const char *dir);
    void (*destroy)(void *state);
    void *reserved[4];
} n2d2_target_ops;

N2D2_END_DECLS

#endif
