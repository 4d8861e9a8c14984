/* Resizing arithmetic for float and double (bodies in resize_kernels_impl.h). */
#include "resize.h"

#include "../common/cells_common.h"

#define REAL float
#define SUFFIX _f32
#include "resize_kernels_impl.h"
#undef REAL
#undef SUFFIX

#define REAL double
#define SUFFIX _f64
#include "resize_kernels_impl.h"
