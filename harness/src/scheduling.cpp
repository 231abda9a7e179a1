#include "wsrepro/harness/scheduling.hpp"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <numeric>
#include <sstream>
#include <system_error>

#include "wsrepro/common/files.hpp"
#include "wsrepro/harness/runner.hpp"

namespace wsrepro::harness {

namespace {

constexpr std::string_view header = "# wsrepro run durations v1: scenario\tclient\truns\tmean_ms";
/// The mean follows the last few runs, so a client that got faster is soon ordered as such.
constexpr int remembered_runs = 5;
/// A duration past this is not a run's (deadlines are bounded far below it).
constexpr double longest_plausible_ms = 24.0 * 3600 * 1000;
/// What a run of each kind may need besides CPU: a JVM's heap, an interpreter's modules.
constexpr std::uint64_t memory_per_run_bytes = std::uint64_t{256} << 20;
constexpr int runs_per_cpu = 8;
/// As many as `--jobs` takes: each run is a thread here and a process tree there.
constexpr int most_jobs = 64;

std::optional<std::uint64_t> available_memory_bytes() {
  std::string error;
  std::istringstream in(read_file("/proc/meminfo", error, 1 << 20).value_or(""));
  std::string name;
  std::uint64_t kib = 0;
  std::string unit;
  while (in >> name >> kib >> unit) {
    if (name == "MemAvailable:") return kib * 1024;
  }
  return std::nullopt;
}

}  // namespace

duration_history duration_history::parse(const std::string& text) {
  duration_history h;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line.front() == '#') continue;
    // scenario \t client \t runs \t mean_ms
    std::vector<std::string> fields;
    std::size_t start = 0;
    for (std::size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1) {
      fields.push_back(line.substr(start, tab - start));
    }
    fields.push_back(line.substr(start));
    if (fields.size() != 4 || fields[0].empty() || fields[1].empty()) continue;
    char* end = nullptr;
    const long runs = std::strtol(fields[2].c_str(), &end, 10);
    if (end == fields[2].c_str() || *end != '\0' || runs < 1 || runs > remembered_runs) continue;
    const double mean = std::strtod(fields[3].c_str(), &end);
    if (end == fields[3].c_str() || *end != '\0' || !std::isfinite(mean) || mean < 0 ||
        mean > longest_plausible_ms) {
      continue;
    }
    h.entries_[fields[0] + '\t' + fields[1]] = {static_cast<int>(runs), mean};
  }
  return h;
}

std::string duration_history::serialise() const {
  std::ostringstream out;
  out << header << '\n' << std::fixed << std::setprecision(3);
  for (const auto& [key, e] : entries_) {
    out << key << '\t' << e.count << '\t' << e.mean_ms << '\n';
  }
  return out.str();
}

duration_history duration_history::load(const std::filesystem::path& file) {
  std::string error;
  return parse(read_file(file, error, std::size_t{16} << 20).value_or(""));
}

bool duration_history::save(const std::filesystem::path& file) const {
  try {
    std::filesystem::create_directories(file.parent_path());
    atomic_file out(file);
    out.stream() << serialise();
    out.commit();
    return true;
  } catch (const std::exception&) {
    return false;  // a cache: the next invocation only orders its runs less well
  }
}

std::optional<double> duration_history::expected_ms(const std::string& key) const {
  const auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return it->second.mean_ms;
}

void duration_history::record(const std::string& key, double duration_ms) {
  // The file is one line per key, its two fields split by the one tab.
  if (std::count(key.begin(), key.end(), '\t') != 1 || key.find('\n') != std::string::npos ||
      !std::isfinite(duration_ms) || duration_ms < 0 || duration_ms > longest_plausible_ms) {
    return;
  }
  auto& e = entries_[key];
  e.count = std::min(e.count + 1, remembered_runs);
  e.mean_ms += (duration_ms - e.mean_ms) / e.count;
}

std::string duration_history::key_of(const planned_run& run) {
  const auto o = outline(run);
  return o.scenario_id + '\t' + o.client;
}

std::string duration_history::key_of(const results::run_result& run) {
  return run.scenario_id + '\t' + run.client;
}

void duration_history::record_all(const std::vector<results::run_result>& runs, double time_scale) {
  for (const auto& r : runs) {
    if (r.outcome == results::verdict::skipped || r.duration_ms <= 0) continue;
    record(key_of(r), r.duration_ms / std::max(time_scale, 1e-9));
  }
}

std::vector<std::size_t> longest_first(const std::vector<planned_run>& plan,
                                       const duration_history& history, double time_scale) {
  std::vector<double> expected(plan.size(), 0);
  for (std::size_t i = 0; i < plan.size(); ++i) {
    const auto& run = plan[i];
    if (run.skip_reason || run.scenario_ptr == nullptr) continue;  // no time at all
    const auto known = history.expected_ms(duration_history::key_of(run));
    expected[i] = known ? *known * time_scale : run.scenario_ptr->deadline_ms;
  }
  std::vector<std::size_t> order(plan.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return expected[a] > expected[b]; });
  return order;
}

int usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  const long online = ::sysconf(_SC_NPROCESSORS_ONLN);
  return online > 0 ? static_cast<int>(online) : 1;
}

int auto_jobs(std::size_t plan_size) {
  std::uint64_t jobs = static_cast<std::uint64_t>(usable_cpus()) * runs_per_cpu;
  if (const auto memory = available_memory_bytes()) {
    jobs =
        std::min<std::uint64_t>(jobs, std::max<std::uint64_t>(1, *memory / memory_per_run_bytes));
  }
  jobs = std::min<std::uint64_t>(
      {jobs, std::max<std::size_t>(1, plan_size), std::uint64_t{most_jobs}});
  return static_cast<int>(std::max<std::uint64_t>(1, jobs));
}

startup_gate::startup_gate(int slots, std::chrono::milliseconds longest_hold)
    : slots_(std::max(1, slots)), longest_hold_(longest_hold) {}

void startup_gate::drop_expired(clock::time_point now) {
  std::erase_if(holders_, [now](const auto& holder) { return holder.second <= now; });
}

std::optional<std::uint64_t> startup_gate::enter(const std::atomic<bool>* cancel) {
  // Cancellation is a flag set from a signal handler, with nothing to notify: look every 50 ms.
  constexpr auto cancel_poll = std::chrono::milliseconds(50);
  std::unique_lock lock(mutex_);
  for (;;) {
    if (cancel != nullptr && cancel->load()) return std::nullopt;
    const auto now = clock::now();
    drop_expired(now);
    if (static_cast<int>(holders_.size()) < slots_) {
      const std::uint64_t ticket = next_ticket_++;
      holders_.emplace(ticket, now + longest_hold_);
      return ticket;
    }
    auto wake = now + cancel_poll;
    for (const auto& holder : holders_) wake = std::min(wake, holder.second);
    freed_.wait_until(lock, wake);
  }
}

void startup_gate::leave(std::uint64_t ticket) {
  {
    std::lock_guard lock(mutex_);
    if (holders_.erase(ticket) == 0) return;
  }
  freed_.notify_one();
}

gate_pass::gate_pass(startup_gate* gate, const std::atomic<bool>* cancel) : gate_(gate) {
  if (gate_ != nullptr) ticket_ = gate_->enter(cancel);
}

void gate_pass::release() {
  if (gate_ == nullptr || !ticket_ || released_.exchange(true)) return;
  gate_->leave(*ticket_);
}

}  // namespace wsrepro::harness
