#pragma once
// The process table as /proc shows it: pid, parent, state and name of every process, and a
// process's command line, for the harness's hunt for what a client left behind. (The shim, in
// C, walks /proc itself, parsing each line with the same proc_stat.h.)

#include <dirent.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "proc_stat.h"

namespace wsrepro::harness::proc {

struct process_info {
  int ppid = 0;
  char state = '?';
  std::string comm;
};

inline std::map<int, process_info> scan() {
  std::map<int, process_info> procs;
  DIR* dir = opendir("/proc");
  if (dir == nullptr) return procs;
  while (dirent* entry = readdir(dir)) {
    char* end = nullptr;
    const long pid = std::strtol(entry->d_name, &end, 10);
    if (*end != '\0' || pid <= 0) continue;
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE* f = std::fopen(path, "re");
    if (f == nullptr) continue;
    char buf[1024];
    const std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
    std::fclose(f);
    buf[n] = '\0';
    const char* comm = nullptr;
    std::size_t comm_length = 0;
    process_info info;
    if (wsrepro_parse_proc_stat(buf, &comm, &comm_length, &info.state, &info.ppid) == 0) continue;
    info.comm.assign(comm, comm_length);
    procs[static_cast<int>(pid)] = info;
  }
  closedir(dir);
  return procs;
}

/// The command line with its NULs as spaces (at most about 300 bytes), or `fallback`.
inline std::string command_line(int pid, const std::string& fallback) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
  FILE* f = std::fopen(path, "re");
  if (f == nullptr) return fallback;
  std::string cmd;
  char buf[512];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0 && cmd.size() < 300) cmd.append(buf, n);
  std::fclose(f);
  for (char& c : cmd) {
    if (c == '\0') c = ' ';
  }
  while (!cmd.empty() && cmd.back() == ' ') cmd.pop_back();
  return cmd.empty() ? fallback : cmd;
}

inline bool alive(const process_info& info) { return info.state != 'Z' && info.state != 'X'; }

/// Every descendant of `roots` in `procs` (the roots excluded), zombies included.
inline std::vector<int> descendants(const std::map<int, process_info>& procs,
                                    const std::vector<int>& roots) {
  std::multimap<int, int> children;
  for (const auto& [pid, info] : procs) children.emplace(info.ppid, pid);
  std::vector<int> out;
  std::vector<int> stack = roots;
  std::set<int> seen(roots.begin(), roots.end());
  while (!stack.empty()) {
    const int parent = stack.back();
    stack.pop_back();
    auto [first, last] = children.equal_range(parent);
    for (auto it = first; it != last; ++it) {
      if (!seen.insert(it->second).second) continue;
      out.push_back(it->second);
      stack.push_back(it->second);
    }
  }
  return out;
}

}  // namespace wsrepro::harness::proc
