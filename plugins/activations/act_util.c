/* Argument checks and state handling shared by the activations. */
#include <stdlib.h>

#include "act_util.h"

#ifdef _OPENMP
#include <omp.h>
#endif

void n2d2_act_spans_f32(n2d2_act_span_f32 span, float *out, const float *in, size_t n, float p0,
                        float p1)
{
#ifdef _OPENMP
    if (n >= N2D2_ACT_PARALLEL_MIN && omp_get_max_threads() > 1) {
#pragma omp parallel
        {
            /* blocks of whole cache lines (16 floats) */
            size_t parts = (size_t)omp_get_num_threads(), t = (size_t)omp_get_thread_num();
            size_t lines = (n + 15) / 16, lo = lines * t / parts * 16, hi = lines * (t + 1) / parts * 16;
            if (hi > n)
                hi = n;
            if (lo < hi)
                span(out + lo, in + lo, hi - lo, p0, p1);
        }
        return;
    }
#endif
    span(out, in, n, p0, p1);
}

static n2d2_status check_one(const char *who, const n2d2_tensor *ref, const n2d2_tensor *t)
{
    if (n2d2_tensor_dtype(t) != n2d2_tensor_dtype(ref))
        return n2d2_error(N2D2_ERR_INVAL, "%s: tensors of different data types (%s and %s)", who,
                          n2d2_dtype_name(n2d2_tensor_dtype(ref)), n2d2_dtype_name(n2d2_tensor_dtype(t)));
    if (n2d2_tensor_numel(t) != n2d2_tensor_numel(ref))
        return n2d2_error(N2D2_ERR_SHAPE, "%s: tensors of %zu and %zu elements", who,
                          n2d2_tensor_numel(ref), n2d2_tensor_numel(t));
    return N2D2_OK;
}

n2d2_status n2d2_act_check(const char *who, const n2d2_tensor *a, const n2d2_tensor *b,
                           const n2d2_tensor *c)
{
    if (!a || !b)
        return n2d2_error(N2D2_ERR_INVAL, "%s: missing tensor", who);
    n2d2_dtype dt = n2d2_tensor_dtype(a);
    if (dt != N2D2_FLOAT32 && dt != N2D2_FLOAT64)
        return n2d2_error(N2D2_ERR_UNSUPPORTED, "%s: %s tensors are not supported (Float32, Float64)",
                          who, n2d2_dtype_name(dt));
    n2d2_status st = check_one(who, a, b);
    if (st == N2D2_OK && c)
        st = check_one(who, a, c);
    return st;
}

n2d2_status n2d2_act_copy(n2d2_tensor *dst, const n2d2_tensor *src)
{
    if (n2d2_tensor_cdata(dst) == n2d2_tensor_cdata(src))
        return N2D2_OK;
    return n2d2_tensor_copy(dst, src);
}

n2d2_status n2d2_act_new_state(double p0, double p1, void **state)
{
    n2d2_act_state *s = malloc(sizeof *s);
    if (!s)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    s->p0 = p0;
    s->p1 = p1;
    *state = s;
    return N2D2_OK;
}

n2d2_status n2d2_act_create_none(const n2d2_params *params, void **state)
{
    (void)params;
    return n2d2_act_new_state(0.0, 0.0, state);
}

void n2d2_act_destroy(void *state) { free(state); }
