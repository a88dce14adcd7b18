// Which malloc the process runs on, for the start-up log line.
#ifndef RISKD_SERVER_COMMON_ALLOCATOR_H_
#define RISKD_SERVER_COMMON_ALLOCATOR_H_

#include <string>

namespace riskd {

// "jemalloc 5.3.0-..." when jemalloc serves malloc (the riskd binary links it:
// ~20% less CPU per decision than glibc's malloc, bench/RESULTS.md), else
// "glibc" (tests and tools built without it).
std::string AllocatorName();

}  // namespace riskd

#endif  // RISKD_SERVER_COMMON_ALLOCATOR_H_
