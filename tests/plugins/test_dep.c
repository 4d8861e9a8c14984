/* A library that n2d2-test-needsdep.so needs and cannot find at run time. */
__attribute__((visibility("default"))) int n2d2_test_dep_value(void);
__attribute__((visibility("default"))) int n2d2_test_dep_value(void) { return 7; }
