/* Fixture code shared by the dataset-driver suites: a registry with the
 * driver preloaded and a temporary dataset folder, and files written
 * under that folder by relative path. */
#ifndef N2D2_TEST_DBM_FIXTURE_H
#define N2D2_TEST_DBM_FIXTURE_H

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "db_fixture.h"
#include "n2d2/n2d2.h"

/* New registry and loader with the one driver of `table` preloaded; returns
 * the new temporary folder named after `tag`. */
static inline char *dbm_fixture_setup(const n2d2_static_plugin *table, const char *tag,
                                      n2d2_registry **reg, n2d2_loader **loader)
{
    ck_assert_int_eq(n2d2_registry_new(reg), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_new(*reg, loader), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_preload(*loader, table, 1), N2D2_OK);
    return dbf_tempdir(tag);
}

static inline void dbm_fixture_teardown(char *dir, n2d2_loader *loader, n2d2_registry *reg)
{
    dbf_rmtree(dir);
    n2d2_loader_free(loader);
    n2d2_registry_free(reg);
}

/* The suite's globals reg, loader and dir, and its setup / teardown over
 * the statically linked driver `plugin` (temporary folder named `tag`). */
#define DBM_FIXTURE(plugin, tag)                                                   \
    N2D2_STATIC_PLUGIN_DECLARE(plugin);                                            \
    static n2d2_registry *reg;                                                     \
    static n2d2_loader *loader;                                                    \
    static char *dir;                                                              \
    static void setup(void)                                                        \
    {                                                                              \
        static const n2d2_static_plugin table[] = {N2D2_STATIC_PLUGIN(plugin)};    \
        dir = dbm_fixture_setup(table, tag, &reg, &loader);                        \
    }                                                                              \
    static void teardown(void) { dbm_fixture_teardown(dir, loader, reg); }

/* Text file `rel` under `dir`. */
static inline void dbm_write_text_in(const char *dir, const char *rel, const char *content)
{
    char path[4600];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    dbf_write_text(path, content);
}

#ifdef N2D2_DB_IMAGE_IO_H
/* 8-bit image `rel` under `dir` (format from the extension), every sample
 * `value`. */
static inline void dbm_write_u8_in(const char *dir, const char *rel, size_t channels,
                                   size_t height, size_t width, unsigned char value)
{
    char path[4600];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    unsigned char px[4 * 64 * 64];
    ck_assert_uint_le(channels * height * width, sizeof px);
    memset(px, value, channels * height * width);
    ck_assert_int_eq(n2d2_dbimg_write(path, N2D2_DBIMG_U8, channels, height, width, px), N2D2_OK);
}
#endif

#endif
