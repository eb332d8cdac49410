#include "engine/config.h"

#include <fnmatch.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "doc/source.h"
#include "engine/suggest.h"
#include "util/file.h"

namespace kg::engine {
namespace fs = std::filesystem;

bool Config::namespace_excluded(std::string_view ns) const {
  return std::find(excluded_namespaces.begin(), excluded_namespaces.end(), ns) != excluded_namespaces.end();
}

bool Config::path_excluded(std::string_view path) const {
  std::string p(path);
  for (const auto& pattern : excluded_paths) {
    if (fnmatch(pattern.c_str(), p.c_str(), 0) == 0) return true;
    // A pattern also matches any path below a matching directory.
    std::string dir_pattern = pattern + "/*";
    if (fnmatch(dir_pattern.c_str(), p.c_str(), 0) == 0) return true;
  }
  return false;
}

namespace {

class ConfigReader {
 public:
  ConfigReader(std::string_view file, const rules::Catalog& catalog, ConfigResult& result)
      : file_(file), catalog_(catalog), result_(result) {}

  void read(const doc::Node& root) {
    if (!root.is_mapping()) {
      error(root.mark(), "the configuration must be a mapping");
      return;
    }
    for (const auto& e : root.entries()) read_entry(e);
  }

  void error(doc::Mark mark, std::string message) {
    result_.errors.push_back(doc::LoadError{doc::ErrorCode::Config, std::string(file_), mark, std::move(message)});
  }

 private:
  std::vector<std::string> strings(const doc::Entry& e) {
    std::vector<std::string> out;
    if (e.value.is_null()) return out;
    if (!e.value.is_sequence()) {
      error(e.value.mark(), fmt::format("{}: expected a list of strings", e.key));
      return out;
    }
    for (const auto& item : e.value.items()) {
      if (!item.is_scalar() || item.is_null()) {
        error(item.mark(), fmt::format("{}: expected a string", e.key));
        continue;
      }
      out.emplace_back(item.str());
    }
    return out;
  }

  std::string rule_id(std::string_view key, const doc::Node& at, std::string_view field) {
    if (const rules::RuleEntry* r = catalog_.find(key)) return std::string(r->meta->id);
    error(at.mark(),
          fmt::format("{}: unknown rule '{}'{} (see `kubeguard rules`)", field, key, did_you_mean_rule(key, catalog_)));
    return {};
  }

  std::optional<rules::Severity> severity(const doc::Node& value, std::string_view field) {
    auto s = rules::parse_severity(value.str());
    if (!s)
      error(value.mark(), fmt::format("{}: '{}' is not one of critical, high, medium, low, info{}", field, value.str(),
                                      field == "failOn" ? ", none" : ""));
    return s;
  }

  std::vector<std::string> string_list(const doc::Node& node, std::string_view field) {
    std::vector<std::string> out;
    if (!node.is_sequence()) {
      error(node.mark(), fmt::format("{}: expected a list of strings", field));
      return out;
    }
    for (const auto& item : node.items()) {
      if (!item.is_scalar() || item.is_null()) error(item.mark(), fmt::format("{}: expected a string", field));
      else out.emplace_back(item.str());
    }
    return out;
  }

  // approvedSidecars: [{name, injector, containerNames, repositories,
  // statusAnnotation, statusListsContainers, overrideAnnotation}]
  std::vector<k8s::SidecarProfile> sidecar_profiles(const doc::Node& list) {
    std::vector<k8s::SidecarProfile> out;
    if (!list.is_sequence()) {
      if (!list.is_null()) error(list.mark(), "approvedSidecars: expected a list of profiles");
      return out;
    }
    for (const auto& item : list.items()) {
      if (!item.is_mapping()) {
        error(item.mark(), "approvedSidecars: expected a profile mapping");
        continue;
      }
      k8s::SidecarProfile p;
      for (const auto& f : item.entries()) {
        std::string field = fmt::format("approvedSidecars.{}", f.key);
        if (f.key == "name") p.name = std::string(f.value.str());
        else if (f.key == "injector") p.injector = std::string(f.value.str());
        else if (f.key == "containerNames") p.container_names = string_list(f.value, field);
        else if (f.key == "repositories") p.repositories = string_list(f.value, field);
        else if (f.key == "statusAnnotation") p.status_annotation = std::string(f.value.str());
        else if (f.key == "statusListsContainers") p.status_lists_containers = f.value.as_bool().value_or(false);
        else if (f.key == "overrideAnnotation") p.override_annotation = std::string(f.value.str());
        else
          error(f.key_mark, fmt::format("{}: unknown field (known: name, injector, containerNames, repositories, "
                                        "statusAnnotation, statusListsContainers, overrideAnnotation)",
                                        field));
      }
      if (p.name.empty()) error(item.mark(), "approvedSidecars: a profile needs a name");
      else if (p.container_names.empty())
        error(item.mark(), fmt::format("approvedSidecars.{}: containerNames is empty", p.name));
      else if (p.repositories.empty())
        error(item.mark(), fmt::format("approvedSidecars.{}: repositories is empty", p.name));
      else out.push_back(std::move(p));
    }
    return out;
  }

  void read_entry(const doc::Entry& e) {
    Config& c = result_.config;
    if (e.key == "failOn") {
      // `none` as on the command line (--fail-on none), in any case.
      std::string value(e.value.str());
      for (auto& ch : value) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (e.value.is_scalar() && value == "none") c.fail_never = true;
      else if (auto s = severity(e.value, e.key)) c.fail_on = *s;
    } else if (e.key == "disabledRules") {
      for (const auto& item : e.value.items()) {
        auto id = rule_id(item.str(), item, e.key);
        if (!id.empty()) c.disabled_rules.insert(id);
      }
      if (!e.value.is_sequence() && !e.value.is_null()) error(e.value.mark(), "disabledRules: expected a list");
    } else if (e.key == "severityOverrides") {
      if (!e.value.is_mapping() && !e.value.is_null()) error(e.value.mark(), "severityOverrides: expected a mapping");
      for (const auto& o : e.value.entries()) {
        auto id = rule_id(o.key, o.value, e.key);
        auto s = severity(o.value, e.key);
        if (!id.empty() && s) c.severity_overrides[id] = *s;
      }
    } else if (e.key == "excludedNamespaces") {
      c.excluded_namespaces = strings(e);
    } else if (e.key == "excludedPaths") {
      c.excluded_paths = strings(e);
    } else if (e.key == "trustedRegistries") {
      c.settings.trusted_registries = strings(e);
    } else if (e.key == "pss") {
      auto policy = pss::parse_policy(e.value.str());
      if (!policy) {
        error(e.value.mark(), fmt::format("pss: '{}' is not LEVEL[:VERSION] (e.g. restricted:v1.30)", e.value.str()));
      } else {
        c.settings.pss = policy;
      }
    } else if (e.key == "approvedSidecars") {
      c.approved_sidecars = e.value;
      k8s::merge_profiles(c.settings.sidecar_profiles, sidecar_profiles(e.value));
    } else if (e.key == "approvedWebhooks") {
      c.approved_webhooks = e.value;
      auto parsed = k8s::parse_webhook_approvals(e.value, e.key);
      for (auto& err : parsed.errors) error(err.mark, std::move(err.message));
      c.settings.approved_webhooks = std::move(parsed.approvals);
    } else if (e.key == "imagePolicies") {
      c.image_policies.policies = supply::parse_image_policies(e.value, base_dir(), sink());
    } else if (e.key == "registryAuth") {
      c.image_policies.auth = supply::parse_registry_auth(e.value, base_dir(), sink());
    } else if (e.key == "admission") {
      if (!e.value.is_mapping() && !e.value.is_null()) error(e.value.mark(), "admission: expected a mapping");
      else c.admission = e.value;
    } else if (e.key == "audit") {
      if (!e.value.is_mapping() && !e.value.is_null()) error(e.value.mark(), "audit: expected a mapping");
      else c.audit = e.value;
    } else {
      error(e.key_mark,
            fmt::format("unknown field '{}' (known: failOn, disabledRules, severityOverrides, "
                        "excludedNamespaces, excludedPaths, trustedRegistries, pss, "
                        "approvedSidecars, approvedWebhooks, admission, audit, imagePolicies, registryAuth)",
                        e.key));
    }
  }

  // Files named in the configuration are relative to its directory.
  std::string base_dir() const {
    if (file_.empty() || file_ == "-") return {};
    return fs::path(std::string(file_)).parent_path().string();
  }

  supply::PolicyErrorSink sink() {
    return [this](doc::Mark mark, std::string message) { error(mark, std::move(message)); };
  }

  std::string_view file_;
  const rules::Catalog& catalog_;
  ConfigResult& result_;
};

}  // namespace

ConfigResult parse_config(std::string_view text, std::string_view file, const rules::Catalog& catalog) {
  ConfigResult result;
  result.config.source = std::string(file);
  int documents = 0;
  ConfigReader reader(file, catalog, result);
  doc::load_text(
      text, file,
      [&](doc::Document&& d) {
        if (documents++ == 0) reader.read(d.root);
        else reader.error(d.root.mark(), "the configuration must be a single document");
      },
      [&](doc::LoadError&& e) {
        e.code = doc::ErrorCode::Config;
        result.errors.push_back(std::move(e));
      });
  return result;
}

ConfigResult load_config_file(const std::string& path, const rules::Catalog& catalog) {
  // A regular file of reasonable size only: --config /dev/zero or a FIFO must not hang.
  constexpr uint64_t kMaxConfigBytes = uint64_t{4} << 20;
  util::OpenedFile opened = util::open_regular_file(path, kMaxConfigBytes);
  if (opened.fd < 0) {
    ConfigResult result;
    result.errors.push_back(
        doc::LoadError{doc::ErrorCode::Config, path, {}, "cannot read configuration file: " + opened.error});
    return result;
  }
  std::string text;
  char buffer[65536];
  ssize_t n = 0;
  while ((n = ::read(opened.fd, buffer, sizeof buffer)) > 0 && text.size() <= kMaxConfigBytes) {
    text.append(buffer, static_cast<size_t>(n));
  }
  ::close(opened.fd);
  return parse_config(text, path, catalog);
}

std::string find_config_upward(const std::string& start) {
  std::error_code ec;
  fs::path dir = fs::absolute(start, ec);
  if (ec) return {};
  while (true) {
    fs::path candidate = dir / ".kubeguard.yaml";
    if (fs::is_regular_file(candidate, ec)) return candidate.string();
    if (!dir.has_parent_path() || dir.parent_path() == dir) return {};
    dir = dir.parent_path();
  }
}

}  // namespace kg::engine
