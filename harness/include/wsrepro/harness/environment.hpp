#pragma once
// Environments for clients under test: one directory per (environment, version) in a cache,
// e.g. a venv with python-websockets 13.0 or an npm prefix with ws 8.23.0. Built once by the
// manifest's set-up steps, reused, and rebuilt when the manifest entry changes. A build holds
// an exclusive lock on the environment (one build even when several runs or several wsrepro
// processes need it), and writes its ready marker last: an interrupted build never counts as
// ready.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace wsrepro::harness {

struct environment_spec {
  std::string name;  ///< e.g. python-websockets
  std::string description;
  std::string library;                          ///< the library it installs, e.g. websockets
  std::vector<std::string> versions;            ///< the pinned matrix, ascending
  std::vector<std::string> requires_programs;   ///< must be on PATH, e.g. python3
  std::vector<std::vector<std::string>> setup;  ///< steps, with placeholders
  std::vector<std::string> probe;               ///< prints library version, then runtime version
  std::vector<std::string> releases;            ///< lists every release (for bisect), optional
  std::filesystem::path manifest;
};

/// What is known of one (environment, version).
struct environment_state {
  bool ready = false;
  std::filesystem::path dir;
  std::string library_version;  ///< as the probe printed it
  std::string runtime_version;  ///< e.g. CPython 3.11.7
  std::string problem;          ///< why it is not ready (one line)
  std::filesystem::path log;    ///< the set-up log
  bool built_now = false;       ///< this call built it
  double setup_ms = 0;
};

/// Whether a progress line says that the set-up waits for another process's lock: shown even
/// with --quiet, so a long wait is never silent.
bool is_lock_wait_line(const std::string& line);

/// The placeholders set-up steps may use: {env} {version} {python} {data}.
const std::vector<std::string>& setup_placeholders();

class environment_cache {
 public:
  using progress_fn = std::function<void(const std::string& line)>;

  /// `root`: the cache directory (created on demand); `data_dir` for {data}.
  environment_cache(std::filesystem::path root, std::filesystem::path data_dir);

  /// The cache directory wsrepro uses without --cache: $WSREPRO_CACHE_DIR, else
  /// $XDG_CACHE_HOME/wsrepro, else ~/.cache/wsrepro.
  static std::filesystem::path default_root();

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path dir_of(const environment_spec& env, const std::string& version) const;

  /// Ready, or built now (waiting for another build of it first), or a problem. Thread-safe;
  /// a failed build is not retried within this process. Never throws.
  environment_state ensure(const environment_spec& env, const std::string& version,
                           const std::atomic<bool>* cancel, const progress_fn& progress = {});

  /// Removes an environment and its log (the lock file stays), unless another process is building
  /// it (then `problem` says so). The bytes freed; 0 when there was nothing.
  std::uintmax_t remove(const environment_spec& env, const std::string& version,
                        std::string& problem) const;

  /// What the cache holds now, without building anything.
  environment_state inspect(const environment_spec& env, const std::string& version) const;

  /// The values of the placeholders for this environment and version.
  std::map<std::string, std::string> placeholder_values(const environment_spec& env,
                                                        const std::string& version) const;

  /// Identifies the manifest entry: a change to it means a rebuild.
  std::string fingerprint(const environment_spec& env, const std::string& version) const;

  /// The releases the environment's `releases` command lists (final releases only, ascending).
  std::optional<std::vector<std::string>> list_releases(const environment_spec& env,
                                                        std::string& error) const;

 private:
  environment_state build(const environment_spec& env, const std::string& version,
                          const std::atomic<bool>* cancel, const progress_fn& progress) const;

  std::filesystem::path root_;
  std::filesystem::path data_dir_;
  std::mutex mutex_;
  std::map<std::string, environment_state> failed_;  ///< by dir: not retried in this process
  std::map<std::string, std::unique_ptr<std::mutex>> building_;  ///< by dir: one build at a time
  /// What each set-up program's `--version` said, asked once per program by this cache.
  std::string runtime_identity(const std::string& program) const;
  /// The content of `arg` when it names a file under the data directory, else empty.
  std::string data_file_content(const std::string& arg) const;
  mutable std::mutex runtimes_mutex_;
  mutable std::map<std::string, std::string> runtimes_;
};

}  // namespace wsrepro::harness
