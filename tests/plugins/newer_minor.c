/* A plugin built for a newer minor than the host's: the host must refuse it. */
#include "riskd/detector_abi.h"

uint32_t riskd_plugin_api_version(void) {
  return (uint32_t)((RISKD_DETECTOR_API_MAJOR << 16) | (RISKD_DETECTOR_API_MINOR + 1));
}
