/* KITTI object label lines (object and tracking benchmarks' devkits):
 *   [frame track_id] type truncated occluded alpha left top right bottom
 *   height width length x y z rotation_y [score]
 * Internal to the KITTI plugin. */
#ifndef N2D2_DB_KITTI_LABEL_H
#define N2D2_DB_KITTI_LABEL_H

#include <stddef.h>
#include "n2d2/n2d2.h"

/* The 8 KITTI classes, in this order (label ids 0..7); "DontCare" boxes
 * become ROIs with label -1 (ignored). */
#define KITTI_N_CLASSES 8
extern const char *const kitti_classes[KITTI_N_CLASSES];

typedef struct kitti_object {
    long frame;  /* tracking only */
    int cls;     /* 0..7, -1 DontCare */
    double left, top, right, bottom;
} kitti_object;

/* Parse `line` (modified in place) of `path`:`line_no`; `tracking` adds
 * the frame and track id columns. Errors: wrong field count, a number
 * that does not parse, an unknown type (with the valid names), an empty
 * or inverted box. */
n2d2_status kitti_parse_line(char *line, int tracking, const char *path, size_t line_no,
                             kitti_object *out);

/* Add the 8 class labels (in order) to `db`. */
n2d2_status kitti_add_labels(n2d2_database *db);

#endif
