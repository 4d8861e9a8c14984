/* A well-formed test plugin: one transformation and one cell in two models.
 * Built twice: as n2d2-test-good.so (good/) and, with TEST_SHADOW, as a
 * second file of the same plugin name (shadow/) for search-order tests. */
#include <n2d2/plugin.h>

#ifdef TEST_SHADOW
#define TEST_VERSION "2.0.0-shadow"
#else
#define TEST_VERSION "1.0.0"
#endif

/* The registry only needs a non-NULL ops pointer. */
static const struct {
    int dummy;
} test_ops = {1};

static const n2d2_param_spec cell_params[] = {
    {"Scale", N2D2_PARAM_FLOAT, "1.0", NULL, 0, 0, 0, "output scale"},
    {"Mode", N2D2_PARAM_ENUM, "Fast", "Fast|Slow", 0, 0, 0, "how"},
};

static const n2d2_feature transform_feature = {
    .struct_size = sizeof(n2d2_feature),
    .kind = N2D2_KIND_TRANSFORM,
    .name = "TestTransformation",
    .help = "does nothing",
    .ops = &test_ops,
};

static const n2d2_feature cell_frame = {
    .struct_size = sizeof(n2d2_feature),
    .kind = N2D2_KIND_CELL,
    .name = "TestCell",
    .model = "Frame",
    .help = "test cell",
    .params = cell_params,
    .n_params = sizeof cell_params / sizeof cell_params[0],
    .ops = &test_ops,
    .rank = 10,
};

static const n2d2_feature cell_other = {
    .struct_size = sizeof(n2d2_feature),
    .kind = N2D2_KIND_CELL,
    .name = "TestCell",
    .model = "Frame_TEST",
    .help = "test cell, other model",
    .ops = &test_ops,
    .rank = 1,
};

static n2d2_status register_features(n2d2_registry *reg)
{
    n2d2_status st = n2d2_registry_add(reg, &transform_feature);
    if (st == N2D2_OK)
        st = n2d2_registry_add(reg, &cell_frame);
    if (st == N2D2_OK)
        st = n2d2_registry_add(reg, &cell_other);
    return st;
}

N2D2_PLUGIN_DEFINE(test_good, TEST_VERSION, "MIT", "loader test plugin", register_features, NULL)
