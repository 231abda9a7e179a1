#include "server_view.hpp"

#include <algorithm>
#include <cstdio>

namespace wsrepro::harness::detail {

namespace {

std::string_view port_of(std::string_view endpoint) {
  const auto colon = endpoint.rfind(':');
  return colon == std::string_view::npos ? std::string_view() : endpoint.substr(colon + 1);
}

std::string ago(mono_ns then, mono_ns now) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s ago", ns_to_ms(now - then) / 1000);
  return text;
}

/// The server's events of connection `id`, up to `now`.
std::vector<const event*> connection_events(const std::vector<event>& timeline, int id,
                                            mono_ns now) {
  std::vector<const event*> out;
  for (const auto& e : timeline) {
    if (e.source == "server" && e.connection == id && e.t_ns <= now) out.push_back(&e);
  }
  return out;
}

const event* last_of(const std::vector<const event*>& events, std::string_view kind) {
  const auto it =
      std::find_if(events.rbegin(), events.rend(), [&](const event* e) { return e->kind == kind; });
  return it == events.rend() ? nullptr : *it;
}

std::string frame_text(const event& e) {
  std::string text = e.string_attr("opcode").value_or("?") + " frame";
  if (const auto code = e.int_attr("code")) text += " (code " + std::to_string(*code) + ")";
  return text;
}

}  // namespace

std::string server_view(const std::vector<event>& timeline, std::string_view client_local,
                        mono_ns now) {
  const event* accept = nullptr;
  for (const auto& e : timeline) {
    if (e.name() != "server.accept") continue;
    const auto peer = e.string_attr("peer").value_or("");
    if (!port_of(peer).empty() && port_of(peer) == port_of(client_local)) accept = &e;
  }
  if (accept == nullptr) return {};
  const auto events = connection_events(timeline, accept->connection, now);
  std::string view = "server";
  if (const event* closed = last_of(events, "close")) {
    view += " closed the connection " + ago(closed->t_ns, now);
  } else if (const event* rst = last_of(events, "rst_out")) {
    view += " reset the connection " + ago(rst->t_ns, now);
  } else if (const event* fin = last_of(events, "fin_out")) {
    view += " sent FIN " + ago(fin->t_ns, now) + " and keeps reading";
  } else {
    view += " keeps the connection open";
  }
  if (const event* fault = last_of(events, "fault")) {
    view += ", misbehaved (its fault) " + ago(fault->t_ns, now);
  }
  if (const event* out = last_of(events, "frame_out")) {
    view += ", last sent a " + frame_text(*out) + " " + ago(out->t_ns, now);
  } else if (!events.empty()) {
    view += ", sent no frame";
  }
  if (const event* fin_in = last_of(events, "fin_in")) {
    view += ", saw the client's FIN " + ago(fin_in->t_ns, now);
  } else if (const event* rst_in = last_of(events, "rst_in")) {
    view += ", saw the client's RST " + ago(rst_in->t_ns, now);
  } else {
    view += ", saw no FIN from the client";
  }
  const auto client_close = std::find_if(events.rbegin(), events.rend(), [](const event* e) {
    return e->kind == "frame_in" && e->string_attr("opcode") == "close";
  });
  if (client_close != events.rend())
    view += ", got its close frame " + ago((*client_close)->t_ns, now);
  return view;
}

void describe_connections(results::stack_capture& c, const std::vector<event>& timeline) {
  for (auto& s : c.sockets) {
    s.server_view = server_view(timeline, s.local, c.t_ns);
    if (!s.server_view.empty() && c.connection.empty()) {
      c.connection = s.server_view + "; the client's socket: " + s.state + ", Recv-Q " +
                     std::to_string(s.recv_queue) + ", Send-Q " + std::to_string(s.send_queue) +
                     (s.timer.empty() ? "" : ", " + s.timer);
    }
  }
}

}  // namespace wsrepro::harness::detail
