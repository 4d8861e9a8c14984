/* Fixture shared by the transformation test suites (tests/data,
 * tests/transforms_filters, tests/transforms_geometric, tests/labels): one
 * transformation plugin preloaded statically, a transformation opened from
 * "Key=value" lines, tiny images given as value lists. Define
 * TF_TESTKIT_PLUGIN (the plugin's identifier, e.g. transforms_basic)
 * before including. Helpers a suite may not use are static inline, so
 * that -Wunused-function stays quiet. */
#ifndef N2D2_TESTS_TRANSFORM_TESTKIT_H
#define N2D2_TESTS_TRANSFORM_TESTKIT_H

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "n2d2/n2d2.h"

#ifndef TF_TESTKIT_PLUGIN
#error "define TF_TESTKIT_PLUGIN (e.g. transforms_basic) before including transform_testkit.h"
#endif

/* One more expansion step, so that TF_TESTKIT_PLUGIN is replaced before
 * the SDK macros paste it into the entry point's name. */
#define TF_TESTKIT_DECLARE_(id) N2D2_STATIC_PLUGIN_DECLARE(id)
#define TF_TESTKIT_ENTRY_(id) N2D2_STATIC_PLUGIN(id)
TF_TESTKIT_DECLARE_(TF_TESTKIT_PLUGIN);

static n2d2_registry *reg;
static n2d2_loader *loader;

static inline void setup(void)
{
    static const n2d2_static_plugin table[] = {TF_TESTKIT_ENTRY_(TF_TESTKIT_PLUGIN)};
    ck_assert_int_eq(n2d2_registry_new(&reg), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_new(reg, &loader), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_preload(loader, table, 1), N2D2_OK);
}

static inline void teardown(void)
{
    n2d2_loader_free(loader);
    n2d2_registry_free(reg);
}

typedef struct tf {
    n2d2_ini *ini;
    n2d2_params *params;
    const n2d2_transform_ops *ops;
    void *state;
} tf;

/* Create transformation `type` from "Key=value\n" lines; returns the
 * status of the parameters or of create (the handle is usable only on
 * N2D2_OK; close it anyway). */
static inline n2d2_status tf_open(tf *t, const char *type, const char *keys)
{
    memset(t, 0, sizeof *t);
    const n2d2_feature *f = n2d2_registry_find(reg, N2D2_KIND_TRANSFORM, type, NULL);
    ck_assert_msg(f != NULL, "%s not registered", type);
    t->ops = f->ops;
    char text[4096];
    snprintf(text, sizeof text, "[t]\n%s", keys);
    ck_assert_int_eq(n2d2_ini_load_string(text, strlen(text), "t.ini", &t->ini), N2D2_OK);
    n2d2_ini_section *sec = n2d2_ini_find(t->ini, "t");
    n2d2_status st =
        n2d2_params_from_ini(t->ini, &sec, 1, NULL, 0, f->params, f->n_params, &t->params);
    if (st == N2D2_OK)
        st = t->ops->create(t->params, &t->state);
    return st;
}

static inline void tf_close(tf *t)
{
    if (t->state && t->ops->destroy)
        t->ops->destroy(t->state);
    n2d2_params_free(t->params);
    n2d2_ini_free(t->ini);
}

/* Transformation `type` is registered with `flags` and declares every
 * key of keys[0..max_keys) up to the first NULL. */
static inline void tf_check_schema(const char *type, const char *const *keys, size_t max_keys,
                                   uint32_t flags)
{
    const n2d2_feature *f = n2d2_registry_find(reg, N2D2_KIND_TRANSFORM, type, NULL);
    ck_assert_msg(f != NULL, "%s not registered", type);
    for (size_t k = 0; k < max_keys && keys[k]; ++k) {
        int found = 0;
        for (size_t i = 0; i < f->n_params && !found; ++i)
            found = strcmp(f->params[i].name, keys[k]) == 0;
        ck_assert_msg(found, "%s lacks %s", type, keys[k]);
    }
    ck_assert_uint_eq(((const n2d2_transform_ops *)f->ops)->flags, flags);
}

/* A {c, h, w} image of type `dt` holding v (NULL: 0, 1, 2, ...). */
static inline n2d2_tensor *image(n2d2_dtype dt, size_t c, size_t h, size_t w, const double *v)
{
    size_t dims[3] = {c, h, w};
    n2d2_tensor *t;
    ck_assert_int_eq(n2d2_tensor_new(dt, 3, dims, &t), N2D2_OK);
    for (size_t i = 0; i < c * h * w; ++i)
        n2d2_tensor_set(t, i, v ? v[i] : (double)i);
    return t;
}

/* *t is a {c, h, w} tensor of type `dt` holding v (within tol). */
static inline void expect(const n2d2_tensor *t, n2d2_dtype dt, size_t c, size_t h, size_t w,
                          const double *v, double tol)
{
    ck_assert_int_eq(n2d2_tensor_dtype(t), dt);
    ck_assert_uint_eq(n2d2_tensor_dim(t, 0), c);
    ck_assert_uint_eq(n2d2_tensor_dim(t, 1), h);
    ck_assert_uint_eq(n2d2_tensor_dim(t, 2), w);
    for (size_t i = 0; i < c * h * w; ++i)
        ck_assert_msg(fabs(n2d2_tensor_get(t, i) - v[i]) <= tol, "element %zu: %.9g, expected %.9g",
                      i, n2d2_tensor_get(t, i), v[i]);
}

#endif
