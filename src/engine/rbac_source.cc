#include "engine/rbac_source.h"

#include "doc/source.h"

namespace kg::engine {

RbacReader::RbacReader(const Config& config) : session_(no_rules_, config, Session::Facts::Always) {}

void RbacReader::add(const doc::Document& document) {
  loaded_.objects_read += session_.add(document, none_, loaded_.errors).objects;
}

rbac::Loaded RbacReader::finish() && {
  loaded_.objects = std::move(session_.take_facts().rbac);
  rbac::move_issues(loaded_);
  return std::move(loaded_);
}

rbac::Loaded load_rbac_files(const std::vector<std::string>& inputs, const Config& config) {
  RbacReader reader(config);
  doc::InputSet set = doc::expand_inputs(inputs);
  for (auto& e : set.errors) reader.add_error(std::move(e));
  reader.add_files(set.files.size());
  for (const auto& file : set.files) {
    doc::load_input(
        file, [&](doc::Document&& document) { reader.add(document); },
        [&](doc::LoadError&& error) { reader.add_error(std::move(error)); });
  }
  return std::move(reader).finish();
}

}  // namespace kg::engine
