#include "socket_table.hpp"

#include <unistd.h>

#include <array>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <set>

#include "diagnose_support.hpp"

namespace wsrepro::harness::detail {

namespace {

namespace fs = std::filesystem;

bool hex(std::string_view text, unsigned long long& value) {
  const auto* end = text.data() + text.size();
  const auto r = std::from_chars(text.data(), end, value, 16);
  return r.ec == std::errc() && r.ptr == end;
}

/// The kernel prints each 32-bit word of the address in host order (little-endian here).
std::string address(std::string_view text) {
  const auto colon = text.find(':');
  unsigned long long port = 0;
  if (colon == std::string_view::npos || !hex(text.substr(colon + 1), port)) return {};
  const auto ip = text.substr(0, colon);
  std::array<unsigned char, 16> bytes{};
  if (ip.size() != 8 && ip.size() != 32) return {};
  for (std::size_t word = 0; word < ip.size() / 8; ++word) {
    unsigned long long w = 0;
    if (!hex(ip.substr(word * 8, 8), w)) return {};
    for (std::size_t b = 0; b < 4; ++b)
      bytes[word * 4 + b] = static_cast<unsigned char>(w >> (8 * b));
  }
  std::string out;
  if (ip.size() == 8) {
    for (std::size_t b = 0; b < 4; ++b) out += (b ? "." : "") + std::to_string(bytes[b]);
    return out + ":" + std::to_string(port);
  }
  char group[8];
  for (std::size_t g = 0; g < 8; ++g) {
    std::snprintf(group, sizeof group, "%x", bytes[2 * g] << 8 | bytes[2 * g + 1]);
    out += (g ? ":" : "") + std::string(group);
  }
  return "[" + out + "]:" + std::to_string(port);
}

std::string state_name(unsigned long long code) {
  static constexpr std::array<std::string_view, 12> names{
      "?",         "ESTABLISHED", "SYN_SENT",   "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
      "TIME_WAIT", "CLOSE",       "CLOSE_WAIT", "LAST_ACK", "LISTEN",    "CLOSING"};
  return code < names.size() ? std::string(names[code]) : "state " + std::to_string(code);
}

/// "tr:when" with `when` in clock ticks.
std::string timer_text(std::string_view field) {
  const auto colon = field.find(':');
  unsigned long long kind = 0;
  unsigned long long ticks = 0;
  if (colon == std::string_view::npos || !hex(field.substr(0, colon), kind) ||
      !hex(field.substr(colon + 1), ticks) || kind == 0) {
    return {};
  }
  static const long hz = ::sysconf(_SC_CLK_TCK);
  const auto ms = ticks * 1000 / static_cast<unsigned long long>(hz > 0 ? hz : 100);
  static constexpr std::array<std::string_view, 5> kinds{"", "retransmit", "keepalive", "TIME_WAIT",
                                                         "zero-window probe"};
  const std::string what = kind < kinds.size() ? std::string(kinds[kind]) : "timer";
  return what + " timer in " + std::to_string(ms) + " ms";
}

std::set<unsigned long long> socket_inodes(int pid) {
  std::set<unsigned long long> inodes;
  std::error_code ec;
  for (fs::directory_iterator it("/proc/" + std::to_string(pid) + "/fd", ec), end; !ec && it != end;
       it.increment(ec)) {
    std::error_code link_error;
    const auto target = fs::read_symlink(it->path(), link_error).string();
    unsigned long long inode = 0;
    if (target.starts_with("socket:[") && target.ends_with("]")) {
      const std::string_view digits(target.data() + 8, target.size() - 9);
      std::from_chars(digits.data(), digits.data() + digits.size(), inode);
      inodes.insert(inode);
    }
  }
  return inodes;
}

}  // namespace

bool parse_tcp_table_line(std::string_view line, results::socket_state& out,
                          unsigned long long& inode) {
  const auto w = split_words(line);
  // sl local rem st tx:rx tr:when retrnsmt uid timeout inode
  if (w.size() < 10) return false;
  out.local = address(w[1]);
  out.remote = address(w[2]);
  unsigned long long state = 0;
  const auto queues = w[4].find(':');
  unsigned long long tx = 0;
  unsigned long long rx = 0;
  if (out.local.empty() || out.remote.empty() || !hex(w[3], state) ||
      queues == std::string_view::npos || !hex(w[4].substr(0, queues), tx) ||
      !hex(w[4].substr(queues + 1), rx)) {
    return false;
  }
  const auto r = std::from_chars(w[9].data(), w[9].data() + w[9].size(), inode);
  if (r.ec != std::errc()) return false;
  out.state = state_name(state);
  out.send_queue = tx;
  out.recv_queue = rx;
  out.timer = timer_text(w[5]);
  return true;
}

std::vector<results::socket_state> tcp_sockets_of(int pid) {
  std::vector<results::socket_state> found;
  const auto inodes = socket_inodes(pid);
  if (inodes.empty()) return found;
  for (const char* table : {"tcp", "tcp6"}) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/net/" + table);
    std::string line;
    std::getline(in, line);  // the header
    while (std::getline(in, line)) {
      results::socket_state s;
      unsigned long long inode = 0;
      if (!parse_tcp_table_line(line, s, inode) || !inodes.contains(inode)) continue;
      s.pid = pid;
      found.push_back(std::move(s));
    }
  }
  return found;
}

}  // namespace wsrepro::harness::detail
