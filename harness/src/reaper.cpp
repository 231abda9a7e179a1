#include "wsrepro/harness/reaper.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mutex>
#include <set>
#include <thread>

#include "../shim/proc_table.hpp"

namespace wsrepro::harness {

namespace {

std::mutex& registry_mutex() {
  static std::mutex mutex;
  return mutex;
}

std::set<pid_t>& registry() {
  static std::set<pid_t> pids;
  return pids;
}

}  // namespace

void adopt_orphans() {
  static std::once_flag once;
  std::call_once(once, [] { ::prctl(PR_SET_CHILD_SUBREAPER, 1); });
}

int spawn_registered(pid_t* pid, const char* file, bool search_path,
                     const posix_spawn_file_actions_t* actions, const posix_spawnattr_t* attr,
                     char* const argv[], char* const envp[]) {
  const std::lock_guard lock(registry_mutex());
  const int rc = search_path ? ::posix_spawnp(pid, file, actions, attr, argv, envp)
                             : ::posix_spawn(pid, file, actions, attr, argv, envp);
  if (rc == 0) registry().insert(*pid);
  return rc;
}

void register_process(pid_t pid) {
  const std::lock_guard lock(registry_mutex());
  registry().insert(pid);
}

void forget_process(pid_t pid) {
  const std::lock_guard lock(registry_mutex());
  registry().erase(pid);
}

std::vector<results::leaked_process> kill_escaped_processes(std::chrono::milliseconds budget) {
  const auto until = std::chrono::steady_clock::now() + budget;
  const pid_t self = ::getpid();
  std::vector<results::leaked_process> leaks;
  std::set<int> reported;
  for (;;) {
    std::map<int, proc::process_info> procs;
    std::vector<int> escaped;
    {
      const std::lock_guard lock(registry_mutex());
      procs = proc::scan();
      for (const auto& [pid, info] : procs) {
        if (info.ppid == self && registry().count(pid) == 0) escaped.push_back(pid);
      }
    }
    if (escaped.empty()) break;
    std::vector<int> targets = proc::descendants(procs, escaped);
    targets.insert(targets.end(), escaped.begin(), escaped.end());
    for (const int pid : targets) {
      const auto& info = procs.at(pid);
      if (!proc::alive(info)) continue;
      if (reported.insert(pid).second) {
        leaks.push_back({pid, proc::command_line(pid, info.comm)});
      }
      ::kill(pid, SIGKILL);
    }
    // The escapees are wsrepro's children: reap them (their descendants come to wsrepro in turn
    // as they die, and are reaped on the next pass).
    for (const int pid : escaped) ::waitpid(pid, nullptr, WNOHANG);
    if (std::chrono::steady_clock::now() >= until) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return leaks;
}

}  // namespace wsrepro::harness
