// flood: sends data messages as fast as the client takes them, from the handshake on, and keeps
// sending after the client's close frame, which it never answers (python-websockets #1555, fixed
// in 14.2: a close blocked while reading was paused). A correct client's close completes or
// times out within its close timeout, however much data is still coming.

#include <deque>

#include "wsrepro/mock/behaviour.hpp"
#include "wsrepro/mock/steps.hpp"

namespace wsrepro::mock {
namespace {

namespace net = boost::asio;

/// One write carries about this much, so the timeline gets one event per batch, not per message.
constexpr std::size_t batch_bytes = 4u << 20;

class flood final : public behaviour {
 public:
  explicit flood(const param_values& p)
      : message_bytes_(static_cast<std::size_t>(p.get_int("message_bytes"))),
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
      // the pong between two batches: a second writer would wait for the write gate forever,
      // as the flood takes it again as soon as it lets it go.
      pending_pongs_.push_back(std::move(in->payload));
    }
  }

  net::awaitable<void> send_flood(connection& conn) {
    frame message;
    message.opcode = opcode_;
    message.payload.assign(message_bytes_, 'x');
    const std::string one = encode_frame(message);
    std::string batch;
    do {
      batch.append(one);
    } while (batch.size() + one.size() <= batch_bytes);
    const auto messages = static_cast<std::int64_t>(batch.size() / one.size());
    conn.emit("flood_begins", {{"message_bytes", static_cast<std::int64_t>(message_bytes_)},
                               {"messages_per_write", messages}});
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
      const bool written = co_await conn.write_raw(batch, "flood_out");
      if (!written) co_return;
    }
  }

  std::size_t message_bytes_;
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
                wsrepro::mock::choice_param("opcode", {"binary", "text"}, "binary",
                                            "message type (the payload is 'x' repeated)"),
            },
        .events = {"flood_begins", "flood_out"},
        .make =
            [](const wsrepro::mock::param_values& p) {
              return std::make_shared<wsrepro::mock::flood>(p);
            },
    })
