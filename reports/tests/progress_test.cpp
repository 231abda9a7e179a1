// The terminal's progress: the ETA's guesses, the status line (drawn on a terminal, never into
// a log), the log's heartbeat, and a failure's cause under its run line.

#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <thread>

#include "wsrepro/reports/eta.hpp"
#include "wsrepro/reports/formats.hpp"
#include "wsrepro/reports/progress.hpp"

namespace wsrepro::reports {
namespace {

using namespace std::chrono_literals;
using results::run_outline;
using results::run_result;
using results::verdict;

run_outline outline(std::size_t index, std::string scenario, std::string client,
                    double deadline_ms = 10'000) {
  return {index, std::move(scenario), std::move(client), 0, deadline_ms, false};
}

TEST(eta, knows_nothing_before_the_first_run_ends) {
  eta_estimator eta(1);
  eta.planned(outline(0, "a", "c"));
  eta.started(outline(0, "a", "c"), 0);
  EXPECT_FALSE(eta.remaining_ms(100));
}

TEST(eta, guesses_from_the_same_pair_then_the_scenario_then_the_share_of_the_deadline) {
  eta_estimator eta(1);
  for (std::size_t i = 0; i < 4; ++i) eta.planned(outline(i, "a", "c"));
  eta.planned(outline(4, "a", "other"));
  eta.planned(outline(5, "b", "c", 20'000));
  eta.started(outline(0, "a", "c"), 0);
  eta.finished(0, 1'000, true);  // a on c: 1 s, a tenth of its deadline
  // 3 more of a on c (1 s each), a on other (1 s, from a), b on c (a tenth of 20 s).
  EXPECT_NEAR(*eta.remaining_ms(1'000), 3'000 + 1'000 + 2'000, 1e-6);
}

TEST(eta, parallel_jobs_share_the_work_but_not_a_long_run) {
  eta_estimator eta(2);
  for (std::size_t i = 0; i < 5; ++i) eta.planned(outline(i, "a", "c"));
  eta.started(outline(0, "a", "c"), 0);
  eta.finished(0, 1'000, true);
  // Four runs of 1 s on two jobs.
  EXPECT_NEAR(*eta.remaining_ms(1'000), 2'000, 1e-6);
  eta.started(outline(1, "a", "c"), 1'000);
  // One started 0.4 s ago (0.6 s left) plus three waiting, on two jobs.
  EXPECT_NEAR(*eta.remaining_ms(1'400), (600 + 3'000) / 2.0, 1e-6);
}

TEST(eta, skipped_runs_count_for_nothing) {
  eta_estimator eta(1);
  auto skipped = outline(1, "a", "c");
  skipped.skipped = true;
  eta.planned(outline(0, "a", "c"));
  eta.planned(skipped);
  eta.started(outline(0, "a", "c"), 0);
  eta.started(skipped, 0);
  eta.finished(1, 0, false);
  eta.finished(0, 500, true);
  EXPECT_NEAR(*eta.remaining_ms(500), 0, 1e-6);
}

run_result finished_run(std::size_t index, verdict v) {
  run_result r;
  r.index = index;
  r.scenario_id = "a";
  r.client = "c";
  r.outcome = v;
  r.duration_ms = 10;
  return r;
}

results::plan_outline plan_of(std::size_t runs, int jobs = 1) {
  results::plan_outline plan;
  plan.jobs = jobs;
  for (std::size_t i = 0; i < runs; ++i) plan.runs.push_back(outline(i, "a", "c"));
  return plan;
}

TEST(progress, counts_each_run_against_the_plan) {
  std::ostringstream out;
  run_progress progress(out, {});
  progress.plan(plan_of(12));
  progress.started(outline(0, "a", "c"));
  EXPECT_EQ(progress.finished(finished_run(0, verdict::pass)), "[ 1/12]");
  progress.stop();
}

TEST(progress, an_open_ended_plan_says_its_bound) {
  std::ostringstream out;
  run_progress progress(out, {});
  auto plan = plan_of(2);
  plan.open_ended_max = 100;
  progress.plan(plan);
  progress.started(outline(0, "a", "c"));
  EXPECT_EQ(progress.finished(finished_run(0, verdict::pass)), "[1/100 max]");
  progress.stop();
}

TEST(progress, a_log_gets_a_line_while_a_run_goes_on_silently_and_never_a_carriage_return) {
  std::ostringstream out;
  run_progress progress(out, {.tty_fd = -1, .heartbeat = 20ms});
  progress.plan(plan_of(3));
  progress.started(outline(0, "seed.slow", "client@1.0"));
  std::this_thread::sleep_for(500ms);  // 25 heartbeats; one is enough
  progress.stop();
  const std::string text = out.str();
  EXPECT_NE(text.find("[0/3] still running after "), std::string::npos) << text;
  EXPECT_NE(text.find("seed.slow on client@1.0 ("), std::string::npos) << text;
  EXPECT_EQ(text.find('\r'), std::string::npos);
  EXPECT_EQ(text.find('\033'), std::string::npos);
}

TEST(progress, a_terminal_gets_a_status_line_that_run_lines_clear_and_stop_removes) {
  std::ostringstream out;
  // Any descriptor marks a terminal here; one that is not a tty just reads as 80 columns.
  run_progress progress(out, {.tty_fd = 1'000, .redraw = 10ms});
  progress.plan(plan_of(2));
  progress.started(outline(0, "seed.a", "client@1.0"));
  progress.print("[1/2] PASS ...\n");
  const std::string status = progress.status();
  EXPECT_TRUE(status.starts_with("[0/2] ")) << status;
  EXPECT_NE(status.find(" s | running: seed.a on client@1.0 ("), std::string::npos) << status;
  EXPECT_NE(status.find(" s of 10 s)"), std::string::npos) << status;
  progress.stop();
  const std::string text = out.str();
  // The line is written where the status line was (cleared first), and stop leaves none behind.
  const auto at = text.find("[1/2] PASS ...\n");
  ASSERT_NE(at, std::string::npos) << text;
  EXPECT_TRUE(at == 0 || text.substr(at - 4, 4) == "\r\033[K") << text;
  EXPECT_TRUE(text.ends_with("\033[K") && text.rfind('\r') != std::string::npos) << text;
  EXPECT_EQ(text.substr(text.rfind('\r')), "\r\033[K") << "stop() clears the status line";
}

run_result failed_run() {
  run_result r = finished_run(3, verdict::fail);
  r.scenario_id = "seed.hang";
  r.client = "cmd:python3";
  r.replay_args = {"--client-cmd", "python3 -m websockets {url}", "--client-env", "A=it's"};
  r.reason = "the server never reached its fault (did the client connect?)";
  std::string err;
  for (int i = 1; i <= 14; ++i) err += "line " + std::to_string(i) + "\n";
  err += "ModuleNotFoundError: No module named 'websockets' \033[2J\n";
  r.client_stderr = {err, err.size(), false};
  return r;
}

TEST(console, a_failure_shows_its_reason_the_clients_last_lines_and_the_replay_command) {
  std::ostringstream out;
  auto console = find_format("console")->make({out, {}, false, -1, "out/report.json"});
  console->begin({});
  console->plan_known(plan_of(5));
  console->run_finished(failed_run());
  results::run_summary summary;
  summary.counts.add(verdict::fail);
  console->end(summary);
  const std::string text = out.str();
  EXPECT_NE(text.find("[1/5] FAIL"), std::string::npos) << text;
  EXPECT_NE(text.find("stderr (last 10 of 15 lines):"), std::string::npos) << text;
  EXPECT_EQ(text.find("| line 5\n"), std::string::npos) << "only the last 10 lines\n" << text;
  EXPECT_NE(text.find("| line 6\n"), std::string::npos) << text;
  // The client's escape sequence is shown, not sent to the terminal.
  EXPECT_NE(text.find("No module named 'websockets' ^[[2J"), std::string::npos) << text;
  EXPECT_EQ(text.find('\033'), std::string::npos) << text;
  // Ready to paste: the ad-hoc client's options, quoted for a POSIX shell.
  EXPECT_NE(text.find("replay: wsrepro run --replay out/report.json#3 --client-cmd 'python3 -m "
                      "websockets {url}' --client-env 'A=it'\\''s'\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("1 run failed:\nFAIL      seed.hang on cmd:python3\n"), std::string::npos)
      << text;
}

TEST(console, quiet_prints_no_run_line_but_still_lists_the_failures) {
  std::ostringstream out;
  auto console = find_format("console")->make({out, {}, true, -1, {}});
  console->begin({});
  console->plan_known(plan_of(2));
  console->run_finished(finished_run(0, verdict::pass));
  console->run_finished(failed_run());
  results::run_summary summary;
  console->end(summary);
  const std::string text = out.str();
  EXPECT_EQ(text.find("PASS"), std::string::npos) << text;
  EXPECT_NE(text.find("1 run failed:"), std::string::npos) << text;
  EXPECT_EQ(text.find("replay:"), std::string::npos) << "no report.json, no replay\n" << text;
}

}  // namespace
}  // namespace wsrepro::reports
