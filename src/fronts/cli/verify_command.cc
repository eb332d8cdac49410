// kubeguard verify IMAGE...: resolves each image at its registry and says
// whether it is trusted under the image policies, by whom it was signed, and
// why not when it is not.
#include <iostream>

#include <fmt/format.h>

#include "fronts/cli/commands.h"
#include "fronts/cli/config_options.h"
#include "fronts/cli/formats.h"
#include "fronts/cli/image_verifier.h"
#include "util/json_writer.h"
#include "util/terminal_text.h"

namespace kg::cli {
namespace {

struct VerifyOptions {
  std::vector<std::string> images;
  std::string format = "text";
  InspectFlags inspect;
  ConfigOptions config;
};

struct Verified {
  supply::VerifyDetail detail;
  rules::ImageContents contents;
};

std::string_view contents_status_name(rules::ImageContentsStatus s) {
  switch (s) {
    case rules::ImageContentsStatus::Read: return "read";
    case rules::ImageContentsStatus::Failed: return "failed";
    case rules::ImageContentsStatus::NotRead: break;
  }
  return "not-read";
}

void write_list(std::string_view label, const std::vector<std::string>& items) {
  std::string line;
  for (const auto& i : items) line += (line.empty() ? "" : ", ") + i;
  std::cout << label << (items.empty() ? std::string("none") : util::terminal_safe(line)) << '\n';
}

void write_contents_text(const rules::ImageContents& c) {
  if (c.status == rules::ImageContentsStatus::NotRead) {
    std::cout << "  contents:   not read\n";
    return;
  }
  if (c.status == rules::ImageContentsStatus::Failed) {
    std::cout << "  contents:   NOT READ: " << util::terminal_safe(c.reason) << '\n';
    return;
  }
  std::cout << "  user:       " << (c.user.empty() ? std::string("(none)") : util::terminal_safe(c.user))
            << (c.user_is_root ? " (root)" : " (not root)") << '\n';
  write_list("  shells:     ", c.shells);
  write_list("  packagers:  ", c.package_managers);
  write_list("  setid:      ", c.setuid_files);
}

void write_contents_json(util::JsonWriter& w, const rules::ImageContents& c) {
  w.key("contents").begin_object().field("status", contents_status_name(c.status));
  if (c.status == rules::ImageContentsStatus::Failed) w.field("reason", std::string_view(c.reason));
  if (c.status == rules::ImageContentsStatus::Read) {
    w.field("digest", std::string_view(c.digest))
        .field("user", std::string_view(c.user))
        .field("userIsRoot", c.user_is_root);
    for (auto [name, items] : {std::pair<std::string_view, const std::vector<std::string>*>{"shells", &c.shells},
                               {"packageManagers", &c.package_managers},
                               {"setuidFiles", &c.setuid_files}}) {
      w.key(name).begin_array();
      for (const auto& i : *items) w.value(std::string_view(i));
      w.end_array();
    }
  }
  w.end_object();
}

constexpr std::string_view kCmd = "kubeguard verify";

bool passes(rules::ImageTrustStatus s) {
  return s == rules::ImageTrustStatus::Trusted || s == rules::ImageTrustStatus::NoPolicy;
}

void write_text(const supply::VerifyDetail& d, bool color) {
  const auto& v = d.verdict;
  std::string_view status = rules::image_trust_status_name(v.status);
  std::string shown = passes(v.status) ? std::string(status) : fmt::format("NOT TRUSTED ({})", status);
  if (color) shown = (passes(v.status) ? "\033[32m" : "\033[31m") + shown + "\033[0m";
  std::cout << util::terminal_safe(v.image) << '\n';
  if (!v.digest.empty()) std::cout << "  digest:     " << v.digest << '\n';
  if (!d.platform_digest.empty()) std::cout << "  platform:   " << d.platform_digest << '\n';
  std::cout << "  verdict:    " << shown << '\n';
  if (!v.policy.empty()) std::cout << "  policy:     " << util::terminal_safe(v.policy) << '\n';
  if (!v.signer.empty()) std::cout << "  signer:     " << util::terminal_safe(v.signer) << '\n';
  std::cout << "  why:        " << util::terminal_safe(v.reason) << '\n';
  if (d.signatures > 0) std::cout << "  signatures: " << d.signatures << '\n';
  for (const auto& r : d.rejected) std::cout << "  rejected:   " << util::terminal_safe(r) << '\n';
}

int run_verify(const VerifyOptions& opts, const rules::Catalog& catalog) {
  if (opts.format != "text" && opts.format != "json") {
    std::cerr << fmt::format("{}: unknown format '{}' (text, json)\n", kCmd, opts.format);
    return kExitError;
  }
  auto config = load_config(opts.config, catalog, kCmd);
  if (!config) return kExitError;
  auto verifier = make_image_verifier(*config, kCmd, &opts.inspect);
  if (!verifier) return kExitError;
  int code = kExitOk;
  std::vector<Verified> details;
  for (const auto& image : opts.images) {
    details.push_back({verifier->verify(image), verifier->contents(image)});
    if (!passes(details.back().detail.verdict.status)) code = kExitFindings;
  }
  if (opts.format == "json") {
    util::JsonWriter w(std::cout);
    w.begin_object().key("images").begin_array();
    for (const auto& [d, contents] : details) {
      const auto& v = d.verdict;
      w.begin_object()
          .field("image", std::string_view(v.image))
          .field("status", rules::image_trust_status_name(v.status))
          .field("trusted", passes(v.status))
          .field("digest", std::string_view(v.digest))
          .field("platformDigest", std::string_view(d.platform_digest))
          .field("policy", std::string_view(v.policy))
          .field("signer", std::string_view(v.signer))
          .field("reason", std::string_view(v.reason))
          .field("signatures", static_cast<uint64_t>(d.signatures));
      w.key("rejected").begin_array();
      for (const auto& r : d.rejected) w.value(std::string_view(r));
      w.end_array();
      if (opts.inspect.inspect) write_contents_json(w, contents);
      w.end_object();
    }
    w.end_array().end_object();
    w.flush();
    std::cout << '\n';
  } else {
    bool color = use_color(stdout);
    for (const auto& [d, contents] : details) {
      write_text(d, color);
      if (opts.inspect.inspect) write_contents_text(contents);
    }
  }
  return code;
}

}  // namespace

void add_verify_command(CLI::App& app, const rules::Catalog& catalog, int& status) {
  auto opts = std::make_shared<VerifyOptions>();
  CLI::App* cmd = app.add_subcommand(
      "verify", "Verify images at their registry: digest, cosign signature and signer under imagePolicies");
  cmd->add_option("images", opts->images, "Image references (registry/path:tag, @sha256:... pins)")->required();
  add_format_option(cmd, opts->format);
  add_inspect_flags(cmd, opts->inspect);
  cmd->add_option("--config", opts->config.config, "Configuration file (default: .kubeguard.yaml found upward)");
  cmd->callback([opts, &catalog, &status] { status = run_verify(*opts, catalog); });
}

}  // namespace kg::cli
