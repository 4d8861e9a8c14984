/* n2d2/params.h — parameter schemas and validated parameter access.
 *
 * Every registered feature declares its INI parameters once, as a table of
 * n2d2_param_spec. The same table drives validation (type, range, allowed
 * values), defaults, `n2d2-run --describe`, and the unused-key check:
 *
 *     static const n2d2_param_spec conv_params[] = {
 *         { "NbOutputs", N2D2_PARAM_UINT, NULL, NULL, 1, 0, N2D2_PARAM_REQUIRED,
 *           "number of output channels" },
 *         { "NoBias", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0, "disable the bias" },
 *         { "Pooling", N2D2_PARAM_ENUM, "Max", "Max|Average", 0, 0, 0, "pooling type" },
 *     };
 *
 * A plugin receives an n2d2_params already validated against its schema and
 * reads values with the typed getters, which cannot fail for declared keys.
 * Keys under a prefix owned by a sub-object (`WeightsFiller.*`,
 * `Solvers.*`, `ActivationFunction.*`) are read through n2d2_params_sub().
 */
#ifndef N2D2_PARAMS_H
#define N2D2_PARAMS_H

#include <stddef.h>
#include <stdint.h>
#include "n2d2/export.h"
#include "n2d2/status.h"
#include "n2d2/ini.h"

N2D2_BEGIN_DECLS

typedef enum n2d2_param_type {
    N2D2_PARAM_INT = 0,    /* signed integer */
    N2D2_PARAM_UINT = 1,   /* unsigned integer */
    N2D2_PARAM_FLOAT = 2,  /* double */
    N2D2_PARAM_BOOL = 3,   /* 0/1/true/false/True/False/yes/no */
    N2D2_PARAM_STRING = 4, /* any text */
    N2D2_PARAM_ENUM = 5,   /* one of `allowed` ("A|B|C") */
    N2D2_PARAM_LIST = 6,   /* comma/space separated list of numbers */
    N2D2_PARAM_TYPE_COUNT = 7
} n2d2_param_type;

enum {
    N2D2_PARAM_REQUIRED = 1u << 0, /* no default: must be given */
    N2D2_PARAM_PATTERN = 1u << 1,  /* name is a pattern: `*` matches any text
                                      (e.g. "Mapping(*).SizeX", "GainRange[*]") */
    N2D2_PARAM_RANGE = 1u << 2     /* min/max are enforced (inclusive) */
};

typedef struct n2d2_param_spec {
    const char *name;          /* INI key as users write it */
    n2d2_param_type type;
    const char *default_value; /* textual default; NULL = none */
    const char *allowed;       /* ENUM: "Max|Average"; otherwise NULL */
    double min, max;           /* checked when flags has N2D2_PARAM_RANGE */
    unsigned flags;
    const char *help;          /* one line */
} n2d2_param_spec;

typedef struct n2d2_params n2d2_params;

/* Build the parameters of a feature from INI sections. `sections` lists
 * where to look in priority order (the cell's own section first, then its
 * ConfigSection entries from last to first, as N2D2 does); `prefixes` (may
 * be NULL/0) are tried in order before the bare key, e.g.
 * {"WeightsSolver.", "Solvers."} for a weights solver; with prefixes, bare
 * keys are NOT consulted unless one prefix is "". Every declared key is
 * validated now; errors name the entry's file:line. The first section is
 * claimed (unused-key checking applies to it). */
N2D2_API n2d2_status n2d2_params_from_ini(n2d2_ini *ini, n2d2_ini_section *const *sections,
                                          size_t n_sections, const char *const *prefixes,
                                          size_t n_prefixes, const n2d2_param_spec *schema,
                                          size_t n_schema, n2d2_params **out);
/* Parameters from defaults only (tests, programmatic use). */
N2D2_API n2d2_status n2d2_params_from_defaults(const n2d2_param_spec *schema, size_t n_schema,
                                               n2d2_params **out);
N2D2_API void n2d2_params_free(n2d2_params *p);

/* A view for a sub-object: same sections, prefixes composed with the
 * parent's (parent "" + "WeightsFiller." → "WeightsFiller."), own schema. */
N2D2_API n2d2_status n2d2_params_sub(const n2d2_params *parent, const char *const *prefixes,
                                     size_t n_prefixes, const n2d2_param_spec *schema,
                                     size_t n_schema, n2d2_params **out);

/* Keys whose value refers to a generated value not yet published
 * (`Solvers.LearningRateStepSize=[sp]_EpochSize` before the database is
 * loaded) are accepted at build time and resolved on first read. Call this
 * once the data is known to resolve and validate them all with a proper
 * error (file:line); getters on a still-unresolvable key log it and return
 * the fallback. */
N2D2_API n2d2_status n2d2_params_ready(const n2d2_params *p);

/* 1 when the key was written in the INI (not just defaulted). */
N2D2_API int n2d2_params_given(const n2d2_params *p, const char *name);
/* Typed getters for declared keys. Reading an undeclared key or a declared
 * key without value (not required, no default, not given) returns the
 * fallback (0, NULL) — use n2d2_params_given() to tell. */
N2D2_API int64_t n2d2_params_int(const n2d2_params *p, const char *name);
N2D2_API uint64_t n2d2_params_uint(const n2d2_params *p, const char *name);
N2D2_API double n2d2_params_float(const n2d2_params *p, const char *name);
N2D2_API int n2d2_params_bool(const n2d2_params *p, const char *name);
N2D2_API const char *n2d2_params_string(const n2d2_params *p, const char *name);
/* Index of the value in the spec's `allowed` list (0-based). */
N2D2_API int n2d2_params_enum(const n2d2_params *p, const char *name);
/* Parses a list into out[max]; returns the count (may exceed max: only max
 * written), or -1 when absent. */
N2D2_API int n2d2_params_list(const n2d2_params *p, const char *name, double *out, size_t max);

/* Pattern keys (N2D2_PARAM_PATTERN): iterate over the concrete keys found.
 * Returns how many; key_at/value_at give them in file order. */
N2D2_API size_t n2d2_params_match_count(const n2d2_params *p, const char *pattern);
N2D2_API const char *n2d2_params_match_key(const n2d2_params *p, const char *pattern, size_t i);
N2D2_API const char *n2d2_params_match_value(const n2d2_params *p, const char *pattern, size_t i);

/* Where a key was given ("model.ini:12"), or "(default)". */
N2D2_API const char *n2d2_params_where(const n2d2_params *p, const char *name);
/* Error helper: n2d2_error_at() at the location of key `name`. */
N2D2_API n2d2_status n2d2_params_error(const n2d2_params *p, const char *name, n2d2_status code,
                                       const char *fmt, ...) N2D2_PRINTF(4, 5);

/* Validate one textual value against a spec (used for defaults too).
 * `where` prefixes the message. */
N2D2_API n2d2_status n2d2_param_check(const n2d2_param_spec *spec, const char *value,
                                      const char *where);
N2D2_API const char *n2d2_param_type_name(n2d2_param_type type);

/* Parse helpers shared by the kernel and plugins. */
N2D2_API int n2d2_parse_bool(const char *text, int *out);     /* 1 on success */
N2D2_API int n2d2_parse_int(const char *text, int64_t *out);  /* 1 on success */
N2D2_API int n2d2_parse_double(const char *text, double *out);/* 1 on success */

N2D2_END_DECLS

#endif
