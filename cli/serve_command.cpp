// wsrepro serve: one mock server standalone, by hand or as a test suite's fixture. The first line
// on stdout is its URL (with --json, an object with url, port, pid and ca_file), then one JSON
// line per event as it happens, to stdout or --events FILE. Events are written by a thread of
// their own through a bounded buffer, so a reader that never reads cannot stall the server.

#include <fcntl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <iostream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>

#include "catalogue.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "parent_watch.hpp"
#include "wsrepro/common/line_sink.hpp"
#include "wsrepro/mock/server.hpp"

namespace wsrepro::cli {

namespace {

struct serve_settings {
  std::string behaviour;
  int port = 0;
  std::string address = "127.0.0.1";
  std::vector<std::string> settings;
  bool tls = false;
  std::int64_t request_timeout_ms = 30'000;
  bool json = false;
  std::string events_file;  ///< empty: events on stdout
  bool stop_with_parent = false;
  std::int64_t events_buffer_kib = std::int64_t{16} * 1024;
};

// Milliseconds since the server started, to the microsecond: enough for a log.
double t_ms(mono_ns t, mono_ns zero) {
  const mono_ns whole_us = (t - zero) / 1000;
  return static_cast<double>(whole_us) / 1000.0;
}

// A reader that reads nothing gets the URL line and this much of the events, then a count.
std::string dropped_line(mono_ns zero, std::uint64_t dropped) {
  nlohmann::ordered_json j;
  j["t_ms"] = t_ms(now_ns(), zero);
  j["event"] = "serve.events_dropped";
  j["dropped"] = dropped;
  return j.dump();
}

std::string first_line(const serve_settings& settings, const mock::server& server) {
  if (!settings.json) return server.url();
  nlohmann::ordered_json j;
  j["url"] = server.url();
  j["port"] = server.port();
  j["pid"] = ::getpid();
  j["behaviour"] = settings.behaviour;
  if (server.tls()) j["ca_file"] = mock::tls_material().ca_file.string();
  if (!settings.events_file.empty()) j["events_file"] = settings.events_file;
  return j.dump();
}

// Where the events go: stdout, or a file opened here (close-on-exec, truncated).
int open_events(const serve_settings& settings) {
  if (settings.events_file.empty()) return STDOUT_FILENO;
  const int fd = ::open(settings.events_file.c_str(),
                        O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0644);
  if (fd < 0) {
    throw usage_error{"--events " + settings.events_file + ": " + std::strerror(errno)};
  }
  return fd;
}

nlohmann::ordered_json to_json(const event& e, mono_ns zero) {
  nlohmann::ordered_json j;
  j["t_ms"] = t_ms(e.t_ns, zero);
  j["t_ns"] = e.t_ns;
  j["event"] = e.name();
  if (e.connection >= 0) j["conn"] = e.connection;
  for (const auto& attr : e.attrs) {
    // Not a structured binding: clang 14 (clang-tidy) cannot capture one.
    const std::string& key = attr.first;
    std::visit([&j, &key](const auto& v) { j[key] = v; }, attr.second);
  }
  return j;
}

mock::param_values parse_settings(const mock::behaviour_info& info,
                                  const std::vector<std::string>& settings) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& setting : settings) {
    const auto eq = setting.find('=');
    if (eq == std::string::npos) {
      throw usage_error{"--set expects KEY=VALUE, got '" + setting + "'"};
    }
    pairs.emplace_back(setting.substr(0, eq), setting.substr(eq + 1));
  }
  try {
    return mock::resolve_text(info, pairs);
  } catch (const std::invalid_argument& e) {
    throw usage_error{std::string("--set: ") + e.what()};
  }
}

int serve(const serve_settings& settings) {
  const mock::behaviour_info* info = nullptr;
  try {
    info = &mock::behaviour_named(settings.behaviour);
  } catch (const std::invalid_argument& e) {
    throw usage_error{e.what()};
  }
  auto values = parse_settings(*info, settings.settings);

  const int events_fd = open_events(settings);
  boost::asio::io_context ioc(1);
  timeline log;
  const mono_ns zero = now_ns();
  std::mutex out_mutex;
  bool url_printed = false;
  std::vector<std::string> early;  // events before the URL line (the listen event)
  const auto capacity = static_cast<std::size_t>(settings.events_buffer_kib) * 1024;
  line_sink sink(events_fd, capacity,
                 [zero](std::uint64_t dropped) { return dropped_line(zero, dropped); });
  log.subscribe([&](const event& e) {
    std::string line =
        to_json(e, zero).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::lock_guard lock(out_mutex);
    if (!url_printed) {
      early.push_back(std::move(line));
      return;
    }
    // Never waits for the reader; the stop is kept past the bound, as the last word.
    sink.push(std::move(line), e.source == "server" && e.kind == "stop");
  });
  mock::server_options options;
  options.address = settings.address;
  options.port = static_cast<std::uint16_t>(settings.port);
  options.tls = settings.tls;
  options.request_timeout = std::chrono::milliseconds(settings.request_timeout_ms);
  mock::server server(ioc, *info, std::move(values), log, options);
  if (auto ec = server.start()) {
    std::cerr << "wsrepro serve: cannot listen on " << settings.address << ":" << settings.port
              << ": " << ec.message() << "\n";
    return ec == boost::asio::error::address_in_use ? bad_input : harness_error;
  }
  // Before the URL is printed: a reader may signal as soon as it sees it.
  boost::asio::signal_set stop_signals(ioc, SIGINT, SIGTERM);
  std::optional<parent_watch> owner;
  const auto stop = [&](const char* key, const std::string& why) {
    event e;
    e.source = "server";
    e.kind = "stop";
    e.with(key, why);
    log.emit(std::move(e));
    stop_signals.cancel();
    if (owner) owner->cancel();
    server.stop();
    ioc.stop();
  };
  stop_signals.async_wait([&](boost::system::error_code ec, int sig) {
    if (!ec) stop("signal", sig == SIGINT ? "SIGINT" : "SIGTERM");
  });
  if (settings.stop_with_parent) {
    owner.emplace(ioc, [&](const std::string& why) { stop("reason", why); });
    if (auto problem = owner->start()) {
      std::cerr << "wsrepro serve: --stop-with-parent: " << *problem << "\n";
      return harness_error;
    }
  }
  {
    // The first line goes out before any event and is flushed alone, so a reader that reads
    // only it is served.
    std::lock_guard lock(out_mutex);
    std::cout << first_line(settings, server) << std::endl;
    if (server.tls() && !settings.json) {
      // Not JSON-shaped on purpose: the URL line stays first, this says what to trust.
      std::cerr << "wsrepro serve: TLS with a throwaway CA: "
                << mock::tls_material().ca_file.string() << "\n";
    }
    for (auto& line : early) sink.push(std::move(line));
    url_printed = true;
  }
  ioc.run();
  // Whatever a slow reader has not taken yet gets a moment; a reader that takes nothing
  // cannot keep the server from ending.
  sink.drain(std::chrono::milliseconds(250), std::chrono::seconds(5));
  if (const auto lost = sink.stop(); lost > 0) {
    std::cerr << "wsrepro serve: " << lost
              << " event lines were not written: nobody read them (--events FILE keeps all of "
                 "them)\n";
  }
  if (events_fd != STDOUT_FILENO) ::close(events_fd);
  return ok;
}

}  // namespace

command add_serve_command(CLI::App& app) {
  auto settings = std::make_shared<serve_settings>();
  auto* sub = app.add_subcommand(
      "serve",
      "Run one mock server until SIGINT/SIGTERM: prints its ws:// URL, then one JSON line per "
      "event (see: wsrepro list behaviours)");
  sub->add_option("behaviour", settings->behaviour, "The behaviour, e.g. redirect")->required();
  sub->add_option("--port,-p", settings->port, "Port to listen on (0: any free port)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  sub->add_option("--listen", settings->address, "Loopback address to listen on")
      ->check(CLI::IsMember({"127.0.0.1", "::1"}))
      ->capture_default_str();
  sub->add_flag("--tls", settings->tls,
                "Serve wss:// with a throwaway CA (its file on stderr, or ca_file with --json)");
  sub->add_option("--request-timeout-ms", settings->request_timeout_ms,
                  "Close a connection whose upgrade request is not complete within N ms, logged "
                  "as server.request_timeout (0: wait for ever)")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{24} * 3'600'000))
      ->capture_default_str();
  sub->add_option("--set", settings->settings, "A behaviour parameter, KEY=VALUE (repeatable)")
      ->type_name("KEY=VALUE");
  sub->add_flag("--json", settings->json,
                "Make the first line a JSON object: url, port, pid, behaviour, and ca_file with "
                "--tls (for test fixtures)");
  sub->add_option("--events", settings->events_file,
                  "Write the event lines to FILE instead of stdout (a file keeps up with any "
                  "server, where an unread pipe fills)")
      ->type_name("FILE");
  sub->add_option("--events-buffer-kib", settings->events_buffer_kib,
                  "Event lines waiting for a reader past this many KiB are dropped and counted "
                  "(a serve.events_dropped line), never blocking the server")
      ->check(CLI::Range(std::int64_t{64}, std::int64_t{1024} * 1024))
      ->capture_default_str();
  sub->add_flag("--stop-with-parent", settings->stop_with_parent,
                "Stop when the parent process exits or stdin (a pipe) reaches end of file, so a "
                "test that dies cannot leak the server");
  return [settings] { return serve(*settings); };
}

}  // namespace wsrepro::cli
