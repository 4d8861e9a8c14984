/* Unpooling arithmetic for float and double (bodies in unpool_kernels_impl.h). */
#include "unpool.h"

#include "../common/cells_common.h"

#define REAL float
#define SUFFIX _f32
#include "unpool_kernels_impl.h"
#undef REAL
#undef SUFFIX

#define REAL double
#define SUFFIX _f64
#include "unpool_kernels_impl.h"
