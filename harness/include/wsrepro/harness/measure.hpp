#pragma once
// Probes turn a run's timeline into measurements, each with its unit and the events it started
// and stopped on; the judge compares them with the scenario's expectations.

#include <vector>

#include "wsrepro/harness/result.hpp"
#include "wsrepro/harness/scenario.hpp"

namespace wsrepro::harness {

/// What the supervisor knows that the timeline does not carry.
struct run_facts {
  std::vector<leaked_process> leaks;
  bool leak_scan_done = false;
};

/// Every built-in measurement plus the scenario's windows. `timeline` must be sorted by time.
std::vector<measurement> measure(const std::vector<event>& timeline, const scenario& s,
                                 const run_facts& facts);

/// Compares measurements with the expectation; never throws.
std::vector<check> judge(const std::vector<measurement>& measurements, const expectation& expect);

/// pass when every check is met, fail otherwise; `reason` says why in one line.
verdict decide(const std::vector<check>& checks, std::string& reason);

}  // namespace wsrepro::harness
