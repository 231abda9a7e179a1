#include "wsrepro/mock/tls.hpp"

#include "wsrepro/common/files.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <system_error>

namespace wsrepro::mock {

namespace fs = std::filesystem;

namespace {

struct evp_key_deleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct x509_deleter {
  void operator()(X509* x) const { X509_free(x); }
};
using key_ptr = std::unique_ptr<EVP_PKEY, evp_key_deleter>;
using cert_ptr = std::unique_ptr<X509, x509_deleter>;

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error("TLS material: " + what + " failed");
}

key_ptr new_key() {
  key_ptr key(EVP_EC_gen("P-256"));
  if (!key) fail("EC P-256 key generation");
  return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr || X509_add_ext(cert, ext, -1) != 1) fail(std::string("extension ") + value);
  X509_EXTENSION_free(ext);
}

/// A certificate for `common_name` with `key`, signed by `issuer`/`issuer_key` (or self-signed
/// when issuer is null).
cert_ptr make_certificate(EVP_PKEY* key, const std::string& common_name, X509* issuer,
                          EVP_PKEY* issuer_key, bool is_ca, const char* subject_alt_names,
                          long serial) {
  cert_ptr cert(X509_new());
  if (!cert) fail("X509_new");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 7L * 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("wsrepro (throwaway)"), -1, -1,
                             0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509* signer = issuer != nullptr ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  if (is_ca) {
    add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
    add_extension(cert.get(), signer, NID_key_usage, "critical,digitalSignature");
    add_extension(cert.get(), signer, NID_ext_key_usage, "serverAuth");
    add_extension(cert.get(), signer, NID_subject_alt_name, subject_alt_names);
  }
  add_extension(cert.get(), signer, NID_subject_key_identifier, "hash");
  if (issuer != nullptr || is_ca) {
    add_extension(cert.get(), signer, NID_authority_key_identifier, "keyid:always");
  }
  if (X509_sign(cert.get(), issuer_key != nullptr ? issuer_key : key, EVP_sha256()) == 0) {
    fail("signing " + common_name);
  }
  return cert;
}

std::string to_pem(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  return out;
}

std::string to_pem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  return out;
}

void write_file(const fs::path& path, const std::string& text) {
  // Close-on-exec (a client started meanwhile must not inherit it) and renamed into place whole.
  try {
    atomic_file out(path);
    out.stream() << text;
    out.commit();
  } catch (const std::system_error& e) {
    fail("writing " + path.string() + ": " + e.what());
  }
}

struct material {
  tls_files files;
  tls_credentials trusted;
  tls_credentials self_signed;
  tls_credentials wrong_host;
};

fs::path created_directory;

void remove_directory_at_exit() {
  std::error_code ec;
  if (!created_directory.empty()) fs::remove_all(created_directory, ec);
}

material create() {
  material m;
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      (tmp != nullptr && *tmp != '\0' ? std::string(tmp) : "/tmp") + "/wsrepro-tls-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) fail("mkdtemp");
  m.files.directory = pattern;
  created_directory = pattern;
  std::atexit(remove_directory_at_exit);

  const key_ptr ca_key = new_key();
  const cert_ptr ca =
      make_certificate(ca_key.get(), "wsrepro throwaway CA", nullptr, nullptr, true, nullptr, 1);
  const char* loopback_names = "IP:127.0.0.1,IP:::1,DNS:localhost";

  const key_ptr leaf_key = new_key();
  const cert_ptr leaf = make_certificate(leaf_key.get(), "localhost", ca.get(), ca_key.get(), false,
                                         loopback_names, 2);
  m.trusted = {to_pem(leaf.get()) + to_pem(ca.get()), to_pem(leaf_key.get())};

  const key_ptr wrong_key = new_key();
  const cert_ptr wrong = make_certificate(wrong_key.get(), "wrong.invalid", ca.get(), ca_key.get(),
                                          false, "DNS:wrong.invalid", 3);
  m.wrong_host = {to_pem(wrong.get()) + to_pem(ca.get()), to_pem(wrong_key.get())};

  // Self-signed: a leaf that is its own issuer, trusted by nobody.
  const key_ptr lone_key = new_key();
  cert_ptr lone(X509_new());
  lone = make_certificate(lone_key.get(), "localhost", nullptr, nullptr, false, loopback_names, 4);
  m.self_signed = {to_pem(lone.get()), to_pem(lone_key.get())};

  m.files.ca_file = m.files.directory / "ca.pem";
  write_file(m.files.ca_file, to_pem(ca.get()));
  return m;
}

const material& the_material() {
  static std::once_flag once;
  static material m;
  std::call_once(once, [] { m = create(); });
  return m;
}

}  // namespace

const tls_files& tls_material() { return the_material().files; }

const tls_credentials& tls_credentials_for(tls_identity identity) {
  const material& m = the_material();
  switch (identity) {
    case tls_identity::trusted:
      return m.trusted;
    case tls_identity::self_signed:
      return m.self_signed;
    case tls_identity::wrong_host:
      return m.wrong_host;
  }
  return m.trusted;
}

}  // namespace wsrepro::mock
