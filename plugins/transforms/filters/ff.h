/* Helpers shared by the filter transformations (n2d2-transforms-filters):
 * whole-image double buffers, OpenCV-style borders, 2-D correlation,
 * structuring elements. Internal. Element access, data checks and the
 * operators come from n2d2-transforms-common (tf_util.h). */
#ifndef N2D2_FF_H
#define N2D2_FF_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "n2d2/n2d2.h"
#include "tf_util.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

extern const n2d2_feature ff_affine_feature;
extern const n2d2_feature ff_apodization_feature;
extern const n2d2_feature ff_dft_feature;
extern const n2d2_feature ff_magnitude_phase_feature;
extern const n2d2_feature ff_equalize_feature;
extern const n2d2_feature ff_filter_feature;
extern const n2d2_feature ff_gradient_feature;
extern const n2d2_feature ff_morphology_feature;
extern const n2d2_feature ff_reconstruction_feature;
extern const n2d2_feature ff_threshold_feature;
extern const n2d2_feature ff_trim_feature;
extern const n2d2_feature ff_wallis_feature;
extern const n2d2_feature ff_label_filter_feature;

/* The whole tensor as doubles (malloc'ed, NULL when out of memory). */
double *ff_to_double(const n2d2_tensor *t);
/* Replace *data by a new {c, h, w} tensor of type `dt` holding `v`
 * (integer types round and saturate). Releases the old tensor. */
n2d2_status ff_replace(n2d2_tensor **data, n2d2_dtype dt, size_t c, size_t h, size_t w,
                       const double *v);
/* Index of position i in [0, n) with OpenCV's default border
 * (BORDER_REFLECT_101: gfedcb|abcdefgh|gfedcba). */
static inline size_t ff_reflect101(ptrdiff_t i, size_t n)
{
    if (n == 1)
        return 0;
    ptrdiff_t period = 2 * ((ptrdiff_t)n - 1);
    i %= period;
    if (i < 0)
        i += period;
    return (size_t)(i < (ptrdiff_t)n ? i : period - i);
}

/* dst = src correlated with the kh x kw kernel k (anchor at the kernel
 * centre kh/2, kw/2, as OpenCV's filter2D), reflect-101 borders. */
void ff_correlate(const double *src, size_t h, size_t w, const double *k, size_t kh, size_t kw,
                  double *dst);

/* Structuring element: a size x size mask, anchor at the centre. */
enum { FF_SHAPE_RECT, FF_SHAPE_ELLIPSE, FF_SHAPE_CROSS };
#define FF_SHAPES "Rectangular|Elliptic|Cross"
typedef struct ff_se {
    size_t size;
    unsigned char *mask;
} ff_se;
n2d2_status ff_se_make(int shape, size_t size, ff_se *se);
void ff_se_free(ff_se *se);
/* One erosion (dilate = 0: minimum of src(p + e)) or dilation (maximum of
 * src(p - e)) over the element's offsets e from the anchor; pixels outside
 * the image are ignored (OpenCV's default border value). The dilation uses
 * the reflected element, as the Minkowski sum: the same as OpenCV for the
 * symmetric odd sizes, and for even sizes it keeps opening <= image <=
 * closing and both idempotent. */
void ff_morph(const double *src, size_t h, size_t w, const ff_se *se, int dilate, double *dst);

#endif
