/* n2d2-export-onnx: `-export ONNX` (manual ch. 16), float32 graphs of the
 * Frame cells with their weights, opset 13. Integer (quantized) exports,
 * which need calibration, are not implemented yet. */
#include <stdio.h>
#include <string.h>

#include "onnx_export.h"

static n2d2_status onnx_export_run(void *state, const n2d2_graph *graph,
                                   const n2d2_export_options *options, const char *out_dir)
{
    (void)state;
    int bits = options ? options->nb_bits : -32;
    if (bits != -32)
        return n2d2_error(N2D2_ERR_NOT_IMPLEMENTED,
                          "-export ONNX with -nbbits %d is not implemented yet: only float32 "
                          "graphs are exported (-nbbits -32)",
                          bits);
    char path[4096];
    if (snprintf(path, sizeof path, "%s/model.onnx", out_dir) >= (int)sizeof path)
        return n2d2_error(N2D2_ERR_IO, "%s: path too long", out_dir);
    /* the graph is named after the model file, as the run folder is */
    char name[256] = "n2d2";
    if (options && options->model) {
        const char *base = strrchr(options->model, '/');
        snprintf(name, sizeof name, "%s", base ? base + 1 : options->model);
        char *dot = strrchr(name, '.');
        if (dot && dot != name)
            *dot = '\0';
    }
    n2d2_status st = ox_export_graph(graph, path, name);
    if (st == N2D2_OK)
        n2d2_log_info("ONNX model written to %s", path);
    return st;
}

static const n2d2_export_ops onnx_export_ops = {
    .struct_size = sizeof(n2d2_export_ops),
    .run = onnx_export_run,
};

static const n2d2_feature onnx_export_feature = {
    .struct_size = sizeof(n2d2_feature),
    .kind = N2D2_KIND_EXPORT,
    .name = "ONNX",
    .help = "float32 ONNX model (opset 13) of the network and its weights: model.onnx",
    .ops = &onnx_export_ops,
};

static n2d2_status register_features(n2d2_registry *reg)
{
    return n2d2_registry_add(reg, &onnx_export_feature);
}

N2D2_PLUGIN_DEFINE(export_onnx, "1.0.0", "CECILL-C", "ONNX export (-export ONNX)",
                   register_features, NULL)
