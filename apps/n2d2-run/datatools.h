/* Seeing the data (issue 5 part 5): the frames/ folder, -pre-samples N and
 * -log-db-stats. */
#ifndef N2D2_RUN_DATATOOLS_H
#define N2D2_RUN_DATATOOLS_H

#include "options.h"
#include "session.h"

/* 1 when the command line asks for something done here (so a run without
 * -learn/-test still has something to do). */
int datatools_wanted(const run_options *opt);

/* After session_open: frames/ always, then -pre-samples and -log-db-stats
 * when asked. */
n2d2_status datatools_run(run_session *s);

#endif
