/* Hand-written descriptors that the loader must refuse. Compiled once per
 * case with TEST_IDENT (the file's ident) and one of the overrides below. */
#include <n2d2/plugin.h>

#define STR_(x) #x
#define STR(x) STR_(x)
#define SYM_(id) n2d2_plugin_##id##_describe
#define SYM(id) SYM_(id)

#ifndef TEST_ABI
#define TEST_ABI N2D2_PLUGIN_ABI_VERSION
#endif
#ifndef TEST_SIZE
#define TEST_SIZE sizeof(n2d2_plugin_desc)
#endif
#ifndef TEST_NAME
#define TEST_NAME STR(TEST_IDENT)
#endif
#ifndef TEST_LICENSE
#define TEST_LICENSE "MIT"
#endif
#ifndef TEST_REGISTER
#define TEST_REGISTER register_features
#endif

__attribute__((unused)) static n2d2_status register_features(n2d2_registry *reg)
{
    (void)reg;
    return N2D2_OK;
}

static const n2d2_plugin_desc desc = {
    (uint32_t)(TEST_ABI), (uint32_t)(TEST_SIZE), TEST_NAME, "1.0.0", TEST_LICENSE,
    "bad descriptor", TEST_REGISTER, NULL, {0, 0, 0, 0}};

N2D2_PLUGIN_EXPORT const n2d2_plugin_desc *SYM(TEST_IDENT)(void);
N2D2_PLUGIN_EXPORT const n2d2_plugin_desc *SYM(TEST_IDENT)(void)
{
#ifdef TEST_RETURN_NULL
    (void)desc;
    return NULL;
#else
    return &desc;
#endif
}
