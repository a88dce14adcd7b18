/* A plain-C plugin that forgot riskd_detector_evaluate: the host must refuse
 * it, naming the symbol. Everything else is a valid minimal plugin. */
#include <stdlib.h>

#include "riskd/detector_abi.h"

static const riskd_plugin_description kDescription = {
    sizeof(riskd_plugin_description), "missing-evaluate", "0.0.1",
    "Lacks a required symbol.", NULL, 0, NULL, 0};

uint32_t riskd_plugin_api_version(void) { return RISKD_DETECTOR_API_VERSION; }
const riskd_plugin_description* riskd_plugin_describe(void) { return &kDescription; }
riskd_detector* riskd_detector_create(const riskd_setting* s, size_t n, riskd_error* e) {
  (void)s; (void)n; (void)e;
  return (riskd_detector*)malloc(1);
}
void riskd_detector_destroy(riskd_detector* d) { free(d); }
