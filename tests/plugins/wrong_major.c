/* A plugin built for a future ABI major: the host must refuse it. */
#include "riskd/detector_abi.h"

uint32_t riskd_plugin_api_version(void) { return (uint32_t)((RISKD_DETECTOR_API_MAJOR + 1) << 16); }
