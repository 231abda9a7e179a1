#pragma once
// A run's story as a Mermaid Gantt chart, for summary.md (GitHub renders Mermaid): the client's
// life as a bar, and the moments that matter as milestones on the same millisecond axis: the
// connection, the server's fault, every signal, the deadline, stack captures, the exit.

#include <string>

#include "wsrepro/results/result.hpp"

namespace wsrepro::reports {

/// A fenced ```mermaid block, or empty when the run has no timeline to draw.
std::string mermaid_gantt(const results::run_result& r);

}  // namespace wsrepro::reports
