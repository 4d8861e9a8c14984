/* IMDBWIKI_Database (manual §5.3 tutorial, lines 1536-1544; keys as N2D2's
 * generator): the IMDB-WIKI faces. Images: <DataPath>/wiki/ and
 * <DataPath>/imdb/ (CropFrame=0), or the face crops wiki_crop/ and
 * imdb_crop/ (CropFrame=1). Metadata: as N2D2, the CSV export of the
 * dataset's MATLAB file, <LabelPath>/wiki.csv and imdb.csv, one face per
 * line:
 *   full_path;name;x0;y0;x1;y1;dob;photo_taken;gender
 * (box corners in pixels, x1/y1 exclusive; dob and photo_taken in years;
 * gender 0 female, 1 male, NaN unknown; "&amp;" stands for '&'). When
 * there is no CSV, the dataset's own <LabelPath>/<set>.mat or
 * <DataPath>/<set>_crop/<set>.mat (MATLAB Level 5, read by matv5.c) is
 * used: the struct <set> with full_path, name, face_location, dob (a
 * datenum: the age is taken on 1 July of photo_taken, the dataset's
 * convention), photo_taken and gender.
 *
 * Labels, in order of first appearance: "<F|M|?>-<age>" (age =
 * photo_taken - dob, "?" outside 0..99), or the person's name with
 * UseNameAsLabel=1. Faces whose box starts or ends at (1, 1) — the
 * dataset's mark of a failed detection — are skipped with a warning.
 * CropFrame=0: the image without stimulus label, the face a rectangular
 * ROI with the label (the tutorial's segmentation set-up); CropFrame=1:
 * the crop labelled as the face. Sets: IMDB first, then WIKI; Learn and
 * Validation are fractions of all faces (of each label with
 * UseNameAsLabel=1), the rest is the test set. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbmore.h"
#include "image_io.h"
#include "matv5.h"
#include "n2d2/n2d2.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define TYPE "IMDBWIKI_Database"
#define MAX_WARNINGS 10

static const n2d2_param_spec imdbwiki_params[] = {
    {"WikiSet", N2D2_PARAM_BOOL, "1", NULL, 0, 0, 0, "use the WIKI part"},
    {"IMDBSet", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0, "use the IMDB part"},
    {"CropFrame", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0,
     "use the face crops (<set>_crop/) labelled as the face, instead of the images with the "
     "face as ROI"},
    {"UseNameAsLabel", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0,
     "label faces with the person's name instead of <gender>-<age>"},
    {"Learn", N2D2_PARAM_FLOAT, "1.0", NULL, 0.0, 1.0, N2D2_PARAM_RANGE,
     "fraction of the faces used for learning"},
    {"Validation", N2D2_PARAM_FLOAT, "0.0", NULL, 0.0, 1.0, N2D2_PARAM_RANGE,
     "fraction of the faces used for validation (the rest is the test set)"},
    {"DataPath", N2D2_PARAM_STRING, "$N2D2_DATA/IMDB-WIKI", NULL, 0, 0, 0,
     "directory holding wiki/, imdb/, wiki_crop/, imdb_crop/"},
    {"LabelPath", N2D2_PARAM_STRING, "$N2D2_DATA/IMDB-WIKI/imdb_metadata", NULL, 0, 0, 0,
     "directory of wiki.csv and imdb.csv"},
};

typedef struct item {
    char *path;
    int label;
    double box[4];
} item;

typedef struct imdbwiki {
    const n2d2_params *params;
    item *items;
    size_t n, cap;
    size_t n_skipped;
} imdbwiki;

static char *copy(const char *s)
{
    size_t n = strlen(s) + 1;
    char *c = malloc(n);
    if (c)
        memcpy(c, s, n);
    return c;
}

/* "&amp;" -> "&", in place. */
static void unescape(char *s)
{
    char *out = s;
    for (const char *in = s; *in;) {
        if (strncmp(in, "&amp;", 5) == 0) {
            *out++ = '&';
            in += 5;
        } else {
            *out++ = *in++;
        }
    }
    *out = '\0';
}

static int parse_double(const char *s, double *out)
{
    char *end;
    *out = strtod(s, &end);
    return *s && end != s && *end == '\0';
}

/* One face: `box` x0 y0 x1 y1 (finite), `age` in years (NaN: unknown),
 * `gender` 0 F, 1 M, else unknown; `where` locates it for messages. */
static n2d2_status add_face(imdbwiki *w, n2d2_database *db, const char *images,
                            const char *full_path, const char *name, const double *box,
                            double age, double gender, const char *where)
{
    if ((box[0] == 1 && box[1] == 1) || (box[2] == 1 && box[3] == 1)) {
        if (w->n_skipped++ < MAX_WARNINGS)
            n2d2_log_warn("%s: no face location for %s (box at (1, 1)), skipped", where,
                          full_path);
        return N2D2_OK;
    }
    if (!(box[2] > box[0] && box[3] > box[1]))
        return n2d2_error(N2D2_ERR_PARSE, "%s: face box (%g, %g)-(%g, %g) is empty", where,
                          box[0], box[1], box[2], box[3]);
    char label[512];
    if (n2d2_params_bool(w->params, "UseNameAsLabel")) {
        snprintf(label, sizeof label, "%s", *name ? name : "?");
    } else {
        char age_text[32] = "?";
        if (age >= 0.0 && age <= 99.0)
            snprintf(age_text, sizeof age_text, "%g", age);
        snprintf(label, sizeof label, "%s-%s",
                 gender == 0.0 ? "F" : gender == 1.0 ? "M" : "?", age_text);
    }
    int id;
    n2d2_status st = n2d2_database_add_label(db, label, &id);
    if (st != N2D2_OK)
        return st;
    if (w->n == w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 1024;
        item *grown = realloc(w->items, cap * sizeof *grown);
        if (!grown)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        w->items = grown;
        w->cap = cap;
    }
    item *it = &w->items[w->n];
    char path[8800];
    snprintf(path, sizeof path, "%s/%s", images, full_path);
    if ((it->path = copy(path)) == NULL)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    it->label = id;
    memcpy(it->box, box, sizeof it->box);
    ++w->n;
    return N2D2_OK;
}

static n2d2_status face_line(imdbwiki *w, n2d2_database *db, char *line, const char *csv,
                             size_t no, const char *images)
{
    static const char *const names[9] = {"full_path", "name", "x0", "y0", "x1",
                                         "y1", "dob", "photo_taken", "gender"};
    char *field[9];
    size_t n = 0;
    for (char *p = line;; ++n) {
        char *semi = strchr(p, ';');
        if (n < 9)
            field[n] = p;
        if (!semi) {
            ++n;
            break;
        }
        *semi = '\0';
        p = semi + 1;
    }
    if (n != 9)
        return n2d2_error(N2D2_ERR_PARSE, "%s:%zu: %zu fields, expected 9 "
                          "(full_path;name;x0;y0;x1;y1;dob;photo_taken;gender)", csv, no, n);
    double v[9];
    for (size_t k = 0; k < 9; ++k) {
        field[k] = dbm_trim(field[k]);
        if (k >= 2 && !parse_double(field[k], &v[k]))
            return n2d2_error(N2D2_ERR_PARSE, "%s:%zu: %s '%s' is not a number", csv, no,
                              names[k], field[k]);
    }
    if (!*field[0])
        return n2d2_error(N2D2_ERR_PARSE, "%s:%zu: empty full_path", csv, no);
    for (size_t k = 2; k < 6; ++k)
        if (!isfinite(v[k]))
            return n2d2_error(N2D2_ERR_PARSE, "%s:%zu: %s is not finite", csv, no, names[k]);
    char where[4300];
    snprintf(where, sizeof where, "%s:%zu", csv, no);
    return add_face(w, db, images, field[0], field[1], v + 2, v[7] - v[6], v[8], where);
}

/* MATLAB datenum (days from year 0) -> civil date (proleptic Gregorian). */
static void datenum_ymd(double dn, long *y, int *m, int *d)
{
    long z = (long)floor(dn) - 719529 + 719468; /* days from 0000-03-01 */
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* Age in whole years on 1 July of the year the photo was taken (the
 * dataset's convention), NaN when unknown. */
static double mat_age(double dob, double taken)
{
    if (!isfinite(dob) || !isfinite(taken) || dob < 1.0 || dob > 1e7)
        return NAN;
    long y;
    int m, d;
    datenum_ymd(dob, &y, &m, &d);
    return taken - (double)y - ((m > 7 || (m == 7 && d > 1)) ? 1.0 : 0.0);
}

static const mat_array *mat_column(const mat_array *s, const char *field, mat_kind kind,
                                   size_t n, const char *path, n2d2_status *st)
{
    const mat_array *a = mat_field(s, 0, field);
    if (*st != N2D2_OK)
        return NULL;
    if (!a || a->kind != kind || (n != (size_t)-1 && a->n != n)) {
        *st = n2d2_error(N2D2_ERR_PARSE, "%s: field '%s' of '%s' is %s, expected a %s of %zu "
                         "elements", path, field, s->name, a ? "of another kind or size"
                                                              : "missing",
                         kind == MAT_CELL ? "cell array" : "numeric array", n);
        return NULL;
    }
    return a;
}

/* The dataset's own metadata, <set>.mat: a 1x1 struct <set> with fields
 * full_path, name, face_location (cells), dob (datenum), photo_taken,
 * gender (numeric), one element per face. */
static n2d2_status load_mat(imdbwiki *w, n2d2_database *db, const char *mat, const char *set,
                            const char *images)
{
    char *bytes;
    size_t size;
    n2d2_status st = dbm_read_file(mat, &bytes, &size);
    if (st != N2D2_OK)
        return st;
    mat_array *vars;
    size_t n_vars;
    st = mat_parse((const unsigned char *)bytes, size, mat, &vars, &n_vars);
    free(bytes);
    if (st != N2D2_OK)
        return st;
    const mat_array *s = mat_find(vars, n_vars, set);
    if (!s || s->kind != MAT_STRUCT || s->n != 1)
        st = n2d2_error(N2D2_ERR_PARSE, "%s: no 1x1 struct variable '%s'", mat, set);
    const mat_array *paths = s ? mat_column(s, "full_path", MAT_CELL, (size_t)-1, mat, &st)
                               : NULL;
    size_t n = paths ? paths->n : 0;
    const mat_array *names = mat_column(s, "name", MAT_CELL, n, mat, &st);
    const mat_array *loc = mat_column(s, "face_location", MAT_CELL, n, mat, &st);
    const mat_array *dob = mat_column(s, "dob", MAT_NUMERIC, n, mat, &st);
    const mat_array *taken = mat_column(s, "photo_taken", MAT_NUMERIC, n, mat, &st);
    const mat_array *gender = mat_column(s, "gender", MAT_NUMERIC, n, mat, &st);
    for (size_t i = 0; i < n && st == N2D2_OK; ++i) {
        const mat_array *p = &paths->cells[i], *nm = &names->cells[i], *l = &loc->cells[i];
        char where[4600];
        snprintf(where, sizeof where, "%s: face %zu", mat, i + 1);
        if (p->kind != MAT_CHAR || !p->str[0] || l->kind != MAT_NUMERIC || l->n != 4) {
            st = n2d2_error(N2D2_ERR_PARSE, "%s: full_path is not text or face_location not 4 "
                            "numbers", where);
            break;
        }
        int finite = 1;
        for (int k = 0; k < 4; ++k)
            finite = finite && isfinite(l->num[k]);
        if (!finite) {
            st = n2d2_error(N2D2_ERR_PARSE, "%s: face_location is not finite", where);
            break;
        }
        st = add_face(w, db, images, p->str, nm->kind == MAT_CHAR ? nm->str : "", l->num,
                      mat_age(dob->num[i], taken->num[i]), gender->num[i], where);
    }
    mat_free(vars, n_vars);
    return st;
}

static n2d2_status load_set(imdbwiki *w, n2d2_database *db, const char *set)
{
    char root[4096], anno[4096], images[4200], csv[4200], mat[4400];
    dbm_path(w->params, "DataPath", root, sizeof root);
    dbm_path(w->params, "LabelPath", anno, sizeof anno);
    int crop = n2d2_params_bool(w->params, "CropFrame");
    snprintf(images, sizeof images, "%s/%s%s", root, set, crop ? "_crop" : "");
    snprintf(csv, sizeof csv, "%s/%s.csv", anno, set);
    if (!dbm_is_dir(images))
        return dbm_path_error(w->params, "DataPath", N2D2_ERR_NOT_FOUND, TYPE,
                              "%s is not a directory", images);
    if (!dbm_is_file(csv)) {
        /* no CSV export: the dataset's own MATLAB file */
        snprintf(mat, sizeof mat, "%s/%s.mat", anno, set);
        if (!dbm_is_file(mat))
            snprintf(mat, sizeof mat, "%s/%s_crop/%s.mat", root, set, set);
        if (dbm_is_file(mat)) {
            n2d2_log_info(TYPE ": %s not found, reading %s", csv, mat);
            return load_mat(w, db, mat, set, images);
        }
    }
    char *text;
    size_t size;
    n2d2_status st = dbm_read_file(csv, &text, &size);
    if (st != N2D2_OK) {
        char msg[4600];
        snprintf(msg, sizeof msg, "%s", n2d2_error_message());
        return dbm_path_error(w->params, "LabelPath", st, TYPE, "%s", msg);
    }
    if (memchr(text, '\0', size))
        st = n2d2_error(N2D2_ERR_PARSE, "%s: byte offset %zu: NUL byte in a text file", csv,
                        (size_t)((char *)memchr(text, '\0', size) - text));
    dbm_lines lines;
    dbm_lines_init(&lines, text, size);
    char *line;
    while (st == N2D2_OK && (line = dbm_lines_next(&lines)) != NULL) {
        line = dbm_trim(line);
        if (*line && *line != '#') {
            unescape(line);
            st = face_line(w, db, line, csv, lines.line_no, images);
        }
    }
    free(text);
    return st;
}

static n2d2_status imdbwiki_load(void *state, n2d2_database *db, n2d2_rng *rng)
{
    imdbwiki *w = state;
    n2d2_status st = N2D2_OK;
    if (n2d2_params_bool(w->params, "IMDBSet"))
        st = load_set(w, db, "imdb");
    if (st == N2D2_OK && n2d2_params_bool(w->params, "WikiSet"))
        st = load_set(w, db, "wiki");
    if (st != N2D2_OK)
        return st;
    if (w->n_skipped > MAX_WARNINGS)
        n2d2_log_warn(TYPE ": %zu faces without location skipped in all", w->n_skipped);
    if (w->n == 0)
        return n2d2_params_error(w->params, "WikiSet", N2D2_ERR_NOT_FOUND,
                                 TYPE ": no face (WikiSet=%d, IMDBSet=%d)",
                                 n2d2_params_bool(w->params, "WikiSet"),
                                 n2d2_params_bool(w->params, "IMDBSet"));
    int crop = n2d2_params_bool(w->params, "CropFrame");
    int *labels = malloc(w->n * sizeof *labels);
    n2d2_set *sets = malloc(w->n * sizeof *sets);
    if (!labels || !sets)
        st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < w->n && st == N2D2_OK; ++i)
        labels[i] = crop ? w->items[i].label : -1;
    if (st == N2D2_OK)
        st = dbm_partition(w->params, db, labels, w->n, n2d2_params_float(w->params, "Learn"),
                           n2d2_params_float(w->params, "Validation"), -1.0,
                           n2d2_params_bool(w->params, "UseNameAsLabel"), 0, rng, TYPE, sets);
    for (size_t i = 0; i < w->n && st == N2D2_OK; ++i) {
        const item *it = &w->items[i];
        size_t index;
        st = n2d2_database_add_stimulus(db, it->path, labels[i], sets[i], i, &index);
        if (st == N2D2_OK && !crop)
            st = n2d2_database_add_roi_rect(db, index, it->label, it->box[0], it->box[1],
                                            it->box[2], it->box[3]);
    }
    free(labels);
    free(sets);
    return st;
}

static n2d2_status imdbwiki_read(void *state, const n2d2_database *db, size_t index,
                                 n2d2_tensor **data, n2d2_tensor **labels)
{
    (void)state;
    return n2d2_dbimg_read_stimulus(db, index, TYPE, data, labels);
}

DBM_DEFINE_CREATE(imdbwiki_create, imdbwiki)

static void imdbwiki_destroy(void *state)
{
    imdbwiki *w = state;
    for (size_t i = 0; i < w->n; ++i)
        free(w->items[i].path);
    free(w->items);
    free(w);
}

static const n2d2_database_ops imdbwiki_ops = {sizeof(n2d2_database_ops), imdbwiki_create,
                                               imdbwiki_load, imdbwiki_read, imdbwiki_destroy,
                                               {0}};

static n2d2_status register_features(n2d2_registry *reg)
{
    const n2d2_feature f = {
        sizeof(n2d2_feature), N2D2_KIND_DATABASE, TYPE, NULL,
        "IMDB-WIKI faces (CSV metadata): face ROIs or crops, gender-age or name labels",
        imdbwiki_params, COUNT_OF(imdbwiki_params), &imdbwiki_ops, 0, {0}};
    return n2d2_registry_add(reg, &f);
}

N2D2_PLUGIN_DEFINE(db_imdbwiki, "1.0.0", "CECILL-C", "IMDB-WIKI database driver",
                   register_features, NULL)
