#pragma once
// A blocking loopback TCP client with a receive timeout on every read, so a test that expects
// bytes the server withholds fails in bounded time instead of hanging.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace wsrepro::mock::testing {

class raw_client {
 public:
  explicit raw_client(std::uint16_t port,
                      std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("socket");
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      throw std::runtime_error("connect");
    }
  }
  ~raw_client() {
    if (fd_ >= 0) ::close(fd_);
  }
  raw_client(const raw_client&) = delete;
  raw_client& operator=(const raw_client&) = delete;

  void send(const std::string& bytes) {
    if (::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(bytes.size())) {
      throw std::runtime_error("send");
    }
  }

  /// Reads until `terminator` has arrived and returns everything up to and including it; what
  /// came after it (frames sent right behind a 101) stays for the next read. nullopt on timeout
  /// or EOF first.
  std::optional<std::string> read_until(const std::string& terminator) {
    while (pending_.find(terminator) == std::string::npos) {
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return std::nullopt;
      pending_.append(buf, static_cast<std::size_t>(n));
    }
    const std::size_t stop = pending_.find(terminator) + terminator.size();
    std::string data = pending_.substr(0, stop);
    pending_.erase(0, stop);
    return data;
  }

  /// Reads exactly n bytes; nullopt on timeout or EOF first.
  std::optional<std::string> read_exactly(std::size_t n) {
    while (pending_.size() < n) {
      char buf[4096];
      const ssize_t got = ::recv(fd_, buf, sizeof buf, 0);
      if (got <= 0) return std::nullopt;
      pending_.append(buf, static_cast<std::size_t>(got));
    }
    std::string data = pending_.substr(0, n);
    pending_.erase(0, n);
    return data;
  }

  enum class end { fin, rst, timeout, data };
  /// What the next read sees: the server's FIN, its RST, nothing within the timeout, or data.
  end next_end() {
    if (!pending_.empty()) return end::data;
    char buf[1];
    const ssize_t n = ::recv(fd_, buf, 1, 0);
    if (n == 0) return end::fin;
    if (n > 0) return end::data;
    if (errno == ECONNRESET) return end::rst;
    return end::timeout;
  }

  void shutdown_send() { ::shutdown(fd_, SHUT_WR); }

 private:
  int fd_ = -1;
  std::string pending_;  ///< read from the socket, not yet returned
};

inline const char* upgrade_request =
    "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

/// Sends the upgrade request and reads the 101's header; returns what came after the header
/// (nullopt: no 101).
inline std::optional<std::string> upgrade(raw_client& client) {
  client.send(upgrade_request);
  auto response = client.read_until("\r\n\r\n");
  if (!response || !response->starts_with("HTTP/1.1 101 Switching Protocols\r\n")) {
    return std::nullopt;
  }
  return response->substr(response->find("\r\n\r\n") + 4);
}

/// Reads until `n` bytes past the header have arrived (`have`: those that came with it).
inline std::optional<std::string> complete(raw_client& client, std::string have, std::size_t n) {
  if (have.size() >= n) return have;
  auto rest = client.read_exactly(n - have.size());
  if (!rest) return std::nullopt;
  return have + *rest;
}

}  // namespace wsrepro::mock::testing
