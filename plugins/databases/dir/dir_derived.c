/* Datasets stored as directory trees (manual 19.3, 19.6): GTSRB_DIR_Database
 * and Caltech101/256_DIR_Database, built on the DIR_Database scan; the
 * registration of ILSVRC2012_Database (dir_ilsvrc.c) too. */
#define _POSIX_C_SOURCE 200809L /* strdup, strcasecmp */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "dir_db.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static const n2d2_param_spec gtsrb_params[] = {
    {"Validation", N2D2_PARAM_FLOAT, "0.0", NULL, 0.0, 1.0, N2D2_PARAM_RANGE,
     "fraction of the learning set used for validation"},
    {"DataPath", N2D2_PARAM_STRING, "$N2D2_DATA/GTSRB", NULL, 0, 0, 0,
     "directory holding Final_Training/ and Final_Test/"},
};

#define CALTECH_PARAMS(dir)                                                                    \
    {"Learn", N2D2_PARAM_FLOAT, NULL, NULL, 0.0, 1.0, N2D2_PARAM_RANGE | N2D2_PARAM_REQUIRED,  \
     "fraction of each category for learning (equal count per category: fraction x size "     \
     "of the smallest)"},                                                                      \
    {"Validation", N2D2_PARAM_FLOAT, "0.0", NULL, 0.0, 1.0, N2D2_PARAM_RANGE,                  \
     "fraction of each category for validation; the rest is the test set"},                    \
    {"IncClutter", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0, "include the clutter category"},       \
    {"DataPath", N2D2_PARAM_STRING, "$N2D2_DATA/" dir, NULL, 0, 0, 0,                          \
     "directory of the category folders"}

static const n2d2_param_spec caltech101_params[] = {CALTECH_PARAMS("101_ObjectCategories")};
static const n2d2_param_spec caltech256_params[] = {CALTECH_PARAMS("256_ObjectCategories")};

/* ---- Caltech 101 / 256 ---- */

static n2d2_status caltech_load(dir_db *d, n2d2_database *db, n2d2_rng *rng, const char *clutter)
{
    char root[4096], mask[4200];
    dir_db_path(d, "DataPath", root, sizeof root);
    snprintf(mask, sizeof mask, "*/%s", clutter);
    int inc = n2d2_params_bool(d->params, "IncClutter");
    dir_walk_opts o = {1, 1, "", "jpg jpeg png", inc ? "" : mask};
    dir_walk_result w;
    n2d2_status st = dir_db_walk(d, "DataPath", root, &o, &w);
    if (st != N2D2_OK)
        return st;
    n2d2_dbpart part = {n2d2_params_float(d->params, "Learn"),
                        n2d2_params_float(d->params, "Validation"), 0.0, 0, 1, 1};
    st = dir_db_add_labels(db, &w);
    if (st == N2D2_OK)
        st = dir_db_add_files(d, db, &w, &part, N2D2_SET_UNPARTITIONED, rng, root);
    dir_walk_free(&w);
    return st;
}

static n2d2_status caltech101_create(const n2d2_params *params, void **state)
{
    return dir_db_new(params, "Caltech101_DIR_Database", state);
}

static n2d2_status caltech256_create(const n2d2_params *params, void **state)
{
    return dir_db_new(params, "Caltech256_DIR_Database", state);
}

static n2d2_status caltech101_load(void *state, n2d2_database *db, n2d2_rng *rng)
{
    return caltech_load(state, db, rng, "BACKGROUND_Google");
}

static n2d2_status caltech256_load(void *state, n2d2_database *db, n2d2_rng *rng)
{
    return caltech_load(state, db, rng, "257.clutter");
}

/* ---- GTSRB ---- */

typedef struct gt_entry {
    char *file;
    int class_id;
    size_t line;
} gt_entry;

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const gt_entry *)a)->file, ((const gt_entry *)b)->file);
}

static void free_gt(gt_entry *e, size_t n)
{
    for (size_t i = 0; i < n; ++i)
        free(e[i].file);
    free(e);
}

/* Index of the ';'-separated field `name` in the header line, or -1. */
static int header_index(const char *header, const char *name)
{
    int k = 0;
    for (const char *p = header;; ++k) {
        size_t n = strcspn(p, ";\r\n");
        if (n == strlen(name) && strncmp(p, name, n) == 0)
            return k;
        if (p[n] != ';')
            return -1;
        p += n + 1;
    }
}

/* GT-final_test.csv: "Filename;Width;Height;Roi.X1;...;ClassId" rows,
 * sorted by file name. */
static n2d2_status read_gt(const char *path, gt_entry **out, size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return n2d2_error(N2D2_ERR_NOT_FOUND, "%s: %s", path, strerror(errno));
    char line[1024];
    int file_col = -1, class_col = -1;
    if (fgets(line, sizeof line, f)) {
        file_col = header_index(line, "Filename");
        class_col = header_index(line, "ClassId");
    }
    n2d2_status st = file_col < 0 || class_col < 0
                         ? n2d2_error(N2D2_ERR_PARSE, "%s:1: expected a header line with "
                                      "Filename and ClassId fields", path)
                         : N2D2_OK;
    gt_entry *e = NULL;
    size_t n = 0, cap = 0, lineno = 1;
    while (st == N2D2_OK && fgets(line, sizeof line, f)) {
        ++lineno;
        if (strspn(line, " \r\n") == strlen(line))
            continue;
        char *fields[16];
        int nf = 0;
        for (char *p = line; nf < 16; ++nf) {
            fields[nf] = p;
            size_t k = strcspn(p, ";\r\n");
            int more = p[k] == ';';
            p[k] = '\0';
            p += k + 1;
            if (!more) {
                ++nf;
                break;
            }
        }
        char *end;
        long id = nf > class_col ? strtol(fields[class_col], &end, 10) : -1;
        if (nf <= file_col || nf <= class_col || !*fields[file_col] || *end || id < 0 ||
            id > 99999) {
            st = n2d2_error(N2D2_ERR_PARSE, "%s:%zu: expected a file name and a ClassId", path,
                            lineno);
            break;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 1024;
            gt_entry *g = realloc(e, cap * sizeof *e);
            if (!g) {
                st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
                break;
            }
            e = g;
        }
        e[n].file = strdup(fields[file_col]);
        e[n].class_id = (int)id;
        e[n].line = lineno;
        if (!e[n++].file)
            st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    }
    fclose(f);
    if (st != N2D2_OK) {
        free_gt(e, n);
        return st;
    }
    if (n)
        qsort(e, n, sizeof *e, cmp_entry);
    *out = e;
    *n_out = n;
    return N2D2_OK;
}

static int is_file(const char *path)
{
    struct stat info;
    return stat(path, &info) == 0 && S_ISREG(info.st_mode);
}

/* Label the test images from the ground-truth file. */
static n2d2_status label_test(dir_db *d, n2d2_database *db, dir_walk_result *w,
                              const char *root, int **ids)
{
    char gt[4200];
    snprintf(gt, sizeof gt, "%s/Final_Test/Images/GT-final_test.csv", root);
    if (!is_file(gt))
        snprintf(gt, sizeof gt, "%s/GT-final_test.csv", root);
    if (!is_file(gt))
        return n2d2_params_error(d->params, "DataPath", N2D2_ERR_NOT_FOUND,
                                 "GTSRB_DIR_Database: no test labels: neither "
                                 "%s/Final_Test/Images/GT-final_test.csv nor %s exists (it comes "
                                 "in GTSRB_Final_Test_GT.zip)", root, gt);
    gt_entry *e;
    size_t n;
    n2d2_status st = read_gt(gt, &e, &n);
    if (st != N2D2_OK)
        return st;
    *ids = malloc((w->n_files ? w->n_files : 1) * sizeof **ids);
    if (!*ids)
        st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < w->n_files && st == N2D2_OK; ++i) {
        const char *base = strrchr(w->files[i].path, '/');
        gt_entry key = {(char *)(base ? base + 1 : w->files[i].path), 0, 0};
        const gt_entry *hit = n ? bsearch(&key, e, n, sizeof *e, cmp_entry) : NULL;
        char name[16];
        if (hit)
            snprintf(name, sizeof name, "%05d", hit->class_id);
        if (!hit)
            st = n2d2_error(N2D2_ERR_NOT_FOUND, "%s: no ground truth for test image %s", gt,
                            w->files[i].path);
        else if (((*ids)[i] = n2d2_database_label_id(db, name)) < 0)
            st = n2d2_error(N2D2_ERR_PARSE, "%s:%zu: ClassId %d has no Final_Training folder %s",
                            gt, hit->line, hit->class_id, name);
    }
    free_gt(e, n);
    return st;
}

static n2d2_status gtsrb_create(const n2d2_params *params, void **state)
{
    return dir_db_new(params, "GTSRB_DIR_Database", state);
}

static n2d2_status gtsrb_load(void *state, n2d2_database *db, n2d2_rng *rng)
{
    dir_db *d = state;
    char root[4096], learn_dir[4200], test_dir[4200];
    dir_db_path(d, "DataPath", root, sizeof root);
    snprintf(learn_dir, sizeof learn_dir, "%s/Final_Training/Images", root);
    snprintf(test_dir, sizeof test_dir, "%s/Final_Test/Images", root);
    dir_walk_opts learn_o = {1, 1, "", "ppm", ""}, test_o = {0, -1, "", "ppm", ""};
    dir_walk_result lw, tw;
    n2d2_status st = dir_db_walk(d, "DataPath", learn_dir, &learn_o, &lw);
    if (st != N2D2_OK)
        return st;
    st = dir_db_add_labels(db, &lw);
    if (st == N2D2_OK)
        st = dir_db_add_files(d, db, &lw, NULL, N2D2_SET_LEARN, NULL, learn_dir);
    dir_walk_free(&lw);
    if (st == N2D2_OK)
        st = dir_db_walk(d, "DataPath", test_dir, &test_o, &tw);
    if (st != N2D2_OK)
        return st;
    int *ids = NULL;
    st = label_test(d, db, &tw, root, &ids);
    for (size_t i = 0; i < tw.n_files && st == N2D2_OK; ++i)
        st = n2d2_database_add_stimulus(db, tw.files[i].path, ids[i], N2D2_SET_TEST, d->n_keys++,
                                        NULL);
    free(ids);
    dir_walk_free(&tw);
    if (st != N2D2_OK)
        return st;
    size_t n_learn = n2d2_database_set_count(db, N2D2_SET_LEARN);
    double fraction = n2d2_params_float(d->params, "Validation");
    return n2d2_database_move(db, N2D2_SET_LEARN, N2D2_SET_VALIDATION,
                              (size_t)llround(fraction * (double)n_learn), rng);
}

static const n2d2_database_ops gtsrb_ops = {
    sizeof(n2d2_database_ops), gtsrb_create, gtsrb_load, dir_db_read, dir_db_destroy, {0}};
static const n2d2_database_ops caltech101_ops = {
    sizeof(n2d2_database_ops), caltech101_create, caltech101_load, dir_db_read, dir_db_destroy,
    {0}};
static const n2d2_database_ops ilsvrc_ops = {
    sizeof(n2d2_database_ops), dir_ilsvrc_create, dir_ilsvrc_load, dir_db_read, dir_db_destroy,
    {0}};
static const n2d2_database_ops caltech256_ops = {
    sizeof(n2d2_database_ops), caltech256_create, caltech256_load, dir_db_read, dir_db_destroy,
    {0}};

n2d2_status dir_derived_register(n2d2_registry *reg)
{
    const n2d2_feature features[] = {
        {sizeof(n2d2_feature), N2D2_KIND_DATABASE, "GTSRB_DIR_Database", NULL,
         "German Traffic Sign Recognition Benchmark (Final_Training / Final_Test PPM images)",
         gtsrb_params, COUNT_OF(gtsrb_params), &gtsrb_ops, 0, {0}},
        {sizeof(n2d2_feature), N2D2_KIND_DATABASE, "Caltech101_DIR_Database", NULL,
         "Caltech 101 object categories (one folder per category)", caltech101_params,
         COUNT_OF(caltech101_params), &caltech101_ops, 0, {0}},
        {sizeof(n2d2_feature), N2D2_KIND_DATABASE, "Caltech256_DIR_Database", NULL,
         "Caltech 256 object categories (one folder per category)", caltech256_params,
         COUNT_OF(caltech256_params), &caltech256_ops, 0, {0}},
        {sizeof(n2d2_feature), N2D2_KIND_DATABASE, "ILSVRC2012_Database", NULL,
         "ImageNet 2012 (train/<wnid>/, val/<wnid>/, synset list)", dir_ilsvrc_params,
         dir_ilsvrc_n_params, &ilsvrc_ops, 0, {0}},
    };
    n2d2_status st = N2D2_OK;
    for (size_t i = 0; i < COUNT_OF(features) && st == N2D2_OK; ++i)
        st = n2d2_registry_add(reg, &features[i]);
    return st;
}
