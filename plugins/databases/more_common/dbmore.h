/* Helpers of the dataset-specific database drivers (N_MNIST, Actitracker,
 * CKP, Daimler, LITISRouen, CelebA, IMDBWIKI). Internal to the database
 * plugins: a static library linked into each. */
#ifndef N2D2_DB_MORE_H
#define N2D2_DB_MORE_H

#include <stddef.h>
#include <stdlib.h>
#include "n2d2/n2d2.h"

/* Defines the driver's create operation `static n2d2_status fn(const
 * n2d2_params *, void **)`: a zeroed `type` (calloc) whose `params` member
 * holds the section's parameters. */
#define DBM_DEFINE_CREATE(fn, type)                                                      \
    static n2d2_status fn(const n2d2_params *params, void **state)                       \
    {                                                                                    \
        type *s_ = calloc(1, sizeof *s_);                                                \
        if (!s_)                                                                         \
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");                          \
        s_->params = params;                                                             \
        *state = s_;                                                                     \
        return N2D2_OK;                                                                  \
    }

/* The value of path key `key` with a leading "$N2D2_DATA" expanded (to
 * $N2D2_DATA, else /local/$USER/n2d2_data, else /local/n2d2_data: tool-flow
 * checklist §0) and trailing slashes removed. */
void dbm_path(const n2d2_params *p, const char *key, char *out, size_t size);

/* An error located at path key `key`, adding a hint when the key was not
 * given (the default path): "<type>: <message> (the default; ...)". */
n2d2_status dbm_path_error(const n2d2_params *p, const char *key, n2d2_status code,
                           const char *type, const char *fmt, ...) N2D2_PRINTF(5, 6);

/* Entries of directory `dir` sorted by byte order (strcmp), hidden ones
 * (leading '.') skipped. want: 'd' directories, 'f' regular files. `ext`
 * (files only, may be NULL) keeps names ending with that extension
 * (case-insensitive, without the dot). Errors name the directory. */
n2d2_status dbm_list(const char *dir, char want, const char *ext, char ***names, size_t *n);
void dbm_list_free(char **names, size_t n);

/* 1 when `path` is a directory, resp. a regular file. */
int dbm_is_dir(const char *path);
int dbm_is_file(const char *path);

/* Whole file into a NUL-terminated buffer (*size excludes the NUL).
 * Errors name the file (N2D2_ERR_NOT_FOUND when missing). */
n2d2_status dbm_read_file(const char *path, char **data, size_t *size);

/* Line reader over a buffer from dbm_read_file: returns the next line
 * without its "\n" / "\r\n" (modified in place), NULL at the end; *line_no
 * counts from 1. */
typedef struct dbm_lines {
    char *cur, *end;
    size_t line_no;
} dbm_lines;
void dbm_lines_init(dbm_lines *l, char *data, size_t size);
char *dbm_lines_next(dbm_lines *l);

/* Trim spaces/tabs at both ends, in place. */
char *dbm_trim(char *s);

/* Assign sets to `n` stimuli as N2D2's partitionStimuli(learn, validation,
 * test) (per_label = 0: fractions of all n stimuli) or
 * partitionStimuliPerLabel (per_label = 1: fractions of each label, the
 * smallest label's size with `equiv`). test < 0: the remainder; otherwise
 * round(test x size) and the rest stays Unpartitioned. Rounding to
 * nearest, random with `rng` or in order (NULL). Errors are reported at
 * the keys Learn / Validation / Test of `p` when it declares them. */
n2d2_status dbm_partition(const n2d2_params *p, const n2d2_database *db, const int *labels,
                          size_t n, double learn, double validation, double test, int per_label,
                          int equiv, n2d2_rng *rng, const char *what, n2d2_set *sets);

#endif
