/* RIFF/WAVE audio files for LITISRouen_Database: mono PCM (8, 16, 24 or
 * 32-bit) or IEEE float (32 or 64-bit), WAVE_FORMAT_EXTENSIBLE included.
 * Internal to the plugin; works on a memory buffer. */
#ifndef N2D2_DB_WAV_H
#define N2D2_DB_WAV_H

#include <stddef.h>
#include "n2d2/status.h"

typedef struct wav_info {
    unsigned format;      /* 1 PCM, 3 float */
    unsigned channels, bits, rate;
    size_t data_offset;   /* byte offset of the samples */
    size_t n_samples;     /* per channel */
} wav_info;

/* Check the header of `bytes` (file `path`). Errors name the file and the
 * byte offset: not RIFF/WAVE, missing or short "fmt " chunk, unsupported
 * encoding, several channels (not supported, as N2D2), missing data
 * chunk, a chunk running past the end, a data size that is not a whole
 * number of samples. */
n2d2_status wav_parse(const unsigned char *bytes, size_t size, const char *path, wav_info *out);

/* The samples as floats in [-1, 1): PCM divided by 2^(bits-1) (8-bit
 * samples are unsigned, centred on 128), float copied. */
void wav_samples(const unsigned char *bytes, const wav_info *info, float *out);

#endif
