/* The stimulus catalogue: labels, compact names, sets and the partition
 * moves shared by every database driver. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "n2d2/n2d2.h"
#include "check_run.h"

START_TEST(labels_are_dense_and_unique)
{
    n2d2_database *db;
    ck_assert_int_eq(n2d2_database_new(&db), N2D2_OK);
    int a, b, again;
    ck_assert_int_eq(n2d2_database_add_label(db, "cat", &a), N2D2_OK);
    ck_assert_int_eq(n2d2_database_add_label(db, "dog", &b), N2D2_OK);
    ck_assert_int_eq(n2d2_database_add_label(db, "cat", &again), N2D2_OK);
    ck_assert_int_eq(a, 0);
    ck_assert_int_eq(b, 1);
    ck_assert_int_eq(again, 0);
    ck_assert_uint_eq(n2d2_database_label_count(db), 2);
    ck_assert_int_eq(n2d2_database_label_id(db, "dog"), 1);
    ck_assert_int_eq(n2d2_database_label_id(db, "bird"), -1);
    ck_assert_str_eq(n2d2_database_label_name(db, 1), "dog");
    ck_assert_ptr_null(n2d2_database_label_name(db, 2));
    ck_assert_ptr_null(n2d2_database_label_name(db, -1));
    /* Many labels: the hash map grows. */
    char name[32];
    for (int i = 0; i < 1000; ++i) {
        snprintf(name, sizeof name, "class%d", i);
        ck_assert_int_eq(n2d2_database_add_label(db, name, NULL), N2D2_OK);
    }
    ck_assert_int_eq(n2d2_database_label_id(db, "class777"), 779);
    n2d2_database_free(db);
}
END_TEST

START_TEST(names_round_trip_compactly)
{
    n2d2_database *db;
    ck_assert_int_eq(n2d2_database_new(&db), N2D2_OK);
    ck_assert_int_eq(n2d2_database_add_label(db, "x", NULL), N2D2_OK);
    static const char *const names[] = {
        "/data/mnist/train-images-idx3-ubyte:0", "/data/mnist/train-images-idx3-ubyte:59999",
        "/data/imgs/cat/001.png", "/data/imgs/cat/0", "plain", "", "a:b:c/", "dir/007",
        "x:4294967296", "x:123456789"};
    size_t n = sizeof names / sizeof names[0];
    for (size_t i = 0; i < n; ++i) {
        size_t index;
        ck_assert_int_eq(n2d2_database_add_stimulus(db, names[i], 0, N2D2_SET_LEARN, 100 + i, &index),
                         N2D2_OK);
        ck_assert_uint_eq(index, i);
    }
    for (size_t i = 0; i < n; ++i) {
        ck_assert_str_eq(n2d2_database_stimulus_name(db, i), names[i]);
        ck_assert_uint_eq(n2d2_database_stimulus_key(db, i), 100 + i);
    }
    /* The ring keeps 8 names alive at once. */
    const char *first = n2d2_database_stimulus_name(db, 0);
    const char *second = n2d2_database_stimulus_name(db, 2);
    ck_assert_str_eq(first, names[0]);
    ck_assert_str_eq(second, names[2]);
    ck_assert_ptr_null(n2d2_database_stimulus_name(db, n));
    /* 70,000 stimuli are cheap and still named right. */
    char name[64];
    for (size_t i = 0; i < 70000; ++i) {
        snprintf(name, sizeof name, "/data/t10k-images-idx3-ubyte:%zu", i);
        ck_assert_int_eq(n2d2_database_add_stimulus(db, name, -1, N2D2_SET_TEST, i, NULL), N2D2_OK);
    }
    ck_assert_str_eq(n2d2_database_stimulus_name(db, n + 65432), "/data/t10k-images-idx3-ubyte:65432");
    ck_assert_int_eq(n2d2_database_stimulus_label(db, n + 65432), -1);
    ck_assert_uint_eq(n2d2_database_stimulus_count(db), n + 70000);
    ck_assert_uint_eq(n2d2_database_set_count(db, N2D2_SET_TEST), 70000);
    n2d2_database_free(db);
}
END_TEST

START_TEST(bad_stimuli_are_refused)
{
    n2d2_database *db;
    ck_assert_int_eq(n2d2_database_new(&db), N2D2_OK);
    ck_assert_int_eq(n2d2_database_add_stimulus(db, "a", 0, N2D2_SET_LEARN, 0, NULL), N2D2_ERR_INVAL);
    ck_assert_msg(strstr(n2d2_error_message(), "label 0 is not a label id"), "%s", n2d2_error_message());
    ck_assert_int_eq(n2d2_database_add_stimulus(db, "a", -1, N2D2_SET_COUNT, 0, NULL), N2D2_ERR_INVAL);
    char *big = malloc(5000);
    memset(big, 'a', 4999);
    big[4999] = '\0';
    ck_assert_int_eq(n2d2_database_add_stimulus(db, big, -1, N2D2_SET_LEARN, 0, NULL), N2D2_ERR_RANGE);
    free(big);
    ck_assert_uint_eq(n2d2_database_stimulus_count(db), 0);
    ck_assert_uint_eq(n2d2_database_set_at(db, N2D2_SET_LEARN, 0), (size_t)-1);
    n2d2_database_free(db);
}
END_TEST

static n2d2_database *numbered(size_t n)
{
    n2d2_database *db;
    ck_assert_int_eq(n2d2_database_new(&db), N2D2_OK);
    char name[32];
    for (size_t i = 0; i < n; ++i) {
        snprintf(name, sizeof name, "s:%zu", i);
        ck_assert_int_eq(n2d2_database_add_stimulus(db, name, -1, N2D2_SET_LEARN, i, NULL), N2D2_OK);
    }
    return db;
}

START_TEST(move_in_order_keeps_the_rest_in_order)
{
    n2d2_database *db = numbered(10);
    ck_assert_int_eq(n2d2_database_move(db, N2D2_SET_LEARN, N2D2_SET_VALIDATION, 3, NULL), N2D2_OK);
    ck_assert_uint_eq(n2d2_database_set_count(db, N2D2_SET_LEARN), 7);
    ck_assert_uint_eq(n2d2_database_set_count(db, N2D2_SET_VALIDATION), 3);
    for (size_t i = 0; i < 3; ++i)
        ck_assert_uint_eq(n2d2_database_set_at(db, N2D2_SET_VALIDATION, i), i);
    for (size_t i = 0; i < 7; ++i)
        ck_assert_uint_eq(n2d2_database_set_at(db, N2D2_SET_LEARN, i), i + 3);
    ck_assert_int_eq(n2d2_database_stimulus_set(db, 1), N2D2_SET_VALIDATION);
    ck_assert_int_eq(n2d2_database_stimulus_set(db, 5), N2D2_SET_LEARN);
    ck_assert_int_eq(n2d2_database_move(db, N2D2_SET_LEARN, N2D2_SET_TEST, 8, NULL), N2D2_ERR_RANGE);
    ck_assert_msg(strstr(n2d2_error_message(), "Learn has only 7"), "%s", n2d2_error_message());
    n2d2_database_free(db);
}
END_TEST

START_TEST(random_move_is_reproducible_and_a_partition)
{
    size_t picked[2][40];
    for (int run = 0; run < 2; ++run) {
        n2d2_database *db = numbered(100);
        n2d2_rng rng;
        n2d2_rng_seed(&rng, 42, N2D2_RNG_PARTITION);
        ck_assert_int_eq(n2d2_database_move(db, N2D2_SET_LEARN, N2D2_SET_VALIDATION, 40, &rng), N2D2_OK);
        int seen[100] = {0};
        for (size_t i = 0; i < 40; ++i) {
            picked[run][i] = n2d2_database_set_at(db, N2D2_SET_VALIDATION, i);
            seen[picked[run][i]]++;
            ck_assert_int_eq(n2d2_database_stimulus_set(db, picked[run][i]), N2D2_SET_VALIDATION);
        }
        size_t prev = 0;
        for (size_t i = 0; i < 60; ++i) {
            size_t s = n2d2_database_set_at(db, N2D2_SET_LEARN, i);
            ck_assert(i == 0 || s > prev); /* the rest keeps its order */
            prev = s;
            seen[s]++;
        }
        for (int i = 0; i < 100; ++i)
            ck_assert_int_eq(seen[i], 1);
        n2d2_database_free(db);
    }
    ck_assert_mem_eq(picked[0], picked[1], sizeof picked[0]);
    /* Not simply the first ones. */
    int in_order = 1;
    for (size_t i = 0; i < 40; ++i)
        in_order &= picked[0][i] == i;
    ck_assert(!in_order);
}
END_TEST

START_TEST(sorting_labels_renumbers_stimuli)
{
    n2d2_database *db;
    ck_assert_int_eq(n2d2_database_new(&db), N2D2_OK);
    const char *order[] = {"car_side", "airplanes", "Motorbikes", "Faces"};
    for (int i = 0; i < 4; ++i)
        ck_assert_int_eq(n2d2_database_add_label(db, order[i], NULL), N2D2_OK);
    for (int i = 0; i < 4; ++i)
        ck_assert_int_eq(n2d2_database_add_stimulus(db, order[i], i, N2D2_SET_LEARN, 0, NULL), N2D2_OK);
    ck_assert_int_eq(n2d2_database_sort_labels(db, strcasecmp), N2D2_OK);
    const char *expect[] = {"airplanes", "car_side", "Faces", "Motorbikes"};
    for (int i = 0; i < 4; ++i)
        ck_assert_str_eq(n2d2_database_label_name(db, i), expect[i]);
    for (int i = 0; i < 4; ++i)
        ck_assert_str_eq(n2d2_database_label_name(db, n2d2_database_stimulus_label(db, (size_t)i)),
                         order[i]);
    ck_assert_int_eq(n2d2_database_label_id(db, "Faces"), 2);
    ck_assert_int_eq(n2d2_database_sort_labels(db, NULL), N2D2_OK); /* byte order */
    ck_assert_str_eq(n2d2_database_label_name(db, 0), "Faces");
    ck_assert_int_eq(n2d2_database_label_id(db, "car_side"), 3);
    n2d2_database_free(db);
}
END_TEST

START_TEST(set_names)
{
    ck_assert_str_eq(n2d2_set_name(N2D2_SET_LEARN), "Learn");
    ck_assert_str_eq(n2d2_set_name(N2D2_SET_VALIDATION), "Validation");
    ck_assert_str_eq(n2d2_set_name(N2D2_SET_TEST), "Test");
    ck_assert_str_eq(n2d2_set_name(N2D2_SET_UNPARTITIONED), "Unpartitioned");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("database");
    TCase *tc = tcase_create("catalogue");
    tcase_add_test(tc, labels_are_dense_and_unique);
    tcase_add_test(tc, names_round_trip_compactly);
    tcase_add_test(tc, bad_stimuli_are_refused);
    tcase_add_test(tc, move_in_order_keeps_the_rest_in_order);
    tcase_add_test(tc, random_move_is_reproducible_and_a_partition);
    tcase_add_test(tc, sorting_labels_renumbers_stimuli);
    tcase_add_test(tc, set_names);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
