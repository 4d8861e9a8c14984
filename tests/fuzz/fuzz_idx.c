/* libFuzzer target for the IDX reader of the MNIST plugin: any byte string
 * must parse or fail with a message, never read out of bounds; what parses
 * must describe exactly the bytes it was given. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "idx.h"
#include "n2d2/status.h"

static size_t elem_size(uint8_t type)
{
    return type == MNIST_IDX_UBYTE || type == MNIST_IDX_SBYTE ? 1
           : type == MNIST_IDX_SHORT                          ? 2
           : type == MNIST_IDX_DOUBLE                         ? 8
                                                              : 4;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mnist_idx idx;
    n2d2_status st = mnist_idx_parse(data, size, "fuzz.idx", (int)(size & 1), &idx);
    if (st == N2D2_OK) {
        if (idx.header + idx.count * elem_size(idx.type) != size || idx.data != data + idx.header)
            __builtin_trap();
        unsigned sum = 0; /* every element is readable */
        for (size_t i = 0; i < idx.count * elem_size(idx.type); ++i)
            sum += idx.data[i];
        (void)sum;
        mnist_idx_expect(&idx, "fuzz.idx", MNIST_IDX_UBYTE, 3, "images");
    } else if (strncmp(n2d2_error_message(), "fuzz.idx: ", 10) != 0) {
        __builtin_trap(); /* every error names the file */
    }
    n2d2_error_clear();
    return 0;
}
