// The measurement registry: each built-in measurement is one registered file, and everything
// that names measurements (the scenario loader, the situation, the observable limits) reads it.

#include "wsrepro/harness/measurements.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace wsrepro::harness {
namespace {

TEST(measurement_registry, every_spec_is_complete_and_named_once_with_its_unit) {
  std::set<std::string> names;
  std::set<int> orders;
  for (const auto& m : measurement_specs()) {
    EXPECT_TRUE(names.insert(m.name).second) << m.name << " registered twice";
    EXPECT_TRUE(orders.insert(m.order).second) << m.name << " shares its place in reports";
    EXPECT_NE(m.probe, nullptr) << m.name;
    EXPECT_FALSE(m.doc.empty()) << m.name;
    EXPECT_FALSE(m.from.empty()) << m.name;
    EXPECT_EQ(m.text, m.unit.empty()) << m.name << ": a text value has no unit, a number one";
    if (m.unit == "ms") {
      EXPECT_TRUE(m.name.ends_with("_ms")) << m.name << ": units in names";
    }
    if (!m.needs.empty()) {
      EXPECT_TRUE(m.needs.starts_with("server.")) << m.name;
    }
  }
  EXPECT_GE(names.size(), 16u);
}

TEST(measurement_registry, the_loader_names_and_text_values_come_from_it) {
  const auto& names = builtin_measurement_names();
  ASSERT_EQ(names.size(), measurement_specs().size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(names[i], measurement_specs()[i].name);
  }
  const auto& text = text_measurement_values();
  EXPECT_EQ(text.at("tcp_end"), (std::vector<std::string>{"FIN", "RST"}));
  EXPECT_TRUE(text.at("exit_signal").empty()) << "any signal name";
  EXPECT_EQ(text.count("hang_ms"), 0u);
}

TEST(measurement_registry, measure_gives_every_registered_measurement_in_report_order) {
  const std::vector<event> timeline;
  const auto out = measure(timeline, scenario{}, run_facts{});
  ASSERT_EQ(out.size(), measurement_specs().size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    EXPECT_EQ(out[i].name, measurement_specs()[i].name);
    EXPECT_NE(out[i].status, results::measurement_status::measured)
        << out[i].name << " measured on an empty timeline";
  }
  EXPECT_EQ(out.front().name, "hang_ms");
}

TEST(measurement_registry, observable_limits_and_situation_preconditions_come_from_the_specs) {
  scenario s;
  s.deadline_ms = 4000;
  ASSERT_TRUE(observable_limit(s, "hang_ms"));
  EXPECT_EQ(observable_limit(s, "hang_ms")->max_ms, 4000);
  EXPECT_FALSE(observable_limit(s, "client_ping_count")) << "nothing wsrepro does bounds a count";
  EXPECT_FALSE(observable_limit(s, "interrupt_latency_ms")) << "no signal, no bound";
  s.expect.limits["dead_peer_detect_ms"].max = 1000;
  s.expect.one_of["tcp_end"] = {"FIN"};
  const auto situation = derive_situation(s);
  EXPECT_NE(std::find(situation.begin(), situation.end(), "server.fault"), situation.end());
  EXPECT_NE(std::find(situation.begin(), situation.end(), "server.accept"), situation.end());
}

}  // namespace
}  // namespace wsrepro::harness
