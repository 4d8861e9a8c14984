/* The plugin loader: finds n2d2-*.so files, checks their descriptor and runs
 * their register function against a registry.
 *
 * Choices, and why:
 *  - libltdl with local+resident advice: plugin symbols never leak into each
 *    other, and a module is never unmapped, so features in the registry stay
 *    valid for the life of the process (no dlclose, ever).
 *  - Every path handed to libltdl contains a '/', so libltdl never searches
 *    LD_LIBRARY_PATH/LTDL_LIBRARY_PATH or the current directory on its own.
 *  - libltdl is not thread-safe: one mutex guards every lt_* call.
 *  - libltdl reduces most dlopen failures to "file not found"; when opening
 *    fails we look at the file ourselves (and ask dlerror()) so the message
 *    says truncated / not an ELF file / which dependency is missing.
 *  - Directory entries are sorted, so which of two conflicting plugins wins
 *    does not depend on the file system.
 */
#include "n2d2/plugin.h"

#include <dirent.h>
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <limits.h>
#include <ltdl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "n2d2/log.h"
#include "strutil.h"

#ifndef N2D2_PLUGIN_DIR_FROM_LIB
#define N2D2_PLUGIN_DIR_FROM_LIB "n2d2/plugins"
#endif

/* v1 descriptors reach at least probe_fn; anything shorter is corrupt. */
#define DESC_MIN_SIZE (offsetof(n2d2_plugin_desc, probe_fn) + sizeof(void (*)(void)))
#define STATIC_FILE "<static>"

static pthread_mutex_t ltdl_lock = PTHREAD_MUTEX_INITIALIZER;

/* lt_dlexit() unlinks resident handles from libltdl's own list and forgets
 * them. They are process-lifetime by design (the modules stay mapped), so
 * keep them reachable here: no leak report, and the truth about lifetime.
 * Guarded by ltdl_lock; never freed. */
static lt_dlhandle *resident_handles;
static size_t n_resident, cap_resident;

static void keep_resident(lt_dlhandle handle)
{
    for (size_t i = 0; i < n_resident; ++i)
        if (resident_handles[i] == handle)
            return;
    if (n_resident == cap_resident) {
        size_t cap = cap_resident ? cap_resident * 2 : 32;
        lt_dlhandle *grown = realloc(resident_handles, cap * sizeof *grown);
        if (!grown)
            return; /* only costs a leak report */
        resident_handles = grown;
        cap_resident = cap;
    }
    resident_handles[n_resident++] = handle;
}

typedef struct plugin_rec {
    n2d2_plugin_info info; /* its strings point at the owned copies below */
    char *name, *file, *version, *license, *description, *message;
} plugin_rec;

typedef struct search_dir {
    char *path; /* as given, for messages */
    char *real; /* canonical, to drop duplicates */
} search_dir;

struct n2d2_loader {
    n2d2_registry *reg;
    search_dir *dirs;
    size_t n_dirs, cap_dirs;
    plugin_rec **plugins;
    size_t n_plugins, cap_plugins;
    int ltdl_ready;
};

/* ---- small helpers ------------------------------------------------------ */



static void text_init(n2d2_text *t)
{
    t->buf[0] = '\0';
    t->len = 0;
}

/* Plugin names compare with '-' and '_' equal ("cell-conv" is "cell_conv"). */
static int names_equal(const char *a, const char *b)
{
    for (;; ++a, ++b) {
        char ca = *a == '-' ? '_' : *a, cb = *b == '-' ? '_' : *b;
        if (ca != cb)
            return 0;
        if (!ca)
            return 1;
    }
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* "n2d2-cell-conv.so" -> ident "cell_conv" (into out). 0 when the file name
 * does not follow the pattern. */
static int ident_from_file(const char *base, char *out, size_t size)
{
    size_t len = strlen(base);
    if (len <= 8 || strncmp(base, "n2d2-", 5) != 0 || strcmp(base + len - 3, ".so") != 0)
        return 0;
    size_t n = len - 8;
    if (n + 1 > size)
        return 0;
    for (size_t i = 0; i < n; ++i) {
        char c = base[5 + i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return 0;
        out[i] = c == '-' ? '_' : c;
    }
    out[n] = '\0';
    return 1;
}

/* ---- the plugin list ---------------------------------------------------- */

static void rec_free(plugin_rec *r)
{
    if (!r)
        return;
    free(r->name);
    free(r->file);
    free(r->version);
    free(r->license);
    free(r->description);
    free(r->message);
    free(r);
}

static n2d2_status record(n2d2_loader *L, n2d2_plugin_state state, const char *name,
                          const char *file, const n2d2_plugin_desc *desc, int desc_checked,
                          const char *message)
{
    plugin_rec *r = calloc(1, sizeof *r);
    if (!r)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory recording a plugin");
    /* Only read descriptor strings once check_descriptor() accepted them. */
    int trusted = desc && (state != N2D2_PLUGIN_REFUSED || desc_checked);
    r->name = n2d2_strdup_or_empty(name);
    r->file = n2d2_strdup_or_empty(file);
    r->version = n2d2_strdup_or_empty(trusted ? desc->version : "");
    r->license = n2d2_strdup_or_empty(trusted ? desc->license : "");
    r->description = n2d2_strdup_or_empty(trusted ? desc->description : "");
    r->message = n2d2_strdup_or_empty(message);
    if (L->n_plugins == L->cap_plugins) {
        size_t cap = L->cap_plugins ? L->cap_plugins * 2 : 16;
        plugin_rec **grown = realloc(L->plugins, cap * sizeof *grown);
        if (grown) {
            L->plugins = grown;
            L->cap_plugins = cap;
        }
    }
    if (!r->name || !r->file || !r->version || !r->license || !r->description || !r->message ||
        L->n_plugins == L->cap_plugins) {
        rec_free(r);
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory recording a plugin");
    }
    r->info.name = r->name;
    r->info.file = r->file;
    r->info.version = r->version;
    r->info.license = r->license;
    r->info.description = r->description;
    r->info.abi_version = desc ? (int)desc->abi_version : 0;
    r->info.state = state;
    r->info.message = r->message;
    L->plugins[L->n_plugins++] = r;
    return N2D2_OK;
}

static const plugin_rec *find_loaded(const n2d2_loader *L, const char *name)
{
    for (size_t i = 0; i < L->n_plugins; ++i)
        if (L->plugins[i]->info.state == N2D2_PLUGIN_LOADED && names_equal(L->plugins[i]->name, name))
            return L->plugins[i];
    return NULL;
}

/* Record a refusal, set the error "<file>: <reason>" and return `code`. */
static n2d2_status refuse(n2d2_loader *L, n2d2_status code, const char *name, const char *file,
                          const n2d2_plugin_desc *desc, int desc_checked, const char *reason)
{
    n2d2_status st = record(L, N2D2_PLUGIN_REFUSED, name, file, desc, desc_checked, reason);
    if (st != N2D2_OK)
        return st;
    return n2d2_error(code, "%s: %s", file, reason);
}

/* Record a skip, log it at info level and return N2D2_ERR_SKIP. */
static n2d2_status skip(n2d2_loader *L, const char *name, const char *file,
                        const n2d2_plugin_desc *desc, const char *reason)
{
    n2d2_status st = record(L, N2D2_PLUGIN_SKIPPED, name, file, desc, 1, reason);
    if (st != N2D2_OK)
        return st;
    n2d2_log_info("plugin %s skipped: %s", file, reason);
    return n2d2_error(N2D2_ERR_SKIP, "%s: %s", file, reason);
}

static n2d2_status skip_duplicate_name(n2d2_loader *L, const plugin_rec *first, const char *name,
                                       const char *file)
{
    n2d2_text why;
    text_init(&why);
    n2d2_text_add(&why, "plugin '%s' is already loaded from %s (the first one found wins)", name,
             first->file);
    return skip(L, name, file, NULL, why.buf);
}

/* ---- descriptor checks, shared by files and static preloads ------------- */

static n2d2_status check_descriptor(const n2d2_plugin_desc *d, const char *ident,
                                    int is_static, n2d2_text *why)
{
    if (!d) {
        n2d2_text_add(why, "its describe function returned a NULL descriptor");
        return N2D2_ERR_INVAL;
    }
    unsigned major = d->abi_version / 1000, minor = d->abi_version % 1000;
    if (major != N2D2_PLUGIN_ABI_MAJOR || minor > N2D2_PLUGIN_ABI_MINOR) {
        n2d2_text_add(why, "built for plugin ABI %u.%u, this kernel has %d.%d%s", major, minor,
                 N2D2_PLUGIN_ABI_MAJOR, N2D2_PLUGIN_ABI_MINOR,
                 major != N2D2_PLUGIN_ABI_MAJOR ? " (major versions differ: rebuild the plugin)"
                                                : " (plugin is newer: update n2d2)");
        return N2D2_ERR_ABI;
    }
    if (d->struct_size < DESC_MIN_SIZE) {
        n2d2_text_add(why, "descriptor struct_size %u is smaller than the ABI %d.0 minimum %zu",
                 (unsigned)d->struct_size, N2D2_PLUGIN_ABI_MAJOR, (size_t)DESC_MIN_SIZE);
        return N2D2_ERR_ABI;
    }
    const char *missing = !d->name || !*d->name         ? "name"
                          : !d->version || !*d->version ? "version"
                          : !d->license || !*d->license ? "license"
                          : !d->register_fn             ? "register function"
                                                        : NULL;
    if (missing) {
        n2d2_text_add(why, "descriptor has no %s (use N2D2_PLUGIN_DEFINE)", missing);
        return N2D2_ERR_INVAL;
    }
    if (!names_equal(d->name, ident)) {
        if (is_static)
            n2d2_text_add(why, "descriptor name '%s' does not match the preload table name '%s'",
                     d->name, ident);
        else
            n2d2_text_add(why,
                     "descriptor name '%s' does not match the file name (a file "
                     "n2d2-<name>.so must describe plugin '<name>', here '%s')",
                     d->name, ident);
        return N2D2_ERR_INVAL;
    }
    return N2D2_OK;
}

/* The plugin's own error detail, or the bare code when it set none. */
static void add_plugin_detail(n2d2_text *why, n2d2_status st)
{
    const char *detail = n2d2_error_message();
    if (detail && *detail)
        n2d2_text_add(why, "%s", detail);
    else
        n2d2_text_add(why, "%s", n2d2_status_str(st));
}

static n2d2_status install(n2d2_loader *L, const n2d2_plugin_desc *d, const char *ident,
                           const char *file, int is_static)
{
    n2d2_text why;
    text_init(&why);
    n2d2_status st = check_descriptor(d, ident, is_static, &why);
    if (st != N2D2_OK)
        return refuse(L, st, ident, file, d, 0, why.buf);

    const plugin_rec *first = find_loaded(L, d->name);
    if (first)
        return skip_duplicate_name(L, first, d->name, file);

    if (d->probe_fn) {
        n2d2_error_clear();
        st = d->probe_fn();
        if (st == N2D2_ERR_SKIP) {
            n2d2_text_add(&why, "not usable here: ");
            add_plugin_detail(&why, st);
            return skip(L, d->name, file, d, why.buf);
        }
        if (st != N2D2_OK) {
            n2d2_text_add(&why, "probe failed: ");
            add_plugin_detail(&why, st);
            return refuse(L, st, d->name, file, d, 1, why.buf);
        }
    }

    n2d2_registry_set_origin(L->reg, d->name, file);
    n2d2_error_clear();
    st = d->register_fn(L->reg);
    n2d2_registry_set_origin(L->reg, NULL, NULL);
    if (st != N2D2_OK) {
        /* Whatever it added before failing goes away with it. */
        n2d2_registry_remove_origin(L->reg, d->name);
        if (st == N2D2_ERR_SKIP) {
            n2d2_text_add(&why, "not usable here: ");
            add_plugin_detail(&why, st);
            return skip(L, d->name, file, d, why.buf);
        }
        n2d2_text_add(&why, "registration failed: ");
        add_plugin_detail(&why, st);
        return refuse(L, st, d->name, file, d, 1, why.buf);
    }
    st = record(L, N2D2_PLUGIN_LOADED, d->name, file, d, 1, "");
    if (st != N2D2_OK)
        n2d2_registry_remove_origin(L->reg, d->name);
    else
        n2d2_log_debug("plugin %s loaded from %s", d->name, file);
    return st;
}

/* ---- opening files ------------------------------------------------------ */

/* libltdl said no; find out why in words a user can act on. Called with
 * ltdl_lock held. */
static n2d2_status diagnose_open_failure(const char *path, const char *lt_err, n2d2_text *why)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        n2d2_text_add(why, "cannot open: %s", strerror(errno));
        return N2D2_ERR_NOT_FOUND;
    }
    if (!S_ISREG(sb.st_mode)) {
        n2d2_text_add(why, "not a regular file");
        return N2D2_ERR_IO;
    }
    unsigned char hdr[sizeof(Elf64_Ehdr)];
    size_t got = 0;
    FILE *f = fopen(path, "rb");
    if (f) {
        got = fread(hdr, 1, sizeof hdr, f);
        fclose(f);
    }
    n2d2_text reason;
    text_init(&reason);
    if (got < SELFMAG || memcmp(hdr, ELFMAG, SELFMAG) != 0) {
        n2d2_text_add(&reason, "not an ELF shared object (%lld-byte file without an ELF header)",
                 (long long)sb.st_size);
    } else if (hdr[EI_CLASS] == ELFCLASS64 && got < sizeof(Elf64_Ehdr)) {
        n2d2_text_add(&reason, "truncated ELF file (%lld bytes)", (long long)sb.st_size);
    } else if (hdr[EI_CLASS] == ELFCLASS64) {
        Elf64_Ehdr eh;
        memcpy(&eh, hdr, sizeof eh);
        unsigned long long need = (unsigned long long)eh.e_shoff +
                                  (unsigned long long)eh.e_shnum * eh.e_shentsize;
        unsigned long long need_ph = (unsigned long long)eh.e_phoff +
                                     (unsigned long long)eh.e_phnum * eh.e_phentsize;
        if (need_ph > need)
            need = need_ph;
        if (need > (unsigned long long)sb.st_size)
            n2d2_text_add(&reason, "truncated ELF file (%lld bytes, its headers need %llu)",
                     (long long)sb.st_size, need);
    }
    /* dlerror() names the missing dependency or undefined symbol; libltdl
     * has already swallowed it, so ask once more. */
    dlerror();
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    const char *dl_err = h ? "opens with dlopen but not through libltdl" : dlerror();
    if (h)
        dlclose(h); /* never used: it failed through libltdl */
    if (!dl_err)
        dl_err = "unknown dlopen error";
    if (!lt_err)
        lt_err = "unknown error";
    if (reason.len)
        n2d2_text_add(why, "not loadable: %s (%s; libltdl: %s)", reason.buf, dl_err, lt_err);
    else
        n2d2_text_add(why, "not loadable: %s (libltdl: %s)", dl_err, lt_err);
    return N2D2_ERR_IO;
}

static n2d2_status load_path(n2d2_loader *L, const char *path)
{
    char ident[NAME_MAX + 1];
    const char *base = base_name(path);
    if (!ident_from_file(base, ident, sizeof ident))
        return refuse(L, N2D2_ERR_INVAL, base, path, NULL, 0,
                      "file name does not follow n2d2-<name>.so (letters, digits, '-', '_')");

    /* First one wins: a second copy is not even opened. */
    const plugin_rec *first = find_loaded(L, ident);
    if (first)
        return skip_duplicate_name(L, first, ident, path);

    char symbol[NAME_MAX + 32];
    snprintf(symbol, sizeof symbol, "n2d2_plugin_%s_describe", ident);

    n2d2_text why;
    text_init(&why);
    pthread_mutex_lock(&ltdl_lock);
    lt_dladvise advise;
    lt_dlhandle handle = NULL;
    if (lt_dladvise_init(&advise) == 0) {
        if (lt_dladvise_ext(&advise) == 0 && lt_dladvise_local(&advise) == 0 &&
            lt_dladvise_resident(&advise) == 0)
            handle = lt_dlopenadvise(path, advise);
        lt_dladvise_destroy(&advise);
    }
    n2d2_status st = N2D2_OK;
    void *sym = NULL;
    if (!handle) {
        const char *lt_err = lt_dlerror();
        st = diagnose_open_failure(path, lt_err, &why);
    } else {
        keep_resident(handle);
        sym = lt_dlsym(handle, symbol);
        if (!sym) {
            n2d2_text_add(&why,
                     "not an n2d2 plugin: symbol %s not found (n2d2-<name>.so must export "
                     "n2d2_plugin_<name>_describe, see N2D2_PLUGIN_DEFINE; a renamed plugin "
                     "file does not load)",
                     symbol);
            st = N2D2_ERR_NOT_FOUND;
        }
    }
    pthread_mutex_unlock(&ltdl_lock);
    if (st != N2D2_OK)
        return refuse(L, st, ident, path, NULL, 0, why.buf);

    n2d2_plugin_describe_fn describe;
    /* POSIX guarantees a data pointer from dlsym converts to a function. */
    memcpy(&describe, &sym, sizeof describe);
    return install(L, describe(), ident, path, 0);
}

/* ---- public API --------------------------------------------------------- */

n2d2_status n2d2_loader_new(n2d2_registry *reg, n2d2_loader **out)
{
    if (!out)
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_loader_new: out is NULL");
    *out = NULL;
    if (!reg)
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_loader_new: registry is NULL");
    n2d2_loader *L = calloc(1, sizeof *L);
    if (!L)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory creating the plugin loader");
    L->reg = reg;
    pthread_mutex_lock(&ltdl_lock);
    int failed = lt_dlinit();
    const char *err = failed ? lt_dlerror() : NULL;
    n2d2_status st = N2D2_OK;
    if (failed)
        st = n2d2_error(N2D2_ERR_INTERNAL, "cannot initialise libltdl: %s",
                        err ? err : "unknown error");
    pthread_mutex_unlock(&ltdl_lock);
    if (st != N2D2_OK) {
        free(L);
        return st;
    }
    L->ltdl_ready = 1;
    n2d2_registry_set_search_note(reg, NULL);
    *out = L;
    return N2D2_OK;
}

void n2d2_loader_free(n2d2_loader *L)
{
    if (!L)
        return;
    if (L->ltdl_ready) {
        /* Resident modules stay mapped: the registry may still use them. */
        pthread_mutex_lock(&ltdl_lock);
        lt_dlexit();
        pthread_mutex_unlock(&ltdl_lock);
    }
    for (size_t i = 0; i < L->n_plugins; ++i)
        rec_free(L->plugins[i]);
    free(L->plugins);
    for (size_t i = 0; i < L->n_dirs; ++i) {
        free(L->dirs[i].path);
        free(L->dirs[i].real);
    }
    free(L->dirs);
    free(L);
}

/* The registry's "plugins searched in" note: every directory, in order. */
static void update_search_note(n2d2_loader *L)
{
    n2d2_text note;
    text_init(&note);
    for (size_t i = 0; i < L->n_dirs; ++i)
        n2d2_text_add(&note, "%s%s", i ? ", " : "", L->dirs[i].path);
    n2d2_registry_set_search_note(L->reg, L->n_dirs ? note.buf : NULL);
}

n2d2_status n2d2_loader_add_path(n2d2_loader *L, const char *dir)
{
    if (!L || !dir || !*dir)
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_loader_add_path: %s",
                          L ? "empty directory name" : "loader is NULL");
    struct stat sb;
    if (stat(dir, &sb) != 0)
        return n2d2_error(N2D2_ERR_NOT_FOUND, "plugin directory %s: %s", dir, strerror(errno));
    if (!S_ISDIR(sb.st_mode))
        return n2d2_error(N2D2_ERR_INVAL, "plugin directory %s: not a directory", dir);
    char *real = realpath(dir, NULL);
    if (!real)
        return n2d2_error(N2D2_ERR_IO, "plugin directory %s: %s", dir, strerror(errno));
    for (size_t i = 0; i < L->n_dirs; ++i) {
        if (strcmp(L->dirs[i].real, real) == 0) {
            n2d2_log_debug("plugin directory %s already in the search path", dir);
            free(real);
            return N2D2_OK;
        }
    }
    if (L->n_dirs == L->cap_dirs) {
        size_t cap = L->cap_dirs ? L->cap_dirs * 2 : 8;
        search_dir *grown = realloc(L->dirs, cap * sizeof *grown);
        if (!grown) {
            free(real);
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory adding a plugin directory");
        }
        L->dirs = grown;
        L->cap_dirs = cap;
    }
    char *path = n2d2_strdup_or_empty(dir);
    if (!path) {
        free(real);
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory adding a plugin directory");
    }
    L->dirs[L->n_dirs].path = path;
    L->dirs[L->n_dirs].real = real;
    L->n_dirs++;
    update_search_note(L);
    return N2D2_OK;
}

/* <directory of libn2d2.so>/N2D2_PLUGIN_DIR_FROM_LIB, so that an install
 * is relocatable. */
static char *install_plugin_dir(void)
{
    Dl_info info;
    /* Any object of libn2d2 will do; data avoids a function-pointer cast. */
    if (!dladdr(&ltdl_lock, &info) || !info.dli_fname)
        return NULL;
    char *lib = realpath(info.dli_fname, NULL);
    if (!lib)
        return NULL;
    char *slash = strrchr(lib, '/');
    if (slash)
        *slash = '\0';
    size_t n = strlen(lib) + 1 + sizeof N2D2_PLUGIN_DIR_FROM_LIB;
    char *dir = malloc(n);
    if (dir)
        snprintf(dir, n, "%s/%s", slash ? lib : ".", N2D2_PLUGIN_DIR_FROM_LIB);
    free(lib);
    return dir;
}

n2d2_status n2d2_loader_add_default_paths(n2d2_loader *L)
{
    if (!L)
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_loader_add_default_paths: loader is NULL");
    const char *env = getenv("N2D2_PLUGIN_PATH");
    if (env && *env) {
        char *copy = n2d2_strdup_or_empty(env);
        if (!copy)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory reading N2D2_PLUGIN_PATH");
        /* Empty entries are ignored, not read as "."; the current
         * directory is searched only when named. */
        char *save = NULL;
        for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
            n2d2_status st = n2d2_loader_add_path(L, dir);
            if (st == N2D2_ERR_NOMEM) {
                free(copy);
                return st;
            }
            if (st != N2D2_OK)
                n2d2_log_warn("N2D2_PLUGIN_PATH: %s", n2d2_error_message());
        }
        free(copy);
    }
    char *dir = install_plugin_dir();
    if (dir) {
        struct stat sb;
        if (stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            n2d2_status st = n2d2_loader_add_path(L, dir);
            if (st != N2D2_OK) {
                free(dir);
                return st;
            }
        }
        free(dir);
    }
    return N2D2_OK;
}

size_t n2d2_loader_path_count(const n2d2_loader *L) { return L ? L->n_dirs : 0; }

const char *n2d2_loader_path_at(const n2d2_loader *L, size_t i)
{
    return L && i < L->n_dirs ? L->dirs[i].path : NULL;
}

n2d2_status n2d2_loader_preload(n2d2_loader *L, const n2d2_static_plugin *table, size_t n)
{
    if (!L || (n && !table))
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_loader_preload: %s is NULL",
                          L ? "table" : "loader");
    n2d2_status first_error = N2D2_OK;
    for (size_t i = 0; i < n; ++i) {
        const char *name = table[i].name ? table[i].name : "";
        n2d2_status st;
        if (!*name || !table[i].describe) {
            st = refuse(L, N2D2_ERR_INVAL, name, STATIC_FILE, NULL, 0,
                        "preload table entry without name or describe function");
        } else {
            const plugin_rec *first = find_loaded(L, name);
            st = first ? skip_duplicate_name(L, first, name, STATIC_FILE)
                       : install(L, table[i].describe(), name, STATIC_FILE, 1);
        }
        if (st != N2D2_OK && st != N2D2_ERR_SKIP) {
            n2d2_log_error("static plugin '%s' refused: %s", name, n2d2_error_message());
            if (first_error == N2D2_OK)
                first_error = st;
        }
    }
    return first_error;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted n2d2-*.so names in `dir`; -1 when the directory cannot be read. */
static long list_plugin_files(const char *dir, char ***out)
{
    *out = NULL;
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        size_t len = strlen(ent->d_name);
        if (len <= 8 || strncmp(ent->d_name, "n2d2-", 5) != 0 ||
            strcmp(ent->d_name + len - 3, ".so") != 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            char **grown = realloc(names, cap * sizeof *grown);
            if (!grown)
                goto nomem;
            names = grown;
        }
        if (!(names[n] = n2d2_strdup_or_empty(ent->d_name)))
            goto nomem;
        ++n;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, compare_names);
    *out = names;
    return (long)n;

nomem:
    closedir(d);
    for (size_t i = 0; i < n; ++i)
        free(names[i]);
    free(names);
    return -2;
}

n2d2_status n2d2_loader_load_all(n2d2_loader *L, size_t *n_refused)
{
    if (n_refused)
        *n_refused = 0;
    if (!L)
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_loader_load_all: loader is NULL");
    size_t refused = 0, scanned = 0;
    for (size_t i = 0; i < L->n_dirs; ++i) {
        const char *dir = L->dirs[i].path;
        char **names;
        long n = list_plugin_files(dir, &names);
        if (n == -2)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory scanning %s", dir);
        if (n < 0) {
            n2d2_log_warn("cannot read plugin directory %s: %s", dir, strerror(errno));
            continue;
        }
        ++scanned;
        for (long j = 0; j < n; ++j) {
            size_t len = strlen(dir) + strlen(names[j]) + 2;
            char *path = malloc(len);
            n2d2_status st = N2D2_ERR_NOMEM;
            if (path) {
                /* Always with a '/': libltdl must not search on its own. */
                snprintf(path, len, "%s/%s", dir, names[j]);
                st = n2d2_loader_load_file(L, path);
                free(path);
            }
            if (st == N2D2_ERR_NOMEM) {
                for (long k = j; k < n; ++k)
                    free(names[k]);
                free(names);
                return n2d2_error(N2D2_ERR_NOMEM, "out of memory loading plugins");
            }
            if (st != N2D2_OK && st != N2D2_ERR_SKIP) {
                n2d2_log_error("plugin refused: %s", n2d2_error_message());
                ++refused;
            }
            free(names[j]);
        }
        free(names);
    }
    if (n_refused)
        *n_refused = refused;
    if (L->n_dirs > 0 && scanned == 0) {
        n2d2_text dirs;
        text_init(&dirs);
        for (size_t i = 0; i < L->n_dirs; ++i)
            n2d2_text_add(&dirs, "%s%s", i ? ", " : "", L->dirs[i].path);
        return n2d2_error(N2D2_ERR_NOT_FOUND, "no plugin directory could be read (searched: %s)",
                          dirs.buf);
    }
    return N2D2_OK;
}

n2d2_status n2d2_loader_load_file(n2d2_loader *L, const char *path)
{
    if (!L || !path || !*path)
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_loader_load_file: %s",
                          L ? "empty path" : "loader is NULL");
    if (!strchr(path, '/')) {
        /* A bare name would make libltdl search the system paths. */
        size_t len = strlen(path) + 3;
        char *local = malloc(len);
        if (!local)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory loading %s", path);
        snprintf(local, len, "./%s", path);
        n2d2_status st = load_path(L, local);
        free(local);
        return st;
    }
    return load_path(L, path);
}

size_t n2d2_loader_plugin_count(const n2d2_loader *L) { return L ? L->n_plugins : 0; }

const n2d2_plugin_info *n2d2_loader_plugin_at(const n2d2_loader *L, size_t i)
{
    return L && i < L->n_plugins ? &L->plugins[i]->info : NULL;
}
