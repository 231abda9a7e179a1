// java: a JVM's thread dump with the JDK's jstack, which leaves the JVM running.

#include <algorithm>
#include <charconv>

#include "diagnose_support.hpp"

namespace wsrepro::harness {

namespace detail {

namespace {

/// The JDK's own classes are the runtime's; everything else (the program, its libraries) is
/// where causes live.
bool java_user_code(std::string_view qualified) {
  constexpr std::string_view runtime[] = {"java.", "javax.", "jdk.", "sun.", "com.sun."};
  return std::ranges::none_of(runtime,
                              [&](std::string_view r) { return qualified.starts_with(r); });
}

/// "\tat java.lang.Thread.join(java.base@17.0.9/Thread.java:1304)" into a frame.
results::stack_frame java_frame(std::string_view line) {
  results::stack_frame f;
  line.remove_prefix(line.find("at ") + 3);
  const auto open = line.find('(');
  const auto qualified = line.substr(0, open);
  f.function = std::string(qualified);
  f.user_code = java_user_code(qualified);
  if (open == std::string_view::npos) return f;
  auto where = line.substr(open + 1);
  if (const auto close = where.rfind(')'); close != std::string_view::npos) {
    where = where.substr(0, close);
  }
  if (const auto slash = where.find('/'); slash != std::string_view::npos) {
    where = where.substr(slash + 1);  // java.base@17/File.java:12
  }
  const auto colon = where.rfind(':');
  f.file = std::string(where.substr(0, colon));
  if (colon != std::string_view::npos) {
    std::from_chars(where.data() + colon + 1, where.data() + where.size(), f.line);
  }
  return f;
}

/// A thread's header line: "\"main\" #1 prio=5 ... nid=0x3f2 waiting on condition".
results::thread_stack java_thread(std::string_view line, bool& daemon, bool& java_thread_) {
  results::thread_stack t;
  const auto close = line.find('"', 1);
  t.name = std::string(line.substr(1, close == std::string_view::npos ? 0 : close - 1));
  const auto rest = close == std::string_view::npos ? std::string_view() : line.substr(close + 1);
  daemon = rest.find(" daemon ") != std::string_view::npos;
  java_thread_ = rest.starts_with(" #");  // the VM's own threads have no number
  if (const auto nid = rest.find("nid=0x"); nid != std::string_view::npos) {
    const auto digits = rest.substr(nid + 6);
    std::from_chars(digits.data(), digits.data() + digits.size(), t.tid, 16);
  }
  t.main = t.name == "main";
  return t;
}

}  // namespace

std::vector<results::thread_stack> parse_jstack(std::string_view text) {
  std::vector<results::thread_stack> threads;
  bool keep = false;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    auto line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.starts_with("\"")) {
      bool daemon = false;
      bool numbered = false;
      auto t = java_thread(line, daemon, numbered);
      // Only Java threads; the VM's (GC, compiler) cannot block anything the program does.
      keep = numbered;
      if (keep) {
        t.state = daemon ? "daemon" : "";
        threads.push_back(std::move(t));
      }
    } else if (keep && line.find("java.lang.Thread.State: ") != std::string_view::npos) {
      auto& state = threads.back().state;
      const auto value = line.substr(line.find(": ") + 2);
      state = state.empty() ? std::string(value) : std::string(value) + ", " + state;
    } else if (keep && line.find("\tat ") == 0) {
      threads.back().frames.push_back(java_frame(line));
    }
  }
  return threads;
}

}  // namespace detail

namespace {

using namespace detail;

bool recognises(const process_identity& p) { return exe_name(p) == "java"; }

void capture(const process_identity& p, const capture_context& ctx, results::process_stacks& out) {
  const auto jstack = find_tool("jstack", "WSREPRO_JSTACK");
  if (!jstack) {
    out.error = "jstack not found (it comes with a JDK; or set WSREPRO_JSTACK)";
    return;
  }
  out.paused = true;  // the dump is taken at a safepoint
  const auto text = run_tool({jstack->string(), std::to_string(p.pid)}, ctx.budget, out);
  if (text) out.threads = parse_jstack(*text);
}

bool is_daemon(const results::thread_stack& t) {
  return t.state.find("daemon") != std::string::npos;
}

/// The main thread's wait; once main has returned, the JVM waits for its non-daemon threads.
std::string blocked_at(const results::process_stacks& p) {
  const bool main_alive =
      std::any_of(p.threads.begin(), p.threads.end(), [](const auto& t) { return t.main; });
  if (main_alive) return main_thread_wait(p);
  std::string line = "main has returned and the JVM waits for its non-daemon threads:";
  for (const auto& t : p.threads) {
    if (!is_daemon(t) && !t.frames.empty()) line += " " + describe_wait(t) + ";";
  }
  if (line.back() == ';') line.pop_back();
  return line;
}

}  // namespace

}  // namespace wsrepro::harness

void wsrepro_register_diagnoser_java() {
  using namespace wsrepro::harness;
  register_diagnoser({
      .name = "java",
      .tools = "jstack (from the JDK)",
      .doc = "a JVM: every Java thread's frames and state, the JVM left running",
      .recognises = recognises,
      .capture = capture,
      .blocked_at = blocked_at,
      .order = 30,
  });
}
