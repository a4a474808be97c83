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
# else /usr/local/cuda. Its major version must match the one torch was built with. Without
# a toolkit (no nvcc that runs) the wheel's own CUDA runtime stands in for it
# (cmake/IgniteTorchSupport.cmake says how and why).

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

include(${CMAKE_CURRENT_LIST_DIR}/IgniteTorchSupport.cmake)
ignite_torch_prerequisites()

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
  # Run again, loudly, for Torch's own message (most often: a CUDA toolkit whose major
  # version is not the one this LibTorch was built with).
  find_package(Torch REQUIRED)
endif()

ignite_torch_link_fixes(_ignite_torch_link_options)
if(_ignite_torch_link_options)
  add_link_options(${_ignite_torch_link_options})
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
if(IGNITE_TORCH_CUDA_SOURCE STREQUAL "wheel")
  set(_ignite_cuda "a CUDA build; no CUDA toolkit: the CUDA runtime installed with it")
elseif(TARGET torch_cuda OR TARGET c10_cuda)
  set(_ignite_cuda "a CUDA build; CUDA toolkit ${CUDAToolkit_VERSION}")
endif()
set(_ignite_where "")
if(IGNITE_TORCH_FROM_VENV)
  set(_ignite_where " (venv ${IGNITE_VENV})")
endif()
message(STATUS "LibTorch ${Torch_VERSION} (${_ignite_cuda}) from ${Torch_DIR}${_ignite_where}")
