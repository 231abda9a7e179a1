#include "wsrepro/harness/scheduling.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "wsrepro/harness/machine_load.hpp"
#include "wsrepro/harness/runner.hpp"

namespace wsrepro::harness {
namespace {

using namespace std::chrono_literals;

scenario with_deadline(std::string id, double deadline_ms) {
  scenario s;
  s.id = std::move(id);
  s.deadline_ms = deadline_ms;
  return s;
}

planned_run run_of(const scenario& s, const std::string& client, std::size_t index) {
  planned_run run;
  run.scenario_ptr = &s;
  run.client.name = client;
  run.index = index;
  return run;
}

TEST(duration_history, keeps_a_running_mean_of_the_last_runs) {
  duration_history h;
  h.record("a.b\tbeast-async", 100);
  h.record("a.b\tbeast-async", 300);
  EXPECT_DOUBLE_EQ(*h.expected_ms("a.b\tbeast-async"), 200);
  for (int i = 0; i < 20; ++i) h.record("a.b\tbeast-async", 50);
  // The last few runs weigh most: the old 300 ms is all but forgotten.
  EXPECT_LT(*h.expected_ms("a.b\tbeast-async"), 55);
  EXPECT_FALSE(h.expected_ms("a.b\tother"));
}

TEST(duration_history, survives_its_own_file_and_drops_what_it_cannot_read) {
  duration_history h;
  h.record("close.x\tws@8.0.0", 1234.5678);
  h.record("handshake.y\twebsockets@17.4", 10);
  const auto back = duration_history::parse(h.serialise());
  EXPECT_EQ(back.size(), 2u);
  EXPECT_NEAR(*back.expected_ms("close.x\tws@8.0.0"), 1234.568, 0.001);

  const auto garbled = duration_history::parse(
      "# header\n"
      "ok.one\tc\t1\t10\n"
      "no.tabs here\n"
      "too\tmany\tfields\t1\t2\n"
      "nan.run\tc\t1\tnan\n"
      "negative.run\tc\t1\t-5\n"
      "huge.run\tc\t1\t1e300\n"
      "zero.count\tc\t0\t10\n"
      "big.count\tc\t99\t10\n"
      "trailing.junk\tc\t1\t10ms\n"
      "\tc\t1\t10\n");
  EXPECT_EQ(garbled.size(), 1u);
  EXPECT_TRUE(garbled.expected_ms("ok.one\tc"));
}

TEST(duration_history, refuses_keys_and_durations_that_would_corrupt_the_file) {
  duration_history h;
  h.record("no tab", 1);
  h.record("two\ttabs\there", 1);
  h.record("new\nline", 1);
  h.record("a\tb", std::numeric_limits<double>::quiet_NaN());
  h.record("a\tb", -1);
  EXPECT_EQ(h.size(), 0u);
}

TEST(longest_first, orders_by_recorded_time_with_the_deadline_as_the_prior) {
  const auto quick = with_deadline("quick", 5000);
  const auto slow = with_deadline("slow", 5000);
  const auto unseen = with_deadline("unseen", 3000);
  const auto skipped_s = with_deadline("skipped", 60000);
  std::vector<planned_run> plan{run_of(quick, "c", 0), run_of(slow, "c", 1), run_of(unseen, "c", 2),
                                run_of(skipped_s, "c", 3)};
  plan[3].skip_reason = "not for this client";
  duration_history h;
  h.record(duration_history::key_of(plan[0]), 20);
  h.record(duration_history::key_of(plan[1]), 11000);
  // slow (11 s recorded), unseen (3 s deadline), quick (20 ms), then the skipped run (no time).
  EXPECT_EQ(longest_first(plan, h, 1.0), (std::vector<std::size_t>{1, 2, 0, 3}));
  // At time scale 0.1 the recorded 11 s is 1.1 s, shorter than the (already scaled) deadline.
  EXPECT_EQ(longest_first(plan, h, 0.1), (std::vector<std::size_t>{2, 1, 0, 3}));
}

TEST(auto_jobs, is_several_per_cpu_and_never_more_than_the_plan) {
  EXPECT_EQ(auto_jobs(1), 1);
  EXPECT_GE(auto_jobs(1000), usable_cpus());
  EXPECT_LE(auto_jobs(3), 3);
}

TEST(startup_gate, lets_in_no_more_than_its_slots) {
  startup_gate gate(2, 60s);
  const auto a = gate.enter(nullptr);
  const auto b = gate.enter(nullptr);
  ASSERT_TRUE(a && b);
  std::atomic<bool> entered{false};
  std::thread third([&] {
    const auto c = gate.enter(nullptr);
    entered = true;
    gate.leave(*c);
  });
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(entered.load());
  gate.leave(*a);
  gate.leave(*a);  // twice is once
  third.join();
  EXPECT_TRUE(entered.load());
  gate.leave(*b);
}

TEST(startup_gate, a_holder_that_never_leaves_loses_its_place) {
  startup_gate gate(1, 20ms);
  const auto stuck = gate.enter(nullptr);
  ASSERT_TRUE(stuck);
  // The generous deadline is the test's own: the gate lets the next one in after 20 ms.
  std::atomic<bool> entered{false};
  std::thread next([&] {
    if (gate.enter(nullptr)) entered = true;
  });
  next.join();
  EXPECT_TRUE(entered.load());
  gate.leave(*stuck);  // expired already: ignored
}

TEST(startup_gate, gives_up_when_cancelled) {
  startup_gate gate(1, 60s);
  ASSERT_TRUE(gate.enter(nullptr));
  std::atomic<bool> cancel{true};
  EXPECT_FALSE(gate.enter(&cancel));
}

TEST(machine_load, reads_the_kernel_counters) {
  const auto c = parse_cpu_counters(
      "cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 1 2 3 4\n",
      "some avg10=1.09 avg60=1.41 avg300=1.65 total=10831492\nfull avg10=0.00 total=0\n");
  EXPECT_EQ(c.total_ticks, 1000u);
  EXPECT_EQ(c.busy_ticks, 150u);
  EXPECT_EQ(c.wait_us, 10831492u);
  const auto none = parse_cpu_counters("", "");
  EXPECT_EQ(none.total_ticks, 0u);
  EXPECT_FALSE(none.wait_us);
}

TEST(machine_load, is_saturated_when_the_cpus_are_full_or_tasks_wait) {
  cpu_counters before{.t_ns = 0, .busy_ticks = 0, .total_ticks = 0, .wait_us = 0};
  cpu_counters after{.t_ns = 1'000'000'000, .busy_ticks = 98, .total_ticks = 100, .wait_us = 0};
  auto load = load_between(before, after, 3);
  EXPECT_NEAR(*load.cpu_busy_pct, 98, 0.01);
  EXPECT_NEAR(*load.cpu_wait_pct, 0, 0.01);
  EXPECT_EQ(load.runs_at_once, 3);
  EXPECT_TRUE(load.saturated);

  after = {.t_ns = 1'000'000'000, .busy_ticks = 50, .total_ticks = 100, .wait_us = 400'000};
  load = load_between(before, after, 1);
  EXPECT_NEAR(*load.cpu_wait_pct, 40, 0.01);
  EXPECT_TRUE(load.saturated);

  after = {.t_ns = 1'000'000'000, .busy_ticks = 50, .total_ticks = 100, .wait_us = 10'000};
  EXPECT_FALSE(load_between(before, after, 1).saturated);

  // Too few ticks to tell how busy the CPUs were, and no pressure information: not saturated.
  after = {.t_ns = 10'000'000, .busy_ticks = 2, .total_ticks = 2, .wait_us = std::nullopt};
  load = load_between(before, after, 1);
  EXPECT_FALSE(load.cpu_busy_pct);
  EXPECT_FALSE(load.cpu_wait_pct);
  EXPECT_FALSE(load.saturated);
}

results::measurement timed(std::string name, double value_ms) {
  results::measurement m;
  m.name = std::move(name);
  m.unit = "ms";
  m.status = results::measurement_status::measured;
  m.value = value_ms;
  return m;
}

TEST(timing_near_a_limit, doubts_only_a_time_that_waiting_could_have_pushed_to_its_limit) {
  expectation expect;
  expect.limits["hang_ms"] = {std::nullopt, 1000.0};  // at most 1 s
  const double share = 0.2;                           // tasks waited a fifth of the run
  // Past the maximum by less than a fifth of itself: waiting may have pushed it there.
  EXPECT_TRUE(timing_near_a_limit({timed("hang_ms", 1100)}, expect, share, false));
  // Far past it, or short of it (waiting never shortens a time): the client's own.
  EXPECT_FALSE(timing_near_a_limit({timed("hang_ms", 3000)}, expect, share, false));
  EXPECT_FALSE(timing_near_a_limit({timed("hang_ms", 990)}, expect, share, false));
  // A known bug's minimum (a hang of at least 2.7 s) barely reached is in doubt too.
  expectation signature;
  signature.limits["hang_ms"] = {2700.0, 4500.0};
  EXPECT_TRUE(timing_near_a_limit({timed("hang_ms", 3030)}, signature, share, false));
  EXPECT_FALSE(timing_near_a_limit({timed("hang_ms", 3030)}, signature, 0.05, false));
  // Counts are not times, and a machine with no waiting doubts nothing.
  expectation counts;
  counts.limits["leaked_processes"] = {std::nullopt, 0.0};
  results::measurement leaked;
  leaked.name = "leaked_processes";
  leaked.value = 1;
  EXPECT_FALSE(timing_near_a_limit({leaked}, counts, 1.0, false));
  EXPECT_FALSE(timing_near_a_limit({timed("hang_ms", 1001)}, expect, 0, false));
  // Cut short by a signal at 500 ms, below the 1 s maximum: in doubt only on a saturated
  // machine (the client may have been waiting for a CPU when the signal came).
  auto cut = timed("hang_ms", 501);
  cut.lower_bound = true;
  EXPECT_TRUE(timing_near_a_limit({cut}, expect, 0.9, true));
  EXPECT_FALSE(timing_near_a_limit({cut}, expect, 0.05, false));
  // A hung client killed at its 10 s deadline is no machine's doing.
  auto hung = timed("hang_ms", 10000);
  hung.lower_bound = true;
  EXPECT_FALSE(timing_near_a_limit({hung}, expect, 0.3, true));
}

}  // namespace
}  // namespace wsrepro::harness
