#pragma once
// Reads scenario files. Every mistake in a file is reported, not just the first, each naming the
// file, line and key, with the nearest known key for a misspelt one.

#include <filesystem>
#include <string>
#include <vector>

#include "wsrepro/common/names.hpp"
#include "wsrepro/harness/scenario.hpp"

namespace wsrepro::harness {

struct load_error {
  std::filesystem::path file;
  int line = 0;
  int column = 0;
  std::string key;  ///< dotted path of the key, e.g. "signal[1].delay_ms"; empty for syntax errors
  std::string message;
  std::string to_string() const;  ///< "FILE:LINE:COL: KEY: MESSAGE"
};

struct load_result {
  std::vector<scenario> scenarios;
  std::vector<load_error> errors;
};

/// Parses one scenario from TOML text (`file` names it in errors).
load_result parse_scenario(std::string_view text, const std::filesystem::path& file);

/// Loads files and directories (recursively, *.toml, in path order); ids must be unique.
load_result load_scenarios(const std::vector<std::filesystem::path>& paths);

using wsrepro::nearest;  // (common/names.hpp) where the loader's callers have always found it

}  // namespace wsrepro::harness
