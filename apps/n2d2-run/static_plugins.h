/* Plugins linked into n2d2-run when built with N2D2_STATIC_PLUGINS=ON
 * (generated table; empty otherwise). */
#ifndef N2D2_RUN_STATIC_PLUGINS_H
#define N2D2_RUN_STATIC_PLUGINS_H

#include "n2d2/plugin.h"

extern const n2d2_static_plugin n2d2_run_static_plugins[];
extern const size_t n2d2_run_static_plugin_count;

#endif
