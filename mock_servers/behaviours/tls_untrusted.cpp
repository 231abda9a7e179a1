// tls_untrusted: a wss:// server whose certificate is self-signed, trusted by nobody. A correct
// client refuses it in the TLS handshake and fails at once; one that does not verify certificates
// gets an echo server. The fault is logged before the handshake, so it is there whatever the
// client does with the certificate.

#include "wsrepro/mock/behaviour.hpp"
#include "wsrepro/mock/steps.hpp"

namespace wsrepro::mock {
namespace {

constexpr tls_identity untrusted_identity = tls_identity::self_signed;

class tls_untrusted final : public behaviour {
 public:
  boost::asio::awaitable<void> run(connection& conn) override {
    co_await present_certificate_then_echo(
        conn, untrusted_identity, "self-signed certificate about to be presented (TCP accepted)");
  }
};

}  // namespace
}  // namespace wsrepro::mock

WSREPRO_REGISTER_BEHAVIOUR(
    tls_untrusted,
    {
        .name = "tls_untrusted",
        .summary = "wss:// with a self-signed certificate; an echo server to a client that "
                   "accepts it",
        .fault_event = "the TCP connection has been accepted, before the TLS handshake (the "
                       "certificate goes out right after the client's ClientHello)",
        .params = {},
        .requires_tls = true,
        .identity = wsrepro::mock::untrusted_identity,
        .core_tls_handshake = false,
        .make =
            [](const wsrepro::mock::param_values&) {
              return std::make_shared<wsrepro::mock::tls_untrusted>();
            },
    })
