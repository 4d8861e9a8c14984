/* JSON reader (see json.h). */
#include "json.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64

typedef struct reader {
    const char *s, *end, *start;
    size_t line;
    const char *path;
} reader;

static n2d2_status fail(const reader *r, const char *what)
{
    return n2d2_error(N2D2_ERR_PARSE, "%s:%zu: byte offset %zu: %s", r->path, r->line,
                      (size_t)(r->s - r->start), what);
}

static void skip_ws(reader *r)
{
    while (r->s < r->end && (*r->s == ' ' || *r->s == '\t' || *r->s == '\r' || *r->s == '\n')) {
        if (*r->s == '\n')
            ++r->line;
        ++r->s;
    }
}

static int hex4(const char *p, unsigned *out)
{
    unsigned v = 0;
    for (int k = 0; k < 4; ++k) {
        char c = p[k];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return 0;
    }
    *out = v;
    return 1;
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | cp >> 6);
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | cp >> 12);
        o[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | cp >> 18);
    o[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    o[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* A string starting at the opening quote. */
static n2d2_status parse_string(reader *r, char **out)
{
    ++r->s;
    const char *p = r->s;
    while (p < r->end && *p != '"') /* the decoded string is never longer */
        p += *p == '\\' && p + 1 < r->end ? 2 : 1;
    if (p >= r->end)
        return fail(r, "unterminated string");
    char *o = malloc((size_t)(p - r->s) + 1), *w = o;
    if (!o)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    while (*r->s != '"') {
        unsigned char c = (unsigned char)*r->s;
        if (c < 0x20) {
            free(o);
            return fail(r, "control character in a string");
        }
        if (c != '\\') {
            *w++ = (char)c;
            ++r->s;
            continue;
        }
        char e = r->s[1];
        r->s += 2;
        switch (e) {
        case '"': *w++ = '"'; break;
        case '\\': *w++ = '\\'; break;
        case '/': *w++ = '/'; break;
        case 'b': *w++ = '\b'; break;
        case 'f': *w++ = '\f'; break;
        case 'n': *w++ = '\n'; break;
        case 'r': *w++ = '\r'; break;
        case 't': *w++ = '\t'; break;
        case 'u': {
            unsigned cp, lo;
            if (r->end - r->s < 4 || !hex4(r->s, &cp)) {
                free(o);
                return fail(r, "bad \\u escape");
            }
            r->s += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && r->end - r->s >= 6 && r->s[0] == '\\' &&
                r->s[1] == 'u' && hex4(r->s + 2, &lo) && lo >= 0xDC00 && lo < 0xE000) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                r->s += 6;
            }
            w += put_utf8(w, cp); /* at most 4 bytes for 6 or 12 read */
            break;
        }
        default:
            free(o);
            return fail(r, "bad escape in a string");
        }
    }
    ++r->s;
    *w = '\0';
    *out = o;
    return N2D2_OK;
}

static n2d2_status parse_value(reader *r, json_value *v, int depth);

static n2d2_status push(json_value *v, size_t *cap, char *key, json_value **slot)
{
    if (v->n == *cap) {
        size_t ncap = *cap ? 2 * *cap : 4;
        json_value *items = realloc(v->items, ncap * sizeof *items);
        if (!items)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        v->items = items;
        if (v->type == JSON_OBJECT) {
            char **keys = realloc(v->keys, ncap * sizeof *keys);
            if (!keys)
                return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
            v->keys = keys;
        }
        *cap = ncap;
    }
    if (v->type == JSON_OBJECT)
        v->keys[v->n] = key;
    *slot = &v->items[v->n++];
    memset(*slot, 0, sizeof **slot);
    return N2D2_OK;
}

static n2d2_status parse_container(reader *r, json_value *v, int depth)
{
    int object = *r->s == '{';
    char close = object ? '}' : ']';
    v->type = object ? JSON_OBJECT : JSON_ARRAY;
    ++r->s;
    size_t cap = 0;
    skip_ws(r);
    if (r->s < r->end && *r->s == close) {
        ++r->s;
        return N2D2_OK;
    }
    for (;;) {
        char *key = NULL;
        skip_ws(r);
        if (object) {
            if (r->s >= r->end || *r->s != '"')
                return fail(r, "expected a member name");
            n2d2_status st = parse_string(r, &key);
            if (st != N2D2_OK)
                return st;
            skip_ws(r);
            if (r->s >= r->end || *r->s != ':') {
                free(key);
                return fail(r, "expected ':'");
            }
            ++r->s;
        }
        json_value *slot = NULL;
        n2d2_status st = push(v, &cap, key, &slot);
        if (st != N2D2_OK) {
            free(key);
            return st;
        }
        if ((st = parse_value(r, slot, depth + 1)) != N2D2_OK)
            return st;
        skip_ws(r);
        if (r->s < r->end && *r->s == ',') {
            ++r->s;
            continue;
        }
        if (r->s < r->end && *r->s == close) {
            ++r->s;
            return N2D2_OK;
        }
        return fail(r, object ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

static n2d2_status parse_value(reader *r, json_value *v, int depth)
{
    skip_ws(r);
    v->line = r->line;
    if (depth > MAX_DEPTH)
        return fail(r, "nested deeper than 64 levels");
    if (r->s >= r->end)
        return fail(r, "unexpected end of file");
    char c = *r->s;
    if (c == '{' || c == '[')
        return parse_container(r, v, depth);
    if (c == '"') {
        v->type = JSON_STRING;
        return parse_string(r, &v->string);
    }
    static const char *const words[3] = {"true", "false", "null"};
    for (int k = 0; k < 3; ++k) {
        size_t len = strlen(words[k]);
        if ((size_t)(r->end - r->s) >= len && memcmp(r->s, words[k], len) == 0) {
            v->type = k == 2 ? JSON_NULL : JSON_BOOL;
            v->number = k == 0;
            r->s += len;
            return N2D2_OK;
        }
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        char buf[64];
        size_t n = 0;
        while (r->s + n < r->end && n < sizeof buf - 1 && strchr("+-0123456789.eE", r->s[n]))
            ++n;
        memcpy(buf, r->s, n);
        buf[n] = '\0';
        char *end;
        errno = 0;
        v->number = strtod(buf, &end);
        if (end != buf + n || errno == ERANGE || !isfinite(v->number))
            return fail(r, "bad number");
        v->type = JSON_NUMBER;
        r->s += n;
        return N2D2_OK;
    }
    return fail(r, "unexpected character");
}

n2d2_status json_parse(const char *text, size_t size, const char *path, json_value *out)
{
    memset(out, 0, sizeof *out);
    reader r = {text, text + size, text, 1, path};
    n2d2_status st = parse_value(&r, out, 0);
    if (st == N2D2_OK) {
        skip_ws(&r);
        if (r.s != r.end)
            st = fail(&r, "data after the JSON value");
    }
    if (st != N2D2_OK)
        json_free(out);
    return st;
}

void json_free(json_value *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->n; ++i) {
        json_free(&v->items[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->string);
    memset(v, 0, sizeof *v);
}

const json_value *json_get(const json_value *v, const char *key)
{
    if (!v || v->type != JSON_OBJECT)
        return NULL;
    for (size_t i = 0; i < v->n; ++i)
        if (strcmp(v->keys[i], key) == 0)
            return &v->items[i];
    return NULL;
}
