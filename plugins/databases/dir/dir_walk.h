/* Directory scanning of DIR_Database (manual lines 5366-5384): which files
 * are stimuli (Depth, ValidExtensions, IgnoreMasks) and which label each
 * gets (LabelName, LabelDepth). Internal to the DIR plugin. */
#ifndef N2D2_DB_DIR_WALK_H
#define N2D2_DB_DIR_WALK_H

#include <stddef.h>
#include "n2d2/n2d2.h"

typedef struct dir_walk_opts {
    int depth;              /* 0: DataPath only; n: n levels below; < 0: all */
    int label_depth;        /* -1: no label; 0: LabelName; n: n directory levels */
    const char *label_name; /* base label name */
    const char *extensions; /* space-separated, "" = any ("png .JPG" both fine) */
    const char *masks;      /* space-separated, '*' any text, '+' one character */
} dir_walk_opts;

typedef struct dir_file {
    char *path;
    int label; /* index into dir_walk_result.labels, -1 = no label */
} dir_file;

typedef struct dir_walk_result {
    dir_file *files; /* in walk order: names sorted case-insensitively */
    size_t n_files, cap_files;
    char **labels;   /* distinct label names, in order of appearance */
    size_t n_labels, cap_labels;
} dir_walk_result;

/* Scan `root`. Errors: root not a readable directory; a class folder (one
 * that forms a label) without any stimulus, named with a hint. */
n2d2_status dir_walk(const char *root, const dir_walk_opts *opts, dir_walk_result *out);
void dir_walk_free(dir_walk_result *r);

/* Full match of `text` against `mask` ('*' any text, '+' one character). */
int dir_mask_match(const char *mask, const char *text);

#endif
