/* n2d2-activations.so: registers the activation functions of manual
 * chapter 22.4 (plus Linear and Swish, named elsewhere in the manual). */
#include "act_util.h"

static n2d2_status register_activations(n2d2_registry *reg)
{
    const n2d2_feature *const features[] = {
        &n2d2_act_linear_feature,        &n2d2_act_logistic_feature, &n2d2_act_logistic_loss_feature,
        &n2d2_act_rectifier_feature,     &n2d2_act_saturation_feature, &n2d2_act_softplus_feature,
        &n2d2_act_swish_feature,         &n2d2_act_tanh_feature,     &n2d2_act_tanh_lecun_feature,
    };
    for (size_t i = 0; i < sizeof features / sizeof features[0]; ++i) {
        n2d2_status st = n2d2_registry_add(reg, features[i]);
        if (st != N2D2_OK)
            return st;
    }
    return N2D2_OK;
}

N2D2_PLUGIN_DEFINE(activations, "1.0.0", "CECILL-C",
                   "activation functions: Linear, Logistic, LogisticWithLoss, Rectifier, "
                   "Saturation, Softplus, Swish, Tanh, TanhLeCun",
                   register_activations, NULL)
