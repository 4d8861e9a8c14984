; Two 3x3 convolutions {{SECTION_NAME}}_a and _b of WIDTH outputs, then
; a 2x2 max pooling {{SECTION_NAME}}_pool when POOL is given.
[{{SECTION_NAME}}_a]
Input={{INPUT}}
Type=Conv
KernelSize=3
Padding=1
NbOutputs={{WIDTH}}
ConfigSection=common.config

[{{SECTION_NAME}}_b]
Input={{SECTION_NAME}}_a
Type=Conv
KernelSize=3
Padding=1
{% if WIDE == 1 %}
NbOutputs={{WIDTH}}{{WIDTH}}
{% else %}
NbOutputs={{WIDTH}}
{% endif %}
ConfigSection=common.config
{% if POOL exists %}
{% include pool.ini.tpl %}
{% endif %}
