# n2d2_add_plugin(<name> SOURCES <src>... [LIBS <lib>...] [INSTALL] [INSTALL_DIR <dir>])
#
# Builds an n2d2-c plugin outside the n2d2-c source tree: a MODULE named
# n2d2-<name>.so whose entry point N2D2_PLUGIN_DEFINE(<ident>, ...) must use
# <ident> = <name> with '-' written '_' (n2d2-my-cell.so -> my_cell).
#
#  - C11, hidden visibility: only the entry point is exported.
#  - Linked against N2D2::n2d2 with -Wl,--no-undefined and -z now, so a
#    missing symbol is a link error, not a crash when the plugin loads.
#  - INSTALL installs it into INSTALL_DIR (default: ${N2D2_PLUGIN_INSTALL_DIR},
#    the directory the found n2d2 scans). Otherwise point N2D2_PLUGIN_PATH or
#    `n2d2-run --plugin-path` at the build directory.
function(n2d2_add_plugin name)
  cmake_parse_arguments(P "INSTALL" "INSTALL_DIR" "SOURCES;LIBS" ${ARGN})
  if(NOT name MATCHES "^[A-Za-z0-9][A-Za-z0-9_-]*$")
    message(FATAL_ERROR "n2d2_add_plugin: '${name}' is not a valid plugin name "
                        "(letters, digits, '-' and '_')")
  endif()
  if(NOT P_SOURCES)
    message(FATAL_ERROR "n2d2_add_plugin(${name}): no SOURCES given")
  endif()
  if(P_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "n2d2_add_plugin(${name}): unknown arguments ${P_UNPARSED_ARGUMENTS}")
  endif()
  set(target n2d2-${name})
  add_library(${target} MODULE ${P_SOURCES})
  set_target_properties(${target} PROPERTIES
    PREFIX "" OUTPUT_NAME ${target} SUFFIX ".so"
    C_STANDARD 11 C_STANDARD_REQUIRED ON
    C_VISIBILITY_PRESET hidden)
  target_link_libraries(${target} PRIVATE N2D2::n2d2 ${P_LIBS})
  if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
    target_link_options(${target} PRIVATE "-Wl,--no-undefined" "-Wl,-z,now")
  endif()
  if(P_INSTALL)
    if(P_INSTALL_DIR)
      set(dest ${P_INSTALL_DIR})
    else()
      set(dest ${N2D2_PLUGIN_INSTALL_DIR})
    endif()
    install(TARGETS ${target} LIBRARY DESTINATION ${dest})
  endif()
endfunction()
