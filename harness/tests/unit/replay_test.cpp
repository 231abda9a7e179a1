// The --replay report reader: a report is input like any other.

#include "wsrepro/harness/replay.hpp"

#include <gtest/gtest.h>

#include <string>
#include <variant>

namespace wsrepro::harness {
namespace {

std::string error_of(const std::string& text, std::size_t index = 0) {
  const auto parsed = parse_replay_report(text, index, "r.json");
  const auto* error = std::get_if<std::string>(&parsed);
  return error != nullptr ? *error : std::string("<no error>");
}

const std::string run = R"({"scenario": "a.b", "client": "beast-async")";

TEST(replay_report, reads_the_recorded_run) {
  const auto parsed = parse_replay_report(
      R"({"time_scale": 2.5, "runs": [)" + run +
          R"(, "seed": 18446744073709551615, "argv": ["x"], "server_params": {"delay_ms": -3}}]})",
      0, "r.json");
  ASSERT_TRUE(std::holds_alternative<replay_source>(parsed)) << std::get<std::string>(parsed);
  const auto& r = std::get<replay_source>(parsed);
  EXPECT_EQ(r.scenario_id, "a.b");
  EXPECT_EQ(r.seed, 18446744073709551615ull);
  EXPECT_EQ(r.server_params.at("delay_ms"), -3);
  EXPECT_DOUBLE_EQ(r.time_scale, 2.5);
}

TEST(replay_report, finds_a_run_by_its_plan_index_in_a_shards_report) {
  // A --shard part holds runs 4 and 9 of the plan: #9 is the second one, #0 is not there.
  const std::string doc = R"({"runs": [{"index": 4, "scenario": "a.four", "client": "c"},
                                        {"index": 9, "scenario": "a.nine", "client": "c"}]})";
  const auto parsed = parse_replay_report(doc, 9, "r.json");
  ASSERT_TRUE(std::holds_alternative<replay_source>(parsed)) << std::get<std::string>(parsed);
  EXPECT_EQ(std::get<replay_source>(parsed).scenario_id, "a.nine");
  EXPECT_NE(error_of(doc, 0).find("has no run 0"), std::string::npos);
}

TEST(replay_report, refuses_what_is_not_shaped_as_wsrepro_writes_it) {
  EXPECT_NE(error_of("[]").find("not a wsrepro report.json"), std::string::npos);
  EXPECT_NE(error_of(R"({"runs": []})").find("has no runs"), std::string::npos);
  EXPECT_NE(error_of(R"({"runs": [1]})").find("not an object"), std::string::npos);
  EXPECT_NE(error_of(R"({"runs": [{"scenario": 3}]})").find("names no scenario"),
            std::string::npos);
  // Found by the replay_report fuzzer: a seed beyond 64 bits was cast, undefined behaviour.
  EXPECT_NE(error_of(R"({"runs": [)" + run + R"(, "seed": 1e30}]})").find("seed is not"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"runs": [)" + run + R"(, "seed": -1}]})").find("seed is not"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"runs": [)" + run + R"(, "server_params": {"d": 1.5}}]})")
                .find("not a whole number"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"runs": [)" + run + R"(, "server_params": {"d": 18446744073709551615}}]})")
                .find("too large"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"time_scale": "fast", "runs": [)" + run + "}]}").find("time_scale"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"runs": [)" + run + "}]}", 3).find("has no run 3 (it has 1 runs"),
            std::string::npos);
}

}  // namespace
}  // namespace wsrepro::harness
