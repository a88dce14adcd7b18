/* A complete plugin whose name breaks the [a-z0-9_-]+ rule: refused. */
#include <stdlib.h>

#include "riskd/detector_abi.h"

static const riskd_plugin_description kDescription = {
    sizeof(riskd_plugin_description), "Bad Name", "0.0.1", "Refused for its name.", NULL, 0,
    NULL, 0};

uint32_t riskd_plugin_api_version(void) { return RISKD_DETECTOR_API_VERSION; }
const riskd_plugin_description* riskd_plugin_describe(void) { return &kDescription; }
riskd_detector* riskd_detector_create(const riskd_setting* s, size_t n, riskd_error* e) {
  (void)s; (void)n; (void)e;
  return (riskd_detector*)malloc(1);
}
int32_t riskd_detector_evaluate(const riskd_detector* d, const riskd_event* e,
                                const riskd_result_sink* sink) {
  (void)d; (void)e; (void)sink;
  return 0;
}
void riskd_detector_destroy(riskd_detector* d) { free(d); }
