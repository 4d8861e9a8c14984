/* Conformance of every registered cell: each Frame cell type found in the
 * plugin path is built on small shapes (odd sizes, batch 1 and 3, stride >
 * kernel, padding...) in Float64 and its backward pass is compared with
 * central finite differences through n2d2_graph_check_gradients. A cell
 * type without an entry in the table below fails the suite, so a new cell
 * plugin cannot land untested. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "n2d2/n2d2.h"
#include "check_run.h"

typedef struct cell_case {
    const char *type;
    const char *input;  /* [sp] keys */
    const char *cell;   /* keys of the cell under test (Input=sp added) */
    const char *extra;  /* further sections (e.g. a second input), or "" */
    const char *inputs; /* Input= of the cell under test */
} cell_case;

static const cell_case cases[] = {
    {"Conv", "SizeX=7\nSizeY=5\nNbChannels=2", "NbOutputs=3\nKernelSize=3", "", "sp"},
    {"Conv", "SizeX=8\nSizeY=7\nNbChannels=3", "NbOutputs=2\nKernelWidth=2\nKernelHeight=3\nStride=3\nPadding=1", "", "sp"},
    {"Conv", "SizeX=9\nSizeY=9\nNbChannels=4", "NbOutputs=4\nKernelSize=3\nDilation=2\nMapping.NbGroups=2", "", "sp"},
    {"Conv", "SizeX=6\nSizeY=6\nNbChannels=2", "NbOutputs=2\nKernelSize=3\nMapping.ChannelsPerGroup=1\nNoBias=1", "", "sp"},
    {"Pool", "SizeX=7\nSizeY=5\nNbChannels=2", "NbOutputs=2\nPoolSize=2\nStride=2\nPooling=Max\nMapping.Size=1", "", "sp"},
    {"Pool", "SizeX=7\nSizeY=7\nNbChannels=3", "NbOutputs=3\nPoolSize=3\nStride=2\nPadding=1\nPooling=Average\nMapping.Size=1", "", "sp"},
    {"Pool", "SizeX=9\nSizeY=8\nNbChannels=2", "NbOutputs=2\nPoolSize=2\nStride=3\nPooling=Max\nMapping.Size=1", "", "sp"},
    /* 3-D inputs {C, D, H, W}: the stimuli are {C, H, W}, reshaped */
    {"Conv", "SizeX=5\nSizeY=4\nNbChannels=6",
     "NbOutputs=3\nKernelDims=2 3 2\nStrideDims=2 1 1\nPaddingDims=1 0 1",
     "[vol]\nInput=sp\nType=Reshape\nDims=5 4 3 2\n", "vol"},
    {"Conv", "SizeX=7\nSizeY=5\nNbChannels=10",
     "NbOutputs=4\nKernelSize=2\nKernelDepth=3\nStride=3\nPadding=1\nMapping.NbGroups=2",
     "[vol]\nInput=sp\nType=Reshape\nDims=7 5 5 2\n", "vol"},
    {"Pool", "SizeX=5\nSizeY=5\nNbChannels=6",
     "NbOutputs=2\nPoolDims=2 2 3\nStrideDims=2 2 1\nPooling=Max\nMapping.Size=1",
     "[vol]\nInput=sp\nType=Reshape\nDims=5 5 3 2\n", "vol"},
    {"Pool", "SizeX=5\nSizeY=4\nNbChannels=8",
     "NbOutputs=2\nPoolSize=3\nStride=2\nPadding=1\nPooling=Average\nMapping.Size=1",
     "[vol]\nInput=sp\nType=Reshape\nDims=5 4 4 2\n", "vol"},
    {"Fc", "SizeX=3\nSizeY=5\nNbChannels=2", "NbOutputs=4", "", "sp"},
    {"Fc", "SizeX=1\nSizeY=1\nNbChannels=7", "NbOutputs=3\nNoBias=1", "", "sp"},
    {"Softmax", "SizeX=1\nSizeY=1\nNbChannels=5", "NbOutputs=5", "", "sp"},
    {"Softmax", "SizeX=3\nSizeY=2\nNbChannels=4", "NbOutputs=4\nWithLoss=1", "", "sp"},
    {"Dropout", "SizeX=4\nSizeY=3\nNbChannels=2", "NbOutputs=2\nDropout=0.3", "", "sp"},
    {"BatchNorm", "SizeX=5\nSizeY=3\nNbChannels=3", "NbOutputs=3", "", "sp"},
    {"BatchNorm", "SizeX=1\nSizeY=1\nNbChannels=4", "MovingAverageMomentum=0\nEpsilon=0.1", "", "sp"},
    {"Padding", "SizeX=5\nSizeY=4\nNbChannels=2",
     "NbOutputs=2\nTopPadding=1\nBottomPadding=-1\nLeftPadding=2\nRightPadding=-2", "", "sp"},
    {"Activation", "SizeX=3\nSizeY=2\nNbChannels=2", "ActivationFunction=Tanh", "", "sp"},
    {"Scaling", "SizeX=3\nSizeY=2\nNbChannels=2", "Scaling=2 -0.5", "", "sp"},
    {"Reshape", "SizeX=4\nSizeY=3\nNbChannels=2", "Dims=6 -1", "", "sp"},
    {"Transpose", "SizeX=4\nSizeY=3\nNbChannels=2", "Perm=2 0 1", "", "sp"},
    /* ElemWise receives its inputs separately (N2D2_CELL_MULTI_INPUT) */
    {"ElemWise", "SizeX=4\nSizeY=3\nNbChannels=2", "NbOutputs=2\nWeights=0.5 -1\nShifts=0.1 0",
     "[side]\nInput=sp\nType=Conv\nNbOutputs=2\nKernelSize=1\n", "side,sp"},
    {"ElemWise", "SizeX=4\nSizeY=3\nNbChannels=2", "NbOutputs=2\nOperation=AbsSum\nWeights=2 1",
     "[side]\nInput=sp\nType=Conv\nNbOutputs=2\nKernelSize=1\n", "side,sp"},
    {"ElemWise", "SizeX=4\nSizeY=3\nNbChannels=2", "NbOutputs=2\nOperation=EuclideanSum\nShifts=0.5 0",
     "[side]\nInput=sp\nType=Conv\nNbOutputs=2\nKernelSize=1\n", "side,sp"},
    {"ElemWise", "SizeX=4\nSizeY=3\nNbChannels=2", "NbOutputs=2\nOperation=Prod",
     "[side]\nInput=sp\nType=Conv\nNbOutputs=2\nKernelSize=1\n", "side,sp,side"},
    {"ElemWise", "SizeX=4\nSizeY=3\nNbChannels=2", "NbOutputs=2\nOperation=Max",
     "[side]\nInput=sp\nType=Conv\nNbOutputs=2\nKernelSize=1\n", "side,sp"},
    /* several inputs concatenated on channels by the kernel */
    {"Conv", "SizeX=5\nSizeY=5\nNbChannels=1",
     "NbOutputs=2\nKernelSize=3\nPadding=1",
     "[side]\nInput=sp\nType=Conv\nNbOutputs=2\nKernelSize=1\n", "side,sp"},
    /* second part of the catalogue */
    {"Deconv", "SizeX=4\nSizeY=3\nNbChannels=2", "NbOutputs=3\nKernelSize=3\nStride=2\nPadding=1", "", "sp"},
    {"Deconv", "SizeX=3\nSizeY=3\nNbChannels=4",
     "NbOutputs=4\nKernelWidth=2\nKernelHeight=3\nMapping.NbGroups=2\nNoBias=1", "", "sp"},
    /* max unpooling: the pool's input is the second input */
    {"Unpool", "SizeX=7\nSizeY=5\nNbChannels=2", "NbOutputs=2\nPoolSize=2\nStride=2\nMapping.Size=1\nArgMax=p",
     "[p]\nInput=sp\nType=Pool\nPoolSize=2\nStride=2\nNbOutputs=2\nMapping.Size=1\n", "p,sp"},
    {"Unpool", "SizeX=3\nSizeY=2\nNbChannels=2", "NbOutputs=3\nPoolSize=3\nStride=2\nPadding=1\nPooling=Average",
     "", "sp"},
    /* the activation these two declare is applied by the kernel */
    {"Deconv", "SizeX=3\nSizeY=2\nNbChannels=2", "NbOutputs=2\nKernelSize=2\nActivationFunction=Tanh", "", "sp"},
    {"Unpool", "SizeX=3\nSizeY=2\nNbChannels=2", "NbOutputs=2\nPoolSize=2\nPooling=Average\nActivationFunction=Tanh",
     "", "sp"},
    {"Resize", "SizeX=3\nSizeY=4\nNbChannels=2", "NbOutputs=2\nOutputWidth=5\nOutputHeight=3\nMode=Bilinear", "",
     "sp"},
    {"Resize", "SizeX=4\nSizeY=3\nNbChannels=1", "NbOutputs=1\nOutputWidth=7\nOutputHeight=2\nMode=BilinearTF", "",
     "sp"},
    {"Resize", "SizeX=5\nSizeY=3\nNbChannels=2",
     "NbOutputs=2\nOutputWidth=3\nOutputHeight=4\nMode=NearestNeighbor", "", "sp"},
    {"LRN", "SizeX=3\nSizeY=2\nNbChannels=5", "NbOutputs=5\nN=3\nAlpha=0.5", "", "sp"},
    {"Normalize", "SizeX=3\nSizeY=2\nNbChannels=3", "NbOutputs=3\nNorm=L2", "", "sp"},
    {"Normalize", "SizeX=2\nSizeY=2\nNbChannels=4", "NbOutputs=4\nNorm=L1", "", "sp"},
    {"Threshold", "SizeX=3\nSizeY=2\nNbChannels=2", "NbOutputs=2\nThreshold=0.1\nOperation=Truncate", "", "sp"},
    {"Threshold", "SizeX=3\nSizeY=2\nNbChannels=2", "NbOutputs=2\nThreshold=-0.2\nOperation=ToZero", "", "sp"},
    {"Rbf", "SizeX=3\nSizeY=2\nNbChannels=2", "NbOutputs=3\nScalingFiller.Mean=0.3\nCentersFiller.Mean=0", "",
     "sp"},
    /* random regions / dropout: the check replays the cells' random streams */
    {"FMP", "SizeX=7\nSizeY=6\nNbChannels=2", "NbOutputs=2\nScalingRatio=1.5\nMapping.Size=1", "", "sp"},
    {"FMP", "SizeX=5\nSizeY=8\nNbChannels=2", "NbOutputs=1\nScalingRatio=1.8\nPseudoRandom=0\nOverlapping=0",
     "", "sp"},
    {"LSTM", "SizeX=2\nSizeY=3\nNbChannels=1",
     "SeqLength=3\nBatchSize=3\nInputDim=2\nHiddenSize=2\nNumberLayers=2\nBidirectional=1\n"
     "SingleBackpropFeeding=0", "", "sp"},
    {"LSTM", "SizeX=3\nSizeY=4\nNbChannels=1",
     "SeqLength=4\nBatchSize=3\nInputDim=3\nHiddenSize=2\nNumberLayers=2\nDropout=0.3", "", "sp"},
};

static n2d2_registry *reg;
static n2d2_loader *loader;

static void setup(void)
{
    ck_assert_int_eq(n2d2_registry_new(&reg), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_new(reg, &loader), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_add_default_paths(loader), N2D2_OK);
    size_t refused = 0;
    ck_assert_int_eq(n2d2_loader_load_all(loader, &refused), N2D2_OK);
    ck_assert_uint_eq(refused, 0);
}

static void teardown(void)
{
    n2d2_loader_free(loader);
    n2d2_registry_free(reg);
}

static void check_case(const cell_case *c, size_t batch)
{
    char text[4096];
    snprintf(text, sizeof text,
             "DefaultDataType=Float64\n[sp]\n%s\nBatchSize=%zu\n%s\n[under_test]\nInput=%s\nType=%s\n%s\n",
             c->input, batch, c->extra, c->inputs, c->type, c->cell);
    n2d2_ini *ini;
    ck_assert_msg(n2d2_ini_load_string(text, strlen(text), "conformance.ini", &ini) == N2D2_OK, "%s",
                  n2d2_error_message());
    n2d2_graph_options opt = N2D2_GRAPH_OPTIONS_INIT;
    opt.seed = 17;
    n2d2_graph *g;
    ck_assert_msg(n2d2_graph_build(ini, reg, &opt, &g) == N2D2_OK, "%s (case:\n%s)", n2d2_error_message(),
                  text);
    n2d2_gradcheck_result r;
    n2d2_status st = n2d2_graph_check_gradients(g, batch, 1e-6, 1e-5, 0, &r);
    ck_assert_msg(st == N2D2_OK, "%s: %s (case:\n%s)", c->type, n2d2_error_message(), text);
    ck_assert_uint_gt(r.checked, 0);
    n2d2_graph_free(g);
    n2d2_ini_free(ini);
}

START_TEST(every_case_matches_finite_differences)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
        check_case(&cases[i], 1);
        check_case(&cases[i], 3);
    }
}
END_TEST

START_TEST(every_registered_cell_type_has_a_case)
{
    size_t cells = 0;
    for (size_t f = 0; f < n2d2_registry_count(reg); ++f) {
        const n2d2_feature *feat = n2d2_registry_at(reg, f);
        if (feat->kind != N2D2_KIND_CELL || strcmp(feat->model ? feat->model : "", "Frame") != 0)
            continue;
        ++cells;
        /* a layer without gradients (Transformation) has nothing to check
         * here; its own suite tests its forward pass */
        const n2d2_cell_ops *ops = feat->ops;
        if (ops && (ops->flags & N2D2_CELL_NO_INPUT_GRAD) && !ops->backward)
            continue;
        int covered = 0;
        for (size_t i = 0; i < sizeof cases / sizeof cases[0] && !covered; ++i)
            covered = strcmp(cases[i].type, feat->name) == 0;
        ck_assert_msg(covered, "cell type %s (%s) has no conformance case in %s", feat->name,
                      n2d2_registry_origin_file(reg, f), __FILE__);
    }
    ck_assert_uint_ge(cells, 5);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("conformance");
    TCase *tc = tcase_create("cells");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, every_registered_cell_type_has_a_case);
    tcase_add_test(tc, every_case_matches_finite_differences);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
