/* Helpers of the label-aware transformations: window sampling of data and
 * label map (borders from n2d2-transforms-common, tf_util.h). Internal. */
#ifndef N2D2_LBL_UTIL_H
#define N2D2_LBL_UTIL_H

#include "tf_util.h"

extern const n2d2_feature lbl_slice_feature, lbl_roi_feature;

/* The window of ow x oh pixels whose top-left corner is (x0, y0) in the
 * image (may lie outside: borders), rotated by `angle` degrees
 * counterclockwise about its centre (0: a plain copy). Output pixel (u, v)
 * samples the image at centre + (du cos a + dv sin a, -du sin a + dv cos
 * a), du = u - (ow - 1) / 2, dv = v - (oh - 1) / 2: bilinear for the data,
 * nearest for the labels. Outside the image the data follows the border
 * and the labels get -1 for Constant/Mean borders, else the same border
 * index as the data. `labels` may be NULL. */
n2d2_status lbl_window(const n2d2_tensor *data, const n2d2_tensor *labels, long x0, long y0,
                       size_t ow, size_t oh, double angle, const tf_border *b,
                       n2d2_tensor **data_out, n2d2_tensor **labels_out);

/* The map {1, H, W} Int32 of the data's size, or an error naming `who`
 * when the provider gave none (CompositeStimuli=0). */
n2d2_status lbl_check_map(const n2d2_tensor *data, const n2d2_tensor *map, const char *who);

/* Fill a label map with one value. */
void lbl_fill(n2d2_tensor *map, int32_t value);

#endif
