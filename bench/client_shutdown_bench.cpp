// In-process shutdown latency of a correct asynchronous Beast client: from the moment a handler
// on the client's loop aborts the pending read (or starts a graceful close) until
// io_context::run() returns. It is the floor for a client's "signal -> exit" measured by a run,
// without process start, signal delivery or the supervisor. Servers are the mock servers, on
// loopback in this process.

#include <benchmark/benchmark.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "wsrepro/common/clock.hpp"
#include "wsrepro/mock/server.hpp"

namespace wsrepro::bench {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

/// Bound on every phase: a wedged loopback fails the benchmark instead of hanging CI.
constexpr auto wait_bound = 5s;

/// The mock server, restarted once it has served `max_uses` connections: `stall` keeps every
/// connection's TCP open until it stops, so a long run would otherwise pile up sockets.
class server_pool {
 public:
  explicit server_pool(std::string behaviour) : behaviour_(std::move(behaviour)) {}

  /// The port of a server good for `connections` more connections.
  std::uint16_t port_for(int connections) {
    if (!server_ || uses_ + connections > max_uses) {
      server_.reset();  // stop the old one first: its connections close with it
      server_ = std::make_unique<mock::server_thread>(behaviour_);
      uses_ = 0;
    }
    uses_ += connections;
    return server_->port();
  }

 private:
  static constexpr int max_uses = 256;
  std::string behaviour_;
  std::unique_ptr<mock::server_thread> server_;
  int uses_ = 0;
};

/// One upgraded Beast connection. No Beast timeouts are set, so no timer of Beast's own keeps
/// run() alive; every phase is bounded by run_for instead.
struct connection {
  explicit connection(net::io_context& ioc) : ws(ioc) {}
  websocket::stream<beast::tcp_stream> ws;
  beast::flat_buffer buffer;
  bool upgraded = false;
};

/// Upgraded connections on one client loop, opened a batch at a time. Opening them
/// concurrently amortises the untimed connect and upgrade, which otherwise costs a hundred
/// times the sub-microsecond cancel being timed (and as much in run length). An idle
/// connection has no pending operation, so it never keeps run() from returning.
class connection_pool {
 public:
  explicit connection_pool(std::string behaviour) : servers_(std::move(behaviour)) {}

  net::io_context& ioc() { return ioc_; }

  /// The next upgraded connection; nullptr if a whole batch failed.
  std::unique_ptr<connection> take() {
    if (ready_.empty()) refill();
    if (ready_.empty()) return nullptr;
    auto c = std::move(ready_.back());
    ready_.pop_back();
    return c;
  }

  /// Runs the loop until it is out of work; nanoseconds from `started` (stamped by a handler)
  /// to run() returning, or -1 if `completed` is still false or the bound passed.
  std::int64_t run_and_time(const std::int64_t& started, const bool& completed) {
    ioc_.restart();
    ioc_.run_for(wait_bound);
    const std::int64_t returned = now_ns();
    if (!completed || !ioc_.stopped()) return -1;  // not out of work: the bound passed
    return returned - started;
  }

 private:
  static constexpr int batch = 64;

  void refill() {
    const tcp::endpoint server(net::ip::address_v4::loopback(), servers_.port_for(batch));
    std::vector<std::unique_ptr<connection>> opening;
    for (int i = 0; i < batch; ++i) {
      auto c = std::make_unique<connection>(ioc_);
      connection& conn = *c;
      beast::get_lowest_layer(conn.ws).async_connect(server, [&conn](beast::error_code ec) {
        if (ec) return;
        beast::error_code ignored;
        // As the reference client: no 40 ms delayed ACK in the close handshake.
        beast::get_lowest_layer(conn.ws).socket().set_option(tcp::no_delay(true), ignored);
        conn.ws.async_handshake("127.0.0.1", "/", [&conn](beast::error_code handshake_ec) {
          conn.upgraded = !handshake_ec;
        });
      });
      opening.push_back(std::move(c));
    }
    ioc_.restart();
    ioc_.run_for(wait_bound);
    for (auto& c : opening) {
      if (c->upgraded) {
        ready_.push_back(std::move(c));
      } else {
        // Aborted while still alive: their handlers run now, before the objects go.
        beast::error_code ignored;
        beast::get_lowest_layer(c->ws).socket().close(ignored);
      }
    }
    ioc_.restart();
    ioc_.poll();
    opening.clear();
  }

  net::io_context ioc_{1};  // first: connections close before the loop goes
  server_pool servers_;
  std::vector<std::unique_ptr<connection>> ready_;
};

enum class abort_kind {
  cancel,  ///< beast::get_lowest_layer(ws).cancel(): the pending read completes aborted
  close,   ///< close the socket, as the reference client's abort_connection()
};

/// A read pending on an idle connection, aborted by a handler on the loop, as a signal handler
/// running on the client's loop would. Timed from the abort to run() returning.
std::int64_t abort_pending_read(connection_pool& pool, connection& c, abort_kind kind) {
  bool read_done = false;
  c.ws.async_read(c.buffer, [&](beast::error_code, std::size_t) { read_done = true; });
  std::int64_t started = 0;
  net::post(pool.ioc(), [&] {
    started = now_ns();
    auto& layer = beast::get_lowest_layer(c.ws);
    if (kind == abort_kind::cancel) {
      layer.cancel();
    } else {
      layer.close();
    }
  });
  return pool.run_and_time(started, read_done);
}

/// Closing the socket takes microseconds: manual time, the abort -> return per iteration.
void close_socket(benchmark::State& state, const char* behaviour) {
  connection_pool pool(behaviour);
  for (auto _ : state) {
    auto c = pool.take();
    const std::int64_t took = c ? abort_pending_read(pool, *c, abort_kind::close) : -1;
    if (took < 0) {
      state.SkipWithError("no connection, or the aborted read did not return in time");
      break;
    }
    state.SetIterationTime(static_cast<double>(took) * 1e-9);
  }
}
BENCHMARK_CAPTURE(close_socket, echo, "echo")
    ->Name("client_shutdown/close_socket/echo")
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(close_socket, stall, "stall")
    ->Name("client_shutdown/close_socket/stall")
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

/// A cancel takes well under a microsecond, a hundredth of the untimed connect and upgrade
/// each iteration needs: with manual time, --benchmark_min_time=0.5 would mean a million
/// connections per repetition. So the time column is the whole iteration (its connection
/// included) and the cancel -> return latency is the counter `cancel_to_return_us`.
void cancel_read(benchmark::State& state, const char* behaviour) {
  connection_pool pool(behaviour);
  std::int64_t total_ns = 0;
  for (auto _ : state) {
    auto c = pool.take();
    const std::int64_t took = c ? abort_pending_read(pool, *c, abort_kind::cancel) : -1;
    if (took < 0) {
      state.SkipWithError("no connection, or the cancelled read did not return in time");
      break;
    }
    total_ns += took;
  }
  state.counters["cancel_to_return_us"] =
      benchmark::Counter(static_cast<double>(total_ns) * 1e-3, benchmark::Counter::kAvgIterations);
}
BENCHMARK_CAPTURE(cancel_read, echo, "echo")
    ->Name("client_shutdown/cancel_read/echo")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(cancel_read, stall, "stall")
    ->Name("client_shutdown/cancel_read/stall")
    ->Unit(benchmark::kMicrosecond);

/// A graceful close against a correct server: our close frame, the server's close frame, the
/// server's FIN (Beast's client waits for it), then run() returns. A loopback round trip
/// through the server's thread.
void graceful_close(benchmark::State& state) {
  connection_pool pool("echo");
  for (auto _ : state) {
    auto c = pool.take();
    if (!c) {
      state.SkipWithError("connect or upgrade failed");
      break;
    }
    bool closed = false;
    std::int64_t started = 0;
    net::post(pool.ioc(), [&] {
      started = now_ns();
      c->ws.async_close(websocket::close_code::normal, [&](beast::error_code ec) { closed = !ec; });
    });
    const std::int64_t took = pool.run_and_time(started, closed);
    if (took < 0) {
      state.SkipWithError("the close handshake did not finish in time");
      break;
    }
    state.SetIterationTime(static_cast<double>(took) * 1e-9);
  }
}
BENCHMARK(graceful_close)
    ->Name("client_shutdown/async_close/echo")
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace wsrepro::bench
