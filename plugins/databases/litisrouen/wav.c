/* RIFF/WAVE reader (see wav.h). */
#include "wav.h"

#include <stdint.h>
#include <string.h>

static unsigned u16(const unsigned char *p) { return (unsigned)p[0] | (unsigned)p[1] << 8; }

static unsigned long u32(const unsigned char *p)
{
    return (unsigned long)p[0] | (unsigned long)p[1] << 8 | (unsigned long)p[2] << 16 |
           (unsigned long)p[3] << 24;
}

n2d2_status wav_parse(const unsigned char *bytes, size_t size, const char *path, wav_info *out)
{
    memset(out, 0, sizeof *out);
    if (size < 12 || memcmp(bytes, "RIFF", 4) != 0 || memcmp(bytes + 8, "WAVE", 4) != 0)
        return n2d2_error(N2D2_ERR_PARSE, "%s: byte offset 0: not a RIFF/WAVE file", path);
    size_t at = 12, fmt_at = 0, data_size = 0;
    int have_fmt = 0, have_data = 0;
    while (at + 8 <= size && !have_data) {
        size_t len = (size_t)u32(bytes + at + 4);
        if (len > size - at - 8)
            return n2d2_error(N2D2_ERR_PARSE,
                              "%s: byte offset %zu: chunk '%.4s' of %zu bytes runs past the end "
                              "of the file (%zu bytes)", path, at, (const char *)bytes + at, len,
                              size);
        if (memcmp(bytes + at, "fmt ", 4) == 0) {
            if (len < 16)
                return n2d2_error(N2D2_ERR_PARSE, "%s: byte offset %zu: 'fmt ' chunk of %zu "
                                  "bytes, at least 16 expected", path, at, len);
            const unsigned char *f = bytes + at + 8;
            out->format = u16(f);
            out->channels = u16(f + 2);
            out->rate = (unsigned)u32(f + 4);
            out->bits = u16(f + 14);
            if (out->format == 0xFFFE && len >= 26) /* extensible: the sub-format */
                out->format = u16(f + 24);
            fmt_at = at;
            have_fmt = 1;
        } else if (memcmp(bytes + at, "data", 4) == 0) {
            if (!have_fmt)
                return n2d2_error(N2D2_ERR_PARSE, "%s: byte offset %zu: 'data' chunk before the "
                                  "'fmt ' chunk", path, at);
            out->data_offset = at + 8;
            data_size = len;
            have_data = 1;
        }
        at += 8 + len + (len & 1); /* chunks are padded to an even size */
    }
    if (!have_fmt)
        return n2d2_error(N2D2_ERR_PARSE, "%s: no 'fmt ' chunk", path);
    if (!have_data)
        return n2d2_error(N2D2_ERR_PARSE, "%s: no 'data' chunk", path);
    int pcm = out->format == 1 &&
              (out->bits == 8 || out->bits == 16 || out->bits == 24 || out->bits == 32);
    int flt = out->format == 3 && (out->bits == 32 || out->bits == 64);
    if (!pcm && !flt)
        return n2d2_error(N2D2_ERR_NOT_IMPLEMENTED,
                          "%s: byte offset %zu: encoding %u with %u-bit samples is not "
                          "implemented yet (PCM 8/16/24/32-bit and float 32/64-bit are)", path,
                          fmt_at, out->format, out->bits);
    if (out->channels != 1)
        return n2d2_error(N2D2_ERR_NOT_IMPLEMENTED,
                          "%s: byte offset %zu: %u channels: only mono files are supported (as "
                          "N2D2)", path, fmt_at, out->channels);
    size_t width = out->bits / 8;
    if (data_size % width != 0)
        return n2d2_error(N2D2_ERR_PARSE, "%s: byte offset %zu: 'data' chunk of %zu bytes is not "
                          "a whole number of %zu-byte samples", path, out->data_offset - 8,
                          data_size, width);
    out->n_samples = data_size / width;
    if (out->n_samples == 0)
        return n2d2_error(N2D2_ERR_PARSE, "%s: byte offset %zu: empty 'data' chunk", path,
                          out->data_offset - 8);
    return N2D2_OK;
}

void wav_samples(const unsigned char *bytes, const wav_info *info, float *out)
{
    const unsigned char *p = bytes + info->data_offset;
    size_t width = info->bits / 8;
    for (size_t i = 0; i < info->n_samples; ++i, p += width) {
        if (info->format == 3 && info->bits == 32) {
            uint32_t v = (uint32_t)u32(p);
            float f;
            memcpy(&f, &v, sizeof f);
            out[i] = f;
        } else if (info->format == 3) {
            uint64_t v = (uint64_t)u32(p) | (uint64_t)u32(p + 4) << 32;
            double d;
            memcpy(&d, &v, sizeof d);
            out[i] = (float)d;
        } else if (info->bits == 8) {
            out[i] = ((float)p[0] - 128.0f) / 128.0f;
        } else {
            /* little-endian two's complement, sign-extended from `bits` */
            int64_t v = 0;
            for (size_t b = 0; b < width; ++b)
                v |= (int64_t)p[b] << (8 * b);
            int64_t sign = (int64_t)1 << (info->bits - 1);
            v = (v ^ sign) - sign;
            out[i] = (float)((double)v / (double)sign);
        }
    }
}
