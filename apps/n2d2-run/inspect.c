/* Human-readable views of the registry and of a built network. */
#include "inspect.h"

#include <stdio.h>
#include <string.h>

static const char *state_name(n2d2_plugin_state state)
{
    switch (state) {
    case N2D2_PLUGIN_LOADED: return "loaded";
    case N2D2_PLUGIN_SKIPPED: return "skipped";
    default: return "refused";
    }
}

static const n2d2_plugin_info *plugin_named(const n2d2_loader *loader, const char *name)
{
    for (size_t i = 0; i < n2d2_loader_plugin_count(loader); ++i) {
        const n2d2_plugin_info *info = n2d2_loader_plugin_at(loader, i);
        if (strcmp(info->name, name) == 0 && info->state == N2D2_PLUGIN_LOADED)
            return info;
    }
    return NULL;
}

void inspect_list_plugins(const n2d2_loader *loader, const n2d2_registry *reg)
{
    size_t n = n2d2_loader_plugin_count(loader);
    printf("plugin search path:");
    for (size_t i = 0; i < n2d2_loader_path_count(loader); ++i)
        printf(" %s", n2d2_loader_path_at(loader, i));
    printf("\n%zu plugin(s)\n", n);
    for (size_t i = 0; i < n; ++i) {
        const n2d2_plugin_info *info = n2d2_loader_plugin_at(loader, i);
        printf("\n%s %s [%s] licence %s, ABI %d.%d\n  file: %s\n", info->name,
               info->version ? info->version : "?", state_name(info->state),
               info->license ? info->license : "?", info->abi_version / 1000,
               info->abi_version % 1000, info->file);
        if (info->description && info->description[0])
            printf("  %s\n", info->description);
        if (info->state != N2D2_PLUGIN_LOADED) {
            printf("  reason: %s\n", info->message);
            continue;
        }
        for (size_t f = 0; f < n2d2_registry_count(reg); ++f) {
            const char *origin = n2d2_registry_origin_plugin(reg, f);
            if (!origin || strcmp(origin, info->name) != 0)
                continue;
            const n2d2_feature *feat = n2d2_registry_at(reg, f);
            printf("  %-14s %-32s %-12s %s\n", n2d2_kind_name(feat->kind), feat->name,
                   feat->model && feat->model[0] ? feat->model : "-", feat->help ? feat->help : "");
        }
    }
}

static void print_schema(const n2d2_feature *feat)
{
    if (feat->n_params == 0) {
        printf("  (no parameters)\n");
        return;
    }
    printf("  %-28s %-7s %-14s %s\n", "parameter", "type", "default", "description");
    for (size_t i = 0; i < feat->n_params; ++i) {
        const n2d2_param_spec *p = &feat->params[i];
        char def[64];
        snprintf(def, sizeof def, "%s",
                 p->default_value ? (p->default_value[0] ? p->default_value : "\"\"")
                                  : (p->flags & N2D2_PARAM_REQUIRED) ? "(required)" : "-");
        printf("  %-28s %-7s %-14s %s", p->name, n2d2_param_type_name(p->type), def, p->help ? p->help : "");
        if (p->allowed)
            printf(" [%s]", p->allowed);
        if (p->flags & N2D2_PARAM_RANGE)
            printf(" [range %g..%g]", p->min, p->max);
        printf("\n");
    }
}

int inspect_describe(const n2d2_loader *loader, const n2d2_registry *reg, const char *type)
{
    int found = 0;
    for (size_t f = 0; f < n2d2_registry_count(reg); ++f) {
        const n2d2_feature *feat = n2d2_registry_at(reg, f);
        if (strcmp(feat->name, type) != 0)
            continue;
        const char *plugin = n2d2_registry_origin_plugin(reg, f);
        const n2d2_plugin_info *info = plugin ? plugin_named(loader, plugin) : NULL;
        printf("%s%s (%s%s%s)\n  %s\n", found ? "\n" : "", feat->name, n2d2_kind_name(feat->kind),
               feat->model && feat->model[0] ? ", model " : "", feat->model ? feat->model : "",
               feat->help ? feat->help : "");
        printf("  plugin: %s %s, licence %s, ABI %d.%d\n  file: %s\n", plugin ? plugin : "?",
               info && info->version ? info->version : "?", info && info->license ? info->license : "?",
               info ? info->abi_version / 1000 : 0, info ? info->abi_version % 1000 : 0,
               n2d2_registry_origin_file(reg, f));
        print_schema(feat);
        found = 1;
    }
    if (found)
        return 0;
    /* Not found under any kind: the registry's did-you-mean for cells. */
    const n2d2_feature *unused;
    n2d2_registry_resolve(reg, N2D2_KIND_CELL, type, NULL, "--describe", &unused);
    fprintf(stderr, "error: %s\n", n2d2_error_message());
    return 1;
}

static void format_count(uint64_t v, char *buf, size_t size)
{
    if (v >= 1000000000ull)
        snprintf(buf, size, "%.2fG", (double)v / 1e9);
    else if (v >= 1000000ull)
        snprintf(buf, size, "%.2fM", (double)v / 1e6);
    else if (v >= 10000ull)
        snprintf(buf, size, "%.1fk", (double)v / 1e3);
    else
        snprintf(buf, size, "%llu", (unsigned long long)v);
}

void inspect_dry_run(const n2d2_graph *g)
{
    char dims[128];
    const n2d2_shape *in = n2d2_graph_input_shape(g);
    printf("input [%s]: %s (CxHxW), batch %zu, default model %s, %s\n", n2d2_graph_input_section(g),
           n2d2_shape_str(in->dims, in->ndim, dims, sizeof dims), n2d2_graph_batch_size(g),
           n2d2_graph_default_model(g), n2d2_dtype_name(n2d2_graph_default_dtype(g)));
    printf("%-24s %-14s %-10s %-18s %12s %14s\n", "cell", "type", "model", "output (CxHxW)", "params",
           "MACs/input");
    uint64_t total_params = 0, total_macs = 0;
    for (size_t i = 0; i < n2d2_graph_cell_count(g); ++i) {
        n2d2_cell *cell = n2d2_graph_cell_at(g, i);
        const n2d2_shape *out = n2d2_cell_output_shape(cell);
        uint64_t params = n2d2_graph_cell_param_total(g, i), macs = n2d2_graph_cell_macs(g, i);
        total_params += params;
        total_macs += macs;
        printf("%-24s %-14s %-10s %-18s %12llu %14llu\n", n2d2_cell_name(cell), n2d2_cell_type(cell),
               n2d2_cell_model(cell), n2d2_shape_str(out->dims, out->ndim, dims, sizeof dims),
               (unsigned long long)params, (unsigned long long)macs);
    }
    char p[32], m[32];
    format_count(total_params, p, sizeof p);
    format_count(total_macs, m, sizeof m);
    printf("total: %zu cells, %llu parameters (%s), %llu MACs per input (%s)\n",
           n2d2_graph_cell_count(g), (unsigned long long)total_params, p,
           (unsigned long long)total_macs, m);
    printf("outputs:");
    for (size_t i = 0; i < n2d2_graph_output_count(g); ++i)
        printf(" %s", n2d2_cell_name(n2d2_graph_output_at(g, i)));
    printf("\n");
}
