/* DOTA_Database (manual 19.6.10; keys as N2D2's generator): the DOTA
 * aerial object dataset as distributed,
 *   <DataPath>/train/images/P0000.png ...  <LabelPath>/train/labelTxt/P0000.txt
 *   <DataPath>/val/images/...              <LabelPath>/val/labelTxt/...
 * A label file starts with "imagesource:..." and "gsd:..." lines, then one
 * object per line: x1 y1 x2 y2 x3 y3 x4 y4 <category> <difficult>.
 * Every image is a stimulus without label; each object a 4-vertex polygon
 * ROI labelled with its category (labels sorted by name). As N2D2: Learn
 * is the fraction of train/ for learning, the rest of train/ is the test
 * set; val/ is the validation set, and with UseValidationForTest=1 (the
 * default) val/ is also added a second time as the test set. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dbmore.h"
#include "image_io.h"
#include "n2d2/n2d2.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define TYPE "DOTA_Database"

static const n2d2_param_spec dota_params[] = {
    {"Learn", N2D2_PARAM_FLOAT, NULL, NULL, 0.0, 1.0, N2D2_PARAM_RANGE | N2D2_PARAM_REQUIRED,
     "fraction of train/ for learning (the rest of train/ is the test set)"},
    {"UseValidationForTest", N2D2_PARAM_BOOL, "1", NULL, 0, 0, 0,
     "also use val/ as the test set"},
    {"DataPath", N2D2_PARAM_STRING, "$N2D2_DATA/DOTA", NULL, 0, 0, 0,
     "directory holding train/images/ and val/images/"},
    {"LabelPath", N2D2_PARAM_STRING, "", NULL, 0, 0, 0,
     "directory holding train/labelTxt/ and val/labelTxt/ (empty: DataPath)"},
};

static const char *const image_exts[] = {"png", "jpg", "jpeg", "tif", "tiff", "bmp"};

typedef struct object {
    double xy[8];
    char *category;
} object;

typedef struct image {
    char *path;
    object *objects;
    size_t n_objects;
} image;

typedef struct dota {
    const n2d2_params *params;
    image *images;
    size_t n, cap;
} dota;

static void free_images(dota *d)
{
    for (size_t i = 0; i < d->n; ++i) {
        for (size_t k = 0; k < d->images[i].n_objects; ++k)
            free(d->images[i].objects[k].category);
        free(d->images[i].objects);
        free(d->images[i].path);
    }
    free(d->images);
    d->images = NULL;
    d->n = d->cap = 0;
}

static int is_image(const char *name)
{
    const char *dot = strrchr(name, '.');
    for (size_t k = 0; dot && k < COUNT_OF(image_exts); ++k)
        if (strcasecmp(dot + 1, image_exts[k]) == 0)
            return 1;
    return 0;
}

/* The objects of label file `path` into `im`. */
static n2d2_status read_labels(const char *path, image *im)
{
    char *text;
    size_t size;
    n2d2_status st = dbm_read_file(path, &text, &size);
    if (st != N2D2_OK)
        return st;
    dbm_lines lines;
    dbm_lines_init(&lines, text, size);
    char *line;
    size_t cap = 0;
    while (st == N2D2_OK && (line = dbm_lines_next(&lines)) != NULL) {
        line = dbm_trim(line);
        if (lines.line_no <= 2) {
            const char *want = lines.line_no == 1 ? "imagesource:" : "gsd:";
            if (strncmp(line, want, strlen(want)) != 0)
                st = n2d2_error(N2D2_ERR_PARSE, "%s:%zu: the line should start with \"%s\"",
                                path, lines.line_no, want);
            continue;
        }
        if (!*line)
            continue;
        object o;
        char category[256], extra[2];
        int difficult, used = 0;
        int got = sscanf(line, "%lf %lf %lf %lf %lf %lf %lf %lf %255s %d %n%1s", &o.xy[0], &o.xy[1],
                         &o.xy[2], &o.xy[3], &o.xy[4], &o.xy[5], &o.xy[6], &o.xy[7], category,
                         &difficult, &used, extra);
        int finite = 1;
        for (int k = 0; k < 8 && got >= 8; ++k)
            finite = finite && isfinite(o.xy[k]) && o.xy[k] >= 0.0;
        if (got != 10 || !finite || (difficult != 0 && difficult != 1)) {
            st = n2d2_error(N2D2_ERR_PARSE, "%s:%zu: expected 'x1 y1 x2 y2 x3 y3 x4 y4 "
                            "<category> <difficult 0|1>' with non-negative coordinates",
                            path, lines.line_no);
            break;
        }
        if (im->n_objects == cap) {
            size_t ncap = cap ? 2 * cap : 8;
            object *grown = realloc(im->objects, ncap * sizeof *grown);
            if (!grown) {
                st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
                break;
            }
            im->objects = grown;
            cap = ncap;
        }
        if ((o.category = strdup(category)) == NULL) {
            st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
            break;
        }
        im->objects[im->n_objects++] = o;
    }
    if (st == N2D2_OK && lines.line_no < 2)
        st = n2d2_error(N2D2_ERR_PARSE, "%s:%zu: missing the \"imagesource:\" and \"gsd:\" "
                        "lines", path, lines.line_no + 1);
    free(text);
    return st;
}

/* Images of <DataPath>/<split>/images with their label files, appended to
 * d->images; *first receives the index of the first one. */
static n2d2_status load_split(dota *d, const char *split, size_t *first)
{
    char data[4096], labels[4096], dir[4300], path[8800];
    dbm_path(d->params, "DataPath", data, sizeof data);
    if (n2d2_params_string(d->params, "LabelPath")[0])
        dbm_path(d->params, "LabelPath", labels, sizeof labels);
    else
        snprintf(labels, sizeof labels, "%s", data);
    snprintf(dir, sizeof dir, "%s/%s/images", data, split);
    char **files;
    size_t n;
    n2d2_status st = dbm_list(dir, 'f', NULL, &files, &n);
    if (st != N2D2_OK) {
        char msg[4600];
        snprintf(msg, sizeof msg, "%s", n2d2_error_message());
        return dbm_path_error(d->params, "DataPath", st, TYPE, "%s", msg);
    }
    *first = d->n;
    size_t added = 0;
    for (size_t i = 0; i < n && st == N2D2_OK; ++i) {
        if (!is_image(files[i]))
            continue;
        if (d->n == d->cap) {
            size_t cap = d->cap ? 2 * d->cap : 64;
            image *grown = realloc(d->images, cap * sizeof *grown);
            if (!grown) {
                st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
                break;
            }
            d->images = grown;
            d->cap = cap;
        }
        image *im = &d->images[d->n++];
        memset(im, 0, sizeof *im);
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        if ((im->path = strdup(path)) == NULL) {
            st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
            break;
        }
        const char *dot = strrchr(files[i], '.');
        snprintf(path, sizeof path, "%s/%s/labelTxt/%.*s.txt", labels, split,
                 (int)(dot - files[i]), files[i]);
        st = read_labels(path, im);
        if (st == N2D2_ERR_NOT_FOUND) {
            char msg[9000];
            snprintf(msg, sizeof msg, "%s", n2d2_error_message());
            st = n2d2_error(N2D2_ERR_NOT_FOUND, TYPE ": label file of %s missing: %s",
                            im->path, msg);
        }
        ++added;
    }
    if (st == N2D2_OK && added == 0)
        st = dbm_path_error(d->params, "DataPath", N2D2_ERR_NOT_FOUND, TYPE,
                            "no image in %s", dir);
    dbm_list_free(files, n);
    return st;
}

/* Stimuli first..last of d->images into `sets` (NULL: all into `set`). */
static n2d2_status add_range(dota *d, n2d2_database *db, size_t first, size_t last,
                             const n2d2_set *sets, n2d2_set set)
{
    n2d2_status st = N2D2_OK;
    for (size_t i = first; i < last && st == N2D2_OK; ++i) {
        const image *im = &d->images[i];
        size_t index;
        st = n2d2_database_add_stimulus(db, im->path, -1, sets ? sets[i - first] : set, i,
                                        &index);
        for (size_t k = 0; k < im->n_objects && st == N2D2_OK; ++k) {
            int label;
            st = n2d2_database_add_label(db, im->objects[k].category, &label);
            if (st == N2D2_OK)
                st = n2d2_database_add_roi_polygon(db, index, label, im->objects[k].xy, 4);
        }
    }
    return st;
}

static n2d2_status dota_load(void *state, n2d2_database *db, n2d2_rng *rng)
{
    dota *d = state;
    size_t train, val;
    n2d2_status st = load_split(d, "train", &train);
    if (st == N2D2_OK)
        st = load_split(d, "val", &val);
    if (st != N2D2_OK)
        return st;
    size_t n_train = val - train;
    int *labels = malloc(n_train * sizeof *labels);
    n2d2_set *sets = malloc(n_train * sizeof *sets);
    if (!labels || !sets)
        st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n_train && st == N2D2_OK; ++i)
        labels[i] = -1;
    if (st == N2D2_OK)
        st = dbm_partition(d->params, db, labels, n_train, n2d2_params_float(d->params, "Learn"),
                           0.0, -1.0, 0, 0, rng, TYPE " train/", sets);
    if (st == N2D2_OK)
        st = add_range(d, db, train, val, sets, N2D2_SET_LEARN);
    if (st == N2D2_OK)
        st = add_range(d, db, val, d->n, NULL, N2D2_SET_VALIDATION);
    if (st == N2D2_OK && n2d2_params_bool(d->params, "UseValidationForTest"))
        st = add_range(d, db, val, d->n, NULL, N2D2_SET_TEST);
    if (st == N2D2_OK)
        st = n2d2_database_sort_labels(db, NULL);
    free(labels);
    free(sets);
    return st;
}

static n2d2_status dota_read(void *state, const n2d2_database *db, size_t index,
                             n2d2_tensor **data, n2d2_tensor **labels)
{
    (void)state;
    return n2d2_dbimg_read_stimulus(db, index, TYPE, data, labels);
}

DBM_DEFINE_CREATE(dota_create, dota)

static void dota_destroy(void *state)
{
    free_images(state);
    free(state);
}

static const n2d2_database_ops dota_ops = {
    sizeof(n2d2_database_ops), dota_create, dota_load, dota_read, dota_destroy, {0}};

static n2d2_status register_features(n2d2_registry *reg)
{
    const n2d2_feature f = {
        sizeof(n2d2_feature), N2D2_KIND_DATABASE, TYPE, NULL,
        "DOTA aerial images with oriented object polygons as ROIs", dota_params,
        COUNT_OF(dota_params), &dota_ops, 0, {0}};
    return n2d2_registry_add(reg, &f);
}

N2D2_PLUGIN_DEFINE(db_dota, "1.0.0", "CECILL-C", "DOTA database driver", register_features, NULL)
