/* Kernel-internal string helpers. Not installed. */
#ifndef N2D2_STRUTIL_H
#define N2D2_STRUTIL_H

#include <stddef.h>
#include "n2d2/status.h"

char *n2d2_strdup(const char *s); /* NULL in → NULL out */
char *n2d2_strdup_or_empty(const char *s); /* NULL in → "" out */
/* Split a comma-separated list, trimming blanks and dropping empty items.
 * NULL or "" gives zero items. Free with n2d2_list_free. */
n2d2_status n2d2_list_split(const char *text, char ***items, size_t *n);
void n2d2_list_free(char **items, size_t n);
int n2d2_list_contains(const char *list, const char *item);
/* The list with every item equal to `from` replaced by `to`; malloc'd. */
char *n2d2_list_replace(const char *list, const char *from, const char *to);

/* Bounded text builder for messages: text is cut rather than failing, since
 * it ends up in the 2 KiB per-thread error buffer anyway. */
typedef struct n2d2_text {
    char buf[2048];
    size_t len;
} n2d2_text;
void n2d2_text_add(n2d2_text *t, const char *fmt, ...) N2D2_PRINTF(2, 3);

#endif
