/* libFuzzer target for the MAT-file reader of IMDBWIKI_Database
 * (plugins/databases/imdbwiki/matv5.c): any byte string must parse into a
 * consistent tree (element counts matching the arrays) or fail with a
 * message naming the file; never read out of bounds nor leak. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "matv5.h"
#include "n2d2/status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(const mat_array *a, size_t n, int depth)
{
    if (depth > 40)
        __builtin_trap(); /* the reader limits nesting to 32 */
    for (size_t i = 0; i < n; ++i) {
        const mat_array *v = &a[i];
        if (v->kind == MAT_NUMERIC && v->n && !v->num)
            __builtin_trap();
        if (v->kind == MAT_CHAR && !v->str)
            __builtin_trap();
        if (v->kind == MAT_CELL)
            walk(v->cells, v->n, depth + 1);
        if (v->kind == MAT_STRUCT) {
            for (size_t f = 0; f < v->n_fields; ++f)
                if (!v->fields[f] || (v->n && !mat_field(v, 0, v->fields[f])))
                    __builtin_trap();
            walk(v->cells, v->n * v->n_fields, depth + 1);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mat_array *vars;
    size_t n;
    n2d2_status st = mat_parse(data, size, "fuzz.mat", &vars, &n);
    if (st == N2D2_OK) {
        walk(vars, n, 0);
        mat_free(vars, n);
    } else if (strncmp(n2d2_error_message(), "fuzz.mat", 8) != 0 && st != N2D2_ERR_NOMEM) {
        __builtin_trap();
    }
    n2d2_error_clear();
    return 0;
}
