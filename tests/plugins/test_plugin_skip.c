/* Plugins that are "not usable here": one says so from its probe, the other
 * (TEST_REGISTER_SKIP) from its register function after adding a feature,
 * which the loader must roll back. */
#include <n2d2/plugin.h>

static const int test_ops = 1;

static const n2d2_feature feature = {
    .struct_size = sizeof(n2d2_feature),
    .kind = N2D2_KIND_SOLVER,
    .name = "TestSkippedSolver",
    .ops = &test_ops,
};

static n2d2_status register_features(n2d2_registry *reg)
{
    n2d2_status st = n2d2_registry_add(reg, &feature);
    if (st != N2D2_OK)
        return st;
#ifdef TEST_REGISTER_SKIP
    return n2d2_error(N2D2_ERR_SKIP, "no test accelerator found while registering");
#else
    return N2D2_OK;
#endif
}

#ifdef TEST_REGISTER_SKIP
N2D2_PLUGIN_DEFINE(test_regskip, "1.0.0", "MIT", "skips in register", register_features, NULL)
#else
static n2d2_status probe(void)
{
    return n2d2_error(N2D2_ERR_SKIP, "no test accelerator on this machine");
}
N2D2_PLUGIN_DEFINE(test_skip, "1.0.0", "MIT", "skips in probe", register_features, probe)
#endif
