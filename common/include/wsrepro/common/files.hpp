#pragma once
// Files as wsrepro writes and reads them: every descriptor close-on-exec (a client under test
// must never inherit one), reports replaced whole (a reader, or wsrepro's own death, never
// leaves half a report, and the previous one stays until the new one is complete), and spools
// that keep bulky data on disk rather than in memory.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace wsrepro {

/// The whole file, or nullopt with `error` set (including when it is larger than `max_bytes`).
std::optional<std::string> read_file(const std::filesystem::path& path, std::string& error,
                                     std::size_t max_bytes = std::size_t{64} << 20);

/// A file written beside its target and renamed into place by commit(). Until then the target
/// keeps its previous contents; a file never committed is removed by the destructor (or, after a
/// crash, by the next atomic_file for the same target).
class atomic_file {
 public:
  /// Throws std::system_error when the temporary file cannot be created.
  explicit atomic_file(std::filesystem::path target);
  ~atomic_file();
  atomic_file(const atomic_file&) = delete;
  atomic_file& operator=(const atomic_file&) = delete;

  std::ostream& stream();
  const std::filesystem::path& target() const { return target_; }
  /// Flushes, syncs and renames onto the target. Throws std::system_error on failure.
  void commit();

 private:
  struct buffer;
  std::filesystem::path target_;
  std::filesystem::path temporary_;
  int fd_ = -1;
  std::unique_ptr<buffer> buffer_;
  std::unique_ptr<std::ostream> stream_;
  bool committed_ = false;
};

/// Bytes appended and read back by position: a journal of finished runs, or rendered fragments a
/// reporter needs again only at the end.
class spool {
 public:
  virtual ~spool() = default;
  /// Appends; returns where the bytes start. Throws std::system_error on a write failure.
  virtual std::uint64_t append(std::string_view bytes) = 0;
  virtual std::string read(std::uint64_t offset, std::size_t size) const = 0;
};

/// In memory (tests, small documents).
std::unique_ptr<spool> make_memory_spool();
/// A named file, created empty, kept after the process ends; each append is one write(2) with
/// O_APPEND, so a crash leaves whole entries and at most a torn last one.
std::unique_ptr<spool> make_file_spool(const std::filesystem::path& path);
/// An unnamed file in `directory` (O_TMPFILE): gone with the process, whatever happens to it.
std::unique_ptr<spool> make_anonymous_spool(const std::filesystem::path& directory);

}  // namespace wsrepro
