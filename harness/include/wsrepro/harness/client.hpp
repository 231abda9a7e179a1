#pragma once
// Clients under test: the catalogue read from the manifests in clients/*.toml, and ad-hoc
// commands from --client-cmd. A command is a list of arguments with placeholders ({url}, ...),
// never a shell string: a shell in between would distort signals and timing.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wsrepro/harness/scenario_loader.hpp"

namespace wsrepro::harness {

struct client_spec {
  std::string name;
  std::string description;
  std::vector<std::string> command;         ///< with placeholders
  std::string interrupt_signal = "SIGINT";  ///< the signal that ends it politely
  std::optional<std::string> library;
  std::optional<std::string> library_version;
  std::optional<std::string> runtime_version;
  std::filesystem::path manifest;  ///< empty for an ad-hoc client
};

/// The placeholders a command may use.
const std::vector<std::string>& known_placeholders();

class client_catalogue {
 public:
  /// Reads every clients/*.toml manifest under `dir`; errors name file, line and key.
  static client_catalogue load(const std::filesystem::path& dir, std::vector<load_error>& errors);
  /// Parses one manifest's text (for tests).
  void add_manifest(std::string_view text, const std::filesystem::path& file,
                    std::vector<load_error>& errors);

  const client_spec* find(std::string_view name) const;
  const std::vector<client_spec>& all() const { return clients_; }
  std::vector<std::string> names() const;
  void add(client_spec spec) { clients_.push_back(std::move(spec)); }

 private:
  std::vector<client_spec> clients_;
};

/// Splits a command line into arguments like a POSIX shell does for words and quotes ('...',
/// "...", backslash), with no expansion of any kind. Empty optional plus `error` on bad quoting.
std::optional<std::vector<std::string>> split_command(std::string_view text, std::string& error);

/// An ad-hoc client from `--client-cmd 'PROG ARGS {url}'`, named after its program.
std::optional<client_spec> ad_hoc_client(std::string_view text, std::string& error);

/// Replaces {name} placeholders; an unknown one is an error. `{{` and `}}` are literal braces.
std::optional<std::vector<std::string>> expand_command(
    const std::vector<std::string>& command, const std::map<std::string, std::string>& values,
    std::string& error);

/// Finds a program like execvp would; nullopt when it is missing or not executable.
std::optional<std::filesystem::path> find_program(const std::string& program);

}  // namespace wsrepro::harness
