#pragma once
// Where wsrepro finds its data (scenarios/, clients/) and its helper binaries (the shim, the
// reference clients). Search order, documented in docs/cli.md:
//   1. the flag (--data-dir, --libexec-dir) or the environment (WSREPRO_DATA_DIR,
//      WSREPRO_LIBEXEC_DIR);
//   2. the tree it was built from: the source tree for data, the directory of the running
//      executable for binaries;
//   3. the install prefix (PREFIX/share/wsrepro, PREFIX/libexec/wsrepro).

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace wsrepro::harness {

struct search_paths {
  std::filesystem::path data_dir;     ///< holds scenarios/ and clients/
  std::filesystem::path libexec_dir;  ///< holds wsrepro-shim and the reference clients
  /// --scenarios and --clients (and WSREPRO_SCENARIOS, WSREPRO_CLIENTS): directories whose
  /// scenarios and client manifests add to the built-in ones.
  std::vector<std::filesystem::path> scenario_dirs;
  std::vector<std::filesystem::path> client_dirs;
  std::vector<std::string> tried;  ///< what was tried, for error messages
};

/// Resolves both directories; `data_flag`/`libexec_flag` may be empty. Errors name what was
/// tried.
std::optional<search_paths> find_paths(const std::string& data_flag,
                                       const std::string& libexec_flag, std::string& error);

/// The directory of the running executable (/proc/self/exe).
std::filesystem::path executable_dir();

}  // namespace wsrepro::harness
