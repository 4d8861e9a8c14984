/* -export TYPE: write the network through an exporter plugin. */
#ifndef N2D2_RUN_EXPORT_H
#define N2D2_RUN_EXPORT_H

#include "n2d2/n2d2.h"
#include "options.h"

/* Load the weights (-w DIR, /dev/null: none; -l DIR: a checkpoint's; else the run folder's
 * weights_validation/ or weights/), then write
 * <run folder>/export_<TYPE>_float32/ (or _int<bits>) through the exporter
 * feature named TYPE. Unknown types fail with "not implemented yet" naming
 * the registered exporters. */
/* The exporter exists (checked before the network is built). */
n2d2_status run_export_check(const run_options *opt, const n2d2_registry *reg);
n2d2_status run_export(const run_options *opt, const n2d2_registry *reg, n2d2_graph *graph);

#endif
