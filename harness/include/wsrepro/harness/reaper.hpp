#pragma once
// Nothing a run starts may outlive it, even when the client kills its supervising shim. wsrepro
// is a child subreaper: a process whose shim died is reparented to wsrepro instead of init, and
// is found here as a child that wsrepro never started. Every process wsrepro starts itself (a
// shim, a client, a set-up step) is registered while it is being started, so the hunt for
// escapees never mistakes one of them for a leak.

#include <spawn.h>
#include <sys/types.h>

#include <chrono>
#include <vector>

#include "wsrepro/results/result.hpp"

namespace wsrepro::harness {

/// Makes this process a child subreaper (once; later calls do nothing).
void adopt_orphans();

/// posix_spawn (or posix_spawnp when `search_path`) under the registry's lock, recording the
/// child on success. Returns posix_spawn's error number.
int spawn_registered(pid_t* pid, const char* file, bool search_path,
                     const posix_spawn_file_actions_t* actions, const posix_spawnattr_t* attr,
                     char* const argv[], char* const envp[]);
/// Records a process this program owns but did not spawn itself (a shim's client).
void register_process(pid_t pid);
/// The process has been reaped (or was never ours): stop tracking it.
void forget_process(pid_t pid);

/// Kills every process that escaped to wsrepro (its parent is wsrepro and nothing registered
/// it) and every descendant of those, reaps what becomes a zombie of wsrepro, and returns the
/// processes that were alive when first seen. Bounded by `budget`.
std::vector<results::leaked_process> kill_escaped_processes(std::chrono::milliseconds budget);

}  // namespace wsrepro::harness
