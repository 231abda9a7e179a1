#pragma once
// Throwaway TLS identities for wss:// mock servers, made with OpenSSL once per process: a CA
// (EC P-256, key usage and key identifiers set) and leaf certificates it signs. The CA file is
// what clients are told to trust ({ca_file}, SSL_CERT_FILE, NODE_EXTRA_CA_CERTS).

#include <filesystem>
#include <memory>
#include <string>

namespace wsrepro::mock {

/// Which certificate a TLS server presents.
enum class tls_identity {
  trusted,      ///< leaf for 127.0.0.1, ::1 and localhost, signed by the CA clients trust
  self_signed,  ///< the same names, signed by nobody a client trusts (tls_untrusted)
  wrong_host,   ///< signed by the trusted CA, but for another name (tls_wrong_host)
};

struct tls_files {
  std::filesystem::path ca_file;  ///< PEM: the CA certificate clients should trust
  std::filesystem::path directory;
};

/// Creates (once per process; thread-safe) the CA and the leaves under a fresh directory in
/// TMPDIR, removed at exit. Throws std::runtime_error when OpenSSL fails.
const tls_files& tls_material();

/// PEM certificate chain and private key of one identity.
struct tls_credentials {
  std::string certificate_chain_pem;
  std::string private_key_pem;
};
const tls_credentials& tls_credentials_for(tls_identity identity);

}  // namespace wsrepro::mock
