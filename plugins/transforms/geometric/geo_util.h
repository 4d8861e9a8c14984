/* Helpers of the geometric transformations: resampling of data and
 * pixel-wise labels along a coordinate map, Gaussian kernels, per-channel
 * range keys ("Key[<ch>]"). Checks, key lists and borders come from
 * n2d2-transforms-common (tf_util.h). Internal. */
#ifndef N2D2_GEO_UTIL_H
#define N2D2_GEO_UTIL_H

#include "tf_util.h"

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
                      const tf_border *b, int nearest, const char *who);

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

#endif
