/* Runs one filter transformation on values read from stdin and prints the
 * result, for check_numpy.py:
 *   transforms_filters_dump TYPE 'Key=v;Key=v' DTYPE C H W < values
 * prints "C H W" then one value per line. Not a test by itself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "n2d2/n2d2.h"

N2D2_STATIC_PLUGIN_DECLARE(transforms_filters);

static int fail(const char *what)
{
    fprintf(stderr, "%s: %s\n", what, n2d2_error_message());
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: %s TYPE 'Key=v;...' DTYPE C H W < values\n", argv[0]);
        return 2;
    }
    n2d2_dtype dt;
    if (!n2d2_dtype_from_name(argv[3], &dt)) {
        fprintf(stderr, "unknown type %s\n", argv[3]);
        return 2;
    }
    size_t dims[3] = {strtoul(argv[4], NULL, 10), strtoul(argv[5], NULL, 10),
                      strtoul(argv[6], NULL, 10)};
    static const n2d2_static_plugin table[] = {N2D2_STATIC_PLUGIN(transforms_filters)};
    n2d2_registry *reg;
    n2d2_loader *loader;
    if (n2d2_registry_new(&reg) || n2d2_loader_new(reg, &loader) ||
        n2d2_loader_preload(loader, table, 1))
        return fail("plugin");
    const n2d2_feature *f = n2d2_registry_find(reg, N2D2_KIND_TRANSFORM, argv[1], NULL);
    if (!f)
        return fail(argv[1]);
    char text[4096];
    snprintf(text, sizeof text, "[t]\n%s\n", argv[2]);
    for (char *c = text; *c; ++c)
        if (*c == ';')
            *c = '\n';
    n2d2_ini *ini;
    n2d2_params *params;
    void *state;
    if (n2d2_ini_load_string(text, strlen(text), "dump.ini", &ini))
        return fail("ini");
    n2d2_ini_section *sec = n2d2_ini_find(ini, "t");
    const n2d2_transform_ops *ops = f->ops;
    if (n2d2_params_from_ini(ini, &sec, 1, NULL, 0, f->params, f->n_params, &params) ||
        ops->create(params, &state))
        return fail("create");
    n2d2_tensor *x, *labels = NULL;
    if (n2d2_tensor_new(dt, 3, dims, &x))
        return fail("tensor");
    for (size_t i = 0; i < dims[0] * dims[1] * dims[2]; ++i) {
        double v;
        if (scanf("%lf", &v) != 1) {
            fprintf(stderr, "expected %zu values\n", dims[0] * dims[1] * dims[2]);
            return 2;
        }
        n2d2_tensor_set(x, i, v);
    }
    int label = 0;
    n2d2_rng rng;
    n2d2_rng_seed(&rng, 1, N2D2_RNG_AUGMENT);
    if (ops->apply(state, &x, &labels, &label, N2D2_SET_LEARN, &rng))
        return fail("apply");
    printf("%zu %zu %zu\n", n2d2_tensor_dim(x, 0), n2d2_tensor_dim(x, 1), n2d2_tensor_dim(x, 2));
    for (size_t i = 0; i < n2d2_tensor_numel(x); ++i)
        printf("%.17g\n", n2d2_tensor_get(x, i));
    n2d2_tensor_release(x);
    ops->destroy(state);
    n2d2_params_free(params);
    n2d2_ini_free(ini);
    n2d2_loader_free(loader);
    n2d2_registry_free(reg);
    return 0;
}
