#include "wsrepro/mock/server.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/strand.hpp>
#include <cerrno>
#include <chrono>
#include <stdexcept>
#include <system_error>

#include "wsrepro/mock/behaviour.hpp"
#include "wsrepro/mock/connection.hpp"

namespace wsrepro::mock {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {
/// How long the accept loop waits after running out of descriptors: the listener stays readable
/// meanwhile, so only a timer can pace the retries.
constexpr auto accept_retry_delay = std::chrono::milliseconds(50);

void emit_accept_error(timeline& log, int error, bool retrying) {
  event e;
  e.source = "server";
  e.kind = "accept_error";
  e.with("error", std::error_code(error, std::system_category()).message());
  e.with("errno", static_cast<std::int64_t>(error));
  if (retrying) {
    e.with("retry_ms", static_cast<std::int64_t>(accept_retry_delay.count()));
  } else {
    e.with("retrying", false);
  }
  log.emit(std::move(e));
}
}  // namespace

server::server(net::io_context& ioc, const behaviour_info& behaviour, param_values params,
               timeline& log, server_options options)
    : ioc_(ioc),
      behaviour_(behaviour),
      params_(std::move(params)),
      log_(log),
      options_(std::move(options)),
      acceptor_(net::make_strand(ioc)),
      accept_retry_(acceptor_.get_executor()) {}

server::~server() { stop(); }

boost::system::error_code server::start() {
  boost::system::error_code ec;
  if (options_.tls || behaviour_.requires_tls) {
    const tls_credentials& credentials = tls_credentials_for(behaviour_.identity);
    ssl_context_ = std::make_shared<net::ssl::context>(net::ssl::context::tls_server);
    ssl_context_->use_certificate_chain(net::buffer(credentials.certificate_chain_pem.data(),
                                                    credentials.certificate_chain_pem.size()),
                                        ec);
    if (ec) return ec;
    ssl_context_->use_private_key(
        net::buffer(credentials.private_key_pem.data(), credentials.private_key_pem.size()),
        net::ssl::context::pem, ec);
    if (ec) return ec;
  }
  const auto address = net::ip::make_address(options_.address, ec);
  if (ec) return ec;
  const tcp::endpoint endpoint(address, options_.port);
  protocol_ = endpoint.protocol();
  // Asio opens with plain socket(): the descriptor would be inheritable until a later fcntl, and
  // a client spawned by another thread meanwhile would keep it. SOCK_CLOEXEC leaves no window.
  const int fd = ::socket(protocol_.family(), SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
                          protocol_.protocol());
  if (fd < 0) return {errno, boost::system::system_category()};
  acceptor_.assign(protocol_, fd, ec);
  if (ec) {
    ::close(fd);
    return ec;
  }
  acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (ec) return ec;
  acceptor_.bind(endpoint, ec);
  if (ec) return ec;
  acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return ec;
  port_ = acceptor_.local_endpoint().port();

  event e;
  e.source = "server";
  e.kind = "listen";
  e.with("address", options_.address).with("port", static_cast<std::int64_t>(port_));
  e.with("behaviour", behaviour_.name).with("tls", ssl_context_ != nullptr);
  log_.emit(std::move(e));
  net::post(acceptor_.get_executor(), [this] { accept_next(); });
  return {};
}

std::string server::url() const {
  const bool v6 = options_.address.find(':') != std::string::npos;
  return std::string(ssl_context_ ? "wss://" : "ws://") +
         (v6 ? "[" + options_.address + "]" : options_.address) + ":" + std::to_string(port_) + "/";
}

void server::accept_next() {
  if (stopped_) return;
  // Not async_accept: Asio accepts with plain accept(), so the connection's descriptor would be
  // inheritable. Wait for readiness, then accept4() it close-on-exec ourselves.
  acceptor_.async_wait(tcp::acceptor::wait_read, [this](boost::system::error_code ec) {
    if (ec || stopped_) return;
    accept_ready();
  });
}

void server::accept_ready() {
  const int fd =
      ::accept4(acceptor_.native_handle(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
  if (fd >= 0) {
    accept_starving_ = false;
    start_connection(fd);
    accept_next();
    return;
  }
  const int error = errno;
  switch (error) {
    // Nothing to take after all (another wake-up took it, or the client gave up before we
    // accepted), or a signal: wait again. Linux also reports a new connection's pending network
    // error here; accept(2) asks to treat those like EAGAIN.
    case EAGAIN:
#if EWOULDBLOCK != EAGAIN
    case EWOULDBLOCK:
#endif
    case EINTR:
    case ECONNABORTED:
    case EPROTO:
    case EPERM:
    case ENETDOWN:
    case ENOPROTOOPT:
    case EHOSTDOWN:
    case ENONET:
    case EHOSTUNREACH:
    case EOPNOTSUPP:
    case ENETUNREACH:
      accept_next();
      return;
    case EMFILE:
    case ENFILE:
    case ENOBUFS:
    case ENOMEM:
      accept_starved(error);
      return;
    default:
      // The listener itself is broken: accept no more.
      if (!stopped_) emit_accept_error(log_, error, false);
      return;
  }
}

void server::accept_starved(int error) {
  // The connection stays in the backlog; it can be taken once a connection ends and frees a
  // descriptor. Until then every retry fails alike: one event per episode, not one per retry.
  if (!accept_starving_) {
    accept_starving_ = true;
    emit_accept_error(log_, error, true);
  }
  accept_retry_.expires_after(accept_retry_delay);
  accept_retry_.async_wait([this](boost::system::error_code ec) {
    if (ec || stopped_) return;
    accept_next();
  });
}

void server::start_connection(int fd) {
  // Each connection gets its own strand.
  tcp::socket socket(net::make_strand(ioc_));
  boost::system::error_code ec;
  socket.assign(protocol_, fd, ec);
  if (ec) {
    ::close(fd);
    return;
  }
  const int id = next_id_++;
  const auto peer = socket.remote_endpoint(ec);
  auto conn =
      std::make_shared<connection>(std::move(socket), id, log_, params_, options_.request_timeout);
  conn->emit("accept",
             {{"peer", ec ? std::string("?")
                          : peer.address().to_string() + ":" + std::to_string(peer.port())}});
  {
    std::lock_guard lock(connections_mutex_);
    connections_.push_back(conn);
  }
  ++open_connections_;
  std::shared_ptr<behaviour> script;
  try {
    script = behaviour_.make(params_);
  } catch (const std::exception& ex) {
    conn->emit("behaviour_error", {{"error", std::string(ex.what())}});
    conn->close();
    --open_connections_;
    return;
  }
  // The TLS handshake is the core's, unless the behaviour is about that handshake itself.
  auto* tls = behaviour_.core_tls_handshake ? ssl_context_.get() : nullptr;
  auto run = [](std::shared_ptr<connection> c, std::shared_ptr<behaviour> b,
                net::ssl::context* context) -> net::awaitable<void> {
    if (context != nullptr) {
      const bool secured = co_await c->start_tls(*context);
      if (!secured) {
        c->close();
        co_return;
      }
    }
    co_await b->run(*c);
    c->close();
  };
  net::co_spawn(conn->executor(), run(conn, std::move(script), tls),
                [this, conn](const std::exception_ptr& error) {
                  if (error) {
                    try {
                      std::rethrow_exception(error);
                    } catch (const std::exception& ex) {
                      conn->emit("behaviour_error", {{"error", std::string(ex.what())}});
                    }
                    conn->close();
                  }
                  --open_connections_;
                });
}

void server::stop() {
  if (stopped_.exchange(true)) return;
  net::post(acceptor_.get_executor(), [this] {
    boost::system::error_code ec;
    acceptor_.close(ec);
    accept_retry_.cancel();
  });
  std::vector<std::shared_ptr<connection>> live;
  {
    std::lock_guard lock(connections_mutex_);
    for (auto& weak : connections_) {
      if (auto c = weak.lock()) live.push_back(std::move(c));
    }
  }
  for (auto& c : live) {
    net::post(c->executor(), [c] { c->stop(); });
  }
}

// --- server_thread ------------------------------------------------------------------------

server_thread::server_thread(std::string_view behaviour,
                             const std::vector<std::pair<std::string, std::string>>& settings,
                             server_options options) {
  const behaviour_info& info = behaviour_named(behaviour);
  start(info, resolve_text(info, settings), std::move(options));
}

server_thread::server_thread(const typed_settings& settings, server_options options) {
  const behaviour_info& info = behaviour_named(settings.behaviour);
  start(info, resolve(info, settings), std::move(options));
}

void server_thread::start(const behaviour_info& info, param_values values, server_options options) {
  server_ = std::make_unique<server>(ioc_, info, std::move(values), log_, std::move(options));
  if (auto ec = server_->start()) throw std::system_error(ec, "mock server cannot listen");
  thread_ = std::thread([this] {
    auto guard = net::make_work_guard(ioc_);
    ioc_.run();
  });
}

server_thread::~server_thread() { stop(); }

void server_thread::stop() {
  if (!thread_.joinable()) return;
  server_->stop();
  // Let the connections see their stop, then end the loop.
  net::post(ioc_, [this] { ioc_.stop(); });
  thread_.join();
}

std::uint16_t server_thread::port() const { return server_->port(); }
std::string server_thread::url() const { return server_->url(); }

}  // namespace wsrepro::mock
