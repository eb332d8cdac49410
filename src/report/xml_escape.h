// Escaping for XML 1.0 text and attribute values.
//
// XML 1.0 cannot carry most C0 control characters, U+FFFE, U+FFFF or bytes
// that are not UTF-8, not even as character references, yet a manifest can
// hold them (YAML "\x01" escapes, odd file names). They are written as the
// visible text \xHH (one byte) or \uHHHH so the report stays well-formed and
// still shows what was there.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

namespace kg::report {

// For element content: &, < and > as entities, CR as &#13; so it survives
// line-end normalisation.
void xml_escape_text(std::ostream& out, std::string_view s);

// For a double-quoted attribute value: as text, plus " and ', and TAB, LF, CR
// as character references, which attribute normalisation would otherwise turn
// into spaces.
void xml_escape_attribute(std::ostream& out, std::string_view s);

std::string xml_text(std::string_view s);
std::string xml_attribute(std::string_view s);

}  // namespace kg::report
