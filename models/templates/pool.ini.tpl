[{{SECTION_NAME}}_pool]
Input={{SECTION_NAME}}_b
Type=Pool
Pooling=Max
PoolSize=2
Stride=2
