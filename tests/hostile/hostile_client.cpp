// wsrepro-test-hostile-client: clients that fight their supervision, for the hostile-client
// suite. Each mode misbehaves in one way a real program can; the tests check that wsrepro still
// ends in bounded time, with the right verdict, and leaves no process, port or broken report.
//
// Usage: wsrepro-test-hostile-client MODE [URL]
// With a URL the client first opens a WebSocket connection (a bare upgrade over a raw socket)
// and prints {"event":"connected"}, so the scenario's situation is reached; then it misbehaves.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace {

[[noreturn]] void idle_forever() {
  for (;;) ::pause();
}

void say(const std::string& line) {
  const std::string out = line + "\n";
  [[maybe_unused]] const ssize_t n = ::write(1, out.data(), out.size());
}

/// Opens a TCP connection to the URL's host and port (ws://127.0.0.1:PORT/ or ws://[::1]:PORT/).
int open_tcp(std::string_view url) {
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return -1;
  std::string_view rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find('/'));
  const auto colon = rest.rfind(':');
  if (colon == std::string_view::npos) return -1;
  std::string host(rest.substr(0, colon));
  const int port = std::atoi(std::string(rest.substr(colon + 1)).c_str());
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  const bool v6 = host.find(':') != std::string::npos;
  const int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int rc = -1;
  if (v6) {
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET6, host.c_str(), &a.sin6_addr);
    rc = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  } else {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, host.c_str(), &a.sin_addr);
    rc = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  }
  if (rc != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

/// A WebSocket upgrade over a fresh connection; returns the socket once the 101 is in.
int connect_websocket(std::string_view url) {
  const int fd = open_tcp(url);
  if (fd < 0) return -1;
  const std::string request =
      "GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  if (::write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
    ::close(fd);
    return -1;
  }
  std::string response;
  char c = 0;
  while (response.find("\r\n\r\n") == std::string::npos && response.size() < 8192) {
    if (::read(fd, &c, 1) != 1) break;
    response.push_back(c);
  }
  if (response.rfind("HTTP/1.1 101", 0) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

/// Leaves this process and renames what remains: a double fork into a new session, as a daemon
/// does. Returns in the daemon; the original process and the middle one exit.
void daemonise(const char* new_name, char* argv0) {
  if (::fork() != 0) ::_exit(0);
  ::setsid();
  if (::fork() != 0) ::_exit(0);
  ::prctl(PR_SET_NAME, new_name);
  std::memset(argv0, 0, std::strlen(argv0));
  std::strncpy(argv0, new_name, std::strlen(new_name));
}

/// The open descriptors of a process as "0,1,2".
std::string fd_list(const std::string& dir) {
  std::string list;
  for (int fd = 0; fd < 4096; ++fd) {
    const std::string path = dir + "/" + std::to_string(fd);
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) continue;
    list += (list.empty() ? "" : ",") + std::to_string(fd);
  }
  return list;
}

/// The parent of a process, from /proc/PID/stat.
int parent_of(int pid) {
  const std::string path = "/proc/" + std::to_string(pid) + "/stat";
  FILE* f = std::fopen(path.c_str(), "re");
  if (f == nullptr) return 0;
  char buf[1024];
  const std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  buf[n] = '\0';
  const char* close = std::strrchr(buf, ')');
  char state = 0;
  int ppid = 0;
  if (close == nullptr || std::sscanf(close + 1, " %c %d", &state, &ppid) != 2) return 0;
  return ppid;
}

/// wsrepro's descriptors (the shim's parent) that are not close-on-exec, as "5,7" or "none".
std::string wsrepro_fds_without_cloexec() {
  const int shim = ::getppid();
  const int wsrepro = parent_of(shim);
  if (wsrepro <= 1) return "unknown";
  std::string list;
  for (int fd = 3; fd < 4096; ++fd) {
    const std::string path = "/proc/" + std::to_string(wsrepro) + "/fdinfo/" + std::to_string(fd);
    FILE* f = std::fopen(path.c_str(), "re");
    if (f == nullptr) continue;
    char line[256];
    unsigned long flags = 0;
    while (std::fgets(line, sizeof line, f) != nullptr) {
      if (std::sscanf(line, "flags: %lo", &flags) == 1) break;
    }
    std::fclose(f);
    if ((flags & O_CLOEXEC) == 0) list += (list.empty() ? "" : ",") + std::to_string(fd);
  }
  return list.empty() ? "none" : list;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: wsrepro-test-hostile-client MODE [URL]\n");
    return 2;
  }
  const std::string mode = argv[1];
  const char* url = argc > 2 ? argv[2] : nullptr;
  // Before this client opens anything itself.
  const std::string inherited = fd_list("/proc/self/fd");
  int conn = -1;
  if (url != nullptr) {
    conn = connect_websocket(url);
    if (conn < 0) {
      std::fprintf(stderr, "cannot connect to %s\n", url);
      return 3;
    }
    say(R"({"event":"connected"})");
  }

  if (mode == "fds") {
    // What this client inherited, and which of wsrepro's own descriptors a child could inherit.
    say(R"({"event":"fds","inherited":")" + inherited + R"(","wsrepro_without_cloexec":")" +
        wsrepro_fds_without_cloexec() + "\"}");
    ::usleep(300'000);  // overlap with parallel runs, whose sockets must stay out of reach
    return 0;
  }
  if (mode == "ignore-signals") {
    for (int sig = 1; sig < NSIG; ++sig) {
      if (sig != SIGKILL && sig != SIGSTOP) ::signal(sig, SIG_IGN);
    }
    idle_forever();
  }
  if (mode == "daemon") {
    // The client exits at once; a renamed daemon in its own session keeps the connection.
    daemonise("hostile-daemon", argv[0]);
    idle_forever();
  }
  if (mode == "fork50") {
    for (int i = 0; i < 50; ++i) {
      if (::fork() == 0) idle_forever();
    }
    idle_forever();
  }
  if (mode == "stdout-1gib") {
    std::vector<char> block(1 << 20, 'x');
    for (int i = 0; i < 1024; ++i) {
      std::size_t left = block.size();
      while (left > 0) {
        const ssize_t n = ::write(1, block.data() + (block.size() - left), left);
        if (n <= 0) return 1;
        left -= static_cast<std::size_t>(n);
      }
    }
    return 0;
  }
  if (mode == "endless-line") {
    std::vector<char> block(1 << 16);
    for (std::size_t i = 0; i < block.size(); ++i) block[i] = static_cast<char>(i % 251 + 1);
    for (std::size_t i = 0; i < block.size(); ++i) {
      if (block[i] == '\n') block[i] = 0;
    }
    for (;;) {
      if (::write(1, block.data(), block.size()) <= 0) return 1;
    }
  }
  if (mode == "sigstop") {
    ::raise(SIGSTOP);
    idle_forever();
  }
  if (mode == "close-stdio") {
    ::close(0);
    ::close(1);
    ::close(2);
    idle_forever();
  }
  if (mode == "kill-supervisor") {
    // Kill the helper that supervises us, then leave a renamed daemon holding the connection.
    ::kill(::getppid(), SIGKILL);
    if (::fork() == 0) {
      daemonise("hostile-escapee", argv[0]);
      idle_forever();
    }
    idle_forever();
  }
  if (mode == "write-inherited") {
    int written = 0;
    for (int fd = 3; fd < 4096; ++fd) {
      if (fd == conn || ::fcntl(fd, F_GETFD) < 0) continue;
      if (::write(fd, "hostile\n", 8) > 0) ++written;
    }
    say(R"({"event":"inherited_writes","count":)" + std::to_string(written) + "}");
    return 0;
  }
  if (mode == "driver-flood") {
    const std::string line = R"({"event":"flood","payload":")" + std::string(200, 'x') + "\"}\n";
    std::string block;
    while (block.size() < (1 << 16)) block += line;
    for (;;) {
      if (::write(1, block.data(), block.size()) <= 0) return 1;
    }
  }
  if (mode == "connections") {
    int opened = 0;
    for (int i = 0; i < 1000 && url != nullptr; ++i) {
      if (open_tcp(url) >= 0) ++opened;
    }
    say(R"({"event":"connections","count":)" + std::to_string(opened) + "}");
    idle_forever();
  }
  if (mode == "chatty") {
    // 256 KiB of output in long lines, then a clean exit: a run whose details are bulky.
    const std::string line(4095, 'x');
    for (int i = 0; i < 64; ++i) say(line);
    return 0;
  }
  if (mode == "markup") {
    // Output a report page must show as text and never run (tests/html_browser_test.cpp).
    say(R"({"event":"note","text":"</script><script>document.title='PWNED'</script>"})");
    say("<script>document.title='PWNED'</script><img src=x onerror=\"document.title='PWNED'\">");
    std::fprintf(stderr, "</pre><b id=\"pwned\">not bold</b><!-- &amp;\n");
    idle_forever();
  }
  if (mode == "idle") idle_forever();
  if (mode == "exit") return 0;
  std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
  return 2;
}
