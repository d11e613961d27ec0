# The sanitizer builds (CMakePresets.json: asan, tsan). LOADSCOPE_SANITIZE picks one family; TSan cannot be combined
# with ASan, so they are two presets.
string(TOLOWER "${LOADSCOPE_SANITIZE}" loadscope_sanitize)
if(loadscope_sanitize MATCHES "^(on|yes|true|1|address)$")
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
elseif(loadscope_sanitize STREQUAL "thread")
  # -O1 keeps TSan's 5-15x slowdown from turning the process tests' bounded waits into timeouts; frame pointers keep
  # its two stacks per report readable.
  # -Wno-tsan: GCC warns that TSan does not model std::atomic_thread_fence, which only Boost.Asio's headers use
  # (std_fenced_block, third-party); at worst it reports a false race there (tests/tsan.supp says which).
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer -O1 $<$<CXX_COMPILER_ID:GNU>:-Wno-tsan>)
  add_link_options(-fsanitize=thread)
elseif(NOT loadscope_sanitize MATCHES "^(|off|no|false|0)$")
  message(FATAL_ERROR "LOADSCOPE_SANITIZE is '${LOADSCOPE_SANITIZE}'; expected address, thread or empty")
endif()
