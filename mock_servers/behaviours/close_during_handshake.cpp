// close_during_handshake: writes the first bytes of a valid 101 answer, then closes the
// connection (FIN) or resets it (RST) in the middle of the response. A client must fail the
// handshake as soon as the connection ends; one that waits for the rest of the header, or retries
// the read, hangs.

#include <algorithm>
#include <string>

#include "wsrepro/mock/behaviour.hpp"

namespace wsrepro::mock {
namespace {

class close_during_handshake final : public behaviour {
 public:
  explicit close_during_handshake(const param_values& p)
      : after_bytes_(static_cast<std::size_t>(p.get_int("after_bytes"))),
        then_(p.get_string("then")),
        delay_ms_(p.get_int("delay_ms")) {}

  boost::asio::awaitable<void> run(connection& conn) override {
    const auto request = co_await conn.read_request();
    if (!request) co_return;
    const std::string response = connection::switching_protocols_response(*request);
    const std::string partial = response.substr(0, std::min(after_bytes_, response.size()));
    if (!partial.empty()) {
      const bool written = co_await conn.write_raw(partial);
      if (!written) co_return;
    }
    if (delay_ms_ > 0) {
      const bool slept = co_await conn.sleep_for(std::chrono::milliseconds(delay_ms_));
      if (!slept) co_return;
    }
    if (then_ == "reset") {
      conn.reset();
      conn.mark_fault("connection reset after " + std::to_string(partial.size()) +
                      " bytes of the 101 response");
      co_return;
    }
    conn.shutdown_send();
    conn.mark_fault("connection closed (FIN) after " + std::to_string(partial.size()) +
                    " bytes of the 101 response");
    co_await conn.read_until_eof();
  }

 private:
  std::size_t after_bytes_;
  std::string then_;
  std::int64_t delay_ms_;
};

}  // namespace
}  // namespace wsrepro::mock

WSREPRO_REGISTER_BEHAVIOUR(
    close_during_handshake,
    {
        .name = "close_during_handshake",
        .summary = "Writes the first bytes of a valid 101, then closes (FIN) or resets (RST)",
        .fault_event = "the connection has been closed or reset mid-response",
        .params =
            {
                wsrepro::mock::int_param("after_bytes", 20, 0, 65'536,
                                         "bytes of the 101 response sent before the close (at "
                                         "or past its length: all of it)"),
                wsrepro::mock::choice_param("then", {"fin", "reset"}, "fin",
                                            "how to end: FIN (shutdown, then read until the "
                                            "client closes) or RST (SO_LINGER 0)"),
                wsrepro::mock::int_param("delay_ms", 0, 0, 3'600'000,
                                         "wait this long between the partial response and the "
                                         "close"),
            },
        .make =
            [](const wsrepro::mock::param_values& p) {
              return std::make_shared<wsrepro::mock::close_during_handshake>(p);
            },
    })
