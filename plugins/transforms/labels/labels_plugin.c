/* n2d2-transforms-labels: transformations that choose their window from
 * the pixel-wise label map (manual 21.5.17 LabelSliceExtraction, 21.5.23
 * ROIExtraction). */
#include "lbl_util.h"

static n2d2_status register_transforms(n2d2_registry *reg)
{
    n2d2_status st = n2d2_registry_add(reg, &lbl_slice_feature);
    return st == N2D2_OK ? n2d2_registry_add(reg, &lbl_roi_feature) : st;
}

N2D2_PLUGIN_DEFINE(transforms_labels, "1.0.0", "CECILL-C",
                   "LabelSliceExtraction and ROIExtraction transformations (pixel-wise labels)",
                   register_transforms, NULL)
