// End-to-end tests of `wsrepro serve`, the mock server as a component of other test suites:
// its first line, its live events, that nobody reading its output cannot stall it, and that it
// ends with its owner.

#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli_helpers.hpp"
#include "tcp_helpers.hpp"

namespace {

using namespace wsrepro::test;
using std::chrono::milliseconds;

/// Reads the --json first line: an object, or a failed test.
json first_line(background_process& server) {
  const auto line = server.read_line(milliseconds(10'000));
  if (!line) {
    ADD_FAILURE() << "no first line within 10 s";
    return json::object();
  }
  json j = json::parse(*line, nullptr, false);
  if (!j.is_object()) ADD_FAILURE() << "not a JSON object: " << *line;
  return j;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

/// Waits until pid is gone (or a zombie nobody reaped yet), polling /proc; false at the deadline.
bool gone_within(int pid, milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  const fs::path stat = "/proc/" + std::to_string(pid) + "/stat";
  while (std::chrono::steady_clock::now() < until) {
    const std::string text = fs::exists(stat) ? read_text(stat) : std::string();
    const auto paren = text.rfind(')');
    if (text.empty() || (paren != std::string::npos && text.substr(paren + 2, 1) == "Z"))
      return true;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return false;
}

TEST(serve, redirect_answers_302_and_streams_events) {
  background_process server(wsrepro_argv({"serve", "redirect"}));
  ASSERT_TRUE(server.started()) << server.start_error();
  const auto url = server.read_line(milliseconds(10'000));
  ASSERT_TRUE(url.has_value()) << "no URL line within 10 s";
  static const std::regex url_pattern(R"(ws://127\.0\.0\.1:(\d+)/)");
  std::smatch m;
  ASSERT_TRUE(std::regex_match(*url, m, url_pattern)) << *url;
  const int port = std::stoi(m[1].str());

  tcp_connection connection(port);
  ASSERT_TRUE(connection.connected());
  ASSERT_TRUE(connection.send_all(upgrade_request(port)));
  const std::string response = connection.read_until("\r\n\r\n", milliseconds(5000));
  EXPECT_TRUE(response.starts_with("HTTP/1.1 302 Found\r\n")) << response;
  EXPECT_TRUE(contains(response, "\r\nLocation: ws://127.0.0.1:1/\r\n")) << response;

  // One JSON object per event, flushed as it happens: read until the fault.
  std::set<std::string> events;
  while (!events.count("server.fault")) {
    const auto line = server.read_line(milliseconds(5000));
    ASSERT_TRUE(line.has_value()) << "no server.fault event; saw " << events.size() << " events";
    const json e = json::parse(*line, nullptr, false);
    ASSERT_TRUE(e.is_object() && e.contains("event") && e["event"].is_string()) << *line;
    events.insert(e["event"].get<std::string>());
  }
  for (const char* name : {"server.accept", "server.request", "server.response"}) {
    EXPECT_TRUE(events.count(name)) << name;
  }

  // Stopped while the connection is still open (keep_open): it must not wait for the peer.
  server.send_signal(SIGINT);
  const auto r = server.wait(milliseconds(5000));
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(contains(r.out, R"("event":"server.stop")")) << describe(r);
}

TEST(serve, unknown_behaviour_lists_known_ones) {
  const auto r = run_wsrepro({"serve", "nosuch"}, milliseconds(10'000));
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(contains(r.err, "echo")) << describe(r);
  EXPECT_TRUE(contains(r.err, "redirect")) << describe(r);
}

TEST(serve, bad_settings_are_bad_input) {
  const auto unknown =
      run_wsrepro({"serve", "redirect", "--set", "colour=red"}, milliseconds(10'000));
  EXPECT_EQ(unknown.exit_code, 2) << describe(unknown);
  EXPECT_TRUE(contains(unknown.err, "colour")) << describe(unknown);
  // 3xx only: the behaviour is a redirect.
  const auto range =
      run_wsrepro({"serve", "redirect", "--set", "status=200"}, milliseconds(10'000));
  EXPECT_EQ(range.exit_code, 2) << describe(range);
  EXPECT_TRUE(contains(range.err, "300")) << describe(range);
  EXPECT_TRUE(contains(range.err, "399")) << describe(range);
}

TEST(serve, json_first_line_names_url_port_pid_and_the_ca_file) {
  background_process server(wsrepro_argv({"serve", "stall", "--json", "--tls"}));
  ASSERT_TRUE(server.started()) << server.start_error();
  const json first = first_line(server);
  ASSERT_TRUE(first.contains("url") && first.contains("port") && first.contains("pid")) << first;
  const int port = first["port"].get<int>();
  EXPECT_EQ(first["url"], "wss://127.0.0.1:" + std::to_string(port) + "/") << first;
  EXPECT_EQ(first["pid"], server.pid()) << first;
  EXPECT_EQ(first["behaviour"], "stall") << first;
  ASSERT_TRUE(first.contains("ca_file")) << first;
  EXPECT_TRUE(fs::is_regular_file(first["ca_file"].get<std::string>())) << first;

  // Events stream as they happen, not when the server stops.
  tcp_connection connection(port);
  ASSERT_TRUE(connection.connected());
  bool accepted = false;
  while (!accepted) {
    const auto line = server.read_line(milliseconds(5000));
    ASSERT_TRUE(line.has_value()) << "no server.accept while the server runs";
    accepted = contains(*line, R"("event":"server.accept")");
  }
  server.send_signal(SIGTERM);
  const auto r = server.wait(milliseconds(10'000));
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_FALSE(contains(r.err, "throwaway CA")) << "--json carries the CA file: " << describe(r);
}

// A fixture that reads only the first line, as a naive one does: the server must keep answering
// past what a pipe holds (it stopped after about 100 connections when events blocked it).
TEST(serve, output_nobody_reads_never_stalls_the_server) {
  background_process server(
      wsrepro_argv({"serve", "redirect", "--json", "--events-buffer-kib", "64"}));
  ASSERT_TRUE(server.started()) << server.start_error();
  const int port = first_line(server).value("port", 0);
  ASSERT_GT(port, 0);
  constexpr int connections = 2000;  // about 20 times what a 64 KiB pipe holds of their events
  for (int i = 0; i < connections; ++i) {
    tcp_connection connection(port);
    ASSERT_TRUE(connection.connected()) << "connection " << i;
    ASSERT_TRUE(connection.send_all(upgrade_request(port))) << "connection " << i;
    const std::string response = connection.read_until("\r\n\r\n", milliseconds(5000));
    ASSERT_TRUE(response.starts_with("HTTP/1.1 302")) << "connection " << i << ": " << response;
  }
  // Now read: the lines that did not fit are counted in one line, in order.
  server.send_signal(SIGINT);
  const auto r = server.wait(milliseconds(15'000));
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(contains(r.out, R"("event":"serve.events_dropped")")) << r.out.substr(0, 2000);
  EXPECT_TRUE(contains(r.out, R"("event":"server.stop")")) << r.out.substr(r.out.size() - 2000);
}

TEST(serve, events_file_keeps_every_event) {
  temp_dir dir;
  const fs::path events = dir.path() / "events.jsonl";
  background_process server(wsrepro_argv(
      {"serve", "redirect", "--json", "--events", events.string(), "--events-buffer-kib", "64"}));
  ASSERT_TRUE(server.started()) << server.start_error();
  const json first = first_line(server);
  const int port = first.value("port", 0);
  ASSERT_GT(port, 0);
  EXPECT_EQ(first.value("events_file", ""), events.string()) << first;
  constexpr int connections = 300;
  for (int i = 0; i < connections; ++i) {
    tcp_connection connection(port);
    ASSERT_TRUE(connection.send_all(upgrade_request(port)));
    ASSERT_TRUE(connection.read_until("\r\n\r\n", milliseconds(5000)).starts_with("HTTP/1.1 302"));
  }
  server.send_signal(SIGINT);
  const auto r = server.wait(milliseconds(15'000));
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(r.out.find('\n'), r.out.size() - 1) << "stdout has the first line only: " << r.out;
  int accepts = 0;
  for (const auto& line : lines_of(read_text(events))) {
    const json e = json::parse(line, nullptr, false);
    ASSERT_TRUE(e.is_object()) << line;
    if (e.value("event", "") == "server.accept") ++accepts;
    EXPECT_NE(e.value("event", ""), "serve.events_dropped") << line;
  }
  EXPECT_EQ(accepts, connections);
}

TEST(serve, stop_with_parent_ends_when_stdin_closes) {
  background_process server(wsrepro_argv({"serve", "stall", "--json", "--stop-with-parent"}),
                            /*stdin_pipe=*/true);
  ASSERT_TRUE(server.started()) << server.start_error();
  ASSERT_GT(first_line(server).value("port", 0), 0);
  EXPECT_TRUE(server.running_after(milliseconds(300))) << "stopped with stdin still open";
  server.close_stdin();
  const auto r = server.wait(milliseconds(10'000));
  EXPECT_FALSE(r.timed_out) << describe(r);
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(contains(r.out, R"("reason":"stdin closed")")) << describe(r);
}

// The parent is killed outright (SIGKILL: it cleans nothing up); stdin is /dev/null, so only the
// watch on the parent process can end the server.
TEST(serve, stop_with_parent_ends_when_the_parent_is_killed) {
  const std::string script =
      "\"$0\" --data-dir \"$1\" serve stall --json --stop-with-parent "
      "</dev/null & wait";
  background_process parent({"/bin/sh", "-c", script, wsrepro_binary, data_dir.string()});
  ASSERT_TRUE(parent.started()) << parent.start_error();
  const int server_pid = first_line(parent).value("pid", 0);
  ASSERT_GT(server_pid, 0);
  ASSERT_NE(server_pid, parent.pid());
  ASSERT_FALSE(gone_within(server_pid, milliseconds(300))) << "stopped while its parent lives";
  ::kill(parent.pid(), SIGKILL);
  EXPECT_TRUE(gone_within(server_pid, milliseconds(10'000)))
      << "wsrepro serve " << server_pid << " outlived its parent";
  if (!gone_within(server_pid, milliseconds(0))) ::kill(server_pid, SIGKILL);
}

TEST(serve, bad_serve_options_are_bad_input) {
  const auto buffer =
      run_wsrepro({"serve", "redirect", "--events-buffer-kib", "1"}, milliseconds(10'000));
  EXPECT_EQ(buffer.exit_code, 2) << describe(buffer);
  const auto events = run_wsrepro({"serve", "redirect", "--events", "/no/such/dir/events.jsonl"},
                                  milliseconds(10'000));
  EXPECT_EQ(events.exit_code, 2) << describe(events);
  EXPECT_TRUE(contains(events.err, "/no/such/dir/events.jsonl")) << describe(events);
}

}  // namespace
