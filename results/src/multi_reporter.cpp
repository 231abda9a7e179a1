#include <exception>

#include "wsrepro/results/reporter.hpp"

namespace wsrepro::results {

namespace {

// Every reporter gets the call even when one throws (a full disk must not cost the other
// reports); the first exception is rethrown afterwards.
template <typename F>
void for_each_reporter(const std::vector<std::unique_ptr<reporter>>& reporters, F&& call) {
  std::exception_ptr first_error;
  for (const auto& r : reporters) {
    try {
      call(*r);
    } catch (...) {
      if (!first_error) first_error = std::current_exception();
    }
  }
  if (first_error) std::rethrow_exception(first_error);
}

}  // namespace

void multi_reporter::begin(const report_context& context) {
  for_each_reporter(reporters_, [&](reporter& r) { r.begin(context); });
}

void multi_reporter::plan_known(const plan_outline& plan) {
  for_each_reporter(reporters_, [&](reporter& r) { r.plan_known(plan); });
}

void multi_reporter::run_started(const run_outline& run) {
  for_each_reporter(reporters_, [&](reporter& r) { r.run_started(run); });
}

void multi_reporter::run_finished(const run_result& result) {
  for_each_reporter(reporters_, [&](reporter& r) { r.run_finished(result); });
}

void multi_reporter::end(const run_summary& summary) {
  for_each_reporter(reporters_, [&](reporter& r) { r.end(summary); });
}

}  // namespace wsrepro::results
