/* Helpers shared by the targets tests: the plugin preloaded statically,
 * parameters from an INI snippet, a database of named labels, tensors. */
#ifndef TARGET_TEST_UTIL_H
#define TARGET_TEST_UTIL_H

#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "n2d2/n2d2.h"
#include "check_run.h"

N2D2_STATIC_PLUGIN_DECLARE(targets);

typedef struct tt_env {
    n2d2_registry *reg;
    n2d2_loader *loader;
    const n2d2_feature *feature;
    const n2d2_target_ops *ops;
} tt_env;

static inline void tt_env_init(tt_env *e, const char *type)
{
    static const n2d2_static_plugin table[] = {N2D2_STATIC_PLUGIN(targets)};
    ck_assert_int_eq(n2d2_registry_new(&e->reg), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_new(e->reg, &e->loader), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_preload(e->loader, table, 1), N2D2_OK);
    e->feature = n2d2_registry_find(e->reg, N2D2_KIND_TARGET, type, NULL);
    ck_assert_ptr_nonnull(e->feature);
    e->ops = e->feature->ops;
}

static inline void tt_env_free(tt_env *e)
{
    n2d2_loader_free(e->loader);
    n2d2_registry_free(e->reg);
}

/* Database with the given label names (NULL-terminated). */
static inline n2d2_database *tt_database(const char *const *names)
{
    n2d2_database *db;
    ck_assert_int_eq(n2d2_database_new(&db), N2D2_OK);
    for (int i = 0; names && names[i]; ++i) {
        int id = -1;
        ck_assert_int_eq(n2d2_database_add_label(db, names[i], &id), N2D2_OK);
        ck_assert_int_eq(id, i);
    }
    return db;
}

/* A target built from `keys` (INI lines of section [fc.Target]) in an INI
 * named `ini_name`. Returns the status; *state is set on success. */
typedef struct tt_target {
    n2d2_ini *ini;
    n2d2_params *params;
    void *state;
    const n2d2_target_ops *ops;
} tt_target;

static inline n2d2_status tt_target_new_ctx(tt_env *e, const char *ini_name, const char *keys,
                                            n2d2_target_context *ctx, tt_target *t)
{
    char text[2048];
    snprintf(text, sizeof text, "[fc.Target]\n%s", keys ? keys : "");
    memset(t, 0, sizeof *t);
    t->ops = e->ops;
    n2d2_status st = n2d2_ini_load_string(text, strlen(text), ini_name, &t->ini);
    ck_assert_msg(st == N2D2_OK, "%s", n2d2_error_message());
    n2d2_ini_section *sec = n2d2_ini_find(t->ini, "fc.Target");
    ck_assert_ptr_nonnull(sec);
    st = n2d2_params_from_ini(t->ini, &sec, 1, NULL, 0, e->feature->params, e->feature->n_params,
                              &t->params);
    if (st != N2D2_OK)
        return st;
    return e->ops->create(t->params, ctx, &t->state);
}

static inline n2d2_status tt_target_new(tt_env *e, const char *keys, const n2d2_database *db,
                                        const size_t *chw, uint32_t ndim, tt_target *t)
{
    n2d2_shape shape; /* the target copies what it needs during create */
    memset(&shape, 0, sizeof shape);
    shape.ndim = ndim;
    for (uint32_t i = 0; i < ndim; ++i)
        shape.dims[i] = chw[i];
    n2d2_target_context ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.struct_size = (uint32_t)sizeof ctx;
    ctx.section = "fc.Target";
    ctx.cell_name = "fc";
    ctx.output_shape = &shape;
    ctx.database = db;
    ctx.where = "t.ini:1";
    return tt_target_new_ctx(e, "t.ini", keys, &ctx, t);
}

static inline void tt_target_free(tt_target *t)
{
    if (t->state)
        t->ops->destroy(t->state);
    n2d2_params_free(t->params);
    n2d2_ini_free(t->ini);
    memset(t, 0, sizeof *t);
}

/* Tensor {n, c, h, w} holding `values` (NULL = zeros). */
static inline n2d2_tensor *tt_tensor(n2d2_dtype dt, size_t n, size_t c, size_t h, size_t w,
                                     const double *values)
{
    size_t dims[4] = {n, c, h, w};
    n2d2_tensor *x;
    ck_assert_int_eq(n2d2_tensor_new(dt, 4, dims, &x), N2D2_OK);
    for (size_t i = 0; values && i < n * c * h * w; ++i)
        n2d2_tensor_set(x, i, values[i]);
    return x;
}

static inline void tt_assert_message(const char *needle)
{
    ck_assert_msg(strstr(n2d2_error_message(), needle), "message '%s' lacks '%s'",
                  n2d2_error_message(), needle);
}

#define TT_EPS 1e-6
#define tt_assert_near(a, b) ck_assert_double_eq_tol((a), (b), TT_EPS)

static inline int tt_run_suite(Suite *s)
{
    return n2d2_check_run(s);
}

#endif
