#include "request_reader.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

namespace wsrepro::mock::detail {

namespace http = boost::beast::http;

request_reader::request_reader(std::size_t header_limit) {
  parser_.header_limit(static_cast<std::uint32_t>(header_limit));
}

request_reader::status request_reader::feed(std::string_view bytes) {
  if (!error_.empty()) return status::error;
  if (parser_.is_header_done()) {
    pending_.append(bytes);
    return status::done;
  }
  total_ += bytes.size();
  pending_.append(bytes);
  boost::system::error_code ec;
  const std::size_t used = parser_.put(boost::asio::buffer(pending_), ec);
  pending_.erase(0, used);
  if (ec == http::error::need_more) return status::need_more;
  if (ec) {
    error_ = ec.message();
    return status::error;
  }
  // The request is its header: an opening handshake has no body (RFC 6455 4.1), and whatever
  // follows the header belongs to the next reader. (Parsing a chunked body fed in small pieces
  // also trips an assertion in Beast 1.81's parser, fixed in Beast by PR #2861.)
  return parser_.is_header_done() ? status::done : status::need_more;
}

upgrade_request request_reader::request() const {
  const auto& msg = parser_.get();
  upgrade_request request;
  request.method = std::string(msg.method_string());
  request.target = std::string(msg.target());
  request.is_websocket_upgrade = boost::beast::websocket::is_upgrade(msg);
  request.sec_websocket_key = std::string(msg[http::field::sec_websocket_key]);
  for (const auto& field : msg) {
    request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  return request;
}

}  // namespace wsrepro::mock::detail
