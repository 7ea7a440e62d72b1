# SPDX-License-Identifier: MIT
# Read by cpack once per generator (CPACK_PROJECT_CONFIG_FILE, set in linux.cmake). The .deb
# installs every component; the tarball leaves out component "debian" (the Debian changelog and
# the lintian overrides), which means nothing outside a Debian package. Every other install rule
# of the project is in CMake's default component, "Unspecified". (A source package, which also
# reads this file, installs no project and is left alone.)
if(CPACK_GENERATOR STREQUAL "TGZ" AND CPACK_INSTALL_CMAKE_PROJECTS)
    list(GET CPACK_INSTALL_CMAKE_PROJECTS 0 runboard_build_dir)
    list(GET CPACK_INSTALL_CMAKE_PROJECTS 1 runboard_project)
    set(CPACK_INSTALL_CMAKE_PROJECTS "${runboard_build_dir};${runboard_project};Unspecified;/")
endif()
