# protobuf-c code generated at build time from the system's onnx.proto
# (Debian libonnx-dev), for the ONNX importer, the ONNX exporter and the
# ONNX fuzzer.
#
# n2d2_find_onnx_proto()
#   Sets N2D2_ONNX_PROTO_FOUND when protoc-c (N2D2_PROTOC_C), onnx.proto
#   (N2D2_ONNX_PROTO) and libprotobuf-c (PkgConfig::PROTOBUF_C, imported in
#   the calling directory) are all there. A macro: the imported target
#   belongs to the caller's directory.
#
# n2d2_onnx_protobuf_c(<out_dir> [PACKAGE <name>])
#   Generates <out_dir>/onnx.pb-c.{c,h} and sets N2D2_ONNX_PB_C (the .c
#   file) in the caller's scope. With PACKAGE, the code is generated from a
#   copy of onnx.proto whose package is renamed <name> instead
#   (<out_dir>/<name>.pb-c.{c,h}, C names <Name>__*, <name>__*): the wire
#   format does not depend on the package, and two programs' worth of
#   generated code (the exporter's writer, the importer's reader) can then
#   be linked into one binary (N2D2_STATIC_PLUGINS) without C name clashes.
include_guard(GLOBAL)

macro(n2d2_find_onnx_proto)
  find_program(N2D2_PROTOC_C protoc-c)
  find_file(N2D2_ONNX_PROTO onnx.proto PATHS /usr/include/onnx /usr/local/include/onnx
            NO_DEFAULT_PATH)
  pkg_check_modules(PROTOBUF_C IMPORTED_TARGET libprotobuf-c)
  if(N2D2_PROTOC_C AND N2D2_ONNX_PROTO AND PROTOBUF_C_FOUND)
    set(N2D2_ONNX_PROTO_FOUND TRUE)
  else()
    set(N2D2_ONNX_PROTO_FOUND FALSE)
  endif()
endmacro()

function(n2d2_onnx_protobuf_c out_dir)
  cmake_parse_arguments(G "" "PACKAGE" "" ${ARGN})
  if(G_PACKAGE)
    set(base ${G_PACKAGE})
    set(proto ${out_dir}/${base}.proto)
    set(proto_dir ${out_dir})
    file(READ ${N2D2_ONNX_PROTO} text)
    string(REGEX REPLACE "\npackage onnx;" "\npackage ${G_PACKAGE};" text "${text}")
    file(MAKE_DIRECTORY ${out_dir})
    file(CONFIGURE OUTPUT ${proto} CONTENT "${text}" @ONLY)
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${N2D2_ONNX_PROTO})
  else()
    set(base onnx)
    set(proto ${N2D2_ONNX_PROTO})
    get_filename_component(proto_dir ${proto} DIRECTORY)
  endif()
  add_custom_command(
    OUTPUT ${out_dir}/${base}.pb-c.c ${out_dir}/${base}.pb-c.h
    COMMAND ${CMAKE_COMMAND} -E make_directory ${out_dir}
    COMMAND ${N2D2_PROTOC_C} --c_out=${out_dir} --proto_path=${proto_dir} ${proto}
    DEPENDS ${proto}
    COMMENT "Generating ${base}.pb-c.c (protobuf-c) from ${N2D2_ONNX_PROTO}")
  # Generated code: not ours to keep warning-free.
  set_source_files_properties(${out_dir}/${base}.pb-c.c PROPERTIES COMPILE_OPTIONS "-w")
  set(N2D2_ONNX_PB_C ${out_dir}/${base}.pb-c.c PARENT_SCOPE)
endfunction()
