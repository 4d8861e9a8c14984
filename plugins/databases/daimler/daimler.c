/* Daimler_Database (manual 19.6.9): the Daimler monocular pedestrian
 * detection benchmark (DaimlerBenchmark/Data).
 *
 * Fully=0 (patch mode, N2D2's default): the classification crops of
 * TrainingData/, labelled "Pedestrians" (id 0: Pedestrians/48x96/ and
 * Pedestrians/18x36/) and "NonPedestrians" (id 1: NonPedestrians/), files
 * sorted by name; TestData/ is not used (as N2D2).
 * Fully=1 (fully-convolutional mode): the TestData/ images listed in the
 * ground-truth file LabelPath (GroundTruth2D.db), without stimulus label,
 * each box a rectangular ROI labelled "Pedestrians" (class 0),
 * "Bicyclist" (1), "Motorcyclist" (2) or "Group" (10), in that label
 * order; class 255 (partially visible) boxes are not used. Boxes are
 * clipped to the image size the file states (with a warning).
 * Both modes: Learn, Validation, Test are fractions of all stimuli
 * (rounded to nearest); what is left stays unpartitioned (N2D2's
 * defaults Learn=1, Validation=0, Test=0). DataPath and LabelPath are not
 * in the manual's table (checklist A11): defaults as N2D2's generator. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daimler_gt.h"
#include "dbmore.h"
#include "image_io.h"
#include "n2d2/n2d2.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define TYPE "Daimler_Database"

static const n2d2_param_spec daimler_params[] = {
    {"Learn", N2D2_PARAM_FLOAT, "1.0", NULL, 0.0, 1.0, N2D2_PARAM_RANGE,
     "fraction of the images used for learning"},
    {"Validation", N2D2_PARAM_FLOAT, "0.0", NULL, 0.0, 1.0, N2D2_PARAM_RANGE,
     "fraction of the images used for validation"},
    {"Test", N2D2_PARAM_FLOAT, "0.0", NULL, 0.0, 1.0, N2D2_PARAM_RANGE,
     "fraction of the images used for test"},
    {"Fully", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0,
     "fully-CNN mode: the TestData images with their ground-truth boxes as ROIs"},
    {"DataPath", N2D2_PARAM_STRING, "$N2D2_DATA/Daimler_pedestrian/DaimlerBenchmark/Data", NULL,
     0, 0, 0, "directory holding TrainingData/ and TestData/"},
    {"LabelPath", N2D2_PARAM_STRING,
     "$N2D2_DATA/Daimler_pedestrian/DaimlerBenchmark/Data/GroundTruth2D.db", NULL, 0, 0, 0,
     "ground-truth file of TestData (Fully=1)"},
};

static const char *const patch_dirs[3] = {"Pedestrians/48x96", "Pedestrians/18x36",
                                          "NonPedestrians"};
static const char *const box_labels[4] = {"Pedestrians", "Bicyclist", "Motorcyclist", "Group"};

typedef struct daimler {
    const n2d2_params *params;
    char **paths;
    int *label;
    size_t n, cap;
} daimler;

static n2d2_status push(daimler *d, const char *path, int label)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 256;
        char **p = realloc(d->paths, cap * sizeof *p);
        if (p)
            d->paths = p;
        int *l = realloc(d->label, cap * sizeof *l);
        if (l)
            d->label = l;
        if (!p || !l)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        d->cap = cap;
    }
    size_t len = strlen(path) + 1;
    if ((d->paths[d->n] = malloc(len)) == NULL)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    memcpy(d->paths[d->n], path, len);
    d->label[d->n++] = label;
    return N2D2_OK;
}

static n2d2_status load_patches(daimler *d, n2d2_database *db, const char *root)
{
    n2d2_status st = n2d2_database_add_label(db, "Pedestrians", NULL);
    if (st == N2D2_OK)
        st = n2d2_database_add_label(db, "NonPedestrians", NULL);
    for (size_t k = 0; k < COUNT_OF(patch_dirs) && st == N2D2_OK; ++k) {
        char dir[4300], path[4600];
        snprintf(dir, sizeof dir, "%s/TrainingData/%s", root, patch_dirs[k]);
        char **files;
        size_t n;
        st = dbm_list(dir, 'f', NULL, &files, &n);
        if (st != N2D2_OK) {
            char msg[4600];
            snprintf(msg, sizeof msg, "%s", n2d2_error_message());
            return dbm_path_error(d->params, "DataPath", st, TYPE, "%s", msg);
        }
        if (n == 0)
            st = dbm_path_error(d->params, "DataPath", N2D2_ERR_NOT_FOUND, TYPE,
                                "no image in %s", dir);
        for (size_t i = 0; i < n && st == N2D2_OK; ++i) {
            snprintf(path, sizeof path, "%s/%s", dir, files[i]);
            st = push(d, path, k < 2 ? 0 : 1);
        }
        dbm_list_free(files, n);
    }
    if (st == N2D2_OK)
        n2d2_log_info(TYPE ": patch mode, TrainingData only (TestData is used with Fully=1)");
    return st;
}

static int box_label(int cls)
{
    switch (cls) {
    case 0: return 0;
    case 1: return 1;
    case 2: return 2;
    case 10: return 3;
    default: return -1; /* 255: partially visible, not a label */
    }
}

/* Fully=1: the ground-truth images; their ROIs are added after the
 * stimuli (`gt` is kept until then). */
static n2d2_status load_fully(daimler *d, n2d2_database *db, const char *root, daimler_gt *gt)
{
    char path[4200];
    dbm_path(d->params, "LabelPath", path, sizeof path);
    char *text;
    size_t size;
    n2d2_status st = dbm_read_file(path, &text, &size);
    if (st != N2D2_OK) {
        char msg[4600];
        snprintf(msg, sizeof msg, "%s", n2d2_error_message());
        return dbm_path_error(d->params, "LabelPath", st, TYPE, "%s", msg);
    }
    st = daimler_gt_parse(text, size, path, gt);
    free(text);
    if (st != N2D2_OK)
        return st;
    if (gt->n_images != gt->declared)
        n2d2_log_warn("%s: the header announces %zu images, %zu are listed", path, gt->declared,
                      gt->n_images);
    for (size_t k = 0; k < COUNT_OF(box_labels) && st == N2D2_OK; ++k)
        st = n2d2_database_add_label(db, box_labels[k], NULL);
    char image[8400];
    for (size_t i = 0; i < gt->n_images && st == N2D2_OK; ++i) {
        snprintf(image, sizeof image, "%s/TestData/%s", root, gt->images[i].name);
        st = push(d, image, -1);
    }
    return st;
}

static n2d2_status add_rois(n2d2_database *db, const daimler_gt *gt, const size_t *index)
{
    n2d2_status st = N2D2_OK;
    for (size_t i = 0; i < gt->n_images && st == N2D2_OK; ++i) {
        const daimler_image *im = &gt->images[i];
        for (size_t b = 0; b < im->n_boxes && st == N2D2_OK; ++b) {
            daimler_box box = im->boxes[b];
            int label = box_label(box.cls);
            if (label < 0)
                continue;
            if (box.right > im->width || box.bottom > im->height) {
                n2d2_log_warn(TYPE ": box %zu of %s ends outside the %ux%u image: clipped", b,
                              im->name, im->width, im->height);
                box.right = fmin(box.right, im->width);
                box.bottom = fmin(box.bottom, im->height);
            }
            if (box.left < box.right && box.top < box.bottom)
                st = n2d2_database_add_roi_rect(db, index[i], label, box.left, box.top,
                                                box.right, box.bottom);
        }
    }
    return st;
}

static n2d2_status daimler_load(void *state, n2d2_database *db, n2d2_rng *rng)
{
    daimler *d = state;
    char root[4096];
    dbm_path(d->params, "DataPath", root, sizeof root);
    int fully = n2d2_params_bool(d->params, "Fully");
    daimler_gt gt = {0};
    n2d2_status st = fully ? load_fully(d, db, root, &gt) : load_patches(d, db, root);
    n2d2_set *sets = malloc((d->n ? d->n : 1) * sizeof *sets);
    size_t *index = malloc((d->n ? d->n : 1) * sizeof *index);
    if (st == N2D2_OK && (!sets || !index))
        st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    char what[4200];
    snprintf(what, sizeof what, TYPE " '%s'", root);
    if (st == N2D2_OK)
        st = dbm_partition(d->params, db, d->label, d->n, n2d2_params_float(d->params, "Learn"),
                           n2d2_params_float(d->params, "Validation"),
                           n2d2_params_float(d->params, "Test"), 0, 0, rng, what, sets);
    for (size_t i = 0; i < d->n && st == N2D2_OK; ++i)
        st = n2d2_database_add_stimulus(db, d->paths[i], d->label[i], sets[i], i, &index[i]);
    if (st == N2D2_OK && fully)
        st = add_rois(db, &gt, index);
    daimler_gt_free(&gt);
    free(sets);
    free(index);
    return st;
}

static n2d2_status daimler_read(void *state, const n2d2_database *db, size_t index,
                                n2d2_tensor **data, n2d2_tensor **labels)
{
    (void)state;
    return n2d2_dbimg_read_stimulus(db, index, TYPE, data, labels);
}

DBM_DEFINE_CREATE(daimler_create, daimler)

static void daimler_destroy(void *state)
{
    daimler *d = state;
    for (size_t i = 0; i < d->n; ++i)
        free(d->paths[i]);
    free(d->paths);
    free(d->label);
    free(d);
}

static const n2d2_database_ops daimler_ops = {
    sizeof(n2d2_database_ops), daimler_create, daimler_load, daimler_read, daimler_destroy, {0}};

static n2d2_status register_features(n2d2_registry *reg)
{
    const n2d2_feature f = {
        sizeof(n2d2_feature), N2D2_KIND_DATABASE, TYPE, NULL,
        "Daimler monocular pedestrian benchmark (crops, or test images with ROIs)",
        daimler_params, COUNT_OF(daimler_params), &daimler_ops, 0, {0}};
    return n2d2_registry_add(reg, &f);
}

N2D2_PLUGIN_DEFINE(db_daimler, "1.0.0", "CECILL-C", "Daimler pedestrian database driver",
                   register_features, NULL)
