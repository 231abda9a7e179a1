#pragma once
// A TLS client for the tests of wss:// behaviours. It checks certificates the way a client under
// test should (chain against the throwaway CA, host name or IP address with OpenSSL's own checks,
// so a refusal names its reason), and bounds every step: each operation runs the io_context for
// at most the timeout, then gives up.

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "wsrepro/mock/tls.hpp"

namespace wsrepro::mock::testing {

class tls_client {
 public:
  struct options {
    bool verify = true;              ///< chain and name checks on, trusting only our CA
    std::string host = "127.0.0.1";  ///< the name (or IP) the certificate must be for
    std::chrono::milliseconds timeout = std::chrono::seconds(5);  ///< budget of each step
  };

  tls_client(std::uint16_t port, options opts)
      : opts_(std::move(opts)),
        context_(boost::asio::ssl::context::tls_client),
        stream_(make_stream()) {
    namespace net = boost::asio;
    boost::system::error_code ec;
    stream_->lowest_layer().connect({net::ip::make_address("127.0.0.1"), port}, ec);
    if (ec) throw boost::system::system_error(ec, "connect");
    stream_->lowest_layer().set_option(net::ip::tcp::no_delay(true));
  }

  /// The TLS handshake; an empty error code on success, timed_out when the server said nothing.
  boost::system::error_code handshake() {
    return bounded([this](auto done) {
      stream_->async_handshake(boost::asio::ssl::stream_base::client,
                               [done](const boost::system::error_code& ec) { done(ec); });
    });
  }

  /// Why verification refused the certificate; X509_V_OK when it did not.
  long verify_result() const { return SSL_get_verify_result(stream_->native_handle()); }

  /// True when the server's certificate is its own issuer.
  bool peer_is_self_signed() const {
    X509* cert = SSL_get0_peer_certificate(stream_->native_handle());
    return cert != nullptr &&
           X509_NAME_cmp(X509_get_subject_name(cert), X509_get_issuer_name(cert)) == 0;
  }

  bool write(std::string_view bytes) {
    const auto ec = bounded([this, bytes](auto done) {
      boost::asio::async_write(
          *stream_, boost::asio::buffer(bytes.data(), bytes.size()),
          [done](const boost::system::error_code& e, std::size_t) { done(e); });
    });
    return !ec;
  }

  /// Reads until `terminator` has arrived; nullopt on timeout, EOF or error first.
  std::optional<std::string> read_until(const std::string& terminator) {
    const auto ec = bounded([this, &terminator](auto done) {
      boost::asio::async_read_until(
          *stream_, boost::asio::dynamic_buffer(buffer_), terminator,
          [done](const boost::system::error_code& e, std::size_t) { done(e); });
    });
    if (ec) return std::nullopt;
    return take(buffer_.find(terminator) + terminator.size());
  }

  /// Reads exactly n bytes; nullopt on timeout, EOF or error first.
  std::optional<std::string> read_exactly(std::size_t n) {
    if (buffer_.size() < n) {
      const auto ec = bounded([this, n](auto done) {
        boost::asio::async_read(
            *stream_, boost::asio::dynamic_buffer(buffer_),
            boost::asio::transfer_exactly(n - buffer_.size()),
            [done](const boost::system::error_code& e, std::size_t) { done(e); });
      });
      if (ec) return std::nullopt;
    }
    return take(n);
  }

 private:
  using stream_type = boost::asio::ssl::stream<boost::asio::ip::tcp::socket>;

  std::unique_ptr<stream_type> make_stream() {
    namespace net = boost::asio;
    if (opts_.verify) {
      context_.load_verify_file(tls_material().ca_file.string());
      context_.set_verify_mode(net::ssl::verify_peer);
    } else {
      context_.set_verify_mode(net::ssl::verify_none);
    }
    auto stream = std::make_unique<stream_type>(ioc_, context_);
    SSL* ssl = stream->native_handle();
    boost::system::error_code not_an_ip;
    net::ip::make_address(opts_.host, not_an_ip);
    if (not_an_ip) SSL_set_tlsext_host_name(ssl, opts_.host.c_str());
    if (opts_.verify) {
      X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
      if (not_an_ip) {
        X509_VERIFY_PARAM_set1_host(param, opts_.host.c_str(), 0);
      } else {
        X509_VERIFY_PARAM_set1_ip_asc(param, opts_.host.c_str());
      }
    }
    return stream;
  }

  /// Starts `start(done)` and runs the loop until done() or the timeout; on timeout closes the
  /// socket (completing the operation with an error) and reports timed_out.
  template <class Start>
  boost::system::error_code bounded(Start start) {
    bool finished = false;
    boost::system::error_code result;
    start([&finished, &result](const boost::system::error_code& ec) {
      finished = true;
      result = ec;
    });
    ioc_.restart();
    ioc_.run_for(opts_.timeout);
    if (finished) return result;
    boost::system::error_code ignored;
    stream_->lowest_layer().close(ignored);
    ioc_.restart();
    ioc_.run();
    return boost::asio::error::timed_out;
  }

  std::string take(std::size_t n) {
    std::string out = buffer_.substr(0, n);
    buffer_.erase(0, n);
    return out;
  }

  options opts_;
  boost::asio::io_context ioc_;
  boost::asio::ssl::context context_;
  std::unique_ptr<stream_type> stream_;
  std::string buffer_;
};

}  // namespace wsrepro::mock::testing
