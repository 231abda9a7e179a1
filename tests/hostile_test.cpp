// Clients that fight their supervision, and wsrepro's own death: whatever a client does, a run
// ends in bounded time with the right verdict, nothing it started survives it, and the reports
// stay readable. Black box: the built wsrepro runs wsrepro-test-hostile-client.

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include "cli_helpers.hpp"

namespace {

using namespace wsrepro::test;
using std::chrono::milliseconds;

const std::string hostile_client = WSREPRO_TEST_HOSTILE_CLIENT;

/// Names this test process's hostile clients in the process table: an argument no other
/// process has, which survives the client renaming itself.
std::string tag() { return "wsrepro-hostile-tag-" + std::to_string(::getpid()); }

std::string hostile(const std::string& mode, bool connect = true) {
  return hostile_client + " " + mode + (connect ? " {url} " : " - ") + tag();
}

// An open connection: SIGINT 300 ms after the 101, SIGKILL a second later.
const char* const with_signal = R"(id = "test.hostile_signal"
title = "Hostile client, with a signal"
deadline_ms = 4000

[server]
behaviour = "echo"

[[signal]]
send = "SIGINT"
after = "server.response"
delay_ms = 300

[[signal]]
send = "SIGKILL"
delay_ms = 1000

[expect]
interrupt_latency_ms = { max = 1000 }
ended_by = ["SIGINT", "exit"]
)";

// The same connection, no signal: only the deadline ends a client that does not exit.
const char* const without_signal = R"(id = "test.hostile_quiet"
title = "Hostile client, no signal"
deadline_ms = 2000

[server]
behaviour = "echo"

[expect]
ended_by = "exit"
)";

struct hostile_run {
  process_result process;
  json run;
};

hostile_run run_hostile(const temp_dir& dir, const char* scenario, const std::string& command,
                        milliseconds deadline = milliseconds(30'000)) {
  const auto file = dir / "scenario.toml";
  write_text(file, scenario);
  hostile_run r;
  r.process = run_wsrepro({"run", file, "--client-cmd", command, "--out", dir / "out"}, deadline);
  r.run = only_run(load_report(dir.path() / "out"));
  return r;
}

}  // namespace

// --- a client that kills its supervising helper ---------------------------------------------

TEST(hostile_supervision,
     a_client_that_kills_its_shim_and_daemonises_is_failed_and_its_leak_killed) {
  for (const char* scenario : {with_signal, without_signal}) {
    temp_dir dir;
    const auto r = run_hostile(dir, scenario, hostile("kill-supervisor"));
    EXPECT_EQ(r.process.exit_code, 1) << describe(r.process);
    EXPECT_EQ(at(r.run, "/verdict"), "fail");
    EXPECT_TRUE(contains(string_at(r.run, "/reason"), "killed its supervising helper"))
        << r.run.dump(2);
    EXPECT_GE(number_at(r.run, "/measurements/leaked_processes/value"), 1) << r.run.dump(2);
    EXPECT_TRUE(timeline_events(r.run).count("harness.supervisor_lost")) << r.run.dump(2);
    expect_no_process_with(tag());
  }
}

TEST(hostile_supervision, a_shell_that_kills_its_shim_at_once_leaves_nothing_behind) {
  // The shim may not even have reported the client yet.
  temp_dir dir;
  const std::string orphan = unique_sleep(63);
  const auto r =
      run_hostile(dir, without_signal,
                  "sh -c 'kill -9 $PPID; setsid " + orphan + " & exec " + unique_sleep(64) + "'");
  EXPECT_EQ(r.process.exit_code, 1) << describe(r.process);
  EXPECT_EQ(at(r.run, "/verdict"), "fail") << r.run.dump(2);
  EXPECT_TRUE(contains(string_at(r.run, "/reason"), "killed its supervising helper"))
      << r.run.dump(2);
  expect_no_process_with(orphan);
  expect_no_process_with(unique_sleep(64));
}

// --- wsrepro's own death ----------------------------------------------------------------------

TEST(report_survival, sigkill_keeps_the_previous_reports_whole_and_the_finished_runs_journaled) {
  temp_dir dir;
  const auto file = dir / "scenario.toml";
  write_text(file, without_signal);
  // A first, complete invocation: its reports must survive the second one's death.
  const auto first =
      run_wsrepro({"run", file, "--client-cmd", hostile("exit"), "--out", dir / "out"});
  ASSERT_EQ(first.exit_code, 0) << describe(first);
  const std::string old_report = read_text(dir.path() / "out" / "report.json");
  const std::string old_junit = read_text(dir.path() / "out" / "junit.xml");

  // The second: one run that finishes, then one that idles until the deadline, killed meanwhile.
  const std::string once = dir / "once";
  const std::string exit_then_idle = "sh -c 'if [ -e " + once + " ]; then exec " + hostile("idle") +
                                     "; else touch " + once + "; exec " + hostile("exit") + "; fi'";
  background_process second(wsrepro_argv({"run", file, "--client-cmd", exit_then_idle, "--repeat",
                                          "2", "--jobs", "1", "--out", dir / "out"}));
  ASSERT_TRUE(second.started()) << second.start_error();
  const auto journal = dir.path() / "out" / "runs.jsonl";
  const auto lines = [&] {
    const std::string text = read_text(journal);
    return std::count(text.begin(), text.end(), '\n');
  };
  const auto until = std::chrono::steady_clock::now() + milliseconds(15'000);
  while (lines() < 2 && std::chrono::steady_clock::now() < until) ::usleep(10'000);
  ASSERT_EQ(lines(), 2) << "the header and the first run's line";
  ::kill(second.pid(), SIGKILL);
  second.wait(milliseconds(10'000));

  EXPECT_EQ(read_text(dir.path() / "out" / "report.json"), old_report);
  EXPECT_EQ(read_text(dir.path() / "out" / "junit.xml"), old_junit);
  const std::string text = read_text(journal);
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  EXPECT_TRUE(json::parse(line).contains("command_line")) << line;
  std::getline(in, line);
  const json run = json::parse(line, nullptr, false);
  ASSERT_FALSE(run.is_discarded()) << line;
  EXPECT_EQ(at(run, "/verdict"), "pass");
  expect_no_process_with(tag());
}
