#include "wsrepro/harness/jitter.hpp"

#include <gtest/gtest.h>

#include "wsrepro/harness/scenario_loader.hpp"

namespace wsrepro::harness {
namespace {

scenario redirect_scenario() {
  auto r = parse_scenario(R"(id = "x.y"
title = "t"
[server]
behaviour = "redirect"
)",
                          "x.toml");
  EXPECT_TRUE(r.errors.empty());
  return r.scenarios.at(0);
}

TEST(jitter, parses_ranges_and_distributions) {
  std::string error;
  auto j = parse_jitter("delay_ms=0..50", error);
  ASSERT_TRUE(j) << error;
  EXPECT_EQ(j->param, "delay_ms");
  EXPECT_EQ(j->low, 0);
  EXPECT_EQ(j->high, 50);
  EXPECT_EQ(j->distribution, jitter_distribution::uniform);
  j = parse_jitter("delay_ms=1..1000:log", error);
  ASSERT_TRUE(j) << error;
  EXPECT_EQ(j->distribution, jitter_distribution::log_uniform);
  EXPECT_FALSE(parse_jitter("delay_ms=50..0", error));
  EXPECT_FALSE(parse_jitter("delay_ms", error));
  EXPECT_FALSE(parse_jitter("delay_ms=0..9:normal", error));
  EXPECT_NE(error.find("unknown distribution"), std::string::npos);
  EXPECT_FALSE(parse_jitter("delay_ms=0..9:log", error));  // log needs LOW > 0
}

TEST(jitter, checks_the_parameter_against_the_behaviour) {
  const auto s = redirect_scenario();
  std::string error;
  EXPECT_EQ(check_jitter(*parse_jitter("delay_ms=0..50", error), s), "");
  const auto problem = check_jitter(*parse_jitter("delay=0..50", error), s);
  EXPECT_NE(problem.find("no integer parameter 'delay'"), std::string::npos) << problem;
  EXPECT_NE(problem.find("status, delay_ms"), std::string::npos) << problem;
  EXPECT_NE(check_jitter(*parse_jitter("status=0..50", error), s).find("takes 300 to 399"),
            std::string::npos);
}

TEST(jitter, draws_the_same_values_from_the_same_seed) {
  std::string error;
  const std::vector<jitter_spec> specs{*parse_jitter("delay_ms=0..50", error),
                                       *parse_jitter("status=300..399", error)};
  const auto a = draw_jitter(specs, 1234, 1.0);
  EXPECT_EQ(a, draw_jitter(specs, 1234, 1.0));
  bool differs = false;
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    const auto v = draw_jitter(specs, seed, 1.0);
    EXPECT_GE(v.at("delay_ms"), 0);
    EXPECT_LE(v.at("delay_ms"), 50);
    EXPECT_GE(v.at("status"), 300);
    EXPECT_LE(v.at("status"), 399);
    differs = differs || v != a;
  }
  EXPECT_TRUE(differs);
  // Durations scale with --time-scale, other integers do not.
  const auto scaled = draw_jitter(specs, 1234, 2.0);
  EXPECT_NEAR(static_cast<double>(scaled.at("delay_ms")),
              2.0 * static_cast<double>(a.at("delay_ms")), 1.0);
  EXPECT_EQ(scaled.at("status"), a.at("status"));
  // Adding a parameter leaves the draws of the others as they were.
  const std::vector<jitter_spec> one{specs[0]};
  EXPECT_EQ(draw_jitter(one, 1234, 1.0).at("delay_ms"), a.at("delay_ms"));
}

TEST(jitter, sweep_values) {
  std::string error;
  EXPECT_EQ(parse_sweep_values("0..60:20", error), (std::vector<std::int64_t>{0, 20, 40, 60}));
  EXPECT_EQ(parse_sweep_values("5..7", error), (std::vector<std::int64_t>{5, 6, 7}));
  EXPECT_FALSE(parse_sweep_values("0..60:0", error));
  EXPECT_FALSE(parse_sweep_values("9..1:1", error));
  EXPECT_FALSE(parse_sweep_values("0..100000:1", error));
}

}  // namespace
}  // namespace wsrepro::harness
