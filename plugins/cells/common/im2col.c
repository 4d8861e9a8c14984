/* im2col/col2im for float and double (bodies in im2col_impl.h). */
#include "im2col.h"

#define REAL float
#define SUFFIX _f32
#include "im2col_impl.h"
#undef REAL
#undef SUFFIX

#define REAL double
#define SUFFIX _f64
#include "im2col_impl.h"
#undef REAL
#undef SUFFIX

int n2d2_cells_conv_is_pointwise(const n2d2_cells_conv_geom *g)
{
    return g->kernel_h == 1 && g->kernel_w == 1 && g->stride_h == 1 && g->stride_w == 1 &&
           g->pad_h == 0 && g->pad_w == 0;
}
