/* Links a library that is not on the loader's path: dlopen must fail with
 * the missing dependency's name. */
#include <n2d2/plugin.h>

int n2d2_test_dep_value(void);

static n2d2_status register_features(n2d2_registry *reg)
{
    (void)reg;
    return n2d2_test_dep_value() == 7 ? N2D2_OK : N2D2_ERR_INTERNAL;
}

N2D2_PLUGIN_DEFINE(test_needsdep, "1.0.0", "MIT", "missing dependency", register_features, NULL)
