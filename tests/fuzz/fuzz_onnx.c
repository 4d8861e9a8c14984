/* libFuzzer target for the ONNX importer (plugins/importers/onnx): any byte
 * string given as File= must import or fail with a message, never crash.
 * Only the importer is registered, so a model that imports stops at the
 * first cell type (unknown): the whole import runs, no layer computes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "n2d2/n2d2.h"

N2D2_STATIC_PLUGIN_DECLARE(importer_onnx);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static n2d2_registry *reg;
static n2d2_loader *loader;
static char path[64], ini_text[256];

static void init(void)
{
    static const n2d2_static_plugin table[] = {N2D2_STATIC_PLUGIN(importer_onnx)};
    if (n2d2_registry_new(&reg) != N2D2_OK || n2d2_loader_new(reg, &loader) != N2D2_OK ||
        n2d2_loader_preload(loader, table, 1) != N2D2_OK)
        __builtin_trap();
    snprintf(path, sizeof path, "/tmp/fuzz_onnx_%ld.onnx", (long)getpid());
    snprintf(ini_text, sizeof ini_text,
             "[sp]\nSize=4 4 1\nBatchSize=2\n[onnx]\nInput=sp\nType=ONNX\nFile=%s\n"
             "[after]\nInput=onnx\nType=Fc\nNbOutputs=2\n", path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!reg)
        init();
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        __builtin_trap();
    n2d2_ini *ini;
    if (n2d2_ini_load_string(ini_text, strlen(ini_text), "fuzz.ini", &ini) != N2D2_OK)
        __builtin_trap();
    n2d2_graph *g = NULL;
    n2d2_graph_options opt = N2D2_GRAPH_OPTIONS_INIT;
    opt.seed = 1;
    n2d2_status st = n2d2_graph_build(ini, reg, &opt, &g);
    if (st != N2D2_OK && n2d2_error_message()[0] == '\0')
        __builtin_trap(); /* every failure says why */
    n2d2_graph_free(g);
    n2d2_ini_free(ini);
    n2d2_error_clear();
    return 0;
}
