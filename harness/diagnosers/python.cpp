// python: CPython's threads with py-spy (PyPI), read without stopping the interpreter.

#include <algorithm>
#include <nlohmann/json.hpp>

#include "diagnose_support.hpp"
#include "json_fields.hpp"

namespace wsrepro::harness {

namespace detail {

namespace {

/// The standard library and frozen modules are the runtime's; site-packages and the user's
/// own files are where causes live.
bool python_user_code(const std::string& filename) {
  if (filename.starts_with("<")) return false;
  if (filename.find("-packages/") != std::string::npos) return true;
  return filename.find("/lib/python") == std::string::npos;
}

std::string short_name(const nlohmann::json& frame) {
  const auto s = json_text(frame, "short_filename");
  return s.empty() ? json_text(frame, "filename") : s;
}

}  // namespace

std::vector<results::thread_stack> parse_py_spy_json(std::string_view text, int pid,
                                                     std::string& error) {
  std::vector<results::thread_stack> threads;
  // Warnings may come before the document on the merged output.
  const auto start = text.find('[');
  if (start == std::string_view::npos) {
    error = "py-spy printed no thread list";
    return threads;
  }
  const auto doc = nlohmann::json::parse(text.substr(start), nullptr, false);
  if (!doc.is_array()) {
    error = "py-spy's output is not a JSON thread list";
    return threads;
  }
  for (const auto& t : doc) {
    if (!t.is_object()) continue;
    results::thread_stack thread;
    thread.tid = static_cast<int>(json_integer(t, "os_thread_id"));
    thread.name = json_text(t, "thread_name");
    thread.state = json_flag(t, "active") ? "active" : "idle";
    thread.main = thread.name == "MainThread" || thread.tid == pid;
    if (thread.name.empty()) thread.name = "thread " + std::to_string(thread.tid);
    for (const auto& f : json_array(t, "frames")) {
      if (!f.is_object()) continue;
      results::stack_frame frame;
      frame.function = json_text(f, "name");
      frame.file = short_name(f);
      frame.line = static_cast<int>(json_integer(f, "line"));
      frame.user_code = python_user_code(json_text(f, "filename"));
      thread.frames.push_back(std::move(frame));
    }
    threads.push_back(std::move(thread));
  }
  // The main thread first, as a reader expects.
  std::stable_partition(threads.begin(), threads.end(), [](const auto& t) { return t.main; });
  return threads;
}

}  // namespace detail

namespace {

using namespace detail;

bool recognises(const process_identity& p) {
  const auto name = exe_name(p);
  return name.starts_with("python") || name == "pypy3";
}

void capture(const process_identity& p, const capture_context& ctx, results::process_stacks& out) {
  const auto py_spy = find_tool("py-spy", "WSREPRO_PY_SPY");
  if (!py_spy) {
    out.error =
        "py-spy not found (pip install py-spy, or bash ci/install-deps.sh; or set "
        "WSREPRO_PY_SPY)";
    return;
  }
  // --nonblocking: read the interpreter's memory without stopping it.
  const auto text = run_tool(
      {py_spy->string(), "dump", "--pid", std::to_string(p.pid), "--nonblocking", "--json"},
      ctx.budget, out);
  if (!text) return;
  out.threads = parse_py_spy_json(*text, p.pid, out.error);
}

bool in_shutdown(const results::thread_stack& t) {
  return std::any_of(t.frames.begin(), t.frames.end(), [](const results::stack_frame& f) {
    return f.function == "_shutdown" && f.file == "threading.py";
  });
}

/// The main thread's wait; when it has returned and the interpreter waits at exit for the
/// non-daemon threads, those threads' waits (py-spy cannot tell daemon from not: all are named).
std::string blocked_at(const results::process_stacks& p) {
  const auto main = std::find_if(p.threads.begin(), p.threads.end(),
                                 [](const results::thread_stack& t) { return t.main; });
  if (main == p.threads.end() || !in_shutdown(*main)) return main_thread_wait(p);
  std::string line =
      "the main thread has returned and the interpreter waits at exit "
      "(threading._shutdown) for a non-daemon thread:";
  for (const auto& t : p.threads) {
    if (!t.main) line += " " + describe_wait(t) + ";";
  }
  if (line.back() == ';') line.pop_back();
  return line;
}

}  // namespace

}  // namespace wsrepro::harness

void wsrepro_register_diagnoser_python() {
  using namespace wsrepro::harness;
  register_diagnoser({
      .name = "python",
      .tools = "py-spy (PyPI; ci/install-deps.sh puts it in ~/.cache/wsrepro/tools)",
      .doc = "CPython: every thread's Python frames, read without pausing the interpreter",
      .recognises = recognises,
      .capture = capture,
      .blocked_at = blocked_at,
      .order = 10,
  });
}
