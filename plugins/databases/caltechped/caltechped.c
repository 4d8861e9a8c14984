/* CaltechPedestrian_Database (manual 19.6.7): the Caltech pedestrian
 * videos after the Matlab dbExtract step: images
 * <DataPath>/setNN/VNNN/INNNNN.jpg and annotations
 * <LabelPath>/setNN/VNNN/INNNNN.txt in Piotr's bbGt format, one object
 * per line ('%' starts a comment):
 *   <label> <left> <top> <width> <height> <occluded> <vis. left> <vis. top>
 *   <vis. width> <vis. height> <ignore> <angle>
 * As N2D2: set00-set05 are the learn set (Validation = the fraction moved
 * to validation), set06-set10 the test set; every image is a stimulus
 * without label, each object a rectangular ROI — the visible box of an
 * occluded object — clipped to the 640x480 frame. "person-fa" lines are
 * skipped; "people" is "person" with SingleLabel=1; "person?" is "person"
 * with IncAmbiguous=1, otherwise an ignored area (label -1), as are
 * objects marked ignore. Labels sorted by name. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbmore.h"
#include "image_io.h"
#include "n2d2/n2d2.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define TYPE "CaltechPedestrian_Database"
#define N_SETS 11
#define N_LEARN_SETS 6
#define WIDTH 640
#define HEIGHT 480
#define MAX_DEPTH 8

static const n2d2_param_spec cp_params[] = {
    {"Validation", N2D2_PARAM_FLOAT, "0.0", NULL, 0.0, 1.0, N2D2_PARAM_RANGE,
     "fraction of the learn set (set00-set05) used for validation"},
    {"SingleLabel", N2D2_PARAM_BOOL, "1", NULL, 0, 0, 0,
     "use the same label for \"person\" and \"people\" boxes"},
    {"IncAmbiguous", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0,
     "include the ambiguous \"person?\" boxes as \"person\" (else they are ignored areas)"},
    {"DataPath", N2D2_PARAM_STRING, "$N2D2_DATA/CaltechPedestrians/data-USA/images", NULL, 0, 0,
     0, "directory of the setNN/VNNN/ image folders"},
    {"LabelPath", N2D2_PARAM_STRING, "$N2D2_DATA/CaltechPedestrians/data-USA/annotations", NULL,
     0, 0, 0, "directory of the setNN/VNNN/ annotation folders (empty: DataPath)"},
};

typedef struct box {
    char label[32]; /* "" = ignored area */
    double l, t, r, b;
} box;

typedef struct frame {
    char *path;
    box *boxes;
    size_t n_boxes;
    int test;
} frame;

typedef struct cp {
    const n2d2_params *params;
    frame *frames;
    size_t n, cap;
} cp;

static int parse_num(const char *s, double *out)
{
    char *end;
    errno = 0;
    *out = strtod(s, &end);
    return s && end != s && *end == '\0' && errno != ERANGE && isfinite(*out);
}

static n2d2_status read_boxes(cp *c, const char *path, frame *f)
{
    char *text;
    size_t size;
    n2d2_status st = dbm_read_file(path, &text, &size);
    if (st != N2D2_OK)
        return st;
    int single = n2d2_params_bool(c->params, "SingleLabel");
    int ambiguous = n2d2_params_bool(c->params, "IncAmbiguous");
    size_t cap = 0;
    dbm_lines lines;
    dbm_lines_init(&lines, text, size);
    char *line;
    while (st == N2D2_OK && (line = dbm_lines_next(&lines)) != NULL) {
        char *pct = strchr(line, '%');
        if (pct)
            *pct = '\0';
        line = dbm_trim(line);
        if (!*line)
            continue;
        char *tok[14], *save = NULL;
        size_t n = 0;
        for (char *t = strtok_r(line, " \t", &save); t; t = strtok_r(NULL, " \t", &save))
            if (n++ < 14)
                tok[n - 1] = t;
        if (n != 12) {
            st = n2d2_error(N2D2_ERR_PARSE, "%s:%zu: %zu fields, expected 12 (label l t w h occ "
                            "lv tv wv hv ign ang)", path, lines.line_no, n);
            break;
        }
        double v[12];
        for (size_t k = 1; k < 12 && st == N2D2_OK; ++k)
            if (!parse_num(tok[k], &v[k]))
                st = n2d2_error(N2D2_ERR_PARSE, "%s:%zu: field %zu '%s' is not a number", path,
                                lines.line_no, k + 1, tok[k]);
        if (st != N2D2_OK)
            break;
        const char *label = tok[0];
        if (strcmp(label, "person-fa") == 0)
            continue;
        if (strcmp(label, "people") == 0 && single)
            label = "person";
        int ignore = v[10] != 0.0;
        if (strcmp(label, "person?") == 0) {
            if (ambiguous)
                label = "person";
            else
                ignore = 1;
        }
        const double *bb = v[5] != 0.0 ? v + 6 : v + 1; /* occluded: the visible box */
        box bx;
        snprintf(bx.label, sizeof bx.label, "%s", ignore ? "" : label);
        bx.l = fmax(bb[0], 0.0);
        bx.t = fmax(bb[1], 0.0);
        bx.r = fmin(bb[0] + bb[2], WIDTH);
        bx.b = fmin(bb[1] + bb[3], HEIGHT);
        if (!(bx.r > bx.l && bx.b > bx.t))
            continue; /* outside the frame once clipped */
        if (f->n_boxes == cap) {
            size_t ncap = cap ? 2 * cap : 8;
            box *grown = realloc(f->boxes, ncap * sizeof *grown);
            if (!grown) {
                st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
                break;
            }
            f->boxes = grown;
            cap = ncap;
        }
        f->boxes[f->n_boxes++] = bx;
    }
    free(text);
    return st;
}

static n2d2_status walk(cp *c, const char *data, const char *labels, int test, int depth)
{
    char **files, **subs;
    size_t n_files, n_subs;
    n2d2_status st = dbm_list(data, 'f', "jpg", &files, &n_files);
    if (st != N2D2_OK)
        return st;
    char path[8800];
    for (size_t i = 0; i < n_files && st == N2D2_OK; ++i) {
        if (c->n == c->cap) {
            size_t cap = c->cap ? 2 * c->cap : 256;
            frame *grown = realloc(c->frames, cap * sizeof *grown);
            if (!grown) {
                st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
                break;
            }
            c->frames = grown;
            c->cap = cap;
        }
        frame *f = &c->frames[c->n++];
        memset(f, 0, sizeof *f);
        f->test = test;
        snprintf(path, sizeof path, "%s/%s", data, files[i]);
        if ((f->path = strdup(path)) == NULL) {
            st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
            break;
        }
        const char *dot = strrchr(files[i], '.');
        snprintf(path, sizeof path, "%s/%.*s.txt", labels, (int)(dot - files[i]), files[i]);
        st = read_boxes(c, path, f);
        if (st == N2D2_ERR_NOT_FOUND) {
            char msg[9000];
            snprintf(msg, sizeof msg, "%s", n2d2_error_message());
            st = n2d2_error(st, TYPE ": annotation of %s missing: %s", f->path, msg);
        }
    }
    dbm_list_free(files, n_files);
    if (st == N2D2_OK)
        st = dbm_list(data, 'd', NULL, &subs, &n_subs);
    else
        return st;
    if (st == N2D2_OK && n_subs && depth >= MAX_DEPTH)
        st = n2d2_error(N2D2_ERR_RANGE, "%s: folders nested deeper than %d levels", data,
                        MAX_DEPTH);
    char sub_data[8800], sub_labels[8800];
    for (size_t i = 0; i < n_subs && st == N2D2_OK; ++i) {
        snprintf(sub_data, sizeof sub_data, "%s/%s", data, subs[i]);
        snprintf(sub_labels, sizeof sub_labels, "%s/%s", labels, subs[i]);
        st = walk(c, sub_data, sub_labels, test, depth + 1);
    }
    dbm_list_free(subs, n_subs);
    return st;
}

static n2d2_status cp_load(void *state, n2d2_database *db, n2d2_rng *rng)
{
    cp *c = state;
    char data[4096], labels[4096], set_data[4200], set_labels[4200];
    dbm_path(c->params, "DataPath", data, sizeof data);
    if (n2d2_params_string(c->params, "LabelPath")[0])
        dbm_path(c->params, "LabelPath", labels, sizeof labels);
    else
        snprintf(labels, sizeof labels, "%s", data);
    n2d2_status st = N2D2_OK;
    for (int s = 0; s < N_SETS && st == N2D2_OK; ++s) {
        snprintf(set_data, sizeof set_data, "%s/set%02d", data, s);
        snprintf(set_labels, sizeof set_labels, "%s/set%02d", labels, s);
        if (!dbm_is_dir(set_data))
            return dbm_path_error(c->params, "DataPath", N2D2_ERR_NOT_FOUND, TYPE,
                                  "%s is not a directory", set_data);
        st = walk(c, set_data, set_labels, s >= N_LEARN_SETS, 0);
    }
    if (st != N2D2_OK)
        return st;
    size_t n_learn = 0;
    for (size_t i = 0; i < c->n; ++i)
        n_learn += !c->frames[i].test;
    int *ids = malloc((n_learn ? n_learn : 1) * sizeof *ids);
    n2d2_set *sets = malloc((n_learn ? n_learn : 1) * sizeof *sets);
    if (!ids || !sets)
        st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n_learn && st == N2D2_OK; ++i)
        ids[i] = -1;
    double valid = n2d2_params_float(c->params, "Validation");
    if (st == N2D2_OK)
        st = dbm_partition(c->params, db, ids, n_learn, 1.0 - valid, valid, 0.0, 0, 0, rng,
                           TYPE " set00-set05", sets);
    for (size_t i = 0, p = 0; i < c->n && st == N2D2_OK; ++i) {
        const frame *f = &c->frames[i];
        size_t index;
        st = n2d2_database_add_stimulus(db, f->path, -1, f->test ? N2D2_SET_TEST : sets[p++], i,
                                        &index);
        for (size_t k = 0; k < f->n_boxes && st == N2D2_OK; ++k) {
            int label = -1;
            if (f->boxes[k].label[0])
                st = n2d2_database_add_label(db, f->boxes[k].label, &label);
            if (st == N2D2_OK)
                st = n2d2_database_add_roi_rect(db, index, label, f->boxes[k].l, f->boxes[k].t,
                                                f->boxes[k].r, f->boxes[k].b);
        }
    }
    if (st == N2D2_OK)
        st = n2d2_database_sort_labels(db, NULL);
    free(ids);
    free(sets);
    return st;
}

static n2d2_status cp_read(void *state, const n2d2_database *db, size_t index,
                           n2d2_tensor **data, n2d2_tensor **labels)
{
    (void)state;
    return n2d2_dbimg_read_stimulus(db, index, TYPE, data, labels);
}

DBM_DEFINE_CREATE(cp_create, cp)

static void cp_destroy(void *state)
{
    cp *c = state;
    for (size_t i = 0; i < c->n; ++i) {
        free(c->frames[i].path);
        free(c->frames[i].boxes);
    }
    free(c->frames);
    free(c);
}

static const n2d2_database_ops cp_ops = {
    sizeof(n2d2_database_ops), cp_create, cp_load, cp_read, cp_destroy, {0}};

static n2d2_status register_features(n2d2_registry *reg)
{
    const n2d2_feature f = {
        sizeof(n2d2_feature), N2D2_KIND_DATABASE, TYPE, NULL,
        "Caltech pedestrian frames (dbExtract output) with person boxes as ROIs", cp_params,
        COUNT_OF(cp_params), &cp_ops, 0, {0}};
    return n2d2_registry_add(reg, &f);
}

N2D2_PLUGIN_DEFINE(db_caltechped, "1.0.0", "CECILL-C", "Caltech pedestrian database driver",
                   register_features, NULL)
