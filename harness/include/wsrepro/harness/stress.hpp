#pragma once
// Load that perturbs scheduling while runs go on, to shake races out (--stress-cpu N,
// --stress-io): busy threads, and a thread that writes, syncs and reads back a scratch file.
// Recorded in the report; stopped (and the file removed) when the object goes.

#include <atomic>
#include <filesystem>
#include <thread>
#include <vector>

namespace wsrepro::harness {

struct stress_options {
  int cpu_threads = 0;
  bool io = false;
  bool any() const { return cpu_threads > 0 || io; }
};

class stress_load {
 public:
  explicit stress_load(const stress_options& options);
  ~stress_load();
  stress_load(const stress_load&) = delete;
  stress_load& operator=(const stress_load&) = delete;

 private:
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
  std::filesystem::path scratch_;
};

}  // namespace wsrepro::harness
