// Inputs that are not manifests until a tool renders them: a Helm chart
// directory (Chart.yaml; `helm template`) and a kustomization
// (kustomization.yaml; `kubectl kustomize`). The scan reads what they
// render; findings name the template a document came from (helm's
// `# Source:` comments) or the kustomization file.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "doc/document.h"
#include "engine/scanner.h"

namespace kg::cli {

class RenderedInputs {
 public:
  RenderedInputs();
  ~RenderedInputs();
  RenderedInputs(const RenderedInputs&) = delete;
  RenderedInputs& operator=(const RenderedInputs&) = delete;

  // What the scan reads: the paths given, chart and kustomization
  // directories replaced by the files they render to.
  std::vector<std::string> paths;
  // Chart and kustomization directories found inside a directory being
  // walked: their files are not read as manifests (glob patterns for
  // excludedPaths).
  std::vector<std::string> excluded;
  // A tool that is missing or failed; the scan reports it and exits 2.
  std::vector<doc::LoadError> errors;

  bool renames_anything() const { return !shown_.empty(); }
  // The shown name of a rendered file ("" for a file that was not rendered).
  const std::string* shown_name(const std::string& file) const;
  // Findings and errors of rendered files named after their source; their
  // line numbers are of the rendered text, not the template, so they are dropped.
  void rename(std::vector<rules::Finding>& findings) const;
  void rename(std::vector<doc::LoadError>& errors) const;

 private:
  friend RenderedInputs& render_inputs(const std::vector<std::string>& inputs, RenderedInputs& out);
  std::string temp_dir_;
  std::map<std::string, std::string> shown_;
};

// Fills `out` from the command line's inputs.
RenderedInputs& render_inputs(const std::vector<std::string>& inputs, RenderedInputs& out);

}  // namespace kg::cli
