# riskd_add_detector(<name> SOURCES <files...> [LIBRARIES <libs...>])
#
# Builds a detector plugin as a shared module named `riskd-<name>.so` in
# ${RISKD_PLUGIN_OUTPUT_DIR} (default: <build>/plugins). Symbols are hidden by
# default and a linker version script exports only the riskd_* ABI functions,
# so a plugin's own copies of libraries never clash with the host's.
set(RISKD_SDK_DIR "${CMAKE_CURRENT_LIST_DIR}")
if(NOT RISKD_PLUGIN_OUTPUT_DIR)
  set(RISKD_PLUGIN_OUTPUT_DIR "${CMAKE_BINARY_DIR}/plugins")
endif()

function(riskd_add_detector name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBRARIES" ${ARGN})
  set(target "riskd-${name}")
  add_library(${target} MODULE ${ARG_SOURCES})
  target_include_directories(${target} PRIVATE "${RISKD_SDK_DIR}")
  target_link_libraries(${target} PRIVATE ${ARG_LIBRARIES})
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME "${target}"
    LIBRARY_OUTPUT_DIRECTORY "${RISKD_PLUGIN_OUTPUT_DIR}"
    CXX_VISIBILITY_PRESET hidden
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_link_options(${target} PRIVATE
    "-Wl,--version-script=${RISKD_SDK_DIR}/exports.map"
    "-Wl,--no-undefined")
endfunction()
