#pragma once
// Wire helpers for the keepalive and slow-peer behaviour tests: open a WebSocket over a raw
// client, send masked frames, read the server's frames one by one, and wait on the server's
// timeline for the n-th event of a kind. Reads use the raw client's receive timeout, so a test
// can keep that timeout short (an absence window) and still read what the server wrote: it
// waits for the server's event saying the bytes are out, then reads them from the kernel.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "raw_client.hpp"
#include "server_events.hpp"
#include "wsrepro/mock/frame.hpp"
#include "wsrepro/mock/server.hpp"

namespace wsrepro::mock::testing {

/// A client frame (masked, as RFC 6455 requires of clients).
inline std::string client_frame(std::uint8_t opcode, std::string payload, bool fin = true) {
  frame f;
  f.fin = fin;
  f.opcode = opcode;
  f.masked = true;
  f.mask_key = {0x37, 0xfa, 0x21, 0x3d};
  f.payload = std::move(payload);
  return encode_frame(f);
}

/// The n-th (1-based) event with this name, and optionally this opcode, polled until the
/// deadline.
inline std::optional<event> wait_for_nth(
    server_thread& srv, std::string_view name, std::size_t n, std::string_view opcode = {},
    std::chrono::milliseconds deadline = std::chrono::seconds(5)) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  for (;;) {
    std::size_t seen = 0;
    for (auto& e : srv.events().snapshot()) {
      if (e.name() != name) continue;
      if (!opcode.empty() && e.string_attr("opcode") != opcode) continue;
      if (++seen == n) return e;
    }
    if (std::chrono::steady_clock::now() >= until) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

/// How many events with this name (and opcode, if given) the server has logged so far.
inline std::size_t count_events(server_thread& srv, std::string_view name,
                                std::string_view opcode = {}) {
  std::size_t n = 0;
  for (auto& e : srv.events().snapshot()) {
    if (e.name() == name && (opcode.empty() || e.string_attr("opcode") == opcode)) ++n;
  }
  return n;
}

/// Reads an HTTP head up to its blank line, one byte at a time: raw_client::read_until may read
/// past it, and the frames that follow the 101 must stay in the socket for the frame reads.
inline std::optional<std::string> read_http_head(raw_client& client) {
  std::string head;
  while (!head.ends_with("\r\n\r\n")) {
    const auto byte = client.read_exactly(1);
    if (!byte) return std::nullopt;
    head += *byte;
  }
  return head;
}

/// Sends the upgrade request and reads the server's answer up to the blank line; the answer
/// (nullopt if none came).
inline std::optional<std::string> open_websocket(raw_client& client, server_thread& srv) {
  client.send(upgrade_request);
  if (!wait_for(srv, "server.response")) return std::nullopt;
  return read_http_head(client);
}

/// Reads one unmasked server frame; nullopt on timeout, EOF or a broken frame.
inline std::optional<frame> read_server_frame(raw_client& client) {
  auto head = client.read_exactly(2);
  if (!head) return std::nullopt;
  std::string bytes = *head;
  const auto b1 = static_cast<std::uint8_t>(bytes[1]);
  const std::size_t extended = (b1 & 0x7f) == 126 ? 2 : (b1 & 0x7f) == 127 ? 8 : 0;
  if (extended > 0) {
    auto ext = client.read_exactly(extended);
    if (!ext) return std::nullopt;
    bytes += *ext;
  }
  std::uint64_t length = b1 & 0x7f;
  if (extended > 0) {
    length = 0;
    for (std::size_t i = 0; i < extended; ++i) {
      length = (length << 8) | static_cast<std::uint8_t>(bytes[2 + i]);
    }
  }
  const std::size_t rest = length + ((b1 & 0x80) != 0 ? 4 : 0);
  if (rest > 0) {
    auto tail = client.read_exactly(rest);
    if (!tail) return std::nullopt;
    bytes += *tail;
  }
  frame_parser parser;
  parser.feed(bytes);
  frame f;
  std::string error;
  if (parser.next(f, error) != frame_parser::status::frame) return std::nullopt;
  return f;
}

}  // namespace wsrepro::mock::testing
