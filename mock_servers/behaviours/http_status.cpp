// http_status: answers the upgrade request with any HTTP status, extra headers and a body, with
// or without Content-Length, then keeps the connection open, closes it or resets it. The general
// form of `redirect`: a 503 with Retry-After, a 401, a 426, a 200 from a plain web server. With
// Content-Length the answer is complete and a client must fail at once; without it the body runs
// to end of file, and a client that waits (for EOF or its open timeout) is correct HTTP.

#include <boost/beast/http/status.hpp>
#include <string>
#include <string_view>

#include "wsrepro/mock/behaviour.hpp"
#include "wsrepro/mock/steps.hpp"

namespace wsrepro::mock {
namespace {

// One header line per line of `header` (LF or CRLF separated), each ended with CRLF on the wire.
std::string header_lines(std::string_view header) {
  std::string out;
  const std::string text = unescape(header);
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (!line.empty()) {
      out.append(line);
      out += "\r\n";
    }
    start = end + 1;
  }
  return out;
}

std::string standard_reason(std::int64_t status) {
  namespace http = boost::beast::http;
  const auto known = http::int_to_status(static_cast<unsigned>(status));
  if (known == http::status::unknown) return "Unknown";
  const auto reason = http::obsolete_reason(known);
  return {reason.data(), reason.size()};
}

class http_status final : public behaviour {
 public:
  explicit http_status(const param_values& p)
      : status_(p.get_int("status")),
        reason_(p.get_string("reason")),
        header_(p.get_string("header")),
        body_(unescape(p.get_string("body"))),
        content_length_(p.get_bool("content_length")),
        then_(p.get_string("then")),
        delay_ms_(p.get_int("delay_ms")) {}

  boost::asio::awaitable<void> run(connection& conn) override {
    const auto request = co_await conn.read_request();
    if (!request) co_return;
    // One write, so the client sees the whole answer at once.
    std::string response = "HTTP/1.1 " + std::to_string(status_) + " " +
                           (reason_.empty() ? standard_reason(status_) : reason_) + "\r\n" +
                           header_lines(header_);
    if (content_length_) response += "Content-Length: " + std::to_string(body_.size()) + "\r\n";
    response += "\r\n" + body_;
    const bool written = co_await conn.write_response(std::move(response), status_);
    if (!written) co_return;
    conn.mark_fault("HTTP " + std::to_string(status_) + " response written");

    co_await finish_after_http_answer(conn, then_, delay_ms_);
  }

 private:
  std::int64_t status_;
  std::string reason_;
  std::string header_;
  std::string body_;
  bool content_length_;
  std::string then_;
  std::int64_t delay_ms_;
};

}  // namespace
}  // namespace wsrepro::mock

WSREPRO_REGISTER_BEHAVIOUR(
    http_status,
    {
        .name = "http_status",
        .summary = "Answers the upgrade with any HTTP status, headers and body, then keeps the "
                   "connection open, closes or resets it",
        .fault_event = "the response has been written",
        .params =
            {
                wsrepro::mock::int_param("status", 503, 100, 599, "HTTP status of the answer"),
                wsrepro::mock::string_param("reason", "",
                                            "reason phrase (empty: the standard one for status)"),
                wsrepro::mock::string_param(
                    "header", "",
                    "extra header lines, several separated by \\n (e.g. 'Retry-After: 1')"),
                wsrepro::mock::string_param("body", "wsrepro: refused\\n",
                                            "response body; \\r \\n \\t \\\\ are unescaped"),
                wsrepro::mock::bool_param("content_length", true,
                                          "send Content-Length (without it the body runs to EOF)"),
                wsrepro::mock::choice_param("then", {"keep_open", "hold", "close", "reset"},
                                            "keep_open",
                                            "after the response: keep reading until the client "
                                            "closes, hold (the same, and never close even after "
                                            "the client's FIN), close (FIN), or reset (RST)"),
                wsrepro::mock::int_param("delay_ms", 0, 0, 3'600'000,
                                         "wait this long after the response before close or reset"),
            },
        .make =
            [](const wsrepro::mock::param_values& p) {
              return std::make_shared<wsrepro::mock::http_status>(p);
            },
    })
