/* libgomp's default lets an idle worker spin (up to 300,000 polls, a few
 * milliseconds) after each parallel region before it sleeps. A training
 * step runs a few hundred short regions, so on a machine busy with other
 * jobs the spinning workers took the CPU time the thread with the serial
 * work needed: ResNet_FMNIST trained 3 to 5 times slower (on 2 threads at a
 * load average of 9: 117-124 images/s by default, 363-580 with
 * OMP_WAIT_POLICY=passive, 306-456 with GOMP_SPINCOUNT=10000). Sleeping
 * costs a futex wake-up (microseconds) per region, well under 1 % of a
 * step, so n2d2-run makes passive the default. A user's OMP_WAIT_POLICY or
 * GOMP_SPINCOUNT is left alone.
 *
 * libgomp reads the variable once, when it is loaded: in a dynamic build
 * that happens when the first cell plugin is opened (after this runs);
 * when it is already loaded (plugins linked statically), the program
 * re-executes itself with the variable set. */
#include "wait_policy.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void run_default_wait_policy(char **argv)
{
    if (getenv("OMP_WAIT_POLICY") || getenv("GOMP_SPINCOUNT"))
        return;
    if (setenv("OMP_WAIT_POLICY", "passive", 1) != 0)
        return;
    void *gomp = dlopen("libgomp.so.1", RTLD_LAZY | RTLD_NOLOAD);
    if (!gomp)
        return; /* loaded later: it will see the variable */
    dlclose(gomp);
    fflush(NULL);
    execv("/proc/self/exe", argv);
    /* could not re-execute: go on with the spinning default */
}
