#pragma once
// Which part of a server a frame belongs to, for the flame graph's colours and legend: the event loop machinery
// (asyncio), the rest of Python's standard library, the web framework and its helpers, the application (the server
// script and anything else), native code (perf's user-space symbols), the kernel, and idle.

#include <string>
#include <string_view>

namespace loadscope {

enum class FramePackage { Application, Framework, Asyncio, StandardLibrary, Native, Kernel, Idle };
inline constexpr int kFramePackageCount = 7;

// From a frame's name: Python frames are "module.path:function" (the first module part decides), perf frames are
// symbols, "symbol_[k]" in the kernel.
FramePackage framePackage(std::string_view frame);
std::string framePackageName(FramePackage package); // "framework", "asyncio", ...
// The module of a Python frame ("tornado.gen" of "tornado.gen:Runner.run"), empty for native frames.
std::string_view frameModule(std::string_view frame);

} // namespace loadscope
