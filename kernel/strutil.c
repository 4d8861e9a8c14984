/* Comma-separated lists as used by Input= and ConfigSection=. */
#include "strutil.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *n2d2_strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

char *n2d2_strdup_or_empty(const char *s) { return n2d2_strdup(s ? s : ""); }

void n2d2_list_free(char **items, size_t n)
{
    for (size_t i = 0; items && i < n; ++i)
        free(items[i]);
    free(items);
}

n2d2_status n2d2_list_split(const char *text, char ***items, size_t *n)
{
    *items = NULL;
    *n = 0;
    if (!text)
        return N2D2_OK;
    size_t cap = 1;
    for (const char *p = text; *p; ++p)
        cap += *p == ',';
    char **out = calloc(cap, sizeof *out);
    if (!out)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    size_t count = 0;
    const char *p = text;
    for (;;) {
        const char *end = strchr(p, ',');
        if (!end)
            end = p + strlen(p);
        const char *a = p, *b = end;
        while (a < b && isspace((unsigned char)*a))
            ++a;
        while (b > a && isspace((unsigned char)b[-1]))
            --b;
        if (b > a) {
            out[count] = malloc((size_t)(b - a) + 1);
            if (!out[count]) {
                n2d2_list_free(out, count);
                return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
            }
            memcpy(out[count], a, (size_t)(b - a));
            out[count][b - a] = '\0';
            ++count;
        }
        if (*end == '\0')
            break;
        p = end + 1;
    }
    *items = out;
    *n = count;
    return N2D2_OK;
}

int n2d2_list_contains(const char *list, const char *item)
{
    char **items;
    size_t n;
    if (n2d2_list_split(list, &items, &n) != N2D2_OK)
        return 0;
    int found = 0;
    for (size_t i = 0; i < n && !found; ++i)
        found = strcmp(items[i], item) == 0;
    n2d2_list_free(items, n);
    return found;
}

char *n2d2_list_replace(const char *list, const char *from, const char *to)
{
    char **items;
    size_t n;
    if (n2d2_list_split(list, &items, &n) != N2D2_OK)
        return NULL;
    size_t len = 1;
    for (size_t i = 0; i < n; ++i)
        len += strlen(strcmp(items[i], from) == 0 ? to : items[i]) + 1;
    char *out = malloc(len);
    if (out) {
        out[0] = '\0';
        for (size_t i = 0; i < n; ++i) {
            if (i)
                strcat(out, ",");
            strcat(out, strcmp(items[i], from) == 0 ? to : items[i]);
        }
    }
    n2d2_list_free(items, n);
    return out;
}

void n2d2_text_add(n2d2_text *t, const char *fmt, ...)
{
    if (t->len >= sizeof t->buf - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->buf + t->len, sizeof t->buf - t->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        t->len += (size_t)n < sizeof t->buf - t->len ? (size_t)n : sizeof t->buf - t->len - 1;
}
