/* n2d2-transforms-basic: the transformations a LeNet-style pipeline needs
 * (manual 21.5): Rescale, PadCrop, RangeAffine, Normalize, Flip. */
#include "basic.h"

static n2d2_status register_transforms(n2d2_registry *reg)
{
    const n2d2_feature *features[] = {&tf_rescale_feature, &tf_padcrop_feature,
                                      &tf_range_affine_feature, &tf_normalize_feature,
                                      &tf_flip_feature};
    for (size_t i = 0; i < sizeof features / sizeof features[0]; ++i) {
        n2d2_status st = n2d2_registry_add(reg, features[i]);
        if (st != N2D2_OK)
            return st;
    }
    return N2D2_OK;
}

N2D2_PLUGIN_DEFINE(transforms_basic, "1.0.0", "CECILL-C",
                   "Rescale, PadCrop, RangeAffine, Normalize and Flip transformations",
                   register_transforms, NULL)
