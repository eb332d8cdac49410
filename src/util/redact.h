// The one redactor: every front (scan, diff, pss, audit, serve, watch) and
// every format passes the text it quotes from its input through redact()
// before writing it, so a credential that rides in a command line, a URL, a
// header, an annotation or an image reference never reaches a report, an
// alert, a response or a log. What is replaced by "<redacted>":
//
//   - values of keys and flags that name a credential: password=..., --token ...,
//     "secret": "...", PGPASSWORD=..., MYSQL_PWD=..., client_secret: ...;
//   - the password of `curl -u user:pass` / `--user user:pass` and of
//     `mysql -ppass` (the mysql family and sshpass);
//   - Authorization headers: Bearer, Basic and other schemes' credentials;
//   - JSON Web Tokens (eyJ...eyJ...), wherever they appear;
//   - cloud and forge keys: AWS access key IDs (AKIA..., ASIA...), Google API
//     keys (AIza...) and OAuth tokens (ya29....), Azure storage account keys,
//     SAS signatures and client secrets (...8Q~...), GitHub and Slack tokens;
//   - the password of scheme://user:password@host, and of user:password@host.domain;
//   - PEM private keys (-----BEGIN ... PRIVATE KEY----- to its END line or the end of the text).
//
// The rest of the text is kept, so an alert still says what was run.
#pragma once

#include <string>
#include <string_view>

namespace kg::util {

inline constexpr std::string_view kRedacted = "<redacted>";

std::string redact(std::string_view text);

// Whether `text` holds something redact() would replace (a cheap first test).
bool may_hold_secret(std::string_view text);

}  // namespace kg::util
