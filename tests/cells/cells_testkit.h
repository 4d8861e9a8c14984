/* Shared fixture of the cell plugin suites: a registry with every Frame
 * cell preloaded statically (no dlopen) plus a test-only plugin that
 * registers "TestConstantFiller" (filler) and "SGD" (plain w -= lr g
 * solver, model Frame), so that the suites do not depend on the filler and
 * solver families. Helpers build graphs from INI text, set parameters and
 * compare gradients with central finite differences. */
#ifndef N2D2_CELLS_TESTKIT_H
#define N2D2_CELLS_TESTKIT_H

#include <check.h>
#include <stddef.h>

#include "n2d2/n2d2.h"

void kit_setup(void);
/* kit_setup plus other statically linked plugins (e.g. the activation
 * functions, for suites that compile them in). */
void kit_setup_with(const n2d2_static_plugin *extra, size_t n_extra);
void kit_teardown(void);

/* Build a graph from INI text (file name "net.ini"), seed 1. */
n2d2_status kit_build(const char *text, n2d2_graph **g);
n2d2_graph *kit_build_ok(const char *text);
/* Build must fail with `code` and a message containing `needle`. */
void kit_expect_error(const char *text, n2d2_status code, const char *needle);
void kit_free(n2d2_graph *g);

/* Learnable tensor `name` ("weights", "biases") of a cell; grad = 1 for
 * its gradient. NULL when absent. */
n2d2_tensor *kit_param(n2d2_graph *g, const char *cell, const char *name, int grad);
void kit_set(n2d2_tensor *t, const double *values, size_t n);
void kit_set_random(n2d2_tensor *t, unsigned seed, double lo, double hi);
/* Expect t[i] == values[i] within tol. */
void kit_expect(const n2d2_tensor *t, const double *values, size_t n, double tol);

/* Forward (learning), then backward with d(loss)/d(output) = r for a fixed
 * pseudo-random r (loss = sum(r * y) over the last cell's output), then
 * central differences on every stimulus value and every learnable value.
 * Returns the largest |analytic - numeric| / max(1, |numeric|). Needs a
 * Float64 graph; stimuli are checked when the input gradient was requested. */
double kit_gradient_error(n2d2_graph *g, size_t batch, unsigned seed);

/* Run one suite: returns EXIT_SUCCESS or EXIT_FAILURE. */
int kit_run(Suite *s);

#endif
