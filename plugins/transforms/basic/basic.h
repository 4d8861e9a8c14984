/* The basic transformations of n2d2-transforms-basic; their shared
 * helpers come from n2d2-transforms-common (../common/tf_util.h). */
#ifndef N2D2_TRANSFORMS_BASIC_H
#define N2D2_TRANSFORMS_BASIC_H

#include "tf_util.h"

extern const n2d2_feature tf_rescale_feature;
extern const n2d2_feature tf_padcrop_feature;
extern const n2d2_feature tf_range_affine_feature;
extern const n2d2_feature tf_normalize_feature;
extern const n2d2_feature tf_flip_feature;

#endif
