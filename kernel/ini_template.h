/* ini_template.h — internal interface between the template parser
 * (ini_template_parse.c) and the renderer (ini_template.c). */
#ifndef N2D2_INI_TEMPLATE_H
#define N2D2_INI_TEMPLATE_H

#include "ini_impl.h"

/* A parsed template: a list of nodes, with bodies for block/for/if. */
typedef enum { TN_TEXT, TN_VAR, TN_BLOCK, TN_FOR, TN_IF, TN_INCLUDE } tn_kind;
typedef enum { IF_EQ, IF_NE, IF_EXISTS, IF_NOT_EXISTS } if_op;

typedef struct tnode {
    tn_kind kind;
    int line;
    const char *text; /* TN_TEXT: slice of the template */
    size_t len;
    char *name;       /* VAR/BLOCK/IF name, FOR variable, INCLUDE file */
    char *start;      /* FOR: START (NULL = 0) */
    char *end;        /* FOR: END */
    char *value;      /* IF: VALUE */
    int value_is_var; /* IF: VALUE was written {{X}} */
    if_op op;
    struct tnode *body;
    struct tnode *alt; /* IF: else branch */
    struct tnode *next;
} tnode;

/* Parse template `text` read from `src` (errors name src:line). The tree
 * points into `text`, which must outlive it. */
n2d2_status ini_template_parse(const ini_src *src, const char *text, size_t len, tnode **root);
void ini_template_free(tnode *n);

#endif
