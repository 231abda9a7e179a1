#pragma once
// Internal: the upgrade request as it arrives, bytes in, a parsed request out (Beast's HTTP
// parser, bounded). Kept apart from the connection so that it can be fuzzed without sockets.

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <cstddef>
#include <string>
#include <string_view>

#include "wsrepro/mock/connection.hpp"

namespace wsrepro::mock::detail {

class request_reader {
 public:
  enum class status { need_more, done, error };

  /// A header beyond `header_limit` bytes is an error, so a client cannot make us hold more.
  explicit request_reader(std::size_t header_limit = std::size_t{64} * 1024);

  /// Takes the next bytes; `done` once the request's header is complete (an upgrade request has
  /// no body: later bytes are left over).
  status feed(std::string_view bytes);

  /// After `done`: the request, and the bytes past it (a pipelined first frame).
  upgrade_request request() const;
  std::string take_leftover() { return std::move(pending_); }
  /// After `error`: why.
  const std::string& error() const { return error_; }
  std::size_t total_bytes() const { return total_; }

 private:
  boost::beast::http::request_parser<boost::beast::http::empty_body> parser_;
  std::string pending_;
  std::string error_;
  std::size_t total_ = 0;
};

}  // namespace wsrepro::mock::detail
