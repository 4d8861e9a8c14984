/* n2d2-solvers.so: the Frame (CPU) solvers of manual chapter 22.3. */
#include "solver_util.h"

static n2d2_status register_solvers(n2d2_registry *reg)
{
    n2d2_status st = n2d2_registry_add(reg, &n2d2_solver_sgd_feature);
    if (st == N2D2_OK)
        st = n2d2_registry_add(reg, &n2d2_solver_adam_feature);
    return st;
}

N2D2_PLUGIN_DEFINE(solvers, "1.0.0", "CECILL-C", "Frame solvers: SGD, Adam", register_solvers, NULL)
