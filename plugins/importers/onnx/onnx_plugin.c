/* n2d2-importer-onnx: `Type=ONNX` sections (manual 7.2, checklist §3.2). */
#include "onnx_internal.h"

n2d2_status ox_expand(n2d2_import *imp, const n2d2_params *params);

static const n2d2_param_spec onnx_params[] = {
    {"File", N2D2_PARAM_STRING, NULL, NULL, 0, 0, N2D2_PARAM_REQUIRED,
     "the .onnx file (relative: to the working directory, else to the INI file)"},
    {"Ignore", N2D2_PARAM_STRING, "", NULL, 0, 0, 0,
     "space-separated ONNX nodes to skip, by their first output name"},
    {"IgnoreInputSize", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0,
     "use the stimuli provider's size instead of the model's input size"},
    {"Transpose", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0,
     "swap the first two dimensions of the whole graph (not implemented yet)"},
    {"ONNX_init", N2D2_PARAM_BOOL, "1", NULL, 0, 0, 0,
     "take the initial parameters from the ONNX file (0: the cells' fillers)"},
};

static const n2d2_importer_ops onnx_ops = {sizeof(n2d2_importer_ops), ox_expand, {0, 0, 0, 0}};

static const n2d2_feature onnx_feature = {
    sizeof(n2d2_feature), N2D2_KIND_IMPORTER, "ONNX", NULL,
    "ONNX model imported as cells (opsets 7 to 17)", onnx_params,
    sizeof onnx_params / sizeof onnx_params[0], &onnx_ops, 0, {0, 0, 0, 0}};

static n2d2_status register_onnx(n2d2_registry *reg) { return n2d2_registry_add(reg, &onnx_feature); }

N2D2_PLUGIN_DEFINE(importer_onnx, "1.0.0", "CECILL-C", "ONNX model import (Type=ONNX)", register_onnx,
                   NULL)
