#include "wsrepro/harness/stack_capture.hpp"

#include <unistd.h>

#include <fstream>

#include "../shim/proc_table.hpp"
#include "diagnose_support.hpp"
#include "socket_table.hpp"
#include "wsrepro/common/clock.hpp"
#include "wsrepro/harness/client.hpp"

namespace wsrepro::harness {

namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

process_identity identify(int pid) {
  process_identity p;
  p.pid = pid;
  std::error_code ec;
  p.exe = fs::read_symlink("/proc/" + std::to_string(pid) + "/exe", ec);
  p.command = proc::command_line(pid, p.exe.filename().string());
  return p;
}

bool is_shell(const process_identity& p) {
  const auto name = p.exe.filename().string();
  return name == "sh" || name == "bash" || name == "dash" || name == "zsh" || name == "timeout";
}

/// The one line for the capture: the first process, in tree order, that is not a mere wrapper
/// (a shell) and has stacks; a process other than the client's own is named.
std::string blocked_at(const results::stack_capture& c, int root) {
  const results::process_stacks* chosen = nullptr;
  for (const auto& p : c.processes) {
    if (p.threads.empty()) continue;
    if (chosen == nullptr || (is_shell(identify(chosen->pid)) && !is_shell(identify(p.pid)))) {
      chosen = &p;
    }
  }
  if (chosen == nullptr) return {};
  const diagnoser_spec* d = find_diagnoser(chosen->runtime);
  std::string line =
      d != nullptr && d->blocked_at != nullptr ? d->blocked_at(*chosen) : main_thread_wait(*chosen);
  if (chosen->pid != root)
    line = "pid " + std::to_string(chosen->pid) + " (" + chosen->command + "): " + line;
  return line;
}

}  // namespace

process_identity identify_program(const std::string& program) {
  process_identity p;
  const auto path = find_program(program);
  if (!path) return p;
  std::error_code ec;
  p.exe = fs::canonical(*path, ec);
  // Only the first bytes: an executable's first newline may be far into it.
  std::ifstream in(p.exe, std::ios::binary);
  std::string first_line(256, '\0');
  in.read(first_line.data(), static_cast<std::streamsize>(first_line.size()));
  first_line.resize(static_cast<std::size_t>(in.gcount()));
  if (!first_line.starts_with("#!")) return p;
  first_line = first_line.substr(0, first_line.find('\n'));
  // "#!/usr/bin/env node" or "#!/usr/bin/python3 -u": the interpreter is the first word, or
  // the one env runs.
  std::vector<std::string> words;
  for (const auto w : detail::split_words(std::string_view(first_line).substr(2))) {
    words.emplace_back(w);
  }
  if (words.empty()) return p;
  std::string interpreter = words.front();
  if (fs::path(interpreter).filename() == "env") {
    interpreter.clear();
    for (std::size_t i = 1; i < words.size() && interpreter.empty(); ++i) {
      if (!words[i].starts_with("-")) interpreter = words[i];
    }
  }
  if (const auto found = find_program(interpreter)) p.exe = fs::canonical(*found, ec);
  return p;
}

void prepare_for_capture(const std::string& program, const capture_settings& settings,
                         std::vector<std::string>& env) {
  if (settings.diagnose == "none") return;
  const diagnoser_spec* d = diagnoser_for(identify_program(program), settings.diagnose);
  if (d != nullptr && d->prepare != nullptr) d->prepare(env, settings.scratch);
}

std::vector<process_identity> process_tree(int root) {
  const auto procs = proc::scan();
  std::vector<process_identity> tree;
  const auto own = procs.find(root);
  if (own == procs.end() || !proc::alive(own->second)) return tree;
  tree.push_back(identify(root));
  for (const int pid : proc::descendants(procs, {root})) {
    if (proc::alive(procs.at(pid))) tree.push_back(identify(pid));
  }
  return tree;
}

results::stack_capture capture_stacks(int root, const capture_settings& settings, std::string why) {
  results::stack_capture c;
  c.t_ns = now_ns();
  c.why = std::move(why);
  const auto until = std::chrono::steady_clock::now() + settings.budget;
  for (const auto& p : process_tree(root)) {
    results::process_stacks out;
    out.pid = p.pid;
    out.command = p.command;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    const diagnoser_spec* d = diagnoser_for(p, p.pid == root ? settings.diagnose : "");
    if (d == nullptr) {
      out.error = "no diagnoser named " + settings.diagnose;
    } else if (left <= 0ms) {
      out.runtime = d->name;
      out.error = "the capture's time budget was spent on the processes before it";
    } else {
      out.runtime = d->name;
      d->capture(p, capture_context{left, settings.scratch}, out);
    }
    c.processes.push_back(std::move(out));
  }
  for (const auto& p : c.processes) {
    auto sockets = detail::tcp_sockets_of(p.pid);
    c.sockets.insert(c.sockets.end(), sockets.begin(), sockets.end());
  }
  c.duration_ms = ns_to_ms(now_ns() - c.t_ns);
  c.blocked_at = blocked_at(c, root);
  return c;
}

}  // namespace wsrepro::harness
