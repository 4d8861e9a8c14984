/* Helpers of the geometric transformations: data checks, border handling, resampling
 * of data and pixel-wise labels along a coordinate map, Gaussian kernels,
 * per-channel range keys ("Key[<ch>]"). Internal. */
#ifndef N2D2_GEO_UTIL_H
#define N2D2_GEO_UTIL_H

#include "../basic/tf_util.h"

#define GEO_COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Same names and order as PadCropTransformation (manual 21.5.22). */
#define GEO_BORDER_TYPES \
    "ConstantBorder|ReplicateBorder|ReflectBorder|WrapBorder|MinusOneReflectBorder|MeanBorder"
#define GEO_BORDER_HELP \
    "padding: ConstantBorder (BorderValue), ReplicateBorder (aaa|abc), ReflectBorder (cba|abc), " \
    "WrapBorder (abc|abc), MinusOneReflectBorder (dcb|abcd), MeanBorder (mean colour)"
enum { GEO_CONSTANT, GEO_REPLICATE, GEO_REFLECT, GEO_WRAP, GEO_REFLECT_101, GEO_MEAN };

/* *t must be a {C, H, W} tensor of a type tf_get/tf_set handle (UInt8,
 * Int8, Int32, Float32, Float64). The basic module's tf_check is not
 * linked in: both plugins may be whole-archive linked into one binary
 * (N2D2_STATIC_PLUGINS), so this module defines only geo_* symbols. */
n2d2_status geo_check(const n2d2_tensor *t, const char *who);
/* A list key of 1..TF_MAX_VALUES numbers; *n = 0 when absent. */
n2d2_status geo_read_list(const n2d2_params *p, const char *key, double *out, size_t *n);
/* A per-channel list must have 1 or `channels` values. */
n2d2_status geo_check_list(const char *key, size_t n, size_t channels, const char *who);

typedef struct geo_border {
    int type;
    double value[TF_MAX_VALUES];
    size_t n_values;
} geo_border;

/* Reads BorderType and BorderValue. */
n2d2_status geo_border_read(const n2d2_params *p, geo_border *b);
/* Map an out-of-range coordinate into [0, n); -1 for a constant border. */
long geo_border_index(long p, long n, int type);

/* A coordinate map: for each output pixel i (row-major, oh x ow), the
 * source position (sx[i], sy[i]) in input pixel units, pixel centres at
 * integers. */
typedef struct geo_map {
    size_t oh, ow;
    double *sx, *sy;
} geo_map;

n2d2_status geo_map_new(geo_map *m, size_t oh, size_t ow);
void geo_map_free(geo_map *m);

/* Resample *data along the map: bilinear (nearest when `nearest`), the
 * border `b` outside the image (NULL: replicate). Replaces *data (type
 * kept). Then moves *labels (when non-NULL) with the nearest neighbour; the
 * label border is -1 (ignored) for constant/mean borders. */
n2d2_status geo_remap(n2d2_tensor **data, n2d2_tensor **labels, const geo_map *m,
                      const geo_border *b, int nearest, const char *who);

/* *labels, when non-NULL, must be {1, h, w} int32 (same size as the data). */
n2d2_status geo_check_labels(const n2d2_tensor *labels, size_t h, size_t w, const char *who);

/* Normalised 1-D Gaussian kernel of `size` taps (centre (size-1)/2). */
n2d2_status geo_gaussian_kernel(size_t size, double sigma, double **kernel);

/* Per-channel ranges "Key[<ch>]=a b" (pattern key). `lo`/`hi` must hold
 * TF_MAX_VALUES entries, pre-filled with the defaults; `given[c]` marks the
 * channels found. Returns the count found. */
n2d2_status geo_read_channel_ranges(const n2d2_params *p, const char *pattern, double *lo,
                                    double *hi, int *given, size_t *found);
/* A "lo hi" range key (two values, lo <= hi). */
n2d2_status geo_read_range(const n2d2_params *p, const char *key, double *lo, double *hi);

/* Same output shape as input (transformations that keep the size). */
n2d2_status geo_same_shape(void *state, const n2d2_shape *in, n2d2_shape *out);

#endif
