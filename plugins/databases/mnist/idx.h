/* IDX files (the MNIST format): parsing from memory, loading (plain or
 * gzip) from disk. Internal to the MNIST plugin; also compiled into its
 * tests and the fuzz target. */
#ifndef N2D2_MNIST_IDX_H
#define N2D2_MNIST_IDX_H

#include <stddef.h>
#include <stdint.h>
#include "n2d2/status.h"

#define MNIST_IDX_MAX_DIMS 8

/* Element type codes of the IDX header's third byte. */
enum {
    MNIST_IDX_UBYTE = 0x08,
    MNIST_IDX_SBYTE = 0x09,
    MNIST_IDX_SHORT = 0x0B,
    MNIST_IDX_INT = 0x0C,
    MNIST_IDX_FLOAT = 0x0D,
    MNIST_IDX_DOUBLE = 0x0E
};

typedef struct mnist_idx {
    uint8_t type;
    uint32_t ndim;
    uint32_t dims[MNIST_IDX_MAX_DIMS];
    size_t header;       /* bytes before the data: 4 + 4 * ndim */
    size_t count;        /* elements: product of dims */
    const uint8_t *data; /* into the parsed buffer */
} mnist_idx;

/* Parse an IDX image in memory. `name` (the file) starts every message;
 * `gz` says the offsets are in decompressed data. Errors (N2D2_ERR_PARSE):
 * bad magic, unknown type, truncated header or data, trailing bytes — each
 * with the byte offset and what was expected. */
n2d2_status mnist_idx_parse(const uint8_t *buf, size_t len, const char *name, int gz,
                            mnist_idx *out);

/* Check type and rank, e.g. (UBYTE, 3) for images. */
n2d2_status mnist_idx_expect(const mnist_idx *idx, const char *name, uint8_t type, uint32_t ndim,
                             const char *what);

/* Read a whole file, decompressing gzip data (zlib reads plain files as
 * they are). *gz tells which it was. The buffer is malloc'd. */
n2d2_status mnist_idx_read_file(const char *path, uint8_t **buf, size_t *len, int *gz);

#endif
