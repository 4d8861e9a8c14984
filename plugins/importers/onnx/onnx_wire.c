/* Reading an .onnx file without holding its weights twice. protobuf-c
 * copies every bytes field while unpacking, so unpacking the whole file
 * would need the file plus a copy of all the weights. Instead the file is
 * mapped, the initializers' raw_data payloads are cut out of a compact
 * copy of the protobuf stream (the enclosing lengths rewritten), protobuf-c
 * unpacks that copy, and each initializer's raw_data then points into the
 * mapping: its pages are read when a node converts the tensor and dropped
 * again right after (ox_release_raw). Anything the compact pass does not
 * understand falls back to unpacking the mapped file as it is, so errors
 * are protobuf-c's as before. */
#include "onnx_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Field numbers (onnx.proto): ModelProto.graph, GraphProto.initializer,
 * TensorProto.raw_data. */
enum { F_MODEL_GRAPH = 7, F_GRAPH_INITIALIZER = 5, F_TENSOR_RAW_DATA = 9 };
enum { WT_VARINT = 0, WT_FIXED64 = 1, WT_LEN = 2, WT_FIXED32 = 5 };
enum { LVL_MODEL, LVL_GRAPH, LVL_TENSOR };

typedef struct raw_span {
    size_t off, len;
    int present;
} raw_span;

typedef struct strip_ctx {
    const uint8_t *b;
    raw_span *spans; /* per initializer, in file order */
    size_t n_spans, cap_spans;
    int fail;
} strip_ctx;

static int get_varint(const uint8_t *b, size_t end, size_t *pos, uint64_t *out)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 64 && *pos < end; shift += 7) {
        uint8_t byte = b[(*pos)++];
        v |= (uint64_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80)) {
            *out = v;
            return 1;
        }
    }
    return 0;
}

static size_t varint_size(uint64_t v)
{
    size_t n = 1;
    for (; v >= 0x80; v >>= 7)
        ++n;
    return n;
}

static size_t put_varint(uint8_t *out, uint64_t v)
{
    size_t n = 0;
    for (; v >= 0x80; v >>= 7)
        out[n++] = (uint8_t)(v | 0x80);
    out[n++] = (uint8_t)v;
    return n;
}

/* One field at *pos: its number, wire type, and [*start, *end) its payload
 * (for LEN fields, after the length); 0 when malformed. */
static int next_field(const uint8_t *b, size_t end, size_t *pos, uint64_t *field, int *wt, size_t *start,
                      size_t *stop)
{
    uint64_t tag, len;
    if (!get_varint(b, end, pos, &tag))
        return 0;
    *field = tag >> 3;
    *wt = (int)(tag & 7);
    switch (*wt) {
    case WT_VARINT:
        *start = *pos;
        if (!get_varint(b, end, pos, &len))
            return 0;
        break;
    case WT_FIXED64:
    case WT_FIXED32: {
        size_t n = *wt == WT_FIXED64 ? 8 : 4;
        if (end - *pos < n)
            return 0;
        *start = *pos;
        *pos += n;
        break;
    }
    case WT_LEN:
        if (!get_varint(b, end, pos, &len) || len > end - *pos)
            return 0;
        *start = *pos;
        *pos += (size_t)len;
        break;
    default:
        return 0; /* groups: never written by ONNX */
    }
    *stop = *pos;
    return *field != 0;
}

static void note_span(strip_ctx *s, size_t off, size_t len)
{
    raw_span *sp = &s->spans[s->n_spans - 1];
    sp->off = off, sp->len = len, sp->present = 1;
}

static int new_span(strip_ctx *s)
{
    if (s->n_spans == s->cap_spans) {
        size_t cap = s->cap_spans ? 2 * s->cap_spans : 64;
        raw_span *grown = realloc(s->spans, cap * sizeof *grown);
        if (!grown)
            return 0;
        s->spans = grown, s->cap_spans = cap;
    }
    s->spans[s->n_spans].off = s->spans[s->n_spans].len = 0;
    s->spans[s->n_spans].present = 0;
    s->n_spans++;
    return 1;
}

/* Re-emits the message [start, end) of `level` without the raw_data of
 * the initializers below it; counts only when out is NULL. Returns the
 * emitted size (s->fail set on malformed input). */
static size_t emit(strip_ctx *s, int level, size_t start, size_t end, uint8_t *out)
{
    size_t pos = start, size = 0;
    int graphs = 0;
    while (pos < end && !s->fail) {
        size_t field_at = pos, pstart, pstop;
        uint64_t field;
        int wt;
        if (!next_field(s->b, end, &pos, &field, &wt, &pstart, &pstop)) {
            s->fail = 1;
            break;
        }
        int child = -1;
        if (wt == WT_LEN && level == LVL_MODEL && field == F_MODEL_GRAPH) {
            child = LVL_GRAPH;
            if (++graphs > 1) /* protobuf-c would merge them: leave that to it */
                s->fail = 1;
        } else if (wt == WT_LEN && level == LVL_GRAPH && field == F_GRAPH_INITIALIZER)
            child = LVL_TENSOR;
        if (wt == WT_LEN && level == LVL_TENSOR && field == F_TENSOR_RAW_DATA) {
            if (out)
                note_span(s, pstart, pstop - pstart); /* the last one wins, as in protobuf */
            continue;
        }
        if (child < 0) { /* copied as it is */
            if (out)
                memcpy(out + size, s->b + field_at, pos - field_at);
            size += pos - field_at;
            continue;
        }
        size_t tag_len = varint_size((uint64_t)field << 3 | (uint64_t)wt);
        if (out && child == LVL_TENSOR && !new_span(s)) {
            s->fail = 1;
            break;
        }
        size_t inner = emit(s, child, pstart, pstop, NULL);
        if (out) {
            memcpy(out + size, s->b + field_at, tag_len);
            size_t k = size + tag_len;
            k += put_varint(out + k, inner);
            emit(s, child, pstart, pstop, out + k);
        }
        size += tag_len + varint_size(inner) + inner;
    }
    return size;
}

/* Maps `path`; *map is NULL for an empty file. */
static n2d2_status map_file(const char *path, const uint8_t **map, size_t *size)
{
    *map = NULL, *size = 0;
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return n2d2_error(N2D2_ERR_NOT_FOUND, "%s: cannot open the ONNX file: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return n2d2_error(N2D2_ERR_IO, "%s: cannot read the ONNX file (not a regular file)", path);
    }
    if (sb.st_size > 0) {
        void *m = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m == MAP_FAILED) {
            int err = errno;
            close(fd);
            return n2d2_error(N2D2_ERR_IO, "%s: cannot map the ONNX file: %s", path, strerror(err));
        }
        *map = m;
        *size = (size_t)sb.st_size;
    }
    close(fd);
    return N2D2_OK;
}

/* Points each initializer's raw_data at its bytes in the mapping; 0 when
 * the unpacked graph does not line up with the spans. */
static int attach_spans(Onnx__ModelProto *m, const strip_ctx *s, const uint8_t *map)
{
    Onnx__GraphProto *g = m->graph;
    if (!g || g->n_initializer != s->n_spans)
        return 0;
    for (size_t i = 0; i < s->n_spans; ++i) {
        Onnx__TensorProto *t = g->initializer[i];
        if (!s->spans[i].present)
            continue;
        if (t->has_raw_data || t->raw_data.data)
            return 0; /* it was cut out: cannot be */
        /* empty payloads stay NULL (the offset may be the end of the file) */
        t->raw_data.data = s->spans[i].len ? (uint8_t *)(uintptr_t)(map + s->spans[i].off) : NULL;
        t->raw_data.len = s->spans[i].len;
        t->has_raw_data = 1;
    }
    return 1;
}

static int in_map(const ox_ctx *c, const void *p)
{
    const uint8_t *q = p;
    return c->map && q >= c->map && q < c->map + c->map_size;
}

void ox_release_raw(ox_ctx *c, const Onnx__TensorProto *t)
{
    if (!t->has_raw_data || !in_map(c, t->raw_data.data))
        return;
    /* Whole pages inside the payload only: the rest may belong to other
     * fields still in use. Clean private file pages are read again from
     * the page cache if the tensor is needed later. */
    const uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t lo = ((uintptr_t)t->raw_data.data + page - 1) & ~(page - 1);
    uintptr_t hi = ((uintptr_t)t->raw_data.data + t->raw_data.len) & ~(page - 1);
    if (hi > lo)
        madvise((void *)lo, hi - lo, MADV_DONTNEED);
}

void ox_close_model(ox_ctx *c)
{
    if (c->model) {
        Onnx__GraphProto *g = c->model->graph;
        for (size_t i = 0; g && i < g->n_initializer; ++i)
            if (in_map(c, g->initializer[i]->raw_data.data)) {
                g->initializer[i]->raw_data.data = NULL; /* not protobuf-c's to free */
                g->initializer[i]->raw_data.len = 0;
            }
        onnx__model_proto__free_unpacked(c->model, NULL);
        c->model = NULL;
    }
    if (c->map)
        munmap((void *)(uintptr_t)c->map, c->map_size);
    c->map = NULL;
    c->map_size = 0;
}

n2d2_status ox_read_model(ox_ctx *c, const char *path)
{
    n2d2_status st = map_file(path, &c->map, &c->map_size);
    if (st != N2D2_OK)
        return st;
    static const uint8_t empty[1] = {0};
    const uint8_t *bytes = c->map ? c->map : empty;
    strip_ctx s = {bytes, NULL, 0, 0, 0};
    size_t size = emit(&s, LVL_MODEL, 0, c->map_size, NULL);
    uint8_t *compact = s.fail ? NULL : malloc(size ? size : 1);
    if (compact) {
        s.n_spans = 0;
        emit(&s, LVL_MODEL, 0, c->map_size, compact);
    }
    Onnx__ModelProto *m = NULL;
    if (compact && !s.fail) {
        m = onnx__model_proto__unpack(NULL, size, compact);
        if (m && !attach_spans(m, &s, bytes)) {
            c->model = m;
            ox_close_model(c); /* unexpected layout: unpack the file as it is */
            st = map_file(path, &c->map, &c->map_size);
            bytes = c->map ? c->map : empty;
            m = NULL;
        }
    }
    free(compact);
    free(s.spans);
    if (st != N2D2_OK)
        return st;
    if (!m) /* the fallback; or the compact copy did not unpack: neither will the file */
        m = onnx__model_proto__unpack(NULL, c->map_size, bytes);
    if (!m)
        return n2d2_error(N2D2_ERR_PARSE,
                          "%s: not a valid ONNX model (protobuf decoding failed: truncated or "
                          "not an .onnx file, %zu bytes)",
                          path, c->map_size);
    c->model = m;
    if (!m->graph)
        return n2d2_error(N2D2_ERR_PARSE, "%s: not an ONNX model (no graph)", path);
    return N2D2_OK;
}
