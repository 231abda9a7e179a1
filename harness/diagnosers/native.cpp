// native: any process's threads with elfutils' eu-stack (Debian package), the fallback runtime.

#include <algorithm>
#include <charconv>

#include "diagnose_support.hpp"

namespace wsrepro::harness {

namespace detail {

namespace {

/// Libraries of the system (libc, libstdc++) are the runtime's; the program's own code and
/// whatever it ships are where causes live.
bool native_user_code(std::string_view module) {
  if (module.empty() || module.starts_with("[")) return false;
  constexpr std::string_view system[] = {"/usr/lib", "/lib/", "/lib64/", "/usr/lib64/"};
  return std::ranges::none_of(system, [&](std::string_view s) { return module.starts_with(s); });
}

/// Where an "operator" name ends: "operator()", "operator<<", "operator new".
std::size_t operator_end(std::string_view name, std::size_t at) {
  std::size_t i = at + 8;  // after "operator"
  if (name.substr(i, 2) == "()") return i + 2;
  while (i < name.size() &&
         std::string_view("<>=!+-*/%&|^~[]").find(name[i]) != std::string_view::npos) {
    ++i;
  }
  return i;
}

/// "file:line:col" (eu-stack -s) into the frame.
void read_source(std::string_view text, results::stack_frame& f) {
  const auto last = text.rfind(':');
  if (last == std::string_view::npos) return;
  auto line_end = last;
  auto line_start = text.rfind(':', last - 1);
  if (line_start == std::string_view::npos) {  // file:line
    line_start = last;
    line_end = text.size();
  }
  int line = 0;
  const auto digits = text.substr(line_start + 1, line_end - line_start - 1);
  if (std::from_chars(digits.data(), digits.data() + digits.size(), line).ec != std::errc()) {
    return;
  }
  f.line = line;
  f.file = std::string(text.substr(0, line_start));
  if (const auto slash = f.file.rfind('/'); slash != std::string::npos) {
    f.file = f.file.substr(slash + 1);
  }
}

/// "#3  0x000055bcf34f32ea name - /path/module" into a frame.
std::optional<results::stack_frame> read_frame(std::string_view line) {
  const auto address = line.find("0x");
  if (address == std::string_view::npos) return std::nullopt;
  const auto name_start = line.find(' ', address);
  if (name_start == std::string_view::npos) return std::nullopt;
  const auto dash = line.rfind(" - ");
  results::stack_frame f;
  const auto name = line.substr(name_start + 1, dash == std::string_view::npos || dash < name_start
                                                    ? std::string_view::npos
                                                    : dash - name_start - 1);
  f.function = short_cpp_name(name);
  if (dash != std::string_view::npos && dash > name_start) {
    const auto module = line.substr(dash + 3);
    f.user_code = native_user_code(module);
    f.file = std::string(module.substr(module.rfind('/') + 1));
  }
  return f;
}

}  // namespace

std::string short_cpp_name(std::string_view name) {
  // " [clone .isra.0]", Node's " [node]": where the name came from, not the name.
  if (const auto bracket = name.find(" ["); bracket != std::string_view::npos) {
    name = name.substr(0, bracket);
  }
  // "(anonymous namespace)" is kept, as one word, while the rest of the parentheses go.
  constexpr std::string_view anonymous = "(anonymous namespace)";
  constexpr std::string_view anonymous_word = "{anonymous}";
  std::string out;
  int depth = 0;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (depth == 0 && name.substr(i, 8) == "operator") {
      const auto end = operator_end(name, i);
      out.append(name.substr(i, end - i));
      i = end - 1;
    } else if (depth == 0 && name.substr(i, anonymous.size()) == anonymous) {
      out.append(anonymous_word);
      i += anonymous.size() - 1;
    } else if (name[i] == '<' || name[i] == '(') {
      ++depth;
    } else if (name[i] == '>' || name[i] == ')') {
      depth = depth > 0 ? depth - 1 : 0;
    } else if (depth == 0) {
      out.push_back(name[i]);
    }
  }
  // Qualifiers after the parameters ("const", "&&"), then a return type before the name
  // ("unsigned long ns::f"): the name is the last word left.
  for (bool trimmed = true; trimmed;) {
    while (!out.empty() && (out.back() == ' ' || out.back() == '&')) out.pop_back();
    trimmed = false;
    for (const std::string_view qualifier : {" const", " volatile", " noexcept"}) {
      if (out.ends_with(qualifier)) {
        out.resize(out.size() - qualifier.size());
        trimmed = true;
      }
    }
  }
  if (const auto space = out.rfind(' '); space != std::string::npos) out = out.substr(space + 1);
  if (const auto at = out.find(anonymous_word); at != std::string::npos) {
    out.replace(at, anonymous_word.size(), anonymous);
  }
  return out;
}

std::vector<results::thread_stack> parse_eu_stack(std::string_view text, int pid) {
  std::vector<results::thread_stack> threads;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const auto line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.starts_with("TID ")) {
      results::thread_stack t;
      std::from_chars(line.data() + 4, line.data() + line.size(), t.tid);
      t.main = t.tid == pid;
      t.name = t.main ? "main thread" : "thread " + std::to_string(t.tid);
      threads.push_back(std::move(t));
    } else if (line.starts_with("#") && !threads.empty()) {
      if (auto f = read_frame(line)) threads.back().frames.push_back(std::move(*f));
    } else if (line.starts_with("    ") && !threads.empty() && !threads.back().frames.empty()) {
      read_source(line.substr(4), threads.back().frames.back());
    }
  }
  return threads;
}

}  // namespace detail

namespace {

using namespace detail;

bool recognises(const process_identity& /*p*/) { return true; }

void capture(const process_identity& p, const capture_context& ctx, results::process_stacks& out) {
  const auto eu_stack = find_tool("eu-stack", "WSREPRO_EU_STACK");
  if (!eu_stack) {
    out.error = "eu-stack not found (Debian package elfutils; bash ci/install-deps.sh)";
    return;
  }
  // ptrace stops the process while its threads are unwound (tens of milliseconds).
  out.paused = true;
  const auto text =
      run_tool({eu_stack->string(), "-p", std::to_string(p.pid), "-s", "-m"}, ctx.budget, out);
  // eu-stack exits 1 when one thread could not be unwound; what it printed still counts.
  const auto threads = parse_eu_stack(text ? *text : out.raw, p.pid);
  if (!threads.empty()) {
    out.threads = threads;
    out.error.clear();
  }
}

}  // namespace

}  // namespace wsrepro::harness

void wsrepro_register_diagnoser_native() {
  using namespace wsrepro::harness;
  register_diagnoser({
      .name = "native",
      .tools = "eu-stack (Debian package elfutils)",
      .doc = "any executable: every thread's native frames (the process is stopped meanwhile)",
      .recognises = recognises,
      .capture = capture,
      .order = 1000,
  });
}
