/* `[sp] CachePath=`: the result of a stimulus's static transformations
 * kept on disk, so a large dataset is decoded once across runs (the
 * in-memory cache only lasts one run and has a size limit).
 *
 * Layout: <CachePath>/<fingerprint>/<set letter><index>.stim, where the
 * fingerprint (64-bit FNV-1a, hex) covers everything the cached bytes
 * depend on: the [database] section, the provider's keys (not BatchSize
 * or CachePath), every transformation section of the provider, the number
 * of stimuli, and the seed when a static transformation is random. A
 * change in any of them starts a fresh folder instead of reusing stale
 * data. Each file holds a header (magic, dtype, C/H/W, label, stimulus
 * name) and the raw bytes; it is written to a temporary name and renamed,
 * so a crash never leaves a half file under the real name.
 *
 * The cache is an optimisation: a file that is missing, truncated or names
 * another stimulus is recomputed (with one warning), and a write that fails
 * disables the disk cache with one warning; neither stops a run. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "n2d2/log.h"
#include "stimuli_internal.h"
#include "strutil.h"

#define STIM_MAGIC "N2D2STC1"
#define STIM_MAGIC_LEN 8

typedef struct stim_header {
    char magic[STIM_MAGIC_LEN];
    uint32_t dtype;
    uint32_t dims[3];
    int32_t label;
    uint32_t name_len;
} stim_header;

static void fnv_bytes(uint64_t *h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; ++i) {
        *h ^= p[i];
        *h *= 1099511628211ULL;
    }
}

static void fnv_str(uint64_t *h, const char *s)
{
    fnv_bytes(h, s ? s : "", strlen(s ? s : "") + 1);
}

/* Key=value of every entry of `sec` (resolved when possible), skipping
 * the keys named in `skip` (NULL-terminated). */
static void fnv_section(uint64_t *h, n2d2_ini *ini, n2d2_ini_section *sec,
                        const char *const *skip)
{
    if (!sec)
        return;
    fnv_str(h, n2d2_ini_section_name(sec));
    for (size_t i = 0; i < n2d2_ini_entry_count(sec); ++i) {
        n2d2_ini_entry *e = n2d2_ini_entry_at(sec, i);
        const char *key = n2d2_ini_entry_key(e);
        int skipped = 0;
        for (size_t k = 0; skip && skip[k]; ++k)
            if (strcmp(skip[k], key) == 0)
                skipped = 1;
        if (skipped)
            continue;
        const char *value = NULL;
        if (n2d2_ini_entry_resolve(ini, e, &value) != N2D2_OK || !value)
            value = n2d2_ini_entry_raw(e);
        fnv_str(h, key);
        fnv_str(h, value);
    }
}

static uint64_t fingerprint(const n2d2_stimuli *sp)
{
    static const char *const sp_skip[] = {"BatchSize", "CachePath", NULL};
    uint64_t h = 14695981039346656037ULL;
    fnv_str(&h, "n2d2 stimuli cache v1");
    fnv_section(&h, sp->ini, n2d2_ini_find(sp->ini, "database"), NULL);
    if (sp->slicing_params) { /* slices are numbered after the originals */
        char name[512];
        snprintf(name, sizeof name, "%s.slicing", sp->db_section);
        fnv_section(&h, sp->ini, n2d2_ini_find(sp->ini, name), NULL);
    }
    fnv_section(&h, sp->ini, sp->sec, sp_skip);
    int random_static = 0;
    for (size_t i = 0; i < sp->n_tf; ++i) {
        fnv_section(&h, sp->ini, n2d2_ini_find(sp->ini, sp->tf[i].section), NULL);
        if (!sp->tf[i].on_the_fly && (sp->tf[i].ops->flags & N2D2_TRANSFORM_RANDOM))
            random_static = 1;
    }
    uint64_t count = n2d2_database_stimulus_count(sp->db);
    fnv_bytes(&h, &count, sizeof count);
    if (random_static)
        fnv_bytes(&h, &sp->seed, sizeof sp->seed);
    return h;
}

/* mkdir -p */
static n2d2_status make_dirs(const char *path)
{
    char *p = n2d2_strdup(path);
    if (!p)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    for (char *c = p + 1;; ++c) {
        if (*c == '/' || *c == '\0') {
            char saved = *c;
            *c = '\0';
            if (mkdir(p, 0777) != 0 && errno != EEXIST) {
                n2d2_status st = n2d2_error(N2D2_ERR_IO, "cannot create the stimuli cache "
                                                         "folder '%s': %s", p, strerror(errno));
                free(p);
                return st;
            }
            *c = saved;
            if (saved == '\0')
                break;
        }
    }
    free(p);
    struct stat s;
    if (stat(path, &s) != 0 || !S_ISDIR(s.st_mode))
        return n2d2_error(N2D2_ERR_IO, "the stimuli cache path '%s' is not a folder", path);
    return N2D2_OK;
}

n2d2_status sp_disk_init(n2d2_stimuli *sp, const char *cache_path)
{
    sp_disk_cache *d = &sp->disk;
    memset(d, 0, sizeof *d);
    if (!cache_path || !*cache_path)
        return N2D2_OK;
    size_t size = strlen(cache_path) + 32;
    char *dir = malloc(size);
    if (!dir)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    snprintf(dir, size, "%s/%016" PRIx64, cache_path, fingerprint(sp));
    n2d2_status st = make_dirs(dir);
    if (st != N2D2_OK) {
        free(dir);
        return n2d2_params_error(sp->sp_params, "CachePath", st, "%s", n2d2_error_message());
    }
    d->dir = dir;
    n2d2_log_info("[%s]: stimuli cache in %s", sp->section, dir);
    return N2D2_OK;
}

void sp_disk_free(sp_disk_cache *d)
{
    free(d->dir);
    memset(d, 0, sizeof *d);
}

static const char set_letter[N2D2_SET_COUNT] = {'L', 'V', 'T', 'U'};

static void file_name(const sp_disk_cache *d, size_t index, n2d2_set set, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%c%zu.stim", d->dir, set_letter[(unsigned)set < N2D2_SET_COUNT ? set : 3],
             index);
}

static void warn_stale(n2d2_stimuli *sp, const char *path, const char *why)
{
    if (!sp->disk.warned_stale)
        n2d2_log_warn("[%s]: stimuli cache file %s %s: recomputing it (further such files are "
                      "recomputed silently)", sp->section, path, why);
    sp->disk.warned_stale = 1;
}

int sp_disk_load(n2d2_stimuli *sp, size_t index, n2d2_set set, n2d2_tensor **out, int *label)
{
    *out = NULL;
    if (!sp->disk.dir)
        return 0;
    char path[4096];
    file_name(&sp->disk, index, set, path, sizeof path);
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    stim_header h;
    const char *name = n2d2_database_stimulus_name(sp->db, index);
    char stored[4096];
    n2d2_tensor *t = NULL;
    const char *why = NULL;
    if (fread(&h, sizeof h, 1, f) != 1 || memcmp(h.magic, STIM_MAGIC, STIM_MAGIC_LEN) != 0)
        why = "has no valid header";
    else if (h.name_len >= sizeof stored || fread(stored, 1, h.name_len, f) != h.name_len)
        why = "is truncated";
    else {
        stored[h.name_len] = '\0';
        size_t dims[3] = {h.dims[0], h.dims[1], h.dims[2]};
        if (!name || strcmp(stored, name) != 0)
            why = "holds another stimulus";
        else if (h.dtype >= N2D2_DTYPE_COUNT || n2d2_tensor_new((n2d2_dtype)h.dtype, 3, dims, &t) != N2D2_OK)
            why = "has an invalid data type or size";
        else if (fread(n2d2_tensor_data(t), 1, n2d2_tensor_nbytes(t), f) != n2d2_tensor_nbytes(t) ||
                 fgetc(f) != EOF)
            why = "has the wrong size";
    }
    fclose(f);
    if (why) {
        n2d2_tensor_release(t);
        warn_stale(sp, path, why);
        return 0;
    }
    *out = t;
    *label = h.label;
    return 1;
}

void sp_disk_store(n2d2_stimuli *sp, size_t index, n2d2_set set, const n2d2_tensor *t, int label)
{
    sp_disk_cache *d = &sp->disk;
    if (!d->dir || d->failed)
        return;
    const char *name = n2d2_database_stimulus_name(sp->db, index);
    const size_t *dims = n2d2_tensor_dims(t);
    if (!name || n2d2_tensor_ndim(t) != 3 || dims[0] > UINT32_MAX || dims[1] > UINT32_MAX ||
        dims[2] > UINT32_MAX)
        return;
    stim_header h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, STIM_MAGIC, STIM_MAGIC_LEN);
    h.dtype = (uint32_t)n2d2_tensor_dtype(t);
    for (int k = 0; k < 3; ++k)
        h.dims[k] = (uint32_t)dims[k];
    h.label = label;
    h.name_len = (uint32_t)strlen(name);
    char path[4096], tmp[4200];
    file_name(d, index, set, path, sizeof path);
    snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    int ok = f && fwrite(&h, sizeof h, 1, f) == 1 &&
             fwrite(name, 1, h.name_len, f) == h.name_len &&
             fwrite(n2d2_tensor_cdata(t), 1, n2d2_tensor_nbytes(t), f) == n2d2_tensor_nbytes(t);
    int err = errno;
    if (f && fclose(f) != 0) {
        ok = 0;
        err = errno;
    }
    if (ok && rename(tmp, path) != 0) {
        ok = 0;
        err = errno;
    }
    if (!ok) {
        remove(tmp);
        n2d2_log_warn("[%s]: cannot write the stimuli cache file %s (%s): the disk cache is "
                      "off for the rest of this run", sp->section, path, strerror(err));
        d->failed = 1;
    }
}
