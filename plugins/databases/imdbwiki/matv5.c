/* MATLAB Level 5 MAT-file reader (see matv5.h). */
#include "matv5.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define MAX_DEPTH 32
#define MAX_ELEMENTS ((size_t)1 << 31)

enum { MI_INT8 = 1, MI_UINT8 = 2, MI_INT16 = 3, MI_UINT16 = 4, MI_INT32 = 5, MI_UINT32 = 6,
       MI_SINGLE = 7, MI_DOUBLE = 9, MI_INT64 = 12, MI_UINT64 = 13, MI_MATRIX = 14,
       MI_COMPRESSED = 15, MI_UTF8 = 16, MI_UTF16 = 17, MI_UTF32 = 18 };
enum { MX_CELL = 1, MX_STRUCT = 2, MX_CHAR = 4, MX_DOUBLE = 6, MX_UINT64 = 15 };

/* A buffer being parsed: the file, or the inflated data of a compressed
 * element (`zoff`: that element's file offset, for messages). */
typedef struct buf {
    const unsigned char *b;
    size_t size;
    const char *path;
    int compressed;
    size_t zoff;
} buf;

typedef struct elem {
    uint32_t type;
    size_t n;   /* data bytes */
    size_t at;  /* offset of the data */
    size_t end; /* offset after the element (padding included) */
} elem;

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static n2d2_status fail(const buf *b, size_t at, const char *what)
{
    if (b->compressed)
        return n2d2_error(N2D2_ERR_PARSE, "%s: byte offset %zu (offset %zu in the compressed "
                          "element): %s", b->path, b->zoff, at, what);
    return n2d2_error(N2D2_ERR_PARSE, "%s: byte offset %zu: %s", b->path, at, what);
}

/* The element tag at `at` (below `limit`). */
static n2d2_status read_tag(const buf *b, size_t at, size_t limit, elem *e)
{
    if (limit > b->size || at > limit || limit - at < 8)
        return fail(b, at, "truncated element tag");
    uint32_t first = le32(b->b + at);
    if (first >> 16) { /* small element: 2-byte size, 2-byte type, 4 data bytes */
        e->type = first & 0xffff;
        e->n = first >> 16;
        if (e->n > 4)
            return fail(b, at, "small data element of more than 4 bytes");
        e->at = at + 4;
        e->end = at + 8;
        return N2D2_OK;
    }
    e->type = first;
    e->n = le32(b->b + at + 4);
    e->at = at + 8;
    if (e->n > limit - e->at)
        return fail(b, at, "element runs past the end of its container");
    size_t padded = e->type == MI_COMPRESSED ? e->n : (e->n + 7) / 8 * 8;
    e->end = e->at + padded > limit ? limit : e->at + padded;
    return N2D2_OK;
}

static size_t type_size(uint32_t t)
{
    switch (t) {
    case MI_INT8: case MI_UINT8: case MI_UTF8: return 1;
    case MI_INT16: case MI_UINT16: case MI_UTF16: return 2;
    case MI_INT32: case MI_UINT32: case MI_SINGLE: case MI_UTF32: return 4;
    case MI_DOUBLE: case MI_INT64: case MI_UINT64: return 8;
    default: return 0;
    }
}

static double number_at(const unsigned char *p, uint32_t t)
{
    uint64_t v = 0;
    for (size_t k = type_size(t); k-- > 0;)
        v = v << 8 | p[k];
    switch (t) {
    case MI_INT8: return (double)(int8_t)v;
    case MI_UINT8: return (double)(uint8_t)v;
    case MI_INT16: return (double)(int16_t)v;
    case MI_UINT16: return (double)(uint16_t)v;
    case MI_INT32: return (double)(int32_t)v;
    case MI_UINT32: return (double)(uint32_t)v;
    case MI_INT64: return (double)(int64_t)v;
    case MI_UINT64: return (double)v;
    case MI_SINGLE: {
        uint32_t u = (uint32_t)v;
        float f;
        memcpy(&f, &u, sizeof f);
        return f;
    }
    default: {
        double d;
        memcpy(&d, &v, sizeof d);
        return d;
    }
    }
}

static size_t put_utf8(char *o, uint32_t cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | cp >> 6);
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | cp >> 12);
        o[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18 & 0x07));
    o[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    o[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static n2d2_status parse_matrix(const buf *b, const elem *m, mat_array *a, int depth);

/* The sub-element at `*at` inside matrix `m`, which must be a miMATRIX,
 * into `a`. */
static n2d2_status child(const buf *b, const elem *m, size_t *at, mat_array *a, int depth)
{
    elem e;
    n2d2_status st = read_tag(b, *at, m->at + m->n, &e);
    if (st != N2D2_OK)
        return st;
    if (e.type != MI_MATRIX)
        return fail(b, *at, "a cell or struct element is not a matrix");
    *at = e.end;
    return parse_matrix(b, &e, a, depth + 1);
}

static n2d2_status read_numbers(const buf *b, const elem *e, size_t n, double **out)
{
    size_t w = type_size(e->type);
    if (!w || e->type == MI_UTF8 || e->type == MI_UTF16 || e->type == MI_UTF32)
        return fail(b, e->at - 8, "numeric data of a non-numeric type");
    if (e->n != n * w)
        return fail(b, e->at - 8, "numeric data size does not match the dimensions");
    *out = malloc((n ? n : 1) * sizeof **out);
    if (!*out)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; ++i)
        (*out)[i] = number_at(b->b + e->at + i * w, e->type);
    return N2D2_OK;
}

static n2d2_status read_chars(const buf *b, const elem *e, size_t n, char **out)
{
    size_t w = type_size(e->type);
    if (e->type != MI_UTF8 && e->type != MI_UINT8 && e->type != MI_INT8 &&
        e->type != MI_UTF16 && e->type != MI_UINT16 && e->type != MI_UTF32 &&
        e->type != MI_UINT32)
        return fail(b, e->at - 8, "character data of a non-character type");
    size_t count = e->n / w;
    if (e->type != MI_UTF8 && count != n)
        return fail(b, e->at - 8, "character data size does not match the dimensions");
    *out = malloc(4 * count + 1);
    if (!*out)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    size_t o = 0;
    for (size_t i = 0; i < count; ++i) {
        uint32_t cp = (uint32_t)number_at(b->b + e->at + i * w,
                                          w == 1 ? MI_UINT8 : w == 2 ? MI_UINT16 : MI_UINT32);
        if (w == 1 || cp > 0x10FFFF)
            (*out)[o++] = (char)cp; /* UTF-8 bytes as they are */
        else
            o += put_utf8(*out + o, cp);
    }
    (*out)[o] = '\0';
    return N2D2_OK;
}

static n2d2_status parse_matrix(const buf *b, const elem *m, mat_array *a, int depth)
{
    memset(a, 0, sizeof *a);
    a->kind = MAT_NUMERIC;
    if (depth > MAX_DEPTH)
        return fail(b, m->at - 8, "arrays nested deeper than 32 levels");
    if (m->n == 0)
        return N2D2_OK; /* an empty element */
    elem flags, dims, name;
    size_t at = m->at, mend = m->at + m->n;
    n2d2_status st = read_tag(b, at, mend, &flags);
    if (st == N2D2_OK && (flags.type != MI_UINT32 || flags.n != 8))
        st = fail(b, at, "matrix without array flags");
    if (st != N2D2_OK)
        return st;
    uint32_t cls = le32(b->b + flags.at) & 0xff, complex_ = le32(b->b + flags.at) >> 11 & 1;
    at = flags.end;
    if ((st = read_tag(b, at, mend, &dims)) != N2D2_OK)
        return st;
    if (dims.type != MI_INT32 || dims.n < 8 || dims.n % 4)
        return fail(b, at, "matrix without dimensions");
    size_t n = 1;
    for (size_t k = 0; k < dims.n / 4; ++k) {
        uint32_t d = le32(b->b + dims.at + 4 * k);
        if (d > MAX_ELEMENTS || (d && n > MAX_ELEMENTS / d))
            return fail(b, dims.at, "matrix dimensions too large");
        n *= d;
    }
    a->n = n;
    at = dims.end;
    if ((st = read_tag(b, at, mend, &name)) != N2D2_OK)
        return st;
    if (name.type != MI_INT8)
        return fail(b, at, "matrix without a name element");
    snprintf(a->name, sizeof a->name, "%.*s", (int)(name.n < 63 ? name.n : 63),
             (const char *)b->b + name.at);
    at = name.end;
    if (cls == MX_CELL) {
        a->kind = MAT_CELL;
        if (n > (mend - at) / 8) /* each element takes at least an 8-byte tag */
            return fail(b, dims.at, "more cell elements than the data can hold");
        a->cells = calloc(n ? n : 1, sizeof *a->cells);
        if (!a->cells)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < n && st == N2D2_OK; ++i)
            st = child(b, m, &at, &a->cells[i], depth);
        return st;
    }
    if (cls == MX_STRUCT) {
        a->kind = MAT_STRUCT;
        elem len, names;
        if ((st = read_tag(b, at, mend, &len)) != N2D2_OK)
            return st;
        if (len.type != MI_INT32 || len.n != 4 || le32(b->b + len.at) == 0)
            return fail(b, at, "struct without field name length");
        size_t w = le32(b->b + len.at);
        at = len.end;
        if ((st = read_tag(b, at, mend, &names)) != N2D2_OK)
            return st;
        if (names.type != MI_INT8 || names.n % w)
            return fail(b, at, "struct without field names");
        a->n_fields = names.n / w;
        a->fields = calloc(a->n_fields ? a->n_fields : 1, sizeof *a->fields);
        if (!a->fields)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        for (size_t f = 0; f < a->n_fields; ++f) {
            if ((a->fields[f] = malloc(w + 1)) == NULL)
                return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
            memcpy(a->fields[f], b->b + names.at + f * w, w);
            a->fields[f][w] = '\0';
        }
        at = names.end;
        if (a->n_fields && n > MAX_ELEMENTS / a->n_fields)
            return fail(b, at, "struct too large");
        size_t total = n * a->n_fields;
        if (total > (mend - at) / 8)
            return fail(b, dims.at, "more struct fields than the data can hold");
        a->cells = calloc(total ? total : 1, sizeof *a->cells);
        if (!a->cells)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < total && st == N2D2_OK; ++i)
            st = child(b, m, &at, &a->cells[i], depth);
        return st;
    }
    if (cls == MX_CHAR || (cls >= MX_DOUBLE && cls <= MX_UINT64)) {
        if (cls == MX_CHAR)
            a->kind = MAT_CHAR;
        if (n == 0 && at >= mend) /* an empty array without data element */
            return cls == MX_CHAR && (a->str = calloc(1, 1)) == NULL
                       ? n2d2_error(N2D2_ERR_NOMEM, "out of memory") : N2D2_OK;
        elem real;
        if ((st = read_tag(b, at, mend, &real)) != N2D2_OK)
            return st;
        if (cls == MX_CHAR)
            return read_chars(b, &real, n, &a->str);
        (void)complex_; /* the imaginary part, if any, is not used */
        return read_numbers(b, &real, n, &a->num);
    }
    a->kind = MAT_OTHER; /* sparse, objects, function handles: not read */
    return N2D2_OK;
}

/* Inflate the compressed element `e`. */
static n2d2_status inflate_elem(const buf *b, const elem *e, unsigned char **out, size_t *size)
{
    size_t cap = e->n * 4 + 1024, n = 0;
    unsigned char *o = malloc(cap);
    if (!o)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit(&z) != Z_OK) {
        free(o);
        return n2d2_error(N2D2_ERR_NOMEM, "zlib initialisation failed");
    }
    z.next_in = (unsigned char *)(uintptr_t)(b->b + e->at);
    z.avail_in = (uInt)e->n;
    int rc = Z_OK;
    while (rc == Z_OK) {
        if (n == cap) {
            if (cap > ((size_t)1 << 34)) {
                rc = Z_MEM_ERROR;
                break;
            }
            unsigned char *grown = realloc(o, 2 * cap);
            if (!grown) {
                rc = Z_MEM_ERROR;
                break;
            }
            o = grown;
            cap *= 2;
        }
        z.next_out = o + n;
        z.avail_out = (uInt)(cap - n > 0x40000000 ? 0x40000000 : cap - n);
        uInt before = z.avail_out;
        rc = inflate(&z, Z_NO_FLUSH);
        n += before - z.avail_out;
        if (rc == Z_BUF_ERROR && z.avail_out > 0)
            break; /* input exhausted before the end of the stream */
        if (rc == Z_BUF_ERROR)
            rc = Z_OK;
    }
    inflateEnd(&z);
    if (rc != Z_STREAM_END) {
        free(o);
        if (rc == Z_MEM_ERROR)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory inflating %s", b->path);
        return fail(b, e->at - 8, "corrupt or truncated compressed element");
    }
    *out = o;
    *size = n;
    return N2D2_OK;
}

void mat_free(mat_array *vars, size_t n_vars)
{
    for (size_t i = 0; vars && i < n_vars; ++i) {
        mat_array *a = &vars[i];
        size_t total = a->kind == MAT_STRUCT ? a->n * a->n_fields : a->kind == MAT_CELL ? a->n : 0;
        if (a->cells)
            mat_free(a->cells, total);
        for (size_t f = 0; a->fields && f < a->n_fields; ++f)
            free(a->fields[f]);
        free(a->fields);
        free(a->num);
        free(a->str);
    }
    free(vars);
}

n2d2_status mat_parse(const unsigned char *bytes, size_t size, const char *path,
                      mat_array **vars, size_t *n_vars)
{
    *vars = NULL;
    *n_vars = 0;
    buf file = {bytes, size, path, 0, 0};
    if (size < 128)
        return fail(&file, 0, "shorter than the 128-byte MAT-file header");
    if (bytes[126] == 'M' && bytes[127] == 'I')
        return n2d2_error(N2D2_ERR_NOT_IMPLEMENTED, "%s: big-endian MAT-files are not "
                          "implemented yet", path);
    if (bytes[126] == 'I' && bytes[127] == 'M' && bytes[124] == 0x00 && bytes[125] == 0x02)
        return n2d2_error(N2D2_ERR_NOT_IMPLEMENTED, "%s: MATLAB v7.3 (HDF5) MAT-files are not "
                          "implemented yet: save it with -v7", path);
    if (bytes[126] != 'I' || bytes[127] != 'M' || bytes[124] != 0x00 || bytes[125] != 0x01)
        return fail(&file, 124, "not a Level 5 MAT-file (version 0x0100 and \"IM\" expected)");
    size_t at = 128, cap = 0;
    n2d2_status st = N2D2_OK;
    mat_array *list = NULL;
    size_t count = 0;
    while (st == N2D2_OK && at < size) {
        elem e;
        if ((st = read_tag(&file, at, size, &e)) != N2D2_OK)
            break;
        size_t here = at;
        at = e.end;
        if (e.type != MI_MATRIX && e.type != MI_COMPRESSED)
            continue;
        if (count == cap) {
            size_t ncap = cap ? 2 * cap : 8;
            mat_array *grown = realloc(list, ncap * sizeof *grown);
            if (!grown) {
                st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
                break;
            }
            list = grown;
            cap = ncap;
        }
        mat_array *a = &list[count++];
        memset(a, 0, sizeof *a);
        if (e.type == MI_MATRIX) {
            st = parse_matrix(&file, &e, a, 0);
            continue;
        }
        unsigned char *data = NULL;
        size_t n = 0;
        if ((st = inflate_elem(&file, &e, &data, &n)) != N2D2_OK)
            break;
        buf z = {data, n, path, 1, here};
        elem inner;
        st = read_tag(&z, 0, n, &inner);
        if (st == N2D2_OK && inner.type != MI_MATRIX)
            st = fail(&z, 0, "a compressed element that is not a matrix");
        if (st == N2D2_OK)
            st = parse_matrix(&z, &inner, a, 0);
        free(data);
    }
    if (st != N2D2_OK) {
        mat_free(list, count);
        return st;
    }
    *vars = list;
    *n_vars = count;
    return N2D2_OK;
}

const mat_array *mat_field(const mat_array *s, size_t i, const char *name)
{
    if (!s || s->kind != MAT_STRUCT || i >= s->n)
        return NULL;
    for (size_t f = 0; f < s->n_fields; ++f)
        if (strcmp(s->fields[f], name) == 0)
            return &s->cells[i * s->n_fields + f];
    return NULL;
}

const mat_array *mat_find(const mat_array *vars, size_t n_vars, const char *name)
{
    for (size_t i = 0; i < n_vars; ++i)
        if (strcmp(vars[i].name, name) == 0)
            return &vars[i];
    return NULL;
}
