/* CKP_Database (manual 19.6.4): the Extended Cohn-Kanade (CK+) expression
 * sequences, cohn-kanade-images/<subject>/<sequence>/<frame>.png, with the
 * emotion code of a sequence (a file holding one number, "3.0000000e+00")
 * either next to its images (N2D2's layout: the one .txt file of the
 * folder) or in the dataset's parallel Emotion/ tree,
 * Emotion/<subject>/<sequence>/<frame>_emotion.txt (LabelPath, by default
 * Emotion/ beside DataPath).
 *
 * Only sequences with an emotion code are used (about 327 of 593 in CK+).
 * Images are sorted by name; the first NbNeutral of a sequence are
 * labelled "neutral", the others with the sequence's emotion. Labels are
 * the 8 CK+ codes in code order: neutral (0), anger, contempt, disgust,
 * fear, happy, sadness, surprise (7). Learn/Validation are fractions of
 * each label with the same count for every label (fraction x size of the
 * smallest), the rest is the test set (N2D2's partition). */
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
#define TYPE "CKP_Database"
#define MAX_DEPTH 16

static const char *const emotions[8] = {"neutral", "anger",   "contempt", "disgust",
                                        "fear",    "happy",   "sadness",  "surprise"};

static const n2d2_param_spec ckp_params[] = {
    {"Learn", N2D2_PARAM_FLOAT, NULL, NULL, 0.0, 1.0, N2D2_PARAM_RANGE | N2D2_PARAM_REQUIRED,
     "fraction of each label for learning (same count for every label)"},
    {"Validation", N2D2_PARAM_FLOAT, "0.0", NULL, 0.0, 1.0, N2D2_PARAM_RANGE,
     "fraction of each label for validation; the rest is the test set"},
    {"NbNeutral", N2D2_PARAM_UINT, "1", NULL, 0, 0, 0,
     "number of first images of each sequence labelled neutral"},
    {"DataPath", N2D2_PARAM_STRING, "$N2D2_DATA/cohn-kanade-images", NULL, 0, 0, 0,
     "directory of the <subject>/<sequence>/ image folders"},
    {"LabelPath", N2D2_PARAM_STRING, "", NULL, 0, 0, 0,
     "Emotion/ tree of *_emotion.txt files; empty: Emotion/ beside DataPath (a .txt file in "
     "an image folder takes precedence)"},
};

typedef struct ckp {
    const n2d2_params *params;
    char root[4096], labels[4200];
    /* collected stimuli */
    char **paths;
    int *label;
    size_t n, cap;
    size_t n_sequences, n_unlabelled;
} ckp;

/* The emotion code in `path`: one number, an integer 0..7. */
static n2d2_status read_emotion(const char *path, int *code)
{
    char *text;
    size_t size;
    n2d2_status st = dbm_read_file(path, &text, &size);
    if (st != N2D2_OK)
        return st;
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    const char *rest = end;
    while (*rest == ' ' || *rest == '\t' || *rest == '\r' || *rest == '\n')
        ++rest;
    if (end == text || errno == ERANGE)
        st = n2d2_error(N2D2_ERR_PARSE, "%s: byte offset 0: no emotion code (a number 0..7)",
                        path);
    else if (*rest != '\0' || (size_t)(rest - text) != size)
        st = n2d2_error(N2D2_ERR_PARSE, "%s: byte offset %zu: unexpected data after the emotion "
                        "code", path, (size_t)(end - text));
    else if (!(v >= 0.0 && v <= 7.0) || v != floor(v))
        st = n2d2_error(N2D2_ERR_PARSE, "%s: emotion code %g is not an integer 0..7 (neutral, "
                        "anger, contempt, disgust, fear, happy, sadness, surprise)", path, v);
    else
        *code = (int)v;
    free(text);
    return st;
}

static n2d2_status push(ckp *c, const char *path, int label)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 256;
        char **p = realloc(c->paths, cap * sizeof *p);
        if (p)
            c->paths = p;
        int *l = realloc(c->label, cap * sizeof *l);
        if (l)
            c->label = l;
        if (!p || !l)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        c->cap = cap;
    }
    if ((c->paths[c->n] = strdup(path)) == NULL)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    c->label[c->n++] = label;
    return N2D2_OK;
}

/* The emotion file of folder `rel` (relative to DataPath, "" = root):
 * the one .txt in the image folder, else one .txt in LabelPath/rel.
 * *path empty: none. */
static n2d2_status find_emotion(ckp *c, const char *dir, const char *rel, char *path,
                                size_t size)
{
    path[0] = '\0';
    char **txt;
    size_t n;
    n2d2_status st = dbm_list(dir, 'f', "txt", &txt, &n);
    if (st != N2D2_OK)
        return st;
    if (n == 0 && c->labels[0]) {
        char other[8300];
        snprintf(other, sizeof other, "%s%s%s", c->labels, *rel ? "/" : "", rel);
        dbm_list_free(txt, n);
        txt = NULL;
        n = 0;
        if (dbm_is_dir(other)) {
            st = dbm_list(other, 'f', "txt", &txt, &n);
            if (st != N2D2_OK)
                return st;
            dir = other;
            if (n == 1)
                snprintf(path, size, "%s/%s", other, txt[0]);
        }
    } else if (n == 1) {
        snprintf(path, size, "%s/%s", dir, txt[0]);
    }
    if (n > 1)
        st = n2d2_error(N2D2_ERR_PARSE, "%s: %zu .txt files (%s, %s...): a sequence has one "
                        "emotion code file", dir, n, txt[0], txt[1]);
    dbm_list_free(txt, n);
    return st;
}

static n2d2_status walk(ckp *c, const char *rel, int depth)
{
    char dir[8300];
    snprintf(dir, sizeof dir, "%s%s%s", c->root, *rel ? "/" : "", rel);
    char emotion[8400];
    n2d2_status st = find_emotion(c, dir, rel, emotion, sizeof emotion);
    char **files = NULL, **subs = NULL;
    size_t n_files = 0, n_subs = 0;
    if (st == N2D2_OK)
        st = dbm_list(dir, 'f', "png", &files, &n_files);
    if (st == N2D2_OK && n_files && !emotion[0])
        ++c->n_unlabelled;
    if (st == N2D2_OK && n_files && emotion[0]) {
        int code = 0;
        st = read_emotion(emotion, &code);
        size_t neutral = (size_t)n2d2_params_uint(c->params, "NbNeutral");
        char path[8600];
        for (size_t i = 0; i < n_files && st == N2D2_OK; ++i) {
            snprintf(path, sizeof path, "%s/%s", dir, files[i]);
            st = push(c, path, i < neutral ? 0 : code);
        }
        ++c->n_sequences;
    }
    if (st == N2D2_OK)
        st = dbm_list(dir, 'd', NULL, &subs, &n_subs);
    if (st == N2D2_OK && n_subs && depth >= MAX_DEPTH)
        st = n2d2_error(N2D2_ERR_RANGE, "%s: folders nested deeper than %d levels", dir,
                        MAX_DEPTH);
    for (size_t i = 0; i < n_subs && st == N2D2_OK; ++i) {
        char sub[8300];
        snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", subs[i]);
        st = walk(c, sub, depth + 1);
    }
    dbm_list_free(files, n_files);
    dbm_list_free(subs, n_subs);
    return st;
}

static n2d2_status ckp_load(void *state, n2d2_database *db, n2d2_rng *rng)
{
    ckp *c = state;
    dbm_path(c->params, "DataPath", c->root, sizeof c->root);
    if (n2d2_params_string(c->params, "LabelPath")[0]) {
        dbm_path(c->params, "LabelPath", c->labels, sizeof c->labels);
        if (!dbm_is_dir(c->labels))
            return n2d2_params_error(c->params, "LabelPath", N2D2_ERR_NOT_FOUND,
                                     TYPE ": %s is not a directory", c->labels);
    } else {
        char guess[4200];
        snprintf(guess, sizeof guess, "%s/../Emotion", c->root);
        if (dbm_is_dir(guess))
            snprintf(c->labels, sizeof c->labels, "%s", guess);
    }
    if (!dbm_is_dir(c->root))
        return dbm_path_error(c->params, "DataPath", N2D2_ERR_NOT_FOUND, TYPE,
                              "%s is not a directory", c->root);
    n2d2_status st = walk(c, "", 0);
    for (size_t k = 0; k < 8 && st == N2D2_OK; ++k)
        st = n2d2_database_add_label(db, emotions[k], NULL);
    if (st != N2D2_OK)
        return st;
    if (c->n == 0)
        return dbm_path_error(c->params, "DataPath", N2D2_ERR_NOT_FOUND, TYPE,
                              "no sequence with an emotion code under %s (%zu without)", c->root,
                              c->n_unlabelled);
    n2d2_log_info(TYPE ": %zu sequences with an emotion code, %zu without (skipped)",
                  c->n_sequences, c->n_unlabelled);
    n2d2_set *sets = malloc(c->n * sizeof *sets);
    if (!sets)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    char what[4200];
    snprintf(what, sizeof what, TYPE " '%s'", c->root);
    st = dbm_partition(c->params, db, c->label, c->n, n2d2_params_float(c->params, "Learn"),
                       n2d2_params_float(c->params, "Validation"), -1.0, 1, 1, rng, what, sets);
    for (size_t i = 0; i < c->n && st == N2D2_OK; ++i)
        st = n2d2_database_add_stimulus(db, c->paths[i], c->label[i], sets[i], i, NULL);
    free(sets);
    return st;
}

static n2d2_status ckp_read(void *state, const n2d2_database *db, size_t index,
                            n2d2_tensor **data, n2d2_tensor **labels)
{
    (void)state;
    return n2d2_dbimg_read_stimulus(db, index, TYPE, data, labels);
}

DBM_DEFINE_CREATE(ckp_create, ckp)

static void ckp_destroy(void *state)
{
    ckp *c = state;
    for (size_t i = 0; i < c->n; ++i)
        free(c->paths[i]);
    free(c->paths);
    free(c->label);
    free(c);
}

static const n2d2_database_ops ckp_ops = {
    sizeof(n2d2_database_ops), ckp_create, ckp_load, ckp_read, ckp_destroy, {0}};

static n2d2_status register_features(n2d2_registry *reg)
{
    const n2d2_feature f = {
        sizeof(n2d2_feature), N2D2_KIND_DATABASE, TYPE, NULL,
        "Extended Cohn-Kanade (CK+) expression sequences, 8 emotion labels", ckp_params,
        COUNT_OF(ckp_params), &ckp_ops, 0, {0}};
    return n2d2_registry_add(reg, &f);
}

N2D2_PLUGIN_DEFINE(db_ckp, "1.0.0", "CECILL-C", "Cohn-Kanade+ (CK+) database driver",
                   register_features, NULL)
