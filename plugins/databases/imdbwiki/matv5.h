/* MATLAB Level 5 MAT-files (the "MATLAB 5.0 MAT-file" format, also
 * written by MATLAB's default -v7: elements may be zlib-compressed), as
 * far as the IMDB-WIKI metadata needs: numeric arrays (any stored type,
 * read as doubles), char arrays, cell arrays and struct arrays, of any
 * dimensions (read in column order). Little-endian files only. Internal
 * to the IMDBWIKI_Database plugin; works on a memory buffer. */
#ifndef N2D2_DB_MATV5_H
#define N2D2_DB_MATV5_H

#include <stddef.h>
#include "n2d2/status.h"

typedef enum mat_kind {
    MAT_NUMERIC = 0, /* double, single, int8..uint64, logical */
    MAT_CHAR = 1,
    MAT_CELL = 2,
    MAT_STRUCT = 3,
    MAT_OTHER = 4    /* sparse, objects...: kept as a name only */
} mat_kind;

typedef struct mat_array {
    char name[64];
    mat_kind kind;
    size_t n;                  /* number of elements (product of the dimensions) */
    double *num;               /* NUMERIC: n values */
    char *str;                 /* CHAR: the characters as UTF-8 (column order) */
    struct mat_array *cells;   /* CELL: n elements; STRUCT: n x n_fields values */
    char **fields;             /* STRUCT field names */
    size_t n_fields;
} mat_array;

/* Parse the variables of a MAT-file. Errors name `path` and the byte
 * offset (for compressed elements: the element's offset in the file and
 * the offset inside its decompressed data). */
n2d2_status mat_parse(const unsigned char *bytes, size_t size, const char *path,
                      mat_array **vars, size_t *n_vars);
void mat_free(mat_array *vars, size_t n_vars);

/* Field `name` of element `i` of a struct array, NULL when absent. */
const mat_array *mat_field(const mat_array *s, size_t i, const char *name);
/* Variable `name`, NULL when absent. */
const mat_array *mat_find(const mat_array *vars, size_t n_vars, const char *name);

#endif
