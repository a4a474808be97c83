# find_package(Ignite) from an installation: examples/engine (Ignite::core) and
# examples/plugin_runtime (Ignite::plugin_runtime) are built on their own against the staged
# install (the ignite_sdk_staged fixture of tests/out_of_tree.cmake installs the whole
# project) with `ctest --build-and-test`, then programs they built are run. Included from
# tests/CMakeLists.txt.
set(_extra_options "")
foreach(lang C CXX)
  if(CMAKE_${lang}_COMPILER_LAUNCHER)
    list(APPEND _extra_options -DCMAKE_${lang}_COMPILER_LAUNCHER=${CMAKE_${lang}_COMPILER_LAUNCHER})
  endif()
endforeach()
# A sanitized libignite_core needs its runtime first in the program that links it.
if(IGNITE_SANITIZE)
  list(APPEND _extra_options "-DCMAKE_CXX_FLAGS=-fsanitize=address,undefined"
                             "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined")
endif()

# Tests installed_NAME_clean and installed_NAME_build; the build dir is
# ${CMAKE_CURRENT_BINARY_DIR}/installed_NAME_build, ready for fixture installed_NAME_built.
function(ignite_installed_example_build name source_dir)
  set(build_dir ${CMAKE_CURRENT_BINARY_DIR}/installed_${name}_build)
  # From a fresh build directory: a cache from an earlier run keeps the packages it found.
  add_test(NAME installed_${name}_clean COMMAND ${CMAKE_COMMAND} -E rm -rf ${build_dir})
  set_tests_properties(installed_${name}_clean PROPERTIES FIXTURES_SETUP installed_${name}_fresh)
  add_test(NAME installed_${name}_build
    COMMAND ${CMAKE_CTEST_COMMAND}
      --build-and-test ${source_dir} ${build_dir}
      --build-generator ${CMAKE_GENERATOR}
      --build-makeprogram ${CMAKE_MAKE_PROGRAM}
      --build-options -DCMAKE_PREFIX_PATH=${IGNITE_SDK_STAGE} -DCMAKE_BUILD_TYPE=Release
                      -DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER} -DCMAKE_C_COMPILER=${CMAKE_C_COMPILER}
                      ${_extra_options})
  set_tests_properties(installed_${name}_build PROPERTIES
    FIXTURES_REQUIRED "ignite_sdk_staged;installed_${name}_fresh" FIXTURES_SETUP installed_${name}_built)
endfunction()

ignite_installed_example_build(engine_examples ${PROJECT_SOURCE_DIR}/examples/engine)
# The evaluator built against the installation gives the hand-computed accuracy
# (tests/examples_test.cpp checks the in-tree build the same way).
add_test(NAME installed_engine_examples_run
  COMMAND ${CMAKE_CURRENT_BINARY_DIR}/installed_engine_examples_build/evaluator)
set_tests_properties(installed_engine_examples_run PROPERTIES
  FIXTURES_REQUIRED installed_engine_examples_built PASS_REGULAR_EXPRESSION "val_acc: 0\\.7\n")

ignite_installed_example_build(plugin_runtime_example ${PROJECT_SOURCE_DIR}/examples/plugin_runtime)
# The installed console plugin, loaded by the installed runtime into the example's engine:
# its line for iteration 4 of 8 (every=2) shows it received the events and its option.
add_test(NAME installed_plugin_runtime_example_run
  COMMAND ${CMAKE_COMMAND} -E env --unset=IGNITE_PLUGIN_PATH
          ${CMAKE_CURRENT_BINARY_DIR}/installed_plugin_runtime_example_build/load_plugins
          ${IGNITE_SDK_STAGE}/${IGNITE_PLUGIN_INSTALL_DIR}/ignite-plugin-console.so console.every=2)
set_tests_properties(installed_plugin_runtime_example_run PROPERTIES
  FIXTURES_REQUIRED installed_plugin_runtime_example_built
  PASS_REGULAR_EXPRESSION "\\[trainer\\] epoch 1/2 iteration 4: output=0\\.2500.*load_plugins: 2 epochs, 8 iterations")
# A checkpointing plugin in the same program: a saver built against the SDK alone serves any
# host that embeds the engine with the runtime, not only ignite-host (the mirror fixture stores
# the host's checkpoint every 3 iterations: 3 and 6). ignite-host's own `checkpoint` is a
# component over core's Checkpoint since issue 20; library users attach that directly.
set(IGNITE_RUNTIME_CHECKPOINTS ${CMAKE_CURRENT_BINARY_DIR}/installed_plugin_runtime_checkpoints)
add_test(NAME installed_plugin_runtime_example_checkpoint_clean
  COMMAND ${CMAKE_COMMAND} -E rm -rf ${IGNITE_RUNTIME_CHECKPOINTS})
set_tests_properties(installed_plugin_runtime_example_checkpoint_clean PROPERTIES
  FIXTURES_SETUP installed_plugin_runtime_checkpoints_fresh)
add_test(NAME installed_plugin_runtime_example_checkpoint
  COMMAND ${CMAKE_COMMAND} -E env --unset=IGNITE_PLUGIN_PATH
          ${CMAKE_CURRENT_BINARY_DIR}/installed_plugin_runtime_example_build/load_plugins
          $<TARGET_FILE:mirror_saver_fixture>
          mirror.store=${IGNITE_RUNTIME_CHECKPOINTS} mirror.every=3)
set_tests_properties(installed_plugin_runtime_example_checkpoint PROPERTIES
  FIXTURES_REQUIRED "installed_plugin_runtime_example_built;installed_plugin_runtime_checkpoints_fresh"
  PASS_REGULAR_EXPRESSION "stored [^\n]*/installed_plugin_runtime_checkpoints/step-6\\.pt.*load_plugins: 2 epochs, 8 iterations")
