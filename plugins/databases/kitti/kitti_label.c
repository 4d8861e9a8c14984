/* KITTI label lines (see kitti_label.h). */
#define _POSIX_C_SOURCE 200809L /* strtok_r */
#include "kitti_label.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const kitti_classes[KITTI_N_CLASSES] = {"Car", "Van", "Truck", "Pedestrian",
                                                     "Person_sitting", "Cyclist", "Tram",
                                                     "Misc"};

n2d2_status kitti_add_labels(n2d2_database *db)
{
    n2d2_status st = N2D2_OK;
    for (int k = 0; k < KITTI_N_CLASSES && st == N2D2_OK; ++k)
        st = n2d2_database_add_label(db, kitti_classes[k], NULL);
    return st;
}

static int number(const char *s, double *out)
{
    char *end;
    errno = 0;
    *out = strtod(s, &end);
    return end != s && *end == '\0' && errno != ERANGE && isfinite(*out);
}

n2d2_status kitti_parse_line(char *line, int tracking, const char *path, size_t line_no,
                             kitti_object *out)
{
    char *tok[20], *save = NULL;
    size_t n = 0;
    for (char *t = strtok_r(line, " \t", &save); t; t = strtok_r(NULL, " \t", &save))
        if (n++ < 20)
            tok[n - 1] = t;
    size_t base = tracking ? 2 : 0, want = base + 15;
    if (n != want && n != want + 1)
        return n2d2_error(N2D2_ERR_PARSE, "%s:%zu: %zu fields, expected %zu (%s"
                          "type truncated occluded alpha left top right bottom height width "
                          "length x y z rotation_y [score])", path, line_no, n, want,
                          tracking ? "frame track_id " : "");
    double v[20];
    for (size_t k = 0; k < n; ++k)
        if (k != base && !number(tok[k], &v[k]))
            return n2d2_error(N2D2_ERR_PARSE, "%s:%zu: field %zu '%s' is not a number", path,
                              line_no, k + 1, tok[k]);
    if (tracking && (v[0] < 0 || v[0] != floor(v[0])))
        return n2d2_error(N2D2_ERR_PARSE, "%s:%zu: frame '%s' is not a frame number", path,
                          line_no, tok[0]);
    out->frame = tracking ? (long)v[0] : 0;
    out->cls = -2;
    if (strcmp(tok[base], "DontCare") == 0)
        out->cls = -1;
    for (int k = 0; k < KITTI_N_CLASSES && out->cls == -2; ++k)
        if (strcmp(tok[base], kitti_classes[k]) == 0)
            out->cls = k;
    if (out->cls == -2)
        return n2d2_error(N2D2_ERR_PARSE, "%s:%zu: unknown object type '%s' (Car, Van, Truck, "
                          "Pedestrian, Person_sitting, Cyclist, Tram, Misc, DontCare)", path,
                          line_no, tok[base]);
    out->left = v[base + 4];
    out->top = v[base + 5];
    out->right = v[base + 6];
    out->bottom = v[base + 7];
    /* an empty DontCare box is harmless: the caller skips it */
    if (out->cls >= 0 && !(out->right > out->left && out->bottom > out->top))
        return n2d2_error(N2D2_ERR_PARSE, "%s:%zu: box (%g, %g)-(%g, %g) is empty", path, line_no,
                          out->left, out->top, out->right, out->bottom);
    return N2D2_OK;
}
