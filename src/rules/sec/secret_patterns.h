// Pure text heuristics that tell whether a literal is a credential: by the
// name it is stored under and by its own shape. No I/O, so they test alone.
// None of these functions copies the value; callers must never echo it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kg::rules::sec {

// How strongly an identifier (environment variable or command-line flag name)
// says that its value is a credential.
enum class NameSignal : uint8_t {
  None,
  Weak,    // KEY, AUTH, SALT...: a credential only when the value is long and random-looking
  Strong,  // PASSWORD, SECRET, TOKEN, API_KEY...: a credential whatever the value looks like
};

// Splits an identifier into upper-case words at '_', '-', '.', digits
// boundaries and camelCase humps: "dbPassword_FILE" -> DB, PASSWORD, FILE.
std::vector<std::string> name_words(std::string_view name);

// Word-aware: TOKEN_TTL, PASSWORD_FILE, SECRET_NAME and PUBLIC_KEY say nothing
// about a credential, because the word after (or before) the sensitive one
// names a property of it, not the credential itself.
NameSignal name_signal(std::string_view name);

// A well-known credential format found anywhere in `text` (AWS access key ID,
// GitHub/GitLab/Slack/Google/Stripe token, PEM private key, JWT, bearer token,
// URL or connection string with a password); "" when none. The result
// describes the format ("an AWS access key ID"), never the text.
std::string_view credential_shape(std::string_view text);

// Values that cannot be a credential whatever their name says: empty, a file
// path, a $(VAR) or ${VAR} reference, a boolean, a URL without credentials,
// an unrendered template or <placeholder>, or the name of a Secret object.
bool is_non_secret_value(std::string_view value);

// Long, without spaces, several character classes and high Shannon entropy:
// the look of a generated key rather than of a word or a setting.
bool looks_random(std::string_view value);

// Why a literal stored under `name` is a credential, or "" when it is not
// one. The reason speaks of the name or of the shape, never of the value.
std::string literal_secret_reason(std::string_view name, std::string_view value);

}  // namespace kg::rules::sec
