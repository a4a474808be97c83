# ignite_add_plugin(NAME SOURCES src...)
#
# Builds an Ignite C++ plugin: a MODULE library named ignite-plugin-NAME.so that links
# only the SDK (the C ABI header and the header-only C++ wrapper), compiled with hidden
# visibility so the entry symbol is its only export. `ignite-host --plugin NAME` finds it
# on the plugin search path; `--plugin path/to/ignite-plugin-NAME.so` loads it directly.
function(ignite_add_plugin name)
  cmake_parse_arguments(ARG "" "" "SOURCES" ${ARGN})
  if(NOT ARG_SOURCES)
    set(ARG_SOURCES ${ARG_UNPARSED_ARGUMENTS})
  endif()
  add_library(${name} MODULE ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE IgniteSDK::sdk)
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    OUTPUT_NAME "ignite-plugin-${name}"
    CXX_VISIBILITY_PRESET hidden
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(NOT CMAKE_CXX_STANDARD)
    target_compile_features(${name} PRIVATE cxx_std_17)
  endif()
endfunction()
