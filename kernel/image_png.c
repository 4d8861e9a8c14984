/* PNG writer for n2d2/image.h. No image library in the kernel: the zlib
 * stream uses "stored" deflate blocks (no compression), which every PNG
 * reader accepts; CRC-32 and Adler-32 are computed here. */
#include <errno.h>
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "n2d2/image.h"

static uint32_t crc_table[256];
static int crc_ready;

static void crc_init(void)
{
    for (uint32_t n = 0; n < 256; ++n) {
        uint32_t c = n;
        for (int k = 0; k < 8; ++k)
            c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
    crc_ready = 1; /* same values from any thread: a race is harmless */
}

static uint32_t crc_update(uint32_t crc, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; ++i)
        crc = crc_table[(crc ^ p[i]) & 0xffu] ^ (crc >> 8);
    return crc;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* One chunk: length, type, data, CRC of type + data. */
static int write_chunk(FILE *f, const char *type, const uint8_t *data, size_t n)
{
    uint8_t head[8];
    put_be32(head, (uint32_t)n);
    memcpy(head + 4, type, 4);
    uint32_t crc = crc_update(0xffffffffu, head + 4, 4);
    crc = crc_update(crc, data, n) ^ 0xffffffffu;
    uint8_t tail[4];
    put_be32(tail, crc);
    return fwrite(head, 1, 8, f) == 8 && (n == 0 || fwrite(data, 1, n, f) == n) &&
           fwrite(tail, 1, 4, f) == 4;
}

n2d2_status n2d2_png_write_u8(const char *path, const uint8_t *pixels, size_t channels,
                              size_t height, size_t width)
{
    static const uint8_t color_type[5] = {0, 0, 4, 2, 6};
    if (!path || !pixels || channels < 1 || channels > 4 || height == 0 || width == 0 ||
        height > 0x7fffffffu || width > 0x7fffffffu / channels)
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_png_write_u8: invalid arguments");
    if (!crc_ready)
        crc_init();
    /* Raw scanlines (filter byte 0 + row) wrapped in stored blocks. */
    size_t row = width * channels, raw = (row + 1) * height;
    size_t blocks = raw / 65535 + 1;
    size_t zsize = 2 + raw + 5 * blocks + 4;
    uint8_t *z = malloc(zsize);
    if (!z)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory writing '%s'", path);
    size_t o = 0, done = 0, y = 0, x = 0; /* x: position in the current line incl. filter */
    uint32_t a = 1, b = 0;
    z[o++] = 0x78;
    z[o++] = 0x01;
    while (done < raw) { /* raw > 0: height and width are */
        size_t n = raw - done < 65535 ? raw - done : 65535;
        z[o++] = done + n == raw ? 1 : 0;
        z[o++] = (uint8_t)n;
        z[o++] = (uint8_t)(n >> 8);
        z[o++] = (uint8_t)~n;
        z[o++] = (uint8_t)(~n >> 8);
        for (size_t i = 0; i < n; ++i) {
            uint8_t v = x == 0 ? 0 : pixels[y * row + x - 1];
            if (++x == row + 1) {
                x = 0;
                ++y;
            }
            z[o++] = v;
            a = (a + v) % 65521u;
            b = (b + a) % 65521u;
        }
        done += n;
    }
    put_be32(z + o, (b << 16) | a);
    o += 4;

    FILE *f = fopen(path, "wb");
    if (!f) {
        free(z);
        return n2d2_error(N2D2_ERR_IO, "cannot create '%s': %s", path, strerror(errno));
    }
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    uint8_t ihdr[13];
    put_be32(ihdr, (uint32_t)width);
    put_be32(ihdr + 4, (uint32_t)height);
    ihdr[8] = 8; /* bit depth */
    ihdr[9] = color_type[channels];
    ihdr[10] = ihdr[11] = ihdr[12] = 0; /* deflate, adaptive filtering, no interlace */
    int ok = fwrite(sig, 1, 8, f) == 8 && write_chunk(f, "IHDR", ihdr, 13) &&
             write_chunk(f, "IDAT", z, o) && write_chunk(f, "IEND", NULL, 0);
    free(z);
    if (fclose(f) != 0)
        ok = 0;
    if (!ok)
        return n2d2_error(N2D2_ERR_IO, "write error on '%s'", path);
    return N2D2_OK;
}

n2d2_status n2d2_png_write_tensor(const char *path, const n2d2_tensor *t)
{
    if (!t || n2d2_tensor_ndim(t) != 3)
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_png_write_tensor: '%s': a {C, H, W} tensor is "
                                          "needed", path ? path : "?");
    size_t c = n2d2_tensor_dim(t, 0), h = n2d2_tensor_dim(t, 1), w = n2d2_tensor_dim(t, 2);
    size_t n = c * h * w;
    if (n == 0)
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_png_write_tensor: '%s': empty tensor", path);
    double lo = DBL_MAX, hi = -DBL_MAX;
    for (size_t i = 0; i < n; ++i) {
        double v = n2d2_tensor_get(t, i);
        if (v < lo)
            lo = v;
        if (v > hi)
            hi = v;
    }
    double scale = hi > lo ? 255.0 / (hi - lo) : 0.0;
    int interleave = c == 1 || c == 3 || c == 4;
    size_t pc = interleave ? c : 1, pw = interleave ? w : w * c;
    uint8_t *px = malloc(n);
    if (!px)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory writing '%s'", path);
    for (size_t k = 0; k < c; ++k) {
        /* BGR(A) → RGB(A): swap planes 0 and 2. */
        size_t dst_k = interleave && c >= 3 && k < 3 ? 2 - k : k;
        for (size_t y = 0; y < h; ++y)
            for (size_t x = 0; x < w; ++x) {
                double v = (n2d2_tensor_get(t, (k * h + y) * w + x) - lo) * scale + 0.5;
                uint8_t b = v > 0 ? (v < 255 ? (uint8_t)v : 255) : 0; /* NaN: 0 */
                if (interleave)
                    px[(y * w + x) * c + dst_k] = b;
                else
                    px[y * pw + k * w + x] = b;
            }
    }
    n2d2_status st = n2d2_png_write_u8(path, px, pc, h, pw);
    free(px);
    return st;
}
