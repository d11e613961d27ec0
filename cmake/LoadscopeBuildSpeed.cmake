# What keeps scripts/test.sh (four builds on 2 cores) short; none of it changes what is built.
#  - ccache (Debian's, from scripts/deps.sh) makes the second and later builds of a preset, and worktrees of the same
#    sources, cost seconds instead of minutes. Without it the build is unchanged.
#  - lld (Debian's, from scripts/deps.sh) links the ~60 test executables, each with a static Qt or runner library
#    and full debug information, several times faster than the default bfd linker. Without it, gold (part of
#    binutils, always there) is still faster than bfd.
find_program(LOADSCOPE_CCACHE ccache)
if(LOADSCOPE_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${LOADSCOPE_CCACHE})
endif()

option(LOADSCOPE_FAST_LINKER "Link with lld (or gold) instead of the default linker" ON)
if(LOADSCOPE_FAST_LINKER AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  find_program(LOADSCOPE_LLD ld.lld)
  if(LOADSCOPE_LLD)
    add_link_options(-fuse-ld=lld)
  else()
    add_link_options(-fuse-ld=gold)
  endif()
endif()
