[{{SECTION_NAME}}_layer1]  
Input={{INPUT}}  
Type=Conv  
NbOutputs={{SIZE}}  
  
[{{SECTION_NAME}}_layer2]  
Input={{SECTION_NAME}}_layer1  
Type=Fc  
NbOutputs={{SIZE}}  
  
{% block ARRAY %}
[{{SECTION_NAME}}_array{{#}}]
Prop1=Config{{.P1}}
Prop2={{.P2}}
{% endblock %}
