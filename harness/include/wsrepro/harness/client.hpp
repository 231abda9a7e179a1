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

#include "wsrepro/harness/environment.hpp"
#include "wsrepro/harness/scenario_loader.hpp"

namespace wsrepro::harness {

struct client_spec {
  std::string name;
  std::string description;
  std::vector<std::string> command;         ///< with placeholders
  std::string interrupt_signal = "SIGINT";  ///< the signal that ends it politely
  /// The runtime whose tool takes its stacks (python, node, native, ...; see `wsrepro list
  /// diagnosers`); empty: guessed from the executable; "none": never captured.
  std::string diagnose;
  std::optional<std::string> library;
  std::optional<std::string> library_version;
  std::optional<std::string> runtime_version;
  std::filesystem::path manifest;  ///< empty for an ad-hoc client
  /// Extra environment variables for the client process (placeholders allowed), e.g.
  /// NODE_PATH = "{env}/node_modules".
  std::map<std::string, std::string> env;
  /// What `--replay` of its runs must be given again: an ad-hoc client's --client-cmd and
  /// --client-env options, as typed. Empty for a manifest's client.
  std::vector<std::string> replay_args;

  // Clients installed per version into a cached environment:
  std::string environment;            ///< the [[environment]] it runs in; empty: none
  std::vector<std::string> versions;  ///< the environment's pinned versions (NAME means these)
  std::string version;                ///< the version of this instance; empty: not chosen
  /// {env} {version} {python}, filled in once the environment is ready.
  std::map<std::string, std::string> environment_values;

  /// NAME, or NAME@VERSION for a versioned instance.
  std::string display_name() const { return version.empty() ? name : name + "@" + version; }
};

/// The placeholders a command may use.
const std::vector<std::string>& known_placeholders();

class client_catalogue {
 public:
  /// Reads every clients/*.toml manifest under `dir`; errors name file, line and key.
  static client_catalogue load(const std::filesystem::path& dir, std::vector<load_error>& errors);
  /// The manifests of several directories, in the order given (a name may be defined once).
  static client_catalogue load(const std::vector<std::filesystem::path>& dirs,
                               std::vector<load_error>& errors);
  /// Parses one manifest's text (for tests).
  void add_manifest(std::string_view text, const std::filesystem::path& file,
                    std::vector<load_error>& errors);

  const client_spec* find(std::string_view name) const;
  const std::vector<client_spec>& all() const { return clients_; }
  std::vector<std::string> names() const;
  void add(client_spec spec) { clients_.push_back(std::move(spec)); }

  const environment_spec* find_environment(std::string_view name) const;
  const std::vector<environment_spec>& environments() const { return environments_; }

  /// The instances a selector names: NAME (a client without versions, or every pinned version
  /// of one with), NAME@VERSION (any release, pinned or not), NAME@FIRST..LAST (the pinned
  /// versions in that range), NAME@* (every pinned version). Empty plus `error` when it names
  /// nothing.
  std::vector<client_spec> resolve(std::string_view selector, std::string& error) const;

 private:
  std::vector<client_spec> clients_;
  std::vector<environment_spec> environments_;
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

/// Where a client's server is, for its placeholders.
struct server_address {
  std::string url;
  std::string host;
  std::string port;
  std::string ca_file;
};

/// The values of every placeholder of a client's command and environment: the server's
/// address, {libexec} {data}, {manifest_dir} (its manifest's directory; the current one for an
/// ad-hoc client) and, once its environment is ready, {env} {version} {python}.
std::map<std::string, std::string> client_values(const client_spec& client,
                                                 const std::filesystem::path& libexec_dir,
                                                 const std::filesystem::path& data_dir,
                                                 const server_address& server);

/// Finds a program like execvp would; nullopt when it is missing or not executable.
std::optional<std::filesystem::path> find_program(const std::string& program);
/// Why find_program() found nothing, in words: "not found in PATH", "is not executable", "is a
/// directory".
std::string why_not_runnable(const std::string& program);

}  // namespace wsrepro::harness
