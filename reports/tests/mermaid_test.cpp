// The Mermaid chart of a failure in summary.md: the client's life as a bar and the moments that
// matter as milestones, with labels Mermaid cannot misread.

#include <gtest/gtest.h>

#include "mermaid.hpp"

namespace wsrepro::reports {
namespace {

event at_ms(double t_ms, std::string source, std::string kind) {
  event e;
  e.t_ns = static_cast<mono_ns>(1'000'000'000 + t_ms * 1'000'000);
  e.source = std::move(source);
  e.kind = std::move(kind);
  return e;
}

TEST(mermaid, the_clients_life_and_the_moments_that_matter) {
  results::run_result r;
  r.scenario_id = "close.x";
  r.client = "a:b#c";  // characters Mermaid would read as syntax
  r.started_ns = 1'000'000'000;
  r.timeline = {at_ms(5, "client", "spawn"),
                at_ms(10, "server", "accept"),
                at_ms(12, "server", "fault"),
                at_ms(500, "harness", "signal").with("signal", std::string("SIGINT")),
                at_ms(1500, "harness", "capture"),
                at_ms(2000, "harness", "deadline"),
                at_ms(2003, "client", "exit").with("signal", std::string("SIGKILL"))};
  EXPECT_EQ(mermaid_gantt(r),
            "```mermaid\ngantt\n"
            "    title close.x with a b c (ms from the run's start)\n"
            "    dateFormat x\n    axisFormat %S.%L\n"
            "    section client\n    running :5, 2003\n"
            "    killed by SIGKILL :milestone, 2003, 2004\n"
            "    section server\n"
            "    connection accepted :milestone, 10, 11\n    fault :milestone, 12, 13\n"
            "    section wsrepro\n"
            "    SIGINT (plan) :milestone, 500, 501\n    stacks taken :milestone, 1500, 1501\n"
            "    deadline :milestone, 2000, 2001\n"
            "```\n");
}

TEST(mermaid, nothing_without_a_client) {
  results::run_result r;
  r.timeline = {at_ms(1, "server", "fault")};
  EXPECT_EQ(mermaid_gantt(r), "");
}

}  // namespace
}  // namespace wsrepro::reports
