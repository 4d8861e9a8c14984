/* ini.c — public API of the INI front end (n2d2/ini.h): loading, the
 * section/entry accessors, programmatic changes and the canonical writer.
 * Parsing lives in ini_parse.c, resolution in ini_resolve.c, templates in
 * ini_template.c. */
#include "ini_impl.h"

#include <stdlib.h>
#include <string.h>

static const char COMMAND_LINE[] = "<command line>";
static const char GENERATED[] = "<generated>";

/* ---- load / free ------------------------------------------------------------ */

static n2d2_status load_text(const char *text, size_t len, const char *name, n2d2_ini **out)
{
    n2d2_ini *ini = ini_new(name);
    if (!ini)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    const ini_src *src;
    n2d2_status st = ini_src_new(ini, name, NULL, 0, &src);
    if (st == N2D2_OK) {
        ini->global.src = src;
        st = ini_parse_text(ini, text ? text : "", text ? len : 0, src, NULL);
    }
    if (st != N2D2_OK) {
        n2d2_ini_free(ini);
        return st;
    }
    *out = ini;
    return N2D2_OK;
}

n2d2_status n2d2_ini_load(const char *path, n2d2_ini **out)
{
    if (!out)
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_ini_load: out is NULL");
    *out = NULL;
    if (!path || !path[0])
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_ini_load: no file name");
    char *text;
    size_t len;
    n2d2_status st = ini_read_file(path, &text, &len);
    if (st != N2D2_OK)
        return st;
    st = load_text(text, len, path, out);
    free(text);
    return st;
}

n2d2_status n2d2_ini_load_string(const char *text, size_t len, const char *name, n2d2_ini **out)
{
    if (!out)
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_ini_load_string: out is NULL");
    *out = NULL;
    if (!text && len)
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_ini_load_string: text is NULL");
    return load_text(text, len, name && name[0] ? name : "<string>", out);
}

void n2d2_ini_free(n2d2_ini *ini)
{
    if (!ini)
        return;
    for (size_t i = 0; i < ini->count; ++i) {
        ini_section_release(ini->sections[i]);
        free(ini->sections[i]);
    }
    free(ini->sections);
    ini_map_free(&ini->index);
    ini_section_release(&ini->global);
    while (ini->sources) {
        ini_src *next = ini->sources->next_owned;
        free(ini->sources->path);
        free(ini->sources->canon);
        free(ini->sources);
        ini->sources = next;
    }
    for (size_t i = 0; i < ini->generated_count; ++i) {
        free(ini->generated[i].section);
        free(ini->generated[i].key);
        free(ini->generated[i].value);
    }
    free(ini->generated);
    for (size_t i = 0; i < ini->retired_count; ++i)
        free(ini->retired[i]);
    free(ini->retired);
    free(ini->stack);
    free(ini->path);
    free(ini);
}

const char *n2d2_ini_path(const n2d2_ini *ini) { return ini ? ini->path : NULL; }

/* ---- sections --------------------------------------------------------------- */

size_t n2d2_ini_section_count(const n2d2_ini *ini) { return ini ? ini->count : 0; }

n2d2_ini_section *n2d2_ini_section_at(const n2d2_ini *ini, size_t index)
{
    return ini && index < ini->count ? ini->sections[index] : NULL;
}

n2d2_ini_section *n2d2_ini_find(const n2d2_ini *ini, const char *name)
{
    return ini && name ? ini_map_get(&ini->index, name) : NULL;
}

n2d2_ini_section *n2d2_ini_global(const n2d2_ini *ini)
{
    /* The global section is embedded; handing out a mutable pointer from a
     * const handle mirrors n2d2_ini_find(). */
    return ini ? (n2d2_ini_section *)&ini->global : NULL;
}

const char *n2d2_ini_section_name(const n2d2_ini_section *sec) { return sec ? sec->name : NULL; }

const char *n2d2_ini_section_file(const n2d2_ini_section *sec)
{
    return sec && sec->src ? sec->src->path : NULL;
}

int n2d2_ini_section_line(const n2d2_ini_section *sec) { return sec ? sec->line : 0; }

const char *n2d2_ini_section_where(const n2d2_ini_section *sec)
{
    if (!sec)
        return NULL;
    if (!sec->where) /* built on demand; the cache is not part of the value */
        ((n2d2_ini_section *)sec)->where = ini_where_dup(sec->src, sec->line);
    return sec->where ? sec->where : "";
}

void n2d2_ini_section_claim(n2d2_ini_section *sec)
{
    if (sec)
        sec->claimed = 1;
}

int n2d2_ini_section_claimed(const n2d2_ini_section *sec) { return sec ? sec->claimed : 0; }

/* ---- entries ----------------------------------------------------------------- */

size_t n2d2_ini_entry_count(const n2d2_ini_section *sec) { return sec ? sec->count : 0; }

n2d2_ini_entry *n2d2_ini_entry_at(const n2d2_ini_section *sec, size_t index)
{
    return sec && index < sec->count ? sec->entries[index] : NULL;
}

n2d2_ini_entry *n2d2_ini_entry_find(const n2d2_ini_section *sec, const char *key)
{
    return sec && key ? ini_map_get(&sec->index, key) : NULL;
}

const char *n2d2_ini_entry_key(const n2d2_ini_entry *e) { return e ? e->key : NULL; }
const char *n2d2_ini_entry_raw(const n2d2_ini_entry *e) { return e ? e->raw : NULL; }

const char *n2d2_ini_entry_file(const n2d2_ini_entry *e)
{
    return e && e->src ? e->src->path : NULL;
}

int n2d2_ini_entry_line(const n2d2_ini_entry *e) { return e ? e->line : 0; }

const char *n2d2_ini_entry_where(const n2d2_ini_entry *e)
{
    if (!e)
        return NULL;
    if (!e->where)
        ((n2d2_ini_entry *)e)->where = ini_where_dup(e->src, e->line);
    return e->where ? e->where : "";
}

int n2d2_ini_entry_used(const n2d2_ini_entry *e) { return e ? e->used : 0; }

void n2d2_ini_entry_mark_used(n2d2_ini_entry *e)
{
    if (e)
        e->used = 1;
}

n2d2_status n2d2_ini_entry_resolve(n2d2_ini *ini, n2d2_ini_entry *e, const char **value)
{
    if (value)
        *value = NULL;
    if (!ini || !e || !value)
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_ini_entry_resolve: NULL argument");
    e->used = 1;
    ini->generated_missing = 0;
    return ini_resolve_entry(ini, e, value);
}

int n2d2_ini_waiting_for_generated(const n2d2_ini *ini) { return ini && ini->generated_missing; }

n2d2_status n2d2_ini_get(n2d2_ini *ini, n2d2_ini_section *sec, const char *key, const char **value)
{
    if (value)
        *value = NULL;
    if (!ini || !sec || !key || !value)
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_ini_get: NULL argument");
    n2d2_ini_entry *e = n2d2_ini_entry_find(sec, key);
    if (!e)
        return N2D2_ERR_NOT_FOUND; /* no message: callers apply their default */
    return n2d2_ini_entry_resolve(ini, e, value);
}

/* ---- programmatic changes ----------------------------------------------------- */

static n2d2_status named_source(n2d2_ini *ini, const char *name, const ini_src **out)
{
    for (const ini_src *s = ini->sources; s; s = s->next_owned) {
        if (!s->parent && strcmp(s->path, name) == 0) {
            *out = s;
            return N2D2_OK;
        }
    }
    return ini_src_new(ini, name, NULL, 0, out);
}

n2d2_status ini_entry_rewrite(n2d2_ini *ini, n2d2_ini_entry *e, const char *raw)
{
    char *copy = ini_strdup(raw);
    if (!copy)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    free(e->raw);
    e->raw = copy;
    e->has_resolved = 0;
    ini->generation++;
    return N2D2_OK;
}

n2d2_status n2d2_ini_set_generated(n2d2_ini *ini, const char *section, const char *key,
                                   const char *value)
{
    if (!ini || !section || !key || !key[0] || !value)
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_ini_set_generated: missing argument");
    ini->generation++;
    for (size_t i = 0; i < ini->generated_count; ++i) {
        ini_generated *g = &ini->generated[i];
        if (strcmp(g->section, section) == 0 && strcmp(g->key, key) == 0) {
            char *v = ini_strdup(value);
            if (!v)
                return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
            free(g->value);
            g->value = v;
            return N2D2_OK;
        }
    }
    if (ini->generated_count == ini->generated_cap) {
        size_t cap = ini->generated_cap ? ini->generated_cap * 2 : 8;
        ini_generated *g = realloc(ini->generated, cap * sizeof *g);
        if (!g)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        ini->generated = g;
        ini->generated_cap = cap;
    }
    ini_generated g = {ini_strdup(section), ini_strdup(key), ini_strdup(value)};
    if (!g.section || !g.key || !g.value) {
        free(g.section);
        free(g.key);
        free(g.value);
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    }
    ini->generated[ini->generated_count++] = g;
    return N2D2_OK;
}

n2d2_status n2d2_ini_set(n2d2_ini *ini, n2d2_ini_section *sec, const char *key, const char *value)
{
    if (!ini || !sec || !key || !value)
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_ini_set: NULL argument");
    if (!key[0] || strpbrk(key, "=\n\r"))
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_ini_set: bad key '%s'", key);
    if (strpbrk(value, "\n\r"))
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_ini_set: value of '%s' spans several lines", key);
    const ini_src *src;
    n2d2_status st = named_source(ini, COMMAND_LINE, &src);
    if (st != N2D2_OK)
        return st;
    return ini_section_put(ini, sec, key, strlen(key), value, strlen(value), src, 0, 0, NULL);
}

n2d2_status n2d2_ini_add_section(n2d2_ini *ini, const char *name, n2d2_ini_section **out)
{
    if (out)
        *out = NULL;
    if (!ini || !name || !name[0] || strpbrk(name, "\n\r"))
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_ini_add_section: bad section name");
    const n2d2_ini_section *old = n2d2_ini_find(ini, name);
    if (old)
        return n2d2_error(N2D2_ERR_DUPLICATE, "cannot add section [%s]: already defined at %s",
                          name, n2d2_ini_section_where(old));
    const ini_src *src;
    n2d2_status st = named_source(ini, GENERATED, &src);
    if (st != N2D2_OK)
        return st;
    n2d2_ini_section *sec = malloc(sizeof *sec);
    char *nm = ini_strdup(name);
    if (!sec || !nm) {
        free(sec);
        free(nm);
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    }
    ini_section_init(sec, nm, src, 0);
    st = ini_register_section(ini, sec);
    if (st != N2D2_OK) {
        ini_section_release(sec);
        free(sec);
        return st;
    }
    if (out)
        *out = sec;
    return N2D2_OK;
}

/* ---- canonical writer ----------------------------------------------------------- */

/* Would the value read back differently without quotes? */
static int needs_quotes(const char *v)
{
    size_t n = strlen(v);
    if (!n)
        return 0;
    return strpbrk(v, ";#") || ini_is_blank(v[0]) || ini_is_blank(v[n - 1]) || v[n - 1] == '\\';
}

static n2d2_status value_to_write(n2d2_ini *ini, n2d2_ini_entry *e, int resolve, const char **v)
{
    *v = e->raw;
    if (!resolve)
        return N2D2_OK;
    ini->generated_missing = 0;
    n2d2_status st = ini_resolve_entry(ini, e, v);
    if (st != N2D2_OK && ini->generated_missing) {
        *v = e->raw; /* published later (e.g. [sp]_EpochSize): keep it symbolic */
        return N2D2_OK;
    }
    return st;
}

static n2d2_status write_entries(n2d2_ini *ini, n2d2_ini_section *sec, FILE *out, int resolve,
                                 size_t *written)
{
    *written = 0;
    for (size_t i = 0; i < sec->count; ++i) {
        n2d2_ini_entry *e = sec->entries[i];
        if (resolve && e->key[0] == '$')
            continue;
        const char *v;
        n2d2_status st = value_to_write(ini, e, resolve, &v);
        if (st != N2D2_OK)
            return st;
        const char *q = needs_quotes(v) ? "\"" : "";
        fprintf(out, "%s=%s%s%s\n", e->key, q, v, q);
        ++*written;
    }
    return N2D2_OK;
}

n2d2_status n2d2_ini_write(n2d2_ini *ini, FILE *out, int resolve)
{
    if (!ini || !out)
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_ini_write: NULL argument");
    size_t lines;
    n2d2_status st = write_entries(ini, &ini->global, out, resolve, &lines);
    int need_blank = lines > 0;
    for (size_t i = 0; st == N2D2_OK && i < ini->count; ++i) {
        n2d2_ini_section *sec = ini->sections[i];
        fprintf(out, "%s[%s]\n", need_blank ? "\n" : "", sec->name);
        st = write_entries(ini, sec, out, resolve, &lines);
        need_blank = 1;
    }
    if (st == N2D2_OK && (fflush(out) != 0 || ferror(out)))
        st = n2d2_error(N2D2_ERR_IO, "cannot write the INI file");
    return st;
}
