// The spec runner's own reader of .wast scripts: it turns a script into the same command list
// wast2json writes (JSON, with each module in a file beside it), using the project's lexer and
// number parser, so that the runner does not depend on wabt's knowledge of the text format.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace wasmscope::internal::tools {

/// Reads the script {source} and returns its commands as wast2json's JSON ({"commands": [...]}).
/// Each module is written into the directory {dir} as {stem}.N.wasm (binary modules) or
/// {stem}.N.wat (text and quoted modules, with "module_type": "text"): the runner parses text
/// modules itself. Lines are those wast2json gives (expected-failures lists name them): that of a
/// command's keyword, or for an assertion that of its module's or action's keyword. A command this reader
/// does not know keeps its keyword as its type, so the runner reports it as a failure instead of
/// skipping it. Throws std::runtime_error ("line N: what") when the script is not well formed or a
/// file cannot be written.
nlohmann::json read_wast(std::string_view source, const std::string& dir, const std::string& stem);

}  // namespace wasmscope::internal::tools
