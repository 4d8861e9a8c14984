/* The state shared by the KITTI drivers of n2d2-db-kitti.so (kitti.c:
 * object, tracking and registration; kitti_road.c: the road benchmark).
 * Internal to the plugin. */
#ifndef N2D2_DB_KITTI_DB_H
#define N2D2_DB_KITTI_DB_H

#include <stddef.h>
#include "kitti_label.h"
#include "n2d2/n2d2.h"

typedef struct frame {
    char *path;
    char *gt;   /* KITTI_Road: the ground-truth image, NULL for test images */
    kitti_object *objects;
    size_t n_objects, cap_objects;
    int test; /* 1: test set, no partition */
} frame;

typedef struct kitti {
    const n2d2_params *params;
    const char *type;
    int road; /* KITTI_Road_Database */
    char default_label[256]; /* road: the [database] DefaultLabel, read at load time */
    frame *frames;
    size_t n, cap;
} kitti;

/* Append a stimulus (a copy of `path`); NULL when out of memory. */
frame *kitti_new_frame(kitti *k, const char *path, int test);
/* The pending error again, located at path key `key` of the section. */
n2d2_status kitti_list_error(kitti *k, const char *key, n2d2_status st);
/* The unlabelled test images: the .png files of `dir` (a warning and no
 * test set when it is missing). */
n2d2_status kitti_add_test_images(kitti *k, const char *dir);

/* KITTI_Road_Database (kitti_road.c). */
extern const n2d2_param_spec kitti_road_params[];
extern const size_t kitti_road_n_params;
n2d2_status kitti_road_scan(kitti *k);
n2d2_status kitti_road_labels(const kitti *k, const n2d2_database *db, const frame *f,
                              const n2d2_tensor *image, n2d2_tensor **out);

#endif
