#include "connection_probes.hpp"

#include "interventions.hpp"

#include <cmath>
#include <optional>

namespace wsrepro::harness::detail {

namespace {

results::measurement make(std::string name, std::string unit, std::string from, std::string to) {
  results::measurement m;
  m.name = std::move(name);
  m.unit = std::move(unit);
  m.from_event = std::move(from);
  m.to_event = std::move(to);
  return m;
}

void set_value(results::measurement& m, double v, std::string note = {}) {
  m.status = results::measurement_status::measured;
  m.value = v;
  m.note = std::move(note);
}

void set_text(results::measurement& m, std::string text) {
  m.status = results::measurement_status::measured;
  m.text = std::move(text);
}

void set_status(results::measurement& m, results::measurement_status status, std::string why) {
  m.status = status;
  m.note = std::move(why);
}

bool is_frame(const event& e, std::string_view direction, std::string_view opcode) {
  return e.source == "server" && e.kind == direction && e.string_attr("opcode") == opcode;
}

/// The connection the scenario is about: the fault's, else the first accepted.
std::optional<int> focus_connection(const std::vector<event>& timeline) {
  for (const auto& e : timeline) {
    if (e.name() == "server.fault" && e.connection >= 0) return e.connection;
  }
  for (const auto& e : timeline) {
    if (e.name() == "server.accept") return e.connection;
  }
  return std::nullopt;
}

}  // namespace

void measure_connection(const std::vector<event>& timeline,
                        std::vector<results::measurement>& out) {
  const auto conn = focus_connection(timeline);
  std::vector<const event*> events;
  for (const auto& e : timeline) {
    const bool ours = e.source == "server" && conn && e.connection == *conn;
    if (ours || e.name() == "client.exit") events.push_back(&e);
  }
  const event* fault = nullptr;
  const event* exit = nullptr;
  for (const auto* e : events) {
    if (fault == nullptr && e->kind == "fault") fault = e;
    if (exit == nullptr && e->name() == "client.exit") exit = e;
  }

  // Keepalive: the client's pings, their spacing, and its pongs to our pings.
  std::vector<mono_ns> pings;
  std::vector<mono_ns> server_pings;
  std::vector<double> pong_latencies;
  for (const auto* e : events) {
    if (is_frame(*e, "frame_in", "ping")) pings.push_back(e->t_ns);
    if (is_frame(*e, "frame_out", "ping")) server_pings.push_back(e->t_ns);
    if (is_frame(*e, "frame_in", "pong") && pong_latencies.size() < server_pings.size()) {
      pong_latencies.push_back(ns_to_ms(e->t_ns - server_pings[pong_latencies.size()]));
    }
  }
  auto ping_count = make("client_ping_count", "count", "server.accept", "client.exit");
  auto interval = make("client_ping_interval_ms", "ms", "server.frame_in", "server.frame_in");
  auto spread = make("client_ping_interval_stddev_ms", "ms", "server.frame_in", "server.frame_in");
  auto pong = make("client_pong_latency_ms", "ms", "server.frame_out", "server.frame_in");
  if (!conn) {
    set_status(ping_count, results::measurement_status::missing, "the client never connected");
  } else {
    set_value(ping_count, static_cast<double>(pings.size()));
  }
  if (pings.size() >= 2) {
    double sum = 0;
    for (std::size_t i = 1; i < pings.size(); ++i) sum += ns_to_ms(pings[i] - pings[i - 1]);
    const double mean = sum / static_cast<double>(pings.size() - 1);
    double squares = 0;
    for (std::size_t i = 1; i < pings.size(); ++i) {
      const double d = ns_to_ms(pings[i] - pings[i - 1]) - mean;
      squares += d * d;
    }
    set_value(interval, mean, "mean of " + std::to_string(pings.size() - 1) + " intervals");
    set_value(spread, std::sqrt(squares / static_cast<double>(pings.size() - 1)));
  } else {
    const std::string why = "fewer than two client pings";
    set_status(interval, results::measurement_status::not_applicable, why);
    set_status(spread, results::measurement_status::not_applicable, why);
  }
  if (server_pings.empty()) {
    set_status(pong, results::measurement_status::not_applicable, "the server sent no ping");
  } else if (pong_latencies.empty()) {
    set_status(pong, results::measurement_status::missing,
               "the client answered none of " + std::to_string(server_pings.size()) + " pings");
  } else {
    double sum = 0;
    for (double l : pong_latencies) sum += l;
    set_value(pong, sum / static_cast<double>(pong_latencies.size()),
              "mean over " + std::to_string(pong_latencies.size()) + " of " +
                  std::to_string(server_pings.size()) + " pings answered");
  }
  out.push_back(ping_count);
  out.push_back(interval);
  out.push_back(spread);
  out.push_back(pong);

  // Dead-peer detection: from the fault (the stall) to the client's first sign of giving up.
  auto detect = make("dead_peer_detect_ms", "ms", "server.fault", "");
  if (fault == nullptr) {
    set_status(detect, results::measurement_status::missing, "no fault: the server never stalled");
  } else {
    const event* sign = nullptr;
    for (const auto* e : events) {
      if (e->t_ns < fault->t_ns) continue;
      const bool gives_up = is_frame(*e, "frame_in", "close") || e->kind == "fin_in" ||
                            e->kind == "rst_in" || e->name() == "client.exit";
      if (gives_up) {
        sign = e;
        break;
      }
    }
    if (sign == nullptr) {
      set_status(detect, results::measurement_status::missing, "the client never gave up");
    } else if (const event* action = first_intervention(timeline, *fault, sign->t_ns)) {
      // wsrepro's own signal or deadline came first: whatever the client did next is not a
      // detection of the stall.
      cut_short(detect, *fault, *action, *sign);
    } else {
      detect.to_event = sign->name();
      set_value(detect, ns_to_ms(sign->t_ns - fault->t_ns));
    }
  }
  out.push_back(detect);

  // The close: who began it, with which code, and how TCP ended.
  const event* client_close = nullptr;
  const event* server_close = nullptr;
  const event* tcp_end_event = nullptr;
  for (const auto* e : events) {
    if (client_close == nullptr && is_frame(*e, "frame_in", "close")) client_close = e;
    if (server_close == nullptr && is_frame(*e, "frame_out", "close")) server_close = e;
    const bool end =
        e->kind == "fin_in" || e->kind == "rst_in" || e->kind == "fin_out" || e->kind == "rst_out";
    if (tcp_end_event == nullptr && end) tcp_end_event = e;
  }
  bool any_rst = false;
  for (const auto* e : events) any_rst |= e->kind == "rst_in" || e->kind == "rst_out";

  auto code = make("client_close_code", "code", "server.frame_in", "server.frame_in");
  if (client_close == nullptr) {
    set_status(code, results::measurement_status::missing, "the client sent no close frame");
  } else if (auto c = client_close->int_attr("code")) {
    set_value(code, static_cast<double>(*c));
  } else {
    set_status(code, results::measurement_status::missing, "the client's close frame had no code");
  }
  out.push_back(code);

  // The client's side closing is its own doing only if wsrepro had not signalled it before.
  const auto client_side = [&](const event& e) {
    for (const auto& other : timeline) {
      if (other.t_ns > e.t_ns) break;
      if (is_harness_action(other)) return std::string("harness");
    }
    return std::string("client");
  };
  auto by = make("closed_by", "", "server.accept", "");
  if (client_close != nullptr || server_close != nullptr) {
    const bool client_first = server_close == nullptr ||
                              (client_close != nullptr && client_close->t_ns < server_close->t_ns);
    by.to_event = client_first ? "server.frame_in" : "server.frame_out";
    set_text(by, client_first ? client_side(*client_close) : "server");
  } else if (tcp_end_event != nullptr) {
    const bool client_first = tcp_end_event->kind == "fin_in" || tcp_end_event->kind == "rst_in";
    by.to_event = tcp_end_event->name();
    set_text(by, client_first ? client_side(*tcp_end_event) : "server");
  } else if (exit != nullptr && conn) {
    by.to_event = "client.exit";
    set_text(by, client_side(*exit));
  } else {
    set_status(by, results::measurement_status::missing, "no close was seen");
  }
  if (by.text == "harness") {
    by.note = "the client closed after wsrepro signalled it (or killed it)";
  }
  out.push_back(by);

  auto clean = make("clean_close", "", "server.frame_in", "server.close");
  auto tcp = make("tcp_end", "", "server.accept", "");
  if (!conn) {
    set_status(clean, results::measurement_status::missing, "the client never connected");
    set_status(tcp, results::measurement_status::missing, "the client never connected");
  } else {
    // RFC 6455 7.1.4: both close frames exchanged, and TCP closed without a reset.
    const bool clean_close = client_close != nullptr && server_close != nullptr && !any_rst;
    set_text(clean, clean_close ? "true" : "false");
    if (tcp_end_event == nullptr) {
      set_status(tcp, results::measurement_status::missing, "the server saw no FIN or RST");
    } else {
      tcp.to_event = tcp_end_event->name();
      set_text(tcp, any_rst ? "RST" : "FIN");
    }
  }
  out.push_back(clean);
  out.push_back(tcp);
}

}  // namespace wsrepro::harness::detail
