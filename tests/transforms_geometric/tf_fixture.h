/* Opening and running one transformation of n2d2-transforms-geometric
 * from INI text, for the Check suites of this folder. */
#ifndef N2D2_TESTS_TF_FIXTURE_H
#define N2D2_TESTS_TF_FIXTURE_H

#define TF_TESTKIT_PLUGIN transforms_geometric
#include "transform_testkit.h"

static void tf_open_ok(tf *t, const char *type, const char *keys)
{
    n2d2_status st = tf_open(t, type, keys);
    ck_assert_msg(st == N2D2_OK, "%s: %s", type, n2d2_error_message());
}

/* Apply with a stream of `seed` (pixel-wise labels optional). */
static n2d2_status tf_apply(tf *t, n2d2_tensor **data, n2d2_tensor **labels, uint64_t seed)
{
    n2d2_tensor *none = NULL;
    int label = 3;
    n2d2_rng rng;
    n2d2_rng_seed(&rng, seed, N2D2_RNG_AUGMENT);
    return t->ops->apply(t->state, data, labels ? labels : &none, &label, N2D2_SET_LEARN, &rng);
}

/* One transformation on one image; checks the result. */
static void check(const char *type, const char *keys, n2d2_dtype dt, size_t c, size_t h,
                  size_t w, const double *in, size_t oc, size_t oh, size_t ow, const double *out,
                  double tol)
{
    tf t;
    tf_open_ok(&t, type, keys);
    n2d2_tensor *x = image(dt, c, h, w, in);
    ck_assert_msg(tf_apply(&t, &x, NULL, 1) == N2D2_OK, "%s", n2d2_error_message());
    expect(x, dt, oc, oh, ow, out, tol);
    n2d2_tensor_release(x);
    tf_close(&t);
}

static int same_values(const n2d2_tensor *a, const n2d2_tensor *b)
{
    if (!n2d2_tensor_same_shape(a, b))
        return 0;
    for (size_t i = 0; i < n2d2_tensor_numel(a); ++i)
        if (n2d2_tensor_get(a, i) != n2d2_tensor_get(b, i))
            return 0;
    return 1;
}

/* Run `type` on a copy of `src` with `seed`; returns the result. */
static n2d2_tensor *run_seed(const char *type, const char *keys, const n2d2_tensor *src,
                             uint64_t seed)
{
    tf t;
    tf_open_ok(&t, type, keys);
    n2d2_tensor *x;
    ck_assert_int_eq(n2d2_tensor_clone(src, &x), N2D2_OK);
    ck_assert_msg(tf_apply(&t, &x, NULL, seed) == N2D2_OK, "%s", n2d2_error_message());
    tf_close(&t);
    return x;
}

/* Same seed → same result; some of 8 other seeds → a different one. */
static void check_seeded(const char *type, const char *keys, const n2d2_tensor *src)
{
    n2d2_tensor *a = run_seed(type, keys, src, 7), *b = run_seed(type, keys, src, 7);
    ck_assert_msg(same_values(a, b), "%s is not reproducible for a fixed seed", type);
    int differs = 0;
    for (uint64_t s = 100; s < 108 && !differs; ++s) {
        n2d2_tensor *c = run_seed(type, keys, src, s);
        differs = !same_values(a, c);
        n2d2_tensor_release(c);
    }
    ck_assert_msg(differs, "%s gives the same result for every seed", type);
    n2d2_tensor_release(a);
    n2d2_tensor_release(b);
}

/* A create error whose message contains `needle`. */
static void check_create_error(const char *type, const char *keys, const char *needle)
{
    tf t;
    n2d2_status st = tf_open(&t, type, keys);
    ck_assert_msg(st != N2D2_OK, "%s accepted %s", type, keys);
    ck_assert_msg(strstr(n2d2_error_message(), needle), "'%s' lacks '%s'", n2d2_error_message(),
                  needle);
    tf_close(&t);
}

#endif
