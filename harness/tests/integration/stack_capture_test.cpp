// Stack capture, proven per runtime on a client that hangs in a known function (and on one that
// does not hang: no capture at all): native code with eu-stack, CPython with py-spy, Node with
// its diagnostic report, Java with jstack. A capture never changes a verdict, even when its
// tool is missing.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "test_paths.hpp"
#include "wsrepro/harness/runner.hpp"
#include "wsrepro/harness/scenario_loader.hpp"

namespace wsrepro::harness {
namespace {

namespace fs = std::filesystem;

/// A hang the client meets on connecting: the server accepts and never answers (blackhole), or
/// completes the handshake and then stays silent (stall). hang_ms has a maximum of 500 ms, so a
/// client still there then is captured, and the deadline captures it again before the kill.
scenario hang_scenario(const std::string& behaviour, int deadline_ms) {
  const std::string text =
      "id = \"test.hang\"\ntitle = \"hang\"\ndeadline_ms = " + std::to_string(deadline_ms) +
      "\n[server]\nbehaviour = \"" + behaviour + "\"\n[expect]\nhang_ms = { max = 500 }\n";
  auto loaded = parse_scenario(text, "test.toml");
  if (!loaded.errors.empty()) throw std::runtime_error(loaded.errors.front().to_string());
  return loaded.scenarios.front();
}

fs::path test_client(const std::string& name) {
  return fs::path(WSREPRO_TEST_DATA_DIR) / "harness/tests/integration/clients" / name;
}

results::run_result run(const scenario& s, const std::string& command,
                        const std::string& diagnose = "") {
  run_options options;
  options.paths.data_dir = WSREPRO_TEST_DATA_DIR;
  options.paths.libexec_dir = WSREPRO_TEST_LIBEXEC_DIR;
  std::string error;
  auto client = ad_hoc_client(command, error);
  if (!client) throw std::runtime_error(error);
  client->diagnose = diagnose;
  planned_run plan;
  plan.scenario_ptr = &s;
  plan.client = *client;
  return execute_run(plan, options);
}

/// Every capture's processes, with their errors, for failure messages.
std::string describe(const results::run_result& r) {
  std::string out = "verdict " + std::string(results::to_string(r.outcome)) + ": " + r.reason;
  for (const auto& c : r.diagnosis.captures) {
    out += "\n  [" + c.why + "] " + c.blocked_at;
    for (const auto& p : c.processes) {
      out += "\n    pid " + std::to_string(p.pid) + " " + p.runtime + " " + p.tool + ": " +
             (p.error.empty() ? std::to_string(p.threads.size()) + " threads" : p.error);
    }
  }
  return out;
}

void expect_blocked_in(const results::run_result& r, const std::string& function) {
  ASSERT_FALSE(r.diagnosis.empty()) << describe(r);
  EXPECT_NE(r.diagnosis.summary().find(function), std::string::npos) << describe(r);
  // Neither a signal nor an end: the deadline ended the run, and the verdict is the plain fail.
  EXPECT_EQ(r.outcome, results::verdict::fail) << describe(r);
  EXPECT_EQ(r.find("ended_by")->text.value_or(""), "deadline") << describe(r);
  for (const auto& e : r.timeline) {
    if (e.name() == "harness.signal") {
      EXPECT_EQ(e.string_attr("why"), "deadline");
    }
  }
}

TEST(stack_capture, names_the_join_a_native_client_waits_in) {
  const auto s = hang_scenario("blackhole", 2500);
  const auto r =
      run(s, (fs::path(WSREPRO_TEST_LIBEXEC_DIR) / "wsrepro-client-beast-threaded-naive").string() +
                 " {url}");
  expect_blocked_in(r, "main thread waits in");
  ASSERT_EQ(r.diagnosis.captures.size(), 2u) << describe(r);
  EXPECT_NE(r.diagnosis.captures[0].why.find("hang_ms passed its maximum"), std::string::npos);
  EXPECT_EQ(r.diagnosis.captures[1].why, "the deadline came");
  // Its socket as the kernel shows it, beside the server's side of the same connection.
  EXPECT_EQ(r.diagnosis.connection_summary().substr(0, 35), "server keeps the connection open, m")
      << r.diagnosis.connection_summary();
  ASSERT_FALSE(r.diagnosis.captures[0].sockets.empty());
  EXPECT_EQ(r.diagnosis.captures[0].sockets[0].state, "ESTABLISHED");
  const auto& process = r.diagnosis.captures[0].processes.at(0);
  EXPECT_EQ(process.runtime, "native");
  EXPECT_TRUE(process.paused);
  EXPECT_GE(process.threads.size(), 1u);
}

TEST(stack_capture, takes_nothing_from_a_client_that_does_not_hang) {
  const auto s = hang_scenario("blackhole", 2500);
  const auto r = run(s, "/bin/true");
  EXPECT_TRUE(r.diagnosis.empty()) << describe(r);
  for (const auto& e : r.timeline) EXPECT_NE(e.name(), "harness.capture");
}

TEST(stack_capture, names_the_python_function_a_client_waits_in) {
  const auto s = hang_scenario("blackhole", 2500);
  const auto r = run(s, "python3 " + test_client("hanging_client.py").string() + " {url}");
  expect_blocked_in(r, "called from wait_for_close (hanging_client.py:");
  const auto& process = r.diagnosis.captures.at(0).processes.at(0);
  EXPECT_EQ(process.runtime, "python");
  EXPECT_FALSE(process.paused);  // py-spy --nonblocking reads without stopping the interpreter
}

TEST(stack_capture, says_what_keeps_an_idle_node_client_alive) {
  const auto s = hang_scenario("blackhole", 2500);
  const auto r = run(s, "node " + test_client("hanging_client.js").string() + " {url} idle");
  expect_blocked_in(r, "the event loop is idle");
  EXPECT_NE(r.diagnosis.summary().find("kept alive by: tcp"), std::string::npos) << describe(r);
}

TEST(stack_capture, says_when_a_node_client_never_returns_to_its_event_loop) {
  // Node writes its report when the loop turns; JavaScript spinning for ever never lets it, and
  // the native stacks come instead.
  const auto s = hang_scenario("blackhole", 2500);
  const auto r = run(s, "node " + test_client("hanging_client.js").string() + " {url} spin");
  expect_blocked_in(r, "never returned to the event loop");
  EXPECT_NE(r.diagnosis.summary().find("natively, main thread waits in"), std::string::npos)
      << describe(r);
}

TEST(stack_capture, never_signals_a_process_not_started_with_the_report_flags) {
  // Told "node" for a Python client: it gets the report flags in NODE_OPTIONS but is no node,
  // so no SIGUSR2 (whose default action would end it); its stacks are taken natively and the
  // deadline ends it.
  const auto s = hang_scenario("blackhole", 2500);
  const auto r = run(s, "python3 " + test_client("hanging_client.py").string() + " {url}", "node");
  expect_blocked_in(r, "not a node started with wsrepro's NODE_OPTIONS");
  EXPECT_EQ(r.find("exit_signal")->text.value_or(""), "SIGKILL") << describe(r);
}

TEST(stack_capture, names_the_java_method_a_client_waits_in) {
  // The source launcher compiles first: a second or two before the client connects.
  const auto s = hang_scenario("stall", 8000);
  const auto r = run(s, "java " + test_client("HangingClient.java").string() + " {url}");
  expect_blocked_in(r, "called from HangingClient.waitForClose (HangingClient.java:");
}

TEST(stack_capture, a_missing_tool_is_reported_and_changes_no_verdict) {
  ::setenv("WSREPRO_PY_SPY", "/nonexistent/py-spy", 1);
  const auto s = hang_scenario("blackhole", 1500);
  const auto r = run(s, "python3 " + test_client("hanging_client.py").string() + " {url}");
  ::unsetenv("WSREPRO_PY_SPY");
  EXPECT_EQ(r.outcome, results::verdict::fail) << describe(r);
  ASSERT_FALSE(r.diagnosis.empty());
  EXPECT_TRUE(r.diagnosis.summary().empty());
  EXPECT_NE(r.diagnosis.captures[0].processes.at(0).error.find("py-spy"), std::string::npos)
      << describe(r);
}

TEST(stack_capture, none_turns_it_off) {
  const auto s = hang_scenario("blackhole", 1500);
  const auto r = run(s, "python3 " + test_client("hanging_client.py").string() + " {url}", "none");
  EXPECT_EQ(r.outcome, results::verdict::fail);
  EXPECT_TRUE(r.diagnosis.empty()) << describe(r);
}

}  // namespace
}  // namespace wsrepro::harness
