/* --list-plugins, --describe and --dry-run reports. */
#ifndef N2D2_RUN_INSPECT_H
#define N2D2_RUN_INSPECT_H

#include "n2d2/n2d2.h"

void inspect_list_plugins(const n2d2_loader *loader, const n2d2_registry *reg);
/* Returns 0 when the type exists, 1 (with an error printed) otherwise. */
int inspect_describe(const n2d2_loader *loader, const n2d2_registry *reg, const char *type);
void inspect_dry_run(const n2d2_graph *g);

#endif
