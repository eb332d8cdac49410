// Secrets of every kind the redactor knows, and inputs that carry them to
// each front: a command line, a webhook URL, annotations, audit events.
#pragma once

#include <cctype>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace kg::testing::secrets {

inline const std::string kJwt =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6c2hvcDp3ZWIifQ."
    "c2lnbmF0dXJlLXNlY3JldC12YWx1ZQ";
inline const std::string kKeyBody = "MIIEowIBAAKCAQEAq7BFUAkGB1KTbXmh3AaTyUc4bBnbH4";
inline const std::string kPrivateKey =
    "-----BEGIN RSA PRIVATE KEY-----\n" + kKeyBody + "\nZXhhbXBsZQ==\n-----END RSA PRIVATE KEY-----";

// Each appears once in kCommand; none may appear in any output.
inline const std::vector<std::string> kSecrets = {
    "Hunter2-Pa55w0rd",                          // --password=
    "UrlPassw0rd-Secret",                        // scheme://user:password@
    kJwt,                                        // Authorization: Bearer <JWT>
    "AKIAIOSFODNN7EXAMPL3",                      // AWS access key ID
    "CurlPassw0rd",                              // curl -u user:password
    "MysqlPassw0rd",                             // mysql -ppassword
    "PgPassw0rd",                                // PGPASSWORD=
    "AIzaSyA1234567890abcdefghijklmnopqrstu",    // Google API key
    "ghp_abcdefghijklmnopqrstuvwxyz0123456789",  // GitHub token
    "xYz8Q~abcdefghijklmnopqrstuvwxyz012345",    // Azure AD client secret
    "ApiT0kenValue",                             // --token VALUE
};

inline const std::string kCommand =
    "curl -u admin:CurlPassw0rd -H 'Authorization: Bearer " + kJwt +
    "' https://deploy:UrlPassw0rd-Secret@hooks.example.com/x && mysql -uroot -pMysqlPassw0rd shop && "
    "PGPASSWORD=PgPassw0rd psql -h db && AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPL3 aws s3 ls && "
    "app --password=Hunter2-Pa55w0rd --api-key=AIzaSyA1234567890abcdefghijklmnopqrstu "
    "--client-secret=xYz8Q~abcdefghijklmnopqrstuvwxyz012345 --token ApiT0kenValue "
    "GITHUB=ghp_abcdefghijklmnopqrstuvwxyz0123456789";

inline std::string yaml_quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

// A privileged pod (so every front reports on it) whose container runs `command`,
// with the secrets in annotations too.
inline std::string pod_yaml(const std::string& command) {
  return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\n  annotations:\n"
         "    deploy.example.com/token: " +
         yaml_quoted(kJwt) + "\n    deploy.example.com/key: " + yaml_quoted(kPrivateKey) +
         "\n    container.apparmor.security.beta.kubernetes.io/web: " + yaml_quoted("localhost/" + kJwt) +
         "\nspec:\n  containers:\n  - name: web\n    image: "
         "deploy:UrlPassw0rd-Secret@registry.example.com/shop/web:1.4.2\n"
         "    command: [sh, -c, " +
         yaml_quoted(command) + "]\n    securityContext: {privileged: true}\n";
}

inline std::string webhook_yaml() {
  return "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\n"
         "metadata: {name: policy}\nwebhooks:\n- name: policy.hooks.example.com\n"
         "  clientConfig:\n    url: " +
         yaml_quoted("https://deploy:UrlPassw0rd-Secret@hooks.example.com/validate?token=ApiT0kenValue") +
         "\n  rules: [{operations: [CREATE], apiGroups: ['*'], apiVersions: ['*'], resources: ['*']}]\n"
         "  sideEffects: None\n  admissionReviewVersions: [v1]\n";
}

inline std::string query_escape(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
    else out += fmt::format("%{:02X}", c);
  }
  return out;
}

inline std::string exec_event(const std::string& id) {
  return R"({"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Request","auditID":")" + id +
         R"(","stage":"ResponseStarted","requestURI":"/api/v1/namespaces/shop/pods/web/exec?command=sh&command=-c&command=)" +
         query_escape(kCommand) +
         R"(&container=web","verb":"create","user":{"username":"mallory","groups":["system:authenticated"]},)"
         R"("sourceIPs":["203.0.113.7"],"userAgent":"curl/8.5 Authorization: Bearer )" +
         kJwt +
         R"(","objectRef":{"resource":"pods","namespace":"shop","name":"web","apiVersion":"v1","subresource":"exec"},)"
         R"("responseStatus":{"code":101},"requestReceivedTimestamp":"2026-01-01T10:00:00Z",)"
         R"("annotations":{"authorization.k8s.io/decision":"allow"}})";
}

inline std::string json_quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

// A user creates a privileged pod whose command carries the secrets, then
// patches a deployment's command with them.
inline std::string pod_create_event() {
  std::string pod =
      R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"web2","namespace":"shop","annotations":{"deploy.example.com/token":)" +
      json_quoted(kJwt) +
      R"(}},"spec":{"containers":[{"name":"web","image":"deploy:UrlPassw0rd-Secret@registry.example.com/shop/web:1.4.2","command":["sh","-c",)" +
      json_quoted(kCommand) + R"(],"securityContext":{"privileged":true}}]}})";
  return R"({"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"create-1","stage":"ResponseComplete",)"
         R"("requestURI":"/api/v1/namespaces/shop/pods","verb":"create","user":{"username":"mallory","groups":["system:authenticated"]},)"
         R"("sourceIPs":["203.0.113.7"],"userAgent":"kubectl/v1.33.13","objectRef":{"resource":"pods","namespace":"shop","name":"web2","apiVersion":"v1"},)"
         R"("responseStatus":{"code":201},"requestReceivedTimestamp":"2026-01-01T10:01:00Z","annotations":{"authorization.k8s.io/decision":"allow"},)"
         R"("requestObject":)" +
         pod + R"(,"responseObject":)" + pod + "}";
}

inline std::string audit_log() { return exec_event("exec-1") + "\n" + pod_create_event() + "\n"; }

inline std::string audit_event_list() {
  return R"({"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[)" + exec_event("exec-2") + "," +
         pod_create_event() + "]}";
}

}  // namespace kg::testing::secrets
