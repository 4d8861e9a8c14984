/* Batch normalisation arithmetic for float and double (bodies in
 * batchnorm_kernels_impl.h). */
#include <math.h>

#include "batchnorm.h"

#include "../common/cells_common.h"

#define REAL float
#define SUFFIX _f32
#include "batchnorm_kernels_impl.h"
#undef REAL
#undef SUFFIX

#define REAL double
#define SUFFIX _f64
#include "batchnorm_kernels_impl.h"
