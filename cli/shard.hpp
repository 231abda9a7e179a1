#pragma once
// --shard K/N: this invocation makes one of N disjoint parts of the plan, so N CI jobs share a
// suite. Every job computes the same partition from the plan alone (no timing of this machine):
// each (scenario, client) goes, with all its repetitions, to the part whose expected duration
// is least so far, longest first (LPT scheduling), so parts end at about the same time rather
// than having the same number of runs. Runs keep the index and seed the unsharded plan gives
// them, so a part's runs are exactly the unsharded invocation's.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "wsrepro/harness/runner.hpp"

namespace wsrepro::cli {

struct shard_spec {
  std::size_t index = 1;  ///< K, from 1
  std::size_t count = 1;  ///< N
};

/// "K/N" with 1 <= K <= N <= 1000; a usage_error otherwise.
shard_spec parse_shard(const std::string& text);

/// How long a run of this (scenario, client) is expected to take, from the plan alone: a known
/// bug expected here usually hangs until the deadline; other runs end soon after the fault.
double expected_duration_ms(const harness::planned_run& run);

/// For each entry of `base`, whether it belongs to `shard`.
std::vector<bool> shard_members(const std::vector<harness::planned_run>& base,
                                const shard_spec& shard);

}  // namespace wsrepro::cli
