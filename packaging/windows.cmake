# SPDX-License-Identifier: MIT
# Windows: an NSIS installer (runboard-<version>-windows-<arch>.exe) that puts runboard.exe,
# runboard-cli.exe and the Qt libraries they need (copied by windeployqt) under
# "Program Files\Runboard", with a Start menu entry and an uninstaller.
# Included by packaging/CMakeLists.txt on Windows only. It has not been built or run yet: the
# project's machines are Linux. docs/packaging.md says how to build it and what to check.

# The window, not a console: the GUI is a Windows-subsystem program. (So `runboard --version`
# prints nothing in a console window; runboard-cli.exe is a console program as usual.)
set_target_properties(runboard PROPERTIES WIN32_EXECUTABLE TRUE)
# The executable's icon, which Explorer, the taskbar and the shortcuts show. The .rc names
# runboard.ico next to it; scripts/icons makes the .ico from resources/icons/runboard.svg.
target_sources(runboard PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/windows/runboard.rc)

install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION . RENAME LICENSE.txt)

# The C++ runtime of MSVC (msvcp140.dll, vcruntime140*.dll) next to the executables.
set(CMAKE_INSTALL_SYSTEM_RUNTIME_DESTINATION ${CMAKE_INSTALL_BINDIR})
include(InstallRequiredSystemLibraries)

# simdjson, when it comes as a DLL (vcpkg's default x64-windows triplet); a static simdjson
# needs nothing. windeployqt copies Qt's libraries only.
get_target_property(runboard_simdjson_type simdjson::simdjson TYPE)
if(runboard_simdjson_type STREQUAL "SHARED_LIBRARY")
    install(IMPORTED_RUNTIME_ARTIFACTS simdjson::simdjson
            RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

# Qt's DLLs, the platform plugin (qwindows), styles and image formats: windeployqt from the Qt
# that the build uses, run on the installed executables (so in CPack's staging folder too).
find_program(RUNBOARD_WINDEPLOYQT windeployqt
             HINTS "${QT6_INSTALL_PREFIX}/${QT6_INSTALL_BINS}" REQUIRED)
install(CODE "set(runboard_windeployqt \"${RUNBOARD_WINDEPLOYQT}\")
set(runboard_bindir \"${CMAKE_INSTALL_BINDIR}\")")
install(CODE [[
set(runboard_bin "$ENV{DESTDIR}${CMAKE_INSTALL_PREFIX}/${runboard_bindir}")
foreach(runboard_exe IN ITEMS runboard.exe runboard-cli.exe)
    message(STATUS "windeployqt: ${runboard_bin}/${runboard_exe}")
    execute_process(COMMAND "${runboard_windeployqt}" --verbose 0 "${runboard_bin}/${runboard_exe}"
                    RESULT_VARIABLE runboard_result)
    if(NOT runboard_result EQUAL 0)
        message(FATAL_ERROR "windeployqt failed on ${runboard_exe} (${runboard_result})")
    endif()
endforeach()
]])

set(CPACK_GENERATOR NSIS)
set(CPACK_PACKAGE_FILE_NAME "runboard-${PROJECT_VERSION}-windows-${runboard_arch}")
set(CPACK_NSIS_PACKAGE_NAME "Runboard ${PROJECT_VERSION}")
set(CPACK_NSIS_DISPLAY_NAME "Runboard")
set(CPACK_NSIS_INSTALL_ROOT "$PROGRAMFILES64")
set(CPACK_NSIS_MUI_ICON "${CMAKE_CURRENT_SOURCE_DIR}/windows/runboard.ico")
set(CPACK_NSIS_MUI_UNIICON "${CMAKE_CURRENT_SOURCE_DIR}/windows/runboard.ico")
# The icon of the "Apps & features" entry: the one inside runboard.exe.
set(CPACK_NSIS_INSTALLED_ICON_NAME "bin\\\\runboard.exe")
# Start menu entry "Runboard" for bin\runboard.exe, and an optional desktop shortcut.
set(CPACK_PACKAGE_EXECUTABLES "runboard" "Runboard")
set(CPACK_CREATE_DESKTOP_LINKS "runboard")
# Offers to put bin\ on PATH, for runboard-cli in a terminal.
set(CPACK_NSIS_MODIFY_PATH ON)
set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
set(CPACK_NSIS_MANIFEST_DPI_AWARE ON)
