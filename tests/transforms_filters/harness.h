/* Test harness of the filter transformations: the shared fixture
 * (tests/transform_testkit.h) and this folder's checks. */
#ifndef N2D2_TESTS_TF_FILTERS_HARNESS_H
#define N2D2_TESTS_TF_FILTERS_HARNESS_H

#define TF_TESTKIT_PLUGIN transforms_filters
#include "transform_testkit.h"
#include "check_run.h"

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
