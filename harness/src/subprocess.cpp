#include "subprocess.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <map>

#include "wsrepro/harness/reaper.hpp"

namespace wsrepro::harness {

namespace {

using clock = std::chrono::steady_clock;

std::vector<std::string> merged_environment(const std::vector<std::string>& extra) {
  std::map<std::string, std::string> vars;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const auto eq = entry.find('=');
    if (eq != std::string::npos) vars[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  for (const auto& entry : extra) {
    const auto eq = entry.find('=');
    if (eq != std::string::npos) vars[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  std::vector<std::string> out;
  out.reserve(vars.size());
  for (const auto& [name, value] : vars) out.push_back(name + "=" + value);
  return out;
}

/// Reaps `pid` without blocking; true once it has ended.
bool reap(pid_t pid, subprocess_result& result) {
  int status = 0;
  const pid_t done = ::waitpid(pid, &status, WNOHANG);
  if (done != pid) return false;
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.exit_signal = WTERMSIG(status);
  return true;
}

}  // namespace

std::string subprocess_result::describe() const {
  if (!started) return "could not start: " + error;
  if (cancelled) return "cancelled";
  if (timed_out) {
    return "timed out after " + std::to_string(static_cast<long>(duration_ms / 1000)) + " s";
  }
  if (exit_signal != 0) return "killed by signal " + std::to_string(exit_signal);
  return "exited " + std::to_string(exit_code);
}

std::string subprocess_result::last_line() const {
  std::size_t end = output.size();
  while (end > 0) {
    while (end > 0 &&
           (output[end - 1] == '\n' || output[end - 1] == '\r' || output[end - 1] == ' ')) {
      --end;
    }
    const auto start = output.rfind('\n', end == 0 ? 0 : end - 1);
    const std::size_t from = start == std::string::npos ? 0 : start + 1;
    if (end > from) return output.substr(from, end - from);
    if (from == 0) break;
    end = from;
  }
  return {};
}

subprocess_result run_subprocess(const subprocess_request& request) {
  subprocess_result result;
  const auto started = clock::now();
  if (request.argv.empty()) {
    result.error = "empty command";
    return result;
  }
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    result.error = std::string("pipe: ") + std::strerror(errno);
    return result;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  posix_spawnattr_t attrs;
  posix_spawnattr_init(&attrs);
  sigset_t no_signals;
  sigemptyset(&no_signals);
  sigset_t all_signals;
  sigfillset(&all_signals);
  posix_spawnattr_setsigmask(&attrs, &no_signals);
  posix_spawnattr_setsigdefault(&attrs, &all_signals);
  posix_spawnattr_setpgroup(&attrs, 0);
  posix_spawnattr_setflags(&attrs, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                       POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_USEVFORK);
  std::vector<char*> argv;
  argv.reserve(request.argv.size() + 1);
  for (const auto& a : request.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const auto env_strings = merged_environment(request.extra_env);
  std::vector<char*> envp;
  envp.reserve(env_strings.size() + 1);
  for (const auto& e : env_strings) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  pid_t pid = 0;
  const int spawn_error =
      spawn_registered(&pid, argv[0], true, &actions, &attrs, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attrs);
  ::close(pipe_fds[1]);
  if (spawn_error != 0) {
    ::close(pipe_fds[0]);
    result.error = request.argv.front() + ": " + std::strerror(spawn_error);
    return result;
  }
  result.started = true;

  const auto deadline = started + request.timeout;
  bool exited = false;
  bool pipe_open = true;
  clock::time_point drain_until{};
  char buffer[8192];
  // Until it has exited and the pipe is drained; the drain is bounded, for grandchildren that
  // keep the pipe open.
  while (!exited || (pipe_open && clock::now() < drain_until)) {
    if (!exited &&
        (clock::now() >= deadline || (request.cancel != nullptr && request.cancel->load()))) {
      result.timed_out = clock::now() >= deadline;
      result.cancelled = !result.timed_out;
      ::kill(-pid, SIGKILL);
      while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
      }
      exited = true;
      break;
    }
    if (pipe_open) {
      pollfd p{pipe_fds[0], POLLIN, 0};
      const int ready = ::poll(&p, 1, 50);
      if (ready > 0) {
        const ssize_t n = ::read(pipe_fds[0], buffer, sizeof buffer);
        if (n > 0) {
          const std::string_view chunk(buffer, static_cast<std::size_t>(n));
          if (result.output.size() < request.capture_limit_bytes) result.output.append(chunk);
          if (request.on_output) request.on_output(chunk);
        } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
          pipe_open = false;
        }
      }
    } else {
      ::usleep(20'000);
    }
    if (!exited && reap(pid, result)) {
      exited = true;
      drain_until = clock::now() + std::chrono::seconds(1);
    }
  }
  ::kill(-pid, SIGKILL);  // whatever it left behind in its group
  forget_process(pid);
  ::close(pipe_fds[0]);
  result.duration_ms = std::chrono::duration<double, std::milli>(clock::now() - started).count();
  return result;
}

}  // namespace wsrepro::harness
