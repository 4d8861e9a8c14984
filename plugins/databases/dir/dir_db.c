/* Shared steps of the directory drivers (see dir_db.h). */
#define _POSIX_C_SOURCE 200809L /* strcasecmp */
#include "dir_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dbmore.h"
#include "image_io.h"

n2d2_status dir_db_new(const n2d2_params *params, const char *type, void **state)
{
    dir_db *d = calloc(1, sizeof *d);
    if (!d)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    d->params = params;
    d->type = type;
    *state = d;
    return N2D2_OK;
}

void dir_db_destroy(void *state)
{
    dir_db *d = state;
    for (size_t i = 0; i < d->n_cache; ++i)
        n2d2_tensor_release(d->cache[i]);
    free(d->cache);
    free(d);
}

void dir_db_path(const dir_db *d, const char *key, char *out, size_t size)
{
    dbm_path(d->params, key, out, size);
}

n2d2_status dir_db_walk(const dir_db *d, const char *key, const char *root,
                        const dir_walk_opts *o, dir_walk_result *w)
{
    n2d2_status st = dir_walk(root, o, w);
    if (st == N2D2_OK)
        return N2D2_OK;
    char msg[4600]; /* the detail is overwritten by the next error */
    snprintf(msg, sizeof msg, "%s", n2d2_error_message());
    return n2d2_params_error(d->params, key, st, "%s: %s%s", d->type, msg,
                             n2d2_params_given(d->params, key)
                                 ? "" : " (the default; set N2D2_DATA or DataPath)");
}

n2d2_status dir_db_add_labels(n2d2_database *db, const dir_walk_result *w)
{
    n2d2_status st = N2D2_OK;
    for (size_t i = 0; i < w->n_labels && st == N2D2_OK; ++i)
        st = n2d2_database_add_label(db, w->labels[i], NULL);
    return st == N2D2_OK ? n2d2_database_sort_labels(db, strcasecmp) : st;
}

n2d2_status dir_db_add_files(dir_db *d, n2d2_database *db, const dir_walk_result *w,
                             const n2d2_dbpart *part, n2d2_set set, n2d2_rng *rng,
                             const char *root)
{
    size_t n = w->n_files;
    int *labels = malloc((n ? n : 1) * sizeof *labels);
    n2d2_set *sets = malloc((n ? n : 1) * sizeof *sets);
    n2d2_status st = labels && sets ? N2D2_OK : n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n && st == N2D2_OK; ++i) {
        labels[i] = w->files[i].label < 0
                        ? -1
                        : n2d2_database_label_id(db, w->labels[w->files[i].label]);
        sets[i] = set;
    }
    char what[4200];
    snprintf(what, sizeof what, "%s '%s'", d->type, root);
    if (st == N2D2_OK && n == 0)
        st = n2d2_params_error(d->params, "DataPath", N2D2_ERR_NOT_FOUND, "%s: no stimulus found",
                               what);
    if (st == N2D2_OK && part)
        st = n2d2_dbpart_assign(d->params, part, db, labels, n, rng, what, sets);
    for (size_t i = 0; i < n && st == N2D2_OK; ++i)
        st = n2d2_database_add_stimulus(db, w->files[i].path, labels[i], sets[i], d->n_keys++,
                                        NULL);
    free(labels);
    free(sets);
    return st;
}

n2d2_status dir_db_fill_cache(dir_db *d, const n2d2_database *db)
{
    size_t n = n2d2_database_stimulus_count(db);
    d->cache = calloc(n ? n : 1, sizeof *d->cache);
    if (!d->cache)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory (LoadInMemory=1)");
    d->n_cache = n;
    for (size_t i = 0; i < n; ++i) {
        n2d2_status st = n2d2_dbimg_read(n2d2_database_stimulus_name(db, i), &d->cache[i]);
        if (st != N2D2_OK)
            return st;
    }
    return N2D2_OK;
}

n2d2_status dir_db_read(void *state, const n2d2_database *db, size_t index, n2d2_tensor **data,
                        n2d2_tensor **labels)
{
    const dir_db *d = state;
    *data = NULL;
    if (labels)
        *labels = NULL; /* no pixel-wise labels */
    const char *path = n2d2_database_stimulus_name(db, index);
    if (!path)
        return n2d2_error(N2D2_ERR_INVAL, "%s: no stimulus %zu", d->type, index);
    uint64_t key = n2d2_database_stimulus_key(db, index);
    if (d->cache && key < d->n_cache)
        return n2d2_tensor_clone(d->cache[key], data);
    return n2d2_dbimg_read(path, data);
}
