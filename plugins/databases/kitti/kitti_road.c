/* KITTI_Road_Database (manual 19.6.15): the images of the road benchmark
 * with their ground-truth colour images, read as pixel-wise labels (see
 * kitti.c for the layout). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbmore.h"
#include "image_io.h"
#include "kitti_db.h"

const n2d2_param_spec kitti_road_params[] = {
    {"Learn", N2D2_PARAM_FLOAT, "0.8", NULL, 0.0, 1.0, N2D2_PARAM_RANGE,
     "fraction of the training images used for learning"},
    {"Validation", N2D2_PARAM_FLOAT, "0.2", NULL, 0.0, 1.0, N2D2_PARAM_RANGE,
     "fraction of the training images used for validation"},
    {"DataPath", N2D2_PARAM_STRING, "$N2D2_DATA/KITTI/data_road/training/image_2", NULL, 0, 0,
     0, "training images (<cat>_<id>.png); the test images are in ../../testing/image_2"},
    {"LabelPath", N2D2_PARAM_STRING, "$N2D2_DATA/KITTI/data_road/training/gt_image_2", NULL, 0,
     0, 0, "ground-truth images (<cat>_road_<id>.png)"},
};
const size_t kitti_road_n_params = sizeof kitti_road_params / sizeof kitti_road_params[0];

n2d2_status kitti_road_scan(kitti *k)
{
    /* read once here: `read` runs on several threads */
    const char *def = n2d2_params_string(k->params, "DefaultLabel");
    snprintf(k->default_label, sizeof k->default_label, "%s", def ? def : "");
    char data[4096], labels[4096], path[8800], gt[8800];
    dbm_path(k->params, "DataPath", data, sizeof data);
    dbm_path(k->params, "LabelPath", labels, sizeof labels);
    char **files;
    size_t n;
    n2d2_status st = dbm_list(data, 'f', "png", &files, &n);
    if (st != N2D2_OK)
        return kitti_list_error(k, "DataPath", st);
    if (n == 0)
        st = dbm_path_error(k->params, "DataPath", N2D2_ERR_NOT_FOUND, k->type,
                            "no .png image in %s", data);
    for (size_t i = 0; i < n && st == N2D2_OK; ++i) {
        /* um_000012.png -> um_road_000012.png */
        const char *us = strchr(files[i], '_');
        if (!us) {
            st = dbm_path_error(k->params, "DataPath", N2D2_ERR_PARSE, k->type,
                                "%s/%s: not a <category>_<id>.png name", data, files[i]);
            break;
        }
        snprintf(gt, sizeof gt, "%s/%.*s_road%s", labels, (int)(us - files[i]), files[i], us);
        if (!dbm_is_file(gt)) {
            st = dbm_path_error(k->params, "LabelPath", N2D2_ERR_NOT_FOUND, k->type,
                                "the ground truth of %s/%s is missing: %s", data, files[i], gt);
            break;
        }
        snprintf(path, sizeof path, "%s/%s", data, files[i]);
        frame *f = kitti_new_frame(k, path, 0);
        if (!f || (f->gt = malloc(strlen(gt) + 1)) == NULL) {
            st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
            break;
        }
        memcpy(f->gt, gt, strlen(gt) + 1);
    }
    dbm_list_free(files, n);
    if (st != N2D2_OK)
        return st;
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/../../testing/image_2", data);
    return kitti_add_test_images(k, dir);
}

/* The pixel-wise labels of a ground-truth image (BGR): magenta (road) ->
 * "Road", red (not road) -> the DefaultLabel when the provider defined
 * one, anything else -> -1. */
n2d2_status kitti_road_labels(const kitti *k, const n2d2_database *db, const frame *f,
                              const n2d2_tensor *image, n2d2_tensor **out)
{
    n2d2_tensor *gt = NULL;
    n2d2_status st = n2d2_dbimg_read(f->gt, &gt);
    if (st != N2D2_OK)
        return st;
    size_t h = n2d2_tensor_dim(image, 1), w = n2d2_tensor_dim(image, 2);
    if (n2d2_tensor_dtype(gt) != N2D2_UINT8 || n2d2_tensor_dim(gt, 0) != 3 ||
        n2d2_tensor_dim(gt, 1) != h || n2d2_tensor_dim(gt, 2) != w) {
        n2d2_tensor_release(gt);
        return n2d2_error(N2D2_ERR_SHAPE, "%s: %s: the ground truth is not an 8-bit colour image "
                          "of the size of %s (%zux%zu)", k->type, f->gt, f->path, w, h);
    }
    int road = n2d2_database_label_id(db, "Road");
    int other = k->default_label[0] ? n2d2_database_label_id(db, k->default_label) : -1;
    size_t dims[3] = {1, h, w};
    st = n2d2_tensor_new(N2D2_INT32, 3, dims, out);
    if (st == N2D2_OK) {
        const unsigned char *px = n2d2_tensor_data(gt);
        int32_t *m = n2d2_tensor_data(*out);
        size_t plane = h * w;
        for (size_t i = 0; i < plane; ++i) {
            unsigned b = px[i], r = px[2 * plane + i];
            m[i] = b == 255 && r == 255 ? road : b == 0 && r == 255 ? other : -1;
        }
    }
    n2d2_tensor_release(gt);
    return st;
}
