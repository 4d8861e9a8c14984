/* N_MNIST_Database (N2D2's Python API list, manual ch. 32.8.3; INI keys as
 * N2D2's generator: Validation [0.0], DataPath [$N2D2_DATA/N-MNIST]): the
 * N-MNIST neuromorphic digits, as distributed (Train.zip / Test.zip
 * unpacked): <DataPath>/Train/<digit>/<nnnnn>.bin and
 * <DataPath>/Test/<digit>/<nnnnn>.bin, one event file per sample.
 *
 * N2D2 reads these files only as event streams (spiking models). For the
 * Frame model, a stimulus is the accumulated event-count image
 * {2, 34, 34} Float32: channel 0 counts the OFF events, channel 1 the ON
 * events of each pixel over the whole recording (the three saccades). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbmore.h"
#include "n2d2/n2d2.h"
#include "nmnist_events.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define TYPE "N_MNIST_Database"

static const n2d2_param_spec nmnist_params[] = {
    {"Validation", N2D2_PARAM_FLOAT, "0.0", NULL, 0.0, 1.0, N2D2_PARAM_RANGE,
     "fraction of the learning set (Train/) used for validation"},
    {"DataPath", N2D2_PARAM_STRING, "$N2D2_DATA/N-MNIST", NULL, 0, 0, 0,
     "directory holding Train/<digit>/*.bin and Test/<digit>/*.bin"},
};

typedef struct nmnist {
    const n2d2_params *params;
} nmnist;

static n2d2_status add_split(nmnist *s, n2d2_database *db, const char *root, const char *split,
                             n2d2_set set)
{
    char dir[4200], name[4600];
    n2d2_status st = N2D2_OK;
    for (int digit = 0; digit < 10 && st == N2D2_OK; ++digit) {
        snprintf(dir, sizeof dir, "%s/%s/%d", root, split, digit);
        char **files;
        size_t n;
        st = dbm_list(dir, 'f', "bin", &files, &n);
        if (st != N2D2_OK) {
            char msg[4600];
            snprintf(msg, sizeof msg, "%s", n2d2_error_message());
            return dbm_path_error(s->params, "DataPath", st, TYPE, "%s", msg);
        }
        if (n == 0)
            st = dbm_path_error(s->params, "DataPath", N2D2_ERR_NOT_FOUND, TYPE,
                                "no .bin event file in %s", dir);
        for (size_t i = 0; i < n && st == N2D2_OK; ++i) {
            snprintf(name, sizeof name, "%s/%s", dir, files[i]);
            st = n2d2_database_add_stimulus(db, name, digit, set, 0, NULL);
        }
        dbm_list_free(files, n);
    }
    return st;
}

static n2d2_status nmnist_load(void *state, n2d2_database *db, n2d2_rng *rng)
{
    nmnist *s = state;
    char root[4096];
    dbm_path(s->params, "DataPath", root, sizeof root);
    n2d2_status st = N2D2_OK;
    for (int digit = 0; digit < 10 && st == N2D2_OK; ++digit) {
        char label[4];
        snprintf(label, sizeof label, "%d", digit);
        st = n2d2_database_add_label(db, label, NULL);
    }
    if (st == N2D2_OK)
        st = add_split(s, db, root, "Train", N2D2_SET_LEARN);
    if (st == N2D2_OK)
        st = add_split(s, db, root, "Test", N2D2_SET_TEST);
    if (st != N2D2_OK)
        return st;
    size_t n_learn = n2d2_database_set_count(db, N2D2_SET_LEARN);
    double fraction = n2d2_params_float(s->params, "Validation");
    return n2d2_database_move(db, N2D2_SET_LEARN, N2D2_SET_VALIDATION,
                              (size_t)llround(fraction * (double)n_learn), rng);
}

static n2d2_status nmnist_read(void *state, const n2d2_database *db, size_t index,
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
    snprintf(path, sizeof path, "%s", name); /* the name buffer is recycled */
    char *bytes;
    size_t size;
    n2d2_status st = dbm_read_file(path, &bytes, &size);
    if (st != N2D2_OK)
        return st;
    size_t dims[3] = {2, NMNIST_SIDE, NMNIST_SIDE};
    st = n2d2_tensor_new(N2D2_FLOAT32, 3, dims, data);
    if (st == N2D2_OK) {
        float *frame = n2d2_tensor_data(*data);
        memset(frame, 0, 2 * NMNIST_SIDE * NMNIST_SIDE * sizeof *frame);
        st = nmnist_accumulate((const unsigned char *)bytes, size, path, NMNIST_SIDE, frame);
        if (st != N2D2_OK) {
            n2d2_tensor_release(*data);
            *data = NULL;
        }
    }
    free(bytes);
    return st;
}

DBM_DEFINE_CREATE(nmnist_create, nmnist)

static void nmnist_destroy(void *state) { free(state); }

static const n2d2_database_ops nmnist_ops = {
    sizeof(n2d2_database_ops), nmnist_create, nmnist_load, nmnist_read, nmnist_destroy, {0}};

static n2d2_status register_features(n2d2_registry *reg)
{
    const n2d2_feature f = {
        sizeof(n2d2_feature), N2D2_KIND_DATABASE, TYPE, NULL,
        "N-MNIST event recordings as {2, 34, 34} OFF/ON event-count frames", nmnist_params,
        COUNT_OF(nmnist_params), &nmnist_ops, 0, {0}};
    return n2d2_registry_add(reg, &f);
}

N2D2_PLUGIN_DEFINE(db_nmnist, "1.0.0", "CECILL-C", "N-MNIST event database driver",
                   register_features, NULL)
