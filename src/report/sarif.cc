#include "report/report.h"

namespace kg::report {

void write_sarif(const ReportInput& /*input*/, std::ostream& /*out*/) {}

}  // namespace kg::report
