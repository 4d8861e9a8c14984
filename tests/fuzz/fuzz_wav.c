/* libFuzzer target for the WAV reader of LITISRouen_Database
 * (plugins/databases/litisrouen/wav.c): any byte string must be accepted
 * with its samples inside the buffer and in [-1, 1], or refused with a
 * message naming the file; never read out of bounds. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "n2d2/status.h"
#include "wav.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wav_info info;
    n2d2_status st = wav_parse(data, size, "fuzz.wav", &info);
    if (st == N2D2_OK) {
        size_t bytes = info.n_samples * (info.bits / 8);
        if (info.data_offset > size || bytes > size - info.data_offset || info.n_samples == 0)
            __builtin_trap();
        float *out = malloc(info.n_samples * sizeof *out);
        if (out) {
            wav_samples(data, &info, out);
            for (size_t i = 0; i < info.n_samples; ++i)
                if (info.format == 1 && !(out[i] >= -1.0f && out[i] <= 1.0f))
                    __builtin_trap(); /* PCM maps into [-1, 1) */
            free(out);
        }
    } else if (strncmp(n2d2_error_message(), "fuzz.wav:", 9) != 0) {
        __builtin_trap();
    }
    n2d2_error_clear();
    return 0;
}
