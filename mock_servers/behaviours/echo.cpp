// echo: a correct WebSocket server. Answers the upgrade, echoes every data frame, answers pings,
// and completes the close handshake (then closes TCP first, as RFC 6455 asks of a server).

#include "wsrepro/mock/behaviour.hpp"
#include "wsrepro/mock/steps.hpp"

namespace wsrepro::mock {
namespace {

class echo final : public behaviour {
 public:
  explicit echo(const param_values& p) : allow_unmasked_(p.get_bool("allow_unmasked")) {}

  boost::asio::awaitable<void> run(connection& conn) override {
    conn.allow_unmasked_frames(allow_unmasked_);
    const bool accepted = co_await accept_websocket(conn);
    if (!accepted) co_return;
    co_await echo_until_close(conn);
  }

 private:
  bool allow_unmasked_;
};

}  // namespace
}  // namespace wsrepro::mock

WSREPRO_REGISTER_BEHAVIOUR(
    echo,
    {
        .name = "echo",
        .summary =
            "A correct server: echoes data frames, answers pings, completes the close handshake",
        .fault_event = "none (a correct server logs no fault)",
        .params =
            {
                wsrepro::mock::bool_param("allow_unmasked", false,
                                          "echo unmasked client frames instead of failing the "
                                          "connection with 1002 (a lenient server)"),
            },
        .make =
            [](const wsrepro::mock::param_values& p) {
              return std::make_shared<wsrepro::mock::echo>(p);
            },
    })
