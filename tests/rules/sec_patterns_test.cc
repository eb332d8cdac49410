#include <gtest/gtest.h>

#include "rules/sec/secret_patterns.h"

namespace kg::rules::sec {
namespace {

TEST(SecretPatterns, NameWordsSplitOnSeparatorsHumpsAndDigits) {
  EXPECT_EQ(name_words("dbPassword_FILE"), (std::vector<std::string>{"DB", "PASSWORD", "FILE"}));
  EXPECT_EQ(name_words("APIKey"), (std::vector<std::string>{"API", "KEY"}));
  EXPECT_EQ(name_words("oauth2-client.secret"), (std::vector<std::string>{"OAUTH", "2", "CLIENT", "SECRET"}));
}

TEST(SecretPatterns, CredentialNamesAreStrong) {
  for (std::string_view name : {"PASSWORD",        "DB_PASSWORD",     "MYSQL_ROOT_PASSWD",
                                "dbPassword",      "GITHUB_TOKEN",    "API_KEY",
                                "apiKey",          "APIKEY",          "AWS_SECRET_ACCESS_KEY",
                                "AWS_ACCESS_KEY",  "PRIVATE_KEY",     "CLIENT_SECRET",
                                "SECRET_KEY_BASE", "CREDENTIALS",     "REDIS_PASS",
                                "DB_PWD",          "VAULT_SECRET_ID", "DBPASSWORD",
                                "SIGNING_KEY",     "requirepass"}) {
    EXPECT_EQ(name_signal(name), NameSignal::Strong) << name;
  }
}

TEST(SecretPatterns, PropertiesOfCredentialsAreNotCredentials) {
  for (std::string_view name :
       {"TOKEN_TTL", "PASSWORD_FILE", "LINKERD2_PROXY_IDENTITY_TOKEN_FILE", "SECRET_NAME", "TOKEN_AUDIENCE",
        "GF_AUTH_ANONYMOUS_ENABLED", "GF_AUTH_ANONYMOUS_ORG_ROLE", "JWT_POLICY", "PUBLIC_KEY", "AWS_ACCESS_KEY_ID",
        "PASSWORD_MIN_LENGTH", "MAX_TOKENS", "PASS_THROUGH", "PWD_DIR", "BYPASS", "PILOT_CERT_PROVIDER",
        "LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS", "TOKEN_URL", "AUTH_TOKEN_HEADER_NAME"}) {
    EXPECT_EQ(name_signal(name), NameSignal::None) << name;
  }
}

TEST(SecretPatterns, KeyAndAuthAloneAreWeak) {
  EXPECT_EQ(name_signal("SSH_KEY"), NameSignal::Weak);
  EXPECT_EQ(name_signal("AUTH"), NameSignal::Weak);
  EXPECT_EQ(name_signal("COOKIE_SALT"), NameSignal::Weak);
}

TEST(SecretPatterns, RecognisesCredentialShapes) {
  EXPECT_EQ(credential_shape("AKIAIOSFODNN7EXAMPLE"), "an AWS access key ID");
  EXPECT_EQ(credential_shape("ghp_0123456789abcdefghijABCDEFGHIJ012345"), "a GitHub token");
  EXPECT_EQ(credential_shape("xoxb-1234567890-abcdefghij"), "a Slack token");
  EXPECT_EQ(credential_shape("-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----"),
            "a PEM private key");
  EXPECT_EQ(credential_shape("-----BEGIN PRIVATE KEY-----\nMIIE"), "a PEM private key");
  EXPECT_EQ(credential_shape("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N"),
            "a JSON Web Token");
  EXPECT_EQ(credential_shape("bearer abc123def"), "an HTTP Authorization credential");
  EXPECT_EQ(credential_shape("curl -H 'Authorization: Bearer s3cr3tT0ken' http://x"),
            "an HTTP Authorization credential");
  EXPECT_EQ(credential_shape("postgres://app:hunter2@db:5432/shop"), "a URL with an embedded password");
  EXPECT_EQ(credential_shape("Server=db;User Id=app;Password=hunter2;"), "a connection string with a password");
  EXPECT_EQ(credential_shape("AIzaSyA1234567890abcdefghijklmnopqrstuv"), "a Google API key");
}

TEST(SecretPatterns, LookalikesHaveNoShape) {
  for (std::string_view text :
       {"AKIA", "AKIAIOSFODNN7EXAMPLEXX", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
        "postgres://app@db:5432/shop", "postgres://app:$(DB_PASSWORD)@db/shop", "Bearer $TOKEN", "basic authentication",
        "--requirepass $(REDIS_PASSWORD)", "eyJhbGciOiJIUzI1NiJ9", "3c0d9c0320bb34888c2df5757c718ce6ca992ce6",
        "Password=;"}) {
    EXPECT_EQ(credential_shape(text), "") << text;
  }
}

TEST(SecretPatterns, ValuesThatCannotBeCredentials) {
  for (std::string_view value : {"", "  ", "/var/run/secrets/tokens/token", "./key.pem", "my/secret/file/path",
                                 "$(DB_PASSWORD)", "${TOKEN}", "true", "Disabled", "https://vault.example.com:8200",
                                 "{{ .Values.password }}", "<your-password>", "my-tls-secret", "db-credentials"}) {
    EXPECT_TRUE(is_non_secret_value(value)) << value;
  }
  for (std::string_view value : {"hunter2", "admin", "password", "s3cr3t/With+Slash=", "mysecretpassword"}) {
    EXPECT_FALSE(is_non_secret_value(value)) << value;
  }
}

TEST(SecretPatterns, RandomLookingValues) {
  EXPECT_TRUE(looks_random("q8Zr2LmX0pVt7KsW3nYb"));
  EXPECT_TRUE(looks_random("3c0d9c0320bb34888c2df5757c718ce6ca992ce6"));
  EXPECT_FALSE(looks_random("short1A"));
  EXPECT_FALSE(looks_random("aaaaaaaaaaaaaaaaaaaaaaaa1"));
  EXPECT_FALSE(looks_random("all lower case words here"));
}

TEST(SecretPatterns, ReasonNeverContainsTheValue) {
  std::string reason = literal_secret_reason("DB_PASSWORD", "hunter2");
  EXPECT_FALSE(reason.empty());
  EXPECT_EQ(reason.find("hunter2"), std::string::npos);
  reason = literal_secret_reason("X", "AKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(reason.find("AKIAIOSFODNN7EXAMPLE"), std::string::npos);
  EXPECT_EQ(literal_secret_reason("SSH_KEY", "rsa"), "");
  EXPECT_FALSE(literal_secret_reason("SSH_KEY", "q8Zr2LmX0pVt7KsW3nYb").empty());
}

}  // namespace
}  // namespace kg::rules::sec
