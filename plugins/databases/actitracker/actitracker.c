/* Actitracker_Database (manual 19.6.1): the WISDM Actitracker v2.0 raw
 * accelerometer data, <DataPath>/WISDM_at_v2.0_raw.txt (labelled) and
 * WISDM_at_v2.0_unlabeled_raw.txt (UseUnlabeledForTest=1).
 *
 * As N2D2 does, the samples of a file (in file order, records without
 * activity skipped) are cut into windows of WindowSize samples, starting
 * every round(WindowSize x Overlapping) samples; a window is one stimulus
 * {1, 3, WindowSize} Float32 (rows: x, y, z acceleration; columns: time),
 * labelled with its most frequent activity (ties: the activity that
 * reached that count first). Labels are the activities in order of first
 * appearance in the file. Learn/Validation are fractions of all windows
 * (rounded to nearest), Test the rest — or, with UseUnlabeledForTest=1,
 * the windows of the unlabeled file (label -1), the labelled rest then
 * staying unpartitioned, as N2D2. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acti_parse.h"
#include "dbmore.h"
#include "n2d2/n2d2.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define TYPE "Actitracker_Database"
#define RAW "WISDM_at_v2.0_raw.txt"
#define UNLABELED "WISDM_at_v2.0_unlabeled_raw.txt"

static const n2d2_param_spec acti_params[] = {
    {"Learn", N2D2_PARAM_FLOAT, "0.6", NULL, 0.0, 1.0, N2D2_PARAM_RANGE,
     "fraction of the windows used for learning"},
    {"Validation", N2D2_PARAM_FLOAT, "0.2", NULL, 0.0, 1.0, N2D2_PARAM_RANGE,
     "fraction of the windows used for validation"},
    {"UseUnlabeledForTest", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0,
     "use the unlabeled file as the test set"},
    {"DataPath", N2D2_PARAM_STRING, "$N2D2_DATA/WISDM_at_v2.0", NULL, 0, 0, 0,
     "directory of WISDM_at_v2.0_raw.txt (and WISDM_at_v2.0_unlabeled_raw.txt)"},
    {"WindowSize", N2D2_PARAM_UINT, "90", NULL, 1, 1e9, N2D2_PARAM_RANGE,
     "samples per window (stimulus)"},
    {"Overlapping", N2D2_PARAM_FLOAT, "0.5", NULL, 0.0, 1.0, N2D2_PARAM_RANGE,
     "step between window starts, as a fraction of WindowSize"},
};

typedef struct acti {
    const n2d2_params *params;
    acti_data file[2]; /* labelled, unlabeled */
    size_t window;
} acti;

/* Windows of file `which` into the catalogue; labelled files are
 * partitioned, the unlabeled one goes to Test. */
static n2d2_status add_windows(acti *a, n2d2_database *db, size_t which, const char *path,
                               n2d2_rng *rng)
{
    const acti_data *d = &a->file[which];
    size_t w = a->window, step = (size_t)llround((double)w * n2d2_params_float(a->params,
                                                                             "Overlapping"));
    if (step == 0)
        return n2d2_params_error(a->params, "Overlapping", N2D2_ERR_RANGE,
                                 "WindowSize x Overlapping rounds to a step of 0 samples");
    if (d->n < w)
        return n2d2_params_error(a->params, "WindowSize", N2D2_ERR_RANGE,
                                 "%s: %zu samples, fewer than one window of %zu", path, d->n, w);
    size_t n = (d->n - w) / step + 1;
    int *labels = malloc(n * sizeof *labels);
    n2d2_set *sets = malloc(n * sizeof *sets);
    unsigned *count = calloc(d->n_names ? d->n_names : 1, sizeof *count);
    n2d2_status st = labels && sets && count ? N2D2_OK
                                             : n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    for (size_t s = 0; s < n && st == N2D2_OK; ++s) {
        int best = -1;
        unsigned best_count = 0;
        memset(count, 0, (d->n_names ? d->n_names : 1) * sizeof *count);
        for (size_t i = s * step; i < s * step + w; ++i) {
            int act = d->activity[i];
            if (++count[act] > best_count) {
                best_count = count[act];
                best = act;
            }
        }
        labels[s] = which == 0 ? n2d2_database_label_id(db, d->names[best]) : -1;
        sets[s] = N2D2_SET_TEST;
    }
    int unlabeled_test = n2d2_params_bool(a->params, "UseUnlabeledForTest");
    char what[4300];
    snprintf(what, sizeof what, TYPE " '%s'", path);
    if (st == N2D2_OK && which == 0)
        st = dbm_partition(a->params, db, labels, n, n2d2_params_float(a->params, "Learn"),
                           n2d2_params_float(a->params, "Validation"),
                           unlabeled_test ? 0.0 : -1.0, 0, 0, rng, what, sets);
    char name[4300];
    for (size_t s = 0; s < n && st == N2D2_OK; ++s) {
        snprintf(name, sizeof name, "%s:%zu", path, s * step);
        st = n2d2_database_add_stimulus(db, name, labels[s], sets[s],
                                        (uint64_t)which << 40 | (s * step), NULL);
    }
    free(labels);
    free(sets);
    free(count);
    return st;
}

static n2d2_status load_file(acti *a, size_t which, const char *path)
{
    char *text;
    size_t size;
    n2d2_status st = dbm_read_file(path, &text, &size);
    if (st != N2D2_OK) {
        char msg[4600];
        snprintf(msg, sizeof msg, "%s", n2d2_error_message());
        return dbm_path_error(a->params, "DataPath", st, TYPE, "%s", msg);
    }
    st = acti_parse(text, size, path, which == 1, &a->file[which]);
    free(text);
    return st;
}

static n2d2_status acti_load(void *state, n2d2_database *db, n2d2_rng *rng)
{
    acti *a = state;
    char root[4096], path[2][4200];
    dbm_path(a->params, "DataPath", root, sizeof root);
    snprintf(path[0], sizeof path[0], "%s/" RAW, root);
    snprintf(path[1], sizeof path[1], "%s/" UNLABELED, root);
    n2d2_status st = load_file(a, 0, path[0]);
    for (size_t k = 0; k < a->file[0].n_names && st == N2D2_OK; ++k)
        st = n2d2_database_add_label(db, a->file[0].names[k], NULL);
    if (st == N2D2_OK)
        st = add_windows(a, db, 0, path[0], rng);
    if (st == N2D2_OK && n2d2_params_bool(a->params, "UseUnlabeledForTest")) {
        st = load_file(a, 1, path[1]);
        if (st == N2D2_OK)
            st = add_windows(a, db, 1, path[1], rng);
    }
    return st;
}

static n2d2_status acti_read(void *state, const n2d2_database *db, size_t index,
                             n2d2_tensor **data, n2d2_tensor **labels)
{
    const acti *a = state;
    *data = NULL;
    if (labels)
        *labels = NULL;
    if (index >= n2d2_database_stimulus_count(db))
        return n2d2_error(N2D2_ERR_INVAL, TYPE ": no stimulus %zu", index);
    uint64_t key = n2d2_database_stimulus_key(db, index);
    size_t which = (size_t)(key >> 40), start = (size_t)(key & ((UINT64_C(1) << 40) - 1));
    if (which > 1 || start + a->window > a->file[which].n)
        return n2d2_error(N2D2_ERR_INVAL, TYPE ": stimulus %zu has no window", index);
    size_t dims[3] = {1, 3, a->window};
    n2d2_status st = n2d2_tensor_new(N2D2_FLOAT32, 3, dims, data);
    if (st != N2D2_OK)
        return st;
    float *out = n2d2_tensor_data(*data);
    const float *xyz = a->file[which].xyz + 3 * start;
    for (size_t t = 0; t < a->window; ++t)
        for (size_t axis = 0; axis < 3; ++axis)
            out[axis * a->window + t] = xyz[3 * t + axis];
    return N2D2_OK;
}

static n2d2_status acti_create(const n2d2_params *params, void **state)
{
    acti *a = calloc(1, sizeof *a);
    if (!a)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    a->params = params;
    a->window = (size_t)n2d2_params_uint(params, "WindowSize");
    *state = a;
    return N2D2_OK;
}

static void acti_destroy(void *state)
{
    acti *a = state;
    acti_free(&a->file[0]);
    acti_free(&a->file[1]);
    free(a);
}

static const n2d2_database_ops acti_ops = {
    sizeof(n2d2_database_ops), acti_create, acti_load, acti_read, acti_destroy, {0}};

static n2d2_status register_features(n2d2_registry *reg)
{
    const n2d2_feature f = {
        sizeof(n2d2_feature), N2D2_KIND_DATABASE, TYPE, NULL,
        "WISDM Actitracker accelerometer windows {1, 3, WindowSize}", acti_params,
        COUNT_OF(acti_params), &acti_ops, 0, {0}};
    return n2d2_registry_add(reg, &f);
}

N2D2_PLUGIN_DEFINE(db_actitracker, "1.0.0", "CECILL-C", "WISDM Actitracker database driver",
                   register_features, NULL)
