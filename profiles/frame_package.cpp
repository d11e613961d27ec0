#include "frame_package.h"

#include "folded_profile.h"

#include <algorithm>
#include <array>

namespace loadscope {

namespace {

// Web frameworks and the libraries they are made of, as Debian packages them (python3-tornado, python3-aiohttp ...).
constexpr std::array<std::string_view, 16> kFrameworks = {
    "aiohttp", "anyio",  "h11",  "httptools",  "multidict", "sniffio",       "starlette", "tornado",
    "uvicorn", "uvloop", "yarl", "frozenlist", "aiosignal", "async_timeout", "click",     "websockets"};

// The standard library modules a server's stacks show (sys.stdlib_module_names has them all; these suffice to tell
// the library from an application module of another name).
constexpr std::array<std::string_view, 75> kStandardLibrary = {
    "abc",       "argparse",    "ast",         "base64",      "binascii",   "bisect",      "calendar",
    "cgi",       "codecs",      "collections", "concurrent",  "contextlib", "contextvars", "copy",
    "copyreg",   "dataclasses", "datetime",    "decimal",     "email",      "encodings",   "enum",
    "errno",     "fnmatch",     "functools",   "genericpath", "gettext",    "glob",        "gzip",
    "hashlib",   "heapq",       "hmac",        "html",        "http",       "importlib",   "importlib._bootstrap",
    "inspect",   "io",          "ipaddress",   "itertools",   "json",       "keyword",     "linecache",
    "locale",    "logging",     "mimetypes",   "numbers",     "operator",   "os",          "pathlib",
    "platform",  "posixpath",   "queue",       "random",      "re",         "reprlib",     "runpy",
    "selectors", "shutil",      "signal",      "site",        "socket",     "ssl",         "stat",
    "string",    "struct",      "subprocess",  "tempfile",    "threading",  "time",        "traceback",
    "types",     "typing",      "urllib",      "uuid",        "weakref"};

std::string_view firstModulePart(std::string_view module) {
    return module.substr(0, module.find('.'));
}

} // namespace

std::string_view frameModule(std::string_view frame) {
    const auto colon = frame.find(':');
    if (colon == std::string_view::npos || colon == 0)
        return {};
    const auto module = frame.substr(0, colon);
    // Native symbols have "::" or spaces; a Python module is a dotted name.
    if (frame.substr(colon, 2) == "::" || module.find_first_of(" ()<>") != std::string_view::npos)
        return {};
    return module;
}

FramePackage framePackage(std::string_view frame) {
    if (frame == kIdleFrame)
        return FramePackage::Idle;
    if (frame.ends_with("_[k]"))
        return FramePackage::Kernel;
    const auto module = frameModule(frame);
    if (module.empty())
        return FramePackage::Native;
    const auto top = firstModulePart(module);
    if (top == "asyncio" || top == "selectors")
        return FramePackage::Asyncio;
    if (std::find(kFrameworks.begin(), kFrameworks.end(), top) != kFrameworks.end())
        return FramePackage::Framework;
    if (top.starts_with("frozen_") || top.starts_with("_") ||
        std::find(kStandardLibrary.begin(), kStandardLibrary.end(), top) != kStandardLibrary.end())
        return FramePackage::StandardLibrary;
    return FramePackage::Application;
}

std::string framePackageName(FramePackage package) {
    switch (package) {
    case FramePackage::Application:
        return "application";
    case FramePackage::Framework:
        return "framework";
    case FramePackage::Asyncio:
        return "asyncio";
    case FramePackage::StandardLibrary:
        return "standard library";
    case FramePackage::Native:
        return "native";
    case FramePackage::Kernel:
        return "kernel";
    case FramePackage::Idle:
        return "idle";
    }
    return "application";
}

} // namespace loadscope
