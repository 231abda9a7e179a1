#pragma once
// Internal: the TCP sockets of a process as the kernel's tables show them (/proc/PID/net/tcp and
// tcp6, matched to the process's descriptors by inode): state, queues and the pending timer.
// What a client's socket looks like while it hangs tells whether it has unread data, has seen
// the server's FIN (CLOSE_WAIT), or waits for an acknowledgement.

#include <string>
#include <string_view>
#include <vector>

#include "wsrepro/results/diagnosis.hpp"

namespace wsrepro::harness::detail {

/// One line of /proc/net/tcp or tcp6 (the header excluded), or nothing when it is malformed.
/// `inode` is set from it; `pid` is left as it is.
bool parse_tcp_table_line(std::string_view line, results::socket_state& out,
                          unsigned long long& inode);

/// The TCP sockets `pid` holds open.
std::vector<results::socket_state> tcp_sockets_of(int pid);

}  // namespace wsrepro::harness::detail
