#include "wsrepro/harness/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <sstream>
#include <thread>

#include "../shim/spawn_attributes.h"
#include "driver_protocol.hpp"
#include "wsrepro/harness/reaper.hpp"

extern char** environ;

namespace wsrepro::harness {

namespace net = boost::asio;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

namespace {

constexpr std::pair<int, const char*> signal_names[] = {
    {SIGHUP, "SIGHUP"},   {SIGINT, "SIGINT"},   {SIGQUIT, "SIGQUIT"},  {SIGILL, "SIGILL"},
    {SIGTRAP, "SIGTRAP"}, {SIGABRT, "SIGABRT"}, {SIGBUS, "SIGBUS"},    {SIGFPE, "SIGFPE"},
    {SIGKILL, "SIGKILL"}, {SIGUSR1, "SIGUSR1"}, {SIGSEGV, "SIGSEGV"},  {SIGUSR2, "SIGUSR2"},
    {SIGPIPE, "SIGPIPE"}, {SIGALRM, "SIGALRM"}, {SIGTERM, "SIGTERM"},  {SIGCHLD, "SIGCHLD"},
    {SIGCONT, "SIGCONT"}, {SIGSTOP, "SIGSTOP"}, {SIGTSTP, "SIGTSTP"},  {SIGTTIN, "SIGTTIN"},
    {SIGTTOU, "SIGTTOU"}, {SIGXCPU, "SIGXCPU"}, {SIGWINCH, "SIGWINCH"}};

int pidfd_open(int pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }
int pidfd_send_signal(int pidfd, int sig) {
  return static_cast<int>(::syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0));
}

/// Moves an fd to 10 or above with CLOEXEC, so dup2 onto 0-3 in the child never meets itself.
int high_cloexec(int fd) {
  const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 10);
  ::close(fd);
  return moved;
}

bool is_proxy_variable(std::string_view entry) {
  const auto eq = entry.find('=');
  std::string name(entry.substr(0, eq));
  for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name.ends_with("_PROXY");
}

}  // namespace

std::string_view to_string(signal_target t) {
  switch (t) {
    case signal_target::process:
      return "process";
    case signal_target::group:
      return "group";
    case signal_target::terminal:
      return "terminal";
  }
  return "process";
}

std::string signal_name(int sig) {
  for (const auto& [number, name] : signal_names) {
    if (number == sig) return name;
  }
  return "signal " + std::to_string(sig);
}

std::optional<int> signal_number(std::string_view name) {
  for (const auto& [number, known] : signal_names) {
    const std::string_view k(known);
    if (k == name || k.substr(3) == name) return number;
  }
  return std::nullopt;
}

std::vector<std::string> client_environment(const std::vector<std::string>& extra) {
  const auto name_of = [](std::string_view entry) { return entry.substr(0, entry.find('=')); };
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    if (is_proxy_variable(*e)) continue;
    // The scenario's own values win: getenv() returns the first match.
    const bool overridden = std::any_of(extra.begin(), extra.end(), [&](const std::string& x) {
      return name_of(x) == name_of(*e);
    });
    if (!overridden) env.emplace_back(*e);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

struct child_process::stream_reader {
  stream_reader(net::io_context& ioc, int fd, bool stderr_stream, results::captured_output& capture)
      : stream(ioc, fd),
        is_stderr(stderr_stream),
        kind(stderr_stream ? "stderr" : "stdout"),
        out(capture) {}
  net::posix::stream_descriptor stream;
  bool is_stderr;
  std::string kind;  ///< the event kind of its lines: "stdout", "stderr" or "terminal"
  results::captured_output& out;
  std::string partial_line;
  std::size_t line_events = 0;
  std::array<char, std::size_t{16} * 1024> buffer{};
};

child_process::child_process(net::io_context& ioc, timeline& log)
    : ioc_(ioc), log_(log), wake_(ioc) {}

child_process::~child_process() {
  // Normally kill_tree() has run. If not (an error path), closing the control socket makes the
  // shim kill the tree itself; then reap the shim, bounded.
  if (control_) {
    boost::system::error_code ec;
    control_->close(ec);
  }
  if (stdin_write_fd_ >= 0) ::close(stdin_write_fd_);
  if (pty_master_fd_ >= 0) ::close(pty_master_fd_);
  if (supervisor_lost_ && !tree_killed_) {
    // Nobody else will: the client's group and whatever escaped to wsrepro die here.
    if (pid_ > 0) ::kill(-pid_, SIGKILL);
    kill_escaped_processes(std::chrono::seconds(2));
  }
  if (pid_ > 0) forget_process(pid_);
  if (shim_pid_ > 0) {
    for (int i = 0; i < 400; ++i) {
      if (::waitpid(shim_pid_, nullptr, WNOHANG) != 0) {
        forget_process(shim_pid_);
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ::kill(shim_pid_, SIGKILL);
    if (pid_ > 0) ::kill(-pid_, SIGKILL);
    ::waitpid(shim_pid_, nullptr, 0);
    forget_process(shim_pid_);
  }
}

namespace {

/// The shim's ends of its channels, moved high so dup2 onto 0-3 never meets itself, and the
/// pseudo-terminal it opens for the client, if any.
struct shim_channels {
  int control = -1;
  int out = -1;
  int err = -1;
  int stdin_read = -1;
  std::string pty_path;
};

/// Starts the shim with exactly stdin, stdout, stderr and its control socket (fd 3) open, in a
/// group of its own; closes the shim's ends here. 0 or the spawn's errno.
int spawn_shim(const spawn_request& request, const shim_channels& ends, pid_t& shim) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, ends.stdin_read, 0);
  posix_spawn_file_actions_adddup2(&actions, ends.out, 1);
  posix_spawn_file_actions_adddup2(&actions, ends.err, 2);
  posix_spawn_file_actions_adddup2(&actions, ends.control, 3);
  // The shim starts with stdio and its control socket only, whatever else is open here.
  posix_spawn_file_actions_addclosefrom_np(&actions, 4);
  posix_spawnattr_t attr;
  // Its own group keeps it away from wsrepro's terminal: a Ctrl+C there is ours to handle.
  wsrepro_init_client_spawn_attributes(&attr);

  std::vector<std::string> shim_args{request.shim.string(), "3"};
  if (!ends.pty_path.empty()) {
    shim_args.emplace_back("--pty");
    shim_args.push_back(ends.pty_path);
  }
  shim_args.emplace_back("--");
  shim_args.insert(shim_args.end(), request.argv.begin(), request.argv.end());
  std::vector<char*> argv;
  for (auto& a : shim_args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_copy = request.env;
  std::vector<char*> envp;
  for (auto& e : env_copy) envp.push_back(e.data());
  envp.push_back(nullptr);

  const int rc = spawn_registered(&shim, request.shim.c_str(), false, &actions, &attr, argv.data(),
                                  envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(ends.control);
  ::close(ends.out);
  ::close(ends.err);
  ::close(ends.stdin_read);
  return rc;
}

/// The shim's first line on the control socket, with a deadline; the error when none came.
std::optional<std::string> read_first_line(int control_fd, std::string& line, bool& lost) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (line.find('\n') == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return "the shim did not report within 10 s";
    pollfd pfd{control_fd, POLLIN, 0};
    const int n = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) continue;
    char buf[256];
    const ssize_t got = ::read(control_fd, buf, sizeof buf);
    if (got <= 0) {
      lost = true;
      return std::nullopt;
    }
    line.append(buf, static_cast<std::size_t>(got));
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> child_process::open_channels(const spawn_request& request,
                                                        int control[2], int out_pipe[2],
                                                        int err_pipe[2], int& stdin_read,
                                                        std::string& pty_path) {
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, control) != 0) {
    return std::string("socketpair: ") + std::strerror(errno);
  }
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) {
    return std::string("pipe: ") + std::strerror(errno);
  }
  if (request.input == stdin_mode::pty) {
    // The client opens the terminal itself (in its own session, so it becomes its controlling
    // terminal); we keep the master side to type into and to drain.
    pty_master_fd_ = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (pty_master_fd_ < 0 || ::grantpt(pty_master_fd_) != 0 || ::unlockpt(pty_master_fd_) != 0) {
      return std::string("pseudo-terminal: ") + std::strerror(errno);
    }
    pty_path = ::ptsname(pty_master_fd_);
  }
  if (request.input == stdin_mode::pipe) {
    int in_pipe[2];
    if (::pipe2(in_pipe, O_CLOEXEC) != 0) return std::string("pipe: ") + std::strerror(errno);
    stdin_read = in_pipe[0];
    stdin_write_fd_ = in_pipe[1];
  } else {
    stdin_read = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  }
  return std::nullopt;
}

std::optional<std::string> child_process::take_shim_report(int control_fd,
                                                           const spawn_request& request) {
  std::string first_line;
  bool lost = false;
  if (auto problem = read_first_line(control_fd, first_line, lost)) return problem;
  if (lost) return lost_before_report();
  const auto eol = first_line.find('\n');
  control_buffer_ = first_line.substr(eol + 1);
  std::istringstream words(first_line.substr(0, eol));
  std::string word;
  long long a = 0;
  long long t = 0;
  words >> word >> a >> t;
  if (word == "spawn_error") {
    const int err = static_cast<int>(a);
    if (err == ENOENT) return "program not found: " + request.argv.front();
    if (err == EACCES) return "program not executable: " + request.argv.front();
    return "cannot start " + request.argv.front() + ": " + std::strerror(err);
  }
  if (word != "spawned" || a <= 0) return "unexpected word from the shim: " + first_line;
  pid_ = static_cast<int>(a);
  // Should the client kill the shim, it becomes wsrepro's child: the hunt for escapees must
  // leave it to us.
  register_process(pid_);
  const int pidfd = pidfd_open(pid_);
  if (pidfd < 0) return std::string("pidfd_open: ") + std::strerror(errno);
  pidfd_ = std::make_unique<net::posix::stream_descriptor>(ioc_, pidfd);
  spawn_ns_ = t;
  return std::nullopt;
}

std::optional<std::string> child_process::start(const spawn_request& request) {
  if (request.argv.empty()) return "empty client command";
  max_line_events_ = request.max_line_events;
  max_driver_events_ = request.max_driver_events;
  output_limit_ = request.output_limit_bytes;

  int control[2];
  int out_pipe[2];
  int err_pipe[2];
  shim_channels ends;
  if (auto problem =
          open_channels(request, control, out_pipe, err_pipe, ends.stdin_read, ends.pty_path)) {
    return problem;
  }
  adopt_orphans();
  ends.control = high_cloexec(control[1]);
  ends.out = high_cloexec(out_pipe[1]);
  ends.err = high_cloexec(err_pipe[1]);
  ends.stdin_read = high_cloexec(ends.stdin_read);
  pid_t shim = 0;
  const int rc = spawn_shim(request, ends, shim);
  const int control_fd = control[0];
  if (rc != 0) {
    ::close(control_fd);
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    return "cannot start " + request.shim.string() + ": " + std::strerror(rc);
  }
  shim_pid_ = shim;
  control_ = std::make_unique<net::posix::stream_descriptor>(ioc_, control_fd);
  stdout_reader_ = std::make_unique<stream_reader>(ioc_, out_pipe[0], false, stdout_);
  stderr_reader_ = std::make_unique<stream_reader>(ioc_, err_pipe[0], true, stderr_);
  // The shim's first word: the client's pid, or why it could not start.
  if (auto problem = take_shim_report(control_fd, request)) return problem;

  event spawned;
  spawned.t_ns = spawn_ns_;
  spawned.source = "client";
  spawned.kind = "spawn";
  spawned.with("pid", static_cast<std::int64_t>(pid_)).with("program", request.argv.front());
  log_.emit(std::move(spawned));
  // Only now may the shim reap the client: our pidfd keeps its pid from being reused.
  // If the shim is already gone (the client killed it at once), the control socket's EOF says so
  // in a moment, and the client is ours to reap.
  static constexpr char go[] = "go\n";
  ::send(control_fd, go, sizeof go - 1, MSG_NOSIGNAL);
  start_watching();
  return std::nullopt;
}

void child_process::start_watching() {
  watch_pidfd();
  read_control();
  start_reader(*stdout_reader_);
  start_reader(*stderr_reader_);
  if (pty_master_fd_ >= 0) {
    // Whatever the client writes to its terminal (echo, prompts) is read and counted, so a full
    // terminal buffer can never block it.
    terminal_reader_ = std::make_unique<stream_reader>(
        ioc_, ::fcntl(pty_master_fd_, F_DUPFD_CLOEXEC, 0), true, terminal_);
    terminal_reader_->kind = "terminal";
    start_reader(*terminal_reader_);
  }
}

void child_process::watch_pidfd() {
  pidfd_->async_wait(net::posix::stream_descriptor::wait_read,
                     [this](boost::system::error_code ec) {
                       if (ec) return;
                       exit_seen_ns_ = now_ns();
                       collect_orphaned_status();
                       emit_exit();
                     });
}

void child_process::read_control() {
  control_->async_read_some(net::buffer(control_chunk_),
                            [this](boost::system::error_code ec, std::size_t n) {
                              control_buffer_.append(control_chunk_.data(), n);
                              std::size_t eol = 0;
                              while ((eol = control_buffer_.find('\n')) != std::string::npos) {
                                const std::string line = control_buffer_.substr(0, eol);
                                control_buffer_.erase(0, eol + 1);
                                on_control_line(line);
                              }
                              if (ec) {
                                if (!tree_done_) on_supervisor_lost();
                                tree_done_ = true;  // the shim is gone: nothing more will come
                                wake_.cancel();
                                return;
                              }
                              read_control();
                            });
}

void child_process::on_control_line(const std::string& line) {
  std::istringstream words(line);
  std::string word;
  words >> word;
  if (word == "exited") {
    long long pid = 0;
    int status = 0;
    words >> pid >> status;
    wait_status_ = status;
    emit_exit();
  } else if (word == "leak") {
    results::leaked_process leak;
    words >> leak.pid;
    std::getline(words >> std::ws, leak.command);
    if (leak.pid != pid_) leaks_.push_back(std::move(leak));
  } else if (word == "tree_done") {
    tree_done_ = true;
    wake_.cancel();
  }
}

std::string child_process::shim_death() {
  // The shim is gone or going: its status says how (bounded: it has closed its socket).
  int status = 0;
  pid_t reaped = 0;
  for (int i = 0; i < 200 && reaped == 0; ++i) {
    reaped = ::waitpid(shim_pid_, &status, WNOHANG);
    if (reaped == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (reaped != shim_pid_) return "wsrepro-shim is gone";
  forget_process(shim_pid_);
  shim_pid_ = 0;
  if (WIFSIGNALED(status)) return "wsrepro-shim was killed by " + signal_name(WTERMSIG(status));
  return "wsrepro-shim exited with code " + std::to_string(WEXITSTATUS(status));
}

std::string child_process::lost_before_report() {
  // The client may have killed the shim before the shim could name it: whatever the shim had
  // started is now wsrepro's, and dies here.
  const std::string how = shim_death();
  leaks_ = kill_escaped_processes(std::chrono::seconds(2));
  if (leaks_.empty()) return "the supervising helper died before starting the client (" + how + ")";
  supervisor_lost_ = how + " before it could report the client; " + std::to_string(leaks_.size()) +
                     " process(es) it had started were killed";
  return "the client killed its supervising helper: " + *supervisor_lost_;
}

void child_process::on_supervisor_lost() {
  const mono_ns at = now_ns();
  supervisor_lost_ = shim_death();
  event e;
  e.t_ns = at;
  e.source = "harness";
  e.kind = "supervisor_lost";
  e.with("what", *supervisor_lost_);
  log_.emit(std::move(e));
  collect_orphaned_status();
  emit_exit();
}

void child_process::collect_orphaned_status() {
  // With the shim gone, the client is wsrepro's child (we are a subreaper): its status is ours to
  // collect. If the shim reaped it and died before telling us, the status is lost.
  if (!supervisor_lost_ || wait_status_ || exit_seen_ns_ == 0 || pid_ <= 0) return;
  int status = 0;
  const pid_t reaped = ::waitpid(pid_, &status, WNOHANG);
  if (reaped == pid_) {
    wait_status_ = status;
  } else if (reaped < 0 && errno == ECHILD) {
    status_lost_ = true;
  }
}

void child_process::emit_exit() {
  // Both halves are needed: the time (our pidfd) and the status (the shim's waitpid).
  if (exit_ || exit_seen_ns_ == 0 || (!wait_status_ && !status_lost_)) return;
  exit_status status;
  status.t_ns = exit_seen_ns_;
  event e;
  e.t_ns = exit_seen_ns_;
  e.source = "client";
  e.kind = "exit";
  e.with("pid", static_cast<std::int64_t>(pid_));
  if (!wait_status_) {
    e.with("status", std::string("unknown: its supervisor died with it"));
  } else if (WIFEXITED(*wait_status_)) {
    status.code = WEXITSTATUS(*wait_status_);
    e.with("code", static_cast<std::int64_t>(*status.code));
  } else if (WIFSIGNALED(*wait_status_)) {
    status.signal = WTERMSIG(*wait_status_);
    e.with("signal", signal_name(*status.signal));
  }
  exit_ = status;
  log_.emit(std::move(e));
  wake_.cancel();
}

net::awaitable<std::optional<exit_status>> child_process::wait_exit(
    std::chrono::steady_clock::time_point deadline) {
  while (!exit_ && std::chrono::steady_clock::now() < deadline) {
    wake_.expires_at(deadline);
    co_await wake_.async_wait(use_tuple);
  }
  co_return exit_;
}

bool child_process::send_signal(int sig, signal_target target, std::string_view why) {
  if (!running()) return false;
  event e;
  e.source = "harness";
  e.kind = "signal";
  e.with("signal", signal_name(sig))
      .with("target", std::string(to_string(target)))
      .with("why", std::string(why));
  e.t_ns = now_ns();
  int rc = 0;
  if (target == signal_target::terminal && pty_master_fd_ >= 0) {
    // Typed, as a user would: the terminal's line discipline turns it into the signal for the
    // whole foreground process group (with the default VINTR, VQUIT and VSUSP keys).
    const char key = sig == SIGQUIT ? '\x1c' : sig == SIGTSTP ? '\x1a' : '\x03';
    rc = ::write(pty_master_fd_, &key, 1) == 1 ? 0 : -1;
  } else if (target == signal_target::group || target == signal_target::terminal) {
    rc = ::kill(-pid_, sig);
  } else {
    rc = pidfd_send_signal(pidfd_->native_handle(), sig);
  }
  if (rc != 0) e.with("error", std::string(std::strerror(errno)));
  log_.emit(std::move(e));
  return rc == 0;
}

void child_process::start_reader(stream_reader& reader) {
  reader.stream.async_read_some(net::buffer(reader.buffer),
                                [this, &reader](boost::system::error_code ec, std::size_t n) {
                                  if (n > 0)
                                    on_output(reader, std::string_view(reader.buffer.data(), n));
                                  if (!ec) start_reader(reader);
                                });
}

void child_process::drain_output() {
  for (stream_reader* reader : {stdout_reader_.get(), stderr_reader_.get()}) {
    if (reader == nullptr || !reader->stream.is_open()) continue;
    const int fd = reader->stream.native_handle();
    for (;;) {
      pollfd pfd{fd, POLLIN, 0};
      if (::poll(&pfd, 1, 0) <= 0 || (pfd.revents & POLLIN) == 0) break;
      const ssize_t n = ::read(fd, reader->buffer.data(), reader->buffer.size());
      if (n <= 0) break;
      on_output(*reader, std::string_view(reader->buffer.data(), static_cast<std::size_t>(n)));
    }
  }
}

void child_process::on_output(stream_reader& reader, std::string_view bytes) {
  reader.out.total_bytes += bytes.size();
  const std::size_t room =
      output_limit_ > reader.out.data.size() ? output_limit_ - reader.out.data.size() : 0;
  reader.out.data.append(bytes.substr(0, room));
  if (bytes.size() > room) reader.out.truncated = true;
  // Lines become events; a line longer than 64 KiB is cut, so a client that never writes a
  // newline cannot grow this buffer without bound.
  reader.partial_line.append(bytes);
  std::size_t eol = 0;
  while ((eol = reader.partial_line.find('\n')) != std::string::npos) {
    on_line(reader, std::string_view(reader.partial_line).substr(0, eol));
    reader.partial_line.erase(0, eol + 1);
  }
  if (reader.partial_line.size() > std::size_t{64} * 1024) {
    on_line(reader, reader.partial_line);
    reader.partial_line.clear();
  }
}

void child_process::on_line(stream_reader& reader, std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  const mono_ns seen = now_ns();
  // Driver protocol: one JSON object per line with "event" and, optionally, "t" on our clock.
  if (!reader.is_stderr) {
    if (auto e = detail::parse_driver_line(line, seen, spawn_ns_)) {
      // A driver flooding events must not flood wsrepro's memory or the report: past the bound
      // they are counted, not kept.
      if (driver_events_ >= max_driver_events_) {
        log_.discard();
        return;
      }
      ++driver_events_;
      log_.emit(std::move(*e));
      return;
    }
  }
  if (reader.line_events >= max_line_events_) return;
  ++reader.line_events;
  event e;
  e.t_ns = seen;
  e.source = "client";
  e.kind = reader.kind;
  e.with("line", std::string(line.substr(0, 300)));
  log_.emit(std::move(e));
}

void child_process::close_channels() {
  drain_output();  // what the client wrote before it died is kept
  for (stream_reader* reader : {stdout_reader_.get(), stderr_reader_.get()}) {
    boost::system::error_code ec;
    if (reader != nullptr) reader->stream.close(ec);
  }
  if (pidfd_) {
    boost::system::error_code ec;
    pidfd_->close(ec);
  }
  if (control_) {
    boost::system::error_code ec;
    control_->close(ec);
  }
  if (stdin_write_fd_ >= 0) {
    ::close(stdin_write_fd_);
    stdin_write_fd_ = -1;
  }
  if (terminal_reader_) {
    boost::system::error_code ec;
    terminal_reader_->stream.close(ec);
  }
  if (pty_master_fd_ >= 0) {
    ::close(pty_master_fd_);
    pty_master_fd_ = -1;
  }
}

net::awaitable<std::vector<results::leaked_process>> child_process::kill_tree(
    std::chrono::milliseconds deadline) {
  if (control_ && control_->is_open() && !tree_done_) {
    static constexpr char kill_command[] = "kill\n";
    ::send(control_->native_handle(), kill_command, sizeof kill_command - 1, MSG_NOSIGNAL);
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (!tree_done_ && std::chrono::steady_clock::now() < until) {
      wake_.expires_at(until);
      co_await wake_.async_wait(use_tuple);
    }
  }
  if (!tree_done_ && pid_ > 0) {
    event e;
    e.source = "harness";
    e.kind = "error";
    e.with("error", std::string("the shim did not finish killing the tree; killing the group"));
    log_.emit(std::move(e));
    ::kill(-pid_, SIGKILL);
  }
  if (supervisor_lost_) {
    // Nobody adopted the client's tree but wsrepro: kill what it left here.
    if (pid_ > 0) ::kill(-pid_, SIGKILL);
    for (auto& leak : kill_escaped_processes(std::chrono::seconds(2))) {
      leaks_.push_back(std::move(leak));
    }
  }
  close_channels();
  // The shim exits right after tree_done; reap it by pid (never waitpid(-1)). It is usually
  // gone within a fraction of a millisecond: poll from 100 us, doubling up to 5 ms, for 2 s.
  auto pause = std::chrono::microseconds(100);
  const auto reap_until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (shim_pid_ > 0 && std::chrono::steady_clock::now() < reap_until) {
    if (::waitpid(shim_pid_, nullptr, WNOHANG) != 0) {
      forget_process(shim_pid_);
      shim_pid_ = 0;
      break;
    }
    wake_.expires_after(pause);
    co_await wake_.async_wait(use_tuple);
    pause = std::min<std::chrono::microseconds>(pause * 2, std::chrono::milliseconds(5));
  }
  if (shim_pid_ > 0) {
    ::kill(shim_pid_, SIGKILL);
    ::waitpid(shim_pid_, nullptr, 0);
    forget_process(shim_pid_);
    shim_pid_ = 0;
  }
  if (pid_ > 0) {
    if (supervisor_lost_) ::waitpid(pid_, nullptr, WNOHANG);  // ours to reap, if not yet
    forget_process(pid_);
  }
  tree_killed_ = true;
  co_return leaks_;
}

}  // namespace wsrepro::harness
