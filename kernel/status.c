/* Status names and the per-thread error detail buffer. */
#include "n2d2/status.h"

#include <stdio.h>
#include <string.h>

#define N2D2_ERROR_MAX 2048

static _Thread_local char error_text[N2D2_ERROR_MAX];
static _Thread_local n2d2_status error_code_value = N2D2_OK;

static const char *const status_names[N2D2_STATUS_COUNT] = {
    "N2D2_OK",          "N2D2_ERR_NOMEM",     "N2D2_ERR_INVAL",     "N2D2_ERR_NOT_FOUND",
    "N2D2_ERR_ABI",     "N2D2_ERR_IO",        "N2D2_ERR_PARSE",     "N2D2_ERR_UNSUPPORTED",
    "N2D2_ERR_NOT_IMPLEMENTED", "N2D2_ERR_DUPLICATE", "N2D2_ERR_SKIP", "N2D2_ERR_SHAPE",
    "N2D2_ERR_CYCLE",   "N2D2_ERR_CUDA",      "N2D2_ERR_INTERNAL",  "N2D2_ERR_RANGE",
};
_Static_assert(sizeof(status_names) / sizeof(status_names[0]) == N2D2_STATUS_COUNT,
               "status_names must list every n2d2_status");

const char *n2d2_status_str(n2d2_status code)
{
    int index = -(int)code;
    if (index < 0 || index >= N2D2_STATUS_COUNT)
        return "N2D2_ERR_UNKNOWN";
    return status_names[index];
}

n2d2_status n2d2_error_v(n2d2_status code, const char *fmt, va_list ap)
{
    char buffer[N2D2_ERROR_MAX];
    vsnprintf(buffer, sizeof buffer, fmt, ap);
    memcpy(error_text, buffer, sizeof buffer);
    error_code_value = code;
    return code;
}

n2d2_status n2d2_error(n2d2_status code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    n2d2_error_v(code, fmt, ap);
    va_end(ap);
    return code;
}

n2d2_status n2d2_error_at(n2d2_status code, const char *file, int line, const char *fmt, ...)
{
    char body[N2D2_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);
    if (file && line > 0)
        return n2d2_error(code, "%s:%d: %s", file, line, body);
    if (file)
        return n2d2_error(code, "%s: %s", file, body);
    return n2d2_error(code, "%s", body);
}

n2d2_status n2d2_error_prefix(const char *fmt, ...)
{
    char prefix[N2D2_ERROR_MAX];
    char old[N2D2_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, error_text, sizeof old);
    /* Build "prefix: old" by hand so truncation is explicit, not a warning. */
    size_t used = strnlen(prefix, sizeof error_text - 3);
    memcpy(error_text, prefix, used);
    memcpy(error_text + used, ": ", 2);
    used += 2;
    size_t rest = strnlen(old, sizeof error_text - used - 1);
    memcpy(error_text + used, old, rest);
    error_text[used + rest] = '\0';
    return error_code_value;
}

const char *n2d2_error_message(void) { return error_text; }
n2d2_status n2d2_error_code(void) { return error_code_value; }

void n2d2_error_clear(void)
{
    error_text[0] = '\0';
    error_code_value = N2D2_OK;
}
