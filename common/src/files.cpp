#include "wsrepro/common/files.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <streambuf>
#include <system_error>
#include <vector>

namespace wsrepro {

namespace fs = std::filesystem;

namespace {

std::system_error errno_error(const std::string& what) {
  return {errno, std::generic_category(), what};
}

void write_all(int fd, std::string_view bytes, const std::string& what) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw errno_error(what);
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

/// ".report.json.tmp-PID": hidden, beside the target, and owned by one process.
fs::path temporary_for(const fs::path& target, long pid) {
  return target.parent_path() / ("." + target.filename().string() + ".tmp-" + std::to_string(pid));
}

/// Temporary files a killed wsrepro left for this target (their process is gone).
void remove_stale_temporaries(const fs::path& target) {
  std::error_code ec;
  const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  const std::string prefix = "." + target.filename().string() + ".tmp-";
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(prefix)) continue;
    char* end = nullptr;
    const long pid = std::strtol(name.c_str() + prefix.size(), &end, 10);
    if (end == nullptr || *end != '\0' || pid <= 0) continue;
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) fs::remove(entry.path(), ec);
  }
}

}  // namespace

std::optional<std::string> read_file(const fs::path& path, std::string& error,
                                     std::size_t max_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = std::generic_category().message(errno);
    return std::nullopt;
  }
  std::string text;
  std::array<char, 64 * 1024> chunk{};
  for (;;) {
    const ssize_t n = ::read(fd, chunk.data(), chunk.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = std::generic_category().message(errno);
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    if (text.size() + static_cast<std::size_t>(n) > max_bytes) {
      error = "larger than " + std::to_string(max_bytes) + " bytes";
      ::close(fd);
      return std::nullopt;
    }
    text.append(chunk.data(), static_cast<std::size_t>(n));
  }
  ::close(fd);
  return text;
}

// --- atomic_file ------------------------------------------------------------------------------

/// An output buffer over a file descriptor (std::ofstream cannot open with O_CLOEXEC).
struct atomic_file::buffer : std::streambuf {
  explicit buffer(int fd) : fd_(fd) { setp(data_.data(), data_.data() + data_.size()); }

  int sync() override {
    try {
      write_all(fd_, std::string_view(pbase(), static_cast<std::size_t>(pptr() - pbase())),
                "write");
    } catch (const std::system_error&) {
      return -1;
    }
    setp(data_.data(), data_.data() + data_.size());
    return 0;
  }

  int_type overflow(int_type c) override {
    if (sync() != 0) return traits_type::eof();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }

 private:
  int fd_;
  std::array<char, 64 * 1024> data_{};
};

atomic_file::atomic_file(fs::path target)
    : target_(std::move(target)), temporary_(temporary_for(target_, ::getpid())) {
  remove_stale_temporaries(target_);
  fd_ = ::open(temporary_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) throw errno_error("cannot write " + target_.string());
  buffer_ = std::make_unique<buffer>(fd_);
  stream_ = std::make_unique<std::ostream>(buffer_.get());
}

atomic_file::~atomic_file() {
  stream_.reset();
  buffer_.reset();
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(temporary_.c_str());
}

std::ostream& atomic_file::stream() { return *stream_; }

void atomic_file::commit() {
  stream_->flush();
  if (!*stream_)
    throw std::system_error(EIO, std::generic_category(), "cannot write " + target_.string());
  if (::fsync(fd_) != 0) throw errno_error("cannot write " + target_.string());
  ::close(fd_);
  fd_ = -1;
  if (::rename(temporary_.c_str(), target_.c_str()) != 0) {
    throw errno_error("cannot replace " + target_.string());
  }
  committed_ = true;
}

// --- spools -----------------------------------------------------------------------------------

namespace {

class memory_spool final : public spool {
 public:
  std::uint64_t append(std::string_view bytes) override {
    const std::uint64_t at = data_.size();
    data_.append(bytes);
    return at;
  }
  std::string read(std::uint64_t offset, std::size_t size) const override {
    return data_.substr(offset, size);
  }

 private:
  std::string data_;
};

class file_spool final : public spool {
 public:
  file_spool(int fd, std::string what) : fd_(fd), what_(std::move(what)) {}
  ~file_spool() override { ::close(fd_); }
  file_spool(const file_spool&) = delete;
  file_spool& operator=(const file_spool&) = delete;

  std::uint64_t append(std::string_view bytes) override {
    const std::uint64_t at = size_;
    write_all(fd_, bytes, "cannot write " + what_);
    size_ += bytes.size();
    return at;
  }

  std::string read(std::uint64_t offset, std::size_t size) const override {
    std::string out(size, '\0');
    std::size_t done = 0;
    while (done < size) {
      const ssize_t n =
          ::pread(fd_, out.data() + done, size - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw errno_error("cannot read " + what_);
      done += static_cast<std::size_t>(n);
    }
    return out;
  }

 private:
  int fd_;
  std::string what_;
  std::uint64_t size_ = 0;
};

}  // namespace

std::unique_ptr<spool> make_memory_spool() { return std::make_unique<memory_spool>(); }

std::unique_ptr<spool> make_file_spool(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) throw errno_error("cannot write " + path.string());
  return std::make_unique<file_spool>(fd, path.string());
}

std::unique_ptr<spool> make_anonymous_spool(const fs::path& directory) {
  int fd = ::open(directory.c_str(), O_RDWR | O_TMPFILE | O_CLOEXEC, 0600);
  if (fd < 0) {
    // A file system without O_TMPFILE: a named file, unlinked at once.
    const fs::path named = directory / (".wsrepro-spool-" + std::to_string(::getpid()));
    fd = ::open(named.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) throw errno_error("cannot write in " + directory.string());
    ::unlink(named.c_str());
  }
  return std::make_unique<file_spool>(fd, "a spool in " + directory.string());
}

}  // namespace wsrepro
