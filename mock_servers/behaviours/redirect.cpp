// redirect: answers the upgrade request with a redirect (302 by default) instead of 101, then
// keeps the connection open, closes it or resets it. A client that waits for the server to close
// first (python-websockets 11.0-13.0, seed bug 1) hangs for its whole close timeout on keep_open.

#include <string>

#include "wsrepro/mock/behaviour.hpp"
#include "wsrepro/mock/steps.hpp"

namespace wsrepro::mock {
namespace {

std::string reason_phrase(std::int64_t status) {
  switch (status) {
    case 300:
      return "Multiple Choices";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    default:
      return "Redirect";
  }
}

class redirect final : public behaviour {
 public:
  explicit redirect(const param_values& p)
      : status_(p.get_int("status")),
        location_(p.get_string("location")),
        then_(p.get_string("then")),
        delay_ms_(p.get_int("delay_ms")),
        content_length_(p.get_bool("content_length")) {}

  boost::asio::awaitable<void> run(connection& conn) override {
    const auto request = co_await conn.read_request();
    if (!request) co_return;
    std::string response = "HTTP/1.1 " + std::to_string(status_) + " " + reason_phrase(status_) +
                           "\r\nLocation: " + location_ + "\r\n";
    if (content_length_) response += "Content-Length: 0\r\n";
    response += "\r\n";
    const bool written = co_await conn.write_response(std::move(response), status_);
    if (!written) co_return;
    conn.mark_fault("redirect response written");

    co_await finish_after_http_answer(conn, then_, delay_ms_);
  }

 private:
  std::int64_t status_;
  std::string location_;
  std::string then_;
  std::int64_t delay_ms_;
  bool content_length_;
};

}  // namespace
}  // namespace wsrepro::mock

WSREPRO_REGISTER_BEHAVIOUR(
    redirect,
    {
        .name = "redirect",
        .summary =
            "Answers the upgrade with a 3xx redirect, then keeps the connection open, closes "
            "or resets it",
        .fault_event = "the redirect response has been written",
        .params =
            {
                wsrepro::mock::int_param("status", 302, 300, 399, "HTTP status of the answer"),
                wsrepro::mock::string_param("location", "ws://127.0.0.1:1/",
                                            "Location header (port 1: nothing listens there)"),
                wsrepro::mock::choice_param("then", {"keep_open", "hold", "close", "reset"},
                                            "keep_open",
                                            "after the response: keep reading until the client "
                                            "closes, hold (the same, and never close even after "
                                            "the client's FIN), close (FIN), or reset (RST)"),
                wsrepro::mock::int_param("delay_ms", 0, 0, 3'600'000,
                                         "wait this long after the response before close or reset"),
                wsrepro::mock::bool_param(
                    "content_length", true,
                    "send Content-Length: 0 (without it the body runs to EOF)"),
            },
        .make =
            [](const wsrepro::mock::param_values& p) {
              return std::make_shared<wsrepro::mock::redirect>(p);
            },
    })
