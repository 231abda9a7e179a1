#include "shard.hpp"

#include <algorithm>
#include <charconv>
#include <numeric>

#include "exit_codes.hpp"

namespace wsrepro::cli {

namespace {

constexpr std::size_t max_shards = 1000;
// A run that does not hang ends this long after it starts, give or take: enough to order runs
// against the ones that wait for their deadline.
constexpr double quick_run_ms = 2000;

}  // namespace

shard_spec parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  shard_spec shard;
  const auto parse = [&](std::string_view part, std::size_t& out) {
    const auto* end = part.data() + part.size();
    const auto [ptr, ec] = std::from_chars(part.data(), end, out);
    return ec == std::errc() && ptr == end && !part.empty();
  };
  const std::string_view all = text;
  if (slash == std::string::npos || !parse(all.substr(0, slash), shard.index) ||
      !parse(all.substr(slash + 1), shard.count) || shard.count == 0 || shard.count > max_shards ||
      shard.index == 0 || shard.index > shard.count) {
    throw usage_error{"--shard takes K/N with 1 <= K <= N <= " + std::to_string(max_shards) +
                      " (e.g. 2/4), got '" + text + "'"};
  }
  return shard;
}

double expected_duration_ms(const harness::planned_run& run) {
  if (run.skip_reason || run.scenario_ptr == nullptr) return 0;
  const auto& s = *run.scenario_ptr;
  if (s.bug_for(run.client.name, run.client.version) != nullptr) return s.deadline_ms;
  return std::min(s.deadline_ms, quick_run_ms);
}

std::vector<bool> shard_members(const std::vector<harness::planned_run>& base,
                                const shard_spec& shard) {
  std::vector<std::size_t> order(base.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::vector<double> expected(base.size());
  for (std::size_t i = 0; i < base.size(); ++i) expected[i] = expected_duration_ms(base[i]);
  // Longest first; equal ones in plan order, so every job sorts alike.
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return expected[a] > expected[b]; });
  std::vector<double> load(shard.count, 0);
  std::vector<std::size_t> runs(shard.count, 0);
  std::vector<bool> members(base.size(), false);
  for (const auto i : order) {
    // The least loaded part (then the one with fewest runs, then the first) takes it.
    std::size_t target = 0;
    for (std::size_t p = 1; p < shard.count; ++p) {
      if (load[p] < load[target] || (load[p] == load[target] && runs[p] < runs[target])) {
        target = p;
      }
    }
    load[target] += expected[i];
    ++runs[target];
    members[i] = target + 1 == shard.index;
  }
  return members;
}

}  // namespace wsrepro::cli
