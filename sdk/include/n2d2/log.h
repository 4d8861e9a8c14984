/* n2d2/log.h — levelled logging, redirectable by the embedding program. */
#ifndef N2D2_LOG_H
#define N2D2_LOG_H

#include <stdarg.h>
#include "n2d2/export.h"

N2D2_BEGIN_DECLS

typedef enum n2d2_log_level {
    N2D2_LOG_ERROR = 0,
    N2D2_LOG_WARN = 1,
    N2D2_LOG_INFO = 2,
    N2D2_LOG_DEBUG = 3
} n2d2_log_level;

typedef void (*n2d2_log_fn)(n2d2_log_level level, const char *message, void *user);

/* Messages above `level` are dropped. Default: N2D2_LOG_WARN, or the value
 * of N2D2_LOG_LEVEL (error|warn|info|debug) when set. */
N2D2_API void n2d2_log_set_level(n2d2_log_level level);
N2D2_API n2d2_log_level n2d2_log_get_level(void);
/* Replace the sink (default: stderr with a "warning: " style prefix).
 * NULL restores the default. */
N2D2_API void n2d2_log_set_callback(n2d2_log_fn fn, void *user);

N2D2_API void n2d2_log(n2d2_log_level level, const char *fmt, ...) N2D2_PRINTF(2, 3);
N2D2_API void n2d2_log_v(n2d2_log_level level, const char *fmt, va_list ap);

#define n2d2_log_error(...) n2d2_log(N2D2_LOG_ERROR, __VA_ARGS__)
#define n2d2_log_warn(...) n2d2_log(N2D2_LOG_WARN, __VA_ARGS__)
#define n2d2_log_info(...) n2d2_log(N2D2_LOG_INFO, __VA_ARGS__)
#define n2d2_log_debug(...) n2d2_log(N2D2_LOG_DEBUG, __VA_ARGS__)

N2D2_END_DECLS

#endif
