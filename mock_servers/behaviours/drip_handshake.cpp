// drip_handshake: sends a valid 101 answer a few bytes at a time, then behaves like echo. Slow,
// not wrong: a correct client with a sane open timeout completes the handshake. It exposes clients
// that give up on a partial read, that time each read instead of the whole handshake (and so wait
// forever on a drip that never quite stops), or whose open timeout is shorter than they think.

#include <string>

#include "wsrepro/mock/behaviour.hpp"
#include "wsrepro/mock/steps.hpp"

namespace wsrepro::mock {
namespace {

class drip_handshake final : public behaviour {
 public:
  explicit drip_handshake(const param_values& p)
      : chunk_bytes_(static_cast<std::size_t>(p.get_int("chunk_bytes"))),
        interval_ms_(p.get_int("interval_ms")) {}

  boost::asio::awaitable<void> run(connection& conn) override {
    const auto request = co_await read_upgrade_request(conn);
    if (!request) co_return;
    const std::string response = connection::switching_protocols_response(*request);
    std::int64_t chunks = 0;
    for (std::size_t offset = 0; offset < response.size(); offset += chunk_bytes_) {
      if (offset > 0) {
        const bool slept = co_await conn.sleep_for(std::chrono::milliseconds(interval_ms_));
        if (!slept) co_return;
      }
      const bool written = co_await conn.write_raw(response.substr(offset, chunk_bytes_));
      if (!written) co_return;
      if (++chunks == 1) conn.mark_fault("first chunk of the 101 response written");
    }
    // The whole answer is out: log it as the response other behaviours log in one go.
    conn.emit("response", {{"status", std::int64_t{101}},
                           {"bytes", static_cast<std::int64_t>(response.size())},
                           {"chunks", chunks}});
    co_await echo_until_close(conn);  // as the echo behaviour
  }

 private:
  std::size_t chunk_bytes_;
  std::int64_t interval_ms_;
};

}  // namespace
}  // namespace wsrepro::mock

WSREPRO_REGISTER_BEHAVIOUR(
    drip_handshake,
    {
        .name = "drip_handshake",
        .summary = "Sends a valid 101 a few bytes at a time, then echoes (slow, not wrong)",
        .fault_event = "the first chunk of the 101 response has been written",
        .params =
            {
                wsrepro::mock::int_param("chunk_bytes", 1, 1, 65'536,
                                         "bytes of the 101 response per write"),
                wsrepro::mock::int_param("interval_ms", 50, 0, 3'600'000,
                                         "pause between two chunks"),
            },
        .make =
            [](const wsrepro::mock::param_values& p) {
              return std::make_shared<wsrepro::mock::drip_handshake>(p);
            },
    })
