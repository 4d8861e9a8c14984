/* Levelled logging with a replaceable sink. */
#include "n2d2/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static n2d2_log_level current_level = N2D2_LOG_WARN;
static int level_from_env_done;
static n2d2_log_fn sink;
static void *sink_user;

static void read_level_from_env(void)
{
    if (level_from_env_done)
        return;
    level_from_env_done = 1;
    const char *env = getenv("N2D2_LOG_LEVEL");
    if (!env)
        return;
    static const char *const names[] = {"error", "warn", "info", "debug"};
    for (int i = 0; i < 4; ++i)
        if (strcasecmp(env, names[i]) == 0)
            current_level = (n2d2_log_level)i;
}

void n2d2_log_set_level(n2d2_log_level level)
{
    level_from_env_done = 1;
    current_level = level;
}

n2d2_log_level n2d2_log_get_level(void)
{
    read_level_from_env();
    return current_level;
}

void n2d2_log_set_callback(n2d2_log_fn fn, void *user)
{
    sink = fn;
    sink_user = user;
}

void n2d2_log_v(n2d2_log_level level, const char *fmt, va_list ap)
{
    if (level > n2d2_log_get_level())
        return;
    char message[4096];
    vsnprintf(message, sizeof message, fmt, ap);
    if (sink) {
        sink(level, message, sink_user);
        return;
    }
    static const char *const prefixes[] = {"error: ", "warning: ", "", "debug: "};
    fprintf(stderr, "%s%s\n", prefixes[level], message);
}

void n2d2_log(n2d2_log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    n2d2_log_v(level, fmt, ap);
    va_end(ap);
}
