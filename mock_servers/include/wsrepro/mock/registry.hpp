#pragma once
// The behaviour catalogue, by name. Free of Asio so the CLI's `list` and the scenario loader can
// use it cheaply. Each file in mock_servers/behaviours/ registers itself with
// WSREPRO_REGISTER_BEHAVIOUR; the build generates the table that references every one of them,
// so they survive static linking without linker tricks.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wsrepro/mock/params.hpp"
#include "wsrepro/mock/tls.hpp"

namespace wsrepro::mock {

class behaviour;

struct behaviour_info {
  std::string name;         ///< what users type: `redirect`
  std::string summary;      ///< one line for `wsrepro list behaviours`
  std::string fault_event;  ///< when `server.fault` is logged: the moment hang_ms starts from
  std::vector<param_spec> params;
  /// A TLS fault: the server speaks wss:// even without --tls, presenting `identity`.
  bool requires_tls = false;
  tls_identity identity = tls_identity::trusted;
  /// False for a behaviour that runs on the raw TCP of a wss:// connection (e.g. it never
  /// finishes the TLS handshake); the core then does no TLS handshake itself.
  bool core_tls_handshake = true;
  /// Event kinds this behaviour logs beyond the core's (`server.flood_out`), so scenarios may
  /// anchor on them; the scenario loader knows no behaviour's events by name.
  std::vector<std::string> events = {};
  /// Checks the parameters as a whole (beyond each one's type and range); the error names the
  /// parameter. Optional.
  std::function<std::optional<std::string>(const param_values&)> check = {};
  /// Makes the per-connection script; called once per accepted connection.
  std::function<std::shared_ptr<behaviour>(const param_values&)> make;
};

void register_behaviour(behaviour_info info);

/// Every behaviour, sorted by name.
const std::vector<behaviour_info>& all_behaviours();
const behaviour_info* find_behaviour(std::string_view name);

/// The named behaviour; throws std::invalid_argument with a did-you-mean and the known names.
const behaviour_info& behaviour_named(std::string_view name);

/// The behaviour's parameters: its defaults with `settings` applied, each checked against its
/// spec, then as a whole. Throws std::invalid_argument naming the parameter (a misspelt one
/// with a did-you-mean and the known ones).
param_values resolve(const behaviour_info& behaviour, const typed_settings& settings);

/// The same from text values, as typed on a command line (`status` = "307"): each parsed by its
/// parameter's type first. Throws as resolve().
param_values resolve_text(const behaviour_info& behaviour,
                          const std::vector<std::pair<std::string, std::string>>& settings);

}  // namespace wsrepro::mock

/// Registers a behaviour defined in mock_servers/behaviours/NAME.cpp (NAME = the file's stem).
#define WSREPRO_REGISTER_BEHAVIOUR(file_stem, ...)    \
  void wsrepro_register_behaviour_##file_stem() {     \
    ::wsrepro::mock::register_behaviour(__VA_ARGS__); \
  }
