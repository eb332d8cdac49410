#include "rbac/source.h"

namespace kg::rbac {

void move_issues(Loaded& out) {
  for (auto& issue : out.objects.issues) {
    out.errors.push_back(
        doc::LoadError{doc::ErrorCode::Config, std::move(issue.file), issue.mark, std::move(issue.message)});
  }
  out.objects.issues.clear();
}

}  // namespace kg::rbac
