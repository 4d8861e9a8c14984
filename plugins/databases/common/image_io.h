/* Image files for the database drivers, decoded by OpenCV 4 (imgcodecs):
 * PNG, JPEG, PGM/PPM, TIFF, BMP and whatever else the installed OpenCV
 * reads. Internal to the database plugins (a static library linked into
 * each driver that needs it), with a C interface so drivers stay C11. */
#ifndef N2D2_DB_IMAGE_IO_H
#define N2D2_DB_IMAGE_IO_H

#include <stddef.h>
#include "n2d2/status.h"
#include "n2d2/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Decode `path` as it is stored (OpenCV's IMREAD_UNCHANGED: no colour
 * conversion, alpha kept) into a new tensor {C, H, W}. Channels stay in
 * OpenCV's order, BGR(A), N2D2's default pixel format (manual line 5269).
 * Element types: 8-bit unsigned -> UInt8 and 8-bit signed -> Int8 (raw);
 * float -> Float32 / Float64 (raw); 16-bit unsigned, 16-bit signed and
 * 32-bit signed -> Float32 (Float64 for 32-bit) divided by the depth's
 * unit value (65535, 32767, 2147483647), N2D2's implicit [0, 1] mapping,
 * because the tensor API has no 16-bit integer type. Errors name the
 * file: missing/unreadable (N2D2_ERR_IO / N2D2_ERR_NOT_FOUND), not a
 * decodable image or corrupt (N2D2_ERR_PARSE). Thread-safe. */
n2d2_status n2d2_dbimg_read(const char *path, n2d2_tensor **out);

/* Stimulus `index` of `db` decoded from the file its name gives (as
 * n2d2_dbimg_read); *labels (when asked) is NULL: no pixel-wise labels.
 * `type` names the driver in the error for an unknown index. */
struct n2d2_database;
n2d2_status n2d2_dbimg_read_stimulus(const struct n2d2_database *db, size_t index,
                                     const char *type, n2d2_tensor **data, n2d2_tensor **labels);

/* Pixel formats n2d2_dbimg_write accepts. */
typedef enum n2d2_dbimg_depth {
    N2D2_DBIMG_U8 = 0,  /* uint8_t samples */
    N2D2_DBIMG_U16 = 1, /* uint16_t samples (PNG, TIFF, PGM/PPM) */
    N2D2_DBIMG_F32 = 2  /* float samples (TIFF) */
} n2d2_dbimg_depth;

/* Encode planar {C, H, W} samples `chw` (channels in BGR(A) order, C = 1,
 * 3 or 4) into `path`; the format follows the extension. Used by the tests
 * to build miniature datasets. */
n2d2_status n2d2_dbimg_write(const char *path, n2d2_dbimg_depth depth, size_t channels,
                             size_t height, size_t width, const void *chw);

#ifdef __cplusplus
}
#endif

#endif
