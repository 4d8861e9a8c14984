/* The targets plugin: `Target` and `TargetScore` (N2D2's default when a
 * `[<cell>.Target]` section has no Type), with every key of manual
 * ch. 23.3.1. */
#include "target_internal.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static const n2d2_param_spec target_params[] = {
    {"Type", N2D2_PARAM_STRING, "TargetScore", NULL, 0, 0, 0,
     "target class (Target and TargetScore both compute the scores here)"},
    {"TargetValue", N2D2_PARAM_FLOAT, "1.0", NULL, 0, 0, 0,
     "target value of the output of the item's class"},
    {"DefaultValue", N2D2_PARAM_FLOAT, "0.0", NULL, 0, 0, 0,
     "target value of the other outputs"},
    {"TopN", N2D2_PARAM_UINT, "1", NULL, 1, 4294967295.0, N2D2_PARAM_RANGE,
     "an item is recognised when its class is among the N highest outputs"},
    {"BinaryThreshold", N2D2_PARAM_FLOAT, "0.5", NULL, 0, 0, 0,
     "single output: the estimated class is 1 when the output is above it"},
    {"DataAsTarget", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0,
     "the input data is the target (auto-encoders) [not implemented yet]"},
    {"LabelsMapping", N2D2_PARAM_STRING, "", NULL, 0, 0, 0,
     "file mapping database label names to output indices (relative to the INI file)"},
    {"CreateMissingLabels", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0,
     "accept LabelsMapping names that are not database labels (they have no stimuli)"},
    {"WeakTarget", N2D2_PARAM_INT, "-2", NULL, -2, 2147483647.0, N2D2_PARAM_RANGE,
     "weak label of pixel-wise macro-pixels: -1 = ignore, -2 = none [only -2 implemented]"},
    {"MaskLabelTarget", N2D2_PARAM_STRING, "", NULL, 0, 0, 0,
     "target whose estimates mask this one [not implemented yet]"},
    {"MaskedLabel", N2D2_PARAM_INT, "-1", NULL, -1, 2147483647.0, N2D2_PARAM_RANGE,
     "if >= 0, only estimates where the mask target estimated it count [not implemented yet]"},
    {"MaskedLabelValue", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0,
     "weight estimates by the mask target's value of MaskedLabel [not implemented yet]"},
    {"NoDisplayLabel", N2D2_PARAM_INT, "-1", NULL, -1, 2147483647.0, N2D2_PARAM_RANGE,
     "label not drawn in estimated-output images [not implemented yet]"},
    {"LabelsHueOffset", N2D2_PARAM_INT, "0", NULL, 0, 0, 0,
     "hue of label 0 in estimated-output images [not implemented yet]"},
    {"EstimatedLabelsValueDisplay", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0,
     "HSV value = estimated confidence in output images [not implemented yet]"},
    {"ValueThreshold", N2D2_PARAM_FLOAT, "0.0", NULL, 0, 0, 0,
     "minimum estimated value shown in output logs [not implemented yet]"},
    {"ImageLogFormat", N2D2_PARAM_STRING, "jpg", NULL, 0, 0, 0,
     "format of estimated-output images [not implemented yet]"},
    {"Loss", N2D2_PARAM_ENUM, "MSE", "MSE|CrossEntropy", 0, 0, 0,
     "n2d2-c extension: loss reported (0.5*sum (y-t)^2, or -log y[class]); the gradient is "
     "always output - target"},
};

static const n2d2_feature target_features[] = {
    {(uint32_t)sizeof(n2d2_feature), N2D2_KIND_TARGET, "TargetScore", NULL,
     "classification target: loss, gradient, confusion matrix and metrics", target_params,
     COUNT_OF(target_params), &n2d2_tgt_score_ops, 0, {0, 0, 0, 0}},
    {(uint32_t)sizeof(n2d2_feature), N2D2_KIND_TARGET, "Target", NULL,
     "base target (same as TargetScore here)", target_params, COUNT_OF(target_params),
     &n2d2_tgt_score_ops, 0, {0, 0, 0, 0}},
};

static n2d2_status register_targets(n2d2_registry *reg)
{
    for (size_t i = 0; i < COUNT_OF(target_features); ++i) {
        n2d2_status st = n2d2_registry_add(reg, &target_features[i]);
        if (st != N2D2_OK)
            return st;
    }
    return N2D2_OK;
}

N2D2_PLUGIN_DEFINE(targets, "1.0.0", "CECILL-C", "Target and TargetScore: losses, gradients, "
                   "confusion matrices and metrics", register_targets, NULL)
