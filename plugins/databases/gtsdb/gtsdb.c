/* GTSDB_DIR_Database (manual 19.6.12): the German Traffic Sign Detection
 * Benchmark as distributed (FullIJCNN2013/): images 00000.ppm ... in
 * DataPath and DataPath/gt.txt, one line per sign:
 *
 *     00000.ppm;774;411;815;446;11
 *
 * (file; left; top; right; bottom column/row, inclusive; class id). Every
 * image is a stimulus with label -1 (so CompositeLabel=Auto makes it
 * composite: DefaultLabel outside the signs) and one rectangular ROI per
 * sign, labelled by its class id in decimal ("11"). Only the classes that
 * occur are labels, in numeric order. The images are partitioned at
 * random: Learn x count for learning, Validation x count for validation
 * (rounded to nearest), the rest for test. Sub-directories (the per-class
 * crops) are not read. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "image_io.h"
#include "n2d2/n2d2.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_CLASS 100000

static const n2d2_param_spec gtsdb_params[] = {
    {"DataPath", N2D2_PARAM_STRING, "$N2D2_DATA/FullIJCNN2013", NULL, 0, 0, 0,
     "folder with the .ppm images and gt.txt"},
    {"Learn", N2D2_PARAM_FLOAT, NULL, NULL, 0.0, 1.0, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "fraction of the images for learning"},
    {"Validation", N2D2_PARAM_FLOAT, "0.0", NULL, 0.0, 1.0, N2D2_PARAM_RANGE,
     "fraction of the images for validation"},
};

typedef struct gtsdb {
    const n2d2_params *params;
    char root[4096];
    char **files; /* image names, sorted */
    size_t n_files;
} gtsdb;

static void gtsdb_destroy(void *state)
{
    gtsdb *g = state;
    if (!g)
        return;
    for (size_t i = 0; i < g->n_files; ++i)
        free(g->files[i]);
    free(g->files);
    free(g);
}

/* DataPath with a leading $N2D2_DATA expanded (tool-flow checklist §0). */
static void data_path(const n2d2_params *p, char *out, size_t size)
{
    static const char var[] = "$N2D2_DATA";
    const char *v = n2d2_params_string(p, "DataPath");
    if (strncmp(v, var, sizeof var - 1) == 0) {
        const char *env = getenv("N2D2_DATA"), *user = getenv("USER");
        if (env && *env)
            snprintf(out, size, "%s%s", env, v + sizeof var - 1);
        else if (user && *user)
            snprintf(out, size, "/local/%s/n2d2_data%s", user, v + sizeof var - 1);
        else
            snprintf(out, size, "/local/n2d2_data%s", v + sizeof var - 1);
    } else {
        snprintf(out, size, "%s", v);
    }
    size_t n = strlen(out);
    while (n > 1 && out[n - 1] == '/')
        out[--n] = '\0';
}

static n2d2_status gtsdb_create(const n2d2_params *params, void **state)
{
    gtsdb *g = calloc(1, sizeof *g);
    if (!g)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    g->params = params;
    data_path(params, g->root, sizeof g->root);
    if (n2d2_params_float(params, "Learn") + n2d2_params_float(params, "Validation") > 1.0 + 1e-9) {
        free(g);
        return n2d2_params_error(params, "Validation", N2D2_ERR_RANGE,
                                 "GTSDB_DIR_Database: Learn + Validation = %g exceeds 1",
                                 n2d2_params_float(params, "Learn") +
                                     n2d2_params_float(params, "Validation"));
    }
    *state = g;
    return N2D2_OK;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_ppm_ext(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && strcmp(name + n - 4, ".ppm") == 0;
}

/* The .ppm files directly in the root, sorted. */
static n2d2_status list_images(gtsdb *g)
{
    DIR *d = opendir(g->root);
    if (!d)
        return n2d2_params_error(g->params, "DataPath", errno == ENOENT ? N2D2_ERR_NOT_FOUND
                                                                        : N2D2_ERR_IO,
                                 "GTSDB_DIR_Database: cannot open '%s': %s", g->root,
                                 strerror(errno));
    size_t cap = 0;
    n2d2_status st = N2D2_OK;
    struct dirent *e;
    while (st == N2D2_OK && (e = readdir(d)) != NULL) {
        if (!has_ppm_ext(e->d_name))
            continue;
        char path[8192];
        struct stat sb;
        snprintf(path, sizeof path, "%s/%s", g->root, e->d_name);
        if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
            continue;
        if (g->n_files == cap) {
            cap = cap ? cap * 2 : 64;
            char **p = realloc(g->files, cap * sizeof *p);
            if (!p) {
                st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
                break;
            }
            g->files = p;
        }
        if (!(g->files[g->n_files] = strdup(e->d_name)))
            st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        else
            g->n_files++;
    }
    closedir(d);
    if (st == N2D2_OK && g->n_files == 0)
        st = n2d2_params_error(g->params, "DataPath", N2D2_ERR_NOT_FOUND,
                               "GTSDB_DIR_Database: no .ppm image in '%s'", g->root);
    if (st == N2D2_OK)
        qsort(g->files, g->n_files, sizeof *g->files, cmp_str);
    return st;
}

static long find_file(const gtsdb *g, const char *name)
{
    size_t lo = 0, hi = g->n_files;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(g->files[mid], name);
        if (c == 0)
            return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

typedef struct sign {
    size_t file;
    long box[4];
    long cls;
} sign;

/* One gt.txt line into *s; errors name path:line. */
static n2d2_status parse_line(const gtsdb *g, char *line, const char *path, size_t lineno,
                              sign *s)
{
    char *fields[7];
    size_t n = 0;
    for (char *p = line; n < 7;) {
        fields[n++] = p;
        char *semi = strchr(p, ';');
        if (!semi)
            break;
        *semi = '\0';
        p = semi + 1;
    }
    if (n != 6)
        return n2d2_error_at(N2D2_ERR_PARSE, path, (int)lineno,
                             "expected 6 fields 'image;left;top;right;bottom;class', got %zu", n);
    long f = find_file(g, fields[0]);
    if (f < 0)
        return n2d2_error_at(N2D2_ERR_PARSE, path, (int)lineno,
                             "image '%s' is not in %s", fields[0], g->root);
    s->file = (size_t)f;
    long v[5];
    for (int k = 0; k < 5; ++k) {
        char *end;
        errno = 0;
        v[k] = strtol(fields[k + 1], &end, 10);
        if (end == fields[k + 1] || *end != '\0' || errno || v[k] < 0)
            return n2d2_error_at(N2D2_ERR_PARSE, path, (int)lineno,
                                 "field %d '%s' is not a non-negative integer", k + 2,
                                 fields[k + 1]);
    }
    if (v[2] < v[0] || v[3] < v[1])
        return n2d2_error_at(N2D2_ERR_PARSE, path, (int)lineno,
                             "the box (%ld, %ld)-(%ld, %ld) has right < left or bottom < top",
                             v[0], v[1], v[2], v[3]);
    if (v[4] > MAX_CLASS)
        return n2d2_error_at(N2D2_ERR_PARSE, path, (int)lineno, "class %ld is too large", v[4]);
    memcpy(s->box, v, sizeof s->box);
    s->cls = v[4];
    return N2D2_OK;
}

static n2d2_status read_gt(const gtsdb *g, sign **out, size_t *n_out)
{
    char path[8192];
    snprintf(path, sizeof path, "%s/gt.txt", g->root);
    FILE *f = fopen(path, "r");
    if (!f)
        return n2d2_error(errno == ENOENT ? N2D2_ERR_NOT_FOUND : N2D2_ERR_IO,
                          "GTSDB_DIR_Database: cannot open the annotations '%s': %s", path,
                          strerror(errno));
    sign *signs = NULL;
    size_t n = 0, cap = 0, lineno = 0;
    char *line = NULL;
    size_t line_cap = 0;
    ssize_t len;
    n2d2_status st = N2D2_OK;
    while (st == N2D2_OK && (len = getline(&line, &line_cap, f)) >= 0) {
        ++lineno;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            sign *p = realloc(signs, cap * sizeof *p);
            if (!p) {
                st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
                break;
            }
            signs = p;
        }
        st = parse_line(g, line, path, lineno, &signs[n]);
        if (st == N2D2_OK)
            ++n;
    }
    free(line);
    fclose(f);
    if (st != N2D2_OK) {
        free(signs);
        return st;
    }
    *out = signs;
    *n_out = n;
    return N2D2_OK;
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

static n2d2_status add_labels(n2d2_database *db, const sign *s, size_t n)
{
    long *cls = malloc((n ? n : 1) * sizeof *cls);
    if (!cls)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; ++i)
        cls[i] = s[i].cls;
    qsort(cls, n, sizeof *cls, cmp_long);
    n2d2_status st = N2D2_OK;
    for (size_t i = 0; i < n && st == N2D2_OK; ++i) {
        char name[32];
        snprintf(name, sizeof name, "%ld", cls[i]);
        st = n2d2_database_add_label(db, name, NULL);
    }
    free(cls);
    return st;
}

static n2d2_status gtsdb_load(void *state, n2d2_database *db, n2d2_rng *rng)
{
    gtsdb *g = state;
    n2d2_status st = list_images(g);
    sign *signs = NULL;
    size_t n_signs = 0;
    if (st == N2D2_OK)
        st = read_gt(g, &signs, &n_signs);
    if (st == N2D2_OK)
        st = add_labels(db, signs, n_signs);
    size_t first = n2d2_database_stimulus_count(db);
    for (size_t i = 0; i < g->n_files && st == N2D2_OK; ++i) {
        char name[8192];
        snprintf(name, sizeof name, "%s/%s", g->root, g->files[i]);
        st = n2d2_database_add_stimulus(db, name, -1, N2D2_SET_UNPARTITIONED, i, NULL);
    }
    for (size_t i = 0; i < n_signs && st == N2D2_OK; ++i) {
        char name[32];
        snprintf(name, sizeof name, "%ld", signs[i].cls);
        const long *b = signs[i].box;
        st = n2d2_database_add_roi_rect(db, first + signs[i].file, n2d2_database_label_id(db, name),
                                        (double)b[0], (double)b[1], (double)b[2] + 1,
                                        (double)b[3] + 1);
    }
    free(signs);
    if (st != N2D2_OK)
        return st;
    size_t n = g->n_files;
    size_t learn = (size_t)llround(n2d2_params_float(g->params, "Learn") * (double)n);
    size_t valid = (size_t)llround(n2d2_params_float(g->params, "Validation") * (double)n);
    if (learn + valid > n)
        valid = n - learn;
    st = n2d2_database_move(db, N2D2_SET_UNPARTITIONED, N2D2_SET_LEARN, learn, rng);
    if (st == N2D2_OK)
        st = n2d2_database_move(db, N2D2_SET_UNPARTITIONED, N2D2_SET_VALIDATION, valid, rng);
    if (st == N2D2_OK)
        st = n2d2_database_move(db, N2D2_SET_UNPARTITIONED, N2D2_SET_TEST,
                                n2d2_database_set_count(db, N2D2_SET_UNPARTITIONED), NULL);
    return st;
}

static n2d2_status gtsdb_read(void *state, const n2d2_database *db, size_t index,
                              n2d2_tensor **data, n2d2_tensor **labels)
{
    const gtsdb *g = state;
    if (labels)
        *labels = NULL; /* no pixel-wise label files: the ROIs are in the catalogue */
    uint64_t key = n2d2_database_stimulus_key(db, index);
    if (key >= g->n_files)
        return n2d2_error(N2D2_ERR_RANGE, "GTSDB_DIR_Database: no stimulus %zu", index);
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", g->root, g->files[key]);
    return n2d2_dbimg_read(path, data);
}

static const n2d2_database_ops gtsdb_ops = {sizeof(n2d2_database_ops), gtsdb_create, gtsdb_load,
                                            gtsdb_read, gtsdb_destroy, {0}};

static n2d2_status register_features(n2d2_registry *reg)
{
    const n2d2_feature f = {sizeof(n2d2_feature), N2D2_KIND_DATABASE, "GTSDB_DIR_Database", NULL,
                            "German traffic-sign detection: images with sign ROIs (gt.txt)",
                            gtsdb_params, COUNT_OF(gtsdb_params), &gtsdb_ops, 0, {0}};
    return n2d2_registry_add(reg, &f);
}

N2D2_PLUGIN_DEFINE(db_gtsdb, "1.0.0", "CECILL-C", "GTSDB_DIR_Database: traffic-sign detection",
                   register_features, NULL)
