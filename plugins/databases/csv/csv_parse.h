/* CSV data files of CSV_Database (manual 19.5): one stimulus per line,
 * numeric columns plus one label column. Parsing works on a memory buffer
 * (fuzzed by tests/fuzz/fuzz_csv.c). Internal to the CSV plugin. */
#ifndef N2D2_DB_CSV_PARSE_H
#define N2D2_DB_CSV_PARSE_H

#include <stddef.h>
#include "n2d2/status.h"

typedef struct csv_table {
    size_t n_rows;
    size_t n_values;  /* numeric columns per row (label excluded); 0 until the first row */
    float *values;    /* n_rows x n_values */
    char **labels;    /* n_rows label strings (quotes removed) */
    size_t *lines;    /* 1-based line of each row in its file */
    unsigned *files;  /* the file_id given to csv_parse for each row */
    size_t cap_rows;
} csv_table;

/* Append the rows of `buf` (file `name`) to `t`. Fields are separated by
 * ',', ';' or tabs, trimmed of blanks, optionally double-quoted ("" is a
 * quote inside quotes). The first `header_lines` lines are skipped, blank
 * lines too. `label_column` < 0 counts from the end (-1 = last). Errors
 * (N2D2_ERR_PARSE) name file:line: a row whose column count differs from
 * the first row's (also across files), a non-numeric value (with its
 * column), an empty label, an unterminated quote, a label column outside
 * the row. Rows remember `file_id` (in t->files). */
n2d2_status csv_parse(const char *buf, size_t len, const char *name, unsigned file_id,
                      size_t header_lines, long label_column, csv_table *t);
void csv_free(csv_table *t);

#endif
