/* A shared object named like a plugin but without the entry symbol. */
__attribute__((visibility("default"))) int n2d2_test_not_a_plugin(void);
__attribute__((visibility("default"))) int n2d2_test_not_a_plugin(void) { return 42; }
