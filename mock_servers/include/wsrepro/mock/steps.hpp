#pragma once
// Steps many behaviours share, as free coroutines over a connection: accept the upgrade, echo
// like a correct server, complete or start the close handshake, and run a sub-coroutine beside
// the main one. A behaviour file keeps its own logic and calls these for the common parts.
// (GCC 12: bind every co_await result to a named local, see behaviour.hpp.)

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "wsrepro/mock/connection.hpp"
#include "wsrepro/mock/frame.hpp"
#include "wsrepro/mock/tls.hpp"

namespace wsrepro::mock {

/// Reads the upgrade request; a request that is not a WebSocket upgrade gets a 400 and nullopt,
/// as does a client that closed first. For behaviours that write their own 101.
boost::asio::awaitable<std::optional<upgrade_request>> read_upgrade_request(connection& conn);

/// Reads the upgrade request and answers 101 (400 to anything else). False when the connection
/// is not upgraded.
boost::asio::awaitable<bool> accept_websocket(connection& conn);

/// Answers the client's close frame as a correct server: echoes its status code only (a reason
/// is optional; an empty close if none came), closes TCP first (RFC 6455 7.1.1) and reads until
/// the client's FIN or RST.
boost::asio::awaitable<void> complete_close(connection& conn, std::string client_close_payload);

/// Where echo_until_close() departs from a correct server. Every hook is optional.
struct echo_hooks {
  /// A ping came in: true answers it with a pong now, false leaves it (withheld, or answered
  /// later by the behaviour).
  std::function<bool(const frame& ping)> on_ping;
  /// A data frame came in: awaited before it is echoed (a blocking handler); false ends the loop.
  std::function<boost::asio::awaitable<bool>(const frame& data)> before_echo;
  /// The client's close frame came in: true answers it (complete_close) and ends the loop, false
  /// ignores it and reads on.
  std::function<bool(const frame& close)> on_close;
};

/// Why echo_until_close() returned.
enum class echo_end {
  closed,      ///< the close handshake was completed
  read_ended,  ///< FIN, RST, stop or a broken frame
  stopped,     ///< a write failed, or before_echo said to end
};

/// A correct echo server's read loop: echoes data frames, answers pings with pongs, ignores
/// pongs, and completes the close handshake; `hooks` change what a behaviour does differently.
boost::asio::awaitable<echo_end> echo_until_close(connection& conn, echo_hooks hooks = {});

/// Reads and logs every frame (the client's close frame and its code included) until the
/// client's FIN or RST; after a broken frame it keeps reading raw bytes, so TCP stays open.
boost::asio::awaitable<void> read_frames_until_eof(connection& conn);

/// What a server does once its own close frame is out (the `then` parameter of the behaviours
/// that start the close handshake).
enum class close_then {
  wait_for_client,  ///< read until the client's close frame, then close TCP first
  keep_open,        ///< never close TCP; keep reading until the client ends it
  fin,              ///< send FIN at once, then read until the client ends it
};
/// The choice's name as the parameter spells it: "wait_for_client", "keep_open" or "fin".
close_then close_then_named(std::string_view name);

/// After the server's own close frame: does what `then` says. With wait_for_client, whatever
/// the client answers, its close frame ends the handshake and TCP is closed after it; a client
/// that only drops TCP (or sends a broken frame) ends it too.
boost::asio::awaitable<void> finish_after_close(connection& conn, close_then then);

/// After an HTTP answer instead of 101 (redirect, http_status): `then` = keep_open (read until
/// the client ends it), close (FIN, then read until it ends) or reset (RST), the last two after
/// `delay_ms`.
boost::asio::awaitable<void> finish_after_http_answer(connection& conn, std::string_view then,
                                                      std::int64_t delay_ms);

/// The TLS certificate faults: logs the fault (TCP accepted: the certificate goes out right
/// after the ClientHello, so this is the last moment sure to come before it), presents
/// `identity`, and gives a client that accepts it a correct echo server, so that what follows
/// is not a second fault.
boost::asio::awaitable<void> present_certificate_then_echo(connection& conn, tls_identity identity,
                                                           std::string_view fault);

/// Logs `server.frame_out` for a frame that went out inside raw bytes (write_raw logs only the
/// bytes), so the probes see it as the frame it is.
void emit_frame_out(connection& conn, const frame& f);

/// Sub-coroutines on the connection's strand, beside the behaviour's main one (a ping timer
/// beside a read loop). run() must co_await wait() before it returns, because the connection
/// and the behaviour live only until then. An exception in a sub-coroutine is logged as
/// `server.behaviour_error`.
class sub_tasks {
 public:
  void spawn(connection& conn, boost::asio::awaitable<void> task);
  /// Returns once every spawned sub-coroutine has ended.
  boost::asio::awaitable<void> wait(connection& conn);

 private:
  int running_ = 0;
  boost::asio::steady_timer* idle_ = nullptr;
};

}  // namespace wsrepro::mock
