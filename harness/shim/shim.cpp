// wsrepro-shim: one per run, between wsrepro and the client under test.
//
// Why a shim: the client's exit is timed by wsrepro through a pidfd, but someone must reap the
// client and adopt whatever it leaves behind. The shim is a child subreaper, so orphans and
// daemonised grandchildren are reparented to it (and so traced to their run even with parallel
// runs), it reaps the client by pid only (never stealing another run's exit status), and it
// kills the whole tree at the end, or as soon as wsrepro goes away (its control socket hits
// EOF), so no client outlives wsrepro.
//
// Usage: wsrepro-shim CONTROL_FD -- PROGRAM ARGS...   (stdin/stdout/stderr are the client's)
// Protocol on CONTROL_FD, one line each:
//   shim -> wsrepro: "spawned PID T_NS" | "spawn_error ERRNO T_NS" | "exited PID WSTATUS T_NS"
//                    | "leak PID COMMAND" ... "tree_done"
//   wsrepro -> shim: "go" (wsrepro holds a pidfd: the client may be reaped) | "kill"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "proc_table.hpp"
#include "spawn_attributes.hpp"

extern char** environ;

namespace {

namespace proc = wsrepro::harness::proc;

int control_fd = -1;

long long now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<long long>(ts.tv_sec) * 1'000'000'000LL + ts.tv_nsec;
}

void send_line(const std::string& line) {
  std::string out = line + "\n";
  const char* p = out.data();
  std::size_t left = out.size();
  while (left > 0) {
    const ssize_t n = write(control_fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // wsrepro is gone; the EOF path cleans up
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

/// True when the kernel says this shim has no children at all. As a child subreaper the shim
/// inherits every orphaned descendant, so no children means no descendants, and the /proc scan
/// (a few milliseconds per run) can be skipped. False when it cannot tell.
bool surely_childless() {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/self/task/%d/children", static_cast<int>(getpid()));
  FILE* file = std::fopen(path, "re");
  if (file == nullptr) return false;
  char first = 0;
  const std::size_t got = std::fread(&first, 1, 1, file);
  std::fclose(file);
  return got == 0;
}

/// Live (not zombie) descendants of this shim.
std::vector<std::pair<int, std::string>> live_descendants() {
  if (surely_childless()) return {};
  const auto procs = proc::scan();
  std::vector<std::pair<int, std::string>> out;
  for (const int pid : proc::descendants(procs, {getpid()})) {
    const auto& info = procs.at(pid);
    if (proc::alive(info)) out.emplace_back(pid, info.comm);
  }
  return out;
}

void reap_all() {
  int status = 0;
  while (waitpid(-1, &status, WNOHANG) > 0) {
  }
}

/// Kills every descendant, reporting the ones alive at the first scan; bounded to ~2 s.
void kill_tree(bool report) {
  // A descendant already on its way out (it got the same group signal as the client, a
  // moment later) is not a leak: give the tree a brief moment to finish on its own first.
  for (int attempt = 0; report && attempt < 20 && !live_descendants().empty(); ++attempt) {
    reap_all();
    const timespec pause{0, 2'000'000};
    nanosleep(&pause, nullptr);
  }
  bool first = true;
  for (int attempt = 0; attempt < 400; ++attempt) {
    const auto alive = live_descendants();
    if (first && report) {
      for (const auto& [pid, comm] : alive) {
        send_line("leak " + std::to_string(pid) + " " + proc::command_line(pid, comm));
      }
    }
    first = false;
    if (alive.empty()) break;
    for (const auto& entry : alive) kill(entry.first, SIGKILL);
    reap_all();
    const timespec pause{0, 5'000'000};
    nanosleep(&pause, nullptr);
    reap_all();
  }
  reap_all();
  if (report) send_line("tree_done");
}

}  // namespace

int main(int argc, char** argv) {
  // wsrepro-shim CONTROL_FD [--pty PATH] -- PROGRAM ARGS...
  int first = 2;
  const char* pty_path = nullptr;
  if (argc > 4 && std::strcmp(argv[2], "--pty") == 0) {
    pty_path = argv[3];
    first = 4;
  }
  if (argc < first + 2 || std::strcmp(argv[first], "--") != 0) {
    std::fprintf(stderr, "usage: wsrepro-shim CONTROL_FD [--pty PATH] -- PROGRAM ARGS...\n");
    return 2;
  }
  char** client_argv = argv + first + 1;
  control_fd = std::atoi(argv[1]);
  // Nothing but stdio and the control socket may reach the client, nor stay open here: a
  // descriptor inherited from wsrepro (another run's socket, an open report) would keep that
  // connection alive or let the client write where it must not. wsrepro spawns the shim with
  // only these, but the shim does not rely on its parent for that.
  if (control_fd != 3) {
    if (dup2(control_fd, 3) < 0) return 2;
    control_fd = 3;
  }
  syscall(SYS_close_range, 4U, ~0U, 0U);
  fcntl(control_fd, F_SETFD, FD_CLOEXEC);
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  // Signals meant for the client must not take the shim down first.
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGTSTP, SIGTTIN, SIGTTOU}) {
    signal(sig, SIG_IGN);
  }

  // The client: its own process group, every signal at its default, an empty signal mask.
  posix_spawnattr_t attr;
  wsrepro::harness::init_client_spawn_attributes(attr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // The client starts with fds 0, 1 and 2 only.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  if (pty_path != nullptr) {
    // A terminal needs a session of its own: the client leads a new session (and so its own
    // process group, which SETPGROUP cannot be combined with), and opening the terminal without
    // O_NOCTTY makes it the controlling one, with the client's group in the foreground.
    short flags = 0;
    posix_spawnattr_getflags(&attr, &flags);
    flags = static_cast<short>((flags & ~POSIX_SPAWN_SETPGROUP) | POSIX_SPAWN_SETSID);
    posix_spawnattr_setflags(&attr, flags);
    posix_spawn_file_actions_addclose(&actions, 0);
    posix_spawn_file_actions_addopen(&actions, 0, pty_path, O_RDWR, 0);
  }
  pid_t client = 0;
  const long long spawn_t = now_ns();
  const int rc = posix_spawnp(&client, client_argv[0], &actions, &attr, client_argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    send_line("spawn_error " + std::to_string(rc) + " " + std::to_string(spawn_t));
    return 1;
  }
  send_line("spawned " + std::to_string(client) + " " + std::to_string(spawn_t));
  // The client's stdio belongs to it alone now.
  const int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
  dup2(devnull, 0);
  dup2(devnull, 1);
  dup2(devnull, 2);

  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, client, 0));
  bool go = false;
  bool client_reaped = false;
  std::string pending;
  for (;;) {
    pollfd fds[2] = {{control_fd, POLLIN, 0}, {pidfd, POLLIN, 0}};
    const nfds_t count = (go && !client_reaped && pidfd >= 0) ? 2 : 1;
    // Without a pidfd (old kernel), poll the client's state every 10 ms.
    const int timeout_ms = (pidfd < 0 && go && !client_reaped) ? 10 : -1;
    const int n = poll(fds, count, timeout_ms);
    if (n < 0 && errno != EINTR) break;

    if (go && !client_reaped) {
      int status = 0;
      const pid_t r = waitpid(client, &status, WNOHANG);
      if (r == client) {
        client_reaped = true;
        send_line("exited " + std::to_string(client) + " " + std::to_string(status) + " " +
                  std::to_string(now_ns()));
      }
    }
    if (n > 0 && (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      char buf[256];
      const ssize_t got = read(control_fd, buf, sizeof buf);
      if (got <= 0) {  // wsrepro is gone: nothing may outlive it
        kill_tree(false);
        return 0;
      }
      pending.append(buf, static_cast<std::size_t>(got));
      std::size_t eol = 0;
      while ((eol = pending.find('\n')) != std::string::npos) {
        const std::string command = pending.substr(0, eol);
        pending.erase(0, eol + 1);
        if (command == "go") {
          go = true;
        } else if (command == "kill") {
          kill_tree(true);
          return 0;
        }
      }
    }
  }
  kill_tree(false);
  return 0;
}
