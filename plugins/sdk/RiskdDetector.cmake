# riskd_add_detector(<name> SOURCES <files...> [LIBRARIES <libs...>] [OUTPUT_DIR <dir>]
#                    [TESTS <files...>] [BENCHMARKS <files...>])
#
# Builds a detector plugin as a shared module named `riskd-<name>.so` in
# OUTPUT_DIR (default: ${RISKD_PLUGIN_OUTPUT_DIR}, that is <build>/plugins). Symbols are hidden by
# default and a linker version script exports only the riskd_* ABI functions,
# so a plugin's own copies of libraries never clash with the host's.
#
# TESTS: GoogleTest files that test the detector's classes without the host.
# They are built with SOURCES and LIBRARIES into `<name>_detector_test` (`-`
# written `_`) and registered with ctest under that name, when the project has
# found GoogleTest (riskd's tree does when RISKD_BUILD_TESTS is on).
# BENCHMARKS: Google Benchmark files, built the same way into
# `<name>_benchmark` when Google Benchmark is installed; run by hand, not by
# ctest. Both see RISKD_SOURCE_DIR, the project's source folder (for data/).
# Cache variables, so that riskd_add_detector() works from any folder.
set(RISKD_SDK_DIR "${CMAKE_CURRENT_LIST_DIR}" CACHE INTERNAL "riskd detector SDK")
if(NOT RISKD_PLUGIN_OUTPUT_DIR)
  set(RISKD_PLUGIN_OUTPUT_DIR "${CMAKE_BINARY_DIR}/plugins" CACHE INTERNAL "riskd plugins")
endif()

function(riskd_add_detector name)
  cmake_parse_arguments(ARG "" "OUTPUT_DIR" "SOURCES;LIBRARIES;TESTS;BENCHMARKS" ${ARGN})
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

  string(REPLACE "-" "_" stem "${name}")
  if(ARG_TESTS AND TARGET GTest::gtest_main)
    _riskd_detector_program("${stem}_detector_test" "${ARG_TESTS};${ARG_SOURCES}"
      "${ARG_LIBRARIES};GTest::gtest_main")
    add_test(NAME "${stem}_detector_test" COMMAND "${stem}_detector_test")
  endif()
  if(ARG_BENCHMARKS)
    find_package(benchmark QUIET)
    if(benchmark_FOUND)
      _riskd_detector_program("${stem}_benchmark" "${ARG_BENCHMARKS};${ARG_SOURCES}"
        "${ARG_LIBRARIES};benchmark::benchmark")
    endif()
  endif()
endfunction()

# A test or benchmark program: the detector's code compiled again, as a plain
# executable, with the SDK's headers (riskd/detector_testing.h).
function(_riskd_detector_program program sources libraries)
  add_executable(${program} ${sources})
  target_include_directories(${program} PRIVATE "${RISKD_SDK_DIR}")
  target_link_libraries(${program} PRIVATE ${libraries})
  target_compile_definitions(${program} PRIVATE RISKD_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
endfunction()
