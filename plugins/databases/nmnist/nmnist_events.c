/* N-MNIST event decoding (see nmnist_events.h). */
#include "nmnist_events.h"

nmnist_event nmnist_event_at(const unsigned char *bytes, size_t i)
{
    const unsigned char *b = bytes + 5 * i;
    nmnist_event e;
    e.x = b[0];
    e.y = b[1];
    e.polarity = b[2] >> 7;
    e.time_us = ((uint32_t)(b[2] & 0x7f) << 16) | ((uint32_t)b[3] << 8) | b[4];
    return e;
}

n2d2_status nmnist_accumulate(const unsigned char *bytes, size_t size, const char *path,
                              unsigned side, float *frame)
{
    if (size % 5 != 0)
        return n2d2_error(N2D2_ERR_PARSE,
                          "%s: %zu bytes is not a whole number of 5-byte events: the last event, "
                          "from byte offset %zu, is truncated", path, size, size / 5 * 5);
    size_t plane = (size_t)side * side;
    for (size_t i = 0; i < size / 5; ++i) {
        nmnist_event e = nmnist_event_at(bytes, i);
        if (e.x >= side || e.y >= side)
            return n2d2_error(N2D2_ERR_PARSE,
                              "%s: event %zu at byte offset %zu has address (x=%u, y=%u) outside "
                              "the %ux%u sensor window", path, i, 5 * i, e.x, e.y, side, side);
        frame[e.polarity * plane + (size_t)e.y * side + e.x] += 1.0f;
    }
    return N2D2_OK;
}
