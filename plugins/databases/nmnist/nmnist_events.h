/* N-MNIST event files (Orchard et al. 2015): a sequence of 5-byte
 * (40-bit) big-endian events,
 *   bits 39-32  x address (pixel column, 0-based)
 *   bits 31-24  y address (pixel row)
 *   bit  23     polarity (0 = OFF, 1 = ON)
 *   bits 22-0   timestamp in microseconds.
 * Internal to the N_MNIST_Database plugin; works on a memory buffer. */
#ifndef N2D2_DB_NMNIST_EVENTS_H
#define N2D2_DB_NMNIST_EVENTS_H

#include <stddef.h>
#include <stdint.h>
#include "n2d2/status.h"

#define NMNIST_SIDE 34 /* the ATIS sensor window of N-MNIST: 34 x 34 pixels */

typedef struct nmnist_event {
    unsigned x, y, polarity;
    uint32_t time_us;
} nmnist_event;

/* Decode event `i` of `bytes` (no bounds check: i < size / 5). */
nmnist_event nmnist_event_at(const unsigned char *bytes, size_t i);

/* Accumulate the events of `bytes` into `frame` {2, side, side} (channel
 * 0: OFF events, 1: ON events; one count per event). Errors name `path`
 * and the byte offset: a size that is not a whole number of events, an
 * address outside the side x side window. */
n2d2_status nmnist_accumulate(const unsigned char *bytes, size_t size, const char *path,
                              unsigned side, float *frame);

#endif
