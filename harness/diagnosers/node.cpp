// node: Node.js's diagnostic report (--report-on-signal through NODE_OPTIONS): the JavaScript
// stack, the native stack and the libuv handles that keep the event loop alive.

#include <algorithm>
#include <csignal>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "diagnose_support.hpp"
#include "json_fields.hpp"
#include "wsrepro/common/files.hpp"

namespace wsrepro::harness {

namespace detail {

namespace {

/// "at handshake (/path/ws/lib/websocket.js:120:7)" or "at /path/x.js:3:1" into a frame.
results::stack_frame js_frame(std::string_view line) {
  results::stack_frame f;
  if (line.starts_with("at ")) line.remove_prefix(3);
  std::string_view where = line;
  if (const auto open = line.rfind(" ("); open != std::string_view::npos && line.ends_with(")")) {
    f.function = std::string(line.substr(0, open));
    where = line.substr(open + 2, line.size() - open - 3);
  } else {
    f.function = "<anonymous>";
  }
  // file:line:column
  const auto column = where.rfind(':');
  const auto line_colon = column == std::string_view::npos ? column : where.rfind(':', column - 1);
  std::string_view file = where;
  if (line_colon != std::string_view::npos) {
    file = where.substr(0, line_colon);
    f.line = std::atoi(std::string(where.substr(line_colon + 1, column - line_colon - 1)).c_str());
  }
  f.user_code = !file.starts_with("node:") && !file.empty();
  const auto slash = file.rfind('/');
  f.file = std::string(slash == std::string_view::npos ? file : file.substr(slash + 1));
  return f;
}

std::string endpoint(const nlohmann::json* e) {
  if (e == nullptr || !e->is_object()) return "-";
  return json_text(*e, "host") + ":" + std::to_string(json_integer(*e, "port"));
}

/// A handle that keeps the loop alive (active and referenced), in words.
std::optional<std::string> live_handle(const nlohmann::json& h) {
  if (!json_flag(h, "is_active") || !json_flag(h, "is_referenced")) return std::nullopt;
  const auto type = json_text(h, "type");
  if (type == "tcp") {
    return "tcp " + endpoint(json_field(h, "localEndpoint")) + " -> " +
           endpoint(json_field(h, "remoteEndpoint"));
  }
  if (type == "timer") {
    return "timer firing in " + std::to_string(json_integer(h, "firesInMsFromNow")) + " ms";
  }
  return type.empty() ? std::string("?") : type;
}

}  // namespace

std::vector<results::thread_stack> parse_node_report(std::string_view text,
                                                     std::vector<std::string>& notes,
                                                     std::string& error) {
  std::vector<results::thread_stack> threads;
  const auto doc = nlohmann::json::parse(text, nullptr, false);
  if (!doc.is_object()) {
    error = "the diagnostic report is not JSON";
    return threads;
  }
  results::thread_stack js;
  js.name = "JavaScript";
  js.main = true;
  const auto& stack = json_object(doc, "javascriptStack");
  for (const auto& line : json_array(stack, "stack")) {
    if (!line.is_string()) continue;
    const auto text_line = line.get<std::string>();
    if (text_line.find("at ") == std::string::npos) continue;  // "Unavailable."
    js.frames.push_back(js_frame(text_line.substr(text_line.find("at "))));
  }
  js.state = js.frames.empty() ? "idle (no JavaScript running)" : "running";
  threads.push_back(std::move(js));
  results::thread_stack native;
  native.name = "native";
  for (const auto& f : json_array(doc, "nativeStack")) {
    if (!f.is_object()) continue;
    results::stack_frame frame;
    frame.function = short_cpp_name(json_text(f, "symbol"));
    native.frames.push_back(std::move(frame));
  }
  threads.push_back(std::move(native));
  for (const auto& h : json_array(doc, "libuv")) {
    if (auto live = live_handle(h)) notes.push_back(*live);
  }
  return threads;
}

}  // namespace detail

namespace {

namespace fs = std::filesystem;
using namespace detail;

bool recognises(const process_identity& p) {
  const auto name = exe_name(p);
  return name == "node" || name == "nodejs";
}

void prepare(std::vector<std::string>& env, const fs::path& scratch) {
  std::error_code ec;
  fs::create_directories(scratch, ec);
  // SIGUSR2 asks for a report; the JavaScript thread writes it at its next chance, even when
  // the loop is idle, and the process carries on.
  const std::string flags =
      "--report-on-signal --report-signal=SIGUSR2 --report-compact "
      "--report-directory=" +
      scratch.string();
  for (auto& entry : env) {
    if (entry.starts_with("NODE_OPTIONS=")) {
      entry += " " + flags;
      return;
    }
  }
  env.push_back("NODE_OPTIONS=" + flags);
}

std::set<fs::path> reports_in(const fs::path& dir) {
  std::set<fs::path> found;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".json") found.insert(it->path());
  }
  return found;
}

constexpr std::string_view loop_never_turned =
    "no report: the JavaScript thread never returned to the event loop (busy JavaScript, or a "
    "blocking native call)";

/// The report, when the JavaScript thread writes one within `wait`.
std::optional<std::string> wait_for_report(int pid, const fs::path& dir,
                                           const std::set<fs::path>& before,
                                           std::chrono::milliseconds wait) {
  const auto started = std::chrono::steady_clock::now();
  const std::string pid_part = "." + std::to_string(pid) + ".";
  while (std::chrono::steady_clock::now() - started < wait) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    for (const auto& file : reports_in(dir)) {
      if (before.contains(file) || file.filename().string().find(pid_part) == std::string::npos) {
        continue;
      }
      std::string read_error;
      auto text = read_file(file, read_error).value_or("");
      if (nlohmann::json::accept(text)) return text;  // else still being written
    }
  }
  return std::nullopt;
}

/// Whether the process was started with the report flags prepare() gives: without them
/// SIGUSR2's default action would end a node, and a capture must never end a client.
bool reports_on_sigusr2(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/environ", std::ios::binary);
  std::string entry;
  while (std::getline(in, entry, '\0')) {
    if (entry.starts_with("NODE_OPTIONS=") &&
        entry.find("--report-on-signal") != std::string::npos &&
        entry.find("--report-signal=SIGUSR2") != std::string::npos) {
      return true;
    }
  }
  return false;
}

/// Natively, with `note` saying why not through a report.
void capture_natively(const process_identity& p, const capture_context& ctx,
                      results::process_stacks& out, std::string_view note) {
  out.notes.emplace_back(note);
  const diagnoser_spec* native = find_diagnoser("native");
  if (native == nullptr || native->capture == nullptr) {
    out.error = std::string(note);
    return;
  }
  out.tool.clear();
  native->capture(p, ctx, out);
}

void capture(const process_identity& p, const capture_context& ctx, results::process_stacks& out) {
  // Only a node with the flags handles SIGUSR2; any other process would die of it.
  if (!recognises(p) || !reports_on_sigusr2(p.pid)) {
    capture_natively(p, ctx, out,
                     "no report: the process is not a node started with wsrepro's NODE_OPTIONS "
                     "(SIGUSR2 would end it)");
    return;
  }
  out.tool = "NODE_OPTIONS=--report-on-signal, SIGUSR2";
  out.paused = true;  // the JavaScript thread writes the report
  const auto before = reports_in(ctx.scratch);
  const auto started = std::chrono::steady_clock::now();
  if (::kill(p.pid, SIGUSR2) != 0) {
    out.error = "could not signal the process";
    return;
  }
  // The signal is handled when the event loop turns: a report that does not come soon will not
  // come, and the native stacks are the next best thing.
  const auto wait = std::min<std::chrono::milliseconds>(ctx.budget / 2, std::chrono::seconds(1));
  if (auto text = wait_for_report(p.pid, ctx.scratch, before, wait)) {
    out.duration_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    out.raw = text->substr(0, std::size_t{256} * 1024);
    out.threads = parse_node_report(*text, out.notes, out.error);
    return;
  }
  capture_natively(p, capture_context{ctx.budget - wait, ctx.scratch}, out, loop_never_turned);
}

/// The JavaScript stack when code is running; when the loop is idle, what keeps it alive.
std::string blocked_at(const results::process_stacks& p) {
  // Captured natively (capture_natively): why, then the native wait.
  constexpr std::string_view no_report = "no report: ";
  if (!p.notes.empty() && p.notes.front().starts_with(no_report)) {
    return p.notes.front().substr(no_report.size()) + "; natively, " + main_thread_wait(p);
  }
  if (!p.threads.empty() && !p.threads.front().frames.empty()) {
    return describe_wait(p.threads.front());
  }
  std::string line = "the event loop is idle (no JavaScript running), kept alive by:";
  if (p.notes.empty()) return line + " nothing it reports";
  for (const auto& n : p.notes) line += " " + n + ";";
  line.pop_back();
  return line;
}

}  // namespace

}  // namespace wsrepro::harness

void wsrepro_register_diagnoser_node() {
  using namespace wsrepro::harness;
  register_diagnoser({
      .name = "node",
      .tools = "Node.js's own diagnostic report (NODE_OPTIONS=--report-on-signal, SIGUSR2)",
      .doc = "Node.js: the JavaScript stack, the native stack and the handles keeping the loop "
             "alive",
      .recognises = recognises,
      .prepare = prepare,
      .capture = capture,
      .blocked_at = blocked_at,
      .order = 20,
  });
}
