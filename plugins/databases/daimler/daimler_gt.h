/* The ground-truth file of the Daimler monocular pedestrian detection
 * benchmark (GroundTruth2D.db), as N2D2 reads it: whitespace-separated
 * tokens
 *   : PAMI_2009_Detection_Benchmark <path> <image count>
 *   then per image:  ; <image name> <width> <height> <unused> <box count>
 *   then per box:    <unused> <class> <object id> <unique id> <confidence>
 *                    <left> <top> <right> <bottom> <unused>
 * Classes: 0 fully visible pedestrian, 1 bicyclist, 2 motorcyclist,
 * 10 pedestrian group, 255 partially visible (not used as a label).
 * Internal to the Daimler_Database plugin; works on a memory buffer. */
#ifndef N2D2_DB_DAIMLER_GT_H
#define N2D2_DB_DAIMLER_GT_H

#include <stddef.h>
#include "n2d2/status.h"

typedef struct daimler_box {
    int cls;
    double left, top, right, bottom;
} daimler_box;

typedef struct daimler_image {
    char *name;
    unsigned width, height;
    daimler_box *boxes;
    size_t n_boxes;
} daimler_image;

typedef struct daimler_gt {
    daimler_image *images;
    size_t n_images, cap;
    size_t declared; /* the header's image count */
} daimler_gt;

/* Parse `text` (modified in place). Errors name path:line and the token. */
n2d2_status daimler_gt_parse(char *text, size_t size, const char *path, daimler_gt *out);
void daimler_gt_free(daimler_gt *gt);

#endif
