/* n2d2/plugin.h — how a shared object becomes an n2d2 plugin.
 *
 * A plugin file is named n2d2-<name>.so and exports exactly one symbol,
 * n2d2_plugin_<ident>_describe, where <ident> is <name> with '-' written '_'.
 * That function returns a constant descriptor. Write it with one macro:
 *
 *     #include <n2d2/n2d2.h>
 *
 *     static n2d2_status register_features(n2d2_registry *reg)
 *     {
 *         return n2d2_registry_add(reg, &my_cell_feature);
 *     }
 *     N2D2_PLUGIN_DEFINE(cell_mycell, "1.0.0", "MIT",
 *                        "My cell", register_features, NULL)
 *
 * builds as n2d2-cell-mycell.so. The optional probe returns N2D2_OK when the
 * plugin can run here and N2D2_ERR_SKIP when it cannot (a CUDA plugin on a
 * machine without GPU): the loader then logs it at info level and moves on.
 * A register function may also return N2D2_ERR_SKIP.
 */
#ifndef N2D2_PLUGIN_H
#define N2D2_PLUGIN_H

#include <stddef.h>
#include <stdint.h>
#include "n2d2/export.h"
#include "n2d2/status.h"
#include "n2d2/version.h"
#include "n2d2/registry.h"

N2D2_BEGIN_DECLS

typedef struct n2d2_plugin_desc {
    uint32_t abi_version;  /* N2D2_PLUGIN_ABI_VERSION the plugin was built with */
    uint32_t struct_size;  /* sizeof(n2d2_plugin_desc) at build time */
    const char *name;      /* must equal the file's <name> ('_' and '-' equal) */
    const char *version;
    const char *license;
    const char *description;
    n2d2_status (*register_fn)(n2d2_registry *reg);
    n2d2_status (*probe_fn)(void); /* optional */
    void *reserved[4];
} n2d2_plugin_desc;

typedef const n2d2_plugin_desc *(*n2d2_plugin_describe_fn)(void);

#define N2D2_PLUGIN_DEFINE(ident, version_str, license_str, description_str, register_function, \
                           probe_function)                                                   \
    static const n2d2_plugin_desc n2d2_plugin_desc_##ident = {                               \
        N2D2_PLUGIN_ABI_VERSION, (uint32_t)sizeof(n2d2_plugin_desc), #ident, version_str,     \
        license_str, description_str, register_function, probe_function, {0, 0, 0, 0}};      \
    N2D2_PLUGIN_EXPORT const n2d2_plugin_desc *n2d2_plugin_##ident##_describe(void);         \
    N2D2_PLUGIN_EXPORT const n2d2_plugin_desc *n2d2_plugin_##ident##_describe(void)          \
    {                                                                                        \
        return &n2d2_plugin_desc_##ident;                                                    \
    }

/* Static linking: a table of {name, describe} pairs handed to
 * n2d2_loader_preload() before any directory scan (preloaded names win over
 * files of the same name). N2D2_STATIC_PLUGIN(ident) declares one entry. */
typedef struct n2d2_static_plugin {
    const char *name;
    n2d2_plugin_describe_fn describe;
} n2d2_static_plugin;

#define N2D2_STATIC_PLUGIN_DECLARE(ident) \
    const n2d2_plugin_desc *n2d2_plugin_##ident##_describe(void)
#define N2D2_STATIC_PLUGIN(ident) {#ident, n2d2_plugin_##ident##_describe}

/* ---- the loader (used by hosts such as n2d2-run) ---- */

typedef struct n2d2_loader n2d2_loader;

typedef enum n2d2_plugin_state {
    N2D2_PLUGIN_LOADED = 0,
    N2D2_PLUGIN_SKIPPED = 1, /* probe/register said "not usable here" */
    N2D2_PLUGIN_REFUSED = 2  /* broken, wrong ABI, duplicate, failed register */
} n2d2_plugin_state;

typedef struct n2d2_plugin_info {
    const char *name;
    const char *file;        /* path, or "<static>" */
    const char *version;
    const char *license;
    const char *description;
    int abi_version;
    n2d2_plugin_state state;
    const char *message;     /* why skipped/refused; "" when loaded */
} n2d2_plugin_info;

/* The loader owns libltdl's global state: one loader per process at a time.
 * Plugins are opened resident and never unloaded, so the features they
 * registered stay valid after n2d2_loader_free() (the registry may outlive
 * the loader). A plugin name is loaded once: the first one found wins
 * (preloaded before files, then directories in order); later copies are
 * recorded as SKIPPED. */
N2D2_API n2d2_status n2d2_loader_new(n2d2_registry *reg, n2d2_loader **out);
N2D2_API void n2d2_loader_free(n2d2_loader *loader);

/* Directories to scan, in order of addition (the same directory twice is
 * kept once). N2D2_ERR_NOT_FOUND when it does not exist. */
N2D2_API n2d2_status n2d2_loader_add_path(n2d2_loader *loader, const char *dir);
/* Append N2D2_PLUGIN_PATH (':'-separated; empty entries are ignored, never
 * read as the current directory; missing ones are warned about), then the
 * install plugin directory found relative to libn2d2 itself (skipped when
 * it does not exist). */
N2D2_API n2d2_status n2d2_loader_add_default_paths(n2d2_loader *loader);
N2D2_API size_t n2d2_loader_path_count(const n2d2_loader *loader);
N2D2_API const char *n2d2_loader_path_at(const n2d2_loader *loader, size_t i);

/* Register statically linked plugins (no dlopen), with the same checks as
 * files; their file is "<static>". Returns the first refusal's code (each
 * refusal is logged and recorded; the rest of the table is still done). */
N2D2_API n2d2_status n2d2_loader_preload(n2d2_loader *loader, const n2d2_static_plugin *table,
                                         size_t n);
/* Scan every path for n2d2-*.so and load each. A plugin that is refused is
 * logged as an error (file + reason) and recorded; the scan goes on. Returns
 * N2D2_OK unless nothing could be scanned at all; *n_refused (may be NULL)
 * counts the refusals. */
N2D2_API n2d2_status n2d2_loader_load_all(n2d2_loader *loader, size_t *n_refused);
/* Load one file (a name without '/' means ./name: no search path is
 * used). N2D2_OK when loaded, N2D2_ERR_SKIP when skipped (not usable here,
 * or a plugin of that name is already loaded), otherwise the refusal's code;
 * the detail, "<file>: <reason>", is in n2d2_error_message(). */
N2D2_API n2d2_status n2d2_loader_load_file(n2d2_loader *loader, const char *path);

N2D2_API size_t n2d2_loader_plugin_count(const n2d2_loader *loader);
N2D2_API const n2d2_plugin_info *n2d2_loader_plugin_at(const n2d2_loader *loader, size_t i);

N2D2_END_DECLS

#endif
