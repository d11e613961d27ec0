# Strict warnings for our own targets only (third-party headers come in as SYSTEM includes).
add_library(loadscope_warnings INTERFACE)
target_compile_options(loadscope_warnings INTERFACE -Wall -Wextra -Wpedantic)
if(LOADSCOPE_WERROR)
  target_compile_options(loadscope_warnings INTERFACE -Werror)
endif()
