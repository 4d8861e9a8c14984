/* The WISDM Actitracker raw text files (WISDM_at_v2.0_raw.txt and
 * WISDM_at_v2.0_unlabeled_raw.txt): records
 *   user,activity,timestamp,x-acceleration,y-acceleration,z-acceleration;
 * one per line (several ';'-terminated records on one line are accepted,
 * as in WISDM v1.1). Internal to the Actitracker_Database plugin; works on
 * a memory buffer. */
#ifndef N2D2_DB_ACTI_PARSE_H
#define N2D2_DB_ACTI_PARSE_H

#include <stddef.h>
#include "n2d2/status.h"

typedef struct acti_data {
    float *xyz;        /* 3 values per sample */
    int *activity;     /* index into names, per sample */
    size_t n, cap;
    char **names;      /* distinct activities, in order of first appearance */
    size_t n_names, cap_names;
    size_t n_skipped;  /* records without activity ("579,,;"), skipped */
} acti_data;

/* Parse `text` (modified in place) of file `path`. Records whose activity
 * is empty are skipped with a warning (the real files have some), unless
 * `unlabeled` (the unlabeled file, whose activity is not used); any other
 * malformed record is an error naming path:line. */
n2d2_status acti_parse(char *text, size_t size, const char *path, int unlabeled,
                       acti_data *out);
void acti_free(acti_data *d);

#endif
