// Files as wsrepro writes them: close-on-exec, reports replaced whole, spools read back.

#include "wsrepro/common/files.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace {

namespace fs = std::filesystem;

struct temp_dir {
  temp_dir() {
    char name[] = "/tmp/wsrepro-files-XXXXXX";
    path = ::mkdtemp(name);
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  fs::path path;
};

std::string contents(const fs::path& p) {
  std::string error;
  return wsrepro::read_file(p, error).value_or("<" + error + ">");
}

/// Every descriptor this process has open on `p`, with FD_CLOEXEC or not.
std::vector<bool> cloexec_flags_of(const fs::path& p) {
  std::vector<bool> flags;
  for (const auto& entry : fs::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    const fs::path target = fs::read_symlink(entry.path(), ec);
    if (ec || target != p) continue;
    const int fd = std::stoi(entry.path().filename().string());
    flags.push_back((::fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
  }
  return flags;
}

}  // namespace

TEST(atomic_file, the_target_keeps_its_old_contents_until_commit) {
  temp_dir dir;
  const fs::path target = dir.path / "report.json";
  std::ofstream(target) << "old";
  wsrepro::atomic_file file(target);
  file.stream() << "new";
  file.stream().flush();
  EXPECT_EQ(contents(target), "old");
  file.commit();
  EXPECT_EQ(contents(target), "new");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator{}), 1);
}

TEST(atomic_file, an_uncommitted_file_leaves_the_target_alone_and_no_litter) {
  temp_dir dir;
  const fs::path target = dir.path / "junit.xml";
  std::ofstream(target) << "old";
  {
    wsrepro::atomic_file file(target);
    file.stream() << "half a docu";
  }
  EXPECT_EQ(contents(target), "old");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator{}), 1);
}

TEST(atomic_file, a_dead_writers_temporary_file_is_cleared_away) {
  temp_dir dir;
  const fs::path target = dir.path / "summary.md";
  // No process has pid 2^22 + 1 (above the kernel's pid_max default): a writer that is gone.
  const fs::path stale = dir.path / ".summary.md.tmp-4194305";
  std::ofstream(stale) << "left by a killed wsrepro";
  wsrepro::atomic_file file(target);
  EXPECT_FALSE(fs::exists(stale));
  file.commit();
}

TEST(atomic_file, its_descriptor_is_close_on_exec) {
  temp_dir dir;
  wsrepro::atomic_file file(dir.path / "report.json");
  const auto flags =
      cloexec_flags_of(dir.path / (".report.json.tmp-" + std::to_string(::getpid())));
  ASSERT_EQ(flags.size(), 1u);
  EXPECT_TRUE(flags.front());
}

TEST(spool, appends_come_back_by_position_in_memory_and_on_disk) {
  temp_dir dir;
  auto memory = wsrepro::make_memory_spool();
  auto named = wsrepro::make_file_spool(dir.path / "runs.jsonl");
  auto anonymous = wsrepro::make_anonymous_spool(dir.path);
  for (auto* s : {memory.get(), named.get(), anonymous.get()}) {
    const auto a = s->append("first\n");
    const auto b = s->append("second\n");
    EXPECT_EQ(s->read(a, 5), "first");
    EXPECT_EQ(s->read(b, 6), "second");
  }
  EXPECT_EQ(contents(dir.path / "runs.jsonl"), "first\nsecond\n");
  // The anonymous one leaves no name behind.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator{}), 1);
  const auto flags = cloexec_flags_of(dir.path / "runs.jsonl");
  ASSERT_EQ(flags.size(), 1u);
  EXPECT_TRUE(flags.front());
}

TEST(read_file, refuses_a_file_beyond_its_bound) {
  temp_dir dir;
  std::ofstream(dir.path / "big") << std::string(100, 'x');
  std::string error;
  EXPECT_FALSE(wsrepro::read_file(dir.path / "big", error, 99));
  EXPECT_NE(error.find("larger than 99 bytes"), std::string::npos) << error;
  EXPECT_EQ(wsrepro::read_file(dir.path / "big", error, 100)->size(), 100u);
  EXPECT_FALSE(wsrepro::read_file(dir.path / "missing", error));
}
