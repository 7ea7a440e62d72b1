# SPDX-License-Identifier: MIT
# Linux: a Debian package (for Debian 12 and its derivatives) and a tarball of the same tree
# less the Debian-only files.
# Included by packaging/CMakeLists.txt. scripts/package builds both, runs lintian and the
# desktop validators on them, and installs, runs and removes the .deb.

# The Debian revision of the package; the top entry of packaging/debian/changelog must be
# "<project version>-<revision>" (scripts/package checks it: add an entry with each release).
set(RUNBOARD_DEBIAN_REVISION 1)

find_program(RUNBOARD_GZIP gzip REQUIRED)
set(runboard_generated ${CMAKE_CURRENT_BINARY_DIR}/generated)

# Compressed as Debian policy asks: gzip -9, and -n so that no name or time stamp goes into the
# header (reproducible, and lintian's package-contains-timestamped-gzip).
function(runboard_gzip input output)
    add_custom_command(OUTPUT ${output}
        COMMAND ${RUNBOARD_GZIP} -9nc ${input} > ${output}
        DEPENDS ${input}
        COMMENT "Compressing ${output}"
        VERBATIM)
endfunction()

# Manual pages: hand-written troff in docs/man, the version filled in here.
set(runboard_man_pages)
foreach(page runboard runboard-cli)
    configure_file(${PROJECT_SOURCE_DIR}/docs/man/${page}.1.in ${runboard_generated}/${page}.1
                   @ONLY)
    runboard_gzip(${runboard_generated}/${page}.1 ${runboard_generated}/${page}.1.gz)
    list(APPEND runboard_man_pages ${runboard_generated}/${page}.1.gz)
endforeach()
runboard_gzip(${CMAKE_CURRENT_SOURCE_DIR}/debian/changelog
              ${runboard_generated}/changelog.Debian.gz)
add_custom_target(runboard_linux_docs ALL
    DEPENDS ${runboard_man_pages} ${runboard_generated}/changelog.Debian.gz)

install(FILES ${runboard_man_pages} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
# Not CMAKE_INSTALL_DOCDIR: that is named after project(), "Runboard", not after the package.
install(FILES ${CMAKE_CURRENT_SOURCE_DIR}/debian/copyright
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/runboard)
# Debian-only files, left out of the tarball (cpack-linux.cmake): the changelog in Debian's
# format, and the lintian overrides, each justified in a comment in the file.
install(FILES ${runboard_generated}/changelog.Debian.gz
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/runboard COMPONENT debian)
install(FILES ${CMAKE_CURRENT_SOURCE_DIR}/debian/lintian-overrides
        DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides RENAME runboard
        COMPONENT debian)
set(CPACK_PROJECT_CONFIG_FILE ${CMAKE_CURRENT_SOURCE_DIR}/cpack-linux.cmake)

set(CPACK_GENERATOR "DEB;TGZ")
# The tarball: runboard-<version>-linux-<arch>/{bin,share}, meant to be unpacked anywhere (it
# uses the system's Qt 6; see docs/packaging.md).
set(CPACK_PACKAGE_FILE_NAME "runboard-${PROJECT_VERSION}-linux-${runboard_arch}")

# The .deb: runboard_<version>-<revision>_<arch>.deb, installed under /usr.
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE ${RUNBOARD_DEBIAN_REVISION})
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
# Depends: computed by dpkg-shlibdeps from the two executables (Qt 6 Core, Gui, Widgets, DBus,
# simdjson, the C and C++ runtimes). Nothing has to be added by hand: in Debian 12 the platform
# plugins the application needs (xcb for X11, offscreen for headless checks) ship inside
# libqt6gui6, which shlibdeps finds; qt6-qpa-plugins only holds the vnc and tuio plugins.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Recommends: the Wayland platform plugin is a plugin, so shlibdeps cannot see it; without it Qt
# still runs on a Wayland desktop, through XWayland.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "qt6-wayland")
# No maintainer scripts: they would only refresh the icon, desktop-entry and manual-page caches,
# and hicolor-icon-theme, desktop-file-utils and man-db do that through dpkg triggers on those
# folders. The control files get the standard modes.
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
