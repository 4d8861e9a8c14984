/* Test harness of the filter transformations: the plugin preloaded
 * statically, a transformation built from "Key=value" lines, tiny images
 * given as value lists. */
#ifndef N2D2_TESTS_TF_FILTERS_HARNESS_H
#define N2D2_TESTS_TF_FILTERS_HARNESS_H

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "n2d2/n2d2.h"
#include "check_run.h"

N2D2_STATIC_PLUGIN_DECLARE(transforms_filters);

static n2d2_registry *reg;
static n2d2_loader *loader;

static void setup(void)
{
    static const n2d2_static_plugin table[] = {N2D2_STATIC_PLUGIN(transforms_filters)};
    ck_assert_int_eq(n2d2_registry_new(&reg), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_new(reg, &loader), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_preload(loader, table, 1), N2D2_OK);
}

static void teardown(void)
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
 * status of the parameters or of create. */
static n2d2_status tf_open(tf *t, const char *type, const char *keys)
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

static void tf_close(tf *t)
{
    if (t->state)
        t->ops->destroy(t->state);
    n2d2_params_free(t->params);
    n2d2_ini_free(t->ini);
}

static n2d2_status tf_run_labels(tf *t, n2d2_tensor **data, n2d2_tensor **labels, int *label)
{
    n2d2_rng rng;
    n2d2_rng_seed(&rng, 1, N2D2_RNG_AUGMENT);
    return t->ops->apply(t->state, data, labels, label, N2D2_SET_LEARN, &rng);
}

static n2d2_status tf_run(tf *t, n2d2_tensor **data)
{
    n2d2_tensor *labels = NULL;
    int label = 3;
    n2d2_status st = tf_run_labels(t, data, &labels, &label);
    ck_assert_int_eq(label, 3);
    return st;
}

static n2d2_tensor *image(n2d2_dtype dt, size_t c, size_t h, size_t w, const double *v)
{
    size_t dims[3] = {c, h, w};
    n2d2_tensor *t;
    ck_assert_int_eq(n2d2_tensor_new(dt, 3, dims, &t), N2D2_OK);
    for (size_t i = 0; i < c * h * w; ++i)
        n2d2_tensor_set(t, i, v[i]);
    return t;
}

static void expect(const n2d2_tensor *t, n2d2_dtype dt, size_t c, size_t h, size_t w,
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

/* One transformation on one image; checks the result. */
static void check_tf(const char *type, const char *keys, n2d2_dtype in_type, size_t c, size_t h,
                     size_t w, const double *in, n2d2_dtype out_type, size_t oc, size_t oh,
                     size_t ow, const double *out, double tol)
{
    tf t;
    ck_assert_msg(tf_open(&t, type, keys) == N2D2_OK, "%s", n2d2_error_message());
    n2d2_tensor *x = image(in_type, c, h, w, in);
    ck_assert_msg(tf_run(&t, &x) == N2D2_OK, "%s", n2d2_error_message());
    expect(x, out_type, oc, oh, ow, out, tol);
    n2d2_tensor_release(x);
    tf_close(&t);
}

/* The transformation is refused at creation with `code` and a message
 * containing every `needles` entry (NULL-terminated). */
static void check_refused(const char *type, const char *keys, n2d2_status code,
                          const char *const *needles)
{
    tf t;
    n2d2_status st = tf_open(&t, type, keys);
    ck_assert_msg(st == code, "%s [%s]: got %s (%s)", type, keys, n2d2_status_str(st),
                  n2d2_error_message());
    for (size_t i = 0; needles && needles[i]; ++i)
        ck_assert_msg(strstr(n2d2_error_message(), needles[i]), "'%s' not in: %s", needles[i],
                      n2d2_error_message());
    tf_close(&t);
}

#endif
