# Runs the out-of-tree countdown plugin (built by third_party_plugin_build) in ignite-host
# and checks that the trainer stopped at iteration 7. -DHOST=... -DPLUGIN=...
set(args dry-run --epochs 3 --epoch-length 5 --plugin ${PLUGIN} --plugin-opt countdown.iterations=7)
execute_process(COMMAND ${HOST} ${args} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message(STATUS "ignite-host ${args}\n--- stdout\n${out}--- stderr\n${err}---")
if(NOT rc STREQUAL "0")
  message(FATAL_ERROR "ignite-host exited with '${rc}', expected 0")
endif()
foreach(expected
    "\\[countdown\\] iteration 7: 0 left\n"
    "\\[countdown\\] terminating the trainer after 7 iterations\n"
    "\\[countdown\\] run ended \\([A-Z]+\\) at epoch 2 iteration 7\n")
  if(NOT err MATCHES "${expected}")
    message(FATAL_ERROR "stderr lacks a line matching '${expected}'")
  endif()
endforeach()
if(err MATCHES "\\[countdown\\] iteration 8")
  message(FATAL_ERROR "the trainer ran past iteration 7")
endif()
if(err MATCHES "error")
  message(FATAL_ERROR "unexpected error output")
endif()
