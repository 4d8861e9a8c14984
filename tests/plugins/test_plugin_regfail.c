/* A plugin whose register function fails after adding a feature (rolled
 * back by the loader), or (TEST_DUP) registers a feature that
 * n2d2-test-good.so registers too. */
#include <n2d2/plugin.h>

static const int test_ops = 1;

static const n2d2_feature own_feature = {
    .struct_size = sizeof(n2d2_feature),
    .kind = N2D2_KIND_FILLER,
#ifdef TEST_DUP
    .name = "TestDupFiller",
#else
    .name = "TestRollbackFiller",
#endif
    .ops = &test_ops,
};

#ifdef TEST_DUP
static const n2d2_feature clash = {
    .struct_size = sizeof(n2d2_feature),
    .kind = N2D2_KIND_TRANSFORM,
    .name = "TestTransformation", /* also registered by test_good */
    .ops = &test_ops,
};
#endif

static n2d2_status register_features(n2d2_registry *reg)
{
    n2d2_status st = n2d2_registry_add(reg, &own_feature);
    if (st != N2D2_OK)
        return st;
#ifdef TEST_DUP
    return n2d2_registry_add(reg, &clash);
#else
    return n2d2_error(N2D2_ERR_INVAL, "test failure: mandatory setting missing");
#endif
}

#ifdef TEST_DUP
N2D2_PLUGIN_DEFINE(test_dup, "1.0.0", "MIT", "duplicate feature", register_features, NULL)
#else
N2D2_PLUGIN_DEFINE(test_regfail, "1.0.0", "MIT", "register fails", register_features, NULL)
#endif
