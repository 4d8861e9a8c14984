# n2d2_add_plugin(<name> FAMILY <family> SOURCES <src>... [LIBS <lib>...] [NO_INSTALL])
#
# Builds plugin <name> as the loadable module n2d2-<name>.so (its entry point
# is n2d2_plugin_<name with - → _>_describe, written by N2D2_PLUGIN_DEFINE), or
# as a static library when N2D2_STATIC_PLUGINS is ON. Modules land in
# ${N2D2_PLUGIN_BUILD_DIR} so the build tree works as a plugin path, and are
# installed into the CPack component plugins-<family>.
set_property(GLOBAL PROPERTY N2D2_STATIC_PLUGIN_LIST "")

function(n2d2_add_plugin name)
  cmake_parse_arguments(P "NO_INSTALL" "FAMILY;OUTPUT_DIR" "SOURCES;LIBS" ${ARGN})
  set(target n2d2-${name})
  if(N2D2_STATIC_PLUGINS AND NOT P_NO_INSTALL)
    add_library(${target} STATIC ${P_SOURCES})
    set_property(GLOBAL APPEND PROPERTY N2D2_STATIC_PLUGIN_LIST ${name})
  else()
    add_library(${target} MODULE ${P_SOURCES})
    set_target_properties(${target} PROPERTIES PREFIX "" OUTPUT_NAME ${target})
    target_link_options(${target} PRIVATE ${N2D2_MODULE_LINK_FLAGS})
    if(P_OUTPUT_DIR)
      set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${P_OUTPUT_DIR})
    else()
      set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${N2D2_PLUGIN_BUILD_DIR})
    endif()
    if(NOT P_NO_INSTALL)
      install(TARGETS ${target} LIBRARY DESTINATION ${N2D2_PLUGIN_INSTALL_DIR}
              COMPONENT plugins-${P_FAMILY})
      set_property(GLOBAL APPEND PROPERTY N2D2_PLUGIN_FAMILIES ${P_FAMILY})
    endif()
  endif()
  target_link_libraries(${target} PRIVATE n2d2 ${P_LIBS})
endfunction()
