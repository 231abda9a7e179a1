#pragma once
// Runs programs as a user would, for black-box tests: posix_spawn (never a shell), stdin from
// /dev/null, stdout and stderr captured through pipes, each child in its own process group, and
// always a deadline. On timeout the group gets SIGKILL and the test fails: a test never hangs.

#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

extern char** environ;

namespace wsrepro::test {

using std::chrono::milliseconds;

struct process_result {
  int exit_code = -1;      ///< the exit status, or 128 + signal when killed by one
  int term_signal = 0;     ///< the signal that ended it, 0 when it exited
  long max_rss_kb = 0;     ///< its peak resident memory (its own, not its children's)
  bool timed_out = false;  ///< the deadline passed and the group was killed
  std::string out;
  std::string err;
};

inline std::string join_command(const std::vector<std::string>& argv) {
  std::string text;
  for (const auto& a : argv) text += (text.empty() ? "" : " ") + ("'" + a + "'");
  return text;
}

/// A child with piped stdout/stderr that the test reads at its own pace. The destructor kills
/// the group of a child still running, so an early ASSERT never leaves a process behind.
class background_process {
 public:
  /// stdin is /dev/null, or with stdin_pipe a pipe whose write end the test holds (close_stdin).
  explicit background_process(std::vector<std::string> argv, bool stdin_pipe = false)
      : argv_(std::move(argv)), stdin_pipe_(stdin_pipe) {
    start();
  }
  background_process(const background_process&) = delete;
  background_process& operator=(const background_process&) = delete;

  ~background_process() {
    if (pid_ > 0 && !exited_) {
      ::kill(-pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    for (int* fd : {&out_fd_, &err_fd_, &pid_fd_, &in_fd_}) close_fd(*fd);
  }

  /// Closes the write end of its stdin pipe: it reads end of file.
  void close_stdin() { close_fd(in_fd_); }

  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  const std::string& command() const { return command_; }
  const std::string& start_error() const { return start_error_; }

  /// The next complete stdout line (without '\n'), or nullopt on timeout or end of output.
  std::optional<std::string> read_line(milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto newline = out_.find('\n', read_pos_);
      if (newline != std::string::npos) {
        std::string line = out_.substr(read_pos_, newline - read_pos_);
        read_pos_ = newline + 1;
        return line;
      }
      if (out_fd_ < 0 || std::chrono::steady_clock::now() >= until) return std::nullopt;
      pump(until);
    }
  }

  void send_signal(int sig) {
    if (pid_ > 0 && !exited_) ::kill(pid_, sig);
  }

  /// Pumps its output for at most `slice`; true while it still runs.
  bool running_after(milliseconds slice) {
    const auto until = std::chrono::steady_clock::now() + slice;
    while (pid_ > 0 && !exited_ && std::chrono::steady_clock::now() < until) pump(until);
    return pid_ > 0 && !exited_;
  }

  /// Waits for the exit. Past the timeout the group is killed and the test fails; the result
  /// then has timed_out set. `out` holds all of stdout, including lines read with read_line.
  process_result wait(milliseconds timeout) {
    process_result result;
    if (pid_ <= 0) {
      ADD_FAILURE() << "could not start " << command_ << ": " << start_error_;
      return result;
    }
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (!exited_ && std::chrono::steady_clock::now() < until) pump(until);
    if (!exited_) {
      result.timed_out = true;
      ::kill(-pid_, SIGKILL);
      ::wait4(pid_, &status_, 0, &usage_);
      exited_ = true;
    }
    // A grandchild may still hold the pipes open: drain them, but only briefly.
    const auto drain_until = std::chrono::steady_clock::now() + milliseconds(2000);
    while ((out_fd_ >= 0 || err_fd_ >= 0) && std::chrono::steady_clock::now() < drain_until) {
      pump(drain_until);
    }
    if (WIFEXITED(status_)) {
      result.exit_code = WEXITSTATUS(status_);
    } else if (WIFSIGNALED(status_)) {
      result.term_signal = WTERMSIG(status_);
      result.exit_code = 128 + result.term_signal;
    }
    result.out = out_;
    result.err = err_;
    result.max_rss_kb = usage_.ru_maxrss;
    if (result.timed_out) {
      ADD_FAILURE() << "timed out after " << timeout.count() << " ms, killed: " << command_
                    << "\n--- stdout ---\n"
                    << result.out << "\n--- stderr ---\n"
                    << result.err;
    }
    return result;
  }

 private:
  static void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }

  void start() {
    command_ = join_command(argv_);
    int out_pipe[2] = {-1, -1};
    int err_pipe[2] = {-1, -1};
    int in_pipe[2] = {-1, -1};
    if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0 ||
        (stdin_pipe_ && ::pipe2(in_pipe, O_CLOEXEC) != 0)) {
      start_error_ = std::string("pipe: ") + std::strerror(errno);
      return;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (stdin_pipe_) {
      posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
    } else {
      posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    }
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
    // Nothing of the test process reaches it: what it holds, it opened itself.
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    // Default dispositions and an empty mask, whatever the test runner inherited; its own group
    // so that a timeout can kill everything it started.
    sigset_t all;
    sigfillset(&all);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(
        &attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);
    std::vector<char*> args;
    for (auto& a : argv_) args.push_back(a.data());
    args.push_back(nullptr);
    pid_t pid = 0;
    const int rc = ::posix_spawn(&pid, args[0], &actions, &attr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    if (stdin_pipe_) ::close(in_pipe[0]);
    in_fd_ = in_pipe[1];
    out_fd_ = out_pipe[0];
    err_fd_ = err_pipe[0];
    if (rc != 0) {
      start_error_ = std::string("posix_spawn: ") + std::strerror(rc);
      close_fd(out_fd_);
      close_fd(err_fd_);
      return;
    }
    pid_ = pid;
    // A pidfd makes the exit pollable with the pipes; without one, poll in short slices.
    pid_fd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  }

  /// One poll over the pipes and the exit, at most until `until`.
  void pump(std::chrono::steady_clock::time_point until) {
    auto left = std::chrono::duration_cast<milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() < 0) left = milliseconds(0);
    if ((pid_fd_ < 0 && !exited_) || (out_fd_ < 0 && err_fd_ < 0)) {
      left = std::min(left, milliseconds(10));
    }
    pollfd fds[3];
    nfds_t n = 0;
    for (int fd : {out_fd_, err_fd_}) {
      if (fd >= 0) fds[n++] = pollfd{fd, POLLIN, 0};
    }
    if (pid_fd_ >= 0 && !exited_) fds[n++] = pollfd{pid_fd_, POLLIN, 0};
    if (n == 0) {
      ::usleep(static_cast<useconds_t>(left.count() * 1000));
    } else if (::poll(fds, n, static_cast<int>(left.count())) < 0 && errno != EINTR) {
      ADD_FAILURE() << "poll: " << std::strerror(errno);
      return;
    }
    drain(out_fd_, out_);
    drain(err_fd_, err_);
    if (!exited_ && ::wait4(pid_, &status_, WNOHANG, &usage_) == pid_) exited_ = true;
  }

  /// Reads what is ready without blocking; closes the fd at end of file.
  static void drain(int& fd, std::string& into) {
    while (fd >= 0) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 0) <= 0) return;
      char buffer[16 * 1024];
      const ssize_t got = ::read(fd, buffer, sizeof buffer);
      if (got > 0) {
        into.append(buffer, static_cast<std::size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        close_fd(fd);
      }
    }
  }

  std::vector<std::string> argv_;
  bool stdin_pipe_ = false;
  int in_fd_ = -1;
  std::string command_;
  std::string start_error_;
  pid_t pid_ = -1;
  int pid_fd_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  bool exited_ = false;
  int status_ = 0;
  rusage usage_{};
  std::string out_;
  std::string err_;
  std::size_t read_pos_ = 0;
};

/// Runs argv to completion, or kills its group at the deadline and fails the test.
inline process_result run_process(std::vector<std::string> argv,
                                  milliseconds deadline = milliseconds(60'000)) {
  background_process child(std::move(argv));
  return child.wait(deadline);
}

/// A fresh directory, removed afterwards unless the test failed (then kept for a look).
class temp_dir {
 public:
  temp_dir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern =
        std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/wsrepro-cli-test.XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      ADD_FAILURE() << "mkdtemp: " << std::strerror(errno);
    }
    path_ = pattern;
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  ~temp_dir() {
    if (::testing::Test::HasFailure()) {
      std::cerr << "kept for inspection: " << path_.string() << "\n";
      return;
    }
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::string str() const { return path_.string(); }
  std::string operator/(std::string_view name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

/// A program on PATH (the test's processes are started without a PATH search).
inline std::string on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path != nullptr ? path : "/usr/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const std::filesystem::path candidate = std::filesystem::path(dir) / program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return program;
}

inline std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

inline void write_text(const std::filesystem::path& file, std::string_view text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
}

struct process_entry {
  pid_t pid = 0;
  std::string cmdline;  ///< arguments joined by spaces
};

/// Live processes whose command line contains `needle` (zombies have none, so never match).
inline std::vector<process_entry> processes_with_cmdline(std::string_view needle) {
  std::vector<process_entry> found;
  DIR* dir = ::opendir("/proc");
  if (dir == nullptr) return found;
  while (const dirent* entry = ::readdir(dir)) {
    char* end = nullptr;
    const long pid = std::strtol(entry->d_name, &end, 10);
    if (*end != '\0' || pid <= 0 || pid == ::getpid()) continue;
    std::string cmdline = read_text(std::string("/proc/") + entry->d_name + "/cmdline");
    for (char& c : cmdline) {
      if (c == '\0') c = ' ';
    }
    if (cmdline.find(needle) != std::string::npos) {
      found.push_back({static_cast<pid_t>(pid), cmdline});
    }
  }
  ::closedir(dir);
  return found;
}

}  // namespace wsrepro::test
