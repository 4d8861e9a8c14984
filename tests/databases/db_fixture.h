/* Shared by the database driver suites: a temporary directory, small file
 * writers, and opening a [database] section with a statically preloaded
 * driver (no dlopen). Built with _GNU_SOURCE for mkdtemp and nftw. */
#ifndef N2D2_TEST_DB_FIXTURE_H
#define N2D2_TEST_DB_FIXTURE_H

#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "n2d2/n2d2.h"

static inline char *dbf_tempdir(const char *tag)
{
    const char *root = getenv("N2D2_TEST_BINARY_DIR");
    char *path = malloc(4096);
    ck_assert_ptr_nonnull(path);
    snprintf(path, 4096, "%s/%s-XXXXXX", root && *root ? root : "/tmp", tag);
    ck_assert_msg(mkdtemp(path) != NULL, "mkdtemp %s failed", path);
    return path;
}

static inline int dbf_remove_one(const char *path, const struct stat *st, int flag,
                                 struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static inline void dbf_rmtree(char *dir)
{
    nftw(dir, dbf_remove_one, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
}

static inline void dbf_mkdir(const char *dir, const char *sub)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, sub);
    ck_assert_msg(mkdir(path, 0755) == 0, "mkdir %s failed", path);
}

static inline void dbf_write(const char *path, const void *bytes, size_t n)
{
    FILE *f = fopen(path, "wb");
    ck_assert_msg(f != NULL, "cannot write %s", path);
    ck_assert_uint_eq(fwrite(bytes, 1, n, f), n);
    fclose(f);
}

static inline void dbf_write_text(const char *path, const char *text)
{
    dbf_write(path, text, strlen(text));
}

typedef struct dbf_handle {
    n2d2_ini *ini;
    n2d2_params *params;
    const n2d2_database_ops *ops;
    void *state;
    n2d2_database *db;
} dbf_handle;

/* Load "[database]\nType=<type>\n<keys>" with the registered driver;
 * random: partition with a stream seeded from `seed`, else in order. */
static inline n2d2_status dbf_open(n2d2_registry *reg, dbf_handle *h, const char *type,
                                   const char *keys, uint64_t seed, int random)
{
    memset(h, 0, sizeof *h);
    char text[16384];
    snprintf(text, sizeof text, "[database]\nType=%s\n%s", type, keys);
    ck_assert_int_eq(n2d2_ini_load_string(text, strlen(text), "db.ini", &h->ini), N2D2_OK);
    const n2d2_feature *f = n2d2_registry_find(reg, N2D2_KIND_DATABASE, type, NULL);
    ck_assert_ptr_nonnull(f);
    h->ops = f->ops;
    n2d2_ini_section *sec = n2d2_ini_find(h->ini, "database");
    n2d2_status st =
        n2d2_params_from_ini(h->ini, &sec, 1, NULL, 0, f->params, f->n_params, &h->params);
    if (st == N2D2_OK)
        st = h->ops->create(h->params, &h->state);
    if (st == N2D2_OK)
        st = n2d2_database_new(&h->db);
    n2d2_rng rng;
    n2d2_rng_seed(&rng, seed, N2D2_RNG_PARTITION);
    if (st == N2D2_OK)
        st = h->ops->load(h->state, h->db, random ? &rng : NULL);
    return st;
}

static inline void dbf_close(dbf_handle *h)
{
    if (h->state)
        h->ops->destroy(h->state);
    n2d2_database_free(h->db);
    n2d2_params_free(h->params);
    n2d2_ini_free(h->ini);
    memset(h, 0, sizeof *h);
}

/* Stimuli of `set` with label `label`. */
static inline size_t dbf_count(const n2d2_database *db, n2d2_set set, int label)
{
    size_t n = 0;
    for (size_t i = 0; i < n2d2_database_set_count(db, set); ++i)
        n += n2d2_database_stimulus_label(db, n2d2_database_set_at(db, set, i)) == label;
    return n;
}

static inline void dbf_assert_error(n2d2_status st, n2d2_status want, const char *needle)
{
    ck_assert_msg(st == want, "status %d, expected %d (%s)", (int)st, (int)want,
                  n2d2_error_message());
    ck_assert_msg(strstr(n2d2_error_message(), needle) != NULL, "message '%s' lacks '%s'",
                  n2d2_error_message(), needle);
}

/* The learn / validation / test counts of `db`, and the three dimensions
 * of tensor `t`: macros, so that a failure names the test's line. */
#define DBF_CHECK_SETS(db, learn, validation, test)                                 \
    do {                                                                            \
        ck_assert_uint_eq(n2d2_database_set_count(db, N2D2_SET_LEARN), learn);      \
        ck_assert_uint_eq(n2d2_database_set_count(db, N2D2_SET_VALIDATION), validation); \
        ck_assert_uint_eq(n2d2_database_set_count(db, N2D2_SET_TEST), test);        \
    } while (0)
#define DBF_CHECK_DIMS3(t, d0, d1, d2)                                              \
    do {                                                                            \
        ck_assert_uint_eq(n2d2_tensor_dim(t, 0), d0);                               \
        ck_assert_uint_eq(n2d2_tensor_dim(t, 1), d1);                               \
        ck_assert_uint_eq(n2d2_tensor_dim(t, 2), d2);                               \
    } while (0)

#endif
