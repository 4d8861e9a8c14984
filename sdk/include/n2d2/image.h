/* n2d2/image.h — writing tensors as pictures for people to look at (the
 * frames/, pre_samples_<id>/ folders and StimuliData's meanData.bin.png).
 *
 * PNG files are written without any image library: 8-bit, zlib "stored"
 * (uncompressed) deflate blocks, so they are larger than usual but readable
 * by every viewer. The value range of the tensor (its min..max) is mapped
 * to 0..255; a constant tensor gives a black picture.
 */
#ifndef N2D2_IMAGE_H
#define N2D2_IMAGE_H

#include <stddef.h>
#include <stdint.h>
#include "n2d2/export.h"
#include "n2d2/status.h"
#include "n2d2/tensor.h"

N2D2_BEGIN_DECLS

/* Write an 8-bit PNG of `channels` interleaved planes (1 gray, 2 gray +
 * alpha, 3 RGB, 4 RGBA), `height` rows of `width` pixels. */
N2D2_API n2d2_status n2d2_png_write_u8(const char *path, const uint8_t *pixels, size_t channels,
                                       size_t height, size_t width);

/* Write a {C, H, W} tensor (any dtype) as a PNG, min..max mapped to 0..255.
 * C = 1: gray; C = 3: BGR (OpenCV's, hence N2D2's, channel order) written
 * as RGB; C = 4: BGRA; any other C: the channel planes side by side, gray. */
N2D2_API n2d2_status n2d2_png_write_tensor(const char *path, const n2d2_tensor *t);

N2D2_END_DECLS

#endif
