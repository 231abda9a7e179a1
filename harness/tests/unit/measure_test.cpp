#include "wsrepro/harness/judge.hpp"
#include "wsrepro/harness/measurements.hpp"

#include <gtest/gtest.h>

#include <optional>

namespace wsrepro::harness {
namespace {

constexpr mono_ns ms = 1'000'000;

event ev(mono_ns t, std::string source, std::string kind) {
  event e;
  e.t_ns = t;
  e.source = std::move(source);
  e.kind = std::move(kind);
  return e;
}

event exit_event(mono_ns t, int code) {
  auto e = ev(t, "client", "exit");
  e.with("code", std::int64_t{code});
  return e;
}

event signal_event(mono_ns t, std::string sig, std::string why = "plan") {
  auto e = ev(t, "harness", "signal");
  e.with("signal", std::move(sig)).with("why", std::move(why));
  return e;
}

scenario with_signals() {
  scenario s;
  s.signals.push_back(signal_step{});
  return s;
}

const results::measurement& get(const std::vector<results::measurement>& ms_list,
                                std::string_view name) {
  for (const auto& m : ms_list) {
    if (m.name == name) return m;
  }
  throw std::runtime_error("no measurement " + std::string(name));
}

run_facts no_leaks() {
  run_facts f;
  f.leak_scan_done = true;
  return f;
}

TEST(measure, a_stack_capture_is_no_intervention_but_a_pause_it_caused_is_noted) {
  auto capture = ev(1500 * ms, "harness", "capture");
  capture.with("why", std::string("test"));
  auto paused = ev(1540 * ms, "harness", "captured");
  paused.with("paused", true).with("duration_ms", 40.0);
  auto unpaused = ev(1600 * ms, "harness", "captured");
  unpaused.with("paused", false).with("duration_ms", 20.0);
  const std::vector<event> t{
      ev(1000 * ms, "client", "spawn"), ev(1010 * ms, "server", "fault"), capture, paused, unpaused,
      exit_event(2010 * ms, 1)};
  const auto m = measure(t, with_signals(), no_leaks());
  const auto& hang = get(m, "hang_ms");
  EXPECT_DOUBLE_EQ(*hang.value, 1000.0);
  EXPECT_FALSE(hang.lower_bound);  // the client ended on its own
  EXPECT_EQ(hang.note, "includes up to 40.0 ms in which a stack capture stopped the client");
  EXPECT_EQ(*get(m, "ended_by").text, "exit");
}

TEST(measure, hang_is_fault_to_exit_and_interrupt_not_applicable_when_no_signal_went_out) {
  const std::vector<event> t{ev(1000 * ms, "client", "spawn"), ev(1010 * ms, "server", "fault"),
                             exit_event(1013 * ms, 1)};
  const auto m = measure(t, with_signals(), no_leaks());
  EXPECT_DOUBLE_EQ(*get(m, "hang_ms").value, 3.0);
  EXPECT_EQ(get(m, "hang_ms").from_event, "server.fault");
  EXPECT_EQ(get(m, "interrupt_latency_ms").status, results::measurement_status::not_applicable);
  EXPECT_EQ(*get(m, "ended_by").text, "exit");
  EXPECT_DOUBLE_EQ(*get(m, "exit_code").value, 1);
  EXPECT_DOUBLE_EQ(*get(m, "process_ms").value, 13);
  EXPECT_DOUBLE_EQ(*get(m, "leaked_processes").value, 0);
}

TEST(measure, interrupt_latency_runs_from_the_first_plan_signal) {
  const std::vector<event> t{ev(0, "client", "spawn"), ev(10 * ms, "server", "fault"),
                             signal_event(510 * ms, "SIGINT"), exit_event(512 * ms, 130)};
  const auto m = measure(t, with_signals(), no_leaks());
  EXPECT_DOUBLE_EQ(*get(m, "interrupt_latency_ms").value, 2);
  EXPECT_FALSE(get(m, "interrupt_latency_ms").lower_bound);
  EXPECT_EQ(get(m, "interrupt_latency_ms").note, "from SIGINT");
}

TEST(measure, a_later_signal_cuts_the_interrupt_latency_short) {
  // The client ignored SIGINT until SIGTERM 5 s later: it did not react to SIGINT within 5 s,
  // and how long it would have taken is unknown.
  const std::vector<event> t{ev(0, "client", "spawn"), ev(10 * ms, "server", "fault"),
                             signal_event(510 * ms, "SIGINT"), signal_event(5510 * ms, "SIGTERM"),
                             exit_event(5512 * ms, 143)};
  const auto m = measure(t, with_signals(), no_leaks());
  EXPECT_DOUBLE_EQ(*get(m, "interrupt_latency_ms").value, 5000);
  EXPECT_TRUE(get(m, "interrupt_latency_ms").lower_bound);
  EXPECT_NE(get(m, "interrupt_latency_ms").note.find("ignored SIGINT"), std::string::npos);
  EXPECT_EQ(*get(m, "ended_by").text, "SIGTERM");
}

TEST(measure, a_plan_signal_after_the_fault_is_never_credited_to_the_client) {
  // The client was still hanging when SIGINT went out 500 ms after the fault: its hang is at
  // least 500 ms, whatever it did after the signal.
  const std::vector<event> t{ev(0, "client", "spawn"), ev(10 * ms, "server", "fault"),
                             signal_event(510 * ms, "SIGINT"), exit_event(3010 * ms, 130)};
  const auto m = measure(t, with_signals(), no_leaks());
  EXPECT_DOUBLE_EQ(*get(m, "hang_ms").value, 500);
  EXPECT_TRUE(get(m, "hang_ms").lower_bound);
  EXPECT_EQ(get(m, "hang_ms").to_event, "harness.signal");
  EXPECT_TRUE(get(m, "process_ms").lower_bound);
  // A signal before the fault does not cut the hang: the client's own wait is measured.
  const std::vector<event> before{ev(0, "client", "spawn"), signal_event(5 * ms, "SIGINT"),
                                  ev(10 * ms, "server", "fault"), exit_event(1010 * ms, 130)};
  const auto m2 = measure(before, with_signals(), no_leaks());
  EXPECT_DOUBLE_EQ(*get(m2, "hang_ms").value, 1000);
  EXPECT_FALSE(get(m2, "hang_ms").lower_bound);
}

TEST(measure, a_deadline_kill_makes_lower_bounds) {
  auto killed = ev(15000 * ms, "client", "exit");
  killed.with("signal", std::string("SIGKILL"));
  const std::vector<event> t{ev(0, "client", "spawn"),
                             ev(10 * ms, "server", "fault"),
                             signal_event(510 * ms, "SIGINT"),
                             ev(15000 * ms, "harness", "deadline"),
                             signal_event(15000 * ms, "SIGKILL", "deadline"),
                             killed};
  const auto m = measure(t, with_signals(), no_leaks());
  EXPECT_EQ(*get(m, "ended_by").text, "deadline");
  EXPECT_TRUE(get(m, "hang_ms").lower_bound);
  EXPECT_TRUE(get(m, "interrupt_latency_ms").lower_bound);
  EXPECT_EQ(get(m, "exit_code").status, results::measurement_status::not_applicable);
  EXPECT_EQ(*get(m, "exit_signal").text, "SIGKILL");
}

TEST(measure, hang_is_missing_when_the_fault_never_happened) {
  const std::vector<event> t{ev(0, "client", "spawn"), exit_event(5 * ms, 0)};
  const auto m = measure(t, scenario{}, no_leaks());
  EXPECT_EQ(get(m, "hang_ms").status, results::measurement_status::missing);
  EXPECT_EQ(get(m, "interrupt_latency_ms").status, results::measurement_status::not_applicable);
}

TEST(measure, interrupt_latency_is_missing_when_the_deadline_came_before_the_anchor) {
  auto killed = ev(15000 * ms, "client", "exit");
  killed.with("signal", std::string("SIGKILL"));
  const std::vector<event> t{ev(0, "client", "spawn"), ev(15000 * ms, "harness", "deadline"),
                             signal_event(15000 * ms, "SIGKILL", "deadline"), killed};
  const auto m = measure(t, with_signals(), no_leaks());
  // A client that was never asked to stop has not shown how fast it stops.
  EXPECT_EQ(get(m, "interrupt_latency_ms").status, results::measurement_status::missing);
  expectation e;
  e.limits["interrupt_latency_ms"].max = 1000;
  EXPECT_FALSE(judge(m, e).front().met);
}

TEST(measure, windows_run_from_their_first_event_to_the_next_matching_one) {
  scenario s;
  s.windows.push_back({"marker_to_exit_ms", "driver.marker", "client.exit"});
  const std::vector<event> t{ev(0, "client", "spawn"), ev(100 * ms, "driver", "marker"),
                             exit_event(200 * ms, 0)};
  const auto m = measure(t, s, no_leaks());
  EXPECT_DOUBLE_EQ(*get(m, "marker_to_exit_ms").value, 100);
  EXPECT_EQ(get(m, "marker_to_exit_ms").from_event, "driver.marker");
}

TEST(judge, checks_fail_on_a_threshold_and_name_it) {
  const std::vector<event> t{ev(0, "client", "spawn"), ev(10 * ms, "server", "fault"),
                             exit_event(3010 * ms, 1)};
  expectation e;
  e.exit = exit_expectation::nonzero;
  e.limits["hang_ms"].max = 1000;
  const auto checks = judge(measure(t, scenario{}, no_leaks()), e);
  std::string reason;
  EXPECT_EQ(decide(checks, reason), results::verdict::fail);
  EXPECT_EQ(reason, "hang_ms = 3000 ms, expected <= 1000 ms");
}

TEST(judge, a_failure_on_a_setting_the_library_lacks_is_unsupported_and_a_pass_stays) {
  results::run_result r;
  r.outcome = results::verdict::fail;
  r.reason = "hang_ms >= 7700 ms, expected <= 2000 ms";
  r.checks = {{"hang_ms", "<= 2000", ">= 7700", false, "hang_ms >= 7700 ms, expected <= 2000 ms"}};
  r.timeline = {ev(0, "client", "spawn"),
                ev(1 * ms, "driver", "unsupported_setting")
                    .with("setting", std::string("WSREPRO_PING_INTERVAL_MS"))
                    .with("message", std::string("no keepalive")),
                ev(2 * ms, "driver", "unsupported_setting")
                    .with("setting", std::string("WSREPRO_PING_INTERVAL_MS"))
                    .with("message", std::string("no keepalive"))};
  auto passed = r;
  auto other_miss = r;
  judge_unsupported_settings(r);
  EXPECT_EQ(r.outcome, results::verdict::unsupported);
  EXPECT_EQ(r.reason,
            "not supported: the client has no option for WSREPRO_PING_INTERVAL_MS (no keepalive); "
            "with its default: hang_ms >= 7700 ms, expected <= 2000 ms");
  // A pass with the library's default is a pass; a failure without the event stays one.
  passed.outcome = results::verdict::pass;
  judge_unsupported_settings(passed);
  EXPECT_EQ(passed.outcome, results::verdict::pass);
  // A close timeout does not decide a miss when the client never noticed the stalled peer.
  auto never_noticed = other_miss;
  never_noticed.timeline.pop_back();
  never_noticed.timeline[1].attrs[0].second = std::string("WSREPRO_CLOSE_TIMEOUT_MS");
  never_noticed.checks.push_back({"dead_peer_detect_ms", "<= 5000", ">= 7800", false, "late"});
  judge_unsupported_settings(never_noticed);
  EXPECT_EQ(never_noticed.outcome, results::verdict::fail);
  // A miss no missing setting decides (a close frame never sent) stays a failure.
  other_miss.checks = {
      {"client_close_code", "in [1000, 1000]", "missing", false, "no close frame"}};
  judge_unsupported_settings(other_miss);
  EXPECT_EQ(other_miss.outcome, results::verdict::fail);
  results::run_result plain;
  plain.outcome = results::verdict::fail;
  plain.timeline = {ev(0, "client", "spawn")};
  judge_unsupported_settings(plain);
  EXPECT_EQ(plain.outcome, results::verdict::fail);
}

TEST(judge, a_lower_bound_never_meets_a_max_and_meets_a_min_only_above_it) {
  // Killed at a 6 s deadline: hang_ms >= 5990, which says nothing about a 12 s max.
  auto killed = ev(6000 * ms, "client", "exit");
  killed.with("signal", std::string("SIGKILL"));
  const std::vector<event> t{ev(0, "client", "spawn"), ev(10 * ms, "server", "fault"),
                             ev(6000 * ms, "harness", "deadline"),
                             signal_event(6000 * ms, "SIGKILL", "deadline"), killed};
  const auto m = measure(t, scenario{}, no_leaks());
  ASSERT_TRUE(get(m, "hang_ms").lower_bound);
  const auto check_with = [&](std::optional<double> min, std::optional<double> max) {
    expectation e;
    e.limits["hang_ms"] = {min, max};
    return judge(m, e).front();
  };
  const results::check under_max = check_with(std::nullopt, 12000);
  EXPECT_FALSE(under_max.met);
  EXPECT_EQ(under_max.actual, ">= 5990");
  EXPECT_NE(under_max.message.find("cut short by the harness"), std::string::npos)
      << under_max.message;
  EXPECT_FALSE(check_with(std::nullopt, 1000).met);
  EXPECT_TRUE(check_with(5000, std::nullopt).met);   // at least 5990: surely at least 5000
  EXPECT_FALSE(check_with(9000, std::nullopt).met);  // at least 5990: maybe not 9000
  EXPECT_FALSE(check_with(5000, 12000).met);
}

TEST(measure, a_close_wsrepro_caused_is_no_detection_and_not_the_clients_doing) {
  // A reader with no keepalive: the stall is never noticed; SIGINT makes it close at 1000 ms.
  auto accept = ev(5 * ms, "server", "accept");
  accept.connection = 1;
  auto fault = ev(10 * ms, "server", "fault");
  fault.connection = 1;
  auto close = ev(1011 * ms, "server", "frame_in");
  close.connection = 1;
  close.with("opcode", std::string("close")).with("code", std::int64_t{1000});
  const std::vector<event> t{ev(0, "client", "spawn"),          accept, fault,
                             signal_event(1010 * ms, "SIGINT"), close,  exit_event(1012 * ms, 130)};
  const auto m = measure(t, with_signals(), no_leaks());
  EXPECT_DOUBLE_EQ(*get(m, "dead_peer_detect_ms").value, 1000);
  EXPECT_TRUE(get(m, "dead_peer_detect_ms").lower_bound);
  EXPECT_EQ(*get(m, "closed_by").text, "harness");
  expectation e;
  e.limits["dead_peer_detect_ms"].max = 3000;
  EXPECT_FALSE(judge(m, e).front().met);
  // The same close with no signal before it is the client's own.
  const std::vector<event> own{ev(0, "client", "spawn"), accept, fault, close,
                               exit_event(1012 * ms, 1)};
  const auto m2 = measure(own, scenario{}, no_leaks());
  EXPECT_FALSE(get(m2, "dead_peer_detect_ms").lower_bound);
  EXPECT_DOUBLE_EQ(*get(m2, "dead_peer_detect_ms").value, 1001);
  EXPECT_EQ(*get(m2, "closed_by").text, "client");
}

TEST(judge, passes_when_met_and_counts_the_implicit_leak_check) {
  const std::vector<event> t{ev(0, "client", "spawn"), ev(10 * ms, "server", "fault"),
                             exit_event(11 * ms, 1)};
  expectation e;
  e.exit = exit_expectation::nonzero;
  e.limits["hang_ms"].max = 1000;
  e.limits["interrupt_latency_ms"].max = 1000;
  const auto checks = judge(measure(t, with_signals(), no_leaks()), e);
  std::string reason;
  EXPECT_EQ(decide(checks, reason), results::verdict::pass) << reason;
  EXPECT_EQ(checks.size(), 4u);  // exit, hang, interrupt (not applicable), leaks
}

TEST(judge, leaks_fail_by_default_and_missing_measurements_fail) {
  run_facts leaky = no_leaks();
  leaky.leaks.push_back({1234, "sleep 30"});
  const std::vector<event> t{ev(0, "client", "spawn"), exit_event(1 * ms, 0)};
  expectation e;
  e.limits["hang_ms"].max = 1000;
  const auto checks = judge(measure(t, scenario{}, leaky), e);
  std::string reason;
  EXPECT_EQ(decide(checks, reason), results::verdict::fail);
  EXPECT_NE(reason.find("hang_ms could not be measured"), std::string::npos) << reason;
  EXPECT_NE(reason.find("leaked_processes = 1, expected <= 0"), std::string::npos) << reason;
}

TEST(judge, exit_expectations_treat_a_signal_death_as_non_zero) {
  auto killed = ev(5 * ms, "client", "exit");
  killed.with("signal", std::string("SIGINT"));
  const std::vector<event> t{ev(0, "client", "spawn"), killed};
  expectation nonzero;
  nonzero.exit = exit_expectation::nonzero;
  expectation zero;
  zero.exit = exit_expectation::zero;
  const auto m = measure(t, scenario{}, no_leaks());
  EXPECT_TRUE(judge(m, nonzero).front().met);
  EXPECT_FALSE(judge(m, zero).front().met);
}

// --- counts, fields and known bugs --------------------------------------------------------

event driver_state(mono_ns t, std::string state) {
  auto e = ev(t, "driver", "state");
  e.with("state", std::move(state));
  return e;
}

TEST(measure, counts_events_and_reads_the_nth_events_attribute) {
  scenario s;
  s.counts.push_back({"sent_count", "driver.sent"});
  s.fields.push_back({"state_after_connect", "driver.state", "state", 1});
  s.fields.push_back({"last_state", "driver.state", "state", 3});
  const std::vector<event> t{driver_state(1 * ms, "OPEN"), ev(2 * ms, "driver", "sent"),
                             ev(3 * ms, "driver", "sent"), driver_state(4 * ms, "CLOSED"),
                             exit_event(5 * ms, 0)};
  const auto m = measure(t, s, no_leaks());
  EXPECT_DOUBLE_EQ(*get(m, "sent_count").value, 2);
  EXPECT_EQ(get(m, "sent_count").unit, "count");
  EXPECT_EQ(*get(m, "state_after_connect").text, "OPEN");
  EXPECT_EQ(get(m, "last_state").status, results::measurement_status::missing);
  EXPECT_EQ(get(m, "last_state").note, "only 2 driver.state events");
}

/// A run as the runner leaves it after judge and decide.
results::run_result judged(const scenario& s, const std::vector<event>& t,
                           const std::string& version) {
  results::run_result r;
  r.client_name = "cli";
  r.client_version = version;
  r.measurements = measure(t, s, no_leaks());
  r.checks = judge(r.measurements, s.expect);
  r.outcome = decide(r.checks, r.reason);
  return r;
}

scenario with_known_bug(bool signature) {
  scenario s;
  s.expect.limits["hang_ms"].max = 1000;
  known_bug bug;
  bug.id = "lib#1";
  bug.summary = "waits 10 s";
  bug.clients = {"cli"};
  bug.versions = {"11.0..13.0"};
  if (signature) bug.signature.limits["hang_ms"].min = 9000;
  s.known_bugs.push_back(bug);
  return s;
}

TEST(known_bug, reproducing_it_where_expected_is_the_known_bug_verdict) {
  const auto s = with_known_bug(true);
  const std::vector<event> slow{ev(0, "server", "fault"), exit_event(10'000 * ms, 1)};
  auto r = judged(s, slow, "12.0");
  ASSERT_NE(s.bug_for("cli", "12.0"), nullptr);
  judge_known_bug(*s.bug_for("cli", "12.0"), r);
  EXPECT_EQ(r.outcome, results::verdict::known_bug);
  ASSERT_TRUE(r.known_bug);
  EXPECT_TRUE(r.known_bug->reproduced);
  EXPECT_NE(r.reason.find("known bug lib#1 reproduced on cli 12.0"), std::string::npos) << r.reason;
}

TEST(known_bug, not_reproducing_it_where_expected_is_a_failure) {
  const auto s = with_known_bug(true);
  const std::vector<event> fast{ev(0, "server", "fault"), exit_event(20 * ms, 1)};
  auto r = judged(s, fast, "13.0");
  EXPECT_EQ(r.outcome, results::verdict::pass);  // the expectation alone is met...
  judge_known_bug(*s.bug_for("cli", "13.0"), r);
  EXPECT_EQ(r.outcome, results::verdict::fail);  // ...but the suite has lost its power
  EXPECT_NE(r.reason.find("did not reproduce: hang_ms = 20 ms, expected >= 9000 ms"),
            std::string::npos)
      << r.reason;
}

TEST(known_bug, without_a_signature_missing_the_expectation_is_the_bug) {
  const auto s = with_known_bug(false);
  const std::vector<event> slow{ev(0, "server", "fault"), exit_event(5000 * ms, 1)};
  auto r = judged(s, slow, "11.0");
  judge_known_bug(*s.bug_for("cli", "11.0"), r);
  EXPECT_EQ(r.outcome, results::verdict::known_bug);
  const std::vector<event> fast{ev(0, "server", "fault"), exit_event(5 * ms, 1)};
  auto r2 = judged(s, fast, "11.0");
  judge_known_bug(*s.bug_for("cli", "11.0"), r2);
  EXPECT_EQ(r2.outcome, results::verdict::fail);
  EXPECT_NE(r2.reason.find("(the expectation was met)"), std::string::npos) << r2.reason;
}

TEST(known_bug, applies_only_to_its_clients_and_versions) {
  const auto s = with_known_bug(true);
  EXPECT_NE(s.bug_for("cli", "11.0"), nullptr);
  EXPECT_EQ(s.bug_for("cli", "13.1"), nullptr);
  EXPECT_EQ(s.bug_for("cli", "10.4"), nullptr);
  EXPECT_EQ(s.bug_for("other", "12.0"), nullptr);
  EXPECT_EQ(s.bug_for("cli", ""), nullptr);  // an unversioned client never matches a range
}

// --- the situation ----------------------------------------------------------------------------

TEST(situation, a_run_that_never_reached_it_is_neither_a_pass_nor_a_known_bug) {
  scenario s = with_known_bug(true);
  s.known_bugs.front().signature = {};
  s.known_bugs.front().signature.one_of["ended_by"] = {"deadline"};
  s.signals.push_back({2, "SIGINT", "server.fault", 500, signal_target::process});
  s.situation = derive_situation(s);
  EXPECT_EQ(s.situation, std::vector<std::string>{"server.fault"});
  // The client hung before the server ever got to its fault, and was killed at the deadline.
  auto killed = ev(6000 * ms, "client", "exit");
  killed.with("signal", std::string("SIGKILL"));
  const std::vector<event> t{ev(0, "client", "spawn"), ev(6000 * ms, "harness", "deadline"),
                             signal_event(6000 * ms, "SIGKILL", "deadline"), killed};
  auto r = judged(s, t, "12.0");
  r.situation_missing = {"server.fault"};
  situation_not_reached(r, s.bug_for("cli", "12.0"));
  EXPECT_EQ(r.outcome, results::verdict::fail);
  ASSERT_TRUE(r.known_bug);
  EXPECT_FALSE(r.known_bug->reproduced);
  EXPECT_NE(r.reason.find("situation was not reached: no server.fault"), std::string::npos)
      << r.reason;
  EXPECT_NE(r.reason.find("killed by SIGKILL"), std::string::npos) << r.reason;
}

TEST(situation, is_derived_from_the_signal_plan_the_expectations_and_requires) {
  scenario s;
  s.windows.push_back({"marker_to_exit_ms", "driver.marker", "client.exit"});
  s.windows.push_back({"unjudged_ms", "driver.other", "client.exit"});
  s.expect.limits["marker_to_exit_ms"].max = 1000;
  s.expect.one_of["closed_by"] = {"client"};
  s.requires_events = {"driver.connected"};
  s.signals.push_back({2, "SIGINT", "server.response", 200, signal_target::process});
  EXPECT_EQ(derive_situation(s), (std::vector<std::string>{"driver.connected", "server.response",
                                                           "driver.marker", "server.accept"}));
  // Anchored on the client's start: nothing more to reach.
  scenario plain;
  plain.signals.push_back({2, "SIGINT", "client.spawn", 200, signal_target::process});
  EXPECT_TRUE(derive_situation(plain).empty());
}

}  // namespace
}  // namespace wsrepro::harness
