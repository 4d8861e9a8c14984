/* Internals shared by database.c and database_roi.c. Not installed. */
#ifndef N2D2_DATABASE_INTERNAL_H
#define N2D2_DATABASE_INTERNAL_H

#include "n2d2/database.h"

struct n2d2_db_rois;
/* The catalogue's ROI store (NULL until the first ROI is added). */
struct n2d2_db_rois **n2d2_db_rois_slot(n2d2_database *db);
void n2d2_db_rois_free(struct n2d2_db_rois *r);
/* After n2d2_database_sort_labels: label id l becomes new_id[l]. */
void n2d2_db_rois_relabel(struct n2d2_db_rois *r, const int *new_id);

#endif
