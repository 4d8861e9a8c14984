/* Helpers of the dataset-specific database drivers (see dbmore.h). */
#define _POSIX_C_SOURCE 200809L /* strdup, strcasecmp */
#include "dbmore.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "partition.h"

void dbm_path(const n2d2_params *p, const char *key, char *out, size_t size)
{
    static const char var[] = "$N2D2_DATA";
    const char *value = n2d2_params_string(p, key);
    if (!value)
        value = "";
    if (strncmp(value, var, sizeof var - 1) == 0) {
        const char *env = getenv("N2D2_DATA"), *user = getenv("USER");
        if (env && *env)
            snprintf(out, size, "%s%s", env, value + sizeof var - 1);
        else if (user && *user)
            snprintf(out, size, "/local/%s/n2d2_data%s", user, value + sizeof var - 1);
        else
            snprintf(out, size, "/local/n2d2_data%s", value + sizeof var - 1);
    } else {
        snprintf(out, size, "%s", value);
    }
    size_t n = strlen(out);
    while (n > 1 && out[n - 1] == '/')
        out[--n] = '\0';
}

n2d2_status dbm_path_error(const n2d2_params *p, const char *key, n2d2_status code,
                           const char *type, const char *fmt, ...)
{
    char body[4400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);
    return n2d2_params_error(p, key, code, "%s: %s%s", type, body,
                             n2d2_params_given(p, key)
                                 ? "" : " (the default; set N2D2_DATA or " "the key)");
}

int dbm_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int dbm_is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_ext(const char *name, const char *ext)
{
    const char *dot = strrchr(name, '.');
    return dot && strcasecmp(dot + 1, ext) == 0;
}

void dbm_list_free(char **names, size_t n)
{
    for (size_t i = 0; i < n; ++i)
        free(names[i]);
    free(names);
}

n2d2_status dbm_list(const char *dir, char want, const char *ext, char ***names, size_t *n)
{
    *names = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return n2d2_error(errno == ENOENT ? N2D2_ERR_NOT_FOUND : N2D2_ERR_IO,
                          "cannot open directory %s: %s", dir, strerror(errno));
    char **list = NULL, path[4600];
    size_t count = 0, cap = 0;
    n2d2_status st = N2D2_OK;
    struct dirent *e;
    while (st == N2D2_OK && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        int ok = want == 'd' ? dbm_is_dir(path)
                             : dbm_is_file(path) && (!ext || has_ext(e->d_name, ext));
        if (!ok)
            continue;
        if (count == cap) {
            size_t ncap = cap ? 2 * cap : 64;
            char **grown = realloc(list, ncap * sizeof *grown);
            if (!grown) {
                st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
                break;
            }
            list = grown;
            cap = ncap;
        }
        if ((list[count] = strdup(e->d_name)) == NULL)
            st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        else
            ++count;
    }
    closedir(d);
    if (st != N2D2_OK) {
        dbm_list_free(list, count);
        return st;
    }
    if (count)
        qsort(list, count, sizeof *list, cmp_str);
    *names = list;
    *n = count;
    return N2D2_OK;
}

n2d2_status dbm_read_file(const char *path, char **data, size_t *size)
{
    *data = NULL;
    *size = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return n2d2_error(errno == ENOENT ? N2D2_ERR_NOT_FOUND : N2D2_ERR_IO, "%s: %s", path,
                          strerror(errno));
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    n2d2_status st = buf ? N2D2_OK : n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    while (st == N2D2_OK) {
        if (n == cap) {
            char *grown = realloc(buf, 2 * cap + 1);
            if (!grown) {
                st = n2d2_error(N2D2_ERR_NOMEM, "out of memory reading %s", path);
                break;
            }
            buf = grown;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f))
                st = n2d2_error(N2D2_ERR_IO, "%s: read error at byte offset %zu", path, n);
            break;
        }
    }
    fclose(f);
    if (st != N2D2_OK) {
        free(buf);
        return st;
    }
    buf[n] = '\0';
    *data = buf;
    *size = n;
    return N2D2_OK;
}

void dbm_lines_init(dbm_lines *l, char *data, size_t size)
{
    l->cur = data;
    l->end = data + size;
    l->line_no = 0;
}

char *dbm_lines_next(dbm_lines *l)
{
    if (l->cur >= l->end)
        return NULL;
    char *line = l->cur, *nl = memchr(line, '\n', (size_t)(l->end - line));
    char *stop = nl ? nl : l->end;
    l->cur = nl ? nl + 1 : l->end;
    if (stop > line && stop[-1] == '\r')
        --stop;
    *stop = '\0';
    ++l->line_no;
    return line;
}

char *dbm_trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        ++s;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

n2d2_status dbm_partition(const n2d2_params *p, const n2d2_database *db, const int *labels,
                          size_t n, double learn, double validation, double test, int per_label,
                          int equiv, n2d2_rng *rng, const char *what, n2d2_set *sets)
{
    /* One group (every label -1) turns the per-label split of
     * common/partition.c into fractions of all stimuli. */
    int *one = NULL;
    if (!per_label) {
        one = malloc((n ? n : 1) * sizeof *one);
        if (!one)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < n; ++i)
            one[i] = -1;
    }
    n2d2_dbpart part = {learn, validation, test < 0.0 ? 0.0 : test, test >= 0.0, 1,
                        per_label && equiv};
    n2d2_status st = n2d2_dbpart_assign(p, &part, db, per_label ? labels : one, n, rng, what,
                                        sets);
    free(one);
    return st;
}
