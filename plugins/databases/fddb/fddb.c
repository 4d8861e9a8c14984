/* FDDB_Database (manual 19.6.11): the Face Detection Data Set and
 * Benchmark as distributed: originalPics.tar.gz unpacked in DataPath
 * (<DataPath>/2002/08/11/big/img_591.jpg ...) and FDDB-folds.tgz in
 * LabelPath (FDDB-fold-01-ellipseList.txt ... -10-). A fold file lists
 * images as
 *   <image path without .jpg>
 *   <number of faces>
 *   <major_axis_radius> <minor_axis_radius> <angle> <center_x> <center_y> <label>
 *   ... (one line per face)
 * Every listed image is a stimulus without label; each face an elliptic
 * ROI labelled with the last token of its line ("1" in the dataset). The
 * catalogue has no ellipse, so a face is stored as a 32-vertex polygon
 * inscribed in the ellipse (major axis rotated by `angle` radians, as
 * OpenCV draws it; the polygon is within 0.5 % of the radii). Learn and
 * Validation are fractions of all images, the rest is the test set. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbmore.h"
#include "image_io.h"
#include "n2d2/n2d2.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define TYPE "FDDB_Database"
#define N_FOLDS 10
#define N_VERTICES 32
#define PI 3.14159265358979323846

static const n2d2_param_spec fddb_params[] = {
    {"Learn", N2D2_PARAM_FLOAT, NULL, NULL, 0.0, 1.0, N2D2_PARAM_RANGE | N2D2_PARAM_REQUIRED,
     "fraction of the images used for learning"},
    {"Validation", N2D2_PARAM_FLOAT, "0.0", NULL, 0.0, 1.0, N2D2_PARAM_RANGE,
     "fraction of the images used for validation (the rest is the test set)"},
    {"DataPath", N2D2_PARAM_STRING, "$N2D2_DATA/FDDB", NULL, 0, 0, 0,
     "the images (originalPics.tar.gz unpacked)"},
    {"LabelPath", N2D2_PARAM_STRING, "$N2D2_DATA/FDDB", NULL, 0, 0, 0,
     "the FDDB-fold-NN-ellipseList.txt files (FDDB-folds.tgz unpacked)"},
};

typedef struct face {
    double major, minor, angle, cx, cy;
    char label[64];
} face;

typedef struct image {
    char *path;
    face *faces;
    size_t n_faces;
} image;

typedef struct fddb {
    const n2d2_params *params;
    image *images;
    size_t n, cap;
} fddb;

static n2d2_status load_fold(fddb *f, const char *data, const char *path)
{
    char *text;
    size_t size;
    n2d2_status st = dbm_read_file(path, &text, &size);
    if (st != N2D2_OK) {
        char msg[4600];
        snprintf(msg, sizeof msg, "%s", n2d2_error_message());
        return dbm_path_error(f->params, "LabelPath", st, TYPE, "%s", msg);
    }
    dbm_lines lines;
    dbm_lines_init(&lines, text, size);
    char *line;
    size_t left = 0; /* faces still to read for the last image */
    int want_count = 0;
    while (st == N2D2_OK && (line = dbm_lines_next(&lines)) != NULL) {
        line = dbm_trim(line);
        if (!*line)
            continue;
        size_t no = lines.line_no;
        if (want_count) {
            char *end;
            long count = strtol(line, &end, 10);
            if (*end || end == line || count < 0 || count > 100000) {
                st = n2d2_error(N2D2_ERR_PARSE, "%s:%zu: '%s' is not a number of faces", path, no,
                                line);
                break;
            }
            left = (size_t)count;
            want_count = 0;
            image *im = &f->images[f->n - 1];
            im->faces = calloc(left ? left : 1, sizeof *im->faces);
            if (!im->faces)
                st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        } else if (left) {
            image *im = &f->images[f->n - 1];
            face *fc = &im->faces[im->n_faces];
            char extra[2];
            int got = sscanf(line, "%lf %lf %lf %lf %lf %63s %1s", &fc->major, &fc->minor,
                             &fc->angle, &fc->cx, &fc->cy, fc->label, extra);
            if (got != 6 || !isfinite(fc->major) || !isfinite(fc->minor) ||
                !isfinite(fc->angle) || !isfinite(fc->cx) || !isfinite(fc->cy) ||
                !(fc->major > 0) || !(fc->minor > 0)) {
                st = n2d2_error(N2D2_ERR_PARSE, "%s:%zu: expected '<major_axis_radius> "
                                "<minor_axis_radius> <angle> <center_x> <center_y> <label>' with "
                                "positive radii", path, no);
                break;
            }
            ++im->n_faces;
            --left;
        } else {
            if (f->n == f->cap) {
                size_t cap = f->cap ? 2 * f->cap : 256;
                image *grown = realloc(f->images, cap * sizeof *grown);
                if (!grown) {
                    st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
                    break;
                }
                f->images = grown;
                f->cap = cap;
            }
            char stim[8800];
            snprintf(stim, sizeof stim, "%s/%s.jpg", data, line);
            if (!dbm_is_file(stim)) {
                st = n2d2_error(N2D2_ERR_NOT_FOUND, "%s:%zu: image %s does not exist", path, no,
                                stim);
                break;
            }
            image *im = &f->images[f->n++];
            memset(im, 0, sizeof *im);
            size_t len = strlen(stim) + 1;
            if ((im->path = malloc(len)) == NULL) {
                st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
                break;
            }
            memcpy(im->path, stim, len);
            want_count = 1;
        }
    }
    if (st == N2D2_OK && (want_count || left))
        st = n2d2_error(N2D2_ERR_PARSE, "%s:%zu: the file ends inside an image entry (%s)", path,
                        lines.line_no, want_count ? "no number of faces" : "faces missing");
    free(text);
    return st;
}

static n2d2_status add_face(n2d2_database *db, size_t index, const face *fc)
{
    int label;
    n2d2_status st = n2d2_database_add_label(db, fc->label, &label);
    double xy[2 * N_VERTICES];
    double c = cos(fc->angle), s = sin(fc->angle);
    for (int k = 0; k < N_VERTICES; ++k) {
        double t = 2.0 * PI * k / N_VERTICES, u = fc->major * cos(t), v = fc->minor * sin(t);
        xy[2 * k] = fc->cx + u * c - v * s;
        xy[2 * k + 1] = fc->cy + u * s + v * c;
    }
    if (st == N2D2_OK)
        st = n2d2_database_add_roi_polygon(db, index, label, xy, N_VERTICES);
    return st;
}

static n2d2_status fddb_load(void *state, n2d2_database *db, n2d2_rng *rng)
{
    fddb *f = state;
    char data[4096], labels[4096], path[4300];
    dbm_path(f->params, "DataPath", data, sizeof data);
    dbm_path(f->params, "LabelPath", labels, sizeof labels);
    n2d2_status st = N2D2_OK;
    for (int k = 1; k <= N_FOLDS && st == N2D2_OK; ++k) {
        snprintf(path, sizeof path, "%s/FDDB-fold-%02d-ellipseList.txt", labels, k);
        st = load_fold(f, data, path);
    }
    if (st != N2D2_OK)
        return st;
    int *ids = malloc((f->n ? f->n : 1) * sizeof *ids);
    n2d2_set *sets = malloc((f->n ? f->n : 1) * sizeof *sets);
    if (!ids || !sets)
        st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < f->n && st == N2D2_OK; ++i)
        ids[i] = -1;
    if (st == N2D2_OK)
        st = dbm_partition(f->params, db, ids, f->n, n2d2_params_float(f->params, "Learn"),
                           n2d2_params_float(f->params, "Validation"), -1.0, 0, 0, rng, TYPE,
                           sets);
    for (size_t i = 0; i < f->n && st == N2D2_OK; ++i) {
        size_t index;
        st = n2d2_database_add_stimulus(db, f->images[i].path, -1, sets[i], i, &index);
        for (size_t k = 0; k < f->images[i].n_faces && st == N2D2_OK; ++k)
            st = add_face(db, index, &f->images[i].faces[k]);
    }
    free(ids);
    free(sets);
    return st;
}

static n2d2_status fddb_read(void *state, const n2d2_database *db, size_t index,
                             n2d2_tensor **data, n2d2_tensor **labels)
{
    (void)state;
    return n2d2_dbimg_read_stimulus(db, index, TYPE, data, labels);
}

DBM_DEFINE_CREATE(fddb_create, fddb)

static void fddb_destroy(void *state)
{
    fddb *f = state;
    for (size_t i = 0; i < f->n; ++i) {
        free(f->images[i].path);
        free(f->images[i].faces);
    }
    free(f->images);
    free(f);
}

static const n2d2_database_ops fddb_ops = {
    sizeof(n2d2_database_ops), fddb_create, fddb_load, fddb_read, fddb_destroy, {0}};

static n2d2_status register_features(n2d2_registry *reg)
{
    const n2d2_feature f = {
        sizeof(n2d2_feature), N2D2_KIND_DATABASE, TYPE, NULL,
        "FDDB face detection images with elliptic face ROIs", fddb_params,
        COUNT_OF(fddb_params), &fddb_ops, 0, {0}};
    return n2d2_registry_add(reg, &f);
}

N2D2_PLUGIN_DEFINE(db_fddb, "1.0.0", "CECILL-C", "FDDB database driver", register_features, NULL)
