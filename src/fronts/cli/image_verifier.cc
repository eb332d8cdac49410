#include "fronts/cli/image_verifier.h"

#include <iostream>
#include <optional>

#include <fmt/format.h>

#include "util/terminal_text.h"

namespace kg::cli {
namespace {

// 1048576, "64Ki", "256Mi", "2Gi": a byte count as Kubernetes quantities write it.
std::optional<size_t> byte_size(std::string_view text) {
  size_t unit = 1;
  for (auto [suffix, factor] :
       {std::pair<std::string_view, size_t>{"Ki", size_t{1} << 10}, {"Mi", size_t{1} << 20}, {"Gi", size_t{1} << 30}}) {
    if (text.ends_with(suffix)) {
      text.remove_suffix(suffix.size());
      unit = factor;
      break;
    }
  }
  if (text.empty() || text.size() > 12 || text.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  size_t n = std::stoull(std::string(text));
  if (n == 0 || n > (size_t{1} << 40) / unit) return std::nullopt;
  return n * unit;
}

}  // namespace

void add_inspect_flags(CLI::App* cmd, InspectFlags& flags) {
  cmd->add_flag("--inspect-images", flags.inspect,
                "Read each image's config and layers at its registry: shells, package managers, setuid/setgid files, "
                "USER (KG-IMG-010..013, KG-POD-003; implies --verify-images)");
  cmd->add_option("--inspect-max-download", flags.max_download,
                  "Most compressed layer bytes read per image (bytes, or Ki/Mi/Gi)")
      ->capture_default_str();
  cmd->add_option("--inspect-max-unpacked", flags.max_unpacked,
                  "Most unpacked tar bytes read per image (bytes, or Ki/Mi/Gi)")
      ->capture_default_str();
  cmd->add_option("--inspect-max-entries", flags.max_entries, "Most files, directories and links read per image")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{100'000'000}));
  cmd->add_option("--inspect-timeout", flags.timeout_seconds, "Seconds allowed for reading one image's contents")
      ->capture_default_str()
      ->check(CLI::Range(1L, 3600L));
}

std::unique_ptr<supply::ImageVerifier> make_image_verifier(const engine::Config& config, std::string_view command,
                                                           const InspectFlags* inspect) {
  supply::VerifierOptions options;
  if (inspect != nullptr && inspect->inspect) {
    options.inspect = true;
    auto download = byte_size(inspect->max_download);
    auto unpacked = byte_size(inspect->max_unpacked);
    if (!download || !unpacked) {
      std::cerr << fmt::format("{}: --inspect-max-{} '{}' is not a byte count (e.g. 268435456 or 256Mi; at most 1Ti)\n",
                               command, !download ? "download" : "unpacked",
                               util::terminal_safe(!download ? inspect->max_download : inspect->max_unpacked));
      return nullptr;
    }
    options.contents.max_compressed_bytes = *download;
    options.contents.max_unpacked_bytes = *unpacked;
    options.contents.max_entries = inspect->max_entries;
    options.contents.timeout_seconds = inspect->timeout_seconds;
  }
  if (config.image_policies.empty() && !options.inspect) {
    std::cerr << fmt::format(
        "{}: warning: no imagePolicies in the configuration{}: no image is required to be signed\n", command,
        config.source.empty() ? "" : fmt::format(" ({})", config.source));
  }
  auto verifier = supply::ImageVerifier::create(config.image_policies, options);
  if (!verifier) {
    std::cerr << fmt::format("{}: {}\n", command, util::terminal_safe(verifier.error().message));
    return nullptr;
  }
  return std::move(*verifier);
}

}  // namespace kg::cli
