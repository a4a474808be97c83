# ignite_fmt_shim(OUT_VAR): call after find_package(fmt). LibTorch 2.x puts its bundled {fmt}
# headers (12.x for torch 2.14) in its own include directory, which the compiler searches
# before /usr/include, where the fmt we link (Debian's libfmt.so.9) keeps its headers:
# compiled against one, linked to the other, every fmt::format call is an undefined symbol.
# Sets OUT_VAR to a directory (in the caller's build tree) holding only a link to the linked
# fmt's headers; put first on the include path, it makes <fmt/...> mean the linked fmt. Used
# by the Ignite C++ build and by IgniteConfig.cmake for projects using the installed package.
function(ignite_fmt_shim out_var)
  get_target_property(fmt_includes fmt::fmt INTERFACE_INCLUDE_DIRECTORIES)
  find_path(IGNITE_FMT_INCLUDE_DIR fmt/format.h HINTS ${fmt_includes} NO_CMAKE_PATH NO_CMAKE_ENVIRONMENT_PATH)
  set(shim ${CMAKE_BINARY_DIR}/ignite-fmt-include)
  file(MAKE_DIRECTORY ${shim})
  file(CREATE_LINK ${IGNITE_FMT_INCLUDE_DIR}/fmt ${shim}/fmt SYMBOLIC)
  set(${out_var} ${shim} PARENT_SCOPE)
endfunction()
