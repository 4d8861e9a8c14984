/* n2d2-transforms-filters: the signal/filter transformations of manual
 * 21.5 (Affine, Apodization, DFT, MagnitudePhase, Equalize, Filter,
 * GradientFilter, Morphology, MorphologicalReconstruction, Threshold, Trim,
 * WallisFilter, LabelFilter). */
#include "ff.h"

static n2d2_status register_transforms(n2d2_registry *reg)
{
    const n2d2_feature *features[] = {
        &ff_affine_feature,          &ff_apodization_feature, &ff_dft_feature,
        &ff_magnitude_phase_feature, &ff_equalize_feature,    &ff_filter_feature,
        &ff_gradient_feature,        &ff_morphology_feature,  &ff_reconstruction_feature,
        &ff_threshold_feature,       &ff_trim_feature,        &ff_wallis_feature,
        &ff_label_filter_feature};
    for (size_t i = 0; i < TF_COUNT_OF(features); ++i) {
        n2d2_status st = n2d2_registry_add(reg, features[i]);
        if (st != N2D2_OK)
            return st;
    }
    return N2D2_OK;
}

N2D2_PLUGIN_DEFINE(transforms_filters, "1.0.0", "CECILL-C",
                   "Affine, Apodization, DFT, MagnitudePhase, Equalize, Filter, GradientFilter, "
                   "Morphology, MorphologicalReconstruction, Threshold, Trim, WallisFilter and "
                   "LabelFilter transformations",
                   register_transforms, NULL)
