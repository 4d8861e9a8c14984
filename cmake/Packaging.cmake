# CPack: one Debian package per install component.
#
#   n2d2c-core               libn2d2.so.N and n2d2-run
#   n2d2c-sdk                headers, CMake package, n2d2.pc, example, guide
#   n2d2c-plugins-<family>   the plugins of one family (cells, databases, ...)
#
# `cpack -G DEB` in a build directory writes one .deb per component. The
# plugin families are whatever n2d2_add_plugin() registered (global property
# N2D2_PLUGIN_FAMILIES), so this file must be included after every
# add_subdirectory() — it is, at the end of the top-level CMakeLists.txt.
set(CPACK_PACKAGE_NAME n2d2c)
set(CPACK_PACKAGE_VENDOR "n2d2-c")
set(CPACK_PACKAGE_CONTACT "n2d2-c maintainers <n2d2c@localhost>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "N2D2 deep-learning framework in C11, as plugins")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_GENERATOR DEB)
set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build.*/" "/_build.*/")

get_property(n2d2_families GLOBAL PROPERTY N2D2_PLUGIN_FAMILIES)
if(n2d2_families)
  list(REMOVE_DUPLICATES n2d2_families)
  list(SORT n2d2_families)
endif()
set(n2d2_plugin_components "")
foreach(family ${n2d2_families})
  list(APPEND n2d2_plugin_components plugins-${family})
endforeach()
set(CPACK_COMPONENTS_ALL core sdk ${n2d2_plugin_components})

# Debian: one package per component, named n2d2c-<component>.
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/CEA-LIST/N2D2")
# Dependencies between our own packages come from the component graph
# below, with the exact version (plugins must match the kernel's ABI).
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)
# dpkg-shlibdeps computes the system libraries the kernel needs (libc,
# libltdl). For plugins it cannot: they link libn2d2, which no installed
# package provides yet, so they state their dependency on core by hand
# (plus whatever a family lists in N2D2_DEB_DEPENDS_<family>).
find_program(N2D2_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(N2D2_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_CORE_PACKAGE_SHLIBDEPS ON)
else()
  set(CPACK_DEBIAN_CORE_PACKAGE_DEPENDS "libc6, libltdl7")
endif()
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS OFF)

set(CPACK_DEBIAN_CORE_PACKAGE_NAME n2d2c-core)
set(CPACK_DEBIAN_SDK_PACKAGE_NAME n2d2c-sdk)
set(CPACK_DEBIAN_SDK_PACKAGE_SECTION libdevel)
foreach(family ${n2d2_families})
  string(TOUPPER "plugins-${family}" comp)
  set(CPACK_DEBIAN_${comp}_PACKAGE_NAME n2d2c-plugins-${family})
  if(DEFINED N2D2_DEB_DEPENDS_${family})
    set(CPACK_DEBIAN_${comp}_PACKAGE_DEPENDS "${N2D2_DEB_DEPENDS_${family}}")
  endif()
endforeach()

include(CPack)

cpack_add_component(core DISPLAY_NAME "n2d2-c runtime"
  DESCRIPTION "The libn2d2 kernel library and the n2d2-run host program.")
cpack_add_component(sdk DISPLAY_NAME "n2d2-c SDK" DEPENDS core
  DESCRIPTION "Headers, CMake package and pkg-config file to build n2d2-c plugins.")
foreach(family ${n2d2_families})
  cpack_add_component(plugins-${family} DISPLAY_NAME "n2d2-c ${family} plugins" DEPENDS core
    DESCRIPTION "n2d2-c plugins of the ${family} family.")
endforeach()
