#pragma once
// Loading what the subcommands share: search paths, scenarios and client manifests. Problems
// become usage_error (exit 2) with every error listed.

#include <string>
#include <vector>

#include "commands.hpp"
#include "wsrepro/harness/client.hpp"
#include "wsrepro/harness/paths.hpp"
#include "wsrepro/harness/scenario_loader.hpp"

namespace wsrepro::cli {

harness::search_paths resolve_paths(const global_options& globals);
harness::client_catalogue load_clients(const harness::search_paths& paths);
/// Loads the given paths (default: the scenario library); every error in every file is listed.
std::vector<harness::scenario> load_scenarios(const harness::search_paths& paths,
                                              const std::vector<std::string>& given);
/// The scenario with this id; a usage_error naming the nearest ids when there is none.
harness::scenario find_scenario(const std::vector<harness::scenario>& scenarios,
                                const std::string& id);
/// "unknown client 'x'; did you mean 'y'? (known: a, b)"
std::string unknown_name_message(const std::string& what, const std::string& name,
                                 const std::vector<std::string>& known);

}  // namespace wsrepro::cli
