#pragma once
// Getting clients under test ready before anything runs: the environments the chosen client
// instances need are built (in parallel up to --jobs, one build per environment), their
// versions recorded, and an instance whose environment cannot be built is skipped with the
// reason, never run.

#include <atomic>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "commands.hpp"
#include "wsrepro/harness/client.hpp"
#include "wsrepro/harness/environment.hpp"
#include "wsrepro/harness/paths.hpp"
#include "wsrepro/harness/runner.hpp"

namespace wsrepro::cli {

/// The cache --cache names, or the default one.
harness::environment_cache make_cache(const global_options& globals,
                                      const harness::search_paths& paths);

/// Resolves NAME[@VERSION] selectors; an unknown client or version is a usage_error (exit 2).
std::vector<harness::client_spec> resolve_clients(const harness::client_catalogue& catalogue,
                                                  const std::vector<std::string>& selectors);

/// Readies every instance in `clients` that has an environment: fills its placeholders and
/// versions, or returns why it cannot run (by display name). Progress lines go to stderr.
std::map<std::string, std::string> prepare_clients(std::vector<harness::client_spec*>& clients,
                                                   const harness::client_catalogue& catalogue,
                                                   harness::environment_cache& cache, int jobs,
                                                   const std::atomic<bool>* cancel, bool quiet);

/// prepare_clients for every run of a plan not skipped already; a run whose client cannot be set
/// up gets the reason as its skip_reason.
void prepare_plan(std::vector<harness::planned_run>& plan,
                  const harness::client_catalogue& catalogue, harness::environment_cache& cache,
                  int jobs, const std::atomic<bool>* cancel, bool quiet);

}  // namespace wsrepro::cli
