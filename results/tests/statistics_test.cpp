#include "wsrepro/results/statistics.hpp"

#include <gtest/gtest.h>

namespace {

using namespace wsrepro::results;

run_result run(verdict v, double hang_ms, bool lower_bound, std::size_t index) {
  run_result r;
  r.scenario_id = "close.x";
  r.client = "c";
  r.outcome = v;
  r.index = index;
  r.seed = 100 + index;
  measurement m;
  m.name = "hang_ms";
  m.unit = "ms";
  m.status = measurement_status::measured;
  m.value = hang_ms;
  m.lower_bound = lower_bound;
  r.measurements.push_back(m);
  return r;
}

TEST(run_statistics, counts_lower_bounds_beside_the_sample_never_in_it) {
  run_statistics stats;
  stats.add(run(verdict::pass, 10, false, 0));
  stats.add(run(verdict::pass, 30, false, 1));
  stats.add(run(verdict::fail, 6000, true, 2));
  ASSERT_EQ(stats.pairs().size(), 1u);
  const auto& p = stats.pairs().front();
  const auto* hang = p.find("hang_ms");
  ASSERT_NE(hang, nullptr);
  EXPECT_EQ(hang->values, (std::vector<double>{10, 30}));
  EXPECT_EQ(hang->lower_bounds, 1u);
  EXPECT_DOUBLE_EQ(*p.headline_median(), 20);
}

TEST(run_statistics, the_missed_rate_counts_fail_and_known_bug_among_judged_runs) {
  run_statistics stats;
  stats.add(run(verdict::pass, 1, false, 0));
  stats.add(run(verdict::known_bug, 1, false, 1));
  stats.add(run(verdict::fail, 1, false, 2));
  stats.add(run(verdict::skipped, 1, false, 3));
  const auto& p = stats.pairs().front();
  EXPECT_EQ(p.judged(), 3u);
  ASSERT_TRUE(p.missed_rate());
  EXPECT_DOUBLE_EQ(p.missed_rate()->rate, 2.0 / 3.0);
  ASSERT_EQ(p.missed.size(), 2u);
  EXPECT_EQ(p.missed[0].index, 1u);
  EXPECT_EQ(p.missed[1].seed, 102u);
  EXPECT_TRUE(stats.repeated());
}

TEST(run_statistics, a_pair_without_judged_runs_has_no_rate_and_no_median) {
  run_statistics stats;
  run_result skipped;
  skipped.scenario_id = "a";
  skipped.client = "b";
  skipped.outcome = verdict::skipped;
  stats.add(skipped);
  const auto& p = stats.pairs().front();
  EXPECT_FALSE(p.missed_rate());
  EXPECT_FALSE(p.headline_median());
  EXPECT_FALSE(stats.repeated());
}

TEST(run_statistics, keeps_pairs_apart_in_first_seen_order) {
  run_statistics stats;
  auto a = run(verdict::pass, 1, false, 0);
  auto b = run(verdict::pass, 1, false, 1);
  b.client = "other";
  stats.add(b);
  stats.add(a);
  ASSERT_EQ(stats.pairs().size(), 2u);
  EXPECT_EQ(stats.pairs()[0].client, "other");
  EXPECT_EQ(stats.pairs()[1].client, "c");
}

}  // namespace
