// flood: sends data messages as fast as the client takes them, from the handshake on, and keeps
// sending after the client's close frame, which it never answers (python-websockets #1555, fixed
// in 14.2: a close blocked while reading was paused). A correct client's close completes or
// times out within its close timeout, however much data is still coming.

#include <algorithm>
#include <deque>
#include <string_view>
#include <vector>

#include "wsrepro/mock/behaviour.hpp"
#include "wsrepro/mock/steps.hpp"

namespace wsrepro::mock {
namespace {

namespace net = boost::asio;

/// One `server.flood_out` per this much written, whatever the size of a write: the timeline
/// gets a handful of events per second of flood, not one per write.
constexpr std::int64_t log_every_bytes = 4 << 20;
/// Pongs owed but not yet written: a client that pings without reading cannot make this grow
/// (RFC 6455 5.5.3 lets a pong answer only the most recent ping; the oldest go first).
constexpr std::size_t max_pending_pongs = 16;

class flood final : public behaviour {
 public:
  explicit flood(const param_values& p)
      : message_bytes_(static_cast<std::size_t>(p.get_int("message_bytes"))),
        batch_bytes_(static_cast<std::size_t>(p.get_int("batch_bytes"))),
        opcode_(p.get_string("opcode") == "text" ? opcodes::text : opcodes::binary) {}

  net::awaitable<void> run(connection& conn) override {
    const bool accepted = co_await accept_websocket(conn);
    if (!accepted) co_return;
    tasks_.spawn(conn, send_flood(conn));
    co_await read_loop(conn);
    // The client is gone (FIN, RST) or the server is stopping: the flood has nobody to go to.
    flooding_ = false;
    co_await tasks_.wait(conn);
  }

 private:
  net::awaitable<void> read_loop(connection& conn) {
    bool fault_marked = false;
    for (;;) {
      auto in = co_await conn.read_frame();
      if (!in) co_return;
      if (in->opcode == opcodes::close) {
        // The fault: no close frame back, and the flood goes on.
        if (!fault_marked) {
          fault_marked = true;
          conn.mark_fault("client's close frame received; flood goes on, close not answered");
        }
        continue;
      }
      if (in->opcode != opcodes::ping || fault_marked) continue;
      // Pings before the close are answered, so only the close is ignored. The flood writes
      // the pong between two writes: a second writer would wait for the write gate forever,
      // as the flood takes it again as soon as it lets it go.
      if (pending_pongs_.size() == max_pending_pongs) pending_pongs_.pop_front();
      pending_pongs_.push_back(std::move(in->payload));
    }
  }

  net::awaitable<void> send_flood(connection& conn) {
    // Every write goes out of one buffer of at most batch_bytes, kept for the whole flood and
    // never copied: a client that does not read costs the server that much, not more.
    std::string buffer;
    std::vector<std::string_view> pieces;  // one write
    frame message;
    message.opcode = opcode_;
    encode_options header_only;
    header_only.length_override = message_bytes_;
    const std::string header = encode_frame(message, header_only);  // the payload is all 'x'
    std::int64_t messages_per_write = 1;
    if (header.size() + message_bytes_ <= batch_bytes_) {
      // Whole messages, as many as fit.
      message.payload.assign(message_bytes_, 'x');
      const std::string one = encode_frame(message);
      messages_per_write = static_cast<std::int64_t>(batch_bytes_ / one.size());
      buffer.reserve(static_cast<std::size_t>(messages_per_write) * one.size());
      for (std::int64_t i = 0; i < messages_per_write; ++i) buffer.append(one);
      pieces.emplace_back(buffer);
    } else {
      // A message larger than a write's buffer: its header, then its payload as slices of one
      // buffer of 'x', all in one write so that nothing (a pong) comes inside the frame.
      buffer.assign(batch_bytes_, 'x');
      pieces.emplace_back(header);
      for (std::size_t left = message_bytes_; left > 0;) {
        const std::size_t n = std::min(left, buffer.size());
        pieces.emplace_back(buffer.data(), n);
        left -= n;
      }
    }
    std::int64_t write_bytes = 0;
    for (const auto piece : pieces) write_bytes += static_cast<std::int64_t>(piece.size());
    conn.emit("flood_begins", {{"message_bytes", static_cast<std::int64_t>(message_bytes_)},
                               {"messages_per_write", messages_per_write},
                               {"write_bytes", write_bytes},
                               {"buffer_bytes", static_cast<std::int64_t>(buffer.size())}});
    std::int64_t unlogged_bytes = 0;
    std::int64_t unlogged_writes = 0;
    while (flooding_) {
      while (!pending_pongs_.empty()) {
        frame pong;
        pong.opcode = opcodes::pong;
        pong.payload = std::move(pending_pongs_.front());
        pending_pongs_.pop_front();
        const bool written = co_await conn.write_frame(pong);
        if (!written) co_return;
      }
      // A write blocks while the client's buffers are full: "as fast as it takes them".
      const bool written = co_await conn.write_bytes(pieces);
      if (!written) co_return;
      unlogged_bytes += write_bytes;
      ++unlogged_writes;
      if (unlogged_bytes >= log_every_bytes) {
        conn.emit("flood_out", {{"bytes", unlogged_bytes}, {"writes", unlogged_writes}});
        unlogged_bytes = 0;
        unlogged_writes = 0;
      }
    }
  }

  std::size_t message_bytes_;
  std::size_t batch_bytes_;
  std::uint8_t opcode_;
  bool flooding_ = true;
  std::deque<std::string> pending_pongs_;  ///< payloads of pings not answered yet
  sub_tasks tasks_;
};

}  // namespace
}  // namespace wsrepro::mock

WSREPRO_REGISTER_BEHAVIOUR(
    flood,
    {
        .name = "flood",
        .summary = "Sends data messages as fast as the client reads, and keeps sending after the "
                   "client's close frame, which it never answers",
        .fault_event = "the client's first close frame has been received (the flood goes on)",
        .params =
            {
                wsrepro::mock::int_param("message_bytes", 65536, 0, 16 << 20,
                                         "payload size of each message"),
                wsrepro::mock::int_param("batch_bytes", 256 << 10, 16 << 10, 64 << 20,
                                         "bytes per write, and the buffer the flood holds per "
                                         "connection; a larger message goes out in slices of "
                                         "it, in one write"),
                wsrepro::mock::choice_param("opcode", {"binary", "text"}, "binary",
                                            "message type (the payload is 'x' repeated)"),
            },
        .events = {"flood_begins", "flood_out"},
        .make =
            [](const wsrepro::mock::param_values& p) {
              return std::make_shared<wsrepro::mock::flood>(p);
            },
    })
