/* Kernel-internal hooks of graph importers (graph_import.c), called by
 * graph.c. Not installed. */
#ifndef N2D2_GRAPH_IMPORT_H
#define N2D2_GRAPH_IMPORT_H

#include "graph_impl.h"

/* Expand every section whose Type is an importer into cell sections and
 * rewrite the Input= lists that name an importer section. */
n2d2_status n2d2_graph_expand_imports(n2d2_graph *g);
/* 1 when `name` is an importer section (not a cell). */
int n2d2_graph_is_import_section(const n2d2_graph *g, const char *name);
/* Copy the imported parameter values of an initialised cell. */
n2d2_status n2d2_graph_apply_imported(n2d2_graph *g, n2d2_cell *cell);
/* The importer sections' parameters (for the unused-key report); returns
 * how many exist (may exceed max). */
size_t n2d2_graph_import_params(const n2d2_graph *g, const n2d2_params **out, size_t max);
/* Before the unused-key report: a default section's key counts as used
 * when a cell read its copy, and copies are never reported themselves. */
void n2d2_graph_import_sync_used(n2d2_graph *g);
void n2d2_graph_free_imports(n2d2_graph *g);

#endif
