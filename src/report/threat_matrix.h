// The Microsoft Threat Matrix for Kubernetes as the HTML report draws it:
// tactics in the matrix's column order, each with its techniques. Generated
// into threat_matrix_data.cc by scripts/gen-threat-matrix.py from the corpus,
// so the binary never reads the corpus at run time.
#pragma once

#include <span>
#include <string_view>

namespace kg::report {

struct MatrixTechnique {
  std::string_view id;  // MS-TA9xxx
  std::string_view name;
};

struct MatrixTactic {
  std::string_view name;
  std::span<const MatrixTechnique> techniques;
};

std::span<const MatrixTactic> threat_matrix();
// The upstream commit the table was generated from.
std::string_view threat_matrix_commit();

}  // namespace kg::report
