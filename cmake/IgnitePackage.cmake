# The Ignite CMake package: `cmake --install` puts Ignite::core (libignite_core and its
# headers) and Ignite::plugin_runtime (the plugin runtime library and its headers) under the
# prefix, with IgniteConfig.cmake and IgniteConfigVersion.cmake, so that
# find_package(Ignite) works from the installation. Included from the top CMakeLists.txt
# after core/ and host/ defined the targets.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)
set(IGNITE_PACKAGE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/Ignite)

# ignite/core/version.hpp from the project's version (the one place it is written).
set(IGNITE_GENERATED_INCLUDE ${PROJECT_BINARY_DIR}/generated/include)
configure_file(${CMAKE_CURRENT_LIST_DIR}/version.hpp.in ${IGNITE_GENERATED_INCLUDE}/ignite/core/version.hpp @ONLY)
# The built-in events are listed once, in the ABI's sdk/include/ignite/events.def; core's
# enum, names and Events:: specs are made from a copy of it (core does not include sdk/, and
# the copy keeps the installed core headers whole without the SDK).
configure_file(${PROJECT_SOURCE_DIR}/sdk/include/ignite/events.def
  ${IGNITE_GENERATED_INCLUDE}/ignite/core/builtin_events.def COPYONLY)
# The priority bands likewise: sdk/include/ignite/priority_bands.def makes plugin.h's
# IGNITE_PRIORITY_* and, from this copy, core's ignite::Priority::metrics ... checkpoint.
configure_file(${PROJECT_SOURCE_DIR}/sdk/include/ignite/priority_bands.def
  ${IGNITE_GENERATED_INCLUDE}/ignite/core/priority_bands.def COPYONLY)
# The terminate reasons likewise: sdk/include/ignite/terminate_reasons.def makes, from this
# copy, core's ignite::TerminateReason::none ... iteration_limit.
configure_file(${PROJECT_SOURCE_DIR}/sdk/include/ignite/terminate_reasons.def
  ${IGNITE_GENERATED_INCLUDE}/ignite/core/terminate_reasons.def COPYONLY)
target_include_directories(ignite_core PUBLIC $<BUILD_INTERFACE:${IGNITE_GENERATED_INCLUDE}>)

set_target_properties(ignite_core PROPERTIES EXPORT_NAME core)
install(TARGETS ignite_core ignite_plugin_runtime EXPORT IgniteTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/core/include/ignite ${PROJECT_SOURCE_DIR}/host/runtime/include/ignite
                  ${IGNITE_GENERATED_INCLUDE}/ignite
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT IgniteTargets NAMESPACE Ignite:: DESTINATION ${IGNITE_PACKAGE_DIR})

# The LibTorch this build used, as the search prefix holding Torch/ and Caffe2/ (the one
# cmake/IgniteTorch.cmake adds for the venv), for the package's find_dependency(Torch).
get_filename_component(IGNITE_TORCH_CMAKE_PREFIX "${Torch_DIR}/.." ABSOLUTE)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/IgniteConfig.cmake.in
  ${PROJECT_BINARY_DIR}/IgniteConfig.cmake INSTALL_DESTINATION ${IGNITE_PACKAGE_DIR})
# 0.x: a minor release may break, so only the same MAJOR.MINOR satisfies a request.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/IgniteConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/IgniteConfig.cmake
  ${PROJECT_BINARY_DIR}/IgniteConfigVersion.cmake
  ${CMAKE_CURRENT_LIST_DIR}/IgniteTorchSupport.cmake
  ${CMAKE_CURRENT_LIST_DIR}/IgniteFmtShim.cmake
  DESTINATION ${IGNITE_PACKAGE_DIR})
