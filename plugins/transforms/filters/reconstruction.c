/* MorphologicalReconstructionTransformation (manual 21.5.19). Geodesic
 * reconstruction by dilation of a marker under the image: repeat
 * marker = min(dilate(marker), image) until stable; by erosion: repeat
 * marker = max(erode(marker), image). The manual names no marker, so:
 * - OpeningByReconstruction: marker = NbIterations erosions of the image,
 *   then reconstruction by dilation; ClosingByReconstruction: NbIterations
 *   dilations, then reconstruction by erosion (as N2D2);
 * - ReconstructionByDilation / ReconstructionByErosion: the same with a
 *   single erosion / dilation as marker (NbIterations is documented for
 *   opening and closing only). N2D2 uses the image as its own marker,
 *   which makes these two the identity.
 * Same structuring element, channels, type and ApplyToLabels handling as
 * MorphologyTransformation. */
#include <string.h>

#include "morph_common.h"

#define WHO "MorphologicalReconstructionTransformation"
enum { BY_EROSION, BY_DILATION, OPENING, CLOSING };

static const n2d2_param_spec reconstruction_params[] = {
    {"Operation", N2D2_PARAM_ENUM, NULL,
     "ReconstructionByErosion|ReconstructionByDilation|OpeningByReconstruction|"
     "ClosingByReconstruction",
     0, 0, N2D2_PARAM_REQUIRED, "reconstruction operation"},
    FF_MORPH_COMMON_PARAMS,
};

static void reconstruction_plane(const ff_morph_state *m, const double *src, size_t h, size_t w,
                                 double *dst, double *work)
{
    size_t plane = h * w, n = m->op == OPENING || m->op == CLOSING ? m->iterations : 1;
    int dilate = m->op == BY_DILATION || m->op == OPENING; /* reconstruction step */
    double *tmp = work;
    ff_morph_n(src, h, w, &m->se, !dilate, n, dst, tmp); /* the marker */
    for (int changed = 1; changed;) {
        changed = 0;
        ff_morph(dst, h, w, &m->se, dilate, tmp);
        for (size_t i = 0; i < plane; ++i) {
            double v =
                dilate ? (tmp[i] < src[i] ? tmp[i] : src[i]) : (tmp[i] > src[i] ? tmp[i] : src[i]);
            if (v != dst[i]) {
                dst[i] = v;
                changed = 1;
            }
        }
    }
}

static n2d2_status reconstruction_create(const n2d2_params *p, void **state)
{
    ff_morph_state *m;
    n2d2_status st = ff_morph_create(p, &m);
    if (st == N2D2_OK)
        *state = m;
    return st;
}

static n2d2_status reconstruction_apply(void *state, n2d2_tensor **data, n2d2_tensor **labels,
                                        int *label, n2d2_set set, n2d2_rng *rng)
{
    (void)label;
    (void)set;
    (void)rng;
    return ff_morph_apply(state, WHO, reconstruction_plane, data, labels);
}

static const n2d2_transform_ops reconstruction_ops = {
    sizeof(n2d2_transform_ops), 0,  reconstruction_create, reconstruction_apply, tf_same_shape,
    ff_morph_destroy,           {0}};

const n2d2_feature ff_reconstruction_feature = {
    sizeof(n2d2_feature),
    N2D2_KIND_TRANSFORM,
    "MorphologicalReconstructionTransformation",
    NULL,
    "morphological reconstruction (by erosion/dilation, opening/closing by reconstruction)",
    reconstruction_params,
    TF_COUNT_OF(reconstruction_params),
    &reconstruction_ops,
    0,
    {0}};
