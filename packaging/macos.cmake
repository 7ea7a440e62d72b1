# SPDX-License-Identifier: MIT
# macOS: a drag-and-drop disk image (runboard-<version>-macos-<arch>.dmg) holding Runboard.app,
# with runboard-cli inside the bundle and the Qt frameworks copied in by macdeployqt.
# Included by packaging/CMakeLists.txt on macOS only. It has not been built or run yet: the
# project's machines are Linux. docs/packaging.md says how to build it and what to check.

# runboard becomes Runboard.app; the bundle's metadata comes from macos/Info.plist.in.
set(RUNBOARD_BUNDLE_EXECUTABLE Runboard)
if(CMAKE_OSX_DEPLOYMENT_TARGET)
    set(RUNBOARD_MINIMUM_SYSTEM_VERSION
        "    <key>LSMinimumSystemVersion</key>\n    <string>${CMAKE_OSX_DEPLOYMENT_TARGET}</string>\n")
else()
    set(RUNBOARD_MINIMUM_SYSTEM_VERSION "")
endif()
configure_file(macos/Info.plist.in ${CMAKE_CURRENT_BINARY_DIR}/Info.plist @ONLY)
set_target_properties(runboard PROPERTIES
    MACOSX_BUNDLE TRUE
    OUTPUT_NAME ${RUNBOARD_BUNDLE_EXECUTABLE}
    MACOSX_BUNDLE_INFO_PLIST ${CMAKE_CURRENT_BINARY_DIR}/Info.plist)
# The icon, in Contents/Resources; scripts/icons makes it from resources/icons/runboard.svg.
target_sources(runboard PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/macos/runboard.icns)
set_source_files_properties(${CMAKE_CURRENT_SOURCE_DIR}/macos/runboard.icns
    TARGET_DIRECTORY runboard PROPERTIES MACOSX_PACKAGE_LOCATION Resources)

# runboard-cli next to the GUI's executable, where `runboard --demo` looks for it. From a
# terminal: /Applications/Runboard.app/Contents/MacOS/runboard-cli.
set(runboard_bundle_dir ${RUNBOARD_BUNDLE_EXECUTABLE}.app)
install(TARGETS runboard-cli RUNTIME DESTINATION ${runboard_bundle_dir}/Contents/MacOS)
install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION ${runboard_bundle_dir}/Contents/Resources
        RENAME LICENSE.txt)

# The Qt frameworks and plugins (and any other non-system library, such as a Homebrew
# simdjson), copied into the bundle by macdeployqt from the Qt that the build uses; runboard-cli
# is passed with -executable so that its library references are rewritten too. macdeployqt
# changes the binaries, so they are signed again: ad hoc ("-") unless an identity is given.
find_program(RUNBOARD_MACDEPLOYQT macdeployqt
             HINTS "${QT6_INSTALL_PREFIX}/${QT6_INSTALL_BINS}" REQUIRED)
set(RUNBOARD_CODESIGN_IDENTITY "-" CACHE STRING
    "codesign identity macdeployqt signs Runboard.app with (- = ad hoc)")
install(CODE "set(runboard_macdeployqt \"${RUNBOARD_MACDEPLOYQT}\")
set(runboard_bundle \"${runboard_bundle_dir}\")
set(runboard_identity \"${RUNBOARD_CODESIGN_IDENTITY}\")")
install(CODE [[
set(runboard_app "$ENV{DESTDIR}${CMAKE_INSTALL_PREFIX}/${runboard_bundle}")
message(STATUS "macdeployqt: ${runboard_app}")
execute_process(COMMAND "${runboard_macdeployqt}" "${runboard_app}"
                        "-executable=${runboard_app}/Contents/MacOS/runboard-cli"
                        "-codesign=${runboard_identity}"
                RESULT_VARIABLE runboard_result)
if(NOT runboard_result EQUAL 0)
    message(FATAL_ERROR "macdeployqt failed (${runboard_result})")
endif()
]])

set(CPACK_GENERATOR DragNDrop)
set(CPACK_PACKAGE_FILE_NAME "runboard-${PROJECT_VERSION}-macos-${runboard_arch}")
set(CPACK_DMG_VOLUME_NAME "Runboard")
set(CPACK_DMG_FORMAT UDZO)
# No licence agreement on opening the image: LICENSE.txt is inside the bundle, and the old
# resource-fork licence dialog needs tools Apple has deprecated.
unset(CPACK_RESOURCE_FILE_LICENSE)
set(CPACK_DMG_SLA_USE_RESOURCE_FILE_LICENSE OFF)
