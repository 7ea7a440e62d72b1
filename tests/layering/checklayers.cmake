# SPDX-License-Identifier: MIT
# Checks that every #include "…" in core/, ui/ and app/ points down the layers of DESIGN.md §1 and
# core/CMakeLists.txt, and that core/ includes no GUI header. Run as the CTest test `layering`:
#   cmake -DSOURCE_DIR=<checkout> -P tests/layering/checklayers.cmake
# Layers, lowest first: core/ (error, clock, version) 0, core/json 1, core/run 2, core/disk 3,
# core/service 4, ui 5, app 6. The one allowed exception: error.h includes json.h (an Error
# carries JSON details).
cmake_minimum_required(VERSION 3.22)
if(NOT SOURCE_DIR)
    message(FATAL_ERROR "give -DSOURCE_DIR=<checkout>")
endif()

set(folders core core/json core/run core/disk core/service ui app/gui app/cli)
set(levels  0    1         2        3         4            5  6       6)

# Which layer each header lives in.
foreach(folder level IN ZIP_LISTS folders levels)
    file(GLOB headers RELATIVE "${SOURCE_DIR}/${folder}" "${SOURCE_DIR}/${folder}/*.h")
    foreach(header IN LISTS headers)
        set("layer_of_${header}" ${level})
    endforeach()
endforeach()

set(problems "")
foreach(folder level IN ZIP_LISTS folders levels)
    file(GLOB sources "${SOURCE_DIR}/${folder}/*.h" "${SOURCE_DIR}/${folder}/*.cpp")
    foreach(source IN LISTS sources)
        get_filename_component(name "${source}" NAME)
        file(STRINGS "${source}" includes REGEX "^#include [\"<]")
        foreach(line IN LISTS includes)
            if(line MATCHES "^#include \"([^\"]+)\"")
                set(target "${CMAKE_MATCH_1}")
                if(NOT DEFINED "layer_of_${target}")
                    continue() # generated (moc) or a test-only header
                endif()
                if(${layer_of_${target}} GREATER ${level}
                   AND NOT (name STREQUAL "error.h" AND target STREQUAL "json.h"))
                    string(APPEND problems
                        "  ${folder}/${name} (layer ${level}) includes ${target} (layer ${layer_of_${target}})\n")
                endif()
            elseif(level LESS 5 AND line MATCHES
                   "^#include <(QtGui|QtWidgets|QWidget|QApplication|QGuiApplication|QColor|QPalette|QIcon|QPixmap|QImage|QFont|QPainter)[/>]")
                string(APPEND problems "  ${folder}/${name} includes a GUI header: ${line}\n")
            endif()
        endforeach()
    endforeach()
endforeach()

if(problems)
    message(FATAL_ERROR "includes that point up the layers (DESIGN.md §1, core/CMakeLists.txt):\n${problems}")
endif()
message(STATUS "layering: every include points down")
