/* The Clamping option: a boolean in the manual's tables, a "min:max" text
 * in its examples; both are accepted (decision A32). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "solver_util.h"

static int parse_side(const char *text, size_t len, double open_value, double *out)
{
    char buf[64];
    while (len > 0 && (*text == ' ' || *text == '\t'))
        ++text, --len;
    while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t'))
        --len;
    if (len == 0) {
        *out = open_value;
        return 1;
    }
    if (len >= sizeof buf)
        return 0;
    memcpy(buf, text, len);
    buf[len] = '\0';
    return n2d2_parse_double(buf, out) && isfinite(*out);
}

int n2d2_clamp_parse(const char *text, n2d2_clamp *out)
{
    out->enabled = 0;
    out->lo = -INFINITY;
    out->hi = INFINITY;
    if (!text || !text[0])
        return 1;
    const char *colon = strchr(text, ':');
    if (!colon) {
        int on;
        if (!n2d2_parse_bool(text, &on))
            return 0;
        if (on) {
            out->enabled = 1;
            out->lo = -1.0;
            out->hi = 1.0;
        }
        return 1;
    }
    if (strchr(colon + 1, ':'))
        return 0;
    if (!parse_side(text, (size_t)(colon - text), -INFINITY, &out->lo) ||
        !parse_side(colon + 1, strlen(colon + 1), INFINITY, &out->hi) || out->lo > out->hi)
        return 0;
    out->enabled = isfinite(out->lo) || isfinite(out->hi);
    return 1;
}

n2d2_status n2d2_clamp_from_params(const n2d2_params *p, n2d2_clamp *out)
{
    const char *text = n2d2_params_string(p, "Clamping");
    if (!n2d2_clamp_parse(text, out))
        return n2d2_params_error(p, "Clamping", N2D2_ERR_INVAL,
                                 "'%s' is not 0, 1, or min:max with min <= max "
                                 "(either side may be empty)",
                                 text);
    return N2D2_OK;
}
