// Validates JSON files against a JSON Schema (draft 2020-12) with python's
// jsonschema, the reference validator, for the tests that hold each
// command's real output to its schema in docs/schemas.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

namespace kg::testing {

// The first Python that can import jsonschema: python3 on PATH, then Debian's
// /usr/bin/python3 (python3-jsonschema); "" when neither can.
inline std::string python_with_jsonschema() {
  for (std::string python : {"python3", "/usr/bin/python3"}) {
    if (std::system((python + " -c 'import jsonschema' >/dev/null 2>&1").c_str()) == 0) return python;
  }
  return {};
}

// Checks `schema` is a schema, then each document of `file` against it (one
// document, or one a line when `lines`); "" when all pass, else
// jsonschema's message. A file with no document fails.
inline std::string validate_json_schema(const std::string& python, const std::string& schema, const std::string& file,
                                        bool lines) {
  std::string dir = (std::filesystem::temp_directory_path() / "kg-schema-XXXXXX").string();
  if (::mkdtemp(dir.data()) == nullptr) return "cannot make a temporary directory";
  std::string script = dir + "/validate.py";
  std::string out = dir + "/out.txt";
  std::ofstream(script) << "import json, sys, jsonschema\n"
                           "schema = json.load(open(sys.argv[1]))\n"
                           "jsonschema.Draft202012Validator.check_schema(schema)\n"
                           "text = open(sys.argv[2]).read()\n"
                           "docs = [json.loads(l) for l in text.splitlines() if l.strip()] if sys.argv[3] == 'lines' "
                           "else [json.loads(text)]\n"
                           "assert docs, 'no document'\n"
                           "for d in docs: jsonschema.Draft202012Validator(schema).validate(d)\n";
  int status = std::system(
      (python + " " + script + " '" + schema + "' '" + file + "' " + (lines ? "lines" : "one") + " >" + out + " 2>&1")
          .c_str());
  std::string message;
  if (status != 0) {
    std::ifstream in(out);
    std::stringstream s;
    s << in.rdbuf();
    message = s.str();
    if (message.empty()) message = "validation failed";
  }
  std::filesystem::remove_all(dir);
  return message;
}

}  // namespace kg::testing
