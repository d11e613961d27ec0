# The Debian package (`cpack -G DEB` in build/release, see scripts/package.sh and docs/packaging.md): everything a
# user's system needs beyond the executables and resources/, which install themselves (app/, loadgen/, resources/).
# Generated at build time from the one source of each text, so nothing can drift:
#   man pages       <- each executable's --help (help2man), `loadscope CMD --help` for the commands
#   PNG icons       <- resources/icons/loadscope.svg (rsvg-convert)
#   changelog, AppStream releases <- CHANGELOG.md (packaging/changelog.py; it refuses a version without a section)
# The version is PROJECT_VERSION everywhere (cmake/LoadscopeVersion.cmake puts it in the executables).
# On by default in a release build whose machine has the tools (scripts/package.sh installs them and turns it on).
find_program(LOADSCOPE_HELP2MAN help2man)
find_program(LOADSCOPE_RSVG_CONVERT rsvg-convert)
find_program(LOADSCOPE_PYTHON3 python3)
if(CMAKE_BUILD_TYPE STREQUAL "Release" AND LOADSCOPE_HELP2MAN AND LOADSCOPE_RSVG_CONVERT AND LOADSCOPE_PYTHON3)
  set(loadscope_packaging_default ON)
else()
  set(loadscope_packaging_default OFF)
endif()
option(LOADSCOPE_PACKAGING "Generate man pages, icons and metadata for the Debian package" ${loadscope_packaging_default})
if(NOT LOADSCOPE_PACKAGING)
  return()
endif()
if(NOT LOADSCOPE_HELP2MAN OR NOT LOADSCOPE_RSVG_CONVERT OR NOT LOADSCOPE_PYTHON3)
  message(FATAL_ERROR "LOADSCOPE_PACKAGING needs help2man, rsvg-convert (librsvg2-bin) and python3; "
                      "scripts/package.sh installs them (LOADSCOPE_PACKAGE_TOOLS in scripts/deps.sh)")
endif()
set(pkg_src ${CMAKE_SOURCE_DIR}/packaging)
set(pkg_out ${CMAKE_BINARY_DIR}/packaging)
file(MAKE_DIRECTORY ${pkg_out}/man ${pkg_out}/icons)

# Man pages: help2man runs each built executable (headless: no display variables, so `loadscope` never opens a
# window); the loadscope page gets a COMMANDS section from `loadscope CMD --help` of every command --help lists.
set(loadscope_man_pages)
foreach(exe IN ITEMS loadscope loadscope-loadgen loadscope-refserver)
  set(page ${pkg_out}/man/${exe}.1.gz)
  add_custom_command(OUTPUT ${page}
    COMMAND ${CMAKE_COMMAND} -E env --unset=DISPLAY --unset=WAYLAND_DISPLAY --unset=QT_QPA_PLATFORM
            sh ${pkg_src}/man-page.sh $<TARGET_FILE:${exe}> ${PROJECT_VERSION} ${page}
    DEPENDS ${exe} ${pkg_src}/man-page.sh
    COMMENT "Man page of ${exe} from its --help")
  list(APPEND loadscope_man_pages ${page})
  install(FILES ${page} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endforeach()

# Icons: the scalable SVG (installed by resources/) and PNGs of the usual hicolor sizes rendered from it.
set(loadscope_icons)
foreach(size IN ITEMS 16 22 24 32 48 64 128 256)
  set(icon ${pkg_out}/icons/${size}x${size}/loadscope.png)
  add_custom_command(OUTPUT ${icon}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${pkg_out}/icons/${size}x${size}
    COMMAND ${LOADSCOPE_RSVG_CONVERT} -w ${size} -h ${size} -o ${icon} ${CMAKE_SOURCE_DIR}/resources/icons/loadscope.svg
    DEPENDS ${CMAKE_SOURCE_DIR}/resources/icons/loadscope.svg
    COMMENT "Icon ${size}x${size}")
  list(APPEND loadscope_icons ${icon})
  install(FILES ${icon} DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps)
endforeach()

# Changelog and AppStream metainfo from CHANGELOG.md.
set(changelog ${pkg_out}/changelog)
set(metainfo ${pkg_out}/io.github.loadscope.Loadscope.metainfo.xml)
add_custom_command(OUTPUT ${changelog}.gz
  COMMAND ${LOADSCOPE_PYTHON3} ${pkg_src}/changelog.py debian ${CMAKE_SOURCE_DIR}/CHANGELOG.md ${PROJECT_VERSION}
          ${changelog}
  COMMAND gzip -9nf ${changelog}
  DEPENDS ${CMAKE_SOURCE_DIR}/CHANGELOG.md ${pkg_src}/changelog.py
  COMMENT "Debian changelog from CHANGELOG.md")
add_custom_command(OUTPUT ${metainfo}
  COMMAND ${LOADSCOPE_PYTHON3} ${pkg_src}/changelog.py appstream ${CMAKE_SOURCE_DIR}/CHANGELOG.md ${PROJECT_VERSION}
          ${metainfo} ${pkg_src}/io.github.loadscope.Loadscope.metainfo.xml.in
  DEPENDS ${CMAKE_SOURCE_DIR}/CHANGELOG.md ${pkg_src}/changelog.py ${pkg_src}/io.github.loadscope.Loadscope.metainfo.xml.in
  COMMENT "AppStream metainfo from CHANGELOG.md")
add_custom_target(loadscope_package_files ALL DEPENDS ${loadscope_man_pages} ${loadscope_icons} ${changelog}.gz ${metainfo})

install(FILES ${changelog}.gz ${pkg_src}/copyright DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/loadscope)
install(FILES ${metainfo} DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
# One completion script for the three commands (bash-completion loads it by the command's name).
foreach(exe IN ITEMS loadscope loadscope-loadgen loadscope-refserver)
  install(FILES ${pkg_src}/loadscope.bash-completion DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
          RENAME ${exe})
endforeach()

# The servers under test need these (the app does not): Recommends, read from the one list in scripts/deps.sh.
file(STRINGS ${CMAKE_SOURCE_DIR}/scripts/deps.sh server_line REGEX "^LOADSCOPE_SERVER_PACKAGES=\\(")
string(REGEX REPLACE "^LOADSCOPE_SERVER_PACKAGES=\\(([^)]*)\\).*" "\\1" server_packages "${server_line}")
string(STRIP "${server_packages}" server_packages)
string(REPLACE " " ", " server_packages "${server_packages}")
if(server_packages STREQUAL "")
  message(FATAL_ERROR "scripts/deps.sh: no LOADSCOPE_SERVER_PACKAGES=(...) line for the package's Recommends")
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME loadscope)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "Loadscope developers")
set(CPACK_PACKAGE_CONTACT "Loadscope developers <loadscope@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "benchmark HTTP servers: latency against load")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "benchmark HTTP servers: latency against load
Loadscope measures how an HTTP server's latency grows with load and where it
gives up. It starts the server under test, drives it with its own open-loop,
constant-rate load generator, samples the server's CPU and memory, stores
every run in a local SQLite database and plots latency percentiles against
the request rate.
.
The package holds the desktop app and command line (loadscope), the load
generator (loadscope-loadgen), a native reference server
(loadscope-refserver) and the built-in Python targets, which need the
recommended Python packages.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "${server_packages}")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "openssh-client")
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
    WORLD_READ WORLD_EXECUTE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR}/package)
include(CPack)
