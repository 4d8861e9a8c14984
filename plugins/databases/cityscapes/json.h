/* A small JSON reader (RFC 8259) for the Cityscapes polygon files: the
 * whole document becomes a tree of values. Internal to the plugin. */
#ifndef N2D2_DB_JSON_H
#define N2D2_DB_JSON_H

#include <stddef.h>
#include "n2d2/status.h"

typedef enum json_type {
    JSON_NULL = 0,
    JSON_BOOL = 1,
    JSON_NUMBER = 2,
    JSON_STRING = 3,
    JSON_ARRAY = 4,
    JSON_OBJECT = 5
} json_type;

typedef struct json_value {
    json_type type;
    double number;              /* NUMBER, BOOL (0/1) */
    char *string;               /* STRING (UTF-8, NUL-terminated) */
    struct json_value *items;   /* ARRAY elements, OBJECT member values */
    char **keys;                /* OBJECT member names */
    size_t n;
    size_t line;                /* where the value starts, for messages */
} json_value;

/* Parse `text` (size bytes) of file `path`. Errors name path:line and the
 * byte offset. Nesting is limited to 64 levels. */
n2d2_status json_parse(const char *text, size_t size, const char *path, json_value *out);
void json_free(json_value *v);

/* Member `key` of an object, NULL if absent or `v` is not an object. */
const json_value *json_get(const json_value *v, const char *key);

#endif
