/* MorphologyTransformation (manual 21.5.20) with n = NbIterations:
 * Erode e^n, Dilate d^n, Opening d^n(e^n), Closing e^n(d^n), Gradient
 * d^n - e^n, TopHat src - Opening, BlackHat Closing - src. The structuring
 * element is Size x Size, anchored at its centre (Rectangular, Elliptic or
 * Cross as OpenCV's getStructuringElement); pixels outside the image are
 * ignored. Every channel; the data type is kept. ApplyToLabels=1 works on
 * the pixel-wise labels instead (minimum/maximum of label IDs). */
#include <string.h>

#include "morph_common.h"

#define WHO "MorphologyTransformation"
enum { ERODE, DILATE, OPENING, CLOSING, GRADIENT, TOPHAT, BLACKHAT };

static const n2d2_param_spec morphology_params[] = {
    {"Operation", N2D2_PARAM_ENUM, NULL, "Erode|Dilate|Opening|Closing|Gradient|TopHat|BlackHat", 0,
     0, N2D2_PARAM_REQUIRED, "morphological operation"},
    FF_MORPH_COMMON_PARAMS,
};

static void morphology_plane(const ff_morph_state *m, const double *src, size_t h, size_t w,
                             double *dst, double *work)
{
    size_t n = m->iterations, plane = h * w;
    double *a = work, *tmp = work + plane;
    switch (m->op) {
    case ERODE:
    case DILATE: ff_morph_n(src, h, w, &m->se, m->op == DILATE, n, dst, tmp); break;
    case OPENING:
    case TOPHAT:
        ff_morph_n(src, h, w, &m->se, 0, n, a, tmp);
        ff_morph_n(a, h, w, &m->se, 1, n, dst, tmp);
        break;
    case CLOSING:
    case BLACKHAT:
        ff_morph_n(src, h, w, &m->se, 1, n, a, tmp);
        ff_morph_n(a, h, w, &m->se, 0, n, dst, tmp);
        break;
    default:
        ff_morph_n(src, h, w, &m->se, 1, n, dst, tmp);
        ff_morph_n(src, h, w, &m->se, 0, n, a, tmp);
        for (size_t i = 0; i < plane; ++i)
            dst[i] -= a[i];
        break;
    }
    if (m->op == TOPHAT)
        for (size_t i = 0; i < plane; ++i)
            dst[i] = src[i] - dst[i];
    else if (m->op == BLACKHAT)
        for (size_t i = 0; i < plane; ++i)
            dst[i] -= src[i];
}

static n2d2_status morphology_create(const n2d2_params *p, void **state)
{
    ff_morph_state *m;
    n2d2_status st = ff_morph_create(p, &m);
    if (st == N2D2_OK)
        *state = m;
    return st;
}

static n2d2_status morphology_apply(void *state, n2d2_tensor **data, n2d2_tensor **labels,
                                    int *label, n2d2_set set, n2d2_rng *rng)
{
    (void)label;
    (void)set;
    (void)rng;
    return ff_morph_apply(state, WHO, morphology_plane, data, labels);
}

static const n2d2_transform_ops morphology_ops = {
    sizeof(n2d2_transform_ops), 0,  morphology_create, morphology_apply, tf_same_shape,
    ff_morph_destroy,           {0}};

const n2d2_feature ff_morphology_feature = {
    sizeof(n2d2_feature),
    N2D2_KIND_TRANSFORM,
    "MorphologyTransformation",
    NULL,
    "erode, dilate, opening, closing, gradient, top hat, black hat",
    morphology_params,
    TF_COUNT_OF(morphology_params),
    &morphology_ops,
    0,
    {0}};
