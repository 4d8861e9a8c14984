; A MobileNet-v1 depthwise separable block (Howard et al. 2017, fig. 3):
; a 3x3 depthwise convolution (one group per channel) with batch
; normalisation and ReLU, then a 1x1 pointwise convolution to OUT channels
; with batch normalisation and ReLU. Parameters: INPUT, IN (its channels),
; OUT, STRIDE. The block's output is {{SECTION_NAME}} (the last BatchNorm).
[{{SECTION_NAME}}_dw]
Input={{INPUT}}
Type=Conv
KernelSize=3
Padding=1
Stride={{STRIDE}}
NbOutputs={{IN}}
Mapping.ChannelsPerGroup=1
NoBias=1
ConfigSection=common.config

[{{SECTION_NAME}}_dw_bn]
Input={{SECTION_NAME}}_dw
Type=BatchNorm
NbOutputs={{IN}}
ActivationFunction=Rectifier
ConfigSection=bn.config

[{{SECTION_NAME}}_pw]
Input={{SECTION_NAME}}_dw_bn
Type=Conv
KernelSize=1
NbOutputs={{OUT}}
NoBias=1
ConfigSection=common.config

[{{SECTION_NAME}}]
Input={{SECTION_NAME}}_pw
Type=BatchNorm
NbOutputs={{OUT}}
ActivationFunction=Rectifier
ConfigSection=bn.config
