// What Prometheus expects of every process (process_cpu_seconds_total,
// process_resident_memory_bytes, ...), read from /proc/self.
#pragma once

#include <string>

namespace kg::server {

// The process_* metrics in the text exposition format; empty where /proc is
// not there to read.
std::string render_process_metrics();

}  // namespace kg::server
