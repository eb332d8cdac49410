// Shared by the change-monitor tests: one YAML document as the node the watch
// hands the monitor. Header-only: the test build compiles *_test.cc files only.
#pragma once

#include <string_view>
#include <utility>

#include "doc/source.h"

namespace kg::testing {

// A load error leaves the node empty: the tests write their YAML themselves.
inline doc::Node watch_node_of(std::string_view yaml) {
  doc::Node out;
  doc::load_text(
      yaml, "watch.yaml", [&](doc::Document&& d) { out = std::move(d.root); }, [](doc::LoadError&&) {});
  return out;
}

}  // namespace kg::testing
