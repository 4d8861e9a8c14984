/* Runtime version of libn2d2, for hosts that want to compare it with the
 * headers they were built with. */
#include "n2d2/version.h"

const char *n2d2_version(void) { return N2D2_VERSION_STRING; }

int n2d2_plugin_abi_version(void) { return N2D2_PLUGIN_ABI_VERSION; }
