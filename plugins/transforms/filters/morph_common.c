/* Common part of the two morphology transformations: the keys Size, Shape,
 * ApplyToLabels, NbIterations, and running an operation on the image
 * (every channel, type kept) or on the pixel-wise labels. */
#include <stdlib.h>
#include <string.h>

#include "morph_common.h"

n2d2_status ff_morph_create(const n2d2_params *p, ff_morph_state **out)
{
    ff_morph_state *m = calloc(1, sizeof *m);
    if (!m)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    m->op = n2d2_params_enum(p, "Operation");
    m->to_labels = n2d2_params_bool(p, "ApplyToLabels");
    m->iterations = (size_t)n2d2_params_uint(p, "NbIterations");
    n2d2_status st =
        ff_se_make(n2d2_params_enum(p, "Shape"), (size_t)n2d2_params_uint(p, "Size"), &m->se);
    if (st != N2D2_OK) {
        free(m);
        return st;
    }
    *out = m;
    return N2D2_OK;
}

void ff_morph_destroy(void *state)
{
    ff_morph_state *m = state;
    if (m)
        ff_se_free(&m->se);
    free(m);
}

void ff_morph_n(const double *src, size_t h, size_t w, const ff_se *se, int dilate, size_t n,
                double *dst, double *tmp)
{
    memcpy(dst, src, h * w * sizeof *dst);
    for (size_t i = 0; i < n; ++i) {
        ff_morph(dst, h, w, se, dilate, tmp);
        memcpy(dst, tmp, h * w * sizeof *dst);
    }
}

n2d2_status ff_morph_apply(const ff_morph_state *m, const char *who, ff_morph_plane_fn fn,
                           n2d2_tensor **data, n2d2_tensor **labels)
{
    n2d2_status st = tf_check(*data, who);
    if (st != N2D2_OK)
        return st;
    n2d2_tensor **target = data;
    if (m->to_labels) {
        if (!*labels)
            return n2d2_error(N2D2_ERR_INVAL,
                              "%s: ApplyToLabels=1 needs pixel-wise labels, this "
                              "stimulus has none",
                              who);
        target = labels;
        if ((st = tf_check(*labels, who)) != N2D2_OK)
            return st;
    }
    size_t c = n2d2_tensor_dim(*target, 0), h = n2d2_tensor_dim(*target, 1),
           w = n2d2_tensor_dim(*target, 2), plane = h * w;
    if (plane == 0)
        return N2D2_OK;
    double *v = ff_to_double(*target), *out = malloc(c * plane * sizeof *out);
    double *work = malloc(3 * plane * sizeof *work);
    if (!v || !out || !work)
        st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    for (size_t k = 0; k < c && st == N2D2_OK; ++k)
        fn(m, v + k * plane, h, w, out + k * plane, work);
    if (st == N2D2_OK)
        st = ff_replace(target, n2d2_tensor_dtype(*target), c, h, w, out);
    free(v);
    free(out);
    free(work);
    return st;
}
