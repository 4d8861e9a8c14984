/* CIFAR10_Database and CIFAR100_Database (manual 19.6.2-19.6.3): the
 * binary versions of the datasets. A record is the label byte(s) then a
 * 32x32 image as three 1024-byte planes, red, green, blue:
 *   CIFAR-10:  <label> <3072 bytes>, data_batch_1..5.bin (learn),
 *              test_batch.bin (test); names in batches.meta.txt;
 *   CIFAR-100: <coarse> <fine> <3072 bytes>, train.bin, test.bin; names in
 *              coarse_label_names.txt and fine_label_names.txt.
 * Only the labels are read at load time; `read` fetches one record with
 * pread (thread-safe). Images are returned as {3, 32, 32} UInt8 in BGR
 * order, N2D2's pixel format (manual line 5269). `Validation` moves that
 * fraction of the learn set (rounded to nearest) to validation. */
#define _XOPEN_SOURCE 700 /* pread */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "n2d2/n2d2.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define SIDE 32
#define PIXELS (3 * SIDE * SIDE)
#define MAX_FILES 6

static const n2d2_param_spec cifar10_params[] = {
    {"Validation", N2D2_PARAM_FLOAT, "0.0", NULL, 0.0, 1.0, N2D2_PARAM_RANGE,
     "fraction of the learning set used for validation"},
    {"DataPath", N2D2_PARAM_STRING, "$N2D2_DATA/cifar-10-batches-bin", NULL, 0, 0, 0,
     "directory of the binary batches ($N2D2_DATA defaults to /local/$USER/n2d2_data)"},
};

static const n2d2_param_spec cifar100_params[] = {
    {"Validation", N2D2_PARAM_FLOAT, "0.0", NULL, 0.0, 1.0, N2D2_PARAM_RANGE,
     "fraction of the learning set used for validation"},
    {"UseCoarse", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0,
     "use the 20 coarse labels (super-classes) instead of the 100 fine ones"},
    {"DataPath", N2D2_PARAM_STRING, "$N2D2_DATA/cifar-100-binary", NULL, 0, 0, 0,
     "directory of train.bin and test.bin ($N2D2_DATA defaults to /local/$USER/n2d2_data)"},
};

static const char *const cifar10_files[] = {"data_batch_1.bin", "data_batch_2.bin",
                                            "data_batch_3.bin", "data_batch_4.bin",
                                            "data_batch_5.bin", "test_batch.bin"};
static const char *const cifar100_files[] = {"train.bin", "test.bin"};
/* The dataset's batches.meta.txt, used when that file is absent. */
static const char *const cifar10_names[] = {"airplane", "automobile", "bird",  "cat",  "deer",
                                            "dog",      "frog",       "horse", "ship", "truck"};

typedef struct cifar {
    int hundred;
    const n2d2_params *params;
    char dir[4096];
    char path[MAX_FILES][4200];
    int fd[MAX_FILES];
    size_t n_files;
    size_t label_bytes; /* 1 or 2 */
    size_t n_labels;    /* 10, 20 or 100 */
} cifar;

static size_t record_size(const cifar *c) { return c->label_bytes + PIXELS; }

/* A leading "$N2D2_DATA" (the defaults) becomes the data root (tool-flow
 * checklist §0: /local/$USER/n2d2_data when unset). */
static void expand_path(const char *value, char *out, size_t size)
{
    static const char var[] = "$N2D2_DATA";
    if (strncmp(value, var, sizeof var - 1) != 0) {
        snprintf(out, size, "%s", value);
        return;
    }
    const char *env = getenv("N2D2_DATA"), *user = getenv("USER");
    if (env && *env)
        snprintf(out, size, "%s%s", env, value + sizeof var - 1);
    else if (user && *user)
        snprintf(out, size, "/local/%s/n2d2_data%s", user, value + sizeof var - 1);
    else
        snprintf(out, size, "/local/n2d2_data%s", value + sizeof var - 1);
}

/* Label names, one per line of `file` in DataPath; fallback when absent:
 * `builtin`, or the numbers 0..n-1. */
static n2d2_status add_labels(cifar *c, n2d2_database *db, const char *file,
                              const char *const *builtin)
{
    char path[4200], line[256];
    snprintf(path, sizeof path, "%s/%s", c->dir, file);
    FILE *f = fopen(path, "r");
    size_t n = 0;
    n2d2_status st = N2D2_OK;
    while (f && n < c->n_labels && st == N2D2_OK && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!*line)
            continue; /* batches.meta.txt ends with blank lines */
        if (n2d2_database_label_id(db, line) >= 0) {
            st = n2d2_error(N2D2_ERR_PARSE, "%s: label '%s' listed twice", path, line);
            break;
        }
        st = n2d2_database_add_label(db, line, NULL);
        ++n;
    }
    if (f)
        fclose(f);
    if (st != N2D2_OK)
        return st;
    if (f && n != c->n_labels)
        return n2d2_error(N2D2_ERR_PARSE, "%s: %zu label names, expected %zu", path, n,
                          c->n_labels);
    if (!f) {
        n2d2_log_info("%s not found: labels named %s", path, builtin ? "as in CIFAR-10" : "0..n-1");
        for (size_t k = 0; k < c->n_labels && st == N2D2_OK; ++k) {
            char num[24];
            snprintf(num, sizeof num, "%zu", k);
            st = n2d2_database_add_label(db, builtin ? builtin[k] : num, NULL);
        }
    }
    return st;
}

/* Check one batch file and add its records to `set`. */
static n2d2_status add_file(cifar *c, n2d2_database *db, size_t which, n2d2_set set)
{
    const char *path = c->path[which];
    c->fd[which] = open(path, O_RDONLY);
    if (c->fd[which] < 0)
        return n2d2_params_error(c->params, "DataPath", N2D2_ERR_NOT_FOUND,
                                 "%s: %s: %s%s", c->hundred ? "CIFAR100_Database" : "CIFAR10_Database",
                                 path, strerror(errno),
                                 n2d2_params_given(c->params, "DataPath")
                                     ? "" : " (the default; set N2D2_DATA or DataPath)");
    struct stat info;
    if (fstat(c->fd[which], &info) != 0)
        return n2d2_error(N2D2_ERR_IO, "%s: %s", path, strerror(errno));
    size_t rec = record_size(c), size = (size_t)info.st_size;
    if (size % rec != 0)
        return n2d2_error(N2D2_ERR_PARSE,
                          "%s: %zu bytes is not a whole number of %zu-byte records: the last "
                          "record, from byte offset %zu, is truncated", path, size, rec,
                          size / rec * rec);
    if (size == 0)
        return n2d2_error(N2D2_ERR_PARSE, "%s: empty file (no %zu-byte record)", path, rec);
    size_t n = size / rec;
    int label_at = c->hundred && !n2d2_params_bool(c->params, "UseCoarse") ? 1 : 0;
    unsigned char *buf = malloc(rec * 256);
    if (!buf)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    char name[4300];
    int len = snprintf(name, sizeof name, "%s:", path);
    n2d2_status st = N2D2_OK;
    for (size_t i = 0; i < n && st == N2D2_OK; i += 256) {
        size_t chunk = n - i < 256 ? n - i : 256, want = chunk * rec;
        ssize_t got = pread(c->fd[which], buf, want, (off_t)(i * rec));
        if (got < 0 || (size_t)got != want) {
            st = n2d2_error(N2D2_ERR_IO, "%s: read error at byte offset %zu", path, i * rec);
            break;
        }
        for (size_t k = 0; k < chunk && st == N2D2_OK; ++k) {
            for (size_t b = 0; b < c->label_bytes; ++b) {
                unsigned limit = c->hundred ? (b == 0 ? 20 : 100) : 10;
                if (buf[k * rec + b] >= limit)
                    st = n2d2_error(N2D2_ERR_PARSE,
                                    "%s: %s label %u at byte offset %zu (record %zu) is not "
                                    "below %u", path, c->hundred ? (b ? "fine" : "coarse") : "class",
                                    buf[k * rec + b], (i + k) * rec + b, i + k, limit);
            }
            snprintf(name + len, sizeof name - (size_t)len, "%zu", i + k);
            if (st == N2D2_OK)
                st = n2d2_database_add_stimulus(db, name, buf[k * rec + label_at], set,
                                                (uint64_t)which << 32 | (i + k), NULL);
        }
    }
    free(buf);
    return st;
}

static n2d2_status cifar_load(void *state, n2d2_database *db, n2d2_rng *rng)
{
    cifar *c = state;
    expand_path(n2d2_params_string(c->params, "DataPath"), c->dir, sizeof c->dir);
    const char *const *files = c->hundred ? cifar100_files : cifar10_files;
    c->n_files = c->hundred ? COUNT_OF(cifar100_files) : COUNT_OF(cifar10_files);
    for (size_t f = 0; f < c->n_files; ++f)
        snprintf(c->path[f], sizeof c->path[f], "%s/%s", c->dir, files[f]);
    n2d2_status st;
    if (c->hundred)
        st = add_labels(c, db, c->n_labels == 20 ? "coarse_label_names.txt"
                                                 : "fine_label_names.txt", NULL);
    else
        st = add_labels(c, db, "batches.meta.txt", cifar10_names);
    for (size_t f = 0; f < c->n_files && st == N2D2_OK; ++f)
        st = add_file(c, db, f, f + 1 < c->n_files ? N2D2_SET_LEARN : N2D2_SET_TEST);
    if (st != N2D2_OK)
        return st;
    size_t n_learn = n2d2_database_set_count(db, N2D2_SET_LEARN);
    double fraction = n2d2_params_float(c->params, "Validation");
    return n2d2_database_move(db, N2D2_SET_LEARN, N2D2_SET_VALIDATION,
                              (size_t)llround(fraction * (double)n_learn), rng);
}

static n2d2_status cifar_read(void *state, const n2d2_database *db, size_t index,
                              n2d2_tensor **data, n2d2_tensor **labels)
{
    const cifar *c = state;
    *data = NULL;
    if (labels)
        *labels = NULL; /* no pixel-wise labels */
    uint64_t key = n2d2_database_stimulus_key(db, index);
    size_t which = (size_t)(key >> 32), rec = record_size(c);
    if (index >= n2d2_database_stimulus_count(db) || which >= c->n_files)
        return n2d2_error(N2D2_ERR_INVAL, "CIFAR: no stimulus %zu", index);
    off_t at = (off_t)((key & 0xffffffffu) * rec + c->label_bytes);
    unsigned char rgb[PIXELS];
    ssize_t got = pread(c->fd[which], rgb, PIXELS, at);
    if (got != PIXELS)
        return n2d2_error(N2D2_ERR_IO, "%s: cannot read %d bytes at byte offset %lld%s%s",
                          c->path[which], PIXELS, (long long)at, got < 0 ? ": " : "",
                          got < 0 ? strerror(errno) : " (file changed since loading?)");
    size_t dims[3] = {3, SIDE, SIDE};
    n2d2_status st = n2d2_tensor_new(N2D2_UINT8, 3, dims, data);
    if (st != N2D2_OK)
        return st;
    unsigned char *out = n2d2_tensor_data(*data);
    for (int ch = 0; ch < 3; ++ch) /* R, G, B planes -> B, G, R */
        memcpy(out + (size_t)ch * SIDE * SIDE, rgb + (size_t)(2 - ch) * SIDE * SIDE, SIDE * SIDE);
    return N2D2_OK;
}

static n2d2_status create(const n2d2_params *params, void **state, int hundred)
{
    cifar *c = calloc(1, sizeof *c);
    if (!c)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    c->hundred = hundred;
    c->params = params;
    c->label_bytes = hundred ? 2 : 1;
    c->n_labels = !hundred ? 10 : n2d2_params_bool(params, "UseCoarse") ? 20 : 100;
    for (size_t f = 0; f < MAX_FILES; ++f)
        c->fd[f] = -1;
    *state = c;
    return N2D2_OK;
}

static n2d2_status cifar10_create(const n2d2_params *params, void **state)
{
    return create(params, state, 0);
}

static n2d2_status cifar100_create(const n2d2_params *params, void **state)
{
    return create(params, state, 1);
}

static void cifar_destroy(void *state)
{
    cifar *c = state;
    for (size_t f = 0; f < MAX_FILES; ++f)
        if (c->fd[f] >= 0)
            close(c->fd[f]);
    free(c);
}

static const n2d2_database_ops cifar10_ops = {
    sizeof(n2d2_database_ops), cifar10_create, cifar_load, cifar_read, cifar_destroy, {0}};
static const n2d2_database_ops cifar100_ops = {
    sizeof(n2d2_database_ops), cifar100_create, cifar_load, cifar_read, cifar_destroy, {0}};

static n2d2_status register_features(n2d2_registry *reg)
{
    const n2d2_feature f10 = {
        sizeof(n2d2_feature), N2D2_KIND_DATABASE, "CIFAR10_Database", NULL,
        "CIFAR-10 binary batches (50,000 learn / 10,000 test, 32x32 colour)", cifar10_params,
        COUNT_OF(cifar10_params), &cifar10_ops, 0, {0}};
    const n2d2_feature f100 = {
        sizeof(n2d2_feature), N2D2_KIND_DATABASE, "CIFAR100_Database", NULL,
        "CIFAR-100 binary files (fine or coarse labels)", cifar100_params,
        COUNT_OF(cifar100_params), &cifar100_ops, 0, {0}};
    n2d2_status st = n2d2_registry_add(reg, &f10);
    return st == N2D2_OK ? n2d2_registry_add(reg, &f100) : st;
}

N2D2_PLUGIN_DEFINE(db_cifar, "1.0.0", "CECILL-C", "CIFAR-10 and CIFAR-100 binary database drivers",
                   register_features, NULL)
