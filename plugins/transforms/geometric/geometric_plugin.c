/* n2d2-transforms-geometric: the geometric, colour and random value
 * transformations of manual 21.5 (slices, distortion, crops, stripes,
 * reshape, labels, colour spaces, random affine, clipping, channel
 * drop/shake). */
#include "geo_util.h"

extern const n2d2_feature geo_slice_feature, geo_distortion_feature, geo_rrc_feature,
    geo_centroid_feature, geo_stripe_feature, geo_reshape_feature, geo_expand_label_feature,
    geo_channel_extraction_feature, geo_colorspace_feature, geo_random_affine_feature,
    geo_range_clipping_feature, geo_channel_drop_feature, geo_channel_shake_feature;

static n2d2_status register_transforms(n2d2_registry *reg)
{
    const n2d2_feature *features[] = {
        &geo_slice_feature,          &geo_distortion_feature,         &geo_rrc_feature,
        &geo_centroid_feature,       &geo_stripe_feature,             &geo_reshape_feature,
        &geo_expand_label_feature,   &geo_channel_extraction_feature, &geo_colorspace_feature,
        &geo_random_affine_feature,  &geo_range_clipping_feature,     &geo_channel_drop_feature,
        &geo_channel_shake_feature};
    for (size_t i = 0; i < TF_COUNT_OF(features); ++i) {
        n2d2_status st = n2d2_registry_add(reg, features[i]);
        if (st != N2D2_OK)
            return st;
    }
    return N2D2_OK;
}

N2D2_PLUGIN_DEFINE(transforms_geometric, "1.0.0", "CECILL-C",
                   "SliceExtraction, Distortion, RandomResizeCrop, CentroidCrop, StripeRemove, "
                   "Reshape, ExpandLabel, ChannelExtraction, ColorSpace, RandomAffine, "
                   "RangeClipping, ChannelDrop and ChannelShake transformations",
                   register_transforms, NULL)
