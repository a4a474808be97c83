# find_package(Ignite) from an installation: examples/engine is built on its own against the
# staged install (the ignite_sdk_staged fixture of tests/out_of_tree.cmake installs the whole
# project, Ignite::core included) with `ctest --build-and-test`, then one of the programs it
# built is run. Included from tests/CMakeLists.txt.
set(IGNITE_ENGINE_EXAMPLES_BUILD ${CMAKE_CURRENT_BINARY_DIR}/installed_engine_examples_build)
set(_launchers "")
foreach(lang C CXX)
  if(CMAKE_${lang}_COMPILER_LAUNCHER)
    list(APPEND _launchers -DCMAKE_${lang}_COMPILER_LAUNCHER=${CMAKE_${lang}_COMPILER_LAUNCHER})
  endif()
endforeach()
# From a fresh build directory: a cache from an earlier run keeps the packages it found.
add_test(NAME installed_engine_examples_clean
  COMMAND ${CMAKE_COMMAND} -E rm -rf ${IGNITE_ENGINE_EXAMPLES_BUILD})
set_tests_properties(installed_engine_examples_clean PROPERTIES FIXTURES_SETUP installed_engine_examples_fresh)
add_test(NAME installed_engine_examples_build
  COMMAND ${CMAKE_CTEST_COMMAND}
    --build-and-test ${PROJECT_SOURCE_DIR}/examples/engine ${IGNITE_ENGINE_EXAMPLES_BUILD}
    --build-generator ${CMAKE_GENERATOR}
    --build-makeprogram ${CMAKE_MAKE_PROGRAM}
    --build-options -DCMAKE_PREFIX_PATH=${IGNITE_SDK_STAGE} -DCMAKE_BUILD_TYPE=Release
                    -DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER} -DCMAKE_C_COMPILER=${CMAKE_C_COMPILER}
                    ${_launchers})
set_tests_properties(installed_engine_examples_build PROPERTIES
  FIXTURES_REQUIRED "ignite_sdk_staged;installed_engine_examples_fresh"
  FIXTURES_SETUP installed_engine_examples_built)
# The evaluator built against the installation gives the hand-computed accuracy
# (tests/examples_test.cpp checks the in-tree build the same way).
add_test(NAME installed_engine_examples_run COMMAND ${IGNITE_ENGINE_EXAMPLES_BUILD}/evaluator)
set_tests_properties(installed_engine_examples_run PROPERTIES
  FIXTURES_REQUIRED installed_engine_examples_built PASS_REGULAR_EXPRESSION "val_acc: 0\\.7\n")
