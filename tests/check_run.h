/* The end of every Check suite's main: run it, report, and turn the
 * failure count into the exit status ctest reads. */
#ifndef N2D2_TESTS_CHECK_RUN_H
#define N2D2_TESTS_CHECK_RUN_H

#include <check.h>
#include <stdlib.h>

static inline int n2d2_check_run(Suite *suite)
{
    SRunner *runner = srunner_create(suite);
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
