#pragma once
// What `run` (and `sweep`) will do, before anything runs: scenario x client instances, then
// repetitions with their seeds and jittered server parameters, or the one recorded run that
// --replay repeats. Bad input is a usage_error (exit 2).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wsrepro/harness/client.hpp"
#include "wsrepro/harness/jitter.hpp"
#include "wsrepro/harness/paths.hpp"
#include "wsrepro/harness/replay.hpp"
#include "wsrepro/harness/runner.hpp"
#include "wsrepro/harness/scenario.hpp"

namespace wsrepro::cli {

/// One run per (scenario, client instance): `client_selectors` (NAME[@VERSION]) and the ad-hoc
/// client, or each scenario's own clients; runs a scenario does not apply to are skipped.
std::vector<harness::planned_run> make_plan(const std::vector<harness::scenario>& scenarios,
                                            const harness::client_catalogue& catalogue,
                                            const std::vector<std::string>& client_selectors,
                                            const std::vector<harness::client_spec>& ad_hoc);

/// A client whose program is missing is bad input, found before anything runs.
void check_programs(const std::vector<harness::planned_run>& plan,
                    const harness::search_paths& paths);

/// Parses and checks --jitter against the scenarios: each must name an integer parameter of at
/// least one scenario's behaviour.
std::vector<harness::jitter_spec> parse_jitters(const std::vector<std::string>& texts,
                                                const std::vector<harness::scenario>& scenarios);

/// Repetition `repetition` of every entry of `base` (1-based; 0 when there is only one), each
/// with the seed derive_seed(base_seed, index) and its jitter drawn from that seed. `index` is
/// the position in the whole invocation, so batches (--until-fail) continue the sequence.
std::vector<harness::planned_run> repetitions(const std::vector<harness::planned_run>& base,
                                              int repetition, std::uint64_t base_seed,
                                              std::uint64_t& index,
                                              const std::vector<harness::jitter_spec>& jitters,
                                              double time_scale);

/// --replay REPORT.json#N: the recorded run N (its index in `runs`) as a plan entry with its
/// scenario, client, seed and server parameters. `scenarios` must hold its scenario.
using harness::replay_source;
replay_source read_replay(const std::string& reference);

/// A random seed for an invocation that names none (recorded, so it can be given back).
std::uint64_t fresh_seed();

/// --time-scale (or a report's time_scale, `origin` says which): a finite factor in
/// [0.01, 1000]; anything else is bad input.
void check_time_scale(double factor, const std::string& origin = "--time-scale");

/// The server parameters a --replay report recorded must still fit the scenario's behaviour:
/// known integer parameters within their ranges.
void check_replay_params(const replay_source& replay, const harness::scenario& s);

}  // namespace wsrepro::cli
