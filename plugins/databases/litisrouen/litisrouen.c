/* LITISRouen_Database (manual 19.6.17): the LITIS Rouen audio scene
 * dataset, the .wav recordings directly in DataPath, named
 * <scene><number>.wav. As N2D2, the label of a file is its name up to the
 * first digit ("metro_paris12.wav" -> "metro_paris"); labels are sorted
 * case-insensitively (ties by byte order). A stimulus is the recording,
 * mono, as a {1, 1, samples} Float32 row in [-1, 1) (N2D2's WAV reader
 * gives one row too). Learn and Validation are fractions of all files
 * (rounded to nearest), the rest is the test set. Other files in
 * DataPath are ignored. */
#define _POSIX_C_SOURCE 200809L /* strcasecmp */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dbmore.h"
#include "n2d2/n2d2.h"
#include "wav.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define TYPE "LITISRouen_Database"

static const n2d2_param_spec litis_params[] = {
    {"Learn", N2D2_PARAM_FLOAT, "0.4", NULL, 0.0, 1.0, N2D2_PARAM_RANGE,
     "fraction of the recordings used for learning"},
    {"Validation", N2D2_PARAM_FLOAT, "0.4", NULL, 0.0, 1.0, N2D2_PARAM_RANGE,
     "fraction of the recordings used for validation (the rest is the test set)"},
    {"DataPath", N2D2_PARAM_STRING, "$N2D2_DATA/data_rouen", NULL, 0, 0, 0,
     "directory of the <scene><number>.wav files"},
};

typedef struct litis {
    const n2d2_params *params;
} litis;

static n2d2_status litis_load(void *state, n2d2_database *db, n2d2_rng *rng)
{
    litis *l = state;
    char root[4096];
    dbm_path(l->params, "DataPath", root, sizeof root);
    char **files;
    size_t n;
    n2d2_status st = dbm_list(root, 'f', "wav", &files, &n);
    if (st != N2D2_OK) {
        char msg[4600];
        snprintf(msg, sizeof msg, "%s", n2d2_error_message());
        return dbm_path_error(l->params, "DataPath", st, TYPE, "%s", msg);
    }
    if (n == 0)
        return dbm_path_error(l->params, "DataPath", N2D2_ERR_NOT_FOUND, TYPE,
                              "no .wav file in %s", root);
    char **names = calloc(n, sizeof *names);
    int *labels = malloc(n * sizeof *labels);
    n2d2_set *sets = malloc(n * sizeof *sets);
    if (!names || !labels || !sets)
        st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n && st == N2D2_OK; ++i) {
        size_t len = strcspn(files[i], "0123456789");
        if (len == 0)
            st = dbm_path_error(l->params, "DataPath", N2D2_ERR_PARSE, TYPE,
                                "%s/%s: the name does not start with a scene name "
                                "(<scene><number>.wav)", root, files[i]);
        else if ((names[i] = malloc(len + 1)) == NULL)
            st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        else
            memcpy(names[i], files[i], len), names[i][len] = '\0';
        if (st == N2D2_OK && n2d2_database_label_id(db, names[i]) < 0)
            st = n2d2_database_add_label(db, names[i], NULL);
    }
    if (st == N2D2_OK)
        st = n2d2_database_sort_labels(db, strcasecmp);
    for (size_t i = 0; i < n && st == N2D2_OK; ++i)
        labels[i] = n2d2_database_label_id(db, names[i]);
    char what[4200];
    snprintf(what, sizeof what, TYPE " '%s'", root);
    if (st == N2D2_OK)
        st = dbm_partition(l->params, db, labels, n, n2d2_params_float(l->params, "Learn"),
                           n2d2_params_float(l->params, "Validation"), -1.0, 0, 0, rng, what,
                           sets);
    char path[4400];
    for (size_t i = 0; i < n && st == N2D2_OK; ++i) {
        snprintf(path, sizeof path, "%s/%s", root, files[i]);
        st = n2d2_database_add_stimulus(db, path, labels[i], sets[i], i, NULL);
    }
    for (size_t i = 0; names && i < n; ++i)
        free(names[i]);
    free(names);
    free(labels);
    free(sets);
    dbm_list_free(files, n);
    return st;
}

static n2d2_status litis_read(void *state, const n2d2_database *db, size_t index,
                              n2d2_tensor **data, n2d2_tensor **labels)
{
    (void)state;
    *data = NULL;
    if (labels)
        *labels = NULL;
    const char *name = n2d2_database_stimulus_name(db, index);
    if (!name)
        return n2d2_error(N2D2_ERR_INVAL, TYPE ": no stimulus %zu", index);
    char path[4600];
    snprintf(path, sizeof path, "%s", name);
    char *bytes;
    size_t size;
    n2d2_status st = dbm_read_file(path, &bytes, &size);
    if (st != N2D2_OK)
        return st;
    wav_info info;
    st = wav_parse((const unsigned char *)bytes, size, path, &info);
    if (st == N2D2_OK) {
        size_t dims[3] = {1, 1, info.n_samples};
        st = n2d2_tensor_new(N2D2_FLOAT32, 3, dims, data);
    }
    if (st == N2D2_OK)
        wav_samples((const unsigned char *)bytes, &info, n2d2_tensor_data(*data));
    free(bytes);
    return st;
}

DBM_DEFINE_CREATE(litis_create, litis)

static void litis_destroy(void *state) { free(state); }

static const n2d2_database_ops litis_ops = {
    sizeof(n2d2_database_ops), litis_create, litis_load, litis_read, litis_destroy, {0}};

static n2d2_status register_features(n2d2_registry *reg)
{
    const n2d2_feature f = {
        sizeof(n2d2_feature), N2D2_KIND_DATABASE, TYPE, NULL,
        "LITIS Rouen audio scenes (mono .wav files as {1, 1, samples})", litis_params,
        COUNT_OF(litis_params), &litis_ops, 0, {0}};
    return n2d2_registry_add(reg, &f);
}

N2D2_PLUGIN_DEFINE(db_litisrouen, "1.0.0", "CECILL-C", "LITIS Rouen audio scene database driver",
                   register_features, NULL)
