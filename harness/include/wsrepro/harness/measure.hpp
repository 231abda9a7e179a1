#pragma once
// Probes turn a run's timeline into measurements, each with its unit and the events it started
// and stopped on; the judge compares them with the scenario's expectations.

#include <vector>

#include "wsrepro/harness/scenario.hpp"
#include "wsrepro/results/result.hpp"

namespace wsrepro::harness {

/// What the supervisor knows that the timeline does not carry.
struct run_facts {
  std::vector<results::leaked_process> leaks;
  bool leak_scan_done = false;
};

/// Every built-in measurement plus the scenario's windows. `timeline` must be sorted by time.
std::vector<results::measurement> measure(const std::vector<event>& timeline, const scenario& s,
                                          const run_facts& facts);

/// Compares measurements with the expectation; never throws.
std::vector<results::check> judge(const std::vector<results::measurement>& measurements,
                                  const expectation& expect);

/// pass when every check is met, fail otherwise; `reason` says why in one line.
results::verdict decide(const std::vector<results::check>& checks, std::string& reason);

/// For a run that never reached its scenario's situation (r.situation_missing is not empty):
/// `fail`, with a reason naming the missing events and how the client ended; `bug`, when one is
/// expected on this client, is recorded as not reproduced.
void situation_not_reached(results::run_result& r, const known_bug* bug);

/// For a run on a client instance where `bug` is expected (after decide): known_bug when the
/// run shows the bug's signature (or, without one, misses the expectation), fail when it does
/// not: a scenario that stops reproducing a bug has lost its power. Sets r.known_bug.
void judge_known_bug(const known_bug& bug, results::run_result& r);

}  // namespace wsrepro::harness
