// The stack tools' outputs, parsed: samples of py-spy, eu-stack, jstack and a Node report as the
// tools print them (trimmed), and the one line the diagnosis makes of them.

#include <gtest/gtest.h>

#include "diagnose_support.hpp"
#include "run_capture.hpp"
#include "server_view.hpp"
#include "socket_table.hpp"
#include "wsrepro/harness/diagnosers.hpp"
#include "wsrepro/harness/scenario_loader.hpp"

namespace wsrepro::harness {
namespace {

using namespace detail;

const char* py_spy_sample = R"sample([
  {"pid": 100, "thread_id": 1, "thread_name": "Thread-1 (recv_events)", "os_thread_id": 101,
   "active": false, "owns_gil": false, "frames": [
    {"name": "recv_events", "filename": "/venv/lib/python3.11/site-packages/websockets/sync/connection.py",
     "short_filename": "websockets/sync/connection.py", "line": 538},
    {"name": "run", "filename": "/py/lib/python3.11/threading.py", "short_filename": "threading.py", "line": 982}]},
  {"pid": 100, "thread_id": 2, "thread_name": "MainThread", "os_thread_id": 100,
   "active": false, "owns_gil": false, "frames": [
    {"name": "_wait_for_tstate_lock", "filename": "/py/lib/python3.11/threading.py",
     "short_filename": "threading.py", "line": 1139},
    {"name": "join", "filename": "/py/lib/python3.11/threading.py", "short_filename": "threading.py", "line": 1123},
    {"name": "handshake", "filename": "/venv/lib/python3.11/site-packages/websockets/sync/client.py",
     "short_filename": "websockets/sync/client.py", "line": 93},
    {"name": "_run_module_as_main", "filename": "<frozen runpy>", "short_filename": "<frozen runpy>", "line": 198}]}
])sample";

TEST(py_spy, main_thread_first_with_runtime_and_library_frames_told_apart) {
  std::string error;
  const auto threads =
      parse_py_spy_json(std::string("py-spy warning\n") + py_spy_sample, 100, error);
  EXPECT_TRUE(error.empty()) << error;
  ASSERT_EQ(threads.size(), 2u);
  EXPECT_TRUE(threads[0].main);
  EXPECT_EQ(threads[0].name, "MainThread");
  EXPECT_EQ(threads[0].tid, 100);
  ASSERT_EQ(threads[0].frames.size(), 4u);
  EXPECT_FALSE(threads[0].frames[0].user_code);  // threading.py
  EXPECT_TRUE(threads[0].frames[2].user_code);   // site-packages
  EXPECT_FALSE(threads[0].frames[3].user_code);  // <frozen runpy>
  EXPECT_EQ(describe_wait(threads[0]),
            "MainThread waits in _wait_for_tstate_lock (threading.py:1139) via join "
            "(threading.py:1123), called from handshake (websockets/sync/client.py:93)");
}

TEST(py_spy, a_joining_main_thread_names_the_thread_it_joins) {
  std::string error;
  results::process_stacks p;
  p.runtime = "python";
  p.threads = parse_py_spy_json(py_spy_sample, 100, error);
  const diagnoser_spec* python = find_diagnoser("python");
  ASSERT_NE(python, nullptr);
  const auto line = python->blocked_at(p);
  EXPECT_NE(line.find("; it joins a thread: Thread-1 (recv_events) waits in recv_events "
                      "(websockets/sync/connection.py:538)"),
            std::string::npos)
      << line;
}

TEST(py_spy, garbage_is_an_error_not_a_crash) {
  std::string error;
  EXPECT_TRUE(parse_py_spy_json("Error: Failed to find python version", 1, error).empty());
  EXPECT_FALSE(error.empty());
  error.clear();
  EXPECT_TRUE(parse_py_spy_json("[{\"frames\": 3}, 7, {\"thread_name\": []", 1, error).empty());
}

const char* eu_stack_sample = R"sample(PID 13563 - process
TID 13563:
#0  0x00007fecea928aa5 recvmsg - /usr/lib/x86_64-linux-gnu/libc.so.6
    ../sysdeps/unix/sysv/linux/recvmsg.c:27:10
#1  0x000055bcf3499c7c unsigned long boost::asio::detail::reactive_socket_service_base::receive<boost::beast::detail::buffers_pair<true> >(boost::asio::detail::reactive_socket_service_base::base_implementation_type&, int, boost::system::error_code&) [clone .isra.0] - /build/client
#2  0x000055bcf3496d8c int (anonymous namespace)::run(int, char**) - /build/client
    /src/client.cpp:252:14
#3  0x00007fecea84524a __libc_start_call_main - /usr/lib/x86_64-linux-gnu/libc.so.6
TID 13570:
#0  0x00007fecea8a0d36 __futex_abstimed_wait_common - /usr/lib/x86_64-linux-gnu/libc.so.6
)sample";

TEST(eu_stack, threads_frames_modules_and_source_lines) {
  const auto threads = parse_eu_stack(eu_stack_sample, 13563);
  ASSERT_EQ(threads.size(), 2u);
  EXPECT_TRUE(threads[0].main);
  EXPECT_EQ(threads[0].name, "main thread");
  EXPECT_FALSE(threads[1].main);
  ASSERT_EQ(threads[0].frames.size(), 4u);
  EXPECT_EQ(threads[0].frames[0].function, "recvmsg");
  EXPECT_EQ(threads[0].frames[0].file, "recvmsg.c");
  EXPECT_EQ(threads[0].frames[0].line, 27);
  EXPECT_FALSE(threads[0].frames[0].user_code);
  EXPECT_EQ(threads[0].frames[1].function,
            "boost::asio::detail::reactive_socket_service_base::receive");
  EXPECT_TRUE(threads[0].frames[1].user_code);
  EXPECT_EQ(threads[0].frames[2].function, "(anonymous namespace)::run");
  EXPECT_EQ(threads[0].frames[2].file, "client.cpp");
  EXPECT_EQ(threads[0].frames[2].line, 252);
}

TEST(eu_stack, short_cpp_names) {
  EXPECT_EQ(short_cpp_name("std::thread::join()"), "std::thread::join");
  EXPECT_EQ(short_cpp_name("void ns::f<int>(std::vector<int> const&) const"), "ns::f");
  EXPECT_EQ(short_cpp_name("ns::S::operator()(int)"), "ns::S::operator()");
  EXPECT_EQ(short_cpp_name("bool ns::operator<<(A, B)"), "ns::operator<<");
  EXPECT_EQ(short_cpp_name("main"), "main");
  EXPECT_EQ(short_cpp_name(""), "");
  EXPECT_EQ(short_cpp_name(")))>>><<(("), "");
}

const char* jstack_sample = R"sample(2026-12-02 07:20:00
Full thread dump OpenJDK 64-Bit Server VM (17.0.15+6-Debian-1deb12u1 mixed mode, sharing):

"main" #1 prio=5 os_prio=0 cpu=556.26ms elapsed=3.21s tid=0x00007f34800180e0 nid=0x48b9 waiting on condition  [0x00007f3487ffd000]
   java.lang.Thread.State: WAITING (parking)
	at jdk.internal.misc.Unsafe.park(java.base@17.0.15/Native Method)
	- parking to wait for  <0x000000069ee6f200> (a java.util.concurrent.CompletableFuture$Signaller)
	at java.util.concurrent.CompletableFuture.join(java.base@17.0.15/CompletableFuture.java:2117)
	at HangingClient.waitForClose(HangingClient.java:11)
	at HangingClient.main(HangingClient.java:20)

"HttpClient-1-Worker-0" #13 daemon prio=5 os_prio=0 cpu=28.91ms elapsed=2.50s tid=0x00007f34805606a0 nid=0x48cd waiting on condition  [0x00007f345d59d000]
   java.lang.Thread.State: TIMED_WAITING (parking)
	at jdk.internal.misc.Unsafe.park(java.base@17.0.15/Native Method)

"VM Thread" os_prio=0 cpu=3.81ms elapsed=3.20s tid=0x00007f34800f2c10 nid=0x48bf runnable
)sample";

TEST(jstack, java_threads_with_states_and_the_programs_frames) {
  const auto threads = parse_jstack(jstack_sample);
  ASSERT_EQ(threads.size(), 2u);  // the VM's own thread is left out
  EXPECT_TRUE(threads[0].main);
  EXPECT_EQ(threads[0].tid, 0x48b9);
  EXPECT_EQ(threads[0].state, "WAITING (parking)");
  EXPECT_EQ(threads[1].state, "TIMED_WAITING (parking), daemon");
  ASSERT_EQ(threads[0].frames.size(), 4u);
  EXPECT_EQ(threads[0].frames[0].file, "Native Method");
  EXPECT_FALSE(threads[0].frames[1].user_code);
  EXPECT_TRUE(threads[0].frames[2].user_code);
  EXPECT_EQ(describe_wait(threads[0]),
            "main waits in jdk.internal.misc.Unsafe.park (Native Method) via "
            "java.util.concurrent.CompletableFuture.join (CompletableFuture.java:2117), called "
            "from HangingClient.waitForClose (HangingClient.java:11)");
}

TEST(jstack, once_main_has_returned_the_non_daemon_threads_are_named) {
  results::process_stacks p;
  p.runtime = "java";
  p.threads = parse_jstack(jstack_sample);
  p.threads.erase(p.threads.begin());  // main has returned
  p.threads.front().state = "WAITING";
  const auto line = find_diagnoser("java")->blocked_at(p);
  EXPECT_NE(line.find("non-daemon threads: HttpClient-1-Worker-0 waits in"), std::string::npos)
      << line;
}

TEST(node_report, javascript_stack_and_live_handles) {
  const char* report = R"sample({
    "javascriptStack": {"message": "Error [ERR_SYNTHETIC]: JavaScript Callstack",
      "stack": ["at spinForEver (/t/hanging_client.js:12:3)", "at Socket.emit (node:events:517:28)",
                "Unavailable."]},
    "nativeStack": [{"pc": "0x1", "symbol": "node::TriggerNodeReport(v8::Isolate*) [node]"}],
    "libuv": [{"type": "tcp", "is_active": true, "is_referenced": true,
               "localEndpoint": {"host": "localhost", "port": 4000},
               "remoteEndpoint": {"host": "localhost", "port": 8080}},
              {"type": "timer", "is_active": true, "is_referenced": true, "firesInMsFromNow": 250},
              {"type": "async", "is_active": true, "is_referenced": false}]})sample";
  std::vector<std::string> notes;
  std::string error;
  const auto threads = parse_node_report(report, notes, error);
  EXPECT_TRUE(error.empty());
  ASSERT_EQ(threads.size(), 2u);
  ASSERT_EQ(threads[0].frames.size(), 2u);
  EXPECT_EQ(threads[0].frames[0].function, "spinForEver");
  EXPECT_EQ(threads[0].frames[0].file, "hanging_client.js");
  EXPECT_EQ(threads[0].frames[0].line, 12);
  EXPECT_TRUE(threads[0].frames[0].user_code);
  EXPECT_FALSE(threads[0].frames[1].user_code);  // node:events
  EXPECT_EQ(threads[1].frames[0].function, "node::TriggerNodeReport");
  EXPECT_EQ(notes, (std::vector<std::string>{"tcp localhost:4000 -> localhost:8080",
                                             "timer firing in 250 ms"}));
}

TEST(node_report, an_idle_loop_is_told_by_what_keeps_it_alive) {
  std::vector<std::string> notes;
  std::string error;
  results::process_stacks p;
  p.runtime = "node";
  p.threads = parse_node_report(
      R"sample({"javascriptStack": {"message": ""}, "libuv": [{"type": "tcp", "is_active": true,
          "is_referenced": true, "localEndpoint": {"host": "a", "port": 1}, "remoteEndpoint": null}]})sample",
      p.notes, error);
  EXPECT_EQ(find_diagnoser("node")->blocked_at(p),
            "the event loop is idle (no JavaScript running), kept alive by: tcp a:1 -> -");
  EXPECT_TRUE(parse_node_report("{not json", notes, error).empty());
  EXPECT_FALSE(error.empty());
}

TEST(diagnosers, registered_and_checked_by_name) {
  for (const char* name : {"python", "node", "java", "native"}) {
    EXPECT_NE(find_diagnoser(name), nullptr) << name;
  }
  EXPECT_EQ(diagnoser_specs().back().name, "native");  // the fallback is tried last
  EXPECT_TRUE(check_diagnose("").empty());
  EXPECT_TRUE(check_diagnose("none").empty());
  EXPECT_NE(check_diagnose("pyhton").find("did you mean 'python'?"), std::string::npos);
}

TEST(diagnosers, recognised_from_the_executable) {
  process_identity p;
  p.exe = "/usr/bin/python3.11";
  EXPECT_EQ(diagnoser_for(p, "")->name, "python");
  p.exe = "/usr/bin/node";
  EXPECT_EQ(diagnoser_for(p, "")->name, "node");
  p.exe = "/usr/lib/jvm/java-17-openjdk-amd64/bin/java";
  EXPECT_EQ(diagnoser_for(p, "")->name, "java");
  p.exe = "/build/wsrepro-client-beast-async";
  EXPECT_EQ(diagnoser_for(p, "")->name, "native");
  EXPECT_EQ(diagnoser_for(p, "python")->name, "python");  // told beats guessed
}

TEST(socket_table, lines_of_tcp_and_tcp6_with_queues_and_timers) {
  results::socket_state s;
  unsigned long long inode = 0;
  ASSERT_TRUE(parse_tcp_table_line(
      "   3: 0100007F:D4F8 0100007F:9385 08 00000000:00000011 01:00000014 00000000     0        0 "
      "2145931 1 0000000053c1a1b9 20 4 30 10 -1",
      s, inode));
  EXPECT_EQ(s.local, "127.0.0.1:54520");
  EXPECT_EQ(s.remote, "127.0.0.1:37765");
  EXPECT_EQ(s.state, "CLOSE_WAIT");
  EXPECT_EQ(s.recv_queue, 17u);
  EXPECT_EQ(s.send_queue, 0u);
  EXPECT_EQ(s.timer.substr(0, 20), "retransmit timer in ");
  EXPECT_EQ(inode, 2145931u);
  ASSERT_TRUE(parse_tcp_table_line(
      "   0: 00000000000000000000000001000000:A2F4 00000000000000000000000001000000:1F90 01 "
      "00000005:00000000 00:00000000 00000000     0        0 77 1 0000000000000000 20 4 0 10 -1",
      s, inode));
  EXPECT_EQ(s.local, "[0:0:0:0:0:0:0:1]:41716");
  EXPECT_EQ(s.state, "ESTABLISHED");
  EXPECT_EQ(s.send_queue, 5u);
  EXPECT_TRUE(s.timer.empty());
  EXPECT_FALSE(parse_tcp_table_line("  sl  local_address rem_address   st tx_queue", s, inode));
  EXPECT_FALSE(parse_tcp_table_line("0: 0100007F 0100007F:1 01 0:0 00:0 0 0 0 1", s, inode));
  EXPECT_FALSE(parse_tcp_table_line("0: 0100007F:1 0100007F:1 zz 0:0 00:0 0 0 0 1", s, inode));
}

event server_event(mono_ns t_ms, std::string kind, int connection = 1) {
  event e;
  e.t_ns = t_ms * 1'000'000;
  e.source = "server";
  e.kind = std::move(kind);
  e.connection = connection;
  return e;
}

TEST(server_view, what_the_server_did_on_the_clients_connection) {
  std::vector<event> timeline;
  timeline.push_back(server_event(100, "accept", 0).with("peer", std::string("127.0.0.1:5000")));
  timeline.push_back(server_event(100, "accept").with("peer", std::string("127.0.0.1:4000")));
  timeline.push_back(server_event(200, "fault"));
  timeline.push_back(
      server_event(200, "frame_out").with("opcode", std::string("close")).with("code", 1000L));
  timeline.push_back(server_event(300, "fin_out"));
  timeline.push_back(server_event(400, "fin_in", 0));  // another connection's
  EXPECT_EQ(server_view(timeline, "127.0.0.1:4000", 10'200'000'000),
            "server sent FIN 9.9 s ago and keeps reading, misbehaved (its fault) 10.0 s ago, "
            "last sent a close frame (code 1000) 10.0 s ago, saw no FIN from the client");
  EXPECT_EQ(server_view(timeline, "127.0.0.1:4001", 10'200'000'000), "");

  results::stack_capture c;
  c.t_ns = 10'200'000'000;
  results::socket_state s;
  s.local = "127.0.0.1:4000";
  s.state = "CLOSE_WAIT";
  c.sockets.push_back(s);
  describe_connections(c, timeline);
  EXPECT_EQ(c.connection.substr(c.connection.find("; ")),
            "; the client's socket: CLOSE_WAIT, Recv-Q 0, Send-Q 0");
}

TEST(capture_triggers, the_scenarios_own_and_each_maximum_on_a_span_to_the_exit) {
  const auto loaded = parse_scenario(R"(id = "t.t"
title = "t"
[server]
behaviour = "echo"
[[signal]]
send = "SIGINT"
after = "server.accept"
[[capture]]
after = "server.fault"
delay_ms = 3000
[[window]]
name = "marker_to_exit_ms"
from = "driver.marker"
to = "client.exit"
[[window]]
name = "marker_to_close_ms"
from = "driver.marker"
to = "server.close"
[expect]
hang_ms = { max = 1000 }
interrupt_latency_ms = { max = 250 }
process_ms = { min = 5 }
marker_to_exit_ms = { max = 700 }
marker_to_close_ms = { max = 700 }
client_pong_latency_ms = { max = 100 }
exit_after_close_ms = { max = 500 }
)",
                                     "t.toml");
  ASSERT_TRUE(loaded.errors.empty()) << loaded.errors.front().to_string();
  const auto triggers = capture_triggers(loaded.scenarios.front());
  std::vector<std::string> seen;
  for (const auto& t : triggers) {
    seen.push_back(t.after + " +" + std::to_string(static_cast<int>(t.delay_ms)));
  }
  // A minimum, a span that does not end with the exit, a window to the server's close and a
  // span from one frame among others (the client's close, not its first frame) give none: only
  // a client still running past a maximum on its own ending, timed from a known event, is stuck.
  EXPECT_EQ(seen, (std::vector<std::string>{"server.fault +3000", "server.fault +1000",
                                            "harness.signal +250", "driver.marker +700"}));
  EXPECT_EQ(triggers[1].why, "hang_ms passed its maximum (1000 ms) with the client still running");
  EXPECT_EQ(triggers[0].why, "[[capture]] 3000 ms after server.fault");
}

TEST(capture_triggers, a_capture_step_is_checked_like_any_table) {
  const auto loaded = parse_scenario(R"(id = "t.t"
title = "t"
[server]
behaviour = "echo"
[[capture]]
after = "server.faul"
delay_ms = -1
when = 3
)",
                                     "t.toml");
  ASSERT_EQ(loaded.errors.size(), 3u);
  EXPECT_EQ(loaded.errors[0].key, "capture[0].after");
  EXPECT_EQ(loaded.errors[1].key, "capture[0].delay_ms");
  EXPECT_EQ(loaded.errors[2].key, "capture[0].when");
}

}  // namespace
}  // namespace wsrepro::harness
