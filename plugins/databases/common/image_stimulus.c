/* Reading a stimulus of an image database by its stored file name: the
 * `read` operation of the drivers whose stimuli are image files named by
 * their path (no cache, no pixel-wise labels). */
#include "image_io.h"

#include "n2d2/n2d2.h"

n2d2_status n2d2_dbimg_read_stimulus(const n2d2_database *db, size_t index, const char *type,
                                     n2d2_tensor **data, n2d2_tensor **labels)
{
    *data = NULL;
    if (labels)
        *labels = NULL;
    const char *path = n2d2_database_stimulus_name(db, index);
    if (!path)
        return n2d2_error(N2D2_ERR_INVAL, "%s: no stimulus %zu", type, index);
    return n2d2_dbimg_read(path, data);
}
