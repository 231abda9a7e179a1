#pragma once
// The one small interface every behaviour implements: a per-connection script, written as a
// linear coroutine against the connection's plumbing. The server core knows no behaviour by name.
//
// GCC 12 miscompiles `co_await` inside an `if`/`while` condition (and inside braced
// initializers): the coroutine crashes on resume. Always bind the result to a named local first:
//   const bool written = co_await conn.write_frame(f);
//   if (!written) co_return;

#include <boost/asio/awaitable.hpp>

#include "wsrepro/mock/connection.hpp"
#include "wsrepro/mock/registry.hpp"

namespace wsrepro::mock {

class behaviour {
 public:
  virtual ~behaviour() = default;
  /// Runs on the connection's strand. When it returns, the core closes whatever is left open.
  virtual boost::asio::awaitable<void> run(connection& conn) = 0;
};

}  // namespace wsrepro::mock
