# Generates loadscope_version.h at every build, so the git commit is never stale; the file is only rewritten when
# its content changes, so nothing rebuilds needlessly.
set(LOADSCOPE_VERSION_HEADER_DIR ${CMAKE_BINARY_DIR}/generated)
add_custom_target(loadscope_version_header
  COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${CMAKE_SOURCE_DIR} -DOUT=${LOADSCOPE_VERSION_HEADER_DIR}/loadscope_version.h
          -DVERSION=${PROJECT_VERSION} -P ${CMAKE_SOURCE_DIR}/cmake/WriteVersionHeader.cmake
  BYPRODUCTS ${LOADSCOPE_VERSION_HEADER_DIR}/loadscope_version.h
  COMMENT "Updating loadscope_version.h")
add_library(loadscope_version INTERFACE)
target_include_directories(loadscope_version INTERFACE ${LOADSCOPE_VERSION_HEADER_DIR})
add_dependencies(loadscope_version loadscope_version_header)
