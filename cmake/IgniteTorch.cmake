# Finds LibTorch for Ignite C++ and defines `torch` (Torch's own imported targets).
#
# Default: the `torch` wheel that scripts/install-deps.sh installs into the project's venv,
#   IGNITE_VENV (cache) = $ENV{IGNITE_VENV}, else $ENV{XDG_CACHE_HOME}/ignite-cpp/venv,
#   else $ENV{HOME}/.cache/ignite-cpp/venv (the same rule as install-deps.sh),
# at the version pinned in scripts/requirements.txt (checked: a stale venv is an error
# that says to run install-deps.sh; a venv given with -DIGNITE_VENV is not checked).
# Override: -DTorch_DIR=<libtorch>/share/cmake/Torch or -DCMAKE_PREFIX_PATH=<libtorch>
# (any LibTorch 2.x: another wheel's torch.utils.cmake_prefix_path, or an unpacked
# libtorch archive; a CPU-only one needs no CUDA toolkit). Those take precedence over the
# venv, and their version is only reported.
#
# A CUDA build of LibTorch (the PyPI wheel is one) makes find_package(Torch) look for the
# CUDA toolkit (nvcc, headers, CUDA::* libraries): CUDAToolkit_ROOT, else nvcc on PATH,
# else /usr/local/cuda. Its major version must match the one torch was built with.

file(STRINGS ${PROJECT_SOURCE_DIR}/scripts/requirements.txt _ignite_torch_pin REGEX "^torch==")
string(REGEX REPLACE "^torch==([^ ;#]+).*" "\\1" IGNITE_TORCH_PIN "${_ignite_torch_pin}")

if(DEFINED ENV{IGNITE_VENV} AND NOT "$ENV{IGNITE_VENV}" STREQUAL "")
  set(_ignite_venv_default "$ENV{IGNITE_VENV}")
elseif(DEFINED ENV{XDG_CACHE_HOME} AND NOT "$ENV{XDG_CACHE_HOME}" STREQUAL "")
  set(_ignite_venv_default "$ENV{XDG_CACHE_HOME}/ignite-cpp/venv")
else()
  set(_ignite_venv_default "$ENV{HOME}/.cache/ignite-cpp/venv")
endif()
set(IGNITE_VENV "${_ignite_venv_default}" CACHE PATH
    "The venv scripts/install-deps.sh installs the pinned torch wheel into (LibTorch comes from it)")

# The wheel's CMake package: <venv>/lib/python3.X/site-packages/torch/share/cmake
# (torch.utils.cmake_prefix_path), found without starting Python.
file(GLOB _ignite_venv_torch LIST_DIRECTORIES true
     "${IGNITE_VENV}/lib/python3*/site-packages/torch/share/cmake")
if(_ignite_venv_torch)
  list(GET _ignite_venv_torch 0 IGNITE_VENV_TORCH_PREFIX)
  # Appended: a CMAKE_PREFIX_PATH given by the user is searched first.
  list(APPEND CMAKE_PREFIX_PATH "${IGNITE_VENV_TORCH_PREFIX}")
endif()

# Torch's CUDA detection wants nvcc; help it find the usual install when not on PATH.
if(NOT DEFINED CUDAToolkit_ROOT AND NOT DEFINED ENV{CUDAToolkit_ROOT} AND NOT DEFINED CMAKE_CUDA_COMPILER)
  find_program(_ignite_nvcc nvcc)
  if(NOT _ignite_nvcc AND EXISTS /usr/local/cuda/bin/nvcc)
    set(CUDAToolkit_ROOT /usr/local/cuda)
  endif()
endif()

# What Torch's CUDA set-up needs on a machine that builds without a GPU (this project
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

# CMP0104 OLD: enable_language(CUDA) leaves CMAKE_CUDA_ARCHITECTURES unset, which Torch
# (TORCH_CUDA_ARCH_LIST) wants; NEW sets it and Torch warns that it ignores it.
cmake_policy(PUSH)
cmake_policy(SET CMP0104 OLD)
find_package(Torch QUIET)
cmake_policy(POP)
if(NOT Torch_FOUND)
  if(NOT _ignite_venv_torch AND NOT Torch_DIR)
    message(FATAL_ERROR "LibTorch not found: no torch in ${IGNITE_VENV} (IGNITE_VENV). "
                        "Run scripts/install-deps.sh, or pass -DTorch_DIR=<libtorch>/share/cmake/Torch.")
  endif()
  # Run again, loudly, for Torch's own message (most often: a CUDA LibTorch without the
  # CUDA toolkit; install it, or use a CPU-only LibTorch through Torch_DIR).
  find_package(Torch REQUIRED)
endif()

# The wheel's libtorch_cuda.so finds its CUDA libraries (NCCL, cuBLAS, cuDNN...) in the
# wheel's nvidia/*/lib through its own RPATH; but the linker, checking the libraries'
# dependencies, searches the -rpath directories of the CUDA toolkit first, where an older
# libnccl.so.2 may be (the CUDA 13.0 toolkit's is older than torch 2.14's: undefined
# ncclCommGrow...). -rpath-link makes the link see what the run will load. Only the link
# is concerned: at run time libtorch_cuda's RPATH wins for its own dependencies.
# (TORCH_INSTALL_PREFIX, not TORCH_LIBRARY: TorchConfig's find_library searches the system
# first, and would name a Debian libtorch.so installed beside; the `torch` target is right.)
if(TORCH_INSTALL_PREFIX)
  set(_ignite_torch_lib "${TORCH_INSTALL_PREFIX}/lib")
  file(GLOB _ignite_nvidia_libs LIST_DIRECTORIES true "${_ignite_torch_lib}/../../nvidia/*/lib")
  if(_ignite_nvidia_libs)
    list(JOIN _ignite_nvidia_libs ":" _ignite_nvidia_libs)
    add_link_options("LINKER:-rpath-link,${_ignite_torch_lib}:${_ignite_nvidia_libs}")
  endif()
endif()

# Torch's mkl.cmake adds ${MKL_ROOT}/lib/intel64 ... to every link (pytorch#73008); with
# MKL linked into libtorch_cpu (the wheel) MKL_ROOT is empty, and the binaries got -L and
# RUNPATH entries /lib/intel64, /lib/intel64_win, /lib/win-x64.
if(TARGET caffe2::mkl AND NOT MKL_ROOT)
  set_property(TARGET caffe2::mkl PROPERTY INTERFACE_LINK_DIRECTORIES "")
endif()

get_filename_component(_ignite_torch_dir "${Torch_DIR}" REALPATH)
set(IGNITE_TORCH_FROM_VENV OFF)
if(IGNITE_VENV_TORCH_PREFIX)
  get_filename_component(_ignite_venv_real "${IGNITE_VENV_TORCH_PREFIX}" REALPATH)
  string(FIND "${_ignite_torch_dir}" "${_ignite_venv_real}" _ignite_at)
  if(_ignite_at EQUAL 0)
    set(IGNITE_TORCH_FROM_VENV ON)
  endif()
endif()

# The venv install-deps.sh makes must hold the pin; one chosen with -DIGNITE_VENV=OTHER is
# the user's (e.g. an older 2.x to check): its version is only reported.
if(IGNITE_TORCH_FROM_VENV AND IGNITE_VENV STREQUAL _ignite_venv_default
   AND NOT Torch_VERSION VERSION_EQUAL IGNITE_TORCH_PIN)
  message(FATAL_ERROR "The venv ${IGNITE_VENV} has torch ${Torch_VERSION}, scripts/requirements.txt pins "
                      "${IGNITE_TORCH_PIN}: run scripts/install-deps.sh (it re-creates the venv).")
endif()
if(Torch_VERSION VERSION_LESS 2.0)
  message(FATAL_ERROR "LibTorch ${Torch_VERSION} at ${Torch_DIR}: Ignite C++ needs LibTorch 2.x")
endif()
set(_ignite_cuda "CPU only")
if(TARGET torch_cuda OR TARGET c10_cuda)
  set(_ignite_cuda "a CUDA build; CUDA toolkit ${CUDAToolkit_VERSION}")
endif()
set(_ignite_where "")
if(IGNITE_TORCH_FROM_VENV)
  set(_ignite_where " (venv ${IGNITE_VENV})")
endif()
message(STATUS "LibTorch ${Torch_VERSION} (${_ignite_cuda}) from ${Torch_DIR}${_ignite_where}")
