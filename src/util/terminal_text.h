// Text that came from outside (manifests, audit logs, the API server) shown
// on a terminal. A manifest can carry escape sequences that recolour, move
// the cursor, rewrite the window title or hide lines once printed raw; the
// human-readable outputs pass such text through terminal_safe() first.
#pragma once

#include <string>
#include <string_view>

namespace kg::util {

// `text` with every control character made visible: C0 controls (tab, line
// feed and carriage return included, so one value cannot forge a line of
// its own), DEL and the C1 controls (U+0080..U+009F) become \xNN or \u00NN;
// the bidirectional overrides and isolates (U+202A..U+202E, U+2066..U+2069)
// become \u20NN; bytes that are not UTF-8 become \xNN. Everything else is
// kept as it is.
std::string terminal_safe(std::string_view text);

// The same for a whole multi-line text (a rendered report): line feeds are kept.
std::string terminal_safe_lines(std::string_view text);

// Whether terminal_safe(text) would change nothing (the common case: plain ASCII).
bool terminal_clean(std::string_view text);

}  // namespace kg::util
