/* CSV_Database (manual 19.5): every line of one or several CSV files is a
 * stimulus {1, 1, values} (Float32) labelled by one of its columns,
 * partitioned per label like DIR_Database. */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_parse.h"
#include "n2d2/n2d2.h"
#include "partition.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static const n2d2_param_spec csv_params[] = {
    {"DataPath", N2D2_PARAM_STRING, NULL, NULL, 0, 0, N2D2_PARAM_REQUIRED,
     "CSV file, or several separated by spaces"},
    N2D2_DBPART_SPECS("0.6", "0.2"),
    {"LabelColumn", N2D2_PARAM_INT, "-1", NULL, 0, 0, 0,
     "index of the label column (< 0: from the end of the row)"},
    {"NbHeaderLines", N2D2_PARAM_UINT, "0", NULL, 0, 0, 0, "header lines skipped in each file"},
    {"LoadMore", N2D2_PARAM_STRING, "", NULL, 0, 0, 0,
     "section with the same options loading a further DataPath (not implemented yet)"},
};

typedef struct csv_db {
    const n2d2_params *params;
    csv_table table;
    char **paths; /* the DataPath files */
    size_t n_paths;
} csv_db;

static n2d2_status csv_create(const n2d2_params *params, void **state)
{
    if (*n2d2_params_string(params, "LoadMore"))
        return n2d2_params_error(params, "LoadMore", N2D2_ERR_NOT_IMPLEMENTED,
                                 "CSV_Database: LoadMore is not implemented yet");
    csv_db *d = calloc(1, sizeof *d);
    if (!d)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    d->params = params;
    *state = d;
    return N2D2_OK;
}

static n2d2_status read_file(const char *path, char **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return n2d2_error(errno == ENOENT ? N2D2_ERR_NOT_FOUND : N2D2_ERR_IO, "%s: %s", path,
                          strerror(errno));
    size_t cap = 1 << 16;
    char *b = malloc(cap);
    n2d2_status st = b ? N2D2_OK : n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    size_t got;
    while (st == N2D2_OK && (got = fread(b + *len, 1, cap - *len, f)) > 0) {
        *len += got;
        if (*len == cap) {
            char *g = realloc(b, cap * 2);
            if (!g)
                st = n2d2_error(N2D2_ERR_NOMEM, "out of memory reading %s", path);
            else {
                b = g;
                cap *= 2;
            }
        }
    }
    if (st == N2D2_OK && ferror(f))
        st = n2d2_error(N2D2_ERR_IO, "%s: read error after %zu bytes", path, *len);
    fclose(f);
    if (st != N2D2_OK) {
        free(b);
        *len = 0;
        return st;
    }
    *buf = b;
    return N2D2_OK;
}

/* Each file of the space-separated DataPath list, in order. */
static n2d2_status parse_all(csv_db *d)
{
    const n2d2_params *p = d->params;
    const char *list = n2d2_params_string(p, "DataPath");
    size_t header = (size_t)n2d2_params_uint(p, "NbHeaderLines");
    long col = (long)n2d2_params_int(p, "LabelColumn");
    char path[4096];
    n2d2_status st = N2D2_OK;
    size_t files = 0;
    while (st == N2D2_OK && *list) {
        list += strspn(list, " \t");
        size_t n = strcspn(list, " \t");
        if (n == 0)
            break;
        if (n >= sizeof path)
            return n2d2_params_error(p, "DataPath", N2D2_ERR_RANGE, "path too long");
        memcpy(path, list, n);
        path[n] = '\0';
        list += n;
        char **paths = realloc(d->paths, (d->n_paths + 1) * sizeof *paths);
        if (!paths || !(paths[d->n_paths] = strdup(path))) {
            if (paths)
                d->paths = paths;
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        }
        d->paths = paths;
        ++d->n_paths;
        char *buf;
        size_t len;
        st = read_file(path, &buf, &len);
        if (st != N2D2_OK) {
            char msg[4600];
            snprintf(msg, sizeof msg, "%s", n2d2_error_message());
            return n2d2_params_error(p, "DataPath", st, "CSV_Database: %s", msg);
        }
        st = csv_parse(buf, len, path, (unsigned)files, header, col, &d->table);
        free(buf);
        ++files;
    }
    if (st == N2D2_OK && files == 0)
        st = n2d2_params_error(p, "DataPath", N2D2_ERR_NOT_FOUND, "CSV_Database: empty DataPath");
    return st;
}

static n2d2_status csv_load(void *state, n2d2_database *db, n2d2_rng *rng)
{
    csv_db *d = state;
    csv_table *t = &d->table;
    n2d2_status st = parse_all(d);
    if (st != N2D2_OK)
        return st;
    if (t->n_rows == 0)
        return n2d2_params_error(d->params, "DataPath", N2D2_ERR_NOT_FOUND,
                                 "CSV_Database: no data row in '%s' (NbHeaderLines=%llu)",
                                 n2d2_params_string(d->params, "DataPath"),
                                 (unsigned long long)n2d2_params_uint(d->params, "NbHeaderLines"));
    int *labels = malloc(t->n_rows * sizeof *labels);
    n2d2_set *sets = malloc(t->n_rows * sizeof *sets);
    if (!labels || !sets)
        st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    /* Label ids in order of first appearance, as N2D2 creates them. */
    for (size_t i = 0; i < t->n_rows && st == N2D2_OK; ++i)
        st = n2d2_database_add_label(db, t->labels[i], &labels[i]);
    n2d2_dbpart part = n2d2_dbpart_from_params(d->params);
    char what[4200];
    snprintf(what, sizeof what, "CSV_Database '%s'", n2d2_params_string(d->params, "DataPath"));
    if (st == N2D2_OK)
        st = n2d2_dbpart_assign(d->params, &part, db, labels, t->n_rows, rng, what, sets);
    /* Names "<file>:<line>" (stored compactly: prefix + number). */
    char name[4200];
    for (size_t i = 0; i < t->n_rows && st == N2D2_OK; ++i) {
        snprintf(name, sizeof name, "%s:%zu", d->paths[t->files[i]], t->lines[i]);
        st = n2d2_database_add_stimulus(db, name, labels[i], sets[i], i, NULL);
    }
    free(labels);
    free(sets);
    return st;
}

static n2d2_status csv_read(void *state, const n2d2_database *db, size_t index,
                            n2d2_tensor **data, n2d2_tensor **labels)
{
    const csv_db *d = state;
    *data = NULL;
    if (labels)
        *labels = NULL;
    uint64_t key = n2d2_database_stimulus_key(db, index);
    if (index >= n2d2_database_stimulus_count(db) || key >= d->table.n_rows)
        return n2d2_error(N2D2_ERR_INVAL, "CSV_Database: no stimulus %zu", index);
    size_t dims[3] = {1, 1, d->table.n_values};
    n2d2_status st = n2d2_tensor_new(N2D2_FLOAT32, 3, dims, data);
    if (st == N2D2_OK)
        memcpy(n2d2_tensor_data(*data), d->table.values + key * d->table.n_values,
               d->table.n_values * sizeof(float));
    return st;
}

static void csv_destroy(void *state)
{
    csv_db *d = state;
    csv_free(&d->table);
    for (size_t i = 0; i < d->n_paths; ++i)
        free(d->paths[i]);
    free(d->paths);
    free(d);
}

static const n2d2_database_ops csv_ops = {
    sizeof(n2d2_database_ops), csv_create, csv_load, csv_read, csv_destroy, {0}};

static n2d2_status register_features(n2d2_registry *reg)
{
    const n2d2_feature csv_feature = {
        sizeof(n2d2_feature), N2D2_KIND_DATABASE, "CSV_Database", NULL,
        "CSV data files, one stimulus per line, one column is the label", csv_params,
        COUNT_OF(csv_params), &csv_ops, 0, {0}};
    return n2d2_registry_add(reg, &csv_feature);
}

N2D2_PLUGIN_DEFINE(db_csv, "1.0.0", "CECILL-C", "CSV_Database: CSV data files", register_features,
                   NULL)
