/* CelebA_Database (N2D2's Python API list, manual ch. 32.8.3; INI keys as
 * N2D2's generator): the CelebA faces in their distributed layout,
 *   <DataPath>/img_align_celeba/ or img_celeba/   the images (DataPath
 *                                                  default CelebA/Img)
 *   <LabelPath>/identity_CelebA.txt               "<image> <identity>"
 *   <LabelPath>/list_bbox_celeba.txt              face boxes (InTheWild)
 *   <LabelPath>/list_landmarks[_align]_celeba.txt (WithLandmarks)
 *   <LabelPath>/../Eval/list_eval_partition.txt   "<image> <0|1|2>"
 * Labels are the identities, in increasing numeric order, named by their
 * number. InTheWild=0: the aligned crops, each labelled with its identity.
 * InTheWild=1 (N2D2's default): the original images without stimulus
 * label, the face box a rectangular ROI labelled with the identity.
 * WithLandmarks=1 reads and checks the landmark file (N2D2 reads it and
 * does not use it either). The sets come from list_eval_partition.txt
 * (0 learn, 1 validation, 2 test); images it does not list stay
 * unpartitioned. Lines starting with '#' are ignored. */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbmore.h"
#include "image_io.h"
#include "n2d2/n2d2.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define TYPE "CelebA_Database"

static const n2d2_param_spec celeba_params[] = {
    {"InTheWild", N2D2_PARAM_BOOL, "1", NULL, 0, 0, 0,
     "1: img_celeba/ with the face box as ROI; 0: the aligned crops of img_align_celeba/"},
    {"WithLandmarks", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0,
     "read and check the landmark file too"},
    {"DataPath", N2D2_PARAM_STRING, "$N2D2_DATA/CelebA/Img", NULL, 0, 0, 0,
     "directory holding img_align_celeba/ and img_celeba/"},
    {"LabelPath", N2D2_PARAM_STRING, "$N2D2_DATA/CelebA/Anno", NULL, 0, 0, 0,
     "directory of the annotation files (the partition file is in ../Eval/)"},
};

typedef struct face {
    char *id;
    unsigned long identity;
    long box[4]; /* x_1, y_1, width, height */
    int has_box;
    n2d2_set set;
} face;

typedef struct celeba {
    const n2d2_params *params;
    face *faces;
    size_t n, cap;
} celeba;

static int cmp_face(const void *a, const void *b)
{
    return strcmp(((const face *)a)->id, ((const face *)b)->id);
}

static face *find(celeba *c, const char *id)
{
    face key = {0};
    key.id = (char *)id;
    return bsearch(&key, c->faces, c->n, sizeof *c->faces, cmp_face);
}

/* A non-negative integer token. */
static int parse_uint(const char *s, unsigned long *out)
{
    char *end;
    errno = 0;
    if (!s || *s == '-' || *s == '+')
        return 0;
    *out = strtoul(s, &end, 10);
    return end != s && *end == '\0' && errno != ERANGE;
}

typedef n2d2_status (*line_fn)(celeba *c, char *line, const char *path, size_t line_no);

/* Each non-empty, non-comment line of LabelPath/<file> after `skip`
 * header lines. */
static n2d2_status each_line(celeba *c, const char *path, size_t skip, line_fn fn)
{
    char *text;
    size_t size;
    n2d2_status st = dbm_read_file(path, &text, &size);
    if (st != N2D2_OK) {
        char msg[4600];
        snprintf(msg, sizeof msg, "%s", n2d2_error_message());
        return dbm_path_error(c->params, "LabelPath", st, TYPE, "%s", msg);
    }
    dbm_lines lines;
    dbm_lines_init(&lines, text, size);
    char *line;
    while (st == N2D2_OK && (line = dbm_lines_next(&lines)) != NULL) {
        if (lines.line_no <= skip)
            continue;
        line = dbm_trim(line);
        if (*line && *line != '#')
            st = fn(c, line, path, lines.line_no);
    }
    free(text);
    return st;
}

static n2d2_status identity_line(celeba *c, char *line, const char *path, size_t no)
{
    char *save = NULL;
    char *id = strtok_r(line, " \t", &save);
    char *num = strtok_r(NULL, " \t", &save), *extra = strtok_r(NULL, " \t", &save);
    unsigned long identity;
    if (!num || extra || !parse_uint(num, &identity))
        return n2d2_error(N2D2_ERR_PARSE, "%s:%zu: expected '<image> <identity number>'", path,
                          no);
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 1024;
        face *grown = realloc(c->faces, cap * sizeof *grown);
        if (!grown)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        c->faces = grown;
        c->cap = cap;
    }
    face *f = &c->faces[c->n];
    memset(f, 0, sizeof *f);
    if ((f->id = strdup(id)) == NULL)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    f->identity = identity;
    f->set = N2D2_SET_UNPARTITIONED;
    ++c->n;
    return N2D2_OK;
}

/* "<image> <n numbers>" of a listed image; the numbers into out (may be
 * NULL). */
static n2d2_status numbers_line(celeba *c, char *line, const char *path, size_t no, size_t n,
                                long *out, face **which)
{
    char *save = NULL;
    char *id = strtok_r(line, " \t", &save);
    face *f = find(c, id);
    if (!f)
        return n2d2_error(N2D2_ERR_PARSE, "%s:%zu: image '%s' is not in identity_CelebA.txt",
                          path, no, id);
    for (size_t k = 0; k < n; ++k) {
        char *tok = strtok_r(NULL, " \t", &save);
        unsigned long v;
        if (!parse_uint(tok, &v) || v > 1000000ul)
            return n2d2_error(N2D2_ERR_PARSE, "%s:%zu: value %zu of image '%s' is %s, expected "
                              "a pixel coordinate", path, no, k + 1, id, tok ? tok : "missing");
        if (out)
            out[k] = (long)v;
    }
    if (strtok_r(NULL, " \t", &save))
        return n2d2_error(N2D2_ERR_PARSE, "%s:%zu: more than %zu values after '%s'", path, no, n,
                          id);
    *which = f;
    return N2D2_OK;
}

static n2d2_status bbox_line(celeba *c, char *line, const char *path, size_t no)
{
    face *f;
    long box[4];
    n2d2_status st = numbers_line(c, line, path, no, 4, box, &f);
    if (st == N2D2_OK && (box[2] <= 0 || box[3] <= 0))
        st = n2d2_error(N2D2_ERR_PARSE, "%s:%zu: empty face box %ldx%ld", path, no, box[2],
                        box[3]);
    if (st == N2D2_OK) {
        memcpy(f->box, box, sizeof box);
        f->has_box = 1;
    }
    return st;
}

static n2d2_status landmarks_line(celeba *c, char *line, const char *path, size_t no)
{
    face *f;
    return numbers_line(c, line, path, no, 10, NULL, &f);
}

static n2d2_status partition_line(celeba *c, char *line, const char *path, size_t no)
{
    char *save = NULL;
    char *id = strtok_r(line, " \t", &save);
    char *num = strtok_r(NULL, " \t", &save), *extra = strtok_r(NULL, " \t", &save);
    face *f = find(c, id);
    unsigned long v;
    if (!f)
        return n2d2_error(N2D2_ERR_PARSE, "%s:%zu: image '%s' is not in identity_CelebA.txt",
                          path, no, id);
    if (!num || extra || !parse_uint(num, &v) || v > 2)
        return n2d2_error(N2D2_ERR_PARSE, "%s:%zu: expected '<image> <0|1|2>' (learn, "
                          "validation, test)", path, no);
    f->set = (n2d2_set)v;
    return N2D2_OK;
}

static int cmp_ulong(const void *a, const void *b)
{
    unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
    return (x > y) - (x < y);
}

static n2d2_status add_labels(celeba *c, n2d2_database *db)
{
    unsigned long *ids = malloc((c->n ? c->n : 1) * sizeof *ids);
    if (!ids)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < c->n; ++i)
        ids[i] = c->faces[i].identity;
    qsort(ids, c->n, sizeof *ids, cmp_ulong);
    n2d2_status st = N2D2_OK;
    for (size_t i = 0; i < c->n && st == N2D2_OK; ++i) {
        if (i && ids[i] == ids[i - 1])
            continue;
        char name[32];
        snprintf(name, sizeof name, "%lu", ids[i]);
        st = n2d2_database_add_label(db, name, NULL);
    }
    free(ids);
    return st;
}

static n2d2_status celeba_load(void *state, n2d2_database *db, n2d2_rng *rng)
{
    (void)rng; /* the partition is the dataset's own */
    celeba *c = state;
    int wild = n2d2_params_bool(c->params, "InTheWild");
    char root[4096], anno[4096], path[4400], images[4400];
    dbm_path(c->params, "DataPath", root, sizeof root);
    dbm_path(c->params, "LabelPath", anno, sizeof anno);
    snprintf(images, sizeof images, "%s/%s", root, wild ? "img_celeba" : "img_align_celeba");
    if (!dbm_is_dir(images))
        return dbm_path_error(c->params, "DataPath", N2D2_ERR_NOT_FOUND, TYPE,
                              "%s is not a directory", images);
    snprintf(path, sizeof path, "%s/identity_CelebA.txt", anno);
    n2d2_status st = each_line(c, path, 0, identity_line);
    if (st != N2D2_OK)
        return st;
    if (c->n == 0)
        return dbm_path_error(c->params, "LabelPath", N2D2_ERR_NOT_FOUND, TYPE,
                              "%s lists no image", path);
    qsort(c->faces, c->n, sizeof *c->faces, cmp_face);
    for (size_t i = 1; i < c->n; ++i)
        if (strcmp(c->faces[i].id, c->faces[i - 1].id) == 0)
            return n2d2_error(N2D2_ERR_PARSE, "%s: image '%s' listed twice", path,
                              c->faces[i].id);
    if (wild) {
        snprintf(path, sizeof path, "%s/list_bbox_celeba.txt", anno);
        st = each_line(c, path, 2, bbox_line); /* skip the count and the header */
    }
    if (st == N2D2_OK && n2d2_params_bool(c->params, "WithLandmarks")) {
        snprintf(path, sizeof path, "%s/%s", anno,
                 wild ? "list_landmarks_celeba.txt" : "list_landmarks_align_celeba.txt");
        st = each_line(c, path, 2, landmarks_line);
    }
    if (st == N2D2_OK) {
        /* Eval/ beside LabelPath (N2D2: dirName(LabelPath)/Eval) */
        char *slash = strrchr(anno, '/');
        if (slash && slash != anno)
            snprintf(path, sizeof path, "%.*s/Eval/list_eval_partition.txt",
                     (int)(slash - anno), anno);
        else
            snprintf(path, sizeof path, "%s/Eval/list_eval_partition.txt", slash ? "" : ".");
        st = each_line(c, path, 0, partition_line);
    }
    if (st == N2D2_OK)
        st = add_labels(c, db);
    char name[8800], num[32];
    for (size_t i = 0; i < c->n && st == N2D2_OK; ++i) {
        const face *f = &c->faces[i];
        snprintf(name, sizeof name, "%s/%s", images, f->id);
        snprintf(num, sizeof num, "%lu", f->identity);
        int label = n2d2_database_label_id(db, num);
        size_t index;
        if (wild && !f->has_box)
            st = n2d2_error(N2D2_ERR_PARSE, "%s/list_bbox_celeba.txt: no face box for image "
                            "'%s' (InTheWild=1)", anno, f->id);
        if (st == N2D2_OK)
            st = n2d2_database_add_stimulus(db, name, wild ? -1 : label, f->set, i, &index);
        if (st == N2D2_OK && wild)
            st = n2d2_database_add_roi_rect(db, index, label, (double)f->box[0],
                                            (double)f->box[1], (double)(f->box[0] + f->box[2]),
                                            (double)(f->box[1] + f->box[3]));
    }
    return st;
}

static n2d2_status celeba_read(void *state, const n2d2_database *db, size_t index,
                               n2d2_tensor **data, n2d2_tensor **labels)
{
    (void)state;
    return n2d2_dbimg_read_stimulus(db, index, TYPE, data, labels);
}

DBM_DEFINE_CREATE(celeba_create, celeba)

static void celeba_destroy(void *state)
{
    celeba *c = state;
    for (size_t i = 0; i < c->n; ++i)
        free(c->faces[i].id);
    free(c->faces);
    free(c);
}

static const n2d2_database_ops celeba_ops = {
    sizeof(n2d2_database_ops), celeba_create, celeba_load, celeba_read, celeba_destroy, {0}};

static n2d2_status register_features(n2d2_registry *reg)
{
    const n2d2_feature f = {
        sizeof(n2d2_feature), N2D2_KIND_DATABASE, TYPE, NULL,
        "CelebA faces labelled by identity (aligned crops, or face boxes as ROIs)",
        celeba_params, COUNT_OF(celeba_params), &celeba_ops, 0, {0}};
    return n2d2_registry_add(reg, &f);
}

N2D2_PLUGIN_DEFINE(db_celeba, "1.0.0", "CECILL-C", "CelebA database driver", register_features,
                   NULL)
