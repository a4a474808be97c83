# What finding and linking LibTorch needs beyond find_package(Torch), in one place for the
# Ignite C++ build (cmake/IgniteTorch.cmake) and for projects using the installed Ignite
# package (IgniteConfig.cmake), which find the same LibTorch.

# ignite_torch_prerequisites(): call before find_package(Torch). A macro: the variables it
# sets must be seen by TorchConfig in the caller's scope. Sets IGNITE_TORCH_CUDA_SOURCE to
# `toolkit` (Torch's own CUDA set-up runs), `wheel` (the torch wheel's CUDA runtime, no
# toolkit), or empty (no CUDA toolkit and, as far as can be seen, a CPU-only LibTorch).
#
# Decision: a CUDA LibTorch without the CUDA toolkit (issue 17). TorchConfig (Caffe2's
# public/cuda.cmake) wants the whole toolkit: nvcc (enable_language(CUDA)), cuda.h, and
# CUDA::* libraries, and stops with "Your installed Caffe2 version uses CUDA but I cannot find
# the CUDA libraries" without them, which is most users' machine (a laptop, a CPU server, a GPU
# box with drivers only). Ignite C++ compiles no CUDA code and calls no CUDA library itself;
# the only CUDA name Torch's imported targets need is `torch::cudart` (c10_cuda and
# torch_cuda link it), and cuda.cmake returns at once when that target exists (its "include
# guard"). So, when no nvcc runs, `torch::cudart` is made here from the CUDA runtime the torch
# wheel already installed beside torch (nvidia/cu13/lib/libcudart.so.13 and its headers,
# PyPI's nvidia-cuda-runtime, a dependency of torch): nothing to download, nothing compiled
# by nvcc, and the programs still link libtorch_cuda.so, so `--device cuda` works on a
# machine that has the driver. Measured against the alternative, PyPI's nvidia-cuda-nvcc +
# nvidia-cuda-cccl wheels in the venv: docs/libtorch.md. A toolkit that nvcc shows (or one
# named with CUDAToolkit_ROOT / CMAKE_CUDA_COMPILER / CUDACXX) is used as before.
macro(ignite_torch_prerequisites)
  _ignite_cuda_toolkit(_ignite_cuda_toolkit_root)
  if(_ignite_cuda_toolkit_root)
    set(IGNITE_TORCH_CUDA_SOURCE toolkit)
    # Torch's CUDA detection wants nvcc; help it find the usual install when not on PATH.
    if(NOT _ignite_cuda_toolkit_root STREQUAL "given" AND NOT _ignite_cuda_toolkit_root STREQUAL "PATH")
      set(CUDAToolkit_ROOT "${_ignite_cuda_toolkit_root}")
    endif()

    # What Torch's CUDA set-up needs on a machine that builds without a GPU (Ignite C++
    # compiles no CUDA sources itself; these only satisfy TorchConfig's checks):
    #  - a CUDA dialect CMake knows for nvcc: CMake < 3.26 has no CUDA20 for nvcc, and Torch
    #    copies CMAKE_CXX_STANDARD (20) into CMAKE_CUDA_STANDARD when it is unset;
    #  - TORCH_CUDA_ARCH_LIST: without it Torch runs a program on the GPU to pick the
    #    architectures, which fails without one. Default: the wheel's own list (2.14, cu130).
    if(NOT DEFINED CMAKE_CUDA_STANDARD)
      set(CMAKE_CUDA_STANDARD 17)
    endif()
    if(NOT DEFINED TORCH_CUDA_ARCH_LIST AND NOT DEFINED ENV{TORCH_CUDA_ARCH_LIST})
      set(TORCH_CUDA_ARCH_LIST "7.5;8.0;8.6;9.0;10.0;12.0" CACHE STRING
          "CUDA architectures for CUDA code (Torch's variable; none is compiled by Ignite C++ today)")
    endif()
  else()
    _ignite_torch_cuda_from_wheel(IGNITE_TORCH_CUDA_SOURCE)
  endif()

  # TorchConfig warns "library kineto not found." on every configure: it looks for a
  # separate libkineto, which LibTorch's shared builds (the wheel, the libtorch archives)
  # link into libtorch_cpu.so instead (640 libkineto symbols there). Naming that library
  # answers the search, so only this warning goes; torch_cpu is linked anyway. A LibTorch
  # with a real libkineto keeps it by giving kineto_LIBRARY. (NOT, not NOT DEFINED: a build
  # folder configured before holds kineto_LIBRARY-NOTFOUND in its cache.)
  if(NOT kineto_LIBRARY)
    set(kineto_LIBRARY torch_cpu)
  endif()
endmacro()

# _ignite_cuda_toolkit(OUT_VAR): OUT_VAR = the toolkit's root when an nvcc that runs is at
# /usr/local/cuda and not on PATH, `PATH` when one runs from PATH, `given` when the user named
# a toolkit (theirs to get right: Torch says what is wrong), else empty. An nvcc that does not
# run (a wrapper left behind by a removed toolkit) counts as none.
function(_ignite_cuda_toolkit out_var)
  set(result "")
  if(DEFINED CUDAToolkit_ROOT OR DEFINED ENV{CUDAToolkit_ROOT} OR DEFINED CMAKE_CUDA_COMPILER
     OR DEFINED ENV{CUDACXX})
    set(result given)
  else()
    find_program(nvcc nvcc NO_CACHE)
    set(where PATH)
    if(NOT nvcc AND EXISTS /usr/local/cuda/bin/nvcc)
      set(nvcc /usr/local/cuda/bin/nvcc)
      set(where /usr/local/cuda)
    endif()
    if(nvcc)
      execute_process(COMMAND "${nvcc}" --version RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
      if(rc EQUAL 0)
        set(result "${where}")
      else()
        message(STATUS "${nvcc} does not run (${rc}): building as without the CUDA toolkit")
      endif()
    endif()
  endif()
  set(${out_var} "${result}" PARENT_SCOPE)
endfunction()

# _ignite_torch_cuda_from_wheel(OUT_VAR): defines `torch::cudart` for a CUDA LibTorch when
# there is no CUDA toolkit (see the decision above) and sets OUT_VAR to `wheel`; leaves a
# CPU-only LibTorch alone (OUT_VAR empty). The LibTorch is the one find_package(Torch) will
# take: Torch_DIR, else the first CMAKE_PREFIX_PATH entry holding TorchConfig.cmake.
function(_ignite_torch_cuda_from_wheel out_var)
  set(${out_var} "" PARENT_SCOPE)
  set(config "")
  foreach(dir IN LISTS Torch_DIR CMAKE_PREFIX_PATH)
    foreach(sub "" /Torch /share/cmake/Torch /lib/cmake/Torch)
      if(NOT config AND EXISTS "${dir}${sub}/TorchConfig.cmake")
        set(config "${dir}${sub}")
      endif()
    endforeach()
  endforeach()
  if(NOT config)
    return()   # find_package(Torch) reports it
  endif()
  # TorchConfig's own rule for its prefix (torch/ in the wheel).
  if(DEFINED ENV{TORCH_INSTALL_PREFIX})
    set(prefix "$ENV{TORCH_INSTALL_PREFIX}")
  else()
    get_filename_component(prefix "${config}/../../.." ABSOLUTE)
  endif()
  if(TARGET torch::cudart OR NOT EXISTS "${prefix}/lib/libtorch_cuda.so")
    return()
  endif()

  # The wheel's CUDA runtime: site-packages/nvidia/cu13/lib (CUDA 13 wheels) or
  # nvidia/cuda_runtime/lib (CUDA 12); a libtorch archive bundles lib/libcudart-HASH.so.N.
  file(GLOB cudart "${prefix}/../nvidia/*/lib/libcudart.so.*" "${prefix}/lib/libcudart*.so*")
  add_library(torch::cudart INTERFACE IMPORTED)
  set(what "no CUDA runtime found beside it: libtorch_cuda.so's own RUNPATH must find it")
  if(cudart)
    list(GET cudart 0 cudart)
    get_filename_component(cudart "${cudart}" REALPATH)
    set_property(TARGET torch::cudart PROPERTY INTERFACE_LINK_LIBRARIES "${cudart}")
    get_filename_component(include "${cudart}/../../include" ABSOLUTE)
    set(version "")
    if(EXISTS "${include}/cuda_runtime_api.h")
      set_property(TARGET torch::cudart PROPERTY INTERFACE_INCLUDE_DIRECTORIES "${include}")
      file(STRINGS "${include}/cuda_runtime_api.h" line REGEX "^#define CUDART_VERSION +[0-9]+")
      if(line MATCHES "([0-9]+)$")
        math(EXPR major "${CMAKE_MATCH_1} / 1000")
        math(EXPR minor "(${CMAKE_MATCH_1} % 1000) / 10")
        set(version " ${major}.${minor}")
      endif()
    endif()
    set(what "the CUDA${version} runtime ${cudart}")
  endif()
  message(STATUS "No CUDA toolkit (no nvcc runs): LibTorch's CUDA libraries link without it, "
                 "with ${what}")
  set(${out_var} wheel PARENT_SCOPE)
endfunction()

# ignite_torch_link_fixes(OUT_VAR): call after find_package(Torch). Repairs Torch's link
# interface and sets OUT_VAR to the link options every program linking LibTorch needs (the
# caller applies them: add_link_options in the build, a target's INTERFACE_LINK_OPTIONS in
# the package).
function(ignite_torch_link_fixes out_var)
  set(options "")
  # The wheel's libtorch_cuda.so finds its CUDA libraries (NCCL, cuBLAS, cuDNN...) in the
  # wheel's nvidia/*/lib through its own RPATH; but the linker, checking the libraries'
  # dependencies, searches the -rpath directories of the CUDA toolkit first, where an older
  # libnccl.so.2 may be (the CUDA 13.0 toolkit's is older than torch 2.14's: undefined
  # ncclCommGrow...). -rpath-link makes the link see what the run will load. Only the link
  # is concerned: at run time libtorch_cuda's RPATH wins for its own dependencies.
  # (TORCH_INSTALL_PREFIX, not TORCH_LIBRARY: TorchConfig's find_library searches the system
  # first, and would name a Debian libtorch.so installed beside; the `torch` target is right.)
  if(TORCH_INSTALL_PREFIX)
    set(torch_lib "${TORCH_INSTALL_PREFIX}/lib")
    file(GLOB nvidia_libs LIST_DIRECTORIES true "${torch_lib}/../../nvidia/*/lib")
    if(nvidia_libs)
      list(JOIN nvidia_libs ":" nvidia_libs)
      set(options "LINKER:-rpath-link,${torch_lib}:${nvidia_libs}")
    endif()
  endif()

  # Torch's mkl.cmake adds ${MKL_ROOT}/lib/intel64 ... to every link (pytorch#73008); with
  # MKL linked into libtorch_cpu (the wheel) MKL_ROOT is empty, and the binaries got -L and
  # RUNPATH entries /lib/intel64, /lib/intel64_win, /lib/win-x64.
  if(TARGET caffe2::mkl AND NOT MKL_ROOT)
    set_property(TARGET caffe2::mkl PROPERTY INTERFACE_LINK_DIRECTORIES "")
  endif()
  set(${out_var} "${options}" PARENT_SCOPE)
endfunction()
