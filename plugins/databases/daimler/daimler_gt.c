/* Daimler GroundTruth2D.db reader (see daimler_gt.h). */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include "daimler_gt.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct tok {
    char *p, *end;
    size_t line, tok_line; /* current line; line of the last token */
    int pending;           /* the last token ended a line */
    const char *path;
} tok;

/* Next whitespace-separated token (NUL-terminated in place), NULL at the
 * end; t->tok_line is its line. */
static char *next(tok *t)
{
    if (t->pending)
        ++t->line, t->pending = 0;
    while (t->p < t->end && (*t->p == ' ' || *t->p == '\t' || *t->p == '\r' || *t->p == '\n')) {
        if (*t->p == '\n')
            ++t->line;
        ++t->p;
    }
    t->tok_line = t->line;
    if (t->p >= t->end)
        return NULL;
    char *s = t->p;
    while (t->p < t->end && *t->p != ' ' && *t->p != '\t' && *t->p != '\r' && *t->p != '\n')
        ++t->p;
    if (t->p < t->end) {
        t->pending = *t->p == '\n';
        *t->p++ = '\0';
    }
    return s;
}

static n2d2_status expect_number(tok *t, const char *what, double *out)
{
    char *s = next(t);
    if (!s)
        return n2d2_error(N2D2_ERR_PARSE, "%s:%zu: end of file where the %s was expected",
                          t->path, t->tok_line, what);
    char *end;
    errno = 0;
    *out = strtod(s, &end);
    if (*end || end == s || errno == ERANGE || !isfinite(*out))
        return n2d2_error(N2D2_ERR_PARSE, "%s:%zu: '%s' is not a number (%s)", t->path,
                          t->tok_line, s, what);
    return N2D2_OK;
}

void daimler_gt_free(daimler_gt *gt)
{
    for (size_t i = 0; i < gt->n_images; ++i) {
        free(gt->images[i].name);
        free(gt->images[i].boxes);
    }
    free(gt->images);
    memset(gt, 0, sizeof *gt);
}

/* One image entry after its ';'; a ';' ending the file sets *done. */
static n2d2_status parse_image(tok *t, daimler_gt *gt, int *done)
{
    char *name = next(t);
    if (!name) {
        *done = 1;
        return N2D2_OK;
    }
    if (gt->n_images == gt->cap) {
        size_t cap = gt->cap ? 2 * gt->cap : 64;
        daimler_image *grown = realloc(gt->images, cap * sizeof *grown);
        if (!grown)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        gt->images = grown;
        gt->cap = cap;
    }
    daimler_image *im = &gt->images[gt->n_images];
    memset(im, 0, sizeof *im);
    if ((im->name = strdup(name)) == NULL)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    ++gt->n_images;
    double v[3];
    static const char *const head[3] = {"image width", "image height", "unused field"};
    for (int k = 0; k < 3; ++k) {
        n2d2_status st = expect_number(t, head[k], &v[k]);
        if (st != N2D2_OK)
            return st;
    }
    double count;
    n2d2_status st = expect_number(t, "box count", &count);
    if (st != N2D2_OK)
        return st;
    if (v[0] < 1 || v[1] < 1 || v[0] != floor(v[0]) || v[1] != floor(v[1]) || count < 0 ||
        count != floor(count) || count > 1e6)
        return n2d2_error(N2D2_ERR_PARSE, "%s:%zu: image '%s': bad size %gx%g or box count %g",
                          t->path, t->tok_line, name, v[0], v[1], count);
    im->width = (unsigned)v[0];
    im->height = (unsigned)v[1];
    im->n_boxes = (size_t)count;
    im->boxes = calloc(im->n_boxes ? im->n_boxes : 1, sizeof *im->boxes);
    if (!im->boxes)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    static const char *const fields[10] = {"unused field", "object class", "object id",
                                           "unique id",    "confidence",   "left",
                                           "top",          "right",        "bottom",
                                           "unused field"};
    for (size_t b = 0; b < im->n_boxes; ++b) {
        double f[10];
        for (int k = 0; k < 10; ++k) {
            if (k == 0 || k == 9) { /* '#' separators are accepted there too */
                if (!next(t))
                    return n2d2_error(N2D2_ERR_PARSE,
                                      "%s:%zu: end of file in box %zu of image '%s'", t->path,
                                      t->tok_line, b, im->name);
                continue;
            }
            if ((st = expect_number(t, fields[k], &f[k])) != N2D2_OK)
                return st;
        }
        if (f[1] != floor(f[1]) || f[1] < 0 || !(f[7] > f[5]) || !(f[8] > f[6]))
            return n2d2_error(N2D2_ERR_PARSE,
                              "%s:%zu: box %zu of image '%s': class %g, box (%g, %g)-(%g, %g) is "
                              "not a non-empty rectangle", t->path, t->tok_line, b, im->name, f[1],
                              f[5], f[6], f[7], f[8]);
        im->boxes[b].cls = (int)f[1];
        im->boxes[b].left = f[5];
        im->boxes[b].top = f[6];
        im->boxes[b].right = f[7];
        im->boxes[b].bottom = f[8];
    }
    return N2D2_OK;
}

n2d2_status daimler_gt_parse(char *text, size_t size, const char *path, daimler_gt *out)
{
    memset(out, 0, sizeof *out);
    if (memchr(text, '\0', size))
        return n2d2_error(N2D2_ERR_PARSE, "%s: byte offset %zu: NUL byte in a text file", path,
                          (size_t)((char *)memchr(text, '\0', size) - text));
    tok t = {text, text + size, 1, 1, 0, path};
    static const char *const head[3] = {":", "PAMI_2009_Detection_Benchmark", NULL};
    double count = 0;
    n2d2_status st = N2D2_OK;
    for (int k = 0; k < 3 && st == N2D2_OK; ++k) { /* the third token is a path */
        char *s = next(&t);
        if (!s || (head[k] && strcmp(s, head[k]) != 0))
            st = n2d2_error(N2D2_ERR_PARSE, "%s:%zu: wrong header: expected ': "
                            "PAMI_2009_Detection_Benchmark <path> <image count> ;'", path,
                            t.tok_line);
    }
    if (st == N2D2_OK)
        st = expect_number(&t, "image count", &count);
    if (st == N2D2_OK)
        out->declared = (size_t)(count > 0 ? count : 0);
    char *sep;
    int done = 0;
    while (st == N2D2_OK && !done && (sep = next(&t)) != NULL) {
        if (strcmp(sep, ";") != 0) {
            st = n2d2_error(N2D2_ERR_PARSE, "%s:%zu: '%s' where ';' (the start of an image "
                            "entry) was expected", path, t.tok_line, sep);
            break;
        }
        st = parse_image(&t, out, &done);
    }
    if (st != N2D2_OK)
        daimler_gt_free(out);
    return st;
}
