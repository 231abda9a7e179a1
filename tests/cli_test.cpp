// End-to-end tests of the wsrepro CLI, black box: each test runs the built binary as a user
// would (a subprocess, with a deadline) and checks its exit code, its output and the reports it
// writes. Nothing here links against wsrepro's internals.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli_helpers.hpp"
#include "test_paths.hpp"

namespace {

using namespace wsrepro::test;
using std::chrono::milliseconds;

/// A scenario file's text with the first line starting with `prefix` replaced; `line` gets its
/// 1-based number, so the tests need not hard-code where keys sit in the library's files.
std::string edit_scenario(const fs::path& source, const std::string& prefix,
                          const std::string& replacement, int& line) {
  std::istringstream in(wsrepro::test::read_text(source));
  std::string text;
  std::string current;
  int number = 0;
  line = 0;
  while (std::getline(in, current)) {
    ++number;
    if (line == 0 && current.starts_with(prefix)) {
      current = replacement;
      line = number;
    }
    text += current + "\n";
  }
  if (line == 0) ADD_FAILURE() << "no line starting with '" << prefix << "' in " << source;
  return text;
}

std::string xml_unescape(std::string s) {
  const std::pair<std::string, std::string> entities[] = {
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}};
  for (const auto& [from, to] : entities) {
    for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
      s.replace(pos, from.size(), to);
    }
  }
  return s;
}

// A measurement-floor scenario: SIGINT 200 ms after the spawn, whether or not the client
// connects, so that a client which dies at once on SIGINT (sleep) measures wsrepro itself.
const char* const floor_scenario = R"(id = "test.floor"
title = "Measurement floor: SIGINT to a client that exits at once"
clients = ["beast-async"]
deadline_ms = 15000

[server]
behaviour = "redirect"

[server.params]
status = 302
location = "ws://127.0.0.1:1/"
then = "keep_open"

[[signal]]
send = "SIGINT"
after = "client.spawn"
delay_ms = 200

[expect]
exit = "nonzero"
ended_by = ["SIGINT"]
)";

}  // namespace

// --- 1. usage ---------------------------------------------------------------------------------

TEST(cli_usage, version_prints_version_and_exits_0) {
  const auto r = run_wsrepro({"--version"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(contains(r.out, "wsrepro 0.")) << describe(r);
}

TEST(cli_usage, help_exits_0) {
  const auto r = run_wsrepro({"--help"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  for (const char* word : {"run", "serve", "list", "Exit codes"}) {
    EXPECT_TRUE(contains(r.out, word)) << word << "\n" << describe(r);
  }
  const auto sub = run_wsrepro({"run", "--help"});
  EXPECT_EQ(sub.exit_code, 0) << describe(sub);
  EXPECT_TRUE(contains(sub.out, "--client-cmd")) << describe(sub);
}

// CLI11 has its own exit codes (106, 109, ...); wsrepro promises 2 for every usage error.
TEST(cli_usage, unknown_option_exits_2) {
  for (const auto& args : std::vector<std::vector<std::string>>{{"--bogus"},
                                                                {"--bogus", "list", "clients"},
                                                                {"run", "--bogus"},
                                                                {"list", "--bogus", "clients"}}) {
    const auto r = run_wsrepro(args);
    EXPECT_EQ(r.exit_code, 2) << wsrepro::test::join_command(args) << "\n" << describe(r);
    EXPECT_FALSE(r.err.empty()) << describe(r);
  }
}

TEST(cli_usage, missing_subcommand_exits_2) {
  const auto r = run_wsrepro({});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(contains(r.err, "subcommand")) << describe(r);
}

TEST(cli_usage, invalid_run_options_exit_2) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"run", "--time-scale", "0"}, {"run", "--jobs", "0"}, {"run", "--time-scale", "abc"}}) {
    temp_dir out;
    auto with_out = args;
    with_out.insert(with_out.end(), {"--out", out.str()});
    const auto r = run_wsrepro(with_out);
    EXPECT_EQ(r.exit_code, 2) << wsrepro::test::join_command(args) << "\n" << describe(r);
  }
}

/// Runs wsrepro with `args` (and an --out of its own) and expects exit 2 with `message` on stderr.
void expect_bad_input(std::vector<std::string> args, const std::string& message) {
  temp_dir out;
  if (args.front() == "run" || args.front() == "sweep")
    args.insert(args.end(), {"--out", out.str()});
  const auto r = run_wsrepro(args, milliseconds(20'000));
  EXPECT_EQ(r.exit_code, 2) << join_command(args) << "\n" << describe(r);
  EXPECT_TRUE(contains(r.err, message)) << join_command(args) << "\n" << describe(r);
}

TEST(bad_input, absurd_time_scales_are_refused) {
  for (const char* factor : {"nan", "inf", "-inf", "1e308", "1e-300", "0"}) {
    expect_bad_input({"run", "--scenario", keep_open_id, "--time-scale", factor},
                     "--time-scale must be a factor between 0.01 and 1000");
  }
  expect_bad_input({"bench", keep_open_id, "--time-scale", "nan"}, "--time-scale must be a factor");
}

TEST(bad_input, an_empty_client_command_a_negative_seed_and_a_file_that_cannot_run) {
  expect_bad_input({"run", "--scenario", keep_open_id, "--client-cmd", ""},
                   "--client-cmd is empty");
  expect_bad_input({"run", "--scenario", keep_open_id, "--seed", "-1"},
                   "expected a whole number from 0");
  temp_dir dir;
  write_text(dir / "not-executable", "#!/bin/sh\n");
  expect_bad_input({"run", "--scenario", keep_open_id, "--client-cmd", dir / "not-executable"},
                   "is not executable");
}

TEST(bad_input, a_directory_without_scenarios_and_a_header_nested_50000_deep) {
  temp_dir dir;
  fs::create_directories(dir / "empty");
  expect_bad_input({"run", dir / "empty", "--client", "beast-async"},
                   "no scenario files (*.toml) in this directory");
  std::string deep = "id = \"a.b\"\ntitle = \"t\"\n[server]\nbehaviour = \"echo\"\n[x";
  for (int i = 0; i < 50'000; ++i) deep += ".x";
  write_text(dir / "deep.toml", deep + "]\n");
  expect_bad_input({"run", dir / "deep.toml", "--client", "beast-async"},
                   "deep.toml:5:1: nested more than 32 levels deep");
}

TEST(bad_input, nan_in_a_scenario_names_the_file_line_and_key) {
  temp_dir dir;
  int line = 0;
  write_text(dir / "x.toml",
             edit_scenario(data_dir / "scenarios/handshake/redirect_302_keep_open.toml",
                           "deadline_ms", "deadline_ms = nan", line));
  expect_bad_input({"run", dir / "x.toml"},
                   "x.toml:" + std::to_string(line) + ":15: key 'deadline_ms': must be a number");
}

TEST(bad_input, a_mistyped_subcommand_or_option_gets_a_did_you_mean) {
  const auto sub = run_wsrepro({"rn"});
  EXPECT_EQ(sub.exit_code, 2) << describe(sub);
  EXPECT_TRUE(contains(sub.err, "unknown subcommand 'rn'; did you mean 'run'?")) << describe(sub);
  const auto option = run_wsrepro({"run", "--clinet", "beast-async"});
  EXPECT_EQ(option.exit_code, 2) << describe(option);
  EXPECT_TRUE(contains(option.err, "unknown option '--clinet'; did you mean '--client'?"))
      << describe(option);
  // A global option after the subcommand is still known; nothing is suggested for it.
  const auto global = run_wsrepro({"bench", "--runz", "3", "--allow-empty"});
  EXPECT_TRUE(contains(global.err, "did you mean '--runs'?")) << describe(global);
  EXPECT_FALSE(contains(global.err, "'--allow-empty'")) << describe(global);
}

TEST(bad_input, a_sweep_that_would_overflow_is_refused_at_once) {
  expect_bad_input({"sweep", "seed.send_after_close", "--param",
                    "delay_ms=9223372036854775800..9223372036854775807:5"},
                   "delay_ms");
}

TEST(bad_input, a_replay_report_is_checked_like_any_input) {
  temp_dir dir;
  const auto run = run_wsrepro({"run", "--scenario", "handshake.redirect_302_close", "--client",
                                "beast-async", "--out", dir / "out"});
  ASSERT_EQ(run.exit_code, 0) << describe(run);
  json report = load_report(dir.path() / "out");
  const auto replay_of = [&](const json& doc, const std::string& name) {
    write_text(dir / name, doc.dump());
    return std::vector<std::string>{"run", "--replay", (dir / name) + "#0"};
  };
  json bad_status = report;
  bad_status["runs"][0]["server_params"] = {{"status", 99999}};
  expect_bad_input(replay_of(bad_status, "status.json"), "status = 99999");
  json unknown = report;
  unknown["runs"][0]["server_params"] = {{"no_such_param", 1}};
  expect_bad_input(replay_of(unknown, "unknown.json"), "'no_such_param'");
  json scale = report;
  scale["time_scale"] = 1e308;
  expect_bad_input(replay_of(scale, "scale.json"), "--replay: the report's time_scale must be");
  json empty = report;
  empty["runs"] = json::array();
  expect_bad_input(replay_of(empty, "empty.json"), "has no runs");
}

// --- 2. list ----------------------------------------------------------------------------------

TEST(list, behaviours) {
  const auto r = run_wsrepro({"list", "behaviours"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(contains(r.out, "echo")) << describe(r);
  EXPECT_TRUE(contains(r.out, "redirect")) << describe(r);
}

TEST(list, clients) {
  const auto r = run_wsrepro({"list", "clients"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(contains(r.out, "beast-async")) << describe(r);
  EXPECT_TRUE(contains(r.out, "beast-threaded-naive")) << describe(r);
}

TEST(list, scenarios) {
  const auto r = run_wsrepro({"list", "scenarios"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(contains(r.out, keep_open_id)) << describe(r);
}

TEST(list, formats) {
  const auto r = run_wsrepro({"list", "formats", "--verbose"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  for (const char* name : {"console", "json", "jsonl", "junit", "markdown", "runs.jsonl"}) {
    EXPECT_TRUE(contains(r.out, name)) << name << "\n" << describe(r);
  }
}

TEST(list, events) {
  const auto r = run_wsrepro({"list", "events", "--verbose"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  for (const char* name :
       {"server.fault", "client.exit", "harness.kill_tree", "server.flood_out", "always kept"}) {
    EXPECT_TRUE(contains(r.out, name)) << name << "\n" << describe(r);
  }
}

TEST(list, measurements) {
  const auto r = run_wsrepro({"list", "measurements", "--verbose"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  for (const char* name :
       {"hang_ms", "interrupt_latency_ms", "tcp_end", "FIN RST", "needs server.fault"}) {
    EXPECT_TRUE(contains(r.out, name)) << name << "\n" << describe(r);
  }
}

TEST(bad_input, an_unknown_format_names_the_known_ones) {
  expect_bad_input(
      {"run", "--scenario", keep_open_id, "--client", "beast-async", "--format", "json,jsn"},
      "unknown format 'jsn'; did you mean 'json'?");
}

TEST(run_formats, only_the_chosen_outputs_are_written) {
  temp_dir out;
  const auto r = run_wsrepro({"run", "--scenario", keep_open_id, "--client", "beast-async",
                              "--format", "json", "--out", out.str()});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(fs::is_regular_file(out / "report.json"));
  EXPECT_TRUE(fs::is_regular_file(out / "runs.jsonl"));
  EXPECT_FALSE(fs::exists(out / "junit.xml"));
  EXPECT_FALSE(fs::exists(out / "summary.md"));
  EXPECT_FALSE(contains(r.out, "PASS")) << "no console output without the console format\n"
                                        << describe(r);
  EXPECT_TRUE(contains(r.out, "Reports: ")) << describe(r);
}

TEST(run_formats, jsonl_streams_a_line_per_run_on_stdout_that_the_schema_accepts) {
  temp_dir out;
  const auto r = run_wsrepro({"run", "--scenario", "handshake.redirect*", "--client", "beast-async",
                              "--format", "jsonl,json", "--out", out.str()});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  std::vector<json> lines;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(json::parse(line, nullptr, false));
    ASSERT_FALSE(lines.back().is_discarded()) << "not JSON: " << line << "\n" << describe(r);
  }
  ASSERT_EQ(lines.size(), 4u) << describe(r);
  EXPECT_EQ(lines.front().at("event"), "begin");
  EXPECT_EQ(lines.front().at("schema_version"), 1);
  EXPECT_EQ(lines[1].at("event"), "run");
  EXPECT_EQ(lines[1].at("run").at("client"), "beast-async");
  EXPECT_EQ(lines.back().at("summary").at("total"), 2);
  // wsrepro's own lines went to stderr, and the stream and report.json match the schema.
  EXPECT_TRUE(contains(r.err, "Reports:")) << describe(r);
  wsrepro::test::write_text(out.path() / "stream.jsonl", r.out);
  wsrepro::test::expect_valid_json(out.path() / "stream.jsonl", true);
  EXPECT_EQ(at(load_report(out.path()), "/schema_version"), 1);
}

TEST(list, json_lists_every_kind_for_tools) {
  for (const char* kind :
       {"scenarios", "clients", "behaviours", "formats", "events", "measurements", "diagnosers"}) {
    const auto r = run_wsrepro({"list", kind, "--json"});
    ASSERT_EQ(r.exit_code, 0) << kind << "\n" << describe(r);
    const json items = json::parse(r.out, nullptr, false);
    ASSERT_TRUE(items.is_array() && !items.empty()) << kind << "\n" << describe(r);
    EXPECT_TRUE(items[0].contains(std::string(kind) == "scenarios" ? "id" : "name")) << r.out;
  }
  const json scenarios = json::parse(run_wsrepro({"list", "scenarios", "--json"}).out);
  const auto keep_open = std::find_if(scenarios.begin(), scenarios.end(),
                                      [](const json& s) { return s.at("id") == keep_open_id; });
  ASSERT_NE(keep_open, scenarios.end());
  EXPECT_EQ(keep_open->at("behaviour"), "redirect");
}

TEST(clients, status_as_json_and_clean_of_an_empty_cache) {
  temp_dir cache;
  const auto status = run_wsrepro({"--cache", cache.str(), "clients", "status", "--json"});
  ASSERT_EQ(status.exit_code, 0) << describe(status);
  const json doc = json::parse(status.out, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << describe(status);
  ASSERT_FALSE(doc.at("environments").empty()) << describe(status);
  EXPECT_EQ(doc.at("environments")[0].at("ready"), false);
  const auto clean = run_wsrepro({"--cache", cache.str(), "clients", "clean"});
  EXPECT_EQ(clean.exit_code, 0) << describe(clean);
  EXPECT_TRUE(contains(clean.out, "0 environments removed")) << describe(clean);
}

TEST(list, unknown_kind_exits_2) {
  const auto r = run_wsrepro({"list", "nonsense"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(contains(r.err, "nonsense")) << describe(r);
}

// --- 3., 4. one scenario, a correct and a broken client ---------------------------------------

TEST(run_exit_codes, async_client_passes_with_0) {
  temp_dir out;
  const auto r = run_wsrepro(
      {"run", "--scenario", keep_open_id, "--client", "beast-async", "--out", out.str()});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  for (const char* name : {"report.json", "junit.xml", "summary.md"}) {
    EXPECT_TRUE(fs::is_regular_file(out / name)) << name;
  }
  const json run = only_run(load_report(out.path()));
  EXPECT_EQ(at(run, "/scenario"), keep_open_id);
  EXPECT_EQ(at(run, "/client"), "beast-async");
  EXPECT_EQ(at(run, "/verdict"), "pass") << at(run, "/reason");
  EXPECT_LT(number_at(run, "/measurements/hang_ms/value"), 1000.0);
  EXPECT_EQ(at(run, "/measurements/hang_ms/from_event"), "server.fault");
  const auto events = timeline_events(run);
  EXPECT_FALSE(events.empty());
  EXPECT_TRUE(events.count("server.fault")) << at(run, "/timeline").dump(1);
  EXPECT_TRUE(events.count("client.exit")) << at(run, "/timeline").dump(1);
  // The run's URL (its server's port) is on the command line of its shim and client only.
  expect_no_process_with(string_at(run, "/url"));
}

TEST(run_exit_codes, naive_client_fails_with_1) {
  temp_dir out;
  const auto r = run_wsrepro(
      {"run", "--scenario", keep_open_id, "--client", "beast-threaded-naive", "--out", out.str()});
  ASSERT_EQ(r.exit_code, 1) << describe(r);
  const json run = only_run(load_report(out.path()));
  EXPECT_EQ(at(run, "/verdict"), "fail") << at(run, "/reason");
  // The naive client waits 3 s for its reader thread. It was still hanging when SIGINT went out
  // 500 ms after the 302: its hang is a lower bound (what it did after the signal is not its
  // own), and it took 2.5 s to react to the signal.
  const double hang = number_at(run, "/measurements/hang_ms/value");
  EXPECT_GE(hang, 450.0);
  EXPECT_LE(hang, 8000.0);
  EXPECT_EQ(at(run, "/measurements/hang_ms/lower_bound"), true);
  EXPECT_GT(number_at(run, "/measurements/interrupt_latency_ms/value"), 2000.0);

  const std::string junit = wsrepro::test::read_text(out / "junit.xml");
  static const std::regex failure_message(R"(<failure[^>]*\smessage="([^"]*)\")");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(junit, m, failure_message)) << junit;
  const std::string message = xml_unescape(m[1].str());
  EXPECT_TRUE(contains(message, "hang_ms")) << message;
  EXPECT_TRUE(contains(message, "<= 1000")) << message;

  // The run line with its place in the plan, its cause, and the failures again at the end.
  static const std::regex fail_line(
      R"((^|\n)\[1/1\] FAIL +handshake\.redirect_302_keep_open +beast-threaded-naive)");
  EXPECT_TRUE(std::regex_search(r.out, fail_line)) << describe(r);
  EXPECT_TRUE(contains(
      r.out, "replay: wsrepro run --replay " + (out.path() / "report.json").string() + "#0\n"))
      << describe(r);
  EXPECT_TRUE(contains(r.out,
                       "\n1 run failed:\nFAIL      handshake.redirect_302_keep_open on "
                       "beast-threaded-naive\n"))
      << describe(r);
  EXPECT_FALSE(contains(r.out, "verdict   scenario")) << "no second table\n" << describe(r);
  EXPECT_FALSE(contains(r.out, "\r")) << "no status line into a pipe\n" << describe(r);

  // 11. Neither the shim nor the client outlives the run.
  const std::string url = string_at(run, "/url");
  expect_no_process_with(url);
  for (const auto& p :
       wsrepro::test::processes_with_cmdline("wsrepro-client-beast-threaded-naive")) {
    EXPECT_FALSE(contains(p.cmdline, url)) << p.pid << " " << p.cmdline;
  }
}

// --- 5. the default suite ---------------------------------------------------------------------

// The library without the seed suite, which needs python-websockets and npm ws from their
// registries (CI runs it through ci/run-suite.sh).
TEST(run_exit_codes, default_suite_passes) {
  temp_dir out;
  std::vector<std::string> args{"run", "--out", out.str(), "--jobs", "2"};
  for (const auto* category : {"handshake", "close", "keepalive", "slow_peer", "frame", "tls"}) {
    args.push_back((data_dir / "scenarios" / category).string());
  }
  const auto r = run_wsrepro(args, milliseconds(240'000));
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  static const std::regex summary(R"((^|\n)\d+ runs?: \d+ passed, 0 failed, )");
  EXPECT_TRUE(std::regex_search(r.out, summary)) << describe(r);
  EXPECT_EQ(at(load_report(out.path()), "/summary/fail"), 0);
}

// --- 6. bad scenario files --------------------------------------------------------------------

TEST(scenario_errors, misspelt_key_names_file_line_and_suggestion) {
  temp_dir dir;
  int line = 0;
  const std::string text = edit_scenario(data_dir / "scenarios/handshake/redirect_302_close.toml",
                                         "deadline_ms", "deadlin_ms = 100", line);
  const std::string file = dir / "misspelt.toml";
  wsrepro::test::write_text(file, text);
  const auto r = run_wsrepro({"run", file, "--client", "beast-async", "--out", dir / "out"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(contains(r.err, file + ":" + std::to_string(line) + ":")) << describe(r);
  EXPECT_TRUE(contains(r.err, "deadlin_ms")) << describe(r);
  EXPECT_TRUE(contains(r.err, "did you mean 'deadline_ms'")) << describe(r);
  // Bad input is found before anything runs: no reports.
  EXPECT_FALSE(fs::exists(dir.path() / "out" / "report.json"));
}

TEST(scenario_errors, two_mistakes_are_both_reported) {
  temp_dir dir;
  const fs::path source = data_dir / "scenarios/handshake/redirect_302_close.toml";
  int key_line = 0;
  int delay_line = 0;
  const std::string file = dir / "two.toml";
  wsrepro::test::write_text(file,
                            edit_scenario(source, "deadline_ms", "deadlin_ms = 100", key_line));
  wsrepro::test::write_text(file, edit_scenario(file, "delay_ms", "dealy_ms = 500", delay_line));
  const auto r = run_wsrepro({"run", file, "--client", "beast-async", "--out", dir / "out"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(contains(r.err, "2 errors")) << describe(r);
  EXPECT_TRUE(contains(r.err, file + ":" + std::to_string(key_line) + ":")) << describe(r);
  EXPECT_TRUE(contains(r.err, "deadline_ms")) << describe(r);
  EXPECT_TRUE(contains(r.err, file + ":" + std::to_string(delay_line) + ":")) << describe(r);
  EXPECT_TRUE(contains(r.err, "did you mean 'delay_ms'")) << describe(r);
}

TEST(scenario_errors, toml_syntax_error_names_the_line) {
  temp_dir dir;
  int line = 0;
  const std::string text = edit_scenario(data_dir / "scenarios/handshake/redirect_302_close.toml",
                                         "then =", "then = \"close", line);  // unterminated
  const std::string file = dir / "syntax.toml";
  wsrepro::test::write_text(file, text);
  const auto r = run_wsrepro({"run", file, "--client", "beast-async", "--out", dir / "out"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(contains(r.err, file + ":" + std::to_string(line) + ":")) << describe(r);
}

TEST(scenario_errors, unknown_behaviour_lists_known_ones) {
  temp_dir dir;
  int line = 0;
  const std::string text = edit_scenario(data_dir / "scenarios/handshake/redirect_302_close.toml",
                                         "behaviour =", "behaviour = \"nosuch\"", line);
  const std::string file = dir / "behaviour.toml";
  wsrepro::test::write_text(file, text);
  const auto r = run_wsrepro({"run", file, "--client", "beast-async", "--out", dir / "out"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(contains(r.err, file + ":" + std::to_string(line) + ":")) << describe(r);
  EXPECT_TRUE(contains(r.err, "nosuch")) << describe(r);
  EXPECT_TRUE(contains(r.err, "echo")) << describe(r);
  EXPECT_TRUE(contains(r.err, "redirect")) << describe(r);
}

// --- 7. bad clients and selections ------------------------------------------------------------

TEST(client_errors, unknown_client_lists_known_ones) {
  temp_dir out;
  const auto r =
      run_wsrepro({"run", "--scenario", keep_open_id, "--client", "nosuch", "--out", out.str()});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(contains(r.err, "nosuch")) << describe(r);
  EXPECT_TRUE(contains(r.err, "beast-async")) << describe(r);
  EXPECT_TRUE(contains(r.err, "beast-threaded-naive")) << describe(r);
}

TEST(client_errors, missing_program_is_bad_input) {
  temp_dir out;
  const auto r = run_wsrepro({"run", "--scenario", keep_open_id, "--client-cmd",
                              "/nonexistent/prog {url}", "--out", out.str()});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(contains(r.err, "/nonexistent/prog")) << describe(r);
  EXPECT_TRUE(contains(r.err, "not found")) << describe(r);
}

// A versioned client whose environment cannot be built: skipped with the reason, never a pass;
// --strict turns the skip into exit 1. The set-up runs before any client and is cached.
TEST(client_setup, a_client_that_cannot_be_set_up_is_skipped_with_the_reason) {
  temp_dir dir;
  fs::create_directories(dir.path() / "clients");
  fs::create_directories(dir.path() / "scenarios");
  fs::copy_file(data_dir / "scenarios/handshake/redirect_302_close.toml",
                dir.path() / "scenarios/redirect.toml");
  wsrepro::test::write_text(dir / "clients/fake.toml", R"toml([[environment]]
name = "fake"
versions = ["1.0", "2.0"]
setup = [["sh", "-c", "test {version} = 2.0 && echo made > {env}/made || (echo 'no such release {version}' >&2; exit 4)"]]
probe = ["sh", "-c", "echo fakelib-{version}; echo 'sh'"]

[[client]]
name = "fake-client"
environment = "fake"
command = ["sh", "-c", "cat {env}/made >/dev/null; exit 1"]
)toml");
  const std::vector<std::string> args{wsrepro_binary, "--data-dir", dir.str(),  "--cache",
                                      dir / "cache",  "run",        "--client", "fake-client",
                                      "--out",        dir / "out"};
  const auto r = wsrepro::test::run_process(args, milliseconds(60'000));
  EXPECT_TRUE(contains(r.out, "SKIP")) << describe(r);
  EXPECT_TRUE(contains(r.out, "fake-client@1.0")) << describe(r);
  EXPECT_TRUE(contains(r.out, "no such release 1.0")) << describe(r);
  const json report = load_report(dir.path() / "out");
  EXPECT_EQ(at(report, "/summary/skipped"), 1) << report.dump(2);
  bool saw_version = false;
  for (const auto& run : report.at("runs")) {
    if (run.at("client") == "fake-client@2.0") {
      saw_version = run.at("library_version") == "fakelib-2.0";
    }
  }
  EXPECT_TRUE(saw_version) << report.dump(2);
  EXPECT_TRUE(fs::exists(dir.path() / "cache/envs/fake/2.0/.wsrepro-ready"));
  EXPECT_FALSE(fs::exists(dir.path() / "cache/envs/fake/1.0/.wsrepro-ready"));

  auto strict = args;
  strict.push_back("--strict");
  const auto s = wsrepro::test::run_process(strict, milliseconds(60'000));
  EXPECT_EQ(s.exit_code, 1) << describe(s);
}

// bisect over a fake registry: a correct client that, before 3.0, lingers 2 s after the 302;
// 3.0 and later exit at once. It must name 3.0 in fewer runs than there are versions.
TEST(bisect, names_the_first_version_without_the_bug_in_fewer_runs) {
  temp_dir dir;
  fs::create_directories(dir.path() / "clients");
  fs::create_directories(dir.path() / "scenarios");
  fs::copy_file(data_dir / "scenarios/handshake/redirect_302_close.toml",
                dir.path() / "scenarios/redirect.toml");
  wsrepro::test::write_text(dir / "clients/fake.toml", R"toml([[environment]]
name = "fake"
versions = ["1.0", "5.0"]
setup = [["true"]]
releases = ["sh", "-c", "echo 'fake (5.0)'; echo 'Available versions: 5.0, 4.0, 3.0, 2.1, 2.0, 1.0'"]

[[client]]
name = "fake-client"
environment = "fake"
command = ["sh", "-c", "{libexec}/wsrepro-client-beast-async {url}; case {version} in 1.*|2.*) sleep 2;; esac; exit 1"]
)toml");
  const std::vector<std::string> args{wsrepro_binary,
                                      "--data-dir",
                                      dir.str(),
                                      "--cache",
                                      dir / "cache",
                                      "bisect",
                                      "handshake.redirect_302_close",
                                      "--client",
                                      "fake-client",
                                      "--versions",
                                      "1.0..5.0",
                                      "--out",
                                      dir / "out"};
  const auto r = wsrepro::test::run_process(args, milliseconds(120'000));
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(contains(r.out, "6 versions from the releases the registry lists")) << describe(r);
  EXPECT_TRUE(contains(r.out, "fixed in 3.0: the expectation fails up to 2.1 and holds from 3.0"))
      << describe(r);
  static const std::regex runs(R"(\n([0-9]+) runs over 6 versions)");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, runs)) << describe(r);
  EXPECT_LT(std::stoi(m[1]), 6) << describe(r);
  EXPECT_EQ(at(load_report(dir.path() / "out"), "/summary/total"), std::stoi(m[1]));

  // The same range over the pinned versions only: the ends differ, nothing in between.
  auto pinned = args;
  pinned.push_back("--pinned");
  const auto p = wsrepro::test::run_process(pinned, milliseconds(120'000));
  EXPECT_TRUE(contains(p.out, "fixed in 5.0")) << describe(p);

  // No change in the range: exit 1.
  auto same = args;
  same[same.size() - 3] = "3.0..5.0";
  const auto n = wsrepro::test::run_process(same, milliseconds(120'000));
  EXPECT_EQ(n.exit_code, 1) << describe(n);
  EXPECT_TRUE(contains(n.out, "no change")) << describe(n);
}

// --until-fail stops at the first failing run: a client that passes twice, then lingers 2 s
// after the 302 (its count kept in a file).
TEST(retries, a_run_that_fails_then_passes_is_flaky_counted_apart_and_junit_says_so) {
  temp_dir out;
  // Fails its first attempt (exits before connecting), behaves from the second on.
  const std::string marker = (out.path() / "attempted").string();
  const std::string client = std::string(WSREPRO_TEST_LIBEXEC_DIR) + "/wsrepro-client-beast-async";
  const std::string script = "if [ -e " + marker + " ]; then exec " + client +
                             " \"$0\"; else touch " + marker + "; exit 3; fi";
  const std::vector<std::string> args{
      "run",   "--scenario", keep_open_id, "--client-cmd", "/bin/sh -c '" + script + "' {url}",
      "--out", out.str()};
  const auto without = run_wsrepro(args);
  EXPECT_EQ(without.exit_code, 1) << describe(without);
  fs::remove(marker);
  auto with_retries = args;
  with_retries.insert(with_retries.end(), {"--retries", "2"});
  const auto r = run_wsrepro(with_retries);
  EXPECT_EQ(r.exit_code, 0) << "flaky passes, but is not hidden\n" << describe(r);
  EXPECT_TRUE(contains(r.out, "FLAKY     " + keep_open_id)) << describe(r);
  EXPECT_TRUE(contains(r.out, "passed on attempt 2 of 2; attempt 1: ")) << describe(r);
  EXPECT_TRUE(contains(r.out, "1 run was flaky (failed, then passed on a retry):")) << describe(r);
  EXPECT_TRUE(contains(r.out, "1 passed (1 flaky)")) << describe(r);
  const json run = only_run(load_report(out.path()));
  EXPECT_EQ(at(run, "/verdict"), "pass");
  EXPECT_EQ(at(run, "/flaky"), true);
  EXPECT_EQ(at(run, "/failed_attempts/0/verdict"), "fail");
  EXPECT_EQ(at(load_report(out.path()), "/summary/flaky"), 1);
  const std::string junit = wsrepro::test::read_text(out.path() / "junit.xml");
  EXPECT_TRUE(contains(junit, "<flakyFailure message=")) << junit;
  EXPECT_FALSE(contains(junit, "<failure")) << junit;
  EXPECT_TRUE(contains(wsrepro::test::read_text(out.path() / "summary.md"), "1 passed (1 flaky)"));
}

TEST(races, until_fail_stops_at_the_first_failure_and_replay_repeats_a_run) {
  temp_dir dir;
  const std::string counter = dir / "count";
  const std::string client = "sh -c '{libexec}/wsrepro-client-beast-async {url}; n=$(cat " +
                             counter + " 2>/dev/null || echo 0); echo $((n+1)) > " + counter +
                             "; [ $n -ge 2 ] && sleep 2; exit 1'";
  // One run at a time: the client counts its runs in a file.
  const auto r = run_wsrepro({"run", "--scenario", "handshake.redirect_302_close", "--client-cmd",
                              client, "--until-fail", "--max-runs", "10", "--jobs", "1", "--jitter",
                              "delay_ms=0..40", "--seed", "99", "--out", dir / "out"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  const json report = load_report(dir.path() / "out");
  ASSERT_EQ(report.at("runs").size(), 3u) << describe(r);
  EXPECT_EQ(report.at("seed"), 99);
  EXPECT_EQ(report.at("runs")[2].at("verdict"), "fail");
  const auto& stats = report.at("statistics")[0];
  EXPECT_EQ(stats.at("missed").at("count"), 1);
  EXPECT_EQ(stats.at("missed").at("runs")[0].at("run"), 2);
  EXPECT_TRUE(contains(r.out, "--replay " + (dir / "out") + "/report.json#2")) << describe(r);

  // The replay gets run 2's seed and drawn parameters back.
  const auto replay =
      run_wsrepro({"run", "--replay", (dir / "out") + "/report.json#2", "--client-cmd",
                   "{libexec}/wsrepro-client-beast-async {url}", "--out", dir / "replay"});
  EXPECT_EQ(replay.exit_code, 0) << describe(replay);
  const json again = load_report(dir.path() / "replay");
  EXPECT_EQ(again.at("runs")[0].at("seed"), report.at("runs")[2].at("seed"));
  EXPECT_EQ(again.at("runs")[0].at("server_params"), report.at("runs")[2].at("server_params"));
}

TEST(races, stress_is_recorded_and_cleaned_up) {
  temp_dir dir;
  const auto r =
      run_wsrepro({"run", "--scenario", "handshake.redirect_302_close", "--client", "beast-async",
                   "--repeat", "3", "--stress-cpu", "2", "--stress-io", "--out", dir / "out"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  const json report = load_report(dir.path() / "out");
  EXPECT_EQ(at(report, "/stress/cpu_threads"), 2);
  EXPECT_EQ(at(report, "/stress/io"), true);
  EXPECT_EQ(at(report, "/repeat"), 3);
  EXPECT_EQ(report.at("runs").size(), 3u);
  EXPECT_EQ(at(report, "/runs/2/repetition"), 3);
  EXPECT_TRUE(contains(r.out, "0/3 0% [0%, 56%]")) << describe(r);
  // The scratch file of --stress-io is gone.
  for (const auto& entry : fs::directory_iterator(fs::temp_directory_path())) {
    EXPECT_FALSE(entry.path().filename().string().starts_with("wsrepro-stress-io-"))
        << entry.path();
  }
}

TEST(bench, measures_exports_and_guards_a_baseline) {
  temp_dir dir;
  const auto r = run_wsrepro({"bench", "shutdown.sigint_during_handshake", "--client",
                              "beast-async", "--runs", "5", "--warmup", "1", "--seed", "3", "--out",
                              dir / "out", "--export-hyperfine", dir / "hf.json"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  const json doc = json::parse(std::ifstream(dir.path() / "out" / "bench.json"));
  const auto& client = doc.at("clients")[0];
  EXPECT_EQ(client.at("client"), "beast-async");
  ASSERT_EQ(client.at("runs").size(), 5u) << doc.dump(2);
  EXPECT_TRUE(client.at("runs")[0].at("interrupt_latency_ms").is_number()) << doc.dump(2);
  const auto& stats = client.at("statistics").at("interrupt_latency_ms");
  EXPECT_EQ(stats.at("n"), 5);
  EXPECT_LE(stats.at("min").get<double>(), stats.at("median").get<double>());
  EXPECT_LE(stats.at("median").get<double>(), stats.at("max").get<double>());
  const json hf = json::parse(std::ifstream(dir.path() / "hf.json"));
  ASSERT_EQ(hf.at("results")[0].at("times").size(), 5u);
  // hyperfine's unit is the second.
  EXPECT_NEAR(hf.at("results")[0].at("median").get<double>() * 1000,
              stats.at("median").get<double>(), 1e-6);
  EXPECT_TRUE(fs::exists(dir.path() / "out" / "bench.csv"));
  EXPECT_TRUE(fs::exists(dir.path() / "out" / "bench.md"));

  // A baseline whose median was far lower: regressed by more than 20% and 0 ms, exit 1; with
  // an absolute floor above the difference, not a regression.
  json baseline = doc;
  baseline["clients"][0]["statistics"]["interrupt_latency_ms"]["median"] = 0.001;
  wsrepro::test::write_text(dir / "old.json", baseline.dump());
  const auto regressed =
      run_wsrepro({"bench", "shutdown.sigint_during_handshake", "--client", "beast-async", "--runs",
                   "3", "--warmup", "0", "--baseline", dir / "old.json", "--min-delta-ms", "0",
                   "--out", dir / "out2"});
  EXPECT_EQ(regressed.exit_code, 1) << describe(regressed);
  EXPECT_TRUE(contains(regressed.out, "REGRESSED beast-async")) << describe(regressed);
  const auto within =
      run_wsrepro({"bench", "shutdown.sigint_during_handshake", "--client", "beast-async", "--runs",
                   "3", "--warmup", "0", "--baseline", dir / "old.json", "--min-delta-ms", "500",
                   "--out", dir / "out3"});
  EXPECT_EQ(within.exit_code, 0) << describe(within);
  const auto bad = run_wsrepro({"bench", "shutdown.sigint_during_handshake", "--measure",
                                "latency_ms", "--out", dir / "out4"});
  EXPECT_EQ(bad.exit_code, 2) << describe(bad);
}

TEST(judge, a_failure_on_a_setting_the_driver_says_its_library_lacks_is_not_supported) {
  temp_dir dir;
  // A driver around the broken reference client that says its library has no open timeout.
  const std::string naive =
      std::string(WSREPRO_TEST_LIBEXEC_DIR) + "/wsrepro-client-beast-threaded-naive";
  wsrepro::test::write_text(
      dir / "driver.sh",
      "#!/bin/sh\necho '{\"event\": \"unsupported_setting\", \"setting\": "
      "\"WSREPRO_OPEN_TIMEOUT_MS\", \"message\": \"no such option\"}'\nexec " +
          naive + " \"$1\"\n");
  fs::permissions(dir.path() / "driver.sh", fs::perms::owner_all);
  const std::vector<std::string> args{
      "run",   "--scenario", keep_open_id, "--client-cmd", dir / "driver.sh" + " {url}",
      "--out", dir / "out"};
  const auto r = run_wsrepro(args);
  EXPECT_EQ(r.exit_code, 0) << "not supported is a finding, not a failure\n" << describe(r);
  EXPECT_TRUE(contains(r.out, "UNSUPPORTED")) << describe(r);
  EXPECT_TRUE(contains(r.out,
                       "not supported: the client has no option for "
                       "WSREPRO_OPEN_TIMEOUT_MS (no such option); with its default: "))
      << describe(r);
  EXPECT_TRUE(contains(r.out, "1 not supported")) << describe(r);
  const json report = load_report(dir.path() / "out");
  EXPECT_EQ(at(report, "/runs/0/verdict"), "unsupported");
  EXPECT_EQ(at(report, "/summary/unsupported"), 1);
  auto strict = args;
  strict.push_back("--strict");
  EXPECT_EQ(run_wsrepro(strict).exit_code, 1) << "--strict fails on what was not judged";
}

TEST(races, bench_sweep_and_bisect_take_a_scenario_file_as_run_does) {
  temp_dir dir;
  // A scenario of one's own, outside the library, under an id the library does not have.
  std::string text =
      wsrepro::test::read_text(data_dir / "scenarios/handshake/redirect_302_keep_open.toml");
  const std::string library_id = "id = \"handshake.redirect_302_keep_open\"";
  const auto id = text.find(library_id);
  ASSERT_NE(id, std::string::npos);
  text.replace(id, library_id.size(), "id = \"mine.redirect\"");
  wsrepro::test::write_text(dir / "mine.toml", text);
  const auto swept = run_wsrepro({"sweep", dir / "mine.toml", "--param", "status=301..302:1",
                                  "--client", "beast-async", "--out", dir / "sweep"});
  EXPECT_EQ(swept.exit_code, 0) << describe(swept);
  EXPECT_EQ(at(load_report(dir.path() / "sweep"), "/runs/0/scenario"), "mine.redirect");
  const auto benched =
      run_wsrepro({"bench", dir / "mine.toml", "--client", "beast-async", "--runs", "2", "--warmup",
                   "0", "--measure", "process_ms", "--out", dir / "bench"});
  EXPECT_EQ(benched.exit_code, 0) << describe(benched);
  expect_bad_input(
      {"bisect", dir / "missing.toml", "--client", "python-websockets", "--versions", "10.0..11.0"},
      "no scenario file " + (dir / "missing.toml"));
  expect_bad_input({"bench", data_dir / "scenarios/handshake"}, "is a directory");
}

TEST(races, sweep_prints_a_row_per_value) {
  temp_dir dir;
  const auto r =
      run_wsrepro({"sweep", "handshake.redirect_302_keep_open", "--param", "status=301..303:1",
                   "--client", "beast-async", "--out", dir / "out"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  const json doc = json::parse(std::ifstream(dir.path() / "out" / "sweep.json"));
  ASSERT_EQ(doc.at("rows").size(), 3u) << doc.dump(2);
  EXPECT_EQ(doc.at("rows")[1].at("value"), 302);
  EXPECT_EQ(doc.at("rows")[1].at("cells").at("beast-async").at("pass"), 1);
  EXPECT_EQ(at(load_report(dir.path() / "out"), "/runs/2/server_params/status"), 303);
  // A run that misses its expectation fails the sweep, as it fails any subcommand.
  const auto missed =
      run_wsrepro({"sweep", "handshake.redirect_302_keep_open", "--param", "status=302..302:1",
                   "--client", "beast-threaded-naive", "--out", dir / "out3"});
  EXPECT_EQ(missed.exit_code, 1) << describe(missed);
  const auto bad = run_wsrepro({"sweep", "handshake.redirect_302_keep_open", "--param",
                                "nope=1..3:1", "--out", dir / "out2"});
  EXPECT_EQ(bad.exit_code, 2) << describe(bad);
  EXPECT_TRUE(contains(bad.err, "no integer parameter 'nope'")) << describe(bad);
}

// Every run skipped: nothing was checked, which is not green unless the user says so.
TEST(client_errors, an_invocation_whose_runs_were_all_skipped_exits_4_unless_allowed) {
  temp_dir out;
  const std::vector<std::string> args{
      "run", "--scenario", "seed.send_after_close", "--client", "beast-async", "--out", out.str()};
  const auto r = run_wsrepro(args);
  EXPECT_EQ(r.exit_code, 4) << describe(r);
  EXPECT_EQ(at(load_report(out.path()), "/summary/skipped"), 1);
  auto allowed = args;
  allowed.insert(allowed.begin(), "--allow-empty");
  const auto a = run_wsrepro(allowed);
  EXPECT_EQ(a.exit_code, 0) << describe(a);
}

TEST(outside_the_tree, scenario_and_client_dirs_add_to_the_built_in_ones) {
  temp_dir mine;
  fs::create_directories(mine.path() / "scenarios");
  fs::create_directories(mine.path() / "clients");
  std::string scenario =
      wsrepro::test::read_text(data_dir / "scenarios/handshake/redirect_302_keep_open.toml");
  scenario.replace(scenario.find(keep_open_id), keep_open_id.size(), "mine.keep_open");
  scenario.replace(scenario.find(R"(clients = ["beast-async"])"), 25, R"(clients = ["my-driver"])");
  wsrepro::test::write_text(mine.path() / "scenarios/keep_open.toml", scenario);
  // A driver beside its manifest ({manifest_dir}) that imports wsrepro's Python helper.
  wsrepro::test::write_text(mine.path() / "clients/my_driver.py",
                            "import sys, wsrepro_driver\nprint('helper ok', sys.argv[1])\n");
  wsrepro::test::write_text(mine.path() / "clients/mine.toml", R"([[client]]
name = "my-driver"
description = "a driver of my own"
command = ["/usr/bin/python3", "{manifest_dir}/my_driver.py", "{url}"]
)");
  temp_dir out;
  const auto r = run_wsrepro({"--scenarios", (mine.path() / "scenarios").string(), "--clients",
                              (mine.path() / "clients").string(), "run", "--scenario", "mine.*",
                              "--out", out.str()});
  // It connects to nothing, so the scenario's situation is never reached: a failure, not bad input.
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  const json run = only_run(load_report(out.path()));
  EXPECT_EQ(at(run, "/scenario"), "mine.keep_open");
  EXPECT_EQ(at(run, "/client"), "my-driver");
  EXPECT_TRUE(contains(string_at(run, "/output/stdout/data"), "helper ok ws://")) << run.dump(2);
  // The built-in library is still there beside them.
  const auto listed =
      run_wsrepro({"--scenarios", (mine.path() / "scenarios").string(), "list", "scenarios"});
  EXPECT_TRUE(contains(listed.out, "mine.keep_open") && contains(listed.out, keep_open_id))
      << describe(listed);
  const auto missing =
      run_wsrepro({"--clients", (mine.path() / "nope").string(), "list", "clients"});
  EXPECT_EQ(missing.exit_code, 2) << describe(missing);
  EXPECT_TRUE(
      contains(missing.err, "--clients " + (mine.path() / "nope").string() + ": not a directory"))
      << describe(missing);
}

TEST(outside_the_tree, labelled_client_commands_compare_versions_side_by_side) {
  temp_dir out;
  const std::string libexec = WSREPRO_TEST_LIBEXEC_DIR;
  const auto r =
      run_wsrepro({"run", "-q", "--scenario", keep_open_id, "--client-cmd",
                   "beast@1.0=" + libexec + "/wsrepro-client-beast-async {url}", "--client-cmd",
                   "beast@2.0=" + libexec + "/wsrepro-client-beast-threaded-naive {url}",
                   "--client-cmd", "probe=/bin/sh -c 'echo mark=$MARK' {url}", "--client-env",
                   "MARK=all", "--client-env", "probe:MARK=one", "--out", out.str()});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  // One library, two versions: a version matrix without a manifest.
  EXPECT_TRUE(contains(r.out, "beast by version")) << describe(r);
  const json report = load_report(out.path());
  std::map<std::string, json> runs;
  for (const auto& run : report.at("runs")) runs[run.at("client").get<std::string>()] = run;
  ASSERT_EQ(runs.size(), 3u) << describe(r);
  EXPECT_EQ(at(runs["beast@1.0"], "/verdict"), "pass");
  EXPECT_EQ(at(runs["beast@2.0"], "/verdict"), "fail");
  EXPECT_EQ(at(runs["probe"], "/output/stdout/data"), "mark=one\n");
  const auto twice =
      run_wsrepro({"run", "--scenario", keep_open_id, "--client-cmd", "a=/bin/true {url}",
                   "--client-cmd", "a=/bin/false {url}", "--out", out.str()});
  EXPECT_EQ(twice.exit_code, 2) << describe(twice);
  EXPECT_TRUE(contains(twice.err, "two commands are named a")) << describe(twice);
  const auto stray =
      run_wsrepro({"run", "--scenario", keep_open_id, "--client-cmd", "a=/bin/true {url}",
                   "--client-env", "b:K=V", "--out", out.str()});
  EXPECT_EQ(stray.exit_code, 2) << describe(stray);
  EXPECT_TRUE(contains(stray.err, "no --client-cmd is labelled b")) << describe(stray);
}

TEST(config_file, profiles_set_defaults_the_command_line_overrides) {
  temp_dir project;
  const fs::path config = project.path() / "wsrepro.toml";
  wsrepro::test::write_text(config, R"([profile.default]
client = ["beast-async"]
format = ["json"]
out = "reports"

[profile.ci]
retries = 1
strict = true

[profile.ci.run]
jobs = 2
)");
  const auto plain = run_wsrepro({"--config", config.string(), "run", "--scenario", keep_open_id});
  EXPECT_EQ(plain.exit_code, 0) << describe(plain);
  // out is relative to the file; only report.json (and its journal) is written.
  const json report = load_report(project.path() / "reports");
  EXPECT_EQ(at(only_run(report), "/client"), "beast-async");
  EXPECT_FALSE(fs::exists(project.path() / "reports/junit.xml"));
  EXPECT_EQ(at(report, "/retries"), 0);
  // The ci profile starts from default; the command line wins over both.
  const auto ci = run_wsrepro({"--config", config.string(), "--profile", "ci", "run", "--scenario",
                               keep_open_id, "--client", "beast-threaded-naive"});
  EXPECT_EQ(ci.exit_code, 1) << describe(ci);
  const json ci_report = load_report(project.path() / "reports");
  EXPECT_EQ(at(ci_report, "/retries"), 1);
  EXPECT_EQ(at(ci_report, "/strict"), true);
  EXPECT_EQ(at(only_run(ci_report), "/client"), "beast-threaded-naive");
  // Mistakes are bad input with the file, line and key.
  const auto profile =
      run_wsrepro({"--config", config.string(), "--profile", "cj", "list", "clients"});
  EXPECT_EQ(profile.exit_code, 2) << describe(profile);
  EXPECT_TRUE(contains(profile.err, "unknown profile 'cj'; did you mean 'ci'?"))
      << describe(profile);
  wsrepro::test::write_text(config, "[profile.default]\njbos = 2\n");
  const auto typo = run_wsrepro({"--config", config.string(), "list", "clients"});
  EXPECT_EQ(typo.exit_code, 2) << describe(typo);
  EXPECT_TRUE(contains(typo.err, config.string() + ":2:")) << describe(typo);
  EXPECT_TRUE(contains(typo.err, "unknown option 'jbos'; did you mean 'jobs'?")) << describe(typo);
  wsrepro::test::write_text(config, "[profile.default]\njobs = 1000\n");
  const auto range = run_wsrepro({"--config", config.string(), "run", "--scenario", keep_open_id});
  EXPECT_EQ(range.exit_code, 2) << describe(range);
  EXPECT_TRUE(contains(range.err, "key 'jobs'")) << describe(range);
}

TEST(shards, the_parts_of_a_plan_are_disjoint_and_together_are_the_unsharded_runs) {
  const std::vector<std::string> common{
      "run", "-q",       "--scenario",     "handshake.*", "--client", "beast-async", "--repeat",
      "2",   "--jitter", "delay_ms=0..20", "--jobs",      "2",        "--seed",      "7"};
  // One run's identity and outcome: everything that must not depend on sharding.
  const auto key = [](const json& run) {
    return std::to_string(run.at("repetition").get<int>()) + " " + run.at("scenario").dump() + " " +
           run.at("client").dump() + " " + run.at("seed").dump() + " " +
           (run.contains("server_params") ? run.at("server_params").dump() : "{}") + " " +
           run.at("verdict").dump();
  };
  temp_dir whole;
  auto args = common;
  args.insert(args.end(), {"--out", whole.str()});
  const auto all = run_wsrepro(args);
  ASSERT_EQ(all.exit_code, 0) << describe(all);
  std::multiset<std::string> expected;
  const json whole_report = load_report(whole.path());
  for (const auto& run : whole_report.at("runs")) expected.insert(key(run));
  std::multiset<std::string> union_of_parts;
  std::size_t total = 0;
  temp_dir parts;
  std::vector<std::string> part_dirs;
  for (int k = 1; k <= 3; ++k) {
    part_dirs.push_back((parts.path() / ("part" + std::to_string(k))).string());
    auto part_args = common;
    part_args.insert(part_args.end(),
                     {"--shard", std::to_string(k) + "/3", "--out", part_dirs.back()});
    const auto r = run_wsrepro(part_args);
    EXPECT_EQ(r.exit_code, 0) << describe(r);
    const json report = load_report(part_dirs.back());
    EXPECT_EQ(at(report, "/shard"), std::to_string(k) + "/3");
    for (const auto& run : report.at("runs")) {
      union_of_parts.insert(key(run));
      ++total;
    }
  }
  EXPECT_EQ(total, expected.size()) << "every run in exactly one part";
  EXPECT_EQ(union_of_parts, expected);

  // merge: the parts' reports are the unsharded invocation's, in its order.
  temp_dir merged;
  const auto m = run_wsrepro(
      {"merge", part_dirs[2], part_dirs[0], part_dirs[1] + "/report.json", "--out", merged.str()});
  ASSERT_EQ(m.exit_code, 0) << describe(m);
  EXPECT_TRUE(contains(m.out, "Merged " + std::to_string(expected.size()) + " runs from 3 reports"))
      << describe(m);
  const json merged_report = load_report(merged.path());
  ASSERT_EQ(merged_report.at("runs").size(), whole_report.at("runs").size());
  for (std::size_t i = 0; i < whole_report.at("runs").size(); ++i) {
    const auto& run = merged_report.at("runs")[i];
    EXPECT_EQ(run.at("index"), i);
    EXPECT_EQ(key(run), key(whole_report.at("runs")[i]));
  }
  EXPECT_EQ(merged_report.at("summary").at("total"), whole_report.at("summary").at("total"));
  EXPECT_EQ(merged_report.at("merged_from").size(), 3U);
  EXPECT_TRUE(merged_report.at("shard").is_null());
  for (const char* file : {"junit.xml", "summary.md", "report.html"}) {
    EXPECT_TRUE(std::filesystem::exists(merged.path() / file)) << file;
  }
  // A report merged alone is the same report: nothing is lost on the way.
  temp_dir again;
  ASSERT_EQ(run_wsrepro({"merge", whole.str(), "--out", again.str()}).exit_code, 0);
  EXPECT_EQ(load_report(again.path()).at("runs"), whole_report.at("runs"));

  expect_bad_input({"merge", part_dirs[0], part_dirs[2], "--out", merged.str()},
                   "shard 2/3 is missing (--partial merges the parts there are)");
  expect_bad_input({"merge", part_dirs[0], part_dirs[0], "--out", merged.str()},
                   "shard 1/3 is given twice");
  expect_bad_input({"merge", part_dirs[0], whole.str(), "--out", merged.str()},
                   "some reports are --shard parts and some are not");
  expect_bad_input({"merge", whole.str(), "--format", "pcapng", "--out", merged.str()},
                   "report.json does not keep");
  const auto partial =
      run_wsrepro({"merge", part_dirs[0], part_dirs[2], "--partial", "--out", merged.str()});
  EXPECT_EQ(partial.exit_code, 0) << describe(partial);
  EXPECT_TRUE(contains(partial.err, "shard 2/3 is missing; its runs are not in the report"))
      << describe(partial);
  expect_bad_input({"run", "--shard", "4/3"}, "--shard takes K/N");
  expect_bad_input({"run", "--shard", "1/2", "--until-fail"}, "does not mix");
}

TEST(merge, a_failing_part_fails_the_merge_and_lists_its_failure) {
  temp_dir out;
  const auto failing = run_wsrepro({"run", "-q", "--scenario", keep_open_id, "--client-cmd",
                                    "/bin/false {url}", "--out", (out.path() / "a").string()});
  ASSERT_EQ(failing.exit_code, 1) << describe(failing);
  const auto m =
      run_wsrepro({"merge", (out.path() / "a").string(), "--out", (out.path() / "m").string()});
  EXPECT_EQ(m.exit_code, 1) << describe(m);
  EXPECT_TRUE(contains(
      m.out, "replay: wsrepro run --replay " + (out.path() / "m" / "report.json").string() + "#0"))
      << describe(m);
  // A labelled ad-hoc client: the replay line gives its --client-cmd again, ready to paste;
  // --replay without it says what to give (the report's command is shown, never run).
  const auto labelled = run_wsrepro({"run", "-q", "--scenario", keep_open_id, "--client-cmd",
                                     "mine@2.0=/bin/false {url}", "--client-env", "mine@2.0:A=1",
                                     "--out", (out.path() / "b").string()});
  ASSERT_EQ(labelled.exit_code, 1) << describe(labelled);
  const std::string report = (out.path() / "b" / "report.json").string();
  EXPECT_TRUE(contains(labelled.out, "replay: wsrepro run --replay " + report +
                                         "#0 --client-cmd 'mine@2.0=/bin/false {url}' "
                                         "--client-env mine@2.0:A=1\n"))
      << describe(labelled);
  expect_bad_input({"run", "--replay", report + "#0"},
                   "give its --client-cmd again: '--client-cmd' 'mine@2.0=/bin/false {url}'");
  const auto again =
      run_wsrepro({"run", "-q", "--replay", report + "#0", "--client-cmd",
                   "mine@2.0=/bin/false {url}", "--out", (out.path() / "c").string()});
  EXPECT_EQ(again.exit_code, 1) << describe(again);
  EXPECT_EQ(at(load_report(out.path() / "c"), "/runs/0/client"), "mine@2.0");
  std::ofstream(out.path() / "bad.json") << R"({"runs": [], "wsrepro_version": 1})";
  expect_bad_input({"merge", (out.path() / "bad.json").string(), "--out", out.str()},
                   "bad.json: wsrepro_version is not text");
}

TEST(client_errors, unmatched_scenario_glob_is_bad_input) {
  temp_dir out;
  const auto r = run_wsrepro({"run", "--scenario", "nomatch.*", "--out", out.str()});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(contains(r.err, "nomatch.*")) << describe(r);
  // One pattern that matches nothing is an error even when another one matches.
  const auto typo = run_wsrepro({"run", "--scenario", "handshake.*", "--scenario",
                                 "handshake.redirect_302_keep_opn", "--out", out.str()});
  EXPECT_EQ(typo.exit_code, 2) << describe(typo);
  EXPECT_TRUE(contains(typo.err,
                       "unknown scenario 'handshake.redirect_302_keep_opn'; did you "
                       "mean 'handshake.redirect_302_keep_open'?"))
      << describe(typo);
}

TEST(client_errors, a_mistyped_client_gets_a_did_you_mean_and_a_client_glob_expands) {
  temp_dir out;
  const auto typo = run_wsrepro(
      {"run", "--scenario", keep_open_id, "--client", "beast-asynk", "--out", out.str()});
  EXPECT_EQ(typo.exit_code, 2) << describe(typo);
  EXPECT_TRUE(contains(typo.err, "did you mean 'beast-async'?")) << describe(typo);
  const auto none =
      run_wsrepro({"run", "--scenario", keep_open_id, "--client", "nosuch-*", "--out", out.str()});
  EXPECT_EQ(none.exit_code, 2) << describe(none);
  EXPECT_TRUE(contains(none.err, "no client matches --client nosuch-*")) << describe(none);
  // 'beast-*' is both Beast clients: two runs, one of which (the naive one) fails.
  const auto glob = run_wsrepro(
      {"run", "-q", "--scenario", keep_open_id, "--client", "beast-*", "--out", out.str()});
  EXPECT_EQ(glob.exit_code, 1) << describe(glob);
  const auto report = load_report(out.path());
  std::set<std::string> clients;
  for (const auto& run : report.at("runs")) clients.insert(run.at("client").get<std::string>());
  EXPECT_TRUE(clients.count("beast-async") == 1 && clients.count("beast-threaded-naive") == 1)
      << describe(glob);
}

// --- 8. a client that never connects ----------------------------------------------------------

// The server never reaches its fault, so the signals anchored on server.fault never fire and
// only the deadline (15 s x 0.2 = 3 s) ends the client.
TEST(run_deadline, never_connecting_client_is_killed_at_the_deadline) {
  temp_dir out;
  const std::string sleeper = unique_sleep(60);
  const auto r = run_wsrepro({"run", "--scenario", keep_open_id, "--client-cmd", sleeper,
                              "--time-scale", "0.2", "--out", out.str()});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  const json run = only_run(load_report(out.path()));
  EXPECT_EQ(at(run, "/verdict"), "fail");
  EXPECT_EQ(at(run, "/measurements/ended_by/value"), "deadline");
  EXPECT_EQ(at(run, "/measurements/exit_signal/value"), "SIGKILL");
  EXPECT_EQ(at(run, "/measurements/hang_ms/status"), "missing");
  EXPECT_TRUE(at(run, "/measurements/interrupt_latency_ms/value").is_null());
  // A deadline timer cannot fire early; the upper bound is only for a very slow machine.
  const double lived = number_at(run, "/measurements/process_ms/value");
  EXPECT_GE(lived, 2900.0);
  EXPECT_LE(lived, 10000.0);
  const auto events = timeline_events(run);
  EXPECT_TRUE(events.count("harness.deadline")) << at(run, "/timeline").dump(1);
  EXPECT_FALSE(events.count("server.fault")) << at(run, "/timeline").dump(1);
  expect_no_process_with(sleeper);
}

// --- 9. the measurement floor -----------------------------------------------------------------

TEST(run_measurement_floor, sigint_to_a_client_that_exits_at_once) {
  temp_dir dir;
  const std::string file = dir / "floor.toml";
  wsrepro::test::write_text(file, floor_scenario);
  const std::string sleeper = unique_sleep(60);
  const auto r = run_wsrepro({"run", file, "--client-cmd", sleeper, "--out", dir / "out"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  const json run = only_run(load_report(dir.path() / "out"));
  EXPECT_EQ(at(run, "/scenario"), "test.floor");
  EXPECT_EQ(at(run, "/verdict"), "pass") << at(run, "/reason");
  EXPECT_EQ(at(run, "/measurements/interrupt_latency_ms/status"), "measured");
  const double latency = number_at(run, "/measurements/interrupt_latency_ms/value");
  EXPECT_GE(latency, 0.0);
  EXPECT_LT(latency, 100.0);  // typically ~0.5 ms; generous for loaded CI machines
  EXPECT_EQ(at(run, "/measurements/ended_by/value"), "SIGINT");
  EXPECT_EQ(at(run, "/measurements/exit_signal/value"), "SIGINT");
  // Quoted in the docs as the harness's measurement floor.
  std::cout << "measurement floor: interrupt_latency_ms = " << latency << " ms\n";
  expect_no_process_with(sleeper);
}

// --- 11. cleanup: nothing outlives a run ------------------------------------------------------

// A client that leaves a daemonised grandchild (own session) behind: the shim adopts it,
// wsrepro kills it, reports it as a leak and fails the run.
TEST(run_cleanup, leaked_grandchild_is_killed_and_reported) {
  temp_dir dir;
  const std::string file = dir / "floor.toml";
  wsrepro::test::write_text(file, floor_scenario);
  const std::string orphan = unique_sleep(61);
  // setsid puts the grandchild in its own session, beyond the client's process group; `exec
  // sleep` lets SIGINT reach the client itself rather than a waiting shell.
  const std::string command =
      "sh -c 'setsid " + orphan + " </dev/null >/dev/null 2>&1 & exec " + unique_sleep(60) + "'";
  const auto r = run_wsrepro({"run", file, "--client-cmd", command, "--out", dir / "out"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  const json run = only_run(load_report(dir.path() / "out"));
  EXPECT_EQ(at(run, "/verdict"), "fail");
  EXPECT_EQ(at(run, "/measurements/ended_by/value"), "SIGINT");
  EXPECT_EQ(at(run, "/measurements/leaked_processes/value"), 1);
  const json leaks = at(run, "/leaks");
  ASSERT_TRUE(leaks.is_array() && leaks.size() == 1) << leaks.dump();
  EXPECT_TRUE(contains(leaks[0].value("command", ""), orphan)) << leaks.dump();
  expect_no_process_with(orphan);
  expect_no_process_with(unique_sleep(60));
}

// Ctrl+C to wsrepro mid-run: the client is killed at once (not at its 15 s deadline), the
// reports are still written, and the exit code is 3.
TEST(run_cleanup, sigint_to_wsrepro_kills_the_client_and_exits_3) {
  temp_dir out;
  const std::string sleeper = unique_sleep(60);
  background_process run(wsrepro_argv(
      {"run", "--scenario", keep_open_id, "--client-cmd", sleeper, "--out", out.str()}));
  ASSERT_TRUE(run.started()) << run.start_error();
  // Wait (bounded) until the client itself runs, not just its shim, polling /proc rather than
  // sleeping blindly.
  const auto client_running = [&] {
    for (const auto& p : wsrepro::test::processes_with_cmdline(sleeper)) {
      if (p.cmdline.starts_with(sleeper)) return true;
    }
    return false;
  };
  const auto until = std::chrono::steady_clock::now() + milliseconds(10'000);
  while (!client_running() && std::chrono::steady_clock::now() < until) ::usleep(10'000);
  ASSERT_TRUE(client_running()) << "the client never ran";
  ::kill(-run.pid(), SIGINT);  // as a terminal's Ctrl+C: the whole foreground group
  const auto r = run.wait(milliseconds(5000));
  EXPECT_EQ(r.exit_code, 3) << describe(r);
  EXPECT_TRUE(contains(r.out, "(interrupted)")) << describe(r);
  const json report = load_report(out.path());
  EXPECT_EQ(at(report, "/summary/interrupted"), true);
  EXPECT_EQ(at(only_run(report), "/verdict"), "error");
  expect_no_process_with(sleeper);
}

TEST(run_cleanup, sigkill_to_wsrepro_still_leaves_no_client_behind) {
  // wsrepro cannot clean up after SIGKILL; the shim sees its control socket close and kills the
  // client's tree itself.
  temp_dir out;
  const std::string sleeper = unique_sleep(60);
  background_process run(wsrepro_argv(
      {"run", "--scenario", keep_open_id, "--client-cmd", sleeper, "--out", out.str()}));
  ASSERT_TRUE(run.started()) << run.start_error();
  const auto client_running = [&] {
    for (const auto& p : wsrepro::test::processes_with_cmdline(sleeper)) {
      if (p.cmdline.starts_with(sleeper)) return true;
    }
    return false;
  };
  auto until = std::chrono::steady_clock::now() + milliseconds(10'000);
  while (!client_running() && std::chrono::steady_clock::now() < until) ::usleep(10'000);
  ASSERT_TRUE(client_running()) << "the client never ran";
  ::kill(run.pid(), SIGKILL);
  run.wait(milliseconds(5000));
  until = std::chrono::steady_clock::now() + milliseconds(5'000);
  while (!wsrepro::test::processes_with_cmdline(sleeper).empty() &&
         std::chrono::steady_clock::now() < until) {
    ::usleep(10'000);
  }
  expect_no_process_with(sleeper);
}

// --- a verdict means the situation was reached -------------------------------------------------

TEST(situation, a_client_that_exits_before_it_connects_does_not_pass_sigint_while_open) {
  temp_dir out;
  const auto r = run_wsrepro({"run", "--scenario", "shutdown.sigint_while_open", "--client-cmd",
                              "true", "--out", out.str()});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  const json run = only_run(load_report(out.path()));
  EXPECT_EQ(at(run, "/verdict"), "fail");
  EXPECT_TRUE(contains(string_at(run, "/reason"), "situation was not reached: no server.response"))
      << string_at(run, "/reason");
  EXPECT_TRUE(contains(string_at(run, "/reason"), "exited with code 0"))
      << string_at(run, "/reason");
  EXPECT_EQ(at(run, "/situation/missing"), json::array({"server.response"}));
}

TEST(situation, a_known_bug_is_not_reproduced_by_a_client_that_never_got_to_it) {
  // As seed.daemon_thread_exit against a server that never answers the upgrade: the driver hangs
  // in connect, never prints its marker, and is killed at the deadline, which alone matches
  // the bug's signature.
  temp_dir dir;
  write_text(dir / "bug.toml", R"(id = "test.marker_bug"
title = "A bug seen after the driver's marker"
deadline_ms = 1500
headline = "marker_to_exit_ms"

[server]
behaviour = "no_response"

[[window]]
name = "marker_to_exit_ms"
from = "driver.marker"
to = "client.exit"

[expect]
marker_to_exit_ms = { max = 1000 }

[[known_bug]]
id = "lib#1"
summary = "never exits after the marker"
versions = ["*"]

[known_bug.expect]
ended_by = "deadline"
)");
  const auto r =
      run_wsrepro({"run", dir / "bug.toml", "--client-cmd",
                   std::string(WSREPRO_TEST_HOSTILE_CLIENT) + " idle {url}", "--out", dir / "out"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  const json run = only_run(load_report(dir.path() / "out"));
  EXPECT_EQ(at(run, "/verdict"), "fail");
  EXPECT_EQ(at(run, "/known_bug/reproduced"), false);
  EXPECT_TRUE(contains(string_at(run, "/reason"), "known bug lib#1 is expected here, but"))
      << string_at(run, "/reason");
  EXPECT_TRUE(contains(string_at(run, "/reason"), "no driver.marker")) << string_at(run, "/reason");
}
