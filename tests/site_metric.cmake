# The out-of-tree metric package examples/site_metric against the installed SDK:
# install -> build (ctest --build-and-test) -> ignite-host train --metric cost_weighted_error,
# ordered by CTest fixtures, like the third_party_* tests in tests/abi/CMakeLists.txt.
# Included from tests/CMakeLists.txt; also run as a script (cmake -P) for the last step.

if(CMAKE_SCRIPT_MODE_FILE)
  # ---- script mode: -DHOST=... -DPLUGIN=... -DOUT=... -------------------------------------
  # "0.875000" -> 875000 (CMake's math is integer-only).
  function(micro text out)
    string(REGEX MATCH "^([0-9]+)\\.([0-9]+)$" ok "${text}")
    if(NOT ok)
      message(FATAL_ERROR "'${text}' is not a fixed-point number")
    endif()
    string(SUBSTRING "${CMAKE_MATCH_2}000000" 0 6 frac)
    math(EXPR v "${CMAKE_MATCH_1} * 1000000 + 1${frac} - 1000000")
    set(${out} ${v} PARENT_SCOPE)
  endfunction()

  # Runs ignite-host train with the plugin; sets rc, out (stdout + stderr) and, on success,
  # value / accuracy (in millionths) from the test line of metrics.jsonl.
  function(train)
    file(REMOVE_RECURSE ${OUT})
    set(args train --no-default-plugins --plugin jsonl --model mlp --dataset synthetic:400 --epochs 1
             --plugin ${PLUGIN} --metric cost_weighted_error --output-dir ${OUT} ${ARGN})
    execute_process(COMMAND ${HOST} ${args} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    message(STATUS "ignite-host ${args}\n--- stdout\n${out}--- stderr\n${err}---")
    set(rc ${rc} PARENT_SCOPE)
    set(out "${out}${err}" PARENT_SCOPE)
    if(NOT rc STREQUAL "0")
      return()
    endif()
    file(STRINGS ${OUT}/metrics.jsonl lines)
    foreach(line IN LISTS lines)
      string(JSON split GET "${line}" split)
      if(split STREQUAL "test")
        string(JSON value ERROR_VARIABLE missing GET "${line}" cost_weighted_error)
        if(missing)
          message(FATAL_ERROR "the test line of metrics.jsonl lacks cost_weighted_error: ${line}")
        endif()
        string(JSON accuracy GET "${line}" accuracy)
        micro("${value}" v)
        micro("${accuracy}" a)
        set(value ${v} PARENT_SCOPE)
        set(accuracy ${a} PARENT_SCOPE)
        return()
      endif()
    endforeach()
    message(FATAL_ERROR "metrics.jsonl has no test line")
  endfunction()

  # 1. Default costs (all 1): the metric is the error rate, 1 - accuracy.
  train()
  if(NOT rc STREQUAL "0")
    message(FATAL_ERROR "ignite-host exited with '${rc}', expected 0")
  endif()
  math(EXPR sum "${value} + ${accuracy}")
  if(sum LESS 999999 OR sum GREATER 1000001)
    message(FATAL_ERROR "cost_weighted_error ${value}e-6 is not 1 - accuracy (${accuracy}e-6)")
  endif()
  if(NOT out MATCHES "cost_weighted_error [0-9.]+")
    message(FATAL_ERROR "the summary line lacks cost_weighted_error")
  endif()

  # 2. An untrained model (lr 1e-9: it misclassifies) with every cost 2: twice the error rate.
  train(--lr 1e-9 --plugin-opt site_metric.costs=2,2,2,2,2,2,2,2,2,2)
  if(NOT rc STREQUAL "0")
    message(FATAL_ERROR "ignite-host exited with '${rc}', expected 0")
  endif()
  math(EXPR expected "2 * (1000000 - ${accuracy})")
  math(EXPR diff "${value} - ${expected}")
  if(diff LESS -2 OR diff GREATER 2 OR value EQUAL 0)
    message(FATAL_ERROR "cost_weighted_error ${value}e-6, expected 2 * (1 - accuracy) = ${expected}e-6 (and > 0)")
  endif()

  # 3. Fewer costs than classes: the run fails naming the option.
  train(--plugin-opt site_metric.costs=1,2)
  if(rc STREQUAL "0" OR NOT out MATCHES "site_metric.costs has 2 values but y_pred has 10 classes")
    message(FATAL_ERROR "costs=1,2 must fail with a clear message (rc ${rc})")
  endif()

  # 4. A malformed cost: refused at start, exit 2.
  train(--plugin-opt site_metric.costs=1,x)
  if(NOT rc STREQUAL "2" OR NOT out MATCHES "'x' is not a cost")
    message(FATAL_ERROR "costs=1,x must be refused with exit 2 (rc ${rc})")
  endif()
  return()
endif()

# ---- configure mode: the CTest tests (tests/out_of_tree.cmake) -------------------------
ignite_out_of_tree_plugin_test(site_metric ${PROJECT_SOURCE_DIR}/examples/site_metric
  ignite-plugin-site_metric.so ${CMAKE_CURRENT_LIST_FILE} -DOUT=${CMAKE_CURRENT_BINARY_DIR}/site_metric_run)
