// junk_response: answers the upgrade request with bytes that are not HTTP (by default an SSH
// server's banner, as when a URL points at the wrong port), then keeps the connection open and
// keeps reading. A client that checks the status line fails at once; one whose HTTP parser
// waits for a complete header (an empty line that never comes) waits for its open timeout, and
// one without an open timeout hangs.

#include <string>
#include <string_view>

#include "wsrepro/mock/behaviour.hpp"

namespace wsrepro::mock {
namespace {

class junk_response final : public behaviour {
 public:
  explicit junk_response(const param_values& p)
      : bytes_(unescape(p.get_string("bytes"), escapes::bytes)) {}

  boost::asio::awaitable<void> run(connection& conn) override {
    const auto request = co_await conn.read_request();
    if (!request) co_return;
    const bool written = co_await conn.write_raw(bytes_);
    if (!written) co_return;
    conn.mark_fault("non-HTTP answer written");
    co_await conn.read_until_eof();
  }

 private:
  std::string bytes_;
};

}  // namespace
}  // namespace wsrepro::mock

WSREPRO_REGISTER_BEHAVIOUR(
    junk_response,
    {
        .name = "junk_response",
        .summary = "Answers the upgrade with bytes that are not HTTP (an SSH banner), then keeps "
                   "the connection open",
        .fault_event = "the junk bytes have been written",
        .params =
            {
                wsrepro::mock::string_param(
                    "bytes", "SSH-2.0-OpenSSH_9.0\\r\\n",
                    "what to answer; \\r \\n \\t \\0 \\\\ and \\xHH are unescaped"),
            },
        .make =
            [](const wsrepro::mock::param_values& p) {
              return std::make_shared<wsrepro::mock::junk_response>(p);
            },
    })
