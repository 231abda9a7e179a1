// wsrepro serve: one mock server standalone, for reproducing by hand. The first line on stdout
// is its URL, then one JSON line per event, each flushed as it is written.

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "catalogue.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
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
};

nlohmann::ordered_json to_json(const event& e, mono_ns zero) {
  nlohmann::ordered_json j;
  const mono_ns whole_us = (e.t_ns - zero) / 1000;  // microseconds are enough for a log
  j["t_ms"] = static_cast<double>(whole_us) / 1000.0;
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
  mock::param_values values(info.params);
  std::vector<std::string> names;
  for (const auto& p : info.params) names.push_back(p.name);
  for (const auto& setting : settings) {
    const auto eq = setting.find('=');
    if (eq == std::string::npos)
      throw usage_error{"--set expects KEY=VALUE, got '" + setting + "'"};
    const std::string key = setting.substr(0, eq);
    const mock::param_spec* spec = mock::find_param(info.params, key);
    if (spec == nullptr) {
      throw usage_error{"--set: " + unknown_name_message("parameter of " + info.name, key, names)};
    }
    auto parsed = mock::parse_value(*spec, setting.substr(eq + 1));
    if (const auto* error = std::get_if<std::string>(&parsed)) {
      throw usage_error{"--set " + key + ": " + *error};
    }
    values.set(key, std::get<mock::param_value>(parsed));
  }
  if (info.check) {
    if (auto problem = info.check(values)) throw usage_error{"--set: " + *problem};
  }
  return values;
}

int serve(const serve_settings& settings) {
  const mock::behaviour_info* info = mock::find_behaviour(settings.behaviour);
  if (info == nullptr) {
    std::vector<std::string> names;
    for (const auto& b : mock::all_behaviours()) names.push_back(b.name);
    throw usage_error{unknown_name_message("behaviour", settings.behaviour, names)};
  }
  auto values = parse_settings(*info, settings.settings);

  boost::asio::io_context ioc(1);
  timeline log;
  const mono_ns zero = now_ns();
  std::mutex out_mutex;
  bool url_printed = false;
  std::vector<std::string> early;  // events before the URL line (the listen event)
  log.subscribe([&](const event& e) {
    const std::string line =
        to_json(e, zero).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::lock_guard lock(out_mutex);
    if (!url_printed) {
      early.push_back(line);
      return;
    }
    std::cout << line << std::endl;  // flushed: a reader sees each event as it happens
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
  stop_signals.async_wait([&](boost::system::error_code ec, int sig) {
    if (ec) return;
    event e;
    e.source = "server";
    e.kind = "stop";
    e.with("signal", std::string(sig == SIGINT ? "SIGINT" : "SIGTERM"));
    log.emit(std::move(e));
    server.stop();
    ioc.stop();
  });
  {
    std::lock_guard lock(out_mutex);
    std::cout << server.url() << "\n";
    if (server.tls()) {
      // Not JSON-shaped on purpose: the URL line stays first, this says what to trust.
      std::cerr << "wsrepro serve: TLS with a throwaway CA: "
                << mock::tls_material().ca_file.string() << "\n";
    }
    for (const auto& line : early) std::cout << line << "\n";
    std::cout.flush();
    url_printed = true;
  }
  ioc.run();
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
  sub->add_flag("--tls", settings->tls, "Serve wss:// with a throwaway CA (its file on stderr)");
  sub->add_option("--request-timeout-ms", settings->request_timeout_ms,
                  "Close a connection whose upgrade request is not complete within N ms, logged "
                  "as server.request_timeout (0: wait for ever)")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{24} * 3'600'000))
      ->capture_default_str();
  sub->add_option("--set", settings->settings, "A behaviour parameter, KEY=VALUE (repeatable)")
      ->type_name("KEY=VALUE");
  return [settings] { return serve(*settings); };
}

}  // namespace wsrepro::cli
