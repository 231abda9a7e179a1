#include "pcapng.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string_view>

namespace wsrepro::reports {

namespace {

constexpr std::uint16_t capture_port = 80;  // so that Wireshark dissects HTTP, then WebSocket
constexpr std::size_t max_segment = 16384;

enum tcp_flag : std::uint8_t { fin = 0x01, syn = 0x02, rst = 0x04, psh = 0x08, ack = 0x10 };

/// An address as the packets carry it: 4 bytes (IPv4) or 16 (IPv6), and a port.
struct endpoint {
  std::string address;  ///< network order
  std::uint16_t port = 0;
  bool v6() const { return address.size() == 16; }
};

/// "127.0.0.1:54321", "::1:54321" or "[::1]:54321".
std::optional<endpoint> parse_endpoint(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string host(text.substr(0, colon));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string port_text(text.substr(colon + 1));
  char* end = nullptr;
  const unsigned long port = std::strtoul(port_text.c_str(), &end, 10);
  if (port_text.empty() || *end != '\0' || port > 65535) return std::nullopt;
  endpoint e;
  e.port = static_cast<std::uint16_t>(port);
  std::array<unsigned char, 16> bytes{};
  if (::inet_pton(AF_INET, host.c_str(), bytes.data()) == 1) {
    e.address.assign(reinterpret_cast<const char*>(bytes.data()), 4);
  } else if (::inet_pton(AF_INET6, host.c_str(), bytes.data()) == 1) {
    e.address.assign(reinterpret_cast<const char*>(bytes.data()), 16);
  } else {
    return std::nullopt;
  }
  return e;
}

/// The server's endpoint from the run's URL, "ws://127.0.0.1:PORT/" or "wss://[::1]:PORT/".
std::optional<endpoint> server_endpoint(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return std::nullopt;
  const auto start = scheme + 3;
  const auto slash = url.find('/', start);
  return parse_endpoint(std::string_view(url).substr(start, slash - start));
}

void put16(std::string& out, std::uint16_t v) {
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v & 0xff));
}

void put32(std::string& out, std::uint32_t v) {
  put16(out, static_cast<std::uint16_t>(v >> 16));
  put16(out, static_cast<std::uint16_t>(v & 0xffff));
}

/// The Internet checksum (RFC 1071) of `data`, continuing from `sum`.
std::uint32_t add_sum(std::uint32_t sum, std::string_view data) {
  for (std::size_t i = 0; i + 1 < data.size(); i += 2) {
    sum += static_cast<std::uint32_t>(static_cast<unsigned char>(data[i]) << 8 |
                                      static_cast<unsigned char>(data[i + 1]));
  }
  if (data.size() % 2 == 1)
    sum += static_cast<std::uint32_t>(static_cast<unsigned char>(data.back()) << 8);
  return sum;
}

std::uint16_t fold(std::uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xffff);
}

/// One IP packet carrying one TCP segment.
std::string packet(const endpoint& from, const endpoint& to, std::uint32_t seq,
                   std::uint32_t ack_no, std::uint8_t flags, std::string_view payload) {
  std::string tcp;
  put16(tcp, from.port);
  put16(tcp, to.port);
  put32(tcp, seq);
  put32(tcp, (flags & ack) != 0 ? ack_no : 0);
  tcp.push_back(static_cast<char>(5 << 4));
  tcp.push_back(static_cast<char>(flags));
  put16(tcp, 65535);  // window
  put16(tcp, 0);      // checksum, below
  put16(tcp, 0);      // urgent pointer
  tcp.append(payload);
  std::string pseudo = from.address + to.address;
  if (from.v6()) {
    put32(pseudo, static_cast<std::uint32_t>(tcp.size()));
    put32(pseudo, 6);
  } else {
    pseudo.push_back(0);
    pseudo.push_back(6);
    put16(pseudo, static_cast<std::uint16_t>(tcp.size()));
  }
  const std::uint16_t tcp_sum = fold(add_sum(add_sum(0, pseudo), tcp));
  tcp[16] = static_cast<char>(tcp_sum >> 8);
  tcp[17] = static_cast<char>(tcp_sum & 0xff);
  std::string ip;
  if (from.v6()) {
    put32(ip, 0x60000000);
    put16(ip, static_cast<std::uint16_t>(tcp.size()));
    ip.push_back(6);   // next header: TCP
    ip.push_back(64);  // hop limit
    ip += from.address + to.address;
  } else {
    ip.push_back(0x45);
    ip.push_back(0);
    put16(ip, static_cast<std::uint16_t>(20 + tcp.size()));
    put16(ip, 0);       // identification
    put16(ip, 0x4000);  // don't fragment
    ip.push_back(64);   // TTL
    ip.push_back(6);    // protocol: TCP
    put16(ip, 0);       // checksum, below
    ip += from.address + to.address;
    const std::uint16_t ip_sum = fold(add_sum(0, ip));
    ip[10] = static_cast<char>(ip_sum >> 8);
    ip[11] = static_cast<char>(ip_sum & 0xff);
  }
  return ip + tcp;
}

// pcapng is written in this machine's byte order (little-endian); readers detect it.
void le16(std::string& out, std::uint16_t v) { out.append(reinterpret_cast<const char*>(&v), 2); }
void le32(std::string& out, std::uint32_t v) { out.append(reinterpret_cast<const char*>(&v), 4); }

void option(std::string& out, std::uint16_t code, std::string_view value) {
  le16(out, code);
  le16(out, static_cast<std::uint16_t>(value.size()));
  out.append(value);
  out.append((4 - value.size() % 4) % 4, '\0');
}

void block(std::string& out, std::uint32_t type, const std::string& body) {
  const auto total = static_cast<std::uint32_t>(12 + body.size());
  le32(out, type);
  le32(out, total);
  out += body;
  le32(out, total);
}

std::string section_header(const std::string& comment) {
  std::string body;
  le32(body, 0x1A2B3C4D);  // byte-order magic
  le16(body, 1);
  le16(body, 0);
  le32(body, 0xffffffff);  // section length: not given
  le32(body, 0xffffffff);
  option(body, 1, comment.substr(0, 60000));
  option(body, 4, "wsrepro");  // shb_userappl
  le32(body, 0);               // opt_endofopt
  std::string out;
  block(out, 0x0A0D0D0A, body);
  return out;
}

std::string interface_description() {
  std::string body;
  le16(body, 101);  // LINKTYPE_RAW: each packet starts with its IP header
  le16(body, 0);
  le32(body, 0);  // no snapshot length
  option(body, 2, "lo");
  option(body, 9, std::string(1, '\x09'));  // if_tsresol: nanoseconds
  le32(body, 0);
  std::string out;
  block(out, 1, body);
  return out;
}

std::string enhanced_packet(std::int64_t unix_ns, const std::string& data) {
  std::string body;
  le32(body, 0);  // interface 0
  const auto t = static_cast<std::uint64_t>(std::max<std::int64_t>(unix_ns, 0));
  le32(body, static_cast<std::uint32_t>(t >> 32));
  le32(body, static_cast<std::uint32_t>(t & 0xffffffff));
  le32(body, static_cast<std::uint32_t>(data.size()));
  le32(body, static_cast<std::uint32_t>(data.size()));
  body += data;
  body.append((4 - data.size() % 4) % 4, '\0');
  std::string out;
  block(out, 6, body);
  return out;
}

/// One connection's TCP, replayed in time order.
class tcp_stream {
 public:
  tcp_stream(endpoint client, endpoint server, std::string& out,
             std::function<std::int64_t(mono_ns)> wall)
      : client_(std::move(client)), server_(std::move(server)), out_(out), wall_(std::move(wall)) {}

  void open(mono_ns t) {
    emit(t, true, syn, {});
    ++client_seq_;
    emit(t, false, syn | ack, {});
    ++server_seq_;
    emit(t, true, ack, {});
  }

  void data(mono_ns t, bool from_client, std::string_view bytes) {
    for (std::size_t at = 0; at < bytes.size(); at += max_segment) {
      const auto piece = bytes.substr(at, max_segment);
      emit(t, from_client, psh | ack, piece);
      (from_client ? client_seq_ : server_seq_) += static_cast<std::uint32_t>(piece.size());
    }
  }

  void end(mono_ns t, bool from_client, bool reset) {
    bool& done = from_client ? client_done_ : server_done_;
    if (done) return;
    done = true;
    emit(t, from_client, reset ? (rst | ack) : (fin | ack), {});
    if (!reset) ++(from_client ? client_seq_ : server_seq_);
  }

 private:
  void emit(mono_ns t, bool from_client, std::uint8_t flags, std::string_view payload) {
    const auto& from = from_client ? client_ : server_;
    const auto& to = from_client ? server_ : client_;
    const auto seq = from_client ? client_seq_ : server_seq_;
    const auto ack_no = from_client ? server_seq_ : client_seq_;
    out_ += enhanced_packet(wall_(t), packet(from, to, seq, ack_no, flags, payload));
  }

  endpoint client_;
  endpoint server_;
  std::string& out_;
  std::function<std::int64_t(mono_ns)> wall_;
  std::uint32_t client_seq_ = 1000;
  std::uint32_t server_seq_ = 5000;
  bool client_done_ = false;
  bool server_done_ = false;
};

/// What happens on the wire, in time order: a server event or a chunk of bytes.
struct step {
  mono_ns t_ns;
  int connection;
  const event* e;
  const wire_chunk* chunk;
};

std::string comment_for(const results::run_result& r, const endpoint& server) {
  std::string comment =
      "wsrepro: " + r.scenario_id + " with " + r.client + ", run " + std::to_string(r.index) +
      ". Synthesised from the mock server's log: its port " + std::to_string(server.port) +
      " is written as 80 (so that Wireshark dissects HTTP and "
      "WebSocket), and the TCP handshakes, sequence numbers and checksums are made "
      "up to be consistent; the bytes and their times are what the server read and wrote.";
  if (r.url.starts_with("wss:")) {
    comment += " A TLS run: the bytes are the plaintext inside the tunnel, without TLS records.";
  }
  if (r.wire_dropped_bytes > 0) {
    comment +=
        " " + std::to_string(r.wire_dropped_bytes) + " bytes past the log's bound are missing.";
  }
  return comment;
}

}  // namespace

std::string pcapng_of(const results::run_result& r) {
  auto server = server_endpoint(r.url);
  if (!server) return {};
  std::vector<step> steps;
  std::map<int, endpoint> clients;
  for (const auto& e : r.timeline) {
    if (e.source != "server" || e.connection < 0) continue;
    if (e.kind == "accept") {
      if (auto peer = parse_endpoint(e.string_attr("peer").value_or(""))) {
        clients.emplace(e.connection, *peer);
      }
    }
    if (e.kind == "accept" || e.kind == "fin_in" || e.kind == "fin_out" || e.kind == "rst_in" ||
        e.kind == "rst_out" || e.kind == "close") {
      steps.push_back({e.t_ns, e.connection, &e, nullptr});
    }
  }
  if (clients.empty()) return {};
  for (const auto& c : r.wire) steps.push_back({c.t_ns, c.connection, nullptr, &c});
  // Bytes before the end at the same moment: a FIN follows the data it ends.
  std::stable_sort(steps.begin(), steps.end(), [](const step& a, const step& b) {
    if (a.t_ns != b.t_ns) return a.t_ns < b.t_ns;
    return a.chunk != nullptr && b.chunk == nullptr;
  });
  std::string out = section_header(comment_for(r, *server)) + interface_description();
  server->port = capture_port;
  const auto wall = [&r](mono_ns t) { return r.started_unix_ns + (t - r.started_ns); };
  std::map<int, tcp_stream> streams;
  for (const auto& s : steps) {
    const auto client = clients.find(s.connection);
    if (client == clients.end()) continue;
    auto it = streams.find(s.connection);
    if (it == streams.end()) {
      it = streams.emplace(s.connection, tcp_stream(client->second, *server, out, wall)).first;
      it->second.open(s.t_ns);
    }
    auto& stream = it->second;
    if (s.chunk != nullptr) {
      stream.data(s.t_ns, s.chunk->from_client, s.chunk->bytes);
    } else if (s.e->kind == "fin_in" || s.e->kind == "rst_in") {
      stream.end(s.t_ns, true, s.e->kind == "rst_in");
    } else if (s.e->kind == "fin_out" || s.e->kind == "rst_out" || s.e->kind == "close") {
      // Closing the socket sends a FIN unless one (or an RST) went out already.
      stream.end(s.t_ns, false, s.e->kind == "rst_out");
    }
  }
  return out;
}

}  // namespace wsrepro::reports
