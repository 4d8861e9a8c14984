/* Pooling arithmetic for float and double (bodies in pool_kernels_impl.h). */
#include "pool.h"

#include "../common/cells_common.h"

#define REAL float
#define SUFFIX _f32
#include "pool_kernels_impl.h"
#undef REAL
#undef SUFFIX

#define REAL double
#define SUFFIX _f64
#include "pool_kernels_impl.h"
#undef REAL
#undef SUFFIX

/* 3-D windows ({C, D, H, W} inputs). */
#define REAL float
#define SUFFIX _f32
#include "pool3d_kernels_impl.h"
#undef REAL
#undef SUFFIX

#define REAL double
#define SUFFIX _f64
#include "pool3d_kernels_impl.h"
