#pragma once
// The judge: compares a run's measurements with the scenario's expectation, decides the verdict,
// and tells a known bug reproduced from one that was not. The measurements themselves are in
// measurements.hpp.

#include <vector>

#include "wsrepro/harness/scenario.hpp"
#include "wsrepro/results/result.hpp"

namespace wsrepro::harness {

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

/// For a run that failed (after the known bug) on a client whose driver said its library has
/// no option for a setting the scenario set (`driver.unsupported_setting` events), when an
/// unmet check is on a measurement such a setting decides (client_setting_spec::governs):
/// `unsupported`, the reason naming the settings, then what the run showed. Any other verdict
/// stays: a pass with the library's default is a pass, and a failure on something no missing
/// setting decides (a close frame never sent, say) is a failure.
void judge_unsupported_settings(results::run_result& r);

}  // namespace wsrepro::harness
