/* KITTI_Object_Database, KITTI_Database and KITTI_Road_Database (manual
 * 19.6.14-19.6.16): the KITTI object detection, tracking and road
 * benchmarks as distributed.
 *
 * KITTI_Object_Database: <DataPath>/training/image_2/<id>.png with
 * <LabelPath>/training/label_2/<id>.txt, and the unlabelled
 * <DataPath>/testing/image_2/ images as the test set.
 * KITTI_Database (tracking): <DataPath>/<seq>/<frame %06d>.png with
 * <LabelPath>/<seq>.txt (frame-numbered lines); as N2D2, sequence 0020 is
 * the test set and the other sequences the learn/validation pool, and a
 * frame is a stimulus when the label file lists it.
 * Both: every image is a stimulus without label, each object a rectangular
 * ROI labelled with its class (Car, Van, Truck, Pedestrian,
 * Person_sitting, Cyclist, Tram, Misc: ids 0..7); DontCare areas are ROIs
 * with label -1 (ignored).
 * KITTI_Road_Database (manual 19.6.15): <DataPath>/<cat>_<id>.png with the
 * ground truth <LabelPath>/<cat>_road_<id>.png (um_lane_* files are not
 * used) and the unlabelled <DataPath>/../../testing/image_2/ as the test
 * set. Instead of N2D2's polygon traced from the ground truth, `read`
 * returns the pixel-wise labels: magenta (road) -> "Road" (id 0), red (not
 * road) -> the DefaultLabel when one is set, other colours -> -1.
 * All: Learn and Validation are fractions of the
 * labelled images (rounded to nearest); what they leave stays
 * unpartitioned. Label-file errors name file:line. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbmore.h"
#include "image_io.h"
#include "kitti_db.h"
#include "kitti_label.h"
#include "n2d2/n2d2.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define TEST_SEQUENCE "0020"

static const n2d2_param_spec object_params[] = {
    {"Learn", N2D2_PARAM_FLOAT, "0.8", NULL, 0.0, 1.0, N2D2_PARAM_RANGE,
     "fraction of the training images used for learning"},
    {"Validation", N2D2_PARAM_FLOAT, "0.2", NULL, 0.0, 1.0, N2D2_PARAM_RANGE,
     "fraction of the training images used for validation"},
    {"DataPath", N2D2_PARAM_STRING, "$N2D2_DATA/KITTI_Object", NULL, 0, 0, 0,
     "directory holding training/image_2/ and testing/image_2/"},
    {"LabelPath", N2D2_PARAM_STRING, "", NULL, 0, 0, 0,
     "directory holding training/label_2/ (empty: DataPath)"},
};

static const n2d2_param_spec tracking_params[] = {
    {"Learn", N2D2_PARAM_FLOAT, "0.8", NULL, 0.0, 1.0, N2D2_PARAM_RANGE,
     "fraction of the frames of sequences 0000-0019 used for learning"},
    {"Validation", N2D2_PARAM_FLOAT, "0.2", NULL, 0.0, 1.0, N2D2_PARAM_RANGE,
     "fraction of the frames of sequences 0000-0019 used for validation"},
    {"DataPath", N2D2_PARAM_STRING, "$N2D2_DATA/KITTI/training/image_02", NULL, 0, 0, 0,
     "directory of the <sequence>/ image folders"},
    {"LabelPath", N2D2_PARAM_STRING, "$N2D2_DATA/KITTI/training/label_02", NULL, 0, 0, 0,
     "directory of the <sequence>.txt label files"},
};

frame *kitti_new_frame(kitti *k, const char *path, int test)
{
    if (k->n == k->cap) {
        size_t cap = k->cap ? 2 * k->cap : 64;
        frame *grown = realloc(k->frames, cap * sizeof *grown);
        if (!grown)
            return NULL;
        k->frames = grown;
        k->cap = cap;
    }
    frame *f = &k->frames[k->n];
    memset(f, 0, sizeof *f);
    size_t len = strlen(path) + 1;
    if ((f->path = malloc(len)) == NULL)
        return NULL;
    memcpy(f->path, path, len);
    f->test = test;
    ++k->n;
    return f;
}

static n2d2_status add_object(frame *f, const kitti_object *o)
{
    if (f->n_objects == f->cap_objects) {
        size_t cap = f->cap_objects ? 2 * f->cap_objects : 8;
        kitti_object *grown = realloc(f->objects, cap * sizeof *grown);
        if (!grown)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        f->objects = grown;
        f->cap_objects = cap;
    }
    f->objects[f->n_objects++] = *o;
    return N2D2_OK;
}

n2d2_status kitti_list_error(kitti *k, const char *key, n2d2_status st)
{
    char msg[4600];
    snprintf(msg, sizeof msg, "%s", n2d2_error_message());
    return dbm_path_error(k->params, key, st, k->type, "%s", msg);
}

n2d2_status kitti_add_test_images(kitti *k, const char *dir)
{
    if (!dbm_is_dir(dir)) {
        n2d2_log_warn("%s: %s not found: no test set", k->type, dir);
        return N2D2_OK;
    }
    char **files, path[8800];
    size_t n;
    n2d2_status st = dbm_list(dir, 'f', "png", &files, &n);
    for (size_t i = 0; i < n && st == N2D2_OK; ++i) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        if (!kitti_new_frame(k, path, 1))
            st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    }
    dbm_list_free(files, n);
    return st;
}

/* ---- KITTI_Object_Database ---- */

static n2d2_status object_scan(kitti *k)
{
    char data[4096], labels[4096], dir[4300], path[8800];
    dbm_path(k->params, "DataPath", data, sizeof data);
    if (n2d2_params_string(k->params, "LabelPath")[0])
        dbm_path(k->params, "LabelPath", labels, sizeof labels);
    else
        snprintf(labels, sizeof labels, "%s", data);
    snprintf(dir, sizeof dir, "%s/training/label_2", labels);
    char **files;
    size_t n;
    n2d2_status st = dbm_list(dir, 'f', "txt", &files, &n);
    if (st != N2D2_OK)
        return kitti_list_error(k, n2d2_params_given(k->params, "LabelPath") ? "LabelPath" : "DataPath",
                          st);
    if (n == 0)
        st = kitti_list_error(k, "DataPath", n2d2_error(N2D2_ERR_NOT_FOUND, "no label file in %s", dir));
    for (size_t i = 0; i < n && st == N2D2_OK; ++i) {
        const char *dot = strrchr(files[i], '.');
        snprintf(path, sizeof path, "%s/training/image_2/%.*s.png", data, (int)(dot - files[i]),
                 files[i]);
        if (!dbm_is_file(path)) {
            st = n2d2_error(N2D2_ERR_NOT_FOUND, "%s: the image of label file %s/%s is missing: %s",
                            k->type, dir, files[i], path);
            break;
        }
        frame *f = kitti_new_frame(k, path, 0);
        if (!f) {
            st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
            break;
        }
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        char *text;
        size_t size;
        st = dbm_read_file(path, &text, &size);
        dbm_lines lines;
        dbm_lines_init(&lines, text, size);
        char *line;
        while (st == N2D2_OK && (line = dbm_lines_next(&lines)) != NULL) {
            line = dbm_trim(line);
            kitti_object o;
            if (*line && (st = kitti_parse_line(line, 0, path, lines.line_no, &o)) == N2D2_OK)
                st = add_object(f, &o);
        }
        free(text);
    }
    dbm_list_free(files, n);
    if (st != N2D2_OK)
        return st;
    /* The unlabelled test images. */
    snprintf(dir, sizeof dir, "%s/testing/image_2", data);
    return kitti_add_test_images(k, dir);
}

/* ---- KITTI_Database (tracking) ---- */

static n2d2_status tracking_sequence(kitti *k, const char *data, const char *labels,
                                     const char *seq)
{
    char path[8800], image[8800];
    snprintf(path, sizeof path, "%s/%s.txt", labels, seq);
    char *text;
    size_t size;
    n2d2_status st = dbm_read_file(path, &text, &size);
    if (st != N2D2_OK)
        return kitti_list_error(k, "LabelPath", st);
    int test = strcmp(seq, TEST_SEQUENCE) == 0;
    long previous = -1;
    frame *f = NULL;
    dbm_lines lines;
    dbm_lines_init(&lines, text, size);
    char *line;
    while (st == N2D2_OK && (line = dbm_lines_next(&lines)) != NULL) {
        line = dbm_trim(line);
        if (!*line)
            continue;
        kitti_object o;
        st = kitti_parse_line(line, 1, path, lines.line_no, &o);
        if (st != N2D2_OK)
            break;
        if (o.frame < previous) {
            st = n2d2_error(N2D2_ERR_PARSE, "%s:%zu: frame %ld after frame %ld: the lines must "
                            "be in frame order", path, lines.line_no, o.frame, previous);
            break;
        }
        if (o.frame != previous) {
            snprintf(image, sizeof image, "%s/%s/%06ld.png", data, seq, o.frame);
            if (!dbm_is_file(image)) {
                st = n2d2_error(N2D2_ERR_NOT_FOUND, "%s:%zu: the image of frame %ld is missing: "
                                "%s", path, lines.line_no, o.frame, image);
                break;
            }
            if ((f = kitti_new_frame(k, image, test)) == NULL) {
                st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
                break;
            }
            previous = o.frame;
        }
        st = add_object(f, &o);
    }
    free(text);
    return st;
}

static n2d2_status tracking_scan(kitti *k)
{
    char data[4096], labels[4096];
    dbm_path(k->params, "DataPath", data, sizeof data);
    dbm_path(k->params, "LabelPath", labels, sizeof labels);
    char **seqs;
    size_t n;
    n2d2_status st = dbm_list(data, 'd', NULL, &seqs, &n);
    if (st != N2D2_OK)
        return kitti_list_error(k, "DataPath", st);
    int have_test = 0;
    for (size_t i = 0; i < n && st == N2D2_OK; ++i) {
        have_test |= strcmp(seqs[i], TEST_SEQUENCE) == 0;
        st = tracking_sequence(k, data, labels, seqs[i]);
    }
    if (st == N2D2_OK && n == 0)
        st = dbm_path_error(k->params, "DataPath", N2D2_ERR_NOT_FOUND, k->type,
                            "no sequence folder in %s", data);
    if (st == N2D2_OK && !have_test)
        n2d2_log_warn("%s: no sequence " TEST_SEQUENCE " in %s: no test set", k->type, data);
    dbm_list_free(seqs, n);
    return st;
}

/* ---- shared ---- */

static n2d2_status kitti_finish(kitti *k, n2d2_database *db, n2d2_rng *rng)
{
    n2d2_status st = k->road ? n2d2_database_add_label(db, "Road", NULL) : kitti_add_labels(db);
    size_t n_pool = 0;
    for (size_t i = 0; i < k->n; ++i)
        n_pool += !k->frames[i].test;
    int *labels = malloc((n_pool ? n_pool : 1) * sizeof *labels);
    n2d2_set *sets = malloc((n_pool ? n_pool : 1) * sizeof *sets);
    if (st == N2D2_OK && (!labels || !sets))
        st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n_pool && st == N2D2_OK; ++i)
        labels[i] = -1;
    if (st == N2D2_OK)
        st = dbm_partition(k->params, db, labels, n_pool, n2d2_params_float(k->params, "Learn"),
                           n2d2_params_float(k->params, "Validation"), 0.0, 0, 0, rng, k->type,
                           sets);
    for (size_t i = 0, p = 0; i < k->n && st == N2D2_OK; ++i) {
        const frame *f = &k->frames[i];
        size_t index;
        st = n2d2_database_add_stimulus(db, f->path, -1, f->test ? N2D2_SET_TEST : sets[p++], i,
                                        &index);
        for (size_t o = 0; o < f->n_objects && st == N2D2_OK; ++o) {
            const kitti_object *ob = &f->objects[o];
            if (ob->right > ob->left && ob->bottom > ob->top)
                st = n2d2_database_add_roi_rect(db, index, ob->cls, ob->left, ob->top, ob->right,
                                                ob->bottom);
        }
    }
    free(labels);
    free(sets);
    return st;
}

static n2d2_status object_load(void *state, n2d2_database *db, n2d2_rng *rng)
{
    kitti *k = state;
    n2d2_status st = object_scan(k);
    return st == N2D2_OK ? kitti_finish(k, db, rng) : st;
}

static n2d2_status tracking_load(void *state, n2d2_database *db, n2d2_rng *rng)
{
    kitti *k = state;
    n2d2_status st = tracking_scan(k);
    return st == N2D2_OK ? kitti_finish(k, db, rng) : st;
}

static n2d2_status road_load(void *state, n2d2_database *db, n2d2_rng *rng)
{
    kitti *k = state;
    n2d2_status st = kitti_road_scan(k);
    return st == N2D2_OK ? kitti_finish(k, db, rng) : st;
}

static n2d2_status kitti_read(void *state, const n2d2_database *db, size_t index,
                              n2d2_tensor **data, n2d2_tensor **labels)
{
    const kitti *k = state;
    *data = NULL;
    if (labels)
        *labels = NULL;
    const char *path = n2d2_database_stimulus_name(db, index);
    if (!path)
        return n2d2_error(N2D2_ERR_INVAL, "%s: no stimulus %zu", k->type, index);
    n2d2_status st = n2d2_dbimg_read(path, data);
    uint64_t key = n2d2_database_stimulus_key(db, index);
    if (st == N2D2_OK && labels && k->road && key < k->n && k->frames[key].gt) {
        st = kitti_road_labels(k, db, &k->frames[key], *data, labels);
        if (st != N2D2_OK) {
            n2d2_tensor_release(*data);
            *data = NULL;
        }
    }
    return st;
}

static n2d2_status create(const n2d2_params *params, void **state, const char *type)
{
    kitti *k = calloc(1, sizeof *k);
    if (!k)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    k->params = params;
    k->type = type;
    *state = k;
    return N2D2_OK;
}

static n2d2_status object_create(const n2d2_params *params, void **state)
{
    return create(params, state, "KITTI_Object_Database");
}

static n2d2_status tracking_create(const n2d2_params *params, void **state)
{
    return create(params, state, "KITTI_Database");
}

static n2d2_status road_create(const n2d2_params *params, void **state)
{
    n2d2_status st = create(params, state, "KITTI_Road_Database");
    if (st == N2D2_OK)
        ((kitti *)*state)->road = 1;
    return st;
}

static void kitti_destroy(void *state)
{
    kitti *k = state;
    for (size_t i = 0; i < k->n; ++i) {
        free(k->frames[i].path);
        free(k->frames[i].gt);
        free(k->frames[i].objects);
    }
    free(k->frames);
    free(k);
}

static const n2d2_database_ops object_ops = {
    sizeof(n2d2_database_ops), object_create, object_load, kitti_read, kitti_destroy, {0}};
static const n2d2_database_ops tracking_ops = {
    sizeof(n2d2_database_ops), tracking_create, tracking_load, kitti_read, kitti_destroy, {0}};

static const n2d2_database_ops road_ops = {
    sizeof(n2d2_database_ops), road_create, road_load, kitti_read, kitti_destroy, {0}};

static n2d2_status register_features(n2d2_registry *reg)
{
    const n2d2_feature fo = {
        sizeof(n2d2_feature), N2D2_KIND_DATABASE, "KITTI_Object_Database", NULL,
        "KITTI object detection images with object boxes as ROIs", object_params,
        COUNT_OF(object_params), &object_ops, 0, {0}};
    const n2d2_feature ft = {
        sizeof(n2d2_feature), N2D2_KIND_DATABASE, "KITTI_Database", NULL,
        "KITTI tracking sequences with object boxes as ROIs", tracking_params,
        COUNT_OF(tracking_params), &tracking_ops, 0, {0}};
    const n2d2_feature fr = {
        sizeof(n2d2_feature), N2D2_KIND_DATABASE, "KITTI_Road_Database", NULL,
        "KITTI road images with pixel-wise road labels", kitti_road_params, kitti_road_n_params,
        &road_ops, 0, {0}};
    n2d2_status st = n2d2_registry_add(reg, &fo);
    if (st == N2D2_OK)
        st = n2d2_registry_add(reg, &ft);
    return st == N2D2_OK ? n2d2_registry_add(reg, &fr) : st;
}

N2D2_PLUGIN_DEFINE(db_kitti, "1.0.0", "CECILL-C",
                   "KITTI object, tracking and road database drivers",
                   register_features, NULL)
