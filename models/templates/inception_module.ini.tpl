; A GoogLeNet inception module (Szegedy et al. 2014, fig. 2b): a 1x1
; convolution; a 1x1 reduction then a 3x3 convolution; a 1x1 reduction then
; a 5x5 convolution; a 3x3 max pooling (stride 1) then a 1x1 projection;
; ReLU after every convolution. Parameters: INPUT, IN (its channels), C1,
; C3R, C3, C5R, C5, CP (the columns of the paper's table 1). The four
; branches are concatenated on channels by {{SECTION_NAME}} (an identity
; Activation cell with four inputs), C1 + C3 + C5 + CP channels.
[{{SECTION_NAME}}_1x1]
Input={{INPUT}}
Type=Conv
KernelSize=1
NbOutputs={{C1}}
ActivationFunction=Rectifier
ConfigSection=common.config

[{{SECTION_NAME}}_3x3_reduce]
Input={{INPUT}}
Type=Conv
KernelSize=1
NbOutputs={{C3R}}
ActivationFunction=Rectifier
ConfigSection=common.config

[{{SECTION_NAME}}_3x3]
Input={{SECTION_NAME}}_3x3_reduce
Type=Conv
KernelSize=3
Padding=1
NbOutputs={{C3}}
ActivationFunction=Rectifier
ConfigSection=common.config

[{{SECTION_NAME}}_5x5_reduce]
Input={{INPUT}}
Type=Conv
KernelSize=1
NbOutputs={{C5R}}
ActivationFunction=Rectifier
ConfigSection=common.config

[{{SECTION_NAME}}_5x5]
Input={{SECTION_NAME}}_5x5_reduce
Type=Conv
KernelSize=5
Padding=2
NbOutputs={{C5}}
ActivationFunction=Rectifier
ConfigSection=common.config

[{{SECTION_NAME}}_pool]
Input={{INPUT}}
Type=Pool
PoolSize=3
Stride=1
Padding=1
Pooling=Max
NbOutputs={{IN}}
Mapping.Size=1

[{{SECTION_NAME}}_pool_proj]
Input={{SECTION_NAME}}_pool
Type=Conv
KernelSize=1
NbOutputs={{CP}}
ActivationFunction=Rectifier
ConfigSection=common.config

[{{SECTION_NAME}}]
Input={{SECTION_NAME}}_1x1,{{SECTION_NAME}}_3x3,{{SECTION_NAME}}_5x5,{{SECTION_NAME}}_pool_proj
Type=Activation
