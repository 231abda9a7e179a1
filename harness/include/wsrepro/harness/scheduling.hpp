#pragma once
// How a plan's runs share the machine. Most runs wait on their own timers and deadlines, so many
// can overlap; what competes for the CPUs is a client's start (spawn, interpreter or JVM start-up).
// So: the longest expected runs start first (durations recorded from earlier invocations, as
// CTest's cost data, with the scenario's deadline as the prior), `--jobs auto` lets many runs
// overlap, and a gate lets no more clients start at once than there are CPUs.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "wsrepro/results/result.hpp"

namespace wsrepro::harness {

struct planned_run;

/// What earlier invocations measured, per scenario and client: a mean duration (normalised to
/// time scale 1) that weighs the last few runs most (a running mean over at most 5, then
/// exponential). A cache, not user input: lines it cannot read are
/// dropped, and a lost update only costs a worse order.
class duration_history {
 public:
  /// Reads `file`; a missing or unreadable file is an empty history.
  static duration_history load(const std::filesystem::path& file);
  /// Writes atomically (a temporary file renamed over it); false when it cannot.
  bool save(const std::filesystem::path& file) const;
  static duration_history parse(const std::string& text);
  std::string serialise() const;

  std::optional<double> expected_ms(const std::string& key) const;
  void record(const std::string& key, double duration_ms);
  std::size_t size() const { return entries_.size(); }

  /// The key of a run: its scenario and its client as reports name it.
  static std::string key_of(const planned_run& run);
  static std::string key_of(const results::run_result& run);
  /// Records what the runs took, except skipped ones (an interrupted invocation records none).
  void record_all(const std::vector<results::run_result>& runs, double time_scale);

 private:
  struct entry {
    int count = 0;
    double mean_ms = 0;
  };
  std::map<std::string, entry> entries_;
};

/// The order to start the plan's runs in: the longest expected first (stable, so equal runs keep
/// plan order). `time_scale` turns recorded durations into this invocation's.
std::vector<std::size_t> longest_first(const std::vector<planned_run>& plan,
                                       const duration_history& history, double time_scale);

/// The CPUs this process may run on (its affinity mask), at least 1.
int usable_cpus();

/// `--jobs auto`: runs mostly wait, so several per CPU, bounded by the plan, by memory (a
/// runtime such as a JVM takes a few hundred MiB) and by 64.
int auto_jobs(std::size_t plan_size);

/// At most `slots` holders at once; a holder that keeps its place longer than `longest_hold` no
/// longer counts (a client that never connects must not stall the plan).
class startup_gate {
 public:
  startup_gate(int slots, std::chrono::milliseconds longest_hold);
  /// Waits for a place; returns its ticket, or nothing once `cancel` is set.
  std::optional<std::uint64_t> enter(const std::atomic<bool>* cancel);
  /// Gives the place back; a ticket already given back (or expired) is ignored.
  void leave(std::uint64_t ticket);
  int slots() const { return slots_; }

 private:
  using clock = std::chrono::steady_clock;
  void drop_expired(clock::time_point now);

  const int slots_;
  const std::chrono::milliseconds longest_hold_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::map<std::uint64_t, clock::time_point> holders_;  ///< ticket -> when it expires
  std::uint64_t next_ticket_ = 1;
};

/// A place at a startup_gate for one run: taken on construction (if there is a gate), given
/// back by release() (from any thread, any number of times) or at the latest on destruction.
class gate_pass {
 public:
  gate_pass(startup_gate* gate, const std::atomic<bool>* cancel);
  ~gate_pass() { release(); }
  gate_pass(const gate_pass&) = delete;
  gate_pass& operator=(const gate_pass&) = delete;
  void release();

 private:
  startup_gate* gate_;
  std::optional<std::uint64_t> ticket_;
  std::atomic<bool> released_{false};
};

}  // namespace wsrepro::harness
