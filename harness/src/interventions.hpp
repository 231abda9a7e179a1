#pragma once
// Internal: what wsrepro itself did to a run. An ending the harness caused (a signal of the
// plan, the deadline, wsrepro's own stop) is never credited to the client: a measurement that
// ends on the client's reaction and has such an intervention inside it is only a lower bound.

#include <string_view>
#include <vector>

#include "wsrepro/common/event.hpp"
#include "wsrepro/results/result.hpp"

namespace wsrepro::harness::detail {

/// A signal wsrepro sent (any reason) or its deadline.
bool is_harness_action(const event& e);

/// An event the client causes (its output, its exit, what the server receives from it), as
/// opposed to one the server or wsrepro makes.
bool is_client_reaction(std::string_view event_name);

/// The first harness action after `from` (never `from` itself) and no later than `until`;
/// `timeline` is sorted by time.
const event* first_intervention(const std::vector<event>& timeline, const event& from,
                                mono_ns until);

/// Sets `m` to the time from `from` to the intervention, as a lower bound, with a note saying
/// what wsrepro did and when `end` came.
void cut_short(results::measurement& m, const event& from, const event& action, const event& end);

}  // namespace wsrepro::harness::detail
