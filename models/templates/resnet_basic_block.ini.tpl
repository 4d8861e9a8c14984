; A ResNet basic block (two 3x3 convolutions with batch normalisation and a
; residual sum). Parameters: INPUT, CHANNELS, STRIDE, and PROJECT (give it
; when the shape changes: the shortcut is then a 1x1 convolution with batch
; normalisation, as in ResNet "option B").
[{{SECTION_NAME}}_conv1]
Input={{INPUT}}
Type=Conv
KernelSize=3
Padding=1
Stride={{STRIDE}}
NbOutputs={{CHANNELS}}
NoBias=1
ConfigSection=common.config

[{{SECTION_NAME}}_bn1]
Input={{SECTION_NAME}}_conv1
Type=BatchNorm
NbOutputs={{CHANNELS}}
ActivationFunction=Rectifier
ConfigSection=bn.config

[{{SECTION_NAME}}_conv2]
Input={{SECTION_NAME}}_bn1
Type=Conv
KernelSize=3
Padding=1
NbOutputs={{CHANNELS}}
NoBias=1
ConfigSection=common.config

[{{SECTION_NAME}}_bn2]
Input={{SECTION_NAME}}_conv2
Type=BatchNorm
NbOutputs={{CHANNELS}}
ConfigSection=bn.config
{% if PROJECT exists %}

[{{SECTION_NAME}}_proj]
Input={{INPUT}}
Type=Conv
KernelSize=1
Stride={{STRIDE}}
NbOutputs={{CHANNELS}}
NoBias=1
ConfigSection=common.config

[{{SECTION_NAME}}_proj_bn]
Input={{SECTION_NAME}}_proj
Type=BatchNorm
NbOutputs={{CHANNELS}}
ConfigSection=bn.config

[{{SECTION_NAME}}]
Input={{SECTION_NAME}}_bn2,{{SECTION_NAME}}_proj_bn
{% else %}

[{{SECTION_NAME}}]
Input={{SECTION_NAME}}_bn2,{{INPUT}}
{% endif %}
Type=ElemWise
Operation=Sum
NbOutputs={{CHANNELS}}
ActivationFunction=Rectifier
