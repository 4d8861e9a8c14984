/* Shared by the filler, activation and solver test suites: a test-only
 * fully-connected cell (FamDense) that uses the kernel's filler, activation
 * and solver wiring, a preload of the three plugin families, and a helper
 * that builds a feature's parameters from an INI text. */
#ifndef N2D2_FAMILY_TEST_UTIL_H
#define N2D2_FAMILY_TEST_UTIL_H

#include "n2d2/n2d2.h"

/* FamDense (Frame): y = W x + b with W {NbOutputs, inputs}, declared with
 * solver prefixes "WeightsSolver" / "BiasSolver" and filled through
 * n2d2_cell_fill("WeightsFiller"/"BiasFiller", default ConstantFiller,
 * fan-in = inputs, fan-out = NbOutputs). Its schema declares
 * ActivationFunction, so the kernel applies the activation. */
N2D2_STATIC_PLUGIN_DECLARE(family_testcell);
N2D2_STATIC_PLUGIN_DECLARE(fillers);
N2D2_STATIC_PLUGIN_DECLARE(activations);
N2D2_STATIC_PLUGIN_DECLARE(solvers);

/* New registry with FamDense and the three families preloaded (the loader
 * is already freed: one loader per process at a time). */
n2d2_status fam_registry(n2d2_registry **reg);

/* Parameters of `feature` read from "[cell]\n<body>" under `prefix` (e.g.
 * "WeightsFiller."); the INI is returned too (free it after the params). */
n2d2_status fam_params(const n2d2_feature *feature, const char *prefix, const char *body,
                       n2d2_ini **ini, n2d2_params **params);

/* Load "<dir>/n2d2-<name>.so" from N2D2_PLUGIN_PATH into a fresh registry
 * and check that `feature` (kind) is there. 1 = found, 0 = not found,
 * -1 = no module to test (static build). */
int fam_module_has(const char *plugin, n2d2_kind kind, const char *feature);

#endif
