/* Reference-counted dense tensors over shared, aligned storage. */
#include "n2d2/tensor.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N2D2_TENSOR_ALIGN 64

typedef struct tensor_storage {
    void *data;  /* N2D2_TENSOR_ALIGN-aligned, inside block */
    void *block; /* what calloc returned */
    size_t nbytes;
    int refcount;
} tensor_storage;

struct n2d2_tensor {
    n2d2_dtype dtype;
    uint32_t ndim;
    size_t dims[N2D2_MAX_DIMS];
    size_t numel;
    size_t byte_offset; /* into the storage, for views */
    tensor_storage *storage;
    int refcount;
};

static const struct {
    const char *name;
    size_t size;
} dtype_info[N2D2_DTYPE_COUNT] = {
    [N2D2_FLOAT32] = {"Float32", 4}, [N2D2_FLOAT64] = {"Float64", 8},
    [N2D2_FLOAT16] = {"Float16", 2}, [N2D2_INT8] = {"Int8", 1},
    [N2D2_UINT8] = {"UInt8", 1},     [N2D2_INT32] = {"Int32", 4},
};
_Static_assert(sizeof(dtype_info) / sizeof(dtype_info[0]) == N2D2_DTYPE_COUNT,
               "dtype_info must cover every n2d2_dtype");

size_t n2d2_dtype_size(n2d2_dtype dtype)
{
    return (unsigned)dtype < N2D2_DTYPE_COUNT ? dtype_info[dtype].size : 0;
}

const char *n2d2_dtype_name(n2d2_dtype dtype)
{
    return (unsigned)dtype < N2D2_DTYPE_COUNT ? dtype_info[dtype].name : "Unknown";
}

int n2d2_dtype_from_name(const char *name, n2d2_dtype *out)
{
    for (int i = 0; i < N2D2_DTYPE_COUNT; ++i) {
        if (name && strcmp(name, dtype_info[i].name) == 0) {
            *out = (n2d2_dtype)i;
            return 1;
        }
    }
    return 0;
}

static n2d2_status checked_numel(uint32_t ndim, const size_t *dims, size_t elem, size_t *numel)
{
    if (ndim == 0 || ndim > N2D2_MAX_DIMS)
        return n2d2_error(N2D2_ERR_INVAL, "tensor rank %u outside 1..%d", ndim, N2D2_MAX_DIMS);
    size_t n = 1;
    for (uint32_t i = 0; i < ndim; ++i) {
        if (dims[i] != 0 && n > SIZE_MAX / elem / dims[i])
            return n2d2_error(N2D2_ERR_INVAL, "tensor size overflows");
        n *= dims[i];
    }
    *numel = n;
    return N2D2_OK;
}

static n2d2_tensor *handle_new(n2d2_dtype dtype, uint32_t ndim, const size_t *dims, size_t numel)
{
    n2d2_tensor *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->dtype = dtype;
    t->ndim = ndim;
    memcpy(t->dims, dims, ndim * sizeof *dims);
    t->numel = numel;
    t->refcount = 1;
    return t;
}

n2d2_status n2d2_tensor_new(n2d2_dtype dtype, uint32_t ndim, const size_t *dims, n2d2_tensor **out)
{
    *out = NULL;
    if ((unsigned)dtype >= N2D2_DTYPE_COUNT)
        return n2d2_error(N2D2_ERR_INVAL, "unknown tensor dtype %d", (int)dtype);
    size_t numel = 0;
    n2d2_status st = checked_numel(ndim, dims, n2d2_dtype_size(dtype), &numel);
    if (st != N2D2_OK)
        return st;
    size_t nbytes = numel * n2d2_dtype_size(dtype);
    size_t padded = (nbytes + N2D2_TENSOR_ALIGN - 1) / N2D2_TENSOR_ALIGN * N2D2_TENSOR_ALIGN;
    if (padded == 0)
        padded = N2D2_TENSOR_ALIGN;
    tensor_storage *s = calloc(1, sizeof *s);
    n2d2_tensor *t = handle_new(dtype, ndim, dims, numel);
    /* calloc, not aligned_alloc + memset: large blocks come zeroed from the
     * system and their pages are only backed once written, so tensors a
     * run never touches (gradients during inference) cost no memory. */
    void *block = padded <= SIZE_MAX - N2D2_TENSOR_ALIGN ? calloc(1, padded + N2D2_TENSOR_ALIGN) : NULL;
    if (!s || !t || !block) {
        free(s);
        free(t);
        free(block);
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory allocating a %zu-byte tensor", nbytes);
    }
    s->block = block;
    s->data = (void *)(((uintptr_t)block + N2D2_TENSOR_ALIGN - 1) & ~(uintptr_t)(N2D2_TENSOR_ALIGN - 1));
    s->nbytes = nbytes;
    s->refcount = 1;
    t->storage = s;
    *out = t;
    return N2D2_OK;
}

n2d2_status n2d2_tensor_new_batch(n2d2_dtype dtype, size_t batch, const n2d2_shape *shape,
                                  n2d2_tensor **out)
{
    size_t dims[N2D2_MAX_DIMS];
    if (shape->ndim + 1 > N2D2_MAX_DIMS) {
        *out = NULL;
        return n2d2_error(N2D2_ERR_INVAL, "sample rank %u too large", shape->ndim);
    }
    dims[0] = batch;
    memcpy(dims + 1, shape->dims, shape->ndim * sizeof *dims);
    return n2d2_tensor_new(dtype, shape->ndim + 1, dims, out);
}

n2d2_status n2d2_tensor_new_like(const n2d2_tensor *t, n2d2_tensor **out)
{
    return n2d2_tensor_new(t->dtype, t->ndim, t->dims, out);
}

n2d2_tensor *n2d2_tensor_retain(n2d2_tensor *t)
{
    if (t)
        ++t->refcount;
    return t;
}

void n2d2_tensor_release(n2d2_tensor *t)
{
    if (!t || --t->refcount > 0)
        return;
    if (--t->storage->refcount == 0) {
        free(t->storage->block);
        free(t->storage);
    }
    free(t);
}

n2d2_status n2d2_tensor_clone(const n2d2_tensor *t, n2d2_tensor **out)
{
    n2d2_status st = n2d2_tensor_new(t->dtype, t->ndim, t->dims, out);
    if (st == N2D2_OK)
        memcpy(n2d2_tensor_data(*out), n2d2_tensor_cdata(t), n2d2_tensor_nbytes(t));
    return st;
}

static n2d2_tensor *share(n2d2_tensor *t, uint32_t ndim, const size_t *dims, size_t numel,
                          size_t byte_offset)
{
    n2d2_tensor *v = handle_new(t->dtype, ndim, dims, numel);
    if (!v)
        return NULL;
    v->storage = t->storage;
    v->byte_offset = byte_offset;
    ++t->storage->refcount;
    return v;
}

n2d2_status n2d2_tensor_view(n2d2_tensor *t, size_t first, size_t count, n2d2_tensor **out)
{
    *out = NULL;
    if (first > t->dims[0] || count > t->dims[0] - first)
        return n2d2_error(N2D2_ERR_INVAL, "view [%zu, %zu) outside dimension 0 of size %zu",
                          first, first + count, t->dims[0]);
    size_t dims[N2D2_MAX_DIMS];
    memcpy(dims, t->dims, sizeof dims);
    size_t item = t->dims[0] ? t->numel / t->dims[0] : 0;
    dims[0] = count;
    *out = share(t, t->ndim, dims, item * count,
                 t->byte_offset + first * item * n2d2_dtype_size(t->dtype));
    return *out ? N2D2_OK : n2d2_error(N2D2_ERR_NOMEM, "out of memory");
}

n2d2_status n2d2_tensor_reshape(n2d2_tensor *t, uint32_t ndim, const size_t *dims,
                                n2d2_tensor **out)
{
    *out = NULL;
    size_t numel = 0;
    n2d2_status st = checked_numel(ndim, dims, n2d2_dtype_size(t->dtype), &numel);
    if (st != N2D2_OK)
        return st;
    if (numel != t->numel) {
        char a[128], b[128];
        return n2d2_error(N2D2_ERR_SHAPE, "cannot reshape %s into %s",
                          n2d2_shape_str(t->dims, t->ndim, a, sizeof a),
                          n2d2_shape_str(dims, ndim, b, sizeof b));
    }
    *out = share(t, ndim, dims, numel, t->byte_offset);
    return *out ? N2D2_OK : n2d2_error(N2D2_ERR_NOMEM, "out of memory");
}

n2d2_dtype n2d2_tensor_dtype(const n2d2_tensor *t) { return t->dtype; }
uint32_t n2d2_tensor_ndim(const n2d2_tensor *t) { return t->ndim; }
size_t n2d2_tensor_dim(const n2d2_tensor *t, uint32_t axis)
{
    return axis < t->ndim ? t->dims[axis] : 0;
}
const size_t *n2d2_tensor_dims(const n2d2_tensor *t) { return t->dims; }
size_t n2d2_tensor_numel(const n2d2_tensor *t) { return t->numel; }
size_t n2d2_tensor_nbytes(const n2d2_tensor *t) { return t->numel * n2d2_dtype_size(t->dtype); }

n2d2_shape n2d2_tensor_sample_shape(const n2d2_tensor *t)
{
    n2d2_shape s = {0, {0}};
    s.ndim = t->ndim - 1;
    memcpy(s.dims, t->dims + 1, s.ndim * sizeof s.dims[0]);
    return s;
}

void *n2d2_tensor_data(n2d2_tensor *t) { return (char *)t->storage->data + t->byte_offset; }
const void *n2d2_tensor_cdata(const n2d2_tensor *t)
{
    return (const char *)t->storage->data + t->byte_offset;
}
int n2d2_tensor_shares_storage(const n2d2_tensor *a, const n2d2_tensor *b)
{
    return a->storage == b->storage;
}
int n2d2_tensor_refcount(const n2d2_tensor *t) { return t->refcount; }

int n2d2_tensor_same_shape(const n2d2_tensor *a, const n2d2_tensor *b)
{
    return a->ndim == b->ndim && memcmp(a->dims, b->dims, a->ndim * sizeof a->dims[0]) == 0;
}

void n2d2_tensor_zero(n2d2_tensor *t) { memset(n2d2_tensor_data(t), 0, n2d2_tensor_nbytes(t)); }

n2d2_status n2d2_tensor_fill(n2d2_tensor *t, double value)
{
    if (t->dtype == N2D2_FLOAT32) {
        float *p = n2d2_tensor_data(t);
        for (size_t i = 0; i < t->numel; ++i)
            p[i] = (float)value;
    } else {
        for (size_t i = 0; i < t->numel; ++i)
            n2d2_tensor_set(t, i, value);
    }
    return N2D2_OK;
}

n2d2_status n2d2_tensor_copy(n2d2_tensor *dst, const n2d2_tensor *src)
{
    if (dst->numel != src->numel)
        return n2d2_error(N2D2_ERR_SHAPE, "copy between tensors of %zu and %zu elements",
                          dst->numel, src->numel);
    if (dst->dtype == src->dtype) {
        memmove(n2d2_tensor_data(dst), n2d2_tensor_cdata(src), n2d2_tensor_nbytes(src));
        return N2D2_OK;
    }
    for (size_t i = 0; i < src->numel; ++i)
        n2d2_tensor_set(dst, i, n2d2_tensor_get(src, i));
    return N2D2_OK;
}

/* IEEE binary16 <-> double, for storage-only half tensors. */
static double half_to_double(uint16_t h)
{
    int sign = h >> 15, exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
    double v;
    if (exp == 0)
        v = mant * (1.0 / (1 << 24));
    else if (exp == 31)
        v = mant ? 0.0 / 0.0 : 1.0 / 0.0;
    else
        v = (1.0 + mant / 1024.0) * (exp > 15 ? (double)(1u << (exp - 15)) : 1.0 / (1u << (15 - exp)));
    return sign ? -v : v;
}

static uint16_t double_to_half(double v)
{
    float f = (float)v;
    uint32_t x;
    memcpy(&x, &f, sizeof x);
    uint16_t sign = (uint16_t)((x >> 16) & 0x8000);
    int exp = (int)((x >> 23) & 0xff) - 127 + 15;
    uint32_t mant = x & 0x7fffff;
    if (((x >> 23) & 0xff) == 0xff)
        return sign | 0x7c00 | (mant ? 0x200 : 0);
    if (exp >= 31)
        return sign | 0x7c00;
    if (exp <= 0) {
        if (exp < -10)
            return sign;
        mant |= 0x800000;
        uint32_t shift = (uint32_t)(14 - exp);
        uint32_t half = mant >> shift;
        if ((mant >> (shift - 1)) & 1)
            ++half;
        return sign | (uint16_t)half;
    }
    uint16_t h = sign | (uint16_t)(exp << 10) | (uint16_t)(mant >> 13);
    if (mant & 0x1000)
        ++h; /* round half up; carries into the exponent correctly */
    return h;
}

double n2d2_tensor_get(const n2d2_tensor *t, size_t index)
{
    const void *p = n2d2_tensor_cdata(t);
    switch (t->dtype) {
    case N2D2_FLOAT32: return ((const float *)p)[index];
    case N2D2_FLOAT64: return ((const double *)p)[index];
    case N2D2_FLOAT16: return half_to_double(((const uint16_t *)p)[index]);
    case N2D2_INT8: return ((const int8_t *)p)[index];
    case N2D2_UINT8: return ((const uint8_t *)p)[index];
    case N2D2_INT32: return ((const int32_t *)p)[index];
    default: return 0.0;
    }
}

void n2d2_tensor_set(n2d2_tensor *t, size_t index, double value)
{
    void *p = n2d2_tensor_data(t);
    switch (t->dtype) {
    case N2D2_FLOAT32: ((float *)p)[index] = (float)value; break;
    case N2D2_FLOAT64: ((double *)p)[index] = value; break;
    case N2D2_FLOAT16: ((uint16_t *)p)[index] = double_to_half(value); break;
    case N2D2_INT8: ((int8_t *)p)[index] = (int8_t)(value < -128 ? -128 : value > 127 ? 127 : value); break;
    case N2D2_UINT8: ((uint8_t *)p)[index] = (uint8_t)(value < 0 ? 0 : value > 255 ? 255 : value); break;
    case N2D2_INT32: ((int32_t *)p)[index] = (int32_t)value; break;
    default: break;
    }
}

const char *n2d2_shape_str(const size_t *dims, uint32_t ndim, char *buf, size_t size)
{
    size_t used = 0;
    if (size == 0)
        return buf;
    buf[0] = '\0';
    for (uint32_t i = 0; i < ndim && used < size; ++i) {
        int n = snprintf(buf + used, size - used, i ? "x%zu" : "%zu", dims[i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    return buf;
}

size_t n2d2_shape_numel(const n2d2_shape *s)
{
    size_t n = 1;
    for (uint32_t i = 0; i < s->ndim; ++i)
        n *= s->dims[i];
    return n;
}

int n2d2_shape_equal(const n2d2_shape *a, const n2d2_shape *b)
{
    return a->ndim == b->ndim && memcmp(a->dims, b->dims, a->ndim * sizeof a->dims[0]) == 0;
}
