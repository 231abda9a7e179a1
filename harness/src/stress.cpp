#include "wsrepro/harness/stress.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <string>

namespace wsrepro::harness {

namespace {

void spin(const std::atomic<bool>& stop) {
  // Plain arithmetic the compiler cannot drop; checks the flag often enough to stop at once.
  volatile std::uint64_t x = 0;
  while (!stop.load(std::memory_order_relaxed)) {
    for (int i = 0; i < 10'000; ++i) x = x * 6364136223846793005ull + 1;
  }
}

void churn_io(const std::atomic<bool>& stop, const std::filesystem::path& file) {
  const std::string block(std::size_t{64} * 1024, 'w');
  std::string back(block.size(), '\0');
  while (!stop.load(std::memory_order_relaxed)) {
    const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return;
    for (int i = 0; i < 16 && !stop.load(std::memory_order_relaxed); ++i) {
      if (::write(fd, block.data(), block.size()) < 0) break;
    }
    ::fsync(fd);
    ::lseek(fd, 0, SEEK_SET);
    while (!stop.load(std::memory_order_relaxed) && ::read(fd, back.data(), back.size()) > 0) {
    }
    ::close(fd);
  }
}

}  // namespace

stress_load::stress_load(const stress_options& options) {
  for (int i = 0; i < options.cpu_threads; ++i) threads_.emplace_back(spin, std::cref(stop_));
  if (options.io) {
    scratch_ = std::filesystem::temp_directory_path() /
               ("wsrepro-stress-io-" + std::to_string(::getpid()));
    threads_.emplace_back(churn_io, std::cref(stop_), scratch_);
  }
}

stress_load::~stress_load() {
  stop_.store(true);
  for (auto& t : threads_) t.join();
  if (!scratch_.empty()) {
    std::error_code ec;
    std::filesystem::remove(scratch_, ec);
  }
}

}  // namespace wsrepro::harness
