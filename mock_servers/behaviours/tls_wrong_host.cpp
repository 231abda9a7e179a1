// tls_wrong_host: a wss:// server whose certificate is signed by the CA clients trust, but for
// another name (wrong.invalid). A correct client checks the host name, refuses it in the TLS
// handshake and fails at once; one that checks only the chain gets an echo server. The fault is
// logged before the handshake, so it is there whatever the client does with the certificate.

#include "wsrepro/mock/behaviour.hpp"
#include "wsrepro/mock/steps.hpp"

namespace wsrepro::mock {
namespace {

constexpr tls_identity wrong_host_identity = tls_identity::wrong_host;

class tls_wrong_host final : public behaviour {
 public:
  boost::asio::awaitable<void> run(connection& conn) override {
    co_await present_certificate_then_echo(
        conn, wrong_host_identity,
        "certificate for another host about to be presented (TCP accepted)");
  }
};

}  // namespace
}  // namespace wsrepro::mock

WSREPRO_REGISTER_BEHAVIOUR(
    tls_wrong_host,
    {
        .name = "tls_wrong_host",
        .summary = "wss:// with a trusted certificate for another host name; an echo server to "
                   "a client that accepts it",
        .fault_event = "the TCP connection has been accepted, before the TLS handshake (the "
                       "certificate goes out right after the client's ClientHello)",
        .params = {},
        .requires_tls = true,
        .identity = wsrepro::mock::wrong_host_identity,
        .core_tls_handshake = false,
        .make =
            [](const wsrepro::mock::param_values&) {
              return std::make_shared<wsrepro::mock::tls_wrong_host>();
            },
    })
