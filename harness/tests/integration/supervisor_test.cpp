// The supervisor end to end: real children, real signals, real process trees. Clients are small
// /bin/sh programs; every run is bounded by its scenario's deadline. Timing is asserted with
// generous tolerances only: speed goals live in the benchmarks.

#include <signal.h>
#include <sys/stat.h>

#include <gtest/gtest.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "test_paths.hpp"
#include "wsrepro/harness/runner.hpp"
#include "wsrepro/harness/scenario_loader.hpp"

namespace wsrepro::harness {
namespace {

run_options test_options() {
  run_options o;
  o.paths.data_dir = WSREPRO_TEST_DATA_DIR;
  o.paths.libexec_dir = WSREPRO_TEST_LIBEXEC_DIR;
  return o;
}

/// A scenario around the redirect server; `extra` adds signals, windows and expectations.
scenario make_scenario(const std::string& extra, double deadline_ms = 10000) {
  const std::string text =
      "id = \"test.case\"\ntitle = \"t\"\ndeadline_ms = " + std::to_string(deadline_ms) +
      "\n[server]\nbehaviour = \"redirect\"\n" + extra;
  auto r = parse_scenario(text, "test.toml");
  if (!r.errors.empty()) throw std::runtime_error(r.errors[0].to_string());
  return r.scenarios.at(0);
}

client_spec sh(const std::string& script) {
  client_spec c;
  c.name = "sh";
  c.command = {"/bin/sh", "-c", script};
  return c;
}

results::run_result run(const scenario& s, const client_spec& c,
                        const run_options& o = test_options()) {
  planned_run p;
  p.scenario_ptr = &s;
  p.client = c;
  return execute_run(p, o);
}

const results::measurement& get(const results::run_result& r, std::string_view name) {
  const results::measurement* m = r.find(name);
  if (m == nullptr) throw std::runtime_error("no measurement " + std::string(name));
  return *m;
}

std::vector<std::string> signals_sent(const results::run_result& r) {
  std::vector<std::string> out;
  for (const auto& e : r.timeline) {
    if (e.name() == "harness.signal") out.push_back(e.string_attr("signal").value_or("?"));
  }
  return out;
}

bool process_alive(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return false;
  std::string line;
  std::getline(stat, line);
  const auto close = line.rfind(')');
  return close != std::string::npos && line.size() > close + 2 && line[close + 2] != 'Z';
}

/// SIGINT `delay_ms` after the first `anchor` event, then SIGTERM and SIGKILL 300 ms apart.
std::string escalation_after(const std::string& anchor, int delay_ms) {
  return "[[signal]]\nsend = \"SIGINT\"\nafter = \"" + anchor +
         "\"\ndelay_ms = " + std::to_string(delay_ms) +
         "\n[[signal]]\nsend = \"SIGTERM\"\ndelay_ms = 300\n"
         "[[signal]]\nsend = \"SIGKILL\"\ndelay_ms = 300\n";
}

const std::string escalation = escalation_after("client.spawn", 100);
/// From the moment the client says its trap is set: SIGINT a fixed 100 ms after spawn could
/// beat a loaded machine's shell to its `trap`.
const std::string escalation_once_trapped = escalation_after("client.stdout", 0);

TEST(supervisor, a_client_that_ignores_sigint_is_escalated_to_sigterm) {
  const auto r =
      run(make_scenario(escalation_once_trapped), sh("trap '' INT; echo trapped; exec sleep 30"));
  EXPECT_EQ(signals_sent(r), (std::vector<std::string>{"SIGINT", "SIGTERM"}));
  EXPECT_EQ(*get(r, "ended_by").text, "SIGTERM");
  EXPECT_EQ(*get(r, "exit_signal").text, "SIGTERM");
  // SIGTERM went out 300 ms after SIGINT: the latency is at least that, a lower bound.
  EXPECT_TRUE(get(r, "interrupt_latency_ms").lower_bound);
  EXPECT_GE(*get(r, "interrupt_latency_ms").value, 250);
  EXPECT_LT(*get(r, "interrupt_latency_ms").value, 5000);
}

TEST(supervisor, a_client_that_ignores_sigint_and_sigterm_is_killed) {
  const auto r = run(make_scenario(escalation_once_trapped),
                     sh("trap '' INT TERM; echo trapped; exec sleep 30"));
  EXPECT_EQ(signals_sent(r), (std::vector<std::string>{"SIGINT", "SIGTERM", "SIGKILL"}));
  EXPECT_EQ(*get(r, "ended_by").text, "SIGKILL");
  // It ignored SIGINT until SIGTERM went out 300 ms later: that much is known, no more.
  EXPECT_TRUE(get(r, "interrupt_latency_ms").lower_bound);
  EXPECT_GE(*get(r, "interrupt_latency_ms").value, 250);
  EXPECT_LT(*get(r, "interrupt_latency_ms").value, 5000);
}

TEST(supervisor, a_client_that_outlives_the_deadline_is_killed) {
  const auto r = run(make_scenario("", 500), sh("exec sleep 30"));
  EXPECT_EQ(*get(r, "ended_by").text, "deadline");
  EXPECT_EQ(*get(r, "exit_signal").text, "SIGKILL");
  EXPECT_GE(*get(r, "process_ms").value, 450);
  EXPECT_LT(*get(r, "process_ms").value, 10000);
  EXPECT_TRUE(get(r, "process_ms").lower_bound);
  bool deadline_logged = false;
  for (const auto& e : r.timeline) deadline_logged |= e.name() == "harness.deadline";
  EXPECT_TRUE(deadline_logged);
}

TEST(supervisor, a_grandchild_left_behind_is_reported_and_killed) {
  const auto r = run(make_scenario(""), sh("sleep 30 & echo $!; exit 0"));
  ASSERT_EQ(r.leaks.size(), 1u) << r.reason;
  EXPECT_NE(r.leaks[0].command.find("sleep 30"), std::string::npos) << r.leaks[0].command;
  EXPECT_DOUBLE_EQ(*get(r, "leaked_processes").value, 1);
  EXPECT_EQ(r.outcome, results::verdict::fail);  // leaked_processes <= 0 is always expected
  EXPECT_FALSE(process_alive(r.leaks[0].pid));
}

TEST(supervisor, a_daemonised_grandchild_in_its_own_session_is_still_found) {
  const auto r = run(make_scenario(""), sh("setsid sleep 31 & sleep 0.1; exit 0"));
  ASSERT_EQ(r.leaks.size(), 1u) << r.reason;
  EXPECT_NE(r.leaks[0].command.find("sleep 31"), std::string::npos);
  EXPECT_FALSE(process_alive(r.leaks[0].pid));
}

TEST(supervisor, signals_ignored_by_wsrepro_are_not_inherited_by_the_client) {
  // A shell that started us with SIGINT ignored must not hand that on: CPython, for one,
  // installs no Ctrl+C handler when SIGINT is ignored at start.
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  struct sigaction previous {};
  sigaction(SIGINT, &ignore, &previous);
  sigset_t block;
  sigemptyset(&block);
  sigaddset(&block, SIGTERM);
  sigset_t old_mask;
  pthread_sigmask(SIG_BLOCK, &block, &old_mask);
  const auto r = run(make_scenario(escalation), sh("exec sleep 30"));
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  sigaction(SIGINT, &previous, nullptr);
  EXPECT_EQ(*get(r, "ended_by").text, "SIGINT");
  EXPECT_EQ(*get(r, "exit_signal").text, "SIGINT");
}

TEST(supervisor, output_past_the_bound_is_drained_not_blocking_the_client) {
  run_options o = test_options();
  o.output_limit_bytes = 64 * 1024;
  const auto r = run(make_scenario("", 20000), sh("head -c 5000000 /dev/zero; exit 3"), o);
  EXPECT_EQ(*get(r, "ended_by").text, "exit");
  EXPECT_DOUBLE_EQ(*get(r, "exit_code").value, 3);
  EXPECT_EQ(r.client_stdout.total_bytes, 5000000u);
  EXPECT_EQ(r.client_stdout.data.size(), 64u * 1024);
  EXPECT_TRUE(r.client_stdout.truncated);
}

TEST(supervisor, proxy_variables_are_removed_from_the_client_environment) {
  ::setenv("HTTP_PROXY", "http://proxy.invalid:1", 1);
  ::setenv("https_proxy", "http://proxy.invalid:1", 1);
  ::setenv("WSREPRO_TEST_KEEP", "kept", 1);
  const auto r = run(make_scenario(""), sh("env"));
  ::unsetenv("HTTP_PROXY");
  ::unsetenv("https_proxy");
  EXPECT_EQ(r.client_stdout.data.find("PROXY="), std::string::npos);
  EXPECT_EQ(r.client_stdout.data.find("proxy="), std::string::npos);
  EXPECT_NE(r.client_stdout.data.find("WSREPRO_TEST_KEEP=kept"), std::string::npos);
}

TEST(supervisor, stdin_is_dev_null_unless_the_scenario_asks_for_a_pipe) {
  auto r = run(make_scenario(""), sh("cat; echo done"));
  EXPECT_EQ(*get(r, "ended_by").text, "exit");  // cat sees EOF at once
  const auto piped = make_scenario("[client]\nstdin = \"pipe\"\n", 500);
  r = run(piped, sh("cat; echo done"));
  EXPECT_EQ(*get(r, "ended_by").text, "deadline");  // the pipe stays open: cat waits
}

TEST(supervisor, a_pty_stdin_is_the_clients_terminal_and_ctrl_c_is_typed_into_it) {
  const auto s = make_scenario(R"(
[client]
stdin = "pty"
[[signal]]
send = "SIGINT"
after = "client.spawn"
delay_ms = 300
to = "terminal"
)");
  // The shell and its child share the foreground group: a typed Ctrl+C reaches both, as it
  // would from a real terminal.
  const auto r = run(s, sh("test -t 0 && echo on-a-tty; sleep 30 & wait"));
  EXPECT_NE(r.client_stdout.data.find("on-a-tty"), std::string::npos) << r.client_stdout.data;
  EXPECT_EQ(*get(r, "ended_by").text, "SIGINT");
  EXPECT_EQ(*get(r, "exit_signal").text, "SIGINT");
  EXPECT_TRUE(r.leaks.empty());
  bool typed = false;
  for (const auto& e : r.timeline) {
    typed |= e.name() == "harness.signal" && e.string_attr("target") == "terminal";
  }
  EXPECT_TRUE(typed);
}

TEST(supervisor, a_missing_program_is_an_error_verdict_naming_it) {
  client_spec c;
  c.name = "missing";
  c.command = {"/nonexistent/wsrepro-test-prog"};
  const auto r = run(make_scenario(""), c);
  EXPECT_EQ(r.outcome, results::verdict::error);
  EXPECT_NE(r.reason.find("program not found: /nonexistent/wsrepro-test-prog"), std::string::npos)
      << r.reason;
}

TEST(supervisor, driver_lines_join_the_timeline_with_their_own_timestamps) {
  const auto s = make_scenario(R"(
[[window]]
name = "marker_to_exit_ms"
from = "driver.marker"
to = "client.exit"
[expect]
marker_to_exit_ms = { min = 150, max = 5000 }
)");
  // Braces are doubled: commands are templates, {url} is a placeholder.
  const auto r = run(s, sh("echo '{{\"event\":\"marker\",\"note\":\"x\",\"n\":3}}'; sleep 0.2; "
                           "echo plain line"));
  ASSERT_EQ(r.outcome, results::verdict::pass) << r.reason;
  bool marker = false;
  bool plain = false;
  for (const auto& e : r.timeline) {
    if (e.name() == "driver.marker") {
      marker = true;
      EXPECT_EQ(e.string_attr("note"), "x");
      EXPECT_EQ(e.int_attr("n"), 3);
    }
    if (e.name() == "client.stdout") plain = e.string_attr("line") == "plain line";
  }
  EXPECT_TRUE(marker);
  EXPECT_TRUE(plain);
}

TEST(supervisor, a_signal_to_the_group_reaches_the_clients_children) {
  const auto s = make_scenario(R"(
[[signal]]
send = "SIGTERM"
after = "client.spawn"
delay_ms = 200
to = "group"
)");
  // The shell waits for its child; only a group signal reaches the sleep as well.
  const auto r = run(s, sh("trap 'exit 7' TERM; sleep 30 & wait"));
  EXPECT_EQ(*get(r, "ended_by").text, "SIGTERM");
  EXPECT_TRUE(r.leaks.empty()) << r.leaks.size();
}

TEST(runner, cancelling_kills_the_running_client_and_skips_the_rest) {
  const auto s = make_scenario("", 20000);
  std::atomic<bool> cancel{false};
  run_options o = test_options();
  o.cancel = &cancel;
  std::vector<planned_run> plan(3);
  for (auto& p : plan) {
    p.scenario_ptr = &s;
    p.client = sh("exec sleep 30");
  }
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    cancel = true;
  });
  const auto start = std::chrono::steady_clock::now();
  const auto results = execute_plan(plan, o);
  canceller.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].outcome, results::verdict::error);
  EXPECT_NE(results[0].reason.find("interrupted"), std::string::npos);
  EXPECT_EQ(results[1].outcome, results::verdict::skipped);
  EXPECT_EQ(results[2].outcome, results::verdict::skipped);
}

TEST(runner, parallel_jobs_keep_each_runs_events_apart) {
  const auto s = make_scenario("", 10000);
  run_options o = test_options();
  o.jobs = 4;
  std::vector<planned_run> plan(8);
  for (std::size_t i = 0; i < plan.size(); ++i) {
    plan[i].scenario_ptr = &s;
    // A child that outlives the client for sure (a short one might end during the drain).
    plan[i].client = sh("sleep 30 & echo run" + std::to_string(i) + "; exit 0");
  }
  const auto results = execute_plan(plan, o);
  ASSERT_EQ(results.size(), plan.size());
  for (std::size_t i = 0; i < results.size(); ++i) {
    // Each run's leak (its own background sleep) is traced to that run, not to a neighbour.
    EXPECT_EQ(results[i].leaks.size(), 1u) << i;
    EXPECT_NE(results[i].client_stdout.data.find("run" + std::to_string(i)), std::string::npos);
  }
}

}  // namespace
}  // namespace wsrepro::harness
