#include "wsrepro/reports/eta.hpp"

#include <algorithm>

namespace wsrepro::reports {

namespace {

std::string key_of(const results::run_outline& run) { return run.scenario_id + '\n' + run.client; }

}  // namespace

std::optional<double> eta_estimator::mean::value() const {
  if (count == 0) return std::nullopt;
  return sum_ms / static_cast<double>(count);
}

void eta_estimator::planned(const results::run_outline& run) {
  if (run.skipped) return;
  auto& g = groups_[key_of(run)];
  g.scenario = run.scenario_id;
  g.deadline_ms = run.deadline_ms;
  ++g.waiting;
}

void eta_estimator::started(const results::run_outline& run, double now_ms) {
  const auto key = key_of(run);
  auto it = groups_.find(key);
  if (it == groups_.end() || it->second.waiting == 0) return;  // skipped, or never planned
  --it->second.waiting;
  running_[run.index] = {key, now_ms};
}

void eta_estimator::finished(std::size_t index, double duration_ms, bool judged) {
  const auto it = running_.find(index);
  if (it == running_.end()) return;
  if (judged) {
    const auto& g = groups_[it->second.key];
    by_pair_[it->second.key].sum_ms += duration_ms;
    ++by_pair_[it->second.key].count;
    by_scenario_[g.scenario].sum_ms += duration_ms;
    ++by_scenario_[g.scenario].count;
    if (g.deadline_ms > 0) {
      deadline_share_.sum_ms += std::min(1.0, duration_ms / g.deadline_ms);
      ++deadline_share_.count;
    }
  }
  running_.erase(it);
}

std::optional<double> eta_estimator::estimate(const std::string& key) const {
  if (const auto it = by_pair_.find(key); it != by_pair_.end()) return it->second.value();
  const auto g = groups_.find(key);
  if (g == groups_.end()) return std::nullopt;
  if (const auto it = by_scenario_.find(g->second.scenario); it != by_scenario_.end()) {
    return it->second.value();
  }
  if (const auto share = deadline_share_.value()) return *share * g->second.deadline_ms;
  return std::nullopt;
}

std::optional<double> eta_estimator::remaining_ms(double now_ms) const {
  double work_ms = 0;
  double longest_running_ms = 0;  // no plan ends before its longest run in flight does
  for (const auto& [key, g] : groups_) {
    if (g.waiting == 0) continue;
    const auto e = estimate(key);
    if (!e) return std::nullopt;
    work_ms += *e * static_cast<double>(g.waiting);
  }
  for (const auto& [index, run] : running_) {
    const auto e = estimate(run.key);
    if (!e) return std::nullopt;
    const auto groups = groups_.find(run.key);
    const double cap =
        groups != groups_.end() && groups->second.deadline_ms > 0 ? groups->second.deadline_ms : *e;
    // A run already past its estimate is given until its deadline, at most a second more.
    const double elapsed = now_ms - run.started_ms;
    const double left =
        elapsed < *e ? *e - elapsed : std::min(1000.0, std::max(0.0, cap - elapsed));
    work_ms += left;
    longest_running_ms = std::max(longest_running_ms, left);
  }
  return std::max(work_ms / jobs_, longest_running_ms);
}

}  // namespace wsrepro::reports
