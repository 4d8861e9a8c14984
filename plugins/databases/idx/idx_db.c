/* IDX_Database: any IDX data file with an IDX label file (the format of
 * MNIST, read by ../mnist/idx.c, plain or gzip). N2D2 documents this class
 * only in its Python API (manual line 649), so the INI keys are ours:
 * DataPath and LabelPath name the two files, and the stimuli are
 * partitioned per label like DIR_Database (Learn, Validation, Test,
 * PerLabelPartitioning, EquivLabelPartitioning).
 *
 * Data of rank r holds dims[0] stimuli; the remaining dims become {C, H, W}
 * right-aligned: rank 2 -> {1, 1, d1}, rank 3 -> {1, d1, d2}, rank 4 ->
 * {d1, d2, d3} (channels first). Element types: ubyte -> UInt8, sbyte ->
 * Int8 (raw, the provider maps them to [0, 1] / [-1, 1]), short -> Float32
 * divided by 32767 (N2D2's unit value for 16-bit), int -> Float64 divided
 * by 2147483647, float -> Float32, double -> Float64 (raw). Labels: rank 1,
 * any integer type, values 0..65535; label names are the decimal values
 * "0".."max". */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idx.h"
#include "n2d2/n2d2.h"
#include "partition.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_LABEL 65535

static const n2d2_param_spec idx_params[] = {
    {"DataPath", N2D2_PARAM_STRING, NULL, NULL, 0, 0, N2D2_PARAM_REQUIRED,
     "IDX data file (rank 2 to 4, first dimension = stimuli), plain or .gz"},
    {"LabelPath", N2D2_PARAM_STRING, NULL, NULL, 0, 0, N2D2_PARAM_REQUIRED,
     "IDX label file (rank 1, integer type, one label per stimulus), plain or .gz"},
    N2D2_DBPART_SPECS(NULL, "0.0"),
};

typedef struct idx_db {
    const n2d2_params *params;
    char path[2][4096];
    uint8_t *buf[2];
    mnist_idx idx[2];
    size_t dims[3];  /* {C, H, W} of one stimulus */
    size_t per;      /* elements per stimulus */
    size_t elem;     /* bytes per element */
} idx_db;

static size_t elem_size(uint8_t type)
{
    switch (type) {
    case MNIST_IDX_UBYTE: case MNIST_IDX_SBYTE: return 1;
    case MNIST_IDX_SHORT: return 2;
    case MNIST_IDX_DOUBLE: return 8;
    default: return 4;
    }
}

static uint64_t be(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i)
        v = v << 8 | p[i];
    return v;
}

static n2d2_status idx_create(const n2d2_params *params, void **state)
{
    idx_db *d = calloc(1, sizeof *d);
    if (!d)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    d->params = params;
    *state = d;
    return N2D2_OK;
}

static n2d2_status load_file(idx_db *d, int which, const char *key)
{
    snprintf(d->path[which], sizeof d->path[which], "%s", n2d2_params_string(d->params, key));
    size_t len;
    int gz;
    n2d2_status st = mnist_idx_read_file(d->path[which], &d->buf[which], &len, &gz);
    if (st == N2D2_OK)
        return mnist_idx_parse(d->buf[which], len, d->path[which], gz, &d->idx[which]);
    char msg[4600];
    snprintf(msg, sizeof msg, "%s", n2d2_error_message());
    return n2d2_params_error(d->params, key, st, "IDX_Database: %s", msg);
}

/* Shapes and label values: errors give the file and byte offset. */
static n2d2_status check(idx_db *d, int *labels)
{
    const mnist_idx *x = &d->idx[0], *y = &d->idx[1];
    if (x->ndim < 2 || x->ndim > 4)
        return n2d2_error(N2D2_ERR_PARSE, "%s: rank %u at byte offset 3: IDX_Database needs rank "
                          "2 to 4 (stimuli first)", d->path[0], x->ndim);
    if (y->ndim != 1 || y->type == MNIST_IDX_FLOAT || y->type == MNIST_IDX_DOUBLE)
        return n2d2_error(N2D2_ERR_PARSE, "%s: type 0x%02x rank %u at byte offset 2: labels need "
                          "an integer type and rank 1", d->path[1], y->type, y->ndim);
    if (x->dims[0] != y->dims[0])
        return n2d2_error(N2D2_ERR_PARSE, "%s: %u labels (byte offset 4) but %s has %u stimuli",
                          d->path[1], y->dims[0], d->path[0], x->dims[0]);
    d->dims[0] = d->dims[1] = 1;
    for (uint32_t k = 1; k < x->ndim; ++k)
        d->dims[3 - x->ndim + k] = x->dims[k];
    d->per = d->dims[0] * d->dims[1] * d->dims[2];
    d->elem = elem_size(x->type);
    if (d->per == 0)
        return n2d2_error(N2D2_ERR_PARSE, "%s: empty stimuli (a zero dimension at byte offset 8)",
                          d->path[0]);
    size_t ls = elem_size(y->type);
    for (size_t i = 0; i < y->count; ++i) {
        uint64_t raw = be(y->data + i * ls, ls);
        int64_t v = y->type == MNIST_IDX_SBYTE   ? (int8_t)raw
                    : y->type == MNIST_IDX_SHORT ? (int16_t)raw
                    : y->type == MNIST_IDX_INT   ? (int32_t)raw
                                                 : (int64_t)raw;
        if (v < 0 || v > MAX_LABEL)
            return n2d2_error(N2D2_ERR_PARSE, "%s: label %lld at byte offset %zu is outside "
                              "0..%d", d->path[1], (long long)v, y->header + i * ls, MAX_LABEL);
        labels[i] = (int)v;
    }
    return N2D2_OK;
}

static n2d2_status idx_load(void *state, n2d2_database *db, n2d2_rng *rng)
{
    idx_db *d = state;
    n2d2_status st = load_file(d, 0, "DataPath");
    if (st == N2D2_OK)
        st = load_file(d, 1, "LabelPath");
    if (st != N2D2_OK)
        return st;
    size_t n = d->idx[0].dims[0];
    int *labels = malloc((n ? n : 1) * sizeof *labels);
    n2d2_set *sets = malloc((n ? n : 1) * sizeof *sets);
    st = labels && sets ? check(d, labels) : n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    int max = -1;
    for (size_t i = 0; i < n && st == N2D2_OK; ++i)
        max = labels[i] > max ? labels[i] : max;
    for (int k = 0; k <= max && st == N2D2_OK; ++k) {
        char name[16];
        snprintf(name, sizeof name, "%d", k);
        st = n2d2_database_add_label(db, name, NULL);
    }
    n2d2_dbpart part = n2d2_dbpart_from_params(d->params);
    char what[4200];
    snprintf(what, sizeof what, "IDX_Database '%s'", d->path[0]);
    if (st == N2D2_OK)
        st = n2d2_dbpart_assign(d->params, &part, db, labels, n, rng, what, sets);
    char name[4200];
    int len = snprintf(name, sizeof name, "%s:", d->path[0]);
    for (size_t i = 0; i < n && st == N2D2_OK; ++i) {
        snprintf(name + len, sizeof name - (size_t)len, "%zu", i);
        st = n2d2_database_add_stimulus(db, name, labels[i], sets[i], i, NULL);
    }
    free(labels);
    free(sets);
    return st;
}

static n2d2_status idx_read(void *state, const n2d2_database *db, size_t index,
                            n2d2_tensor **data, n2d2_tensor **labels)
{
    const idx_db *d = state;
    *data = NULL;
    if (labels)
        *labels = NULL;
    uint64_t key = n2d2_database_stimulus_key(db, index);
    if (index >= n2d2_database_stimulus_count(db) || key >= d->idx[0].dims[0])
        return n2d2_error(N2D2_ERR_INVAL, "IDX_Database: no stimulus %zu", index);
    uint8_t type = d->idx[0].type;
    n2d2_dtype dtype = type == MNIST_IDX_UBYTE   ? N2D2_UINT8
                       : type == MNIST_IDX_SBYTE ? N2D2_INT8
                       : type == MNIST_IDX_INT || type == MNIST_IDX_DOUBLE ? N2D2_FLOAT64
                                                                          : N2D2_FLOAT32;
    n2d2_status st = n2d2_tensor_new(dtype, 3, d->dims, data);
    if (st != N2D2_OK)
        return st;
    const uint8_t *src = d->idx[0].data + key * d->per * d->elem;
    void *dst = n2d2_tensor_data(*data);
    for (size_t i = 0; i < d->per; ++i) {
        uint64_t raw = be(src + i * d->elem, d->elem);
        switch (type) {
        case MNIST_IDX_UBYTE: ((uint8_t *)dst)[i] = (uint8_t)raw; break;
        case MNIST_IDX_SBYTE: ((int8_t *)dst)[i] = (int8_t)(uint8_t)raw; break;
        case MNIST_IDX_SHORT: ((float *)dst)[i] = (float)((int16_t)(uint16_t)raw / 32767.0); break;
        case MNIST_IDX_INT: ((double *)dst)[i] = (int32_t)(uint32_t)raw / 2147483647.0; break;
        case MNIST_IDX_FLOAT: {
            uint32_t u = (uint32_t)raw;
            float f;
            memcpy(&f, &u, sizeof f);
            ((float *)dst)[i] = f;
            break;
        }
        default: {
            double f;
            memcpy(&f, &raw, sizeof f);
            ((double *)dst)[i] = f;
            break;
        }
        }
    }
    return N2D2_OK;
}

static void idx_destroy(void *state)
{
    idx_db *d = state;
    free(d->buf[0]);
    free(d->buf[1]);
    free(d);
}

static const n2d2_database_ops idx_ops = {
    sizeof(n2d2_database_ops), idx_create, idx_load, idx_read, idx_destroy, {0}};

static n2d2_status register_features(n2d2_registry *reg)
{
    const n2d2_feature f = {sizeof(n2d2_feature), N2D2_KIND_DATABASE, "IDX_Database", NULL,
                            "any IDX data file with an IDX label file, partitioned per label",
                            idx_params, COUNT_OF(idx_params), &idx_ops, 0, {0}};
    return n2d2_registry_add(reg, &f);
}

N2D2_PLUGIN_DEFINE(db_idx, "1.0.0", "CECILL-C", "IDX_Database: generic IDX data and label files",
                   register_features, NULL)
