#include "k8s/csr_subject.h"

#include <algorithm>
#include <array>
#include <cstdint>

namespace kg::k8s {
namespace {

int b64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

// One DER element: tag, and the span of its contents.
struct Der {
  uint8_t tag = 0;
  std::string_view content;
  std::string_view rest;  // what follows the element
};

std::optional<Der> read_der(std::string_view in) {
  if (in.size() < 2) return std::nullopt;
  Der out;
  out.tag = static_cast<uint8_t>(in[0]);
  size_t length = static_cast<uint8_t>(in[1]);
  size_t at = 2;
  if (length & 0x80) {
    size_t bytes = length & 0x7f;
    if (bytes == 0 || bytes > 4 || in.size() < at + bytes) return std::nullopt;
    length = 0;
    for (size_t i = 0; i < bytes; ++i) length = (length << 8) | static_cast<uint8_t>(in[at + i]);
    at += bytes;
  }
  if (in.size() - at < length) return std::nullopt;
  out.content = in.substr(at, length);
  out.rest = in.substr(at + length);
  return out;
}

constexpr uint8_t kSequence = 0x30;
constexpr uint8_t kSet = 0x31;
constexpr uint8_t kOid = 0x06;
constexpr std::string_view kOidCommonName = "\x55\x04\x03";
constexpr std::string_view kOidOrganization = "\x55\x04\x0a";

std::optional<CsrSubject> parse_der(std::string_view der) {
  auto request = read_der(der);  // CertificationRequest
  if (!request || request->tag != kSequence) return std::nullopt;
  auto info = read_der(request->content);  // CertificationRequestInfo
  if (!info || info->tag != kSequence) return std::nullopt;
  auto version = read_der(info->content);
  if (!version) return std::nullopt;
  auto name = read_der(version->rest);  // Name: SEQUENCE OF RelativeDistinguishedName
  if (!name || name->tag != kSequence) return std::nullopt;
  CsrSubject subject;
  std::string_view rdns = name->content;
  for (int guard = 0; !rdns.empty() && guard < 256; ++guard) {
    auto rdn = read_der(rdns);
    if (!rdn || rdn->tag != kSet) return std::nullopt;
    rdns = rdn->rest;
    std::string_view attrs = rdn->content;
    for (int g2 = 0; !attrs.empty() && g2 < 64; ++g2) {
      auto attr = read_der(attrs);
      if (!attr || attr->tag != kSequence) return std::nullopt;
      attrs = attr->rest;
      auto oid = read_der(attr->content);
      if (!oid || oid->tag != kOid) continue;
      auto value = read_der(oid->rest);
      if (!value) continue;
      if (oid->content == kOidCommonName) subject.common_name = std::string(value->content);
      else if (oid->content == kOidOrganization) subject.organizations.emplace_back(value->content);
    }
  }
  return subject;
}

// Standard base64, padding optional, whitespace skipped (URL-safe letters
// too); nullopt on other characters.
std::optional<std::string> base64_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t bits = 0;
  int count = 0;
  for (char c : text) {
    if (c == '=' || c == '\n' || c == '\r' || c == ' ' || c == '\t') continue;
    int v = b64_value(c);
    if (v < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<uint32_t>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xff);
    }
  }
  return out;
}

}  // namespace

std::optional<CsrSubject> csr_subject(std::string_view spec_request) {
  constexpr size_t kMaxRequest = 64 * 1024;  // a CSR is a few kilobytes
  if (spec_request.size() > kMaxRequest) return std::nullopt;
  auto pem = base64_decode(spec_request);
  if (!pem) return std::nullopt;
  constexpr std::string_view kBegin = "-----BEGIN CERTIFICATE REQUEST-----";
  constexpr std::string_view kBeginNew = "-----BEGIN NEW CERTIFICATE REQUEST-----";
  std::string_view text = *pem;
  size_t begin = text.find(kBegin);
  size_t skip = kBegin.size();
  if (begin == std::string_view::npos) {
    begin = text.find(kBeginNew);
    skip = kBeginNew.size();
  }
  if (begin == std::string_view::npos) return parse_der(text);  // bare DER
  std::string_view body = text.substr(begin + skip);
  body = body.substr(0, body.find("-----END"));
  auto der = base64_decode(body);
  if (!der) return std::nullopt;
  return parse_der(*der);
}

std::vector<std::string> privileged_reasons(const CsrSubject& subject, std::string_view signer,
                                            const NameTest& also_group, const NameTest& also_user) {
  constexpr std::array<std::string_view, 2> kGroups = {"system:masters", "kubeadm:cluster-admins"};
  constexpr std::array<std::string_view, 5> kUsers = {"system:kube-controller-manager", "system:kube-scheduler",
                                                      "system:apiserver", "kube-apiserver", "system:admin"};
  const bool kubelet_signer =
      signer == "kubernetes.io/kube-apiserver-client-kubelet" || signer == "kubernetes.io/kubelet-serving";
  std::vector<std::string> reasons;
  for (const auto& o : subject.organizations) {
    bool listed = std::find(kGroups.begin(), kGroups.end(), o) != kGroups.end();
    if (listed || (also_group && also_group(o))) reasons.push_back("group " + o);
    // Node credentials through the generic client signer, not the kubelet's.
    if (o == "system:nodes" && !kubelet_signer) reasons.emplace_back("group system:nodes through a non-kubelet signer");
  }
  const std::string& cn = subject.common_name;
  bool user = std::find(kUsers.begin(), kUsers.end(), cn) != kUsers.end();
  if (user || (also_user && !cn.empty() && also_user(cn))) reasons.push_back("the identity " + cn);
  return reasons;
}

}  // namespace kg::k8s
