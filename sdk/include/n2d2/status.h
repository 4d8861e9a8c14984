/* n2d2/status.h — status codes and per-thread error detail.
 *
 * Every fallible call returns an n2d2_status. N2D2_OK is 0; errors are
 * negative, explicitly numbered and append-only. The human-readable detail
 * of the last error ("model.ini:12: unknown Type 'Conv2'...") is kept per
 * thread and read with n2d2_error_message(). Library code never exits.
 *
 *     if (n2d2_foo(...) != N2D2_OK)
 *         fprintf(stderr, "error: %s\n", n2d2_error_message());
 */
#ifndef N2D2_STATUS_H
#define N2D2_STATUS_H

#include <stdarg.h>
#include "n2d2/export.h"

N2D2_BEGIN_DECLS

typedef enum n2d2_status {
    N2D2_OK = 0,
    N2D2_ERR_NOMEM = -1,           /* allocation failed */
    N2D2_ERR_INVAL = -2,           /* invalid argument or value */
    N2D2_ERR_NOT_FOUND = -3,       /* unknown name, missing key, missing file */
    N2D2_ERR_ABI = -4,             /* plugin built against another ABI */
    N2D2_ERR_IO = -5,              /* read/write failure */
    N2D2_ERR_PARSE = -6,           /* syntax error (INI, template, data file) */
    N2D2_ERR_UNSUPPORTED = -7,     /* valid request this build cannot serve */
    N2D2_ERR_NOT_IMPLEMENTED = -8, /* feature planned but not written yet */
    N2D2_ERR_DUPLICATE = -9,       /* the same name registered twice */
    N2D2_ERR_SKIP = -10,           /* plugin not usable here (not an error) */
    N2D2_ERR_SHAPE = -11,          /* incompatible tensor shapes */
    N2D2_ERR_CYCLE = -12,          /* cycle in a graph or in includes */
    N2D2_ERR_CUDA = -13,           /* CUDA runtime/library failure */
    N2D2_ERR_INTERNAL = -14,       /* broken invariant (a bug) */
    N2D2_ERR_RANGE = -15           /* value outside the allowed range */
} n2d2_status;

#define N2D2_STATUS_COUNT 16

/* Short name of a code, e.g. "N2D2_ERR_PARSE". Never NULL. */
N2D2_API const char *n2d2_status_str(n2d2_status code);

/* Record the detail of an error for this thread and return `code`, so that
 * `return n2d2_error(N2D2_ERR_INVAL, "bad %s", x);` is one line. */
N2D2_API n2d2_status n2d2_error(n2d2_status code, const char *fmt, ...) N2D2_PRINTF(2, 3);
N2D2_API n2d2_status n2d2_error_v(n2d2_status code, const char *fmt, va_list ap);
/* Same, prefixed with "file:line: " (line <= 0 prints only the file). */
N2D2_API n2d2_status n2d2_error_at(n2d2_status code, const char *file, int line,
                                   const char *fmt, ...) N2D2_PRINTF(4, 5);
/* Prefix the current message with "context: " (keeps the code). */
N2D2_API n2d2_status n2d2_error_prefix(const char *fmt, ...) N2D2_PRINTF(1, 2);

/* Last error detail of the calling thread; "" when none. Valid until the
 * next n2d2_error* call on this thread. */
N2D2_API const char *n2d2_error_message(void);
N2D2_API n2d2_status n2d2_error_code(void);
N2D2_API void n2d2_error_clear(void);

N2D2_END_DECLS

#endif
