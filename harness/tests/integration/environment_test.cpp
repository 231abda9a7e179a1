// The environment cache with set-up steps that are plain shell commands: no registry needed.

#include "wsrepro/harness/environment.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <thread>

namespace wsrepro::harness {
namespace {

namespace fs = std::filesystem;

class environment_cache_test : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("wsrepro-env-test-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  /// Counts its builds in {env}/../builds, writes a file, prints versions.
  environment_spec spec(const std::string& extra_step = "true") const {
    environment_spec env;
    env.name = "fake";
    env.versions = {"1.0", "2.0"};
    env.setup = {{"sh", "-c", "echo x >> {env}/../builds && mkdir -p {env}/bin"},
                 {"sh", "-c", extra_step},
                 {"sh", "-c", "echo lib-{version} > {env}/bin/prog"}};
    env.probe = {"sh", "-c", "cat {env}/bin/prog; echo 'Shell 1'"};
    return env;
  }
  int builds() const {
    std::ifstream in(root_ / "envs" / "fake" / "builds");
    int n = 0;
    std::string line;
    while (std::getline(in, line)) ++n;
    return n;
  }

  fs::path root_;
};

TEST_F(environment_cache_test, builds_once_and_reuses) {
  environment_cache cache(root_, "/data");
  std::vector<std::string> progress;
  const auto first = cache.ensure(spec(), "1.0", nullptr,
                                  [&](const std::string& line) { progress.push_back(line); });
  ASSERT_TRUE(first.ready) << first.problem;
  EXPECT_TRUE(first.built_now);
  EXPECT_EQ(first.library_version, "lib-1.0");
  EXPECT_EQ(first.runtime_version, "Shell 1");
  EXPECT_FALSE(progress.empty());
  const auto again = cache.ensure(spec(), "1.0", nullptr);
  EXPECT_TRUE(again.ready);
  EXPECT_FALSE(again.built_now);
  EXPECT_EQ(builds(), 1);
  environment_cache other_process(root_, "/data");  // the marker is on disk
  EXPECT_TRUE(other_process.inspect(spec(), "1.0").ready);
}

TEST_F(environment_cache_test, a_changed_manifest_entry_means_a_rebuild) {
  environment_cache cache(root_, "/data");
  ASSERT_TRUE(cache.ensure(spec(), "1.0", nullptr).ready);
  const auto changed = spec("echo changed");
  EXPECT_FALSE(cache.inspect(changed, "1.0").ready);
  EXPECT_NE(cache.inspect(changed, "1.0").problem.find("out of date"), std::string::npos);
  EXPECT_TRUE(cache.ensure(changed, "1.0", nullptr).built_now);
  EXPECT_EQ(builds(), 2);
}

TEST_F(environment_cache_test, a_failed_step_is_a_problem_with_its_output_not_ready) {
  environment_cache cache(root_, "/data");
  const auto state = cache.ensure(spec("echo 'no such package' >&2; exit 7"), "1.0", nullptr);
  EXPECT_FALSE(state.ready);
  EXPECT_NE(state.problem.find("set-up step 2/3"), std::string::npos) << state.problem;
  EXPECT_NE(state.problem.find("exited 7: no such package"), std::string::npos) << state.problem;
  EXPECT_TRUE(fs::exists(state.log));
  EXPECT_FALSE(cache.inspect(spec(), "1.0").ready);
  // Nothing of the half-made environment is left, only the log the problem names.
  EXPECT_FALSE(fs::exists(state.dir)) << state.dir;
}

TEST_F(environment_cache_test, another_runtime_behind_the_same_path_makes_it_out_of_date) {
  // A set-up program whose --version answer is in a file: "another image".
  fs::create_directories(root_);
  const fs::path runtime = root_ / "fake-runtime";
  const fs::path version_file = root_ / "runtime-version";
  std::ofstream(version_file) << "Fake 1.0\n";
  std::ofstream(runtime) << "#!/bin/sh\nif [ \"$1\" = --version ]; then cat "
                         << version_file.string() << "; fi\n";
  fs::permissions(runtime, fs::perms::owner_all);
  auto env = spec();
  env.setup.push_back({runtime.string(), "setup"});
  // A step that runs a program of the environment itself ({env}/bin/prog) counts too: its
  // identity must not change once the environment exists.
  env.setup.push_back({"{env}/bin/tool"});
  env.setup.insert(
      env.setup.begin() + 2,
      {"sh", "-c",
       "printf '#!/bin/sh\\necho tool 1\\n' > {env}/bin/tool && chmod +x {env}/bin/tool"});
  ASSERT_TRUE(environment_cache(root_, "/data").ensure(env, "1.0", nullptr).ready);
  EXPECT_TRUE(environment_cache(root_, "/data").inspect(env, "1.0").ready)
      << "a second process finds it ready";
  std::ofstream(version_file) << "Fake 2.0\n";
  const auto state = environment_cache(root_, "/data").inspect(env, "1.0");
  EXPECT_FALSE(state.ready);
  EXPECT_NE(state.problem.find("out of date"), std::string::npos) << state.problem;
}

TEST_F(environment_cache_test, remove_frees_an_environment_and_its_log) {
  environment_cache cache(root_, "/data");
  const auto built =
      cache.ensure(spec("head -c 100000 /dev/zero > {env}/bin/blob"), "1.0", nullptr);
  ASSERT_TRUE(built.ready) << built.problem;
  std::string problem;
  EXPECT_GE(cache.remove(spec(), "1.0", problem), 100'000u);
  EXPECT_TRUE(problem.empty()) << problem;
  EXPECT_FALSE(fs::exists(built.dir));
  EXPECT_FALSE(fs::exists(built.log));
  EXPECT_EQ(cache.remove(spec(), "1.0", problem), 0u) << "nothing left to remove";
}

TEST_F(environment_cache_test, an_interrupted_build_never_counts_as_ready) {
  environment_cache cache(root_, "/data");
  std::atomic<bool> cancel{false};
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    cancel.store(true);
  });
  const auto state = cache.ensure(spec("sleep 60"), "1.0", &cancel);
  stopper.join();
  EXPECT_FALSE(state.ready);
  EXPECT_NE(state.problem.find("cancelled"), std::string::npos) << state.problem;
  EXPECT_FALSE(cache.inspect(spec("sleep 60"), "1.0").ready);
  // The next build starts again from nothing and completes.
  EXPECT_TRUE(cache.ensure(spec(), "1.0", nullptr).ready);
}

TEST_F(environment_cache_test, concurrent_users_share_one_build) {
  environment_cache a(root_, "/data");
  environment_cache b(root_, "/data");  // as if another wsrepro process: only the flock
  environment_state sa;
  environment_state sb;
  std::thread ta([&] { sa = a.ensure(spec("sleep 0.5"), "2.0", nullptr); });
  std::thread tb([&] { sb = b.ensure(spec("sleep 0.5"), "2.0", nullptr); });
  ta.join();
  tb.join();
  EXPECT_TRUE(sa.ready && sb.ready) << sa.problem << sb.problem;
  EXPECT_EQ(builds(), 1);
  EXPECT_NE(sa.built_now, sb.built_now);
}

TEST_F(environment_cache_test, a_missing_program_is_named) {
  environment_cache cache(root_, "/data");
  auto env = spec();
  env.requires_programs = {"wsrepro-no-such-runtime"};
  const auto state = cache.ensure(env, "1.0", nullptr);
  EXPECT_FALSE(state.ready);
  EXPECT_NE(state.problem.find("wsrepro-no-such-runtime not found in PATH"), std::string::npos);
}

}  // namespace
}  // namespace wsrepro::harness
