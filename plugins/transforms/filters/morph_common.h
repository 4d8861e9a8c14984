/* Shared state and driver of MorphologyTransformation and
 * MorphologicalReconstructionTransformation. Internal. */
#ifndef N2D2_FF_MORPH_COMMON_H
#define N2D2_FF_MORPH_COMMON_H

#include "ff.h"

typedef struct ff_morph_state {
    int op, to_labels;
    size_t iterations;
    ff_se se;
} ff_morph_state;

/* One plane: src -> dst (h x w); work holds 3 planes. */
typedef void (*ff_morph_plane_fn)(const ff_morph_state *m, const double *src, size_t h, size_t w,
                                  double *dst, double *work);

n2d2_status ff_morph_create(const n2d2_params *p, ff_morph_state **out);
void ff_morph_destroy(void *state);
/* n erosions (dilate = 0) or dilations of src into dst; tmp: one plane. */
void ff_morph_n(const double *src, size_t h, size_t w, const ff_se *se, int dilate, size_t n,
                double *dst, double *tmp);
/* Run fn on every channel of the image, or of the labels (ApplyToLabels). */
n2d2_status ff_morph_apply(const ff_morph_state *m, const char *who, ff_morph_plane_fn fn,
                           n2d2_tensor **data, n2d2_tensor **labels);

/* clang-format off */
#define FF_MORPH_COMMON_PARAMS                                                                   \
    {"Size", N2D2_PARAM_UINT, NULL, NULL, 1, 1001, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,     \
     "structuring element size"},                                                               \
    {"ApplyToLabels", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0,                                      \
     "apply to the pixel-wise labels instead of the image"},                                    \
    {"Shape", N2D2_PARAM_ENUM, "Rectangular", FF_SHAPES, 0, 0, 0, "structuring element shape"}, \
    {"NbIterations", N2D2_PARAM_UINT, "1", NULL, 1, 1000, N2D2_PARAM_RANGE, "repetitions"}
/* clang-format on */

#endif
