/* n2d2-fillers.so: registers the weight fillers of manual chapter 22.2. */
#include "filler_util.h"

static n2d2_status register_fillers(n2d2_registry *reg)
{
    const n2d2_feature *const features[] = {
        &n2d2_filler_constant_feature, &n2d2_filler_he_feature,     &n2d2_filler_normal_feature,
        &n2d2_filler_uniform_feature,  &n2d2_filler_xavier_feature,
    };
    for (size_t i = 0; i < sizeof features / sizeof features[0]; ++i) {
        n2d2_status st = n2d2_registry_add(reg, features[i]);
        if (st != N2D2_OK)
            return st;
    }
    return N2D2_OK;
}

N2D2_PLUGIN_DEFINE(fillers, "1.0.0", "CECILL-C",
                   "weight fillers: Constant, He, Normal, Uniform, Xavier", register_fillers, NULL)
