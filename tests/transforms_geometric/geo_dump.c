/* Test helper for the torch reference check (check_torch.py): applies one
 * transformation of n2d2-transforms-geometric to a Float64 image read from
 * stdin ("C H W" then the values) and prints the result the same way.
 * Usage: geo_dump <Type> <seed> [Key=value]... */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "n2d2/n2d2.h"

N2D2_STATIC_PLUGIN_DECLARE(transforms_geometric);

static int fail(const char *what)
{
    fprintf(stderr, "geo_dump: %s: %s\n", what, n2d2_error_message());
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: geo_dump <Type> <seed> [Key=value]...\n");
        return 2;
    }
    static const n2d2_static_plugin table[] = {N2D2_STATIC_PLUGIN(transforms_geometric)};
    n2d2_registry *reg;
    n2d2_loader *loader;
    if (n2d2_registry_new(&reg) != N2D2_OK || n2d2_loader_new(reg, &loader) != N2D2_OK ||
        n2d2_loader_preload(loader, table, 1) != N2D2_OK)
        return fail("loading the plugin");
    const n2d2_feature *f = n2d2_registry_find(reg, N2D2_KIND_TRANSFORM, argv[1], NULL);
    if (!f)
        return fail(argv[1]);
    char text[4096] = "[t]\n";
    for (int i = 3; i < argc; ++i) {
        strncat(text, argv[i], sizeof text - strlen(text) - 2);
        strcat(text, "\n");
    }
    n2d2_ini *ini;
    n2d2_params *params;
    void *state;
    if (n2d2_ini_load_string(text, strlen(text), "args", &ini) != N2D2_OK)
        return fail("keys");
    n2d2_ini_section *sec = n2d2_ini_find(ini, "t");
    if (n2d2_params_from_ini(ini, &sec, 1, NULL, 0, f->params, f->n_params, &params) != N2D2_OK ||
        ((const n2d2_transform_ops *)f->ops)->create(params, &state) != N2D2_OK)
        return fail("keys");
    size_t dims[3];
    if (scanf("%zu %zu %zu", &dims[0], &dims[1], &dims[2]) != 3)
        return 2;
    n2d2_tensor *x;
    if (n2d2_tensor_new(N2D2_FLOAT64, 3, dims, &x) != N2D2_OK)
        return fail("tensor");
    double *v = n2d2_tensor_data(x);
    for (size_t i = 0; i < n2d2_tensor_numel(x); ++i)
        if (scanf("%lf", &v[i]) != 1)
            return 2;
    n2d2_rng rng;
    n2d2_rng_seed(&rng, strtoull(argv[2], NULL, 10), N2D2_RNG_AUGMENT);
    n2d2_tensor *labels = NULL;
    int label = 0;
    const n2d2_transform_ops *ops = f->ops;
    if (ops->apply(state, &x, &labels, &label, N2D2_SET_LEARN, &rng) != N2D2_OK)
        return fail("apply");
    printf("%zu %zu %zu\n", n2d2_tensor_dim(x, 0), n2d2_tensor_dim(x, 1), n2d2_tensor_dim(x, 2));
    const double *o = n2d2_tensor_cdata(x);
    for (size_t i = 0; i < n2d2_tensor_numel(x); ++i)
        printf("%.17g\n", o[i]);
    n2d2_tensor_release(x);
    ops->destroy(state);
    n2d2_params_free(params);
    n2d2_ini_free(ini);
    n2d2_loader_free(loader);
    n2d2_registry_free(reg);
    return 0;
}
