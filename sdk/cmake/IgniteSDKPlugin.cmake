# ignite_add_plugin(NAME [SOURCES] src...
#                   [PLUGIN_NAME plugin] [OUTPUT_DIRECTORY dir] [NO_SDK])
#
# Builds an Ignite C++ plugin: a MODULE library named ignite-plugin-NAME.so that links
# only the SDK (the C ABI header and the header-only C++ wrapper), compiled with hidden
# visibility so the entry symbol is its only export. `ignite-host --plugin NAME` finds it
# on the plugin search path; `--plugin path/to/ignite-plugin-NAME.so` loads it directly.
#   PLUGIN_NAME       the file is ignite-plugin-PLUGIN_NAME.so (default: the target NAME),
#                     for several targets built from one source as different plugins;
#   OUTPUT_DIRECTORY  where the .so goes (default: CMake's LIBRARY_OUTPUT_DIRECTORY);
#   NO_SDK            link nothing: the caller puts the plugin headers on the include path
#                     itself (Ignite's ABI tests build against frozen copies of older SDKs).
function(ignite_add_plugin name)
  cmake_parse_arguments(ARG "NO_SDK" "PLUGIN_NAME;OUTPUT_DIRECTORY" "SOURCES" ${ARGN})
  if(NOT ARG_SOURCES)
    set(ARG_SOURCES ${ARG_UNPARSED_ARGUMENTS})
  endif()
  if(NOT ARG_PLUGIN_NAME)
    set(ARG_PLUGIN_NAME ${name})
  endif()
  add_library(${name} MODULE ${ARG_SOURCES})
  if(NOT ARG_NO_SDK)
    target_link_libraries(${name} PRIVATE IgniteSDK::sdk)
  endif()
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    OUTPUT_NAME "ignite-plugin-${ARG_PLUGIN_NAME}"
    CXX_VISIBILITY_PRESET hidden
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIRECTORY})
  endif()
  if(NOT CMAKE_CXX_STANDARD)
    target_compile_features(${name} PRIVATE cxx_std_17)
  endif()
endfunction()
