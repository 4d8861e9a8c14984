/* Kernel-internal access to the keys a params tree declared (for the
 * unused-key report). Not installed. */
#ifndef N2D2_PARAMS_IMPL_H
#define N2D2_PARAMS_IMPL_H

#include "n2d2/params.h"

size_t n2d2_params_known_count(const n2d2_params *p);
const char *n2d2_params_known_at(const n2d2_params *p, size_t i);
n2d2_ini_section *n2d2_params_section(const n2d2_params *p);
/* 1 when `key` is one of the declared names (patterns honoured). */
int n2d2_params_known_matches(const n2d2_params *p, const char *key);

/* 1 when `sec` is one of the sections the tree reads. */
int n2d2_params_uses_section(const n2d2_params *p, const n2d2_ini_section *sec);

#endif
