#include "wsrepro/harness/environment.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "subprocess.hpp"
#include "wsrepro/common/version.hpp"
#include "wsrepro/harness/client.hpp"

namespace wsrepro::harness {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

constexpr const char* marker_name = ".wsrepro-ready";
constexpr auto step_timeout = 10min;
constexpr auto probe_timeout = 60s;
constexpr auto lock_timeout = 30min;  // another process's build of the same environment

std::uint64_t fnv1a(std::string_view text, std::uint64_t hash = 14695981039346656037ull) {
  for (const unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

std::map<std::string, std::string> read_marker(const fs::path& file) {
  std::map<std::string, std::string> values;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    const auto eq = line.find('=');
    if (eq != std::string::npos) values[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return values;
}

/// Written to a temporary file and renamed: the marker is there whole or not at all.
bool write_marker(const fs::path& file, const std::map<std::string, std::string>& values) {
  const fs::path tmp = file.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    for (const auto& [key, value] : values) out << key << "=" << value << "\n";
    out.flush();
    if (!out) return false;
  }
  std::error_code ec;
  fs::rename(tmp, file, ec);
  return !ec;
}

/// Who holds a lock file, as its holder wrote it: "pid=N since_unix=T".
std::string lock_holder(int fd) {
  char buf[128] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return "another wsrepro";
  std::istringstream in(std::string(buf, static_cast<std::size_t>(n)));
  std::string pid;
  std::string since;
  in >> pid >> since;
  if (!pid.starts_with("pid=") || !since.starts_with("since_unix=")) return "another wsrepro";
  std::string text = "another wsrepro (pid " + pid.substr(4);
  char* end = nullptr;
  const long long t = std::strtoll(since.c_str() + 11, &end, 10);
  const long long age = static_cast<long long>(std::time(nullptr)) - t;
  if (end != nullptr && *end == '\0' && age >= 0 && age < 1'000'000) {
    text += ", setting it up for " + std::to_string(age) + " s";
  }
  return text + ")";
}

/// An exclusive flock on `file`, polled so that it has a deadline and can be cancelled. While
/// it waits it says so (whose lock, since when) after 1 s and then every 15 s; once it holds
/// the lock it writes its own pid and start time into the file for the next waiter.
class file_lock {
 public:
  file_lock(const fs::path& file, const std::atomic<bool>* cancel, std::string& problem,
            const std::function<void(const std::string&)>& waiting) {
    fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) {
      problem = "cannot open the lock file " + file.string();
      return;
    }
    const auto started = std::chrono::steady_clock::now();
    const auto deadline = started + lock_timeout;
    auto next_word = started + 1s;
    while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      if (cancel != nullptr && cancel->load()) {
        problem = "cancelled while waiting for another build of this environment";
        return;
      }
      const auto now = std::chrono::steady_clock::now();
      if (now >= deadline) {
        problem = "another build of this environment held " + file.string() + " for 30 min";
        return;
      }
      if (now >= next_word && waiting) {
        const auto waited = std::chrono::duration_cast<std::chrono::seconds>(now - started);
        waiting("waiting " + std::to_string(waited.count()) + " s for " + lock_holder(fd_) +
                " that holds " + file.string());
        next_word = now + 15s;
      }
      std::this_thread::sleep_for(100ms);
    }
    locked_ = true;
    const std::string me = "pid=" + std::to_string(::getpid()) +
                           " since_unix=" + std::to_string(std::time(nullptr)) + "\n";
    if (::ftruncate(fd_, 0) == 0) {
      [[maybe_unused]] const ssize_t n = ::pwrite(fd_, me.data(), me.size(), 0);
    }
  }
  ~file_lock() {
    if (fd_ >= 0) ::close(fd_);  // releases the flock
  }
  file_lock(const file_lock&) = delete;
  file_lock& operator=(const file_lock&) = delete;
  bool locked() const { return locked_; }

 private:
  int fd_ = -1;
  bool locked_ = false;
};

}  // namespace

bool is_lock_wait_line(const std::string& line) {
  return line.find(": waiting ") != std::string::npos &&
         line.find(" that holds ") != std::string::npos;
}

const std::vector<std::string>& setup_placeholders() {
  static const std::vector<std::string> names{"env", "version", "python", "data", "manifest_dir"};
  return names;
}

environment_cache::environment_cache(fs::path root, fs::path data_dir)
    : root_(std::move(root)), data_dir_(std::move(data_dir)) {}

fs::path environment_cache::default_root() {
  if (const char* dir = std::getenv("WSREPRO_CACHE_DIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && *xdg != '\0') {
    return fs::path(xdg) / "wsrepro";
  }
  const char* home = std::getenv("HOME");
  return fs::path(home != nullptr && *home != '\0' ? home : "/tmp") / ".cache" / "wsrepro";
}

fs::path environment_cache::dir_of(const environment_spec& env, const std::string& version) const {
  return root_ / "envs" / env.name / version;
}

std::map<std::string, std::string> environment_cache::placeholder_values(
    const environment_spec& env, const std::string& version) const {
  const auto python = find_program("python3");
  return {{"env", dir_of(env, version).string()},
          {"version", version},
          {"python", python ? python->string() : "python3"},
          {"data", data_dir_.string()},
          {"manifest_dir", env.manifest.parent_path().string()}};
}

/// The runtime a set-up step runs on is part of what the environment depends on: a cache
/// restored on another image, with another interpreter behind the same path, must not count as
/// ready. Asked once per program by each cache (an invocation has one).
std::string environment_cache::runtime_identity(const std::string& program) const {
  {
    std::lock_guard lock(runtimes_mutex_);
    if (const auto it = runtimes_.find(program); it != runtimes_.end()) return it->second;
  }
  const auto ask = [&](const char* how) {
    subprocess_request request;
    request.argv = {program, how};
    request.timeout = 15s;
    request.capture_limit_bytes = 4096;
    return run_subprocess(request);
  };
  auto result = ask("--version");
  // Some tools answer --version with their usage (go): their version is a subcommand.
  const auto names_a_version = [](const std::string& text) {
    return text.find_first_of("0123456789") != std::string::npos;
  };
  if (result.started && !names_a_version(result.output)) result = ask("version");
  const std::string identity = result.started ? result.output : "not found: " + result.error;
  std::lock_guard lock(runtimes_mutex_);
  return runtimes_.emplace(program, identity).first->second;
}

std::string environment_cache::data_file_content(const std::string& arg) const {
  const std::string data_prefix = data_dir_.string() + "/";
  std::error_code ec;
  if (!arg.starts_with(data_prefix) || !fs::is_regular_file(arg, ec)) return {};
  constexpr std::uintmax_t most_bytes = 16u << 20;  // drivers are small; a huge file is not one
  if (fs::file_size(arg, ec) > most_bytes || ec) return "unreadable";
  std::ifstream in(arg, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return in ? content.str() : "unreadable";
}

std::string environment_cache::fingerprint(const environment_spec& env,
                                           const std::string& version) const {
  // What the built environment depends on: the steps as they will run, the version of each
  // step's program (the interpreter or runtime), and the probe.
  std::uint64_t hash = fnv1a("wsrepro-env-2");
  const auto values = placeholder_values(env, version);
  std::string error;
  for (const auto& step : env.setup) {
    const auto argv = expand_command(step, values, error);
    hash = fnv1a(argv ? join(*argv) : join(step), hash);
    hash = fnv1a("\n", hash);
    // The program a step runs, unless it is one the environment itself holds ({env}/bin/python):
    // that one exists only once the environment does.
    const std::string env_dir = dir_of(env, version).string() + "/";
    if (argv && !argv->empty() && !argv->front().starts_with(env_dir)) {
      hash = fnv1a(runtime_identity(argv->front()), hash);
    }
    // A file of wsrepro's own a step copies or compiles (a driver's source): an edited driver
    // must be rebuilt, not served stale from the cache.
    if (argv) {
      for (const auto& arg : *argv) hash = fnv1a(data_file_content(arg), hash);
    }
  }
  hash = fnv1a(join(env.probe), hash);
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

namespace {

std::uintmax_t bytes_under(const fs::path& dir) {
  std::uintmax_t total = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec),
       end;
       !ec && it != end; it.increment(ec)) {
    std::error_code size_error;
    if (!it->is_regular_file(size_error)) continue;
    const auto size = it->file_size(size_error);
    if (!size_error) total += size;
  }
  return total;
}

}  // namespace

std::uintmax_t environment_cache::remove(const environment_spec& env, const std::string& version,
                                         std::string& problem) const {
  const fs::path dir = dir_of(env, version);
  const fs::path lock_file = dir.string() + ".lock";
  std::error_code ec;
  if (!fs::exists(dir, ec) && !fs::exists(dir.string() + ".log", ec)) return 0;
  // Taken without waiting: an environment another wsrepro is building is not pulled away.
  const int fd = ::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0 || ::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (fd >= 0) ::close(fd);
    problem = "another wsrepro is setting it up; left alone";
    return 0;
  }
  const std::uintmax_t freed = bytes_under(dir);
  fs::remove_all(dir, ec);
  if (ec) problem = "cannot remove " + dir.string() + ": " + ec.message();
  fs::remove(dir.string() + ".log", ec);
  // The lock file stays: unlinked while held, a waiter on it and a newcomer creating a fresh
  // one could both "hold" the lock.
  ::close(fd);
  return freed;
}

environment_state environment_cache::inspect(const environment_spec& env,
                                             const std::string& version) const {
  environment_state state;
  state.dir = dir_of(env, version);
  state.log = state.dir.string() + ".log";
  const auto marker = read_marker(state.dir / marker_name);
  if (marker.empty()) {
    state.problem = "not set up";
    return state;
  }
  const auto it = marker.find("fingerprint");
  if (it == marker.end() || it->second != fingerprint(env, version)) {
    state.problem =
        "out of date: the manifest entry or the runtime its set-up ran on changed since it was "
        "set up";
    return state;
  }
  state.ready = true;
  if (auto v = marker.find("library_version"); v != marker.end()) state.library_version = v->second;
  if (auto v = marker.find("runtime_version"); v != marker.end()) state.runtime_version = v->second;
  return state;
}

environment_state environment_cache::ensure(const environment_spec& env, const std::string& version,
                                            const std::atomic<bool>* cancel,
                                            const progress_fn& progress) {
  const std::string key = dir_of(env, version).string();
  std::mutex* build_mutex = nullptr;
  {
    std::lock_guard lock(mutex_);
    if (auto failed = failed_.find(key); failed != failed_.end()) return failed->second;
    auto& slot = building_[key];
    if (!slot) slot = std::make_unique<std::mutex>();
    build_mutex = slot.get();
  }
  std::lock_guard one_build(*build_mutex);
  environment_state state = inspect(env, version);
  if (state.ready) return state;
  state = build(env, version, cancel, progress);
  if (!state.ready && !(cancel != nullptr && cancel->load())) {
    std::lock_guard lock(mutex_);
    failed_[key] = state;
  }
  return state;
}

environment_state environment_cache::build(const environment_spec& env, const std::string& version,
                                           const std::atomic<bool>* cancel,
                                           const progress_fn& progress) const {
  environment_state state;
  state.dir = dir_of(env, version);
  state.log = state.dir.string() + ".log";
  const std::string label = env.name + " " + version;
  for (const auto& program : env.requires_programs) {
    if (!find_program(program)) {
      state.problem = program + " not found in PATH (environment " + env.name + " needs it)";
      return state;
    }
  }
  std::error_code ec;
  fs::create_directories(state.dir.parent_path(), ec);
  if (ec) {
    state.problem = "cannot create " + state.dir.parent_path().string() + ": " + ec.message();
    return state;
  }
  std::string problem;
  const auto waiting = [&](const std::string& line) {
    if (progress) progress(label + ": " + line);
  };
  file_lock lock(state.dir.string() + ".lock", cancel, problem, waiting);
  if (!lock.locked()) {
    state.problem = problem;
    return state;
  }
  // Another process may have built it while we waited for the lock.
  if (auto now = inspect(env, version); now.ready) return now;

  const auto started = std::chrono::steady_clock::now();
  fs::remove_all(state.dir, ec);  // a half-made or out-of-date one
  fs::create_directories(state.dir, ec);
  std::ofstream log(state.log, std::ios::trunc | std::ios::binary);
  const auto values = placeholder_values(env, version);
  const auto run_step = [&](const std::vector<std::string>& step, std::string_view what,
                            std::chrono::milliseconds timeout, subprocess_result& result) -> bool {
    std::string error;
    const auto argv = expand_command(step, values, error);
    if (!argv) {
      state.problem = std::string(what) + ": " + error;
      return false;
    }
    if (progress) progress(label + ": " + std::string(what) + ": " + join(*argv));
    log << "$ " << join(*argv) << "\n" << std::flush;
    subprocess_request request;
    request.argv = *argv;
    request.timeout = timeout;
    request.cancel = cancel;
    request.on_output = [&log](std::string_view chunk) { log << chunk << std::flush; };
    result = run_subprocess(request);
    log << "# " << result.describe() << " in " << static_cast<long>(result.duration_ms) << " ms\n"
        << std::flush;
    if (result.succeeded()) return true;
    state.problem = std::string(what) + " (" + join(*argv) + ") " + result.describe();
    if (const auto last = result.last_line(); !last.empty()) state.problem += ": " + last;
    state.problem += " (log: " + state.log.string() + ")";
    return false;
  };

  for (std::size_t i = 0; i < env.setup.size(); ++i) {
    subprocess_result result;
    const std::string what =
        "set-up step " + std::to_string(i + 1) + "/" + std::to_string(env.setup.size());
    if (!run_step(env.setup[i], what, step_timeout, result)) {
      // A failed set-up leaves nothing but its log: no half-made environment of any size.
      fs::remove_all(state.dir, ec);
      return state;
    }
  }
  std::map<std::string, std::string> marker{{"fingerprint", fingerprint(env, version)},
                                            {"version", version}};
  if (!env.probe.empty()) {
    subprocess_result result;
    if (!run_step(env.probe, "version probe", probe_timeout, result)) {
      fs::remove_all(state.dir, ec);
      return state;
    }
    std::istringstream lines(result.output);
    std::getline(lines, marker["library_version"]);
    std::getline(lines, marker["runtime_version"]);
  }
  if (!write_marker(state.dir / marker_name, marker)) {
    state.problem = "cannot write the ready marker in " + state.dir.string();
    return state;
  }
  state.ready = true;
  state.built_now = true;
  state.library_version = marker["library_version"];
  state.runtime_version = marker["runtime_version"];
  state.setup_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  if (progress) {
    progress(label + ": ready (" + std::to_string(static_cast<long>(state.setup_ms / 1000)) +
             " s): " + state.library_version + ", " + state.runtime_version);
  }
  return state;
}

std::optional<std::vector<std::string>> environment_cache::list_releases(
    const environment_spec& env, std::string& error) const {
  if (env.releases.empty()) {
    error = "environment " + env.name + " has no `releases` command; use the manifest's versions";
    return std::nullopt;
  }
  const auto values = placeholder_values(env, "");
  const auto argv = expand_command(env.releases, values, error);
  if (!argv) return std::nullopt;
  subprocess_request request;
  request.argv = *argv;
  request.timeout = 120s;
  const auto result = run_subprocess(request);
  if (!result.succeeded()) {
    error =
        "listing releases (" + join(*argv) + ") " + result.describe() + ": " + result.last_line();
    return std::nullopt;
  }
  auto versions = versions_in_text(result.output);
  if (versions.empty()) {
    error = "listing releases (" + join(*argv) + ") printed no version";
    return std::nullopt;
  }
  return versions;
}

}  // namespace wsrepro::harness
