# riskd_add_detector(<name> SOURCES <files...> [LIBRARIES <libs...>] [OUTPUT_DIR <dir>])
#
# Builds a detector plugin as a shared module named `riskd-<name>.so` in
# OUTPUT_DIR (default: ${RISKD_PLUGIN_OUTPUT_DIR}, that is <build>/plugins). Symbols are hidden by
# default and a linker version script exports only the riskd_* ABI functions,
# so a plugin's own copies of libraries never clash with the host's.
# Cache variables, so that riskd_add_detector() works from any folder.
set(RISKD_SDK_DIR "${CMAKE_CURRENT_LIST_DIR}" CACHE INTERNAL "riskd detector SDK")
if(NOT RISKD_PLUGIN_OUTPUT_DIR)
  set(RISKD_PLUGIN_OUTPUT_DIR "${CMAKE_BINARY_DIR}/plugins" CACHE INTERNAL "riskd plugins")
endif()

function(riskd_add_detector name)
  cmake_parse_arguments(ARG "" "OUTPUT_DIR" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT ARG_OUTPUT_DIR)
    set(ARG_OUTPUT_DIR "${RISKD_PLUGIN_OUTPUT_DIR}")
  endif()
  set(target "riskd-${name}")
  add_library(${target} MODULE ${ARG_SOURCES})
  target_include_directories(${target} PRIVATE "${RISKD_SDK_DIR}")
  target_link_libraries(${target} PRIVATE ${ARG_LIBRARIES})
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME "${target}"
    LIBRARY_OUTPUT_DIRECTORY "${ARG_OUTPUT_DIR}"
    CXX_VISIBILITY_PRESET hidden
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_link_options(${target} PRIVATE
    "-Wl,--version-script=${RISKD_SDK_DIR}/exports.map"
    "-Wl,--no-undefined")
endfunction()
