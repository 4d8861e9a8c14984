# Shared by tests/fillers, tests/activations and tests/solvers:
# n2d2_add_family_test(<name> <source>) builds a Check suite with the
# FamDense test cell and the three plugin families compiled in (preloaded,
# no dlopen), so a test never depends on plugin files.
find_package(OpenMP COMPONENTS C)
set(N2D2_FAMILY_TEST_DIR ${CMAKE_SOURCE_DIR}/tests/fillers)

function(n2d2_add_family_test name source)
  set(libs m)
  if(OpenMP_C_FOUND)
    list(APPEND libs OpenMP::OpenMP_C)
  endif()
  n2d2_add_check_test(${name} SOURCES ${source} ${N2D2_FAMILY_TEST_DIR}/family_test_util.c
                      ${N2D2_FILLERS_SOURCES} ${N2D2_ACTIVATIONS_SOURCES} ${N2D2_SOLVERS_SOURCES}
                      LIBS ${libs})
  target_include_directories(${name} PRIVATE ${N2D2_FAMILY_TEST_DIR}
    ${CMAKE_SOURCE_DIR}/plugins/fillers ${CMAKE_SOURCE_DIR}/plugins/activations
    ${CMAKE_SOURCE_DIR}/plugins/solvers)
  target_compile_options(${name} PRIVATE -fno-math-errno -fno-trapping-math) # as the plugins
  if(N2D2_SANITIZE AND CMAKE_C_COMPILER_ID MATCHES "Clang")
    target_compile_options(${name} PRIVATE -Wno-pass-failed)
  endif()
endfunction()
