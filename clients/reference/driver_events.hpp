#pragma once
// What both reference clients share: the command line, the ws:// or wss:// URL, the client side of
// TLS, and the driver protocol (one JSON object per line on stdout, stamped with CLOCK_MONOTONIC).
// Header-only so each client stays one translation unit.

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <unistd.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/verify_context.hpp>
#include <boost/asio/ssl/verify_mode.hpp>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wsrepro::client {

// ---------------------------------------------------------------------------------------------
// Driver protocol

/// Appends `s` as a JSON string literal. Invalid UTF-8 becomes U+FFFD, so a binary payload can
/// never make the line unparsable; stops after `max_chars` code points.
inline void append_json_string(std::string& out, std::string_view s,
                               std::size_t max_chars = std::string_view::npos) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  std::size_t chars = 0;
  std::size_t i = 0;
  while (i < s.size() && chars < max_chars) {
    const auto c = static_cast<unsigned char>(s[i]);
    ++chars;
    if (c < 0x80) {
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          if (c < 0x20 || c == 0x7f) {
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 0xf];
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    // Multi-byte sequence: copy it only if it is well-formed (no overlongs, no surrogates).
    std::size_t len = 0;
    std::uint32_t cp = 0;
    std::uint32_t min = 0;
    if ((c & 0xe0) == 0xc0) {
      len = 2, cp = c & 0x1f, min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3, cp = c & 0x0f, min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4, cp = c & 0x07, min = 0x10000;
    }
    bool valid = len != 0 && i + len <= s.size();
    for (std::size_t k = 1; valid && k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      valid = (cc & 0xc0) == 0x80;
      cp = (cp << 6) | (cc & 0x3f);
    }
    valid = valid && cp >= min && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff);
    if (valid) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out += "\\ufffd";
      ++i;
    }
  }
  out += '"';
}

/// "12345.678901": CLOCK_MONOTONIC in seconds, microsecond precision, the clock of
/// Python's time.monotonic() and of the harness timeline.
inline std::string monotonic_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%lld.%06ld", static_cast<long long>(ts.tv_sec),
                ts.tv_nsec / 1000);
  return buf;
}

/// One driver-protocol line: `event_line("sent").num("bytes", 5).emit();`. The time is taken when
/// the line is started.
class event_line {
 public:
  explicit event_line(std::string_view event) {
    line_ = "{\"event\":";
    append_json_string(line_, event);
    line_ += ",\"t\":";
    line_ += monotonic_seconds();
  }

  event_line& str(std::string_view key, std::string_view value,
                  std::size_t max_chars = std::string_view::npos) {
    add_key(key);
    append_json_string(line_, value, max_chars);
    return *this;
  }

  event_line& num(std::string_view key, std::int64_t value) {
    add_key(key);
    line_ += std::to_string(value);
    return *this;
  }

  /// Writes the line with write(2), unbuffered, so a harness reading the pipe sees it at once
  /// and lines from two threads never interleave.
  void emit() {
    line_ += "}\n";
    static std::mutex mutex;
    const std::lock_guard lock(mutex);
    std::string_view rest = line_;
    while (!rest.empty()) {
      const ssize_t n = ::write(STDOUT_FILENO, rest.data(), rest.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;  // stdout gone: nothing left to tell
      rest.remove_prefix(static_cast<std::size_t>(n));
    }
  }

 private:
  void add_key(std::string_view key) {
    line_ += ',';
    append_json_string(line_, key);
    line_ += ':';
  }

  std::string line_;
};

inline const char* signal_name(int signo) {
  switch (signo) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    default:
      return "signal";
  }
}

/// Exit status of a process ended by `signo`, as a shell reports it: 130 for SIGINT, 143 for TERM.
constexpr int signal_exit_code(int signo) { return 128 + signo; }

inline int emit_exit(int code) {
  event_line("exit").num("code", code).emit();
  return code;
}

// ---------------------------------------------------------------------------------------------
// Command line

struct ws_url {
  std::vector<boost::asio::ip::tcp::endpoint> endpoints;  ///< tried in order
  std::string host;                                       ///< Host header: "127.0.0.1:8080"
  std::string host_name;  ///< the host alone, for TLS: "localhost", "127.0.0.1", "::1"
  std::string target;     ///< "/path?query"
  bool tls = false;       ///< wss://
};

struct options {
  std::string url;
  ws_url where;
  std::chrono::milliseconds open_timeout{10000};
  std::chrono::milliseconds close_timeout{3000};
  std::chrono::milliseconds ping_interval{20000};  ///< 0: no keepalive
  std::chrono::milliseconds ping_timeout{20000};
  std::vector<std::string> sends;
  /// When set, the client starts a normal close this long after the handshake.
  std::optional<std::chrono::milliseconds> close_after;
  std::string ca_file;  ///< extra trust for wss://, beside the defaults and SSL_CERT_FILE
};

/// Accepts ws:// or wss://HOST[:PORT][/PATH] where HOST is an IPv4 literal, [IPv6] or localhost.
/// Names other than localhost are not resolved: the harness only ever points clients at its
/// loopback servers.
inline std::optional<ws_url> parse_ws_url(std::string_view url, std::string& why) {
  namespace ip = boost::asio::ip;
  ws_url out;
  std::string_view rest;
  if (url.substr(0, 5) == "ws://") {
    rest = url.substr(5);
  } else if (url.substr(0, 6) == "wss://") {
    rest = url.substr(6);
    out.tls = true;
  } else {
    why = "only ws:// and wss:// URLs are supported";
    return std::nullopt;
  }
  rest = rest.substr(0, rest.find('#'));
  const std::size_t path_at = rest.find_first_of("/?");
  const std::string_view authority = rest.substr(0, path_at);
  out.target = path_at == std::string_view::npos ? "/" : std::string(rest.substr(path_at));
  if (out.target.front() == '?') out.target.insert(0, 1, '/');

  std::string_view host;
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      why = "unterminated [IPv6] host";
      return std::nullopt;
    }
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        why = "junk after [IPv6] host";
        return std::nullopt;
      }
      port_text = after.substr(1);
    }
  } else {
    const std::size_t colon = authority.rfind(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }

  std::uint16_t port = out.tls ? 443 : 80;
  if (!port_text.empty()) {
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || port == 0) {
      why = "bad port";
      return std::nullopt;
    }
  }

  if (host == "localhost") {
    // Both loopbacks, v4 first: what getaddrinfo gives for localhost on Debian, without a resolver.
    out.endpoints.emplace_back(ip::address_v4::loopback(), port);
    out.endpoints.emplace_back(ip::address_v6::loopback(), port);
  } else {
    boost::system::error_code ec;
    const auto address = ip::make_address(std::string(host), ec);
    if (ec || (address.is_v6() && authority.front() != '[')) {
      why = "host must be an IP literal ([v6] in brackets) or localhost";
      return std::nullopt;
    }
    out.endpoints.emplace_back(address, port);
  }
  out.host = std::string(authority);
  out.host_name = std::string(host);
  return out;
}

inline void print_usage(std::FILE* to, const char* prog) {
  std::fprintf(to,
               "usage: %s URL [--open-timeout-ms N] [--close-timeout-ms N]\n"
               "       [--ping-interval-ms N] [--ping-timeout-ms N] [--send TEXT]...\n"
               "       [--close-after-ms N] [--ca-file PATH]\n"
               "  URL                   ws:// or wss://HOST[:PORT][/PATH], HOST an IP literal\n"
               "                        or localhost\n"
               "  --open-timeout-ms N   connect, TLS and upgrade budget (default 10000)\n"
               "  --close-timeout-ms N  close handshake budget (default 3000)\n"
               "  --ping-interval-ms N  keepalive ping interval, 0 = none (default 20000)\n"
               "  --ping-timeout-ms N   keepalive pong budget (default 20000)\n"
               "  --send TEXT           text message to send after connecting (repeatable)\n"
               "  --close-after-ms N    close (1000) N ms after the handshake (default: never)\n"
               "  --ca-file PATH        for wss://, also trust the CA certificates in PATH\n"
               "Environment defaults: WSREPRO_OPEN_TIMEOUT_MS, WSREPRO_CLOSE_TIMEOUT_MS,\n"
               "WSREPRO_PING_INTERVAL_MS, WSREPRO_PING_TIMEOUT_MS, WSREPRO_SEND (one message),\n"
               "WSREPRO_CLOSE_AFTER_MS.\n"
               "For wss:// the default\n"
               "trust store is used, plus SSL_CERT_FILE if set.\n"
               "Events go to stdout as JSON lines; exit 0 clean close, 1 error, 2 usage,\n"
               "130 SIGINT, 143 SIGTERM.\n",
               prog);
}

/// Parses the common command line. On a bad one prints why and the usage to stderr and exits 2;
/// on --help prints the usage to stdout and exits 0.
inline options parse_command_line(int argc, char** argv) {
  const char* prog = argc > 0 ? argv[0] : "wsrepro-client";
  const auto bad = [prog](const std::string& why) {
    std::fprintf(stderr, "%s: %s\n", prog, why.c_str());
    print_usage(stderr, prog);
    std::exit(emit_exit(2));
  };
  const auto parse_ms = [&bad](std::string_view name, std::string_view text, bool zero_ok) {
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value < (zero_ok ? 0 : 1)) {
      bad(std::string(name) + ": expected " + (zero_ok ? "a non-negative" : "a positive") +
          " number of milliseconds, got '" + std::string(text) + "'");
    }
    return std::chrono::milliseconds(value);
  };

  options opts;
  // Scenarios set timeouts through the environment (`[client] env` in a scenario file, scaled
  // by --time-scale); the command line still wins.
  const auto from_env = [&parse_ms](const char* variable, std::chrono::milliseconds& target,
                                    bool zero_ok) {
    if (const char* text = std::getenv(variable); text != nullptr && *text != '\0') {
      target = parse_ms(variable, text, zero_ok);
    }
  };
  from_env("WSREPRO_OPEN_TIMEOUT_MS", opts.open_timeout, false);
  from_env("WSREPRO_CLOSE_TIMEOUT_MS", opts.close_timeout, false);
  from_env("WSREPRO_PING_INTERVAL_MS", opts.ping_interval, true);
  from_env("WSREPRO_PING_TIMEOUT_MS", opts.ping_timeout, false);
  if (const char* text = std::getenv("WSREPRO_CLOSE_AFTER_MS"); text != nullptr && *text != '\0') {
    opts.close_after = parse_ms("WSREPRO_CLOSE_AFTER_MS", text, true);
  }
  if (const char* text = std::getenv("WSREPRO_SEND"); text != nullptr && *text != '\0') {
    opts.sends.emplace_back(text);  // one message; --send adds more
  }
  bool have_url = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      print_usage(stdout, prog);
      std::exit(0);
    }
    if (arg.substr(0, 2) != "--" || arg == "--") {
      if (have_url) bad("more than one URL: '" + std::string(arg) + "'");
      opts.url = arg;
      have_url = true;
      continue;
    }
    // Both "--name value" and "--name=value".
    std::string_view name = arg;
    std::optional<std::string_view> value;
    if (const std::size_t eq = arg.find('='); eq != std::string_view::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    }
    const auto take_value = [&]() -> std::string_view {
      if (value) return *value;
      if (i + 1 >= argc) bad(std::string(name) + " needs a value");
      return argv[++i];
    };
    if (name == "--open-timeout-ms") {
      opts.open_timeout = parse_ms(name, take_value(), false);
    } else if (name == "--close-timeout-ms") {
      opts.close_timeout = parse_ms(name, take_value(), false);
    } else if (name == "--ping-interval-ms") {
      opts.ping_interval = parse_ms(name, take_value(), true);
    } else if (name == "--ping-timeout-ms") {
      opts.ping_timeout = parse_ms(name, take_value(), false);
    } else if (name == "--close-after-ms") {
      opts.close_after = parse_ms(name, take_value(), true);
    } else if (name == "--send") {
      opts.sends.emplace_back(take_value());
    } else if (name == "--ca-file") {
      opts.ca_file = take_value();
    } else {
      bad("unknown option '" + std::string(arg) + "'");
    }
  }
  if (!have_url) bad("missing URL");
  std::string why;
  auto where = parse_ws_url(opts.url, why);
  if (!where) bad("bad URL '" + opts.url + "': " + why);
  opts.where = std::move(*where);
  return opts;
}

// ---------------------------------------------------------------------------------------------
// wss://

/// The client TLS context: peer verification on, trusting the default paths, the file in
/// SSL_CERT_FILE when set (OpenSSL reads that variable only instead of its default file, so it is
/// loaded explicitly as well) and --ca-file. nullopt with `why` set when a CA file cannot be read.
inline std::optional<boost::asio::ssl::context> make_tls_context(const options& opts,
                                                                 std::string& why) {
  namespace ssl = boost::asio::ssl;
  ssl::context context(ssl::context::tls_client);
  boost::system::error_code ec;
  context.set_default_verify_paths(ec);  // no system store is not an error: the files may do
  std::vector<std::string> files;
  if (const char* env = std::getenv("SSL_CERT_FILE"); env != nullptr && *env != '\0') {
    files.emplace_back(env);
  }
  if (!opts.ca_file.empty()) files.push_back(opts.ca_file);
  for (const std::string& file : files) {
    context.load_verify_file(file, ec);
    if (ec) {
      why = "cannot load CA file " + file + ": " + ec.message();
      return std::nullopt;
    }
  }
  context.set_verify_mode(ssl::verify_peer);
  return context;
}

/// Prepares a client TLS stream for `where`: SNI for a name (RFC 6066 allows no IP literals
/// there) and host-name verification, which also matches IP literals against the certificate's
/// IP addresses.
template <class TlsStream>
void prepare_tls(TlsStream& stream, const ws_url& where, boost::system::error_code& ec) {
  boost::system::error_code not_an_ip;
  boost::asio::ip::make_address(where.host_name, not_an_ip);
  if (not_an_ip && SSL_set_tlsext_host_name(stream.native_handle(), where.host_name.c_str()) != 1) {
    ec = {static_cast<int>(::ERR_get_error()), boost::asio::error::get_ssl_category()};
    return;
  }
  const bool is_ip = !not_an_ip;
  // Asio's check refuses a mismatch without saying why (OpenSSL would report "unspecified
  // certificate verification error"): record the reason so the error names it.
  stream.set_verify_callback(
      [check = boost::asio::ssl::host_name_verification(where.host_name), is_ip](
          bool preverified, boost::asio::ssl::verify_context& context) {
        const bool matches = check(preverified, context);
        if (preverified && !matches) {
          X509_STORE_CTX_set_error(context.native_handle(), is_ip ? X509_V_ERR_IP_ADDRESS_MISMATCH
                                                                  : X509_V_ERR_HOSTNAME_MISMATCH);
        }
        return matches;
      },
      ec);
}

/// Why the server's certificate was refused ("self-signed certificate"), or empty when it was
/// not (verification passed or never ran).
inline std::string verify_failure(SSL* ssl) {
  const long result = SSL_get_verify_result(ssl);
  if (result == X509_V_OK) return {};
  return X509_verify_cert_error_string(result);
}

}  // namespace wsrepro::client
