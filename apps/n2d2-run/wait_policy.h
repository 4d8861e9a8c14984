/* OpenMP wait policy of n2d2-run (see wait_policy.c). */
#ifndef N2D2_RUN_WAIT_POLICY_H
#define N2D2_RUN_WAIT_POLICY_H

/* Makes idle OpenMP threads sleep (OMP_WAIT_POLICY=passive) unless the user
 * chose a policy; call first in main. May re-execute the program. */
void run_default_wait_policy(char **argv);

#endif
