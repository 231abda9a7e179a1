#include "wsrepro/harness/diagnosers.hpp"

#include <algorithm>
#include <iterator>
#include <mutex>

#include "wsrepro/harness/scenario_loader.hpp"

// Generated from harness/diagnosers/*.cpp: calls each file's registration function.
void wsrepro_register_builtin_diagnosers();

namespace wsrepro::harness {

namespace {

std::vector<diagnoser_spec>& table() {
  static std::vector<diagnoser_spec> specs;
  return specs;
}

}  // namespace

void register_diagnoser(diagnoser_spec spec) { table().push_back(std::move(spec)); }

const std::vector<diagnoser_spec>& diagnoser_specs() {
  static std::once_flag once;
  std::call_once(once, [] {
    wsrepro_register_builtin_diagnosers();
    std::stable_sort(table().begin(), table().end(),
                     [](const auto& a, const auto& b) { return a.order < b.order; });
  });
  return table();
}

const diagnoser_spec* find_diagnoser(std::string_view name) {
  for (const auto& d : diagnoser_specs()) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

const diagnoser_spec* diagnoser_for(const process_identity& p, std::string_view hint) {
  if (!hint.empty()) return find_diagnoser(hint);
  for (const auto& d : diagnoser_specs()) {
    if (d.recognises != nullptr && d.recognises(p)) return &d;
  }
  return nullptr;
}

std::string check_diagnose(std::string_view name) {
  if (name.empty() || name == "none" || find_diagnoser(name) != nullptr) return {};
  std::vector<std::string> known;
  std::string list;
  for (const auto& d : diagnoser_specs()) {
    known.push_back(d.name);
    list += d.name + ", ";
  }
  std::string problem = "unknown runtime '" + std::string(name) + "' (known: " + list + "none)";
  if (const auto guess = nearest(name, known); !guess.empty()) {
    problem += "; did you mean '" + guess + "'?";
  }
  return problem;
}

std::string describe_wait(const results::thread_stack& t) {
  if (t.frames.empty()) return t.name + ": no frames";
  std::string line = t.name + " waits in " + t.frames.front().describe();
  const auto own = std::find_if(t.frames.begin(), t.frames.end(),
                                [](const results::stack_frame& f) { return f.user_code; });
  if (own == t.frames.begin() || own == t.frames.end()) return line;
  // The runtime's function the program called, when it is not the innermost one.
  if (own - t.frames.begin() > 1) line += " via " + std::prev(own)->describe();
  return line + ", called from " + own->describe();
}

namespace {

/// Whether the thread waits for another one to end (pthread_join, std::thread::join,
/// threading.Thread.join): then the others' waits are the cause.
bool joins_a_thread(const results::thread_stack& t) {
  return std::any_of(t.frames.begin(), t.frames.end(), [](const results::stack_frame& f) {
    return f.function == "join" || f.function.ends_with("::join") ||
           f.function == "java.lang.Thread.join" || f.function.starts_with("pthread_join") ||
           f.function.starts_with("__pthread_clockjoin");
  });
}

}  // namespace

std::string main_thread_wait(const results::process_stacks& p) {
  const auto main = std::find_if(p.threads.begin(), p.threads.end(),
                                 [](const results::thread_stack& t) { return t.main; });
  if (main == p.threads.end()) {
    return p.threads.empty() || p.threads.front().frames.empty() ? std::string()
                                                                 : describe_wait(p.threads.front());
  }
  // No frames: the process is starting or ending (an interpreter finalizing); nothing to name.
  if (main->frames.empty()) return {};
  std::string line = describe_wait(*main);
  if (!joins_a_thread(*main)) return line;
  constexpr std::size_t most = 3;
  std::size_t told = 0;
  for (const auto& t : p.threads) {
    if (&t == &*main || t.frames.empty() || told == most) continue;
    line += std::string(told++ == 0 ? "; it joins a thread: " : "; ") + describe_wait(t);
  }
  return line;
}

}  // namespace wsrepro::harness
