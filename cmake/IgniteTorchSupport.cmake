# What finding and linking LibTorch needs beyond find_package(Torch), in one place for the
# Ignite C++ build (cmake/IgniteTorch.cmake) and for projects using the installed Ignite
# package (IgniteConfig.cmake), which find the same LibTorch.

# ignite_torch_prerequisites(): call before find_package(Torch). A macro: the variables it
# sets must be seen by TorchConfig in the caller's scope.
macro(ignite_torch_prerequisites)
  # Torch's CUDA detection wants nvcc; help it find the usual install when not on PATH.
  if(NOT DEFINED CUDAToolkit_ROOT AND NOT DEFINED ENV{CUDAToolkit_ROOT} AND NOT DEFINED CMAKE_CUDA_COMPILER)
    find_program(_ignite_nvcc nvcc)
    if(NOT _ignite_nvcc AND EXISTS /usr/local/cuda/bin/nvcc)
      set(CUDAToolkit_ROOT /usr/local/cuda)
    endif()
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
endmacro()

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
