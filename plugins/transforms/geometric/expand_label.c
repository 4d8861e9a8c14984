/* ExpandLabelTransformation (manual 21.5.12): turn the single label of a
 * stimulus (the 1x1 label map, or the stimulus label when there is no map)
 * into a full-frame pixel-wise label map {1, H, W}. A map already the size
 * of the data is left alone; any other map is refused. */
#include <stdlib.h>

#include "geo_util.h"

#define WHO "ExpandLabelTransformation"

static n2d2_status expand_create(const n2d2_params *p, void **state)
{
    (void)p;
    *state = NULL;
    return N2D2_OK;
}

static n2d2_status expand_apply(void *state, n2d2_tensor **data, n2d2_tensor **labels, int *label,
                                n2d2_set set, n2d2_rng *rng)
{
    (void)state;
    (void)set;
    (void)rng;
    n2d2_status st = tf_check(*data, WHO);
    if (st != N2D2_OK)
        return st;
    size_t h = n2d2_tensor_dim(*data, 1), w = n2d2_tensor_dim(*data, 2);
    int value = *label;
    if (*labels) {
        if (n2d2_tensor_numel(*labels) != 1)
            return geo_check_labels(*labels, h, w, WHO);
        value = (int)n2d2_tensor_get(*labels, 0);
    }
    size_t dims[3] = {1, h, w};
    n2d2_tensor *out;
    st = n2d2_tensor_new(N2D2_INT32, 3, dims, &out);
    if (st != N2D2_OK)
        return st;
    int32_t *d = n2d2_tensor_data(out);
    for (size_t i = 0; i < h * w; ++i)
        d[i] = value;
    n2d2_tensor_release(*labels);
    *labels = out;
    return N2D2_OK;
}

static void expand_destroy(void *state) { (void)state; }

static const n2d2_transform_ops expand_ops = {
    sizeof(n2d2_transform_ops), 0, expand_create, expand_apply, tf_same_shape, expand_destroy,
    {0}};

const n2d2_feature geo_expand_label_feature = {
    sizeof(n2d2_feature), N2D2_KIND_TRANSFORM, "ExpandLabelTransformation", NULL,
    "expand the stimulus label to a full-frame pixel-wise label map", NULL, 0, &expand_ops, 0,
    {0}};
