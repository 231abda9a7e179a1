// tls_stall: a wss:// server that accepts TCP, reads the client's ClientHello and never answers
// it: no ServerHello, no alert, no FIN. A client whose open timeout does not cover the TLS
// handshake (only the TCP connect, or only the HTTP upgrade) waits forever.

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <string>

#include "wsrepro/mock/behaviour.hpp"

namespace wsrepro::mock {
namespace {

namespace net = boost::asio;

constexpr std::size_t record_header_bytes = 5;  // type, version (2), length (2)
constexpr unsigned char handshake_record = 0x16;
constexpr unsigned char client_hello = 0x01;

/// The size of the first TLS record once all of it is in `bytes`, else 0. Bytes that are not a
/// TLS handshake record (a ws:// client on a wss:// port) count as arrived as they are.
std::size_t first_record_size(const std::string& bytes) {
  if (bytes.empty()) return 0;
  if (static_cast<unsigned char>(bytes[0]) != handshake_record) return bytes.size();
  if (bytes.size() < record_header_bytes) return 0;
  const std::size_t length = static_cast<std::size_t>(static_cast<unsigned char>(bytes[3])) << 8 |
                             static_cast<unsigned char>(bytes[4]);
  const std::size_t size = record_header_bytes + length;
  return bytes.size() >= size ? size : 0;
}

class tls_stall final : public behaviour {
 public:
  net::awaitable<void> run(connection& conn) override {
    // The core did no TLS handshake (core_tls_handshake = false): read the ClientHello off the
    // raw socket, as the TLS layer would, and then let nothing answer it.
    std::string hello;
    std::array<char, 4096> buffer{};
    while (first_record_size(hello) == 0) {
      auto [ec, n] = co_await conn.socket().async_read_some(net::buffer(buffer),
                                                            net::as_tuple(net::use_awaitable));
      if (ec) {
        // The client gave up before its ClientHello was complete (or the server stopped).
        if (ec == net::error::eof) conn.emit("fin_in");
        if (ec == net::error::connection_reset) conn.emit("rst_in");
        co_return;
      }
      hello.append(buffer.data(), n);
    }
    const std::size_t size = first_record_size(hello);
    const bool is_client_hello =
        static_cast<unsigned char>(hello[0]) == handshake_record && size > record_header_bytes &&
        static_cast<unsigned char>(hello[record_header_bytes]) == client_hello;
    conn.emit("client_hello",
              {{"bytes", static_cast<std::int64_t>(size)}, {"tls", is_client_hello}});
    conn.mark_fault("ClientHello read; no ServerHello will follow");
    // Keep TCP open and log whatever else comes (the client's alert, FIN or RST).
    co_await conn.read_until_eof();
  }
};

}  // namespace
}  // namespace wsrepro::mock

WSREPRO_REGISTER_BEHAVIOUR(
    tls_stall,
    {
        .name = "tls_stall",
        .summary = "wss:// that reads the ClientHello and never answers it, keeping TCP open",
        .fault_event = "the client's ClientHello (its first TLS record) has been read in full",
        .params = {},
        .requires_tls = true,
        .core_tls_handshake = false,
        .events = {"client_hello"},
        .make =
            [](const wsrepro::mock::param_values&) {
              return std::make_shared<wsrepro::mock::tls_stall>();
            },
    })
