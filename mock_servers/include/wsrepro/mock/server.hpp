#pragma once
// A mock WebSocket server: one behaviour, a listener on loopback (port 0 unless told), a strand
// per connection, every event on the caller's timeline. `server` runs on the caller's
// io_context (the runner's); `server_thread` brings its own thread, for use inside a test.
// Every socket it opens is close-on-exec from birth: the process that runs it also spawns the
// clients under test, and a child that inherited a server socket would keep the connection open
// after the server closed it.

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "wsrepro/common/timeline.hpp"
#include "wsrepro/mock/params.hpp"
#include "wsrepro/mock/registry.hpp"

namespace boost::asio::ssl {
class context;
}

namespace wsrepro::mock {

class connection;

struct server_options {
  std::string address = "127.0.0.1";  ///< loopback only, by design
  std::uint16_t port = 0;             ///< 0: the kernel picks a free port
  bool tls = false;                   ///< wss://: any behaviour behind TLS (see tls.hpp)
  /// How long a behaviour's read of the upgrade request may take in all, from its first byte
  /// wanted to its last (a client that never finishes it: slowloris); 0: no limit. On expiry
  /// the connection is logged (`server.request_timeout`) and closed.
  std::chrono::milliseconds request_timeout = std::chrono::seconds(30);
};

class server {
 public:
  server(boost::asio::io_context& ioc, const behaviour_info& behaviour, param_values params,
         timeline& log, server_options options = {});
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// Binds and starts accepting; logs `server.listen`.
  boost::system::error_code start();
  std::uint16_t port() const { return port_; }
  bool tls() const { return ssl_context_ != nullptr; }
  /// ws://ADDRESS:PORT/ or wss://... (IPv6 addresses in brackets).
  std::string url() const;
  /// Closes the listener and every connection. Safe from any thread; idempotent.
  void stop();
  /// Connections accepted and not yet finished.
  int open_connections() const { return open_connections_.load(); }

 private:
  void accept_next();
  /// The listener is readable: accept4() one connection (close-on-exec), then wait again.
  void accept_ready();
  /// accept4() failed for want of descriptors or memory: log it once per episode, retry later.
  void accept_starved(int error);
  void start_connection(int fd);

  boost::asio::io_context& ioc_;
  const behaviour_info& behaviour_;
  param_values params_;
  timeline& log_;
  server_options options_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::ip::tcp protocol_ = boost::asio::ip::tcp::v4();
  boost::asio::steady_timer accept_retry_;  ///< on the acceptor's strand
  bool accept_starving_ = false;            ///< an accept_error episode is under way
  std::shared_ptr<boost::asio::ssl::context> ssl_context_;
  std::uint16_t port_ = 0;
  int next_id_ = 1;
  std::atomic<int> open_connections_{0};
  std::atomic<bool> stopped_{false};
  std::mutex connections_mutex_;
  std::vector<std::weak_ptr<connection>> connections_;
};

/// A server on its own thread, for tests and library users:
///
///   wsrepro::mock::server_thread srv(wsrepro::mock::behaviours::stall{.mode = "discard"});
///   connect_my_client(srv.url());
///   auto stalled = srv.events().wait_for("server.fault", std::chrono::seconds(2));
class server_thread {
 public:
  /// Throws std::invalid_argument for an unknown behaviour or a bad parameter, and
  /// std::system_error when it cannot listen.
  explicit server_thread(std::string_view behaviour,
                         const std::vector<std::pair<std::string, std::string>>& settings = {},
                         server_options options = {});
  /// Typed: `server_thread srv(behaviours::redirect{.status = 307});` (wsrepro/mock/
  /// behaviours.hpp), where a misspelt parameter does not compile. Throws as above.
  explicit server_thread(const typed_settings& settings, server_options options = {});
  ~server_thread();
  server_thread(const server_thread&) = delete;
  server_thread& operator=(const server_thread&) = delete;

  std::uint16_t port() const;
  std::string url() const;
  timeline& events() { return log_; }
  void stop();

 private:
  void start(const behaviour_info& info, param_values values, server_options options);

  timeline log_;
  boost::asio::io_context ioc_;
  std::unique_ptr<server> server_;
  std::thread thread_;
};

}  // namespace wsrepro::mock
