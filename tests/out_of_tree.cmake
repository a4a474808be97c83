# Out-of-tree plugin projects tested the way a third party builds them: the SDK is
# installed once to a staging prefix, the project is built against it with
# `ctest --build-and-test`, then a CMake script runs ignite-host with the built plugin.
# CTest fixtures order install -> build -> run.
set(IGNITE_SDK_STAGE ${CMAKE_BINARY_DIR}/sdk_stage)
add_test(NAME ignite_sdk_install
  COMMAND ${CMAKE_COMMAND} -E env --unset=DESTDIR ${CMAKE_COMMAND} --install ${CMAKE_BINARY_DIR} --prefix ${IGNITE_SDK_STAGE})
set_tests_properties(ignite_sdk_install PROPERTIES FIXTURES_SETUP ignite_sdk_staged)

# ignite_out_of_tree_plugin_test(NAME SOURCE_DIR PLUGIN_FILE RUN_SCRIPT [-DVAR=VALUE...])
# Adds tests NAME_build and NAME_run; RUN_SCRIPT gets -DHOST, -DPLUGIN and the extra -D args.
function(ignite_out_of_tree_plugin_test name source_dir plugin_file run_script)
  set(build_dir ${CMAKE_CURRENT_BINARY_DIR}/${name}_build)
  add_test(NAME ${name}_build
    COMMAND ${CMAKE_CTEST_COMMAND}
      --build-and-test ${source_dir} ${build_dir}
      --build-generator ${CMAKE_GENERATOR}
      --build-makeprogram ${CMAKE_MAKE_PROGRAM}
      --build-options -DCMAKE_PREFIX_PATH=${IGNITE_SDK_STAGE} -DCMAKE_BUILD_TYPE=Release
                      -DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER})
  set_tests_properties(${name}_build PROPERTIES
    FIXTURES_REQUIRED ignite_sdk_staged FIXTURES_SETUP ${name}_built)
  add_test(NAME ${name}_run
    COMMAND ${CMAKE_COMMAND} -DHOST=$<TARGET_FILE:ignite-host> -DPLUGIN=${build_dir}/${plugin_file} ${ARGN}
            -P ${run_script})
  set_tests_properties(${name}_run PROPERTIES FIXTURES_REQUIRED ${name}_built)
endfunction()
