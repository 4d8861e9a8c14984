/* The state and shared steps of the directory drivers of n2d2-db-dir.so
 * (DIR_Database, GTSRB_DIR_Database, Caltech101/256_DIR_Database):
 * turning scanned files into catalogue entries, and decoding them. */
#ifndef N2D2_DB_DIR_DB_H
#define N2D2_DB_DIR_DB_H

#include "dir_walk.h"
#include "n2d2/n2d2.h"
#include "partition.h"

typedef struct dir_db {
    const n2d2_params *params;
    const char *type;    /* the Type= name, for messages */
    n2d2_tensor **cache; /* LoadInMemory: one decoded image per key */
    size_t n_cache;
    size_t n_keys;       /* stimuli added so far (their keys) */
} dir_db;

n2d2_status dir_db_new(const n2d2_params *params, const char *type, void **state);
void dir_db_destroy(void *state);
n2d2_status dir_db_read(void *state, const n2d2_database *db, size_t index, n2d2_tensor **data,
                        n2d2_tensor **labels);

/* DataPath (or another key) with "$N2D2_DATA" expanded and without
 * trailing slashes. */
void dir_db_path(const dir_db *d, const char *key, char *out, size_t size);

/* Add the labels of `w` and sort all labels case-insensitively (manual
 * lines 5341-5364). */
n2d2_status dir_db_add_labels(n2d2_database *db, const dir_walk_result *w);

/* Add the files of `w` to `db`: partitioned with `part` when non-NULL,
 * otherwise all into `set`. */
n2d2_status dir_db_add_files(dir_db *d, n2d2_database *db, const dir_walk_result *w,
                             const n2d2_dbpart *part, n2d2_set set, n2d2_rng *rng,
                             const char *root);

/* Decode every stimulus once (LoadInMemory=1). */
n2d2_status dir_db_fill_cache(dir_db *d, const n2d2_database *db);

/* Scan with a wrapped error located at `key` of the driver's section. */
n2d2_status dir_db_walk(const dir_db *d, const char *key, const char *root,
                        const dir_walk_opts *o, dir_walk_result *w);

/* The derived drivers (dir_derived.c). */
n2d2_status dir_derived_register(n2d2_registry *reg);

/* ILSVRC2012_Database (dir_ilsvrc.c), registered by dir_derived.c. */
extern const n2d2_param_spec dir_ilsvrc_params[];
extern const size_t dir_ilsvrc_n_params;
n2d2_status dir_ilsvrc_create(const n2d2_params *params, void **state);
n2d2_status dir_ilsvrc_load(void *state, n2d2_database *db, n2d2_rng *rng);

#endif
