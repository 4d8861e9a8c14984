/* n2d2/version.h — library version and plugin ABI version. */
#ifndef N2D2_VERSION_H
#define N2D2_VERSION_H

#include "n2d2/export.h"

#define N2D2_VERSION_MAJOR 0
#define N2D2_VERSION_MINOR 1
#define N2D2_VERSION_PATCH 0
#define N2D2_VERSION_STRING "0.1.0"
#define N2D2_CHECK_VERSION(major, minor, patch)                                    \
    (N2D2_VERSION_MAJOR > (major) ||                                               \
     (N2D2_VERSION_MAJOR == (major) && N2D2_VERSION_MINOR > (minor)) ||            \
     (N2D2_VERSION_MAJOR == (major) && N2D2_VERSION_MINOR == (minor) &&            \
      N2D2_VERSION_PATCH >= (patch)))

/* Plugin ABI: a plugin is accepted when its major equals the kernel's and its
 * minor is not newer. Bump the minor when appending to a public struct, the
 * major for any other layout change (tests/kernel/test_abi.c pins layouts). */
#define N2D2_PLUGIN_ABI_MAJOR 1
#define N2D2_PLUGIN_ABI_MINOR 0
#define N2D2_PLUGIN_ABI_VERSION (N2D2_PLUGIN_ABI_MAJOR * 1000 + N2D2_PLUGIN_ABI_MINOR)

N2D2_BEGIN_DECLS
/* Runtime version of the loaded libn2d2, e.g. "0.1.0". */
N2D2_API const char *n2d2_version(void);
N2D2_API int n2d2_plugin_abi_version(void);
N2D2_END_DECLS

#endif
