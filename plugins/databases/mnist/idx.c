/* IDX format, as described on the MNIST page: a 4-byte magic number (two
 * zero bytes, an element type code, the number of dimensions), one
 * big-endian 32-bit size per dimension, then the elements in row-major
 * order, big-endian. */
#include "idx.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

static size_t type_size(uint8_t type)
{
    switch (type) {
    case MNIST_IDX_UBYTE:
    case MNIST_IDX_SBYTE:
        return 1;
    case MNIST_IDX_SHORT:
        return 2;
    case MNIST_IDX_INT:
    case MNIST_IDX_FLOAT:
        return 4;
    case MNIST_IDX_DOUBLE:
        return 8;
    default:
        return 0;
    }
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static const char *in_what(int gz) { return gz ? " of the decompressed data" : ""; }

n2d2_status mnist_idx_parse(const uint8_t *buf, size_t len, const char *name, int gz,
                            mnist_idx *out)
{
    memset(out, 0, sizeof *out);
    if (len < 4)
        return n2d2_error(N2D2_ERR_PARSE,
                          "%s: truncated at byte offset %zu%s: expected a 4-byte IDX magic number",
                          name, len, in_what(gz));
    uint32_t magic = be32(buf);
    if (buf[0] != 0 || buf[1] != 0)
        return n2d2_error(N2D2_ERR_PARSE,
                          "%s: bad IDX magic number 0x%08x at byte offset 0: expected two zero "
                          "bytes, a type code and a rank (0x00000803 for images, 0x00000801 for "
                          "labels)", name, magic);
    out->type = buf[2];
    out->ndim = buf[3];
    size_t elem = type_size(out->type);
    if (!elem)
        return n2d2_error(N2D2_ERR_PARSE,
                          "%s: unknown IDX element type 0x%02x at byte offset 2 (expected 0x08, "
                          "0x09, 0x0B, 0x0C, 0x0D or 0x0E)", name, out->type);
    if (out->ndim == 0 || out->ndim > MNIST_IDX_MAX_DIMS)
        return n2d2_error(N2D2_ERR_PARSE,
                          "%s: IDX rank %u at byte offset 3 is outside 1..%d", name, out->ndim,
                          MNIST_IDX_MAX_DIMS);
    out->header = 4 + 4 * (size_t)out->ndim;
    if (len < out->header)
        return n2d2_error(N2D2_ERR_PARSE,
                          "%s: truncated at byte offset %zu%s: expected %u dimension sizes "
                          "(a %zu-byte header)", name, len, in_what(gz), out->ndim, out->header);
    size_t count = 1;
    for (uint32_t k = 0; k < out->ndim; ++k) {
        out->dims[k] = be32(buf + 4 + 4 * k);
        if (out->dims[k] != 0 && count > SIZE_MAX / elem / out->dims[k])
            return n2d2_error(N2D2_ERR_PARSE, "%s: IDX dimension sizes at byte offset 4 overflow",
                              name);
        count *= out->dims[k];
    }
    out->count = count;
    size_t need = count * elem;
    size_t have = len - out->header;
    if (have < need)
        return n2d2_error(N2D2_ERR_PARSE,
                          "%s: truncated at byte offset %zu%s: expected %zu bytes of data after "
                          "the %zu-byte header, found %zu", name, len, in_what(gz), need,
                          out->header, have);
    if (have > need)
        return n2d2_error(N2D2_ERR_PARSE,
                          "%s: %zu unexpected bytes after the data, from byte offset %zu%s",
                          name, have - need, out->header + need, in_what(gz));
    out->data = buf + out->header;
    return N2D2_OK;
}

n2d2_status mnist_idx_expect(const mnist_idx *idx, const char *name, uint8_t type, uint32_t ndim,
                             const char *what)
{
    if (idx->type != type || idx->ndim != ndim)
        return n2d2_error(N2D2_ERR_PARSE,
                          "%s: IDX magic 0x%08x at byte offset 0 says type 0x%02x rank %u, but %s "
                          "need type 0x%02x rank %u (magic 0x%08x)",
                          name, (unsigned)idx->type << 8 | idx->ndim, idx->type, idx->ndim, what,
                          type, ndim, (unsigned)type << 8 | ndim);
    return N2D2_OK;
}

n2d2_status mnist_idx_read_file(const char *path, uint8_t **buf, size_t *len, int *gz)
{
    *buf = NULL;
    *len = 0;
    *gz = 0;
    struct stat info;
    if (stat(path, &info) != 0)
        return n2d2_error(N2D2_ERR_NOT_FOUND, "%s: %s", path, strerror(errno));
    gzFile f = gzopen(path, "rb");
    if (!f)
        return n2d2_error(N2D2_ERR_IO, "%s: cannot open: %s", path,
                          errno ? strerror(errno) : "out of memory");
    gzbuffer(f, 1 << 17);
    size_t cap = info.st_size > 0 ? (size_t)info.st_size + 1 : 4096, used = 0;
    uint8_t *data = malloc(cap);
    n2d2_status st = data ? N2D2_OK : n2d2_error(N2D2_ERR_NOMEM, "out of memory reading %s", path);
    while (st == N2D2_OK) {
        if (used == cap) {
            uint8_t *grown = cap <= SIZE_MAX / 2 ? realloc(data, cap * 2) : NULL;
            if (!grown) {
                st = n2d2_error(N2D2_ERR_NOMEM, "out of memory reading %s", path);
                break;
            }
            data = grown;
            cap *= 2;
        }
        size_t want = cap - used > (1u << 30) ? (1u << 30) : cap - used;
        int got = gzread(f, data + used, (unsigned)want);
        if (got < 0) {
            int code;
            const char *msg = gzerror(f, &code);
            st = n2d2_error(N2D2_ERR_PARSE, "%s: corrupt gzip data near compressed byte offset %lld: %s",
                            path, (long long)gzoffset(f), msg);
            break;
        }
        if (got == 0) {
            /* gzread returns 0 at a clean end, and also when the gzip
             * stream stops before its trailer: tell them apart. */
            int code;
            const char *msg = gzerror(f, &code);
            if (code != Z_OK && code != Z_STREAM_END)
                st = n2d2_error(N2D2_ERR_PARSE, "%s: truncated or corrupt gzip data near compressed "
                                "byte offset %lld: %s", path, (long long)gzoffset(f), msg);
            break;
        }
        used += (size_t)got;
    }
    *gz = !gzdirect(f);
    gzclose(f);
    if (st != N2D2_OK) {
        free(data);
        return st;
    }
    *buf = data;
    *len = used;
    return N2D2_OK;
}
