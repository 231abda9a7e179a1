#include "wsrepro/results/statistics.hpp"

#include <algorithm>

namespace wsrepro::results {

void pair_statistics::add(const run_result& r) {
  outcomes.add(r.outcome);
  runs.push_back(r.index);
  if (r.outcome == verdict::fail || r.outcome == verdict::known_bug) {
    missed.push_back({r.index, r.seed});
  }
  for (const auto& m : r.measurements) {
    if (m.status != measurement_status::measured) continue;
    if (m.name == headline && m.text && !headline_text) headline_text = m.text;
    if (!m.value) continue;
    auto it = std::find_if(measurements.begin(), measurements.end(),
                           [&](const measurement_series& s) { return s.name == m.name; });
    if (it == measurements.end()) {
      measurements.push_back({m.name, m.unit, {}, 0});
      it = std::prev(measurements.end());
    }
    if (m.lower_bound) {
      ++it->lower_bounds;
    } else {
      it->values.push_back(*m.value);
    }
  }
}

std::size_t pair_statistics::judged() const {
  return static_cast<std::size_t>(outcomes.pass) + static_cast<std::size_t>(outcomes.fail) +
         static_cast<std::size_t>(outcomes.known_bug);
}

std::optional<proportion_interval> pair_statistics::missed_rate() const {
  if (judged() == 0) return std::nullopt;
  return wilson_interval(missed.size(), judged());
}

const measurement_series* pair_statistics::find(std::string_view name) const {
  for (const auto& s : measurements) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

std::optional<double> pair_statistics::headline_median() const {
  const auto* s = find(headline);
  if (s == nullptr || s->values.empty()) return std::nullopt;
  return summarize(s->values).median;
}

void run_statistics::add(const run_result& r) {
  const auto [slot, added] = index_.try_emplace({r.scenario_id, r.client}, pairs_.size());
  if (added) {
    pair_statistics p;
    p.scenario = r.scenario_id;
    p.client = r.client;
    p.headline = r.headline;
    pairs_.push_back(std::move(p));
  }
  pairs_[slot->second].add(r);
}

bool run_statistics::repeated() const {
  return std::any_of(pairs_.begin(), pairs_.end(),
                     [](const pair_statistics& p) { return p.outcomes.total() > 1; });
}

}  // namespace wsrepro::results
