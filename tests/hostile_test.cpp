// Clients that fight their supervision, and wsrepro's own death: whatever a client does, a run
// ends in bounded time with the right verdict, nothing it started survives it, and the reports
// stay readable. Black box: the built wsrepro runs wsrepro-test-hostile-client.

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "cli_helpers.hpp"
#include "test_paths.hpp"

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

// --- isolation ---------------------------------------------------------------------------------

TEST(isolation, a_client_gets_stdio_only_and_nothing_wsrepro_holds_is_inheritable) {
  // Eight runs, four at a time: each client lists what it inherited and which of wsrepro's own
  // descriptors (reports, journal, listening and accepted sockets of every run) are not
  // close-on-exec, while the other runs' sockets are open.
  temp_dir dir;
  write_text(dir / "fds.toml", R"(id = "test.fds"
title = "What a client inherits"
deadline_ms = 10000

[server]
behaviour = "echo"

[[field]]
name = "inherited_fds"
event = "driver.fds"
attr = "inherited"

[[field]]
name = "wsrepro_fds_without_cloexec"
event = "driver.fds"
attr = "wsrepro_without_cloexec"

[expect]
exit = "zero"
inherited_fds = "0,1,2"
wsrepro_fds_without_cloexec = "none"
)");
  const auto r = run_wsrepro({"run", dir / "fds.toml", "--client-cmd", hostile("fds"), "--repeat",
                              "8", "--jobs", "4", "--out", dir / "out"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  for (const auto& run : at(load_report(dir.path() / "out"), "/runs")) {
    EXPECT_EQ(at(run, "/measurements/inherited_fds/value"), "0,1,2");
    EXPECT_EQ(at(run, "/measurements/wsrepro_fds_without_cloexec/value"), "none");
  }
}

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

// --- the hostile-client suite ------------------------------------------------------------------

/// Every listening TCP socket on this port (IPv4 or IPv6), from /proc/net: none may outlive
/// the wsrepro that opened it.
bool port_listening(int port) {
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::istringstream in(read_text(table));
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state;
      fields >> slot >> local >> remote >> state;
      const auto colon = local.rfind(':');
      if (colon == std::string::npos || state != "0A") continue;  // 0A: LISTEN
      if (std::stoi(local.substr(colon + 1), nullptr, 16) == port) return true;
    }
  }
  return false;
}

struct hostile_case {
  std::string mode;
  std::string with_signal;     ///< expected verdict when SIGINT is sent
  std::string without_signal;  ///< expected verdict when only the deadline can end it
  int min_leaks = 0;           ///< with the signal: processes it must be seen to leave
};

void PrintTo(const hostile_case& c, std::ostream* os) { *os << c.mode; }

class hostile_suite : public testing::TestWithParam<hostile_case> {};

TEST_P(hostile_suite, ends_in_bounded_time_with_the_right_verdict_and_leaves_nothing) {
  const hostile_case& c = GetParam();
  // Writing 1 GiB takes a while: that client gets the time to finish, the others a short one.
  std::string quiet = without_signal;
  if (c.mode == "stdout-1gib")
    quiet.replace(quiet.find("deadline_ms = 2000"), 18, "deadline_ms = 30000");
  for (const auto& [scenario, expected] :
       {std::pair{std::string(with_signal), c.with_signal}, std::pair{quiet, c.without_signal}}) {
    temp_dir dir;
    const auto started = std::chrono::steady_clock::now();
    const auto r = run_hostile(dir, scenario.c_str(), hostile(c.mode), milliseconds(60'000));
    const auto took = std::chrono::steady_clock::now() - started;
    EXPECT_LT(took, milliseconds(45'000)) << c.mode;
    EXPECT_EQ(at(r.run, "/verdict"), expected) << c.mode << "\n" << r.run.dump(2).substr(0, 4000);
    EXPECT_EQ(r.process.exit_code, expected == "pass" ? 0 : 1) << describe(r.process);
    // Every report parses, whatever the client wrote.
    EXPECT_FALSE(
        json::parse(read_text(dir.path() / "out" / "report.json"), nullptr, false).is_discarded());
    EXPECT_TRUE(contains(read_text(dir.path() / "out" / "junit.xml"), "</testsuites>"));
    EXPECT_TRUE(contains(read_text(dir.path() / "out" / "summary.md"), "# wsrepro report"));
    EXPECT_FALSE(port_listening(std::stoi(string_at(r.run, "/url").substr(17))))
        << string_at(r.run, "/url");
    expect_no_process_with(tag());
    if (scenario == with_signal && c.min_leaks > 0) {
      EXPECT_GE(number_at(r.run, "/measurements/leaked_processes/value"), c.min_leaks);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(modes, hostile_suite,
                         testing::Values(hostile_case{"ignore-signals", "fail", "fail"},
                                         hostile_case{"daemon", "fail", "fail", 1},
                                         hostile_case{"fork50", "fail", "fail", 50},
                                         hostile_case{"stdout-1gib", "pass", "pass"},
                                         hostile_case{"endless-line", "pass", "fail"},
                                         hostile_case{"sigstop", "fail", "fail"},
                                         hostile_case{"close-stdio", "pass", "fail"},
                                         hostile_case{"kill-supervisor", "fail", "fail", 1},
                                         hostile_case{"write-inherited", "pass", "pass"},
                                         hostile_case{"driver-flood", "pass", "fail"},
                                         hostile_case{"connections", "pass", "fail"}),
                         [](const testing::TestParamInfo<hostile_case>& param) {
                           std::string name = param.param.mode;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(hostile_output, a_flood_of_driver_lines_is_counted_not_kept) {
  temp_dir dir;
  const auto r = run_hostile(dir, without_signal, hostile("driver-flood"));
  EXPECT_GT(number_at(r.run, "/timeline_dropped_events"), 0) << r.run.dump().substr(0, 2000);
  EXPECT_LE(at(r.run, "/timeline").size(), 6000u);
  EXPECT_LT(fs::file_size(dir / "out/report.json"), 20u << 20);
}

TEST(hostile_output, a_client_finds_no_descriptor_to_write_into) {
  temp_dir dir;
  const auto r = run_hostile(dir, without_signal, hostile("write-inherited"));
  bool seen = false;
  for (const auto& e : at(r.run, "/timeline")) {
    if (e.value("event", "") != "driver.inherited_writes") continue;
    seen = true;
    EXPECT_EQ(e.value("count", -1), 0) << e.dump();
  }
  EXPECT_TRUE(seen) << r.run.dump(2).substr(0, 3000);
}

// --- memory ------------------------------------------------------------------------------------

TEST(report_memory, does_not_grow_with_the_number_of_finished_runs) {
  // Each run captures 256 KiB of output: kept in memory until the end, 200 runs would add 45 MB
  // over 30, and their timelines as much again. Streamed to the journal as each run ends, they
  // add next to nothing.
  // Under AddressSanitizer, freed memory waits in a quarantine (256 MB by default) before it is
  // reused: the resident size would grow with everything ever allocated. Without it, it shows
  // what is held.
  const char* asan = std::getenv("ASAN_OPTIONS");
  ::setenv("ASAN_OPTIONS",
           (std::string(asan != nullptr ? asan : "") + ":quarantine_size_mb=0").c_str(), 1);
  const auto peak_rss_kb = [](int runs) {
    temp_dir dir;
    write_text(dir / "scenario.toml", without_signal);
    background_process run(
        wsrepro_argv({"run", dir / "scenario.toml", "--client-cmd", hostile("chatty"), "--repeat",
                      std::to_string(runs), "--jobs", "2", "-q", "--out", dir / "out"}));
    // wsrepro's own high-water mark (wait4's would include its children's), sampled until the
    // end: it only grows.
    long peak = 0;
    const auto until = std::chrono::steady_clock::now() + milliseconds(240'000);
    while (run.running_after(milliseconds(20)) && std::chrono::steady_clock::now() < until) {
      std::istringstream status(read_text("/proc/" + std::to_string(run.pid()) + "/status"));
      for (std::string line; std::getline(status, line);) {
        if (line.starts_with("VmHWM:")) peak = std::max(peak, std::stol(line.substr(6)));
      }
    }
    const auto r = run.wait(milliseconds(10'000));
    EXPECT_EQ(r.exit_code, 0) << describe(r).substr(0, 3000);
    EXPECT_EQ(load_report(dir.path() / "out")["runs"].size(), static_cast<std::size_t>(runs));
    return peak;
  };
  const long few = peak_rss_kb(30);
  const long many = peak_rss_kb(200);
  EXPECT_LT(many - few, 20 * 1024)
      << "peak RSS " << few << " KiB for 30 runs, " << many << " KiB for 200";
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
