/* Element-wise arithmetic for float and double (bodies in
 * elemwise_kernels_impl.h). */
#include <tgmath.h>

#include "elemwise.h"

#include "../common/cells_common.h"

#define REAL float
#define SUFFIX _f32
#include "elemwise_kernels_impl.h"
#undef REAL
#undef SUFFIX

#define REAL double
#define SUFFIX _f64
#include "elemwise_kernels_impl.h"
