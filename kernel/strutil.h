/* Kernel-internal string helpers. Not installed. */
#ifndef N2D2_STRUTIL_H
#define N2D2_STRUTIL_H

#include <stddef.h>
#include "n2d2/status.h"

char *n2d2_strdup(const char *s); /* NULL in → NULL out */
/* Split a comma-separated list, trimming blanks and dropping empty items.
 * NULL or "" gives zero items. Free with n2d2_list_free. */
n2d2_status n2d2_list_split(const char *text, char ***items, size_t *n);
void n2d2_list_free(char **items, size_t n);
int n2d2_list_contains(const char *list, const char *item);
/* The list with every item equal to `from` replaced by `to`; malloc'd. */
char *n2d2_list_replace(const char *list, const char *from, const char *to);

#endif
