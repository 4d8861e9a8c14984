/* Cityscapes_Database (manual 19.6.8): the Cityscapes images
 * <DataPath>/{train,val,test}/<city>/<city>_<seq>_<frame>_leftImg8bit.png
 * (DataPath: leftImg8bit/, or $CITYSCAPES_DATASET when set and DataPath is
 * not given, as N2D2) with their polygon annotations
 * <LabelPath>/<split>/<city>/<city>_<seq>_<frame>_gtFine_polygons.json
 * (LabelPath by default gtFine/ — gtCoarse/ with UseCoarse=1 — beside
 * DataPath). N2D2 needs jsoncpp for this; here a small JSON reader
 * (json.c) does it.
 *
 * Every image is a stimulus without label; each annotated object a
 * polygon ROI with its label. Labels: the 35 Cityscapes classes in the
 * dataset's id order ("unlabeled" 0 ... "bicycle" 33, "license plate"),
 * then any other name in order of appearance. SingleInstanceLabels=1 maps
 * a group label to its class ("cargroup" -> "car"). train/ is the learn
 * set (plus train_extra/ with IncTrainExtra=1, annotated in
 * gtCoarse/train_extra/), val/ the validation set, test/ the test set. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbmore.h"
#include "image_io.h"
#include "json.h"
#include "n2d2/n2d2.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define TYPE "Cityscapes_Database"

static const n2d2_param_spec cs_params[] = {
    {"IncTrainExtra", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0,
     "add the train_extra images (coarse annotations) to the learn set"},
    {"UseCoarse", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0,
     "use the coarse annotations (gtCoarse) instead of the fine ones"},
    {"SingleInstanceLabels", N2D2_PARAM_BOOL, "1", NULL, 0, 0, 0,
     "convert group labels to single instance labels (cargroup -> car)"},
    {"DataPath", N2D2_PARAM_STRING, "$N2D2_DATA/Cityscapes/leftImg8bit", NULL, 0, 0, 0,
     "the leftImg8bit directory ($CITYSCAPES_DATASET when set and DataPath is not given)"},
    {"LabelPath", N2D2_PARAM_STRING, "", NULL, 0, 0, 0,
     "the annotation directory (empty: gtFine or gtCoarse beside DataPath)"},
};

static const char *const cs_labels[] = {
    "unlabeled",  "ego vehicle", "rectification border", "out of roi", "static",
    "dynamic",    "ground",      "road",                 "sidewalk",   "parking",
    "rail track", "building",    "wall",                 "fence",      "guard rail",
    "bridge",     "tunnel",      "pole",                 "polegroup",  "traffic light",
    "traffic sign", "vegetation", "terrain",             "sky",        "person",
    "rider",      "car",         "truck",                "bus",        "caravan",
    "trailer",    "train",       "motorcycle",           "bicycle",    "license plate"};

typedef struct cs {
    const n2d2_params *params;
    size_t n_keys;
    size_t n_skipped; /* polygons with fewer than 3 points */
} cs;

/* The ROIs of one annotation file into stimulus `index`. */
static n2d2_status add_objects(cs *c, n2d2_database *db, size_t index, const char *path)
{
    char *text;
    size_t size;
    n2d2_status st = dbm_read_file(path, &text, &size);
    if (st != N2D2_OK)
        return st;
    json_value doc;
    st = json_parse(text, size, path, &doc);
    free(text);
    if (st != N2D2_OK)
        return st;
    const json_value *objects = json_get(&doc, "objects");
    if (!objects || objects->type != JSON_ARRAY)
        st = n2d2_error(N2D2_ERR_PARSE, "%s: no \"objects\" array", path);
    int single = n2d2_params_bool(c->params, "SingleInstanceLabels");
    double *xy = NULL;
    size_t cap = 0;
    for (size_t i = 0; st == N2D2_OK && i < objects->n; ++i) {
        const json_value *o = &objects->items[i];
        const json_value *label = json_get(o, "label"), *poly = json_get(o, "polygon");
        if (!label || label->type != JSON_STRING || !poly || poly->type != JSON_ARRAY) {
            st = n2d2_error(N2D2_ERR_PARSE, "%s:%zu: object %zu has no \"label\" string and "
                            "\"polygon\" array", path, o->line, i);
            break;
        }
        if (poly->n > cap) {
            double *grown = realloc(xy, 2 * poly->n * sizeof *grown);
            if (!grown) {
                st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
                break;
            }
            xy = grown;
            cap = poly->n;
        }
        for (size_t k = 0; k < poly->n && st == N2D2_OK; ++k) {
            const json_value *pt = &poly->items[k];
            if (pt->type != JSON_ARRAY || pt->n != 2 || pt->items[0].type != JSON_NUMBER ||
                pt->items[1].type != JSON_NUMBER)
                st = n2d2_error(N2D2_ERR_PARSE, "%s:%zu: point %zu of object %zu is not [x, y]",
                                path, pt->line, k, i);
            else
                xy[2 * k] = pt->items[0].number, xy[2 * k + 1] = pt->items[1].number;
        }
        if (st != N2D2_OK)
            break;
        if (poly->n < 3) {
            if (c->n_skipped++ < 10)
                n2d2_log_warn("%s:%zu: polygon of object %zu ('%s') has %zu points: skipped",
                              path, poly->line, i, label->string, poly->n);
            continue;
        }
        char name[256];
        snprintf(name, sizeof name, "%s", label->string);
        size_t len = strlen(name);
        if (single && len > 5 && strcmp(name + len - 5, "group") == 0)
            name[len - 5] = '\0';
        int id;
        st = n2d2_database_add_label(db, name, &id);
        if (st == N2D2_OK)
            st = n2d2_database_add_roi_polygon(db, index, id, xy, poly->n);
    }
    free(xy);
    json_free(&doc);
    return st;
}

/* The images of <data>/<split>/<city>/ (and <data>/<split>/) with the
 * annotations of <labels>/<label_split>/<city>/. */
static n2d2_status load_split(cs *c, n2d2_database *db, const char *data, const char *labels,
                              const char *split, const char *label_split, n2d2_set set)
{
    char dir[4400], type[256];
    snprintf(dir, sizeof dir, "%s/%s", data, split);
    /* the annotation kind is the name of the label directory: gtFine, gtCoarse */
    const char *slash = strrchr(labels, '/');
    snprintf(type, sizeof type, "%s", slash ? slash + 1 : labels);
    char **cities;
    size_t n_cities;
    n2d2_status st = dbm_list(dir, 'd', NULL, &cities, &n_cities);
    if (st != N2D2_OK) {
        char msg[4600];
        snprintf(msg, sizeof msg, "%s", n2d2_error_message());
        return dbm_path_error(c->params, "DataPath", st, TYPE, "%s", msg);
    }
    for (size_t ci = 0; ci <= n_cities && st == N2D2_OK; ++ci) {
        /* the split folder itself first (depth 0), then each city */
        char city_dir[4700], city_labels[4700];
        const char *city = ci == 0 ? NULL : cities[ci - 1];
        snprintf(city_dir, sizeof city_dir, "%s%s%s", dir, city ? "/" : "", city ? city : "");
        snprintf(city_labels, sizeof city_labels, "%s/%s%s%s", labels, label_split,
                 city ? "/" : "", city ? city : "");
        char **files;
        size_t n;
        st = dbm_list(city_dir, 'f', "png", &files, &n);
        char path[9600], json[9600];
        for (size_t i = 0; i < n && st == N2D2_OK; ++i) {
            snprintf(path, sizeof path, "%s/%s", city_dir, files[i]);
            const char *us = strrchr(files[i], '_'); /* drop "_leftImg8bit.png" */
            int len = us ? (int)(us - files[i]) : (int)strlen(files[i]);
            snprintf(json, sizeof json, "%s/%.*s_%s_polygons.json", city_labels, len, files[i],
                     type);
            size_t index;
            st = n2d2_database_add_stimulus(db, path, -1, set, c->n_keys++, &index);
            if (st == N2D2_OK) {
                st = add_objects(c, db, index, json);
                if (st == N2D2_ERR_NOT_FOUND) {
                    char msg[9800];
                    snprintf(msg, sizeof msg, "%s", n2d2_error_message());
                    st = n2d2_error(st, TYPE ": annotation of %s missing: %s", path, msg);
                }
            }
        }
        dbm_list_free(files, n);
    }
    dbm_list_free(cities, n_cities);
    return st;
}

static n2d2_status cs_load(void *state, n2d2_database *db, n2d2_rng *rng)
{
    (void)rng; /* the splits are the dataset's */
    cs *c = state;
    char data[4096], labels[4200], coarse[4200];
    const char *env = getenv("CITYSCAPES_DATASET");
    if (!n2d2_params_given(c->params, "DataPath") && env && *env)
        snprintf(data, sizeof data, "%s", env);
    else
        dbm_path(c->params, "DataPath", data, sizeof data);
    size_t len = strlen(data);
    while (len > 1 && data[len - 1] == '/')
        data[--len] = '\0';
    /* gtFine / gtCoarse beside DataPath */
    const char *slash = strrchr(data, '/');
    int parent = slash ? (int)(slash - data) : 0;
    int use_coarse = n2d2_params_bool(c->params, "UseCoarse");
    snprintf(coarse, sizeof coarse, "%.*s%sgtCoarse", parent, data, slash ? "/" : "");
    if (n2d2_params_string(c->params, "LabelPath")[0])
        dbm_path(c->params, "LabelPath", labels, sizeof labels);
    else
        snprintf(labels, sizeof labels, "%.*s%s%s", parent, data, slash ? "/" : "",
                 use_coarse ? "gtCoarse" : "gtFine");
    n2d2_status st = N2D2_OK;
    for (size_t k = 0; k < COUNT_OF(cs_labels) && st == N2D2_OK; ++k)
        st = n2d2_database_add_label(db, cs_labels[k], NULL);
    if (st == N2D2_OK)
        st = load_split(c, db, data, labels, "train", "train", N2D2_SET_LEARN);
    if (st == N2D2_OK && n2d2_params_bool(c->params, "IncTrainExtra"))
        st = load_split(c, db, data, n2d2_params_string(c->params, "LabelPath")[0] ? labels
                                                                                 : coarse,
                        "train_extra", "train_extra", N2D2_SET_LEARN);
    if (st == N2D2_OK)
        st = load_split(c, db, data, labels, "val", "val", N2D2_SET_VALIDATION);
    if (st == N2D2_OK)
        st = load_split(c, db, data, labels, "test", "test", N2D2_SET_TEST);
    if (st == N2D2_OK && c->n_skipped > 10)
        n2d2_log_warn(TYPE ": %zu polygons with fewer than 3 points skipped in all",
                      c->n_skipped);
    if (st == N2D2_OK && n2d2_database_stimulus_count(db) == 0)
        st = dbm_path_error(c->params, "DataPath", N2D2_ERR_NOT_FOUND, TYPE,
                            "no image under %s", data);
    return st;
}

static n2d2_status cs_read(void *state, const n2d2_database *db, size_t index,
                           n2d2_tensor **data, n2d2_tensor **labels)
{
    (void)state;
    return n2d2_dbimg_read_stimulus(db, index, TYPE, data, labels);
}

DBM_DEFINE_CREATE(cs_create, cs)

static void cs_destroy(void *state) { free(state); }

static const n2d2_database_ops cs_ops = {
    sizeof(n2d2_database_ops), cs_create, cs_load, cs_read, cs_destroy, {0}};

static n2d2_status register_features(n2d2_registry *reg)
{
    const n2d2_feature f = {
        sizeof(n2d2_feature), N2D2_KIND_DATABASE, TYPE, NULL,
        "Cityscapes street scenes with polygon annotations as ROIs", cs_params,
        COUNT_OF(cs_params), &cs_ops, 0, {0}};
    return n2d2_registry_add(reg, &f);
}

N2D2_PLUGIN_DEFINE(db_cityscapes, "1.0.0", "CECILL-C", "Cityscapes database driver",
                   register_features, NULL)
