/* ini_util.c — building blocks of the INI front end: string builder, string
 * map, source locations with their include chain, and file access. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "ini_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

ini_limits ini_limits_current = {
    .max_file_bytes = 64u << 20,
    .max_rendered_bytes = 64u << 20,
    .max_iterations = 4000000ul,
    .max_include_depth = 32,
    .max_template_nesting = 64,
    .max_resolve_depth = 256,
    .max_value_bytes = 4u << 20,
};

/* ---- growable string ---------------------------------------------------- */

static n2d2_status buf_reserve(ini_buf *b, size_t extra)
{
    if (extra > SIZE_MAX - b->len - 1)
        return n2d2_error(N2D2_ERR_NOMEM, "text too large");
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return N2D2_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *data = realloc(b->data, cap);
    if (!data)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    b->data = data;
    b->cap = cap;
    return N2D2_OK;
}

n2d2_status ini_buf_append(ini_buf *b, const char *s, size_t n)
{
    n2d2_status st = buf_reserve(b, n);
    if (st != N2D2_OK)
        return st;
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return N2D2_OK;
}

n2d2_status ini_buf_puts(ini_buf *b, const char *s) { return ini_buf_append(b, s, strlen(s)); }
n2d2_status ini_buf_putc(ini_buf *b, char c) { return ini_buf_append(b, &c, 1); }

n2d2_status ini_buf_printf(ini_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return n2d2_error(N2D2_ERR_INTERNAL, "bad format");
    n2d2_status st = buf_reserve(b, (size_t)n);
    if (st != N2D2_OK)
        return st;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return N2D2_OK;
}

char *ini_buf_take(ini_buf *b)
{
    char *s = b->data;
    if (!s)
        s = ini_strdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return s;
}

void ini_buf_clear(ini_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void ini_buf_free(ini_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* ---- string map --------------------------------------------------------- */

static size_t hash_string(const char *s)
{
    size_t h = (size_t)1469598103934665603ull; /* FNV-1a */
    for (; *s; ++s)
        h = (h ^ (unsigned char)*s) * (size_t)1099511628211ull;
    return h;
}

static size_t map_slot(const ini_map *m, const char *key)
{
    size_t mask = m->cap - 1;
    size_t i = hash_string(key) & mask;
    while (m->keys[i] && strcmp(m->keys[i], key) != 0)
        i = (i + 1) & mask;
    return i;
}

void *ini_map_get(const ini_map *m, const char *key)
{
    if (!m->cap || !key)
        return NULL;
    size_t i = map_slot(m, key);
    return m->keys[i] ? m->values[i] : NULL;
}

static n2d2_status map_grow(ini_map *m)
{
    size_t cap = m->cap ? m->cap * 2 : 16;
    ini_map bigger = {calloc(cap, sizeof(char *)), calloc(cap, sizeof(void *)), cap, 0};
    if (!bigger.keys || !bigger.values) {
        free(bigger.keys);
        free(bigger.values);
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < m->cap; ++i) {
        if (!m->keys[i])
            continue;
        size_t j = map_slot(&bigger, m->keys[i]);
        bigger.keys[j] = m->keys[i];
        bigger.values[j] = m->values[i];
        bigger.count++;
    }
    ini_map_free(m);
    *m = bigger;
    return N2D2_OK;
}

n2d2_status ini_map_put(ini_map *m, const char *key, void *value)
{
    /* Keep the load factor under 1/2 so probe chains stay short. */
    if ((m->count + 1) * 2 > m->cap) {
        n2d2_status st = map_grow(m);
        if (st != N2D2_OK)
            return st;
    }
    size_t i = map_slot(m, key);
    if (!m->keys[i])
        m->count++;
    m->keys[i] = key;
    m->values[i] = value;
    return N2D2_OK;
}

void ini_map_free(ini_map *m)
{
    free(m->keys);
    free(m->values);
    m->keys = NULL;
    m->values = NULL;
    m->cap = m->count = 0;
}

/* ---- small string helpers ----------------------------------------------- */

char *ini_strndup(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (!d)
        return NULL;
    if (n)
        memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *ini_strdup(const char *s) { return ini_strndup(s, strlen(s)); }

char *ini_strndup_trimmed(const char *s, size_t n)
{
    ini_trim(&s, &n);
    return ini_strndup(s, n);
}

int ini_is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

void ini_trim(const char **start, size_t *len)
{
    while (*len && ini_is_blank(**start)) {
        ++*start;
        --*len;
    }
    while (*len && ini_is_blank((*start)[*len - 1]))
        --*len;
}

int ini_is_ident_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

int ini_is_ident_char(char c) { return ini_is_ident_start(c) || (c >= '0' && c <= '9'); }

size_t ini_edit_distance(const char *a, const char *b, size_t cap)
{
    size_t la = strlen(a), lb = strlen(b);
    if ((la > lb ? la - lb : lb - la) > cap || lb > 256)
        return cap + 1;
    size_t row[257];
    for (size_t j = 0; j <= lb; ++j)
        row[j] = j;
    for (size_t i = 1; i <= la; ++i) {
        size_t diag = row[0], best = i;
        row[0] = i;
        for (size_t j = 1; j <= lb; ++j) {
            size_t up = row[j];
            size_t cost = diag + (a[i - 1] != b[j - 1]);
            size_t v = up + 1 < row[j - 1] + 1 ? up + 1 : row[j - 1] + 1;
            row[j] = cost < v ? cost : v;
            diag = up;
            if (row[j] < best)
                best = row[j];
        }
        if (best > cap)
            return cap + 1;
    }
    return row[lb];
}

/* ---- line maps ------------------------------------------------------------ */

n2d2_status ini_linemap_push(ini_linemap *m, const ini_src *src, int line)
{
    if (m->count == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 64;
        const ini_src **s = realloc(m->src, cap * sizeof *s);
        if (!s)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        m->src = s;
        int *l = realloc(m->line, cap * sizeof *l);
        if (!l)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        m->line = l;
        m->cap = cap;
    }
    m->src[m->count] = src;
    m->line[m->count] = line;
    m->count++;
    return N2D2_OK;
}

void ini_linemap_free(ini_linemap *m)
{
    free(m->src);
    free(m->line);
    m->src = NULL;
    m->line = NULL;
    m->count = m->cap = 0;
}

/* ---- sources and locations ------------------------------------------------ */

static n2d2_status append_location(ini_buf *b, const char *path, int line)
{
    if (line > 0)
        return ini_buf_printf(b, "%s:%d", path, line);
    return ini_buf_puts(b, path);
}

static n2d2_status format_where(ini_buf *b, const ini_src *src, int line)
{
    n2d2_status st = append_location(b, src ? src->path : "<unknown>", line);
    for (const ini_src *s = src; st == N2D2_OK && s && s->parent; s = s->parent) {
        st = ini_buf_puts(b, " (included from ");
        if (st == N2D2_OK)
            st = append_location(b, s->parent->path, s->parent_line);
        if (st == N2D2_OK)
            st = ini_buf_putc(b, ')');
    }
    return st;
}

char *ini_where_dup(const ini_src *src, int line)
{
    ini_buf b = {0};
    if (format_where(&b, src, line) != N2D2_OK) {
        ini_buf_free(&b);
        return NULL;
    }
    return ini_buf_take(&b);
}

n2d2_status ini_error_src(n2d2_status code, const ini_src *src, int line, const char *fmt, ...)
{
    char body[1536];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);
    char *where = ini_where_dup(src, line);
    n2d2_error(code, "%s: %s", where ? where : "?", body);
    free(where);
    return code;
}

n2d2_status ini_src_new(n2d2_ini *ini, const char *path, const ini_src *parent, int parent_line,
                        const ini_src **out)
{
    ini_src *s = calloc(1, sizeof *s);
    if (!s)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    s->path = ini_strdup(path);
    char *real = realpath(path, NULL);
    s->canon = real ? real : ini_strdup(path);
    if (!s->path || !s->canon) {
        free(s->path);
        free(s->canon);
        free(s);
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    }
    s->parent = parent;
    s->parent_line = parent_line;
    s->next_owned = ini->sources;
    ini->sources = s;
    *out = s;
    return N2D2_OK;
}

/* ---- files ---------------------------------------------------------------- */

n2d2_status ini_read_file(const char *path, char **text, size_t *len)
{
    *text = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        int err = errno;
        return n2d2_error(err == ENOENT || err == ENOTDIR ? N2D2_ERR_NOT_FOUND : N2D2_ERR_IO,
                          "cannot open '%s': %s", path, strerror(err));
    }
    struct stat st;
    /* Devices and FIFOs could block or never end (/dev/zero, /dev/stdin). */
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return n2d2_error(N2D2_ERR_IO, "cannot read '%s': not a regular file", path);
    }
    size_t limit = ini_limits_current.max_file_bytes;
    ini_buf b = {0};
    char chunk[65536];
    n2d2_status status = N2D2_OK;
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            status = n2d2_error(N2D2_ERR_IO, "cannot read '%s': %s", path, strerror(errno));
            break;
        }
        if (n == 0)
            break;
        if (b.len + (size_t)n > limit) {
            status = n2d2_error(N2D2_ERR_RANGE, "'%s' is larger than %zu bytes", path, limit);
            break;
        }
        status = ini_buf_append(&b, chunk, (size_t)n);
        if (status != N2D2_OK)
            break;
    }
    close(fd);
    if (status != N2D2_OK) {
        ini_buf_free(&b);
        return status;
    }
    *len = b.len;
    *text = ini_buf_take(&b);
    return *text ? N2D2_OK : n2d2_error(N2D2_ERR_NOMEM, "out of memory");
}

/* `written` relative to the directory of `base` (unless absolute or `base`
 * has no directory part). */
static char *join_relative(const char *base, const char *written)
{
    const char *slash = strrchr(base, '/');
    if (written[0] == '/' || !slash)
        return ini_strdup(written);
    ini_buf b = {0};
    if (ini_buf_append(&b, base, (size_t)(slash - base) + 1) != N2D2_OK ||
        ini_buf_puts(&b, written) != N2D2_OK) {
        ini_buf_free(&b);
        return NULL;
    }
    return ini_buf_take(&b);
}

static n2d2_status check_include_chain(const ini_src *from, int line, const char *path)
{
    char *canon = realpath(path, NULL);
    const char *key = canon ? canon : path;
    int depth = 0;
    const ini_src *hit = NULL;
    for (const ini_src *s = from; s; s = s->parent) {
        ++depth;
        if (!hit && strcmp(s->canon, key) == 0)
            hit = s;
    }
    free(canon);
    if (hit) {
        /* Name the loop: path -> ... -> path, innermost first. */
        ini_buf chain = {0};
        ini_buf_puts(&chain, path);
        for (const ini_src *s = from; s; s = s->parent) {
            ini_buf_puts(&chain, " <- ");
            ini_buf_puts(&chain, s->path);
            if (s == hit)
                break;
        }
        n2d2_status st = ini_error_src(N2D2_ERR_CYCLE, from, line, "recursive inclusion of '%s' (%s)",
                                       path, chain.data ? chain.data : path);
        ini_buf_free(&chain);
        return st;
    }
    if (depth > ini_limits_current.max_include_depth)
        return ini_error_src(N2D2_ERR_RANGE, from, line,
                             "template inclusion nested more than %d levels deep",
                             ini_limits_current.max_include_depth);
    return N2D2_OK;
}

n2d2_status ini_open_include(n2d2_ini *ini, const ini_src *from, int line, const char *written,
                             const ini_src **child, char **text, size_t *len)
{
    *child = NULL;
    *text = NULL;
    *len = 0;
    char *expanded = NULL;
    n2d2_status st = ini_resolve_text(ini, &ini->global, written, from, line, &expanded);
    if (st != N2D2_OK)
        return st;
    if (!expanded[0]) {
        free(expanded);
        return ini_error_src(N2D2_ERR_PARSE, from, line, "empty template file name");
    }
    char *path = join_relative(from->path, expanded);
    free(expanded);
    if (!path)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    st = check_include_chain(from, line, path);
    if (st == N2D2_OK) {
        st = ini_read_file(path, text, len);
        if (st != N2D2_OK) {
            char detail[1024];
            snprintf(detail, sizeof detail, "%s", n2d2_error_message());
            st = ini_error_src(st, from, line, "template: %s", detail);
        }
    }
    if (st == N2D2_OK)
        st = ini_src_new(ini, path, from, line, child);
    if (st != N2D2_OK) {
        free(*text);
        *text = NULL;
    }
    free(path);
    return st;
}
