# Runs the out-of-tree run_facts plugin (built against the installed SDK) in `ignite-host
# train` with a validation split and checks every run fact and the three engines it logs.
# -DHOST=... -DPLUGIN=... -DOUT=<a scratch output folder>
file(REMOVE_RECURSE ${OUT})
set(args train --no-default-plugins --model mlp --dataset synthetic:400 --epochs 1 --batch-size 40 --val-split 0.25
         --plugin ${PLUGIN} --output-dir ${OUT})
execute_process(COMMAND ${HOST} ${args} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message(STATUS "ignite-host ${args}\n--- stdout\n${out}--- stderr\n${err}---")
if(NOT rc STREQUAL "0")
  message(FATAL_ERROR "ignite-host exited with '${rc}', expected 0")
endif()
foreach(expected
    "\\[run_facts\\] output_dir=${OUT}   resumed=0   rank=0 of world_size=1 \\(local_rank 0\\)\n"
    "\\[run_facts\\] config=\\{[^\n]*\"batch_size\":40,[^\n]*\"val_split\":0.25[^\n]*\\}\n"
    "\\[run_facts\\] engines: trainer, evaluator, validation\n"
    "\\[run_facts\\] trainer: completed\n"
    "\\[run_facts\\] validation: completed\n")
  if(NOT err MATCHES "${expected}")
    message(FATAL_ERROR "stderr lacks a line matching '${expected}'")
  endif()
endforeach()
