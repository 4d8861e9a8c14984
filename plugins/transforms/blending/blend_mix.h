/* The pixel arithmetic of BlendingTransformation (manual 21.5.4), apart
 * from the object drawing so that tests can check it on hand-made arrays.
 * Internal to n2d2-transforms-blending. */
#ifndef N2D2_BLEND_MIX_H
#define N2D2_BLEND_MIX_H

#include <stddef.h>
#include <stdint.h>

#include "n2d2/status.h"
#include "n2d2/tensor.h"

/* BlendingMethod, in the order of its enum values. */
enum { BLEND_LINEAR = 0, BLEND_LINEAR_BY_DISTANCE, BLEND_SMOOTH_EDGE,
       BLEND_SMOOTH_EDGE_LINEAR_BY_DISTANCE };
#define BLEND_METHODS "Linear|LinearByDistance|SmoothEdge|SmoothEdgeLinearByDistance"

typedef struct blend_params {
    int method;       /* BLEND_* */
    double alpha;     /* BlendingAlpha (Linear*) */
    double beta;      /* BlendingBeta (Linear*) */
    unsigned size;    /* BlendingSize: odd Gaussian kernel size (SmoothEdge*) */
} blend_params;

/* Paste object `obj` ({C or 1, oh, ow}) into `img` ({C, H, W}) with its
 * top-left corner at (x0, y0); the object box must lie inside the image.
 * mask[oh * ow] is 1 on the object's pixels, 0 elsewhere. With O the
 * object, I the image and R the result:
 *   Linear                      R = alpha O + beta I on the mask
 *   LinearByDistance            D = (|O - I| - min) / (max - min), |.| the
 *                               Euclidean norm over channels, min and max
 *                               over the mask (D = 0 when max = min);
 *                               R = alpha O (1 - D) + beta I D on the mask
 *   SmoothEdge                  a = mask, a' = Gaussian blur of a (kernel
 *                               size `size`, OpenCV's default sigma
 *                               0.3 ((size - 1) / 2 - 1) + 0.8, zero
 *                               outside the box); R = a' O + (1 - a') I
 *                               over the box
 *   SmoothEdgeLinearByDistance  the same with a = D on the mask.
 * Integer images are rounded to nearest and saturated. */
n2d2_status blend_paste(n2d2_tensor *img, const n2d2_tensor *obj, const uint8_t *mask, size_t x0,
                        size_t y0, const blend_params *p);

/* The normalised 1-D Gaussian kernel of `size` taps (odd) into k[size]. */
void blend_gaussian(unsigned size, double *k);

#endif
