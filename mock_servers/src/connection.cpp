#include "wsrepro/mock/connection.hpp"

#include "request_reader.hpp"

#include <openssl/evp.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <cstdio>
#include <map>
#include <mutex>

namespace wsrepro::mock {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

std::string websocket_accept_key(std::string_view client_key) {
  static constexpr std::string_view guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  std::string input(client_key);
  input.append(guid);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digest_size = 0;
  EVP_Digest(input.data(), input.size(), digest.data(), &digest_size, EVP_sha1(), nullptr);
  std::array<unsigned char, 64> encoded{};
  const int n = EVP_EncodeBlock(encoded.data(), digest.data(), static_cast<int>(digest_size));
  return {reinterpret_cast<const char*>(encoded.data()), static_cast<std::size_t>(n)};
}

connection::connection(tcp::socket socket, int id, timeline& log, const param_values& params,
                       std::chrono::milliseconds request_timeout)
    : socket_(std::move(socket)),
      id_(id),
      log_(log),
      params_(params),
      request_timeout_(request_timeout) {
  boost::system::error_code ignored;
  // Without TCP_NODELAY a close handshake on loopback waits for a delayed ACK (~40 ms), which
  // would pollute every hang_ms.
  socket_.set_option(tcp::no_delay(true), ignored);
}

struct connection::tls_layer {
  explicit tls_layer(tcp::socket& socket, net::ssl::context& context) : stream(socket, context) {}
  net::ssl::stream<tcp::socket&> stream;
};

connection::~connection() = default;

net::awaitable<bool> connection::start_tls(net::ssl::context& context) {
  tls_ = std::make_unique<tls_layer>(socket_, context);
  auto [ec] = co_await tls_->stream.async_handshake(net::ssl::stream_base::server, use_tuple);
  if (ec) {
    emit("tls_error", {{"error", ec.message()}});
    co_return false;
  }
  emit("tls_handshake", {{"version", std::string(SSL_get_version(tls_->stream.native_handle()))}});
  co_return true;
}

namespace {
/// One server context per identity for the whole process: an SSL_CTX, once set up, may be shared
/// by every connection on every thread.
net::ssl::context& server_context(tls_identity identity) {
  static std::mutex mutex;
  static std::map<tls_identity, net::ssl::context> contexts;
  const std::lock_guard lock(mutex);
  if (auto found = contexts.find(identity); found != contexts.end()) return found->second;
  net::ssl::context context(net::ssl::context::tls_server);
  const tls_credentials& credentials = tls_credentials_for(identity);
  context.use_certificate_chain(net::buffer(credentials.certificate_chain_pem));
  context.use_private_key(net::buffer(credentials.private_key_pem), net::ssl::context::pem);
  return contexts.emplace(identity, std::move(context)).first->second;
}
}  // namespace

net::awaitable<bool> connection::start_tls(tls_identity identity) {
  co_return co_await start_tls(server_context(identity));
}

void connection::emit(std::string kind, std::vector<std::pair<std::string, attr_value>> attrs) {
  event e;
  e.source = "server";
  e.kind = std::move(kind);
  e.connection = id_;
  e.attrs = std::move(attrs);
  log_.emit(std::move(e));
}

net::awaitable<bool> connection::read_some(std::string& out) {
  // After the peer's FIN or RST another read would wait forever (Asio's epoll reactor is
  // edge-triggered and no new readiness comes), so the end is remembered and reported at once.
  if (read_ended_) {
    out.clear();
    co_return false;
  }
  std::array<char, std::size_t{16} * 1024> buffer{};
  // Two statements, not a conditional: GCC 12 mishandles co_await in conditions.
  std::tuple<boost::system::error_code, std::size_t> result;
  if (tls_) {
    result = co_await tls_->stream.async_read_some(net::buffer(buffer), use_tuple);
  } else {
    result = co_await socket_.async_read_some(net::buffer(buffer), use_tuple);
  }
  const auto [ec, n] = result;
  out.assign(buffer.data(), n);
  log_.wire().record(id_, true, out);
  if (!ec) co_return true;
  read_ended_ = ec == net::error::eof || ec == net::ssl::error::stream_truncated ||
                ec == net::error::connection_reset;
  if (!read_end_logged_ && !stopped_) {
    read_end_logged_ = true;
    // A TLS peer that closes TCP without close_notify reports a truncated stream: still a FIN.
    if (ec == net::error::eof || ec == net::ssl::error::stream_truncated) {
      emit("fin_in");
    } else if (ec == net::error::connection_reset) {
      emit("rst_in");
    } else if (ec != net::error::operation_aborted && ec != net::error::bad_descriptor) {
      emit("read_error", {{"error", ec.message()}});
    }
  }
  co_return false;
}

net::awaitable<bool> connection::write_all(std::string_view bytes) {
  const std::array<std::string_view, 1> pieces{bytes};
  co_return co_await write_all(pieces);
}

net::awaitable<bool> connection::write_bytes(std::span<const std::string_view> pieces) {
  co_return co_await write_all(pieces);
}

net::awaitable<bool> connection::write_all(std::span<const std::string_view> pieces) {
  if (stopped_ || failed_) co_return false;
  if (writing_) {
    // Wait for our turn; the writer before us hands the gate over (writing_ stays true).
    net::steady_timer turn(socket_.get_executor(), net::steady_timer::time_point::max());
    write_waiters_.push_back(&turn);
    co_await turn.async_wait(use_tuple);
    if (stopped_) co_return false;
    if (failed_) {
      // Nothing may follow the close frame that failed the connection.
      pass_write_turn();
      co_return false;
    }
  }
  writing_ = true;
  std::vector<net::const_buffer> buffers;
  buffers.reserve(pieces.size());
  for (const auto piece : pieces) buffers.emplace_back(piece.data(), piece.size());
  std::tuple<boost::system::error_code, std::size_t> result;
  if (tls_) {
    result = co_await net::async_write(tls_->stream, buffers, use_tuple);
  } else {
    result = co_await net::async_write(socket_, buffers, use_tuple);
  }
  const auto [ec, n] = result;
  pass_write_turn();
  // What reached the socket (all of it unless the write failed part way).
  for (std::size_t left = n; const auto piece : pieces) {
    log_.wire().record(id_, false, piece.substr(0, std::min(left, piece.size())));
    left -= std::min(left, piece.size());
  }
  if (ec) {
    if (!stopped_) {
      emit("write_error",
           {{"error", ec.message()}, {"written_bytes", static_cast<std::int64_t>(n)}});
    }
    co_return false;
  }
  co_return true;
}

void connection::pass_write_turn() {
  if (write_waiters_.empty()) {
    writing_ = false;
    return;
  }
  net::steady_timer* next = write_waiters_.front();
  write_waiters_.pop_front();
  next->cancel();
}

namespace {
/// Between read_request() and its deadline timer, whose handler may still run after
/// read_request() returned (its expiry already queued): `over` then tells it to touch nothing.
struct request_deadline {
  bool expired = false;
  bool over = false;
};
}  // namespace

net::awaitable<std::optional<upgrade_request>> connection::read_request() {
  // Bounds what a client can make us hold: a longer header is refused (bad_request).
  detail::request_reader reader(std::size_t{64} * 1024);
  // A client that never finishes its request (slowloris, or a half-open peer) would hold the
  // connection for ever: the whole request must be in within the timeout, however it drips.
  const auto deadline = std::make_shared<request_deadline>();
  struct end_of_request {
    request_deadline& state;
    ~end_of_request() { state.over = true; }
  } end_guard{*deadline};
  net::steady_timer timer(socket_.get_executor());
  if (request_timeout_.count() > 0) {
    timer.expires_after(request_timeout_);
    timer.async_wait([this, deadline](boost::system::error_code ec) {
      if (ec || deadline->over) return;
      deadline->expired = true;
      boost::system::error_code ignored;
      socket_.cancel(ignored);  // ends the read in progress (TLS included)
    });
  }
  for (;;) {
    if (deadline->expired) {
      emit("request_timeout", {{"timeout_ms", static_cast<std::int64_t>(request_timeout_.count())},
                               {"bytes", static_cast<std::int64_t>(reader.total_bytes())}});
      close();
      co_return std::nullopt;
    }
    std::string chunk;
    const bool got = co_await read_some(chunk);
    if (!got && deadline->expired) continue;  // cancelled by the deadline: logged above
    if (!got) co_return std::nullopt;
    const auto status = reader.feed(chunk);
    if (status == detail::request_reader::status::done) break;
    if (status == detail::request_reader::status::error) {
      emit("bad_request",
           {{"error", reader.error()}, {"bytes", static_cast<std::int64_t>(reader.total_bytes())}});
      co_return std::nullopt;
    }
  }
  // Bytes past the request (a client that pipelines its first frame) belong to the frame reader.
  parser_.feed(reader.take_leftover());
  upgrade_request request = reader.request();
  emit("request", {{"method", request.method},
                   {"target", request.target},
                   {"upgrade", request.is_websocket_upgrade},
                   {"bytes", static_cast<std::int64_t>(reader.total_bytes())}});
  co_return request;
}

std::string connection::switching_protocols_response(const upgrade_request& request) {
  return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Accept: " +
         websocket_accept_key(request.sec_websocket_key) + "\r\n\r\n";
}

net::awaitable<bool> connection::accept_upgrade(const upgrade_request& request) {
  co_return co_await write_response(switching_protocols_response(request), 101);
}

net::awaitable<bool> connection::write_raw(std::string bytes, std::string kind) {
  const bool written = co_await write_all(bytes);
  if (!written) co_return false;
  emit(std::move(kind), {{"bytes", static_cast<std::int64_t>(bytes.size())}});
  co_return true;
}

net::awaitable<bool> connection::write_response(std::string bytes, std::int64_t status) {
  const bool written = co_await write_all(bytes);
  if (!written) co_return false;
  emit("response", {{"status", status}, {"bytes", static_cast<std::int64_t>(bytes.size())}});
  co_return true;
}

namespace {
/// Bytes as text for a timeline: printable ASCII kept, anything else as \xHH.
std::string printable(std::string_view bytes) {
  std::string out;
  for (const char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f && c != '\\') {
      out.push_back(c);
    } else {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", u);
      out += escaped;
    }
  }
  return out;
}

std::vector<std::pair<std::string, attr_value>> frame_attrs(const frame& f) {
  std::vector<std::pair<std::string, attr_value>> attrs{
      {"opcode", opcode_name(f.opcode)},
      {"bytes", static_cast<std::int64_t>(f.payload.size())},
      {"fin", f.fin},
      {"masked", f.masked}};
  if (f.rsv != 0) attrs.emplace_back("rsv", static_cast<std::int64_t>(f.rsv));
  if (f.opcode == opcodes::close) {
    if (auto code = close_code(f.payload))
      attrs.emplace_back("code", static_cast<std::int64_t>(*code));
    if (f.payload.size() > 2) attrs.emplace_back("reason", printable(f.payload.substr(2, 123)));
  } else if (!f.payload.empty()) {
    // The first bytes say what the frame was without keeping all of it.
    attrs.emplace_back("head", printable(f.payload.substr(0, 32)));
  }
  return attrs;
}
}  // namespace

net::awaitable<std::optional<frame>> connection::read_frame() {
  if (failed_) co_return std::nullopt;
  for (;;) {
    frame f;
    std::string error;
    switch (parser_.next(f, error)) {
      case frame_parser::status::frame:
        emit("frame_in", frame_attrs(f));
        // Checked here, where every behaviour's frames come in, so that none can forget it.
        if (!f.masked && !allow_unmasked_) {
          co_await fail_connection(1002, "client frame not masked (RFC 6455 5.1)");
          co_return std::nullopt;
        }
        co_return f;
      case frame_parser::status::error:
        emit("bad_frame", {{"error", error}});
        co_return std::nullopt;
      case frame_parser::status::need_more:
        break;
    }
    std::string chunk;
    const bool got = co_await read_some(chunk);
    if (!got) co_return std::nullopt;
    parser_.feed(chunk);
  }
}

net::awaitable<bool> connection::write_frame(const frame& f, const encode_options& options) {
  const std::string bytes = encode_frame(f, options);
  const bool written = co_await write_all(bytes);
  if (!written) co_return false;
  log_frame_out(f);
  co_return true;
}

void connection::log_frame_out(const frame& f) {
  if (f.opcode == opcodes::close) close_sent_ = true;
  emit("frame_out", frame_attrs(f));
}

net::awaitable<void> connection::fail_connection(std::uint16_t code, std::string reason) {
  emit("protocol_error", {{"reason", reason}, {"code", static_cast<std::int64_t>(code)}});
  // As complete_close() ends a connection: the close frame (if ours may still go out), FIN
  // (the server closes TCP first, RFC 6455 7.1.1), then read until the client's end.
  if (!close_sent_ && !fin_sent_) {
    frame close;
    close.opcode = opcodes::close;
    close.payload = close_payload(code);
    co_await write_frame(close);
  }
  // Set once our close frame is out: writers queued behind it now fail, and no later frame is
  // read or echoed.
  failed_ = true;
  if (!fin_sent_ && socket_.is_open()) shutdown_send();
  co_await read_until_eof();
}

net::awaitable<void> connection::read_until_eof() {
  std::string chunk;
  for (;;) {
    const bool got = co_await read_some(chunk);
    if (!got) break;
    emit("data_in", {{"bytes", static_cast<std::int64_t>(chunk.size())}});
  }
}

net::awaitable<bool> connection::sleep_for(std::chrono::milliseconds duration) {
  if (stopped_) co_return false;
  net::steady_timer timer(socket_.get_executor(), duration);
  sleeping_.push_back(&timer);
  auto [ec] = co_await timer.async_wait(use_tuple);
  std::erase(sleeping_, &timer);
  co_return !ec && !stopped_;
}

void connection::mark_fault(std::string_view what) { emit("fault", {{"what", std::string(what)}}); }

void connection::shutdown_send() {
  fin_sent_ = true;
  boost::system::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_send, ec);
  // A failed shutdown usually means the client already reset the connection: say so, rather
  // than let the timeline suggest an orderly FIN.
  if (ec) {
    emit("fin_out_error", {{"error", ec.message()}});
  } else {
    emit("fin_out");
  }
}

void connection::reset() {
  if (!socket_.is_open()) return;
  boost::system::error_code ec;
  socket_.set_option(net::socket_base::linger(true, 0), ec);
  socket_.close(ec);
  emit("rst_out");
}

void connection::close() {
  if (!socket_.is_open()) return;
  boost::system::error_code ec;
  socket_.close(ec);
  emit("close");
}

void connection::stop() {
  stopped_ = true;
  for (auto* timer : sleeping_) timer->cancel();
  for (auto* waiter : write_waiters_) waiter->cancel();
  write_waiters_.clear();
  if (!socket_.is_open()) return;
  boost::system::error_code ec;
  socket_.close(ec);
  emit("close", {{"by", std::string("server_stop")}});
}

}  // namespace wsrepro::mock
