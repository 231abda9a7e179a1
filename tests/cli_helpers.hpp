#pragma once
// Helpers for the black-box tests of the wsrepro binary: run it as a user would (a subprocess
// with a deadline), read its reports, and check that nothing it started is left behind.

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "process_helpers.hpp"
#include "test_paths.hpp"

namespace wsrepro::test {

namespace fs = std::filesystem;
using json = nlohmann::json;

inline const std::string wsrepro_binary = WSREPRO_TEST_BINARY;
inline const fs::path data_dir = WSREPRO_TEST_DATA_DIR;

inline const std::string keep_open_id = "handshake.redirect_302_keep_open";

inline std::vector<std::string> wsrepro_argv(const std::vector<std::string>& args) {
  // --data-dir always: the tests must not depend on where wsrepro looks by default.
  std::vector<std::string> argv{wsrepro_binary, "--data-dir", data_dir.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

inline process_result run_wsrepro(const std::vector<std::string>& args,
                                  milliseconds deadline = milliseconds(60'000)) {
  return wsrepro::test::run_process(wsrepro_argv(args), deadline);
}

/// For failure messages: everything wsrepro said.
inline std::string describe(const process_result& r) {
  return "exit code " + std::to_string(r.exit_code) + "\n--- stdout ---\n" + r.out +
         "\n--- stderr ---\n" + r.err;
}

inline bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

/// A value by JSON pointer, or null when absent, so that a missing field fails an EXPECT
/// instead of throwing out of the test.
inline json at(const json& doc, const std::string& pointer) {
  const json::json_pointer p(pointer);
  return doc.contains(p) ? doc.at(p) : json();
}

inline double number_at(const json& doc, const std::string& pointer) {
  const json v = at(doc, pointer);
  if (!v.is_number()) {
    ADD_FAILURE() << pointer << " is not a number: " << v.dump();
    return -1;
  }
  return v.get<double>();
}

inline std::string string_at(const json& doc, const std::string& pointer) {
  const json v = at(doc, pointer);
  return v.is_string() ? v.get<std::string>() : std::string();
}

/// Checks a report.json (or, with `jsonl`, a `--format jsonl` stream) against
/// reports/schema/report.schema.json, with Debian's Python and its jsonschema package.
inline void expect_valid_json(const fs::path& file, bool jsonl = false) {
  std::vector<std::string> argv{"/usr/bin/python3", (data_dir / "tests/validate_json.py").string(),
                                (data_dir / "reports/schema/report.schema.json").string(),
                                file.string()};
  if (jsonl) argv.emplace_back("--jsonl");
  const auto r = wsrepro::test::run_process(argv, milliseconds(60'000));
  EXPECT_EQ(r.exit_code, 0) << file << " does not match the schema:\n" << r.out << r.err;
}

/// report.json in `out`, parsed, after checking it against the schema: every report a test
/// reads is validated.
inline json load_report(const fs::path& out) {
  const std::string text = wsrepro::test::read_text(out / "report.json");
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded()) ADD_FAILURE() << "report.json does not parse:\n" << text;
  expect_valid_json(out / "report.json");
  return doc;
}

/// The report's single run, or null (and a failure) when there is not exactly one.
inline json only_run(const json& report) {
  const json runs = at(report, "/runs");
  if (!runs.is_array() || runs.size() != 1) {
    ADD_FAILURE() << "expected exactly one run in report.json, got: " << runs.dump();
    return json();
  }
  return runs[0];
}

inline std::set<std::string> timeline_events(const json& run) {
  std::set<std::string> names;
  for (const auto& e : at(run, "/timeline")) {
    if (e.contains("event") && e["event"].is_string()) names.insert(e["event"].get<std::string>());
  }
  return names;
}

/// A `sleep` command line unique to this test process: its fractional seconds tell our sleeps
/// from anyone else's when scanning /proc, and are too small to change how long it sleeps.
inline std::string unique_sleep(int seconds) {
  return "sleep " + std::to_string(seconds) + ".00" + std::to_string(::getpid());
}

/// Fails for every live process whose command line contains `marker`. Tests run serially, so
/// once wsrepro has exited nothing it started (shim, client, grandchildren) may remain.
inline void expect_no_process_with(const std::string& marker) {
  ASSERT_FALSE(marker.empty());
  for (const auto& p : wsrepro::test::processes_with_cmdline(marker)) {
    ADD_FAILURE() << "left behind after wsrepro exited: pid " << p.pid << ": " << p.cmdline;
  }
}

}  // namespace wsrepro::test
