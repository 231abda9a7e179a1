#include "wsrepro/mock/steps.hpp"

#include "wsrepro/mock/behaviour.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <utility>
#include <vector>

namespace wsrepro::mock {

namespace net = boost::asio;

net::awaitable<std::optional<upgrade_request>> read_upgrade_request(connection& conn) {
  auto request = co_await conn.read_request();
  if (!request) co_return std::nullopt;
  if (!request->is_websocket_upgrade) {
    co_await conn.write_response("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", 400);
    co_return std::nullopt;
  }
  co_return request;
}

net::awaitable<bool> accept_websocket(connection& conn) {
  const auto request = co_await read_upgrade_request(conn);
  if (!request) co_return false;
  const bool accepted = co_await conn.accept_upgrade(*request);
  co_return accepted;
}

net::awaitable<void> complete_close(connection& conn, std::string client_close_payload) {
  frame out;
  out.opcode = opcodes::close;
  out.payload = std::move(client_close_payload);
  if (out.payload.size() > 2) out.payload.resize(2);
  const bool written = co_await conn.write_frame(out);
  if (!written) co_return;
  conn.shutdown_send();
  co_await conn.read_until_eof();
}

net::awaitable<echo_end> echo_until_close(connection& conn, echo_hooks hooks) {
  for (;;) {
    auto in = co_await conn.read_frame();
    if (!in) co_return echo_end::read_ended;
    switch (in->opcode) {
      case opcodes::pong:
        continue;
      case opcodes::ping:
        if (hooks.on_ping && !hooks.on_ping(*in)) continue;
        in->opcode = opcodes::pong;
        break;
      case opcodes::close:
        if (hooks.on_close && !hooks.on_close(*in)) continue;
        co_await complete_close(conn, std::move(in->payload));
        co_return echo_end::closed;
      default:
        if (hooks.before_echo) {
          const bool go_on = co_await hooks.before_echo(*in);
          if (!go_on) co_return echo_end::stopped;
        }
        break;
    }
    frame out;
    out.fin = in->fin;
    out.opcode = in->opcode;
    out.payload = std::move(in->payload);
    const bool written = co_await conn.write_frame(out);
    if (!written) co_return echo_end::stopped;
  }
}

net::awaitable<void> read_frames_until_eof(connection& conn) {
  for (;;) {
    const auto in = co_await conn.read_frame();
    if (!in) break;
  }
  co_await conn.read_until_eof();
}

close_then close_then_named(std::string_view name) {
  if (name == "fin") return close_then::fin;
  if (name == "keep_open") return close_then::keep_open;
  return close_then::wait_for_client;
}

net::awaitable<void> finish_after_close(connection& conn, close_then then) {
  if (then == close_then::fin) conn.shutdown_send();
  if (then != close_then::wait_for_client) {
    co_await read_frames_until_eof(conn);
    co_return;
  }
  for (;;) {
    const auto in = co_await conn.read_frame();
    if (!in) {
      co_await conn.read_until_eof();  // after a broken frame: keep the connection until EOF
      co_return;
    }
    if (in->opcode == opcodes::close) break;
  }
  conn.shutdown_send();
  co_await conn.read_until_eof();
}

void emit_frame_out(connection& conn, const frame& f) { conn.log_frame_out(f); }

void sub_tasks::spawn(connection& conn, net::awaitable<void> task) {
  ++running_;
  net::co_spawn(conn.executor(), std::move(task), [this, &conn](const std::exception_ptr& error) {
    if (error) {
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& ex) {
        conn.emit("behaviour_error", {{"error", std::string(ex.what())}});
      }
    }
    if (--running_ == 0 && idle_ != nullptr) idle_->cancel();
  });
}

net::awaitable<void> sub_tasks::wait(connection& conn) {
  net::steady_timer idle(conn.executor());
  idle_ = &idle;
  while (running_ > 0) {
    idle.expires_at(net::steady_timer::time_point::max());
    co_await idle.async_wait(net::as_tuple(net::use_awaitable));
  }
  idle_ = nullptr;
}

net::awaitable<void> finish_after_http_answer(connection& conn, std::string_view then,
                                              std::int64_t delay_ms) {
  if (then == "keep_open" || then == "hold") {
    co_await conn.read_until_eof();
    // hold: the client's FIN changes nothing; the socket stays open until the server stops
    // (a client that waits for the server to close first waits its whole timeout).
    if (then == "hold") co_await conn.sleep_for(std::chrono::hours(24));
    co_return;
  }
  if (delay_ms > 0) {
    const bool slept = co_await conn.sleep_for(std::chrono::milliseconds(delay_ms));
    if (!slept) co_return;
  }
  if (then == "reset") {
    conn.reset();
  } else {
    conn.shutdown_send();
    co_await conn.read_until_eof();
  }
}

net::awaitable<void> present_certificate_then_echo(connection& conn, tls_identity identity,
                                                   std::string_view fault) {
  conn.mark_fault(fault);
  const bool secured = co_await conn.start_tls(identity);
  if (!secured) co_return;  // refused, as it should be: logged as server.tls_error
  const behaviour_info* echo = find_behaviour("echo");
  if (echo == nullptr) co_return;
  const param_values echo_params(echo->params);
  const std::shared_ptr<behaviour> script = echo->make(echo_params);
  co_await script->run(conn);
}

}  // namespace wsrepro::mock
