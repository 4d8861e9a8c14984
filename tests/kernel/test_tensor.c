/* Tensor module: shapes, views, reference counting, clone, conversions. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "n2d2/n2d2.h"
#include "check_run.h"

START_TEST(new_tensor_is_zeroed_with_dims)
{
    size_t dims[4] = {2, 3, 4, 5};
    n2d2_tensor *t;
    ck_assert_int_eq(n2d2_tensor_new(N2D2_FLOAT32, 4, dims, &t), N2D2_OK);
    ck_assert_uint_eq(n2d2_tensor_ndim(t), 4);
    ck_assert_uint_eq(n2d2_tensor_numel(t), 120);
    ck_assert_uint_eq(n2d2_tensor_nbytes(t), 480);
    ck_assert_uint_eq(n2d2_tensor_dim(t, 2), 4);
    ck_assert_uint_eq(n2d2_tensor_dim(t, 7), 0);
    ck_assert_uint_eq((uintptr_t)n2d2_tensor_data(t) % 64, 0);
    const float *p = n2d2_tensor_data(t);
    for (size_t i = 0; i < 120; ++i)
        ck_assert_float_eq(p[i], 0.0f);
    n2d2_shape s = n2d2_tensor_sample_shape(t);
    ck_assert_uint_eq(s.ndim, 3);
    ck_assert_uint_eq(s.dims[0], 3);
    ck_assert_uint_eq(n2d2_shape_numel(&s), 60);
    char buf[64];
    ck_assert_str_eq(n2d2_shape_str(dims, 4, buf, sizeof buf), "2x3x4x5");
    n2d2_tensor_release(t);
}
END_TEST

START_TEST(batch_view_shares_storage_and_counts_references)
{
    size_t dims[2] = {4, 3};
    n2d2_tensor *t, *v;
    ck_assert_int_eq(n2d2_tensor_new(N2D2_FLOAT64, 2, dims, &t), N2D2_OK);
    for (size_t i = 0; i < 12; ++i)
        n2d2_tensor_set(t, i, (double)i);
    ck_assert_int_eq(n2d2_tensor_view(t, 1, 2, &v), N2D2_OK);
    ck_assert_uint_eq(n2d2_tensor_dim(v, 0), 2);
    ck_assert_uint_eq(n2d2_tensor_numel(v), 6);
    ck_assert(n2d2_tensor_shares_storage(t, v));
    ck_assert_double_eq(n2d2_tensor_get(v, 0), 3.0);
    n2d2_tensor_set(v, 5, -1.0);
    ck_assert_double_eq(n2d2_tensor_get(t, 8), -1.0);
    /* The parent may go first: the view keeps the storage alive. */
    n2d2_tensor_release(t);
    ck_assert_double_eq(n2d2_tensor_get(v, 5), -1.0);
    n2d2_tensor_retain(v);
    ck_assert_int_eq(n2d2_tensor_refcount(v), 2);
    n2d2_tensor_release(v);
    n2d2_tensor_release(v);
}
END_TEST

START_TEST(view_outside_bounds_is_an_error)
{
    size_t dims[2] = {4, 3};
    n2d2_tensor *t, *v;
    ck_assert_int_eq(n2d2_tensor_new(N2D2_FLOAT32, 2, dims, &t), N2D2_OK);
    ck_assert_int_eq(n2d2_tensor_view(t, 3, 2, &v), N2D2_ERR_INVAL);
    ck_assert_ptr_null(v);
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "outside"));
    n2d2_tensor_release(t);
}
END_TEST

START_TEST(reshape_keeps_data_and_checks_count)
{
    size_t dims[3] = {2, 3, 4}, flat[2] = {2, 12}, bad[2] = {5, 5};
    n2d2_tensor *t, *r, *wrong;
    ck_assert_int_eq(n2d2_tensor_new(N2D2_FLOAT32, 3, dims, &t), N2D2_OK);
    n2d2_tensor_set(t, 13, 7.5);
    ck_assert_int_eq(n2d2_tensor_reshape(t, 2, flat, &r), N2D2_OK);
    ck_assert_double_eq(n2d2_tensor_get(r, 13), 7.5);
    ck_assert_uint_eq(n2d2_tensor_dim(r, 1), 12);
    ck_assert_int_eq(n2d2_tensor_reshape(t, 2, bad, &wrong), N2D2_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "2x3x4"));
    n2d2_tensor_release(r);
    n2d2_tensor_release(t);
}
END_TEST

START_TEST(clone_is_independent)
{
    size_t dims[1] = {5};
    n2d2_tensor *t, *c;
    ck_assert_int_eq(n2d2_tensor_new(N2D2_FLOAT32, 1, dims, &t), N2D2_OK);
    n2d2_tensor_fill(t, 2.0);
    ck_assert_int_eq(n2d2_tensor_clone(t, &c), N2D2_OK);
    ck_assert(!n2d2_tensor_shares_storage(t, c));
    n2d2_tensor_set(c, 0, 9.0);
    ck_assert_double_eq(n2d2_tensor_get(t, 0), 2.0);
    ck_assert_double_eq(n2d2_tensor_get(c, 4), 2.0);
    n2d2_tensor_release(t);
    n2d2_tensor_release(c);
}
END_TEST

START_TEST(copy_converts_between_float_types)
{
    size_t dims[1] = {3};
    n2d2_tensor *f, *d;
    ck_assert_int_eq(n2d2_tensor_new(N2D2_FLOAT32, 1, dims, &f), N2D2_OK);
    ck_assert_int_eq(n2d2_tensor_new(N2D2_FLOAT64, 1, dims, &d), N2D2_OK);
    n2d2_tensor_set(f, 0, 0.5);
    n2d2_tensor_set(f, 1, -1.25);
    n2d2_tensor_set(f, 2, 3.0);
    ck_assert_int_eq(n2d2_tensor_copy(d, f), N2D2_OK);
    ck_assert_double_eq(((double *)n2d2_tensor_data(d))[1], -1.25);
    size_t other[1] = {4};
    n2d2_tensor *o;
    ck_assert_int_eq(n2d2_tensor_new(N2D2_FLOAT64, 1, other, &o), N2D2_OK);
    ck_assert_int_eq(n2d2_tensor_copy(o, f), N2D2_ERR_SHAPE);
    n2d2_tensor_release(o);
    n2d2_tensor_release(f);
    n2d2_tensor_release(d);
}
END_TEST

START_TEST(half_and_integer_storage_round_trip)
{
    size_t dims[1] = {6};
    n2d2_tensor *h, *i8;
    ck_assert_int_eq(n2d2_tensor_new(N2D2_FLOAT16, 1, dims, &h), N2D2_OK);
    const double values[6] = {0.0, 1.0, -2.5, 0.333251953125, 65504.0, 6.103515625e-05};
    for (size_t i = 0; i < 6; ++i)
        n2d2_tensor_set(h, i, values[i]);
    for (size_t i = 0; i < 6; ++i)
        ck_assert_double_eq_tol(n2d2_tensor_get(h, i), values[i], fabs(values[i]) * 1e-3 + 1e-7);
    ck_assert_int_eq(n2d2_tensor_new(N2D2_INT8, 1, dims, &i8), N2D2_OK);
    n2d2_tensor_set(i8, 0, 300.0);
    n2d2_tensor_set(i8, 1, -300.0);
    ck_assert_double_eq(n2d2_tensor_get(i8, 0), 127.0);
    ck_assert_double_eq(n2d2_tensor_get(i8, 1), -128.0);
    n2d2_tensor_release(h);
    n2d2_tensor_release(i8);
}
END_TEST

START_TEST(bad_shapes_are_refused)
{
    size_t huge[3] = {SIZE_MAX / 2, 4, 4};
    n2d2_tensor *t;
    ck_assert_int_eq(n2d2_tensor_new(N2D2_FLOAT32, 3, huge, &t), N2D2_ERR_INVAL);
    ck_assert_ptr_null(t);
    size_t dims[1] = {1};
    ck_assert_int_eq(n2d2_tensor_new(N2D2_FLOAT32, 0, dims, &t), N2D2_ERR_INVAL);
    ck_assert_int_eq(n2d2_tensor_new(N2D2_FLOAT32, N2D2_MAX_DIMS + 1, dims, &t), N2D2_ERR_INVAL);
    ck_assert_int_eq(n2d2_tensor_new((n2d2_dtype)99, 1, dims, &t), N2D2_ERR_INVAL);
}
END_TEST

START_TEST(dtype_names_follow_the_ini_spelling)
{
    n2d2_dtype d;
    ck_assert(n2d2_dtype_from_name("Float64", &d));
    ck_assert_int_eq(d, N2D2_FLOAT64);
    ck_assert(!n2d2_dtype_from_name("float64", &d));
    ck_assert_str_eq(n2d2_dtype_name(N2D2_FLOAT16), "Float16");
    ck_assert_uint_eq(n2d2_dtype_size(N2D2_FLOAT64), 8);
}
END_TEST

START_TEST(status_names_and_thread_error_detail)
{
    ck_assert_str_eq(n2d2_status_str(N2D2_ERR_PARSE), "N2D2_ERR_PARSE");
    ck_assert_str_eq(n2d2_status_str((n2d2_status)-99), "N2D2_ERR_UNKNOWN");
    ck_assert_int_eq(n2d2_error_at(N2D2_ERR_PARSE, "m.ini", 4, "bad %s", "thing"), N2D2_ERR_PARSE);
    ck_assert_str_eq(n2d2_error_message(), "m.ini:4: bad thing");
    n2d2_error_prefix("loading");
    ck_assert_str_eq(n2d2_error_message(), "loading: m.ini:4: bad thing");
    ck_assert_int_eq(n2d2_error_code(), N2D2_ERR_PARSE);
    n2d2_error_clear();
    ck_assert_str_eq(n2d2_error_message(), "");
}
END_TEST

static Suite *tensor_suite(void)
{
    Suite *s = suite_create("tensor");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, new_tensor_is_zeroed_with_dims);
    tcase_add_test(tc, batch_view_shares_storage_and_counts_references);
    tcase_add_test(tc, view_outside_bounds_is_an_error);
    tcase_add_test(tc, reshape_keeps_data_and_checks_count);
    tcase_add_test(tc, clone_is_independent);
    tcase_add_test(tc, copy_converts_between_float_types);
    tcase_add_test(tc, half_and_integer_storage_round_trip);
    tcase_add_test(tc, bad_shapes_are_refused);
    tcase_add_test(tc, dtype_names_follow_the_ini_spelling);
    tcase_add_test(tc, status_names_and_thread_error_detail);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return n2d2_check_run(tensor_suite());
}
