/* n2d2/tensor.h — reference-counted N-D tensors.
 *
 * Layout is dense row-major; for activations dims are {N, C, H, W} (batch
 * first). A tensor is a handle on a shared storage: views (n2d2_tensor_view,
 * n2d2_tensor_reshape) share it, n2d2_tensor_clone copies it. Handles are
 * reference counted: every *_new/_view/_clone returns a handle the caller
 * owns and releases with n2d2_tensor_release(); n2d2_tensor_retain() adds an
 * owner. Storage is freed when the last handle on it goes.
 *
 *     size_t dims[] = {128, 1, 32, 32};
 *     n2d2_tensor *x;
 *     if (n2d2_tensor_new(N2D2_FLOAT32, 4, dims, &x) != N2D2_OK) ...
 *     float *px = n2d2_tensor_data(x);
 *     n2d2_tensor *first;   // images 0..63, sharing x's memory
 *     n2d2_tensor_view(x, 0, 64, &first);
 *     n2d2_tensor_release(first);
 *     n2d2_tensor_release(x);
 *
 * Data is 64-byte aligned. Not thread-safe for concurrent retain/release of
 * the same handle from several threads.
 */
#ifndef N2D2_TENSOR_H
#define N2D2_TENSOR_H

#include <stddef.h>
#include <stdint.h>
#include "n2d2/export.h"
#include "n2d2/status.h"

N2D2_BEGIN_DECLS

typedef enum n2d2_dtype {
    N2D2_FLOAT32 = 0,
    N2D2_FLOAT64 = 1,
    N2D2_FLOAT16 = 2, /* storage only (IEEE half as uint16_t) */
    N2D2_INT8 = 3,
    N2D2_UINT8 = 4,
    N2D2_INT32 = 5,
    N2D2_DTYPE_COUNT = 6
} n2d2_dtype;

#define N2D2_MAX_DIMS 8

/* Per-sample shape used by shape inference (no batch dimension), e.g.
 * {3, {C, H, W}}. */
typedef struct n2d2_shape {
    uint32_t ndim;
    size_t dims[N2D2_MAX_DIMS];
} n2d2_shape;

typedef struct n2d2_tensor n2d2_tensor;

N2D2_API size_t n2d2_dtype_size(n2d2_dtype dtype);
N2D2_API const char *n2d2_dtype_name(n2d2_dtype dtype); /* "Float32"... as in INI */
N2D2_API int n2d2_dtype_from_name(const char *name, n2d2_dtype *out); /* 1 on success */

/* New zero-filled tensor. ndim in 1..N2D2_MAX_DIMS, every dim >= 1 (0 is
 * allowed and gives an empty tensor). Overflowing sizes → N2D2_ERR_INVAL. */
N2D2_API n2d2_status n2d2_tensor_new(n2d2_dtype dtype, uint32_t ndim, const size_t *dims,
                                     n2d2_tensor **out);
/* New tensor {batch, shape...}. */
N2D2_API n2d2_status n2d2_tensor_new_batch(n2d2_dtype dtype, size_t batch,
                                           const n2d2_shape *shape, n2d2_tensor **out);
N2D2_API n2d2_status n2d2_tensor_new_like(const n2d2_tensor *t, n2d2_tensor **out);
N2D2_API n2d2_tensor *n2d2_tensor_retain(n2d2_tensor *t);
N2D2_API void n2d2_tensor_release(n2d2_tensor *t); /* NULL is fine */

/* Deep copy (own storage). */
N2D2_API n2d2_status n2d2_tensor_clone(const n2d2_tensor *t, n2d2_tensor **out);
/* View of `count` consecutive items of the first dimension starting at
 * `first` (a batch slice), sharing storage. */
N2D2_API n2d2_status n2d2_tensor_view(n2d2_tensor *t, size_t first, size_t count,
                                      n2d2_tensor **out);
/* View with other dims and the same element count, sharing storage. */
N2D2_API n2d2_status n2d2_tensor_reshape(n2d2_tensor *t, uint32_t ndim, const size_t *dims,
                                         n2d2_tensor **out);

N2D2_API n2d2_dtype n2d2_tensor_dtype(const n2d2_tensor *t);
N2D2_API uint32_t n2d2_tensor_ndim(const n2d2_tensor *t);
N2D2_API size_t n2d2_tensor_dim(const n2d2_tensor *t, uint32_t axis); /* 0 beyond ndim */
N2D2_API const size_t *n2d2_tensor_dims(const n2d2_tensor *t);
N2D2_API size_t n2d2_tensor_numel(const n2d2_tensor *t);
N2D2_API size_t n2d2_tensor_nbytes(const n2d2_tensor *t);
/* Per-sample shape (dims 1..ndim-1). */
N2D2_API n2d2_shape n2d2_tensor_sample_shape(const n2d2_tensor *t);
N2D2_API void *n2d2_tensor_data(n2d2_tensor *t);
N2D2_API const void *n2d2_tensor_cdata(const n2d2_tensor *t);
/* 1 when both handles point into the same storage. */
N2D2_API int n2d2_tensor_shares_storage(const n2d2_tensor *a, const n2d2_tensor *b);
N2D2_API int n2d2_tensor_refcount(const n2d2_tensor *t);

N2D2_API int n2d2_tensor_same_shape(const n2d2_tensor *a, const n2d2_tensor *b);
N2D2_API void n2d2_tensor_zero(n2d2_tensor *t);
N2D2_API n2d2_status n2d2_tensor_fill(n2d2_tensor *t, double value);
/* Copy data between tensors of equal element count, converting dtype
 * between float types. */
N2D2_API n2d2_status n2d2_tensor_copy(n2d2_tensor *dst, const n2d2_tensor *src);
/* Element as double / set from double (any dtype; index is flat). */
N2D2_API double n2d2_tensor_get(const n2d2_tensor *t, size_t index);
N2D2_API void n2d2_tensor_set(n2d2_tensor *t, size_t index, double value);

/* "128x1x32x32" into buf; returns buf. */
N2D2_API const char *n2d2_shape_str(const size_t *dims, uint32_t ndim, char *buf, size_t size);
N2D2_API size_t n2d2_shape_numel(const n2d2_shape *s);
N2D2_API int n2d2_shape_equal(const n2d2_shape *a, const n2d2_shape *b);

N2D2_END_DECLS

#endif
