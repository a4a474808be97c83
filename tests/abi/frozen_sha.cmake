# The frozen ABI headers stay byte for byte as released (tests/abi/frozen/README.md): each
# file's sha256 must be the one the README records. Run with -DDIR=<tests/abi/frozen>.
file(READ ${DIR}/README.md readme)
foreach(file 1.0/ignite/plugin.h 1.1/ignite/plugin.h 1.2/ignite/plugin.h 1.2/ignite/events.def 1.3/ignite/plugin.h
             1.3/ignite/events.def 1.4/ignite/plugin.h 1.4/ignite/events.def 1.5/ignite/plugin.h
             1.5/ignite/events.def 1.5/ignite/priority_bands.def)
  file(SHA256 ${DIR}/${file} sha)
  string(FIND "${readme}" "${sha}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "tests/abi/frozen/${file} changed (sha256 ${sha} is not in tests/abi/frozen/README.md); "
                        "frozen headers are never edited: restore the released copy")
  endif()
endforeach()
