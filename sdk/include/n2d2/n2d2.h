/* n2d2/n2d2.h — umbrella header of the n2d2-c SDK.
 *
 * A plugin includes this one header, fills an ops table of its kind (see
 * cell.h), declares a parameter schema (params.h), registers its features in
 * a register function (registry.h) and exports it with N2D2_PLUGIN_DEFINE
 * (plugin.h). docs/plugin-authoring.md walks through a complete example.
 */
#ifndef N2D2_N2D2_H
#define N2D2_N2D2_H

#include "n2d2/export.h"
#include "n2d2/version.h"
#include "n2d2/status.h"
#include "n2d2/log.h"
#include "n2d2/tensor.h"
#include "n2d2/rng.h"
#include "n2d2/ini.h"
#include "n2d2/params.h"
#include "n2d2/registry.h"
#include "n2d2/plugin.h"
#include "n2d2/cell.h"
#include "n2d2/activation.h"
#include "n2d2/filler.h"
#include "n2d2/solver.h"
#include "n2d2/database.h"
#include "n2d2/transform.h"
#include "n2d2/stimuli.h"
#include "n2d2/image.h"
#include "n2d2/target.h"
#include "n2d2/graph.h"
#include "n2d2/importer.h"
#include "n2d2/exporter.h"

#endif
