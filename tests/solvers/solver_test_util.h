/* Helpers of the solver suites: create a solver from an INI text and call
 * its ops directly. */
#ifndef N2D2_SOLVER_TEST_UTIL_H
#define N2D2_SOLVER_TEST_UTIL_H

#include <check.h>
#include <math.h>
#include <string.h>

#include "family_test_util.h"

typedef struct solver {
    const n2d2_solver_ops *ops;
    void *state;
} solver;

static inline n2d2_status solver_new(const n2d2_registry *reg, const char *name, const char *body,
                                     const n2d2_tensor *value, solver *s)
{
    const n2d2_feature *f = n2d2_registry_find(reg, N2D2_KIND_SOLVER, name, "Frame");
    ck_assert_msg(f != NULL, "solver %s/Frame not registered", name);
    ck_assert_str_eq(f->model, "Frame");
    s->ops = f->ops;
    s->state = NULL;
    n2d2_ini *ini = NULL;
    n2d2_params *p = NULL;
    n2d2_status st = fam_params(f, "S.", body, &ini, &p);
    if (st == N2D2_OK)
        st = s->ops->create(p, value, &s->state);
    n2d2_params_free(p);
    n2d2_ini_free(ini);
    return st;
}

static inline void solver_free(solver *s)
{
    if (s->state)
        s->ops->destroy(s->state);
    s->state = NULL;
}

static inline n2d2_solver_context solver_ctx(size_t batch, uint64_t iteration)
{
    n2d2_solver_context ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.struct_size = sizeof ctx;
    ctx.batch_size = batch;
    ctx.iteration = iteration;
    ctx.stimuli_seen = iteration * batch;
    return ctx;
}

static inline n2d2_tensor *vec(n2d2_dtype dt, const double *v, size_t n)
{
    n2d2_tensor *t;
    ck_assert_int_eq(n2d2_tensor_new(dt, 1, &n, &t), N2D2_OK);
    for (size_t i = 0; i < n; ++i)
        n2d2_tensor_set(t, i, v[i]);
    return t;
}

static inline void set_vec(n2d2_tensor *t, const double *v)
{
    for (size_t i = 0; i < n2d2_tensor_numel(t); ++i)
        n2d2_tensor_set(t, i, v[i]);
}

static inline void expect_vec(const n2d2_tensor *t, const double *want, double tol, const char *what)
{
    for (size_t i = 0; i < n2d2_tensor_numel(t); ++i)
        ck_assert_msg(fabs(n2d2_tensor_get(t, i) - want[i]) <= tol * (1 + fabs(want[i])),
                      "%s[%zu] = %.17g, expected %.17g", what, i, n2d2_tensor_get(t, i), want[i]);
}

#endif
