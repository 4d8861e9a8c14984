/* libFuzzer target for the JSON reader of Cityscapes_Database
 * (plugins/databases/cityscapes/json.c): any byte string must parse or
 * fail with a message naming the file, a line and a byte offset inside the
 * input, never read out of bounds nor leak; a parsed tree must be
 * consistent (object keys present, strings NUL-terminated). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "n2d2/status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t walk(const json_value *v, int depth)
{
    if (depth > 70)
        __builtin_trap(); /* the reader limits nesting to 64 */
    size_t count = 1;
    if (v->type == JSON_STRING)
        count += strlen(v->string) & 1;
    for (size_t i = 0; i < v->n; ++i) {
        if (v->type == JSON_OBJECT && (!v->keys[i] || json_get(v, v->keys[i]) == NULL))
            __builtin_trap();
        count += walk(&v->items[i], depth + 1);
    }
    return count;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_value v;
    n2d2_status st = json_parse((const char *)data, size, "fuzz.json", &v);
    if (st == N2D2_OK) {
        (void)walk(&v, 0);
        json_free(&v);
    } else {
        const char *m = n2d2_error_message();
        const char *at = strstr(m, "byte offset ");
        if (strncmp(m, "fuzz.json:", 10) != 0 || !at ||
            strtoul(at + 12, NULL, 10) > size)
            __builtin_trap(); /* every error names the file, line and offset */
    }
    n2d2_error_clear();
    return 0;
}
