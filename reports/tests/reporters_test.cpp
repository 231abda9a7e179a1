// Golden-file ("baseline") tests of the report writers, plus the details goldens don't pin
// down. Set WSREPRO_UPDATE_GOLDEN=1 to rewrite the golden files after an intended change, and
// review the diff.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "format.hpp"
#include "test_paths.hpp"
#include "wsrepro/reports/formats.hpp"
#include "wsrepro/reports/report_reader.hpp"
#include "xml_writer.hpp"

namespace wsrepro::reports {
namespace {

using results::measurement_status;
using results::run_result;
using results::verdict;

constexpr mono_ns t0 = 1'000'000'000'000;  // an arbitrary monotonic zero

event make_event(mono_ns offset_ns, std::string source, std::string kind, int conn = -1) {
  event e;
  e.t_ns = t0 + offset_ns;
  e.source = std::move(source);
  e.kind = std::move(kind);
  e.connection = conn;
  return e;
}

results::measurement numeric(std::string name, std::string unit, double value,
                             std::string from = "", std::string to = "") {
  results::measurement m;
  m.name = std::move(name);
  m.unit = std::move(unit);
  m.status = measurement_status::measured;
  m.value = value;
  m.from_event = std::move(from);
  m.to_event = std::move(to);
  return m;
}

results::measurement text(std::string name, std::string value) {
  results::measurement m;
  m.name = std::move(name);
  m.status = measurement_status::measured;
  m.text = std::move(value);
  m.to_event = "client.exit";
  return m;
}

results::measurement not_measured(std::string name, std::string unit, measurement_status s,
                                  std::string note) {
  results::measurement m;
  m.name = std::move(name);
  m.unit = std::move(unit);
  m.status = s;
  m.from_event = "harness.signal";
  m.to_event = "client.exit";
  m.note = std::move(note);
  return m;
}

run_result base_run(std::string scenario, std::string client, verdict v, std::string reason) {
  run_result r;
  r.scenario_id = std::move(scenario);
  r.scenario_title = "Title of " + r.scenario_id;
  r.category = r.scenario_id.substr(0, r.scenario_id.find('.'));
  r.client = std::move(client);
  r.seed = 42;
  r.outcome = v;
  r.reason = std::move(reason);
  r.expectation = "the client notices within 1 s and exits";
  r.argv = {"/usr/bin/client", "--url", "ws://127.0.0.1:40000/ws"};
  r.url = "ws://127.0.0.1:40000/ws";
  r.started_ns = t0;
  return r;
}

run_result passing_run() {
  run_result r = base_run("close.server_initiated", "python-websockets@12.0", verdict::pass,
                          "all expectations met");
  r.client_name = "python-websockets";
  r.client_version = "12.0";
  r.library = "websockets";
  r.library_version = "12.0";
  r.runtime_version = "CPython 3.11.2";
  r.duration_ms = 215.4321;
  r.measurements = {
      numeric("hang_ms", "ms", 1.2, "server.fault", "client.exit"),
      not_measured("interrupt_latency_ms", "ms", measurement_status::not_applicable,
                   "no signal was sent: the client exited first"),
      text("ended_by", "exit"),
      numeric("exit_code", "code", 0, "", "client.exit"),
  };
  r.checks = {{"hang_ms", "<= 1000", "1.2", true, "hang_ms 1.2 ms is within 1000 ms"}};
  r.timeline = {
      make_event(0, "harness", "spawn").with("pid", std::int64_t{4242}),
      make_event(12'345'678, "server", "accept", 0).with("remote", std::string("127.0.0.1:5555")),
      make_event(100'000'000, "server", "fault", 0)
          .with("fault", std::string("close"))
          .with("delay_ms", 0.5)
          .with("half_close", true),
      make_event(101'200'000, "client", "exit").with("code", std::int64_t{0}),
  };
  r.client_stdout = {"connected <to> \"server\" & 'friends'\x01 bad byte:\xff\nbye\n", 52, false};
  return r;
}

run_result failing_run() {
  run_result r =
      base_run("fault.silent_drop", "node-ws@8.16.0", verdict::fail, "hang_ms above threshold");
  r.client_name = "node-ws";
  r.client_version = "8.16.0";
  r.library = "ws";
  r.library_version = "8.16.0";
  r.duration_ms = 3110.0005;
  results::measurement hang = numeric("hang_ms", "ms", 3002.4184, "server.fault", "client.exit");
  hang.lower_bound = true;
  hang.note = "killed at the deadline";
  r.measurements = {hang, text("ended_by", "deadline_kill"),
                    numeric("leaked_processes", "count", 0)};
  r.checks = {
      {"hang_ms", "<= 1000", "3002.418", false, "hang_ms 3002.418 ms exceeds 1000 ms"},
      {"ended_by", "in [exit]", "deadline_kill", false, "ended_by deadline_kill is not exit"},
      {"leaked_processes", "== 0", "0", true, "no leaked processes"},
  };
  r.timeline = {
      make_event(0, "harness", "spawn").with("pid", std::int64_t{4300}),
      make_event(50'000'000, "server", "fault", 1).with("fault", std::string("silent_drop")),
      make_event(3'052'418'400, "harness", "kill").with("signal", std::string("SIGKILL")),
  };
  std::string err;
  for (int i = 1; i <= 25; ++i) err += "retry " + std::to_string(i) + " | waiting ```\n";
  r.client_stderr = {err, 4096, true};
  return r;
}

run_result known_bug_run() {
  run_result r = base_run("close.server_initiated", "python-websockets@11.0", verdict::known_bug,
                          "known bug python-websockets#1592 reproduced on python-websockets 11.0: "
                          "waits close_timeout");
  r.client_name = "python-websockets";
  r.client_version = "11.0";
  r.library = "websockets";
  r.library_version = "11.0";
  r.runtime_version = "CPython 3.11.2";
  r.repetition = 1;
  r.duration_ms = 3001;
  r.measurements = {numeric("hang_ms", "ms", 2999.9996, "server.fault", "client.exit"),
                    text("ended_by", "exit")};
  r.checks = {{"hang_ms", "<= 1000", "3000", false, "hang_ms = 3000 ms, expected <= 1000 ms"}};
  r.known_bug = results::known_bug_outcome{
      "python-websockets#1592",
      "waits close_timeout",
      true,
      {{"hang_ms", ">= 2500", "3000", true, "hang_ms = 3000 ms, expected >= 2500 ms"}}};
  return r;
}

run_result skipped_run() {
  run_result r = base_run("signal.sigint_idle", "python-websockets@12.0", verdict::skipped,
                          "client declares no SIGINT handling");
  r.measurements = {not_measured("interrupt_latency_ms", "ms", measurement_status::missing, "")};
  return r;
}

run_result error_run() {
  run_result r = base_run("signal.sigint_idle", "rust-tungstenite", verdict::error,
                          "client failed to start: exec \"client\": No such file | directory");
  r.duration_ms = 1.5;
  r.leaks = {{4400, "rust-tungstenite --url ws://127.0.0.1:40000/ws"}};
  r.client_stderr = {"exec: <client> not found\n", 25, false};
  return r;
}

std::vector<run_result> sample_runs() {
  return {passing_run(), failing_run(), known_bug_run(), skipped_run(), error_run()};
}

results::report_context sample_context() {
  results::report_context context;
  context.wsrepro_version = "0.1.0";
  context.command_line = "wsrepro run --out out";
  context.started_at = "2024-05-01T12:00:00Z";
  context.seed = 42;
  return context;
}

results::run_summary summarize(const std::vector<run_result>& runs) {
  results::run_summary s;
  for (const auto& r : runs) s.counts.add(r.outcome);
  s.duration_ms = 6543.21;
  s.exit_code = 1;
  return s;
}

/// A registered format, as `wsrepro run --format NAME` makes it (side files in memory).
std::unique_ptr<reporter> make_format(std::string_view name, std::ostream& out,
                                      const std::filesystem::path& out_dir = {}) {
  const auto* format = wsrepro::reports::find_format(name);
  if (format == nullptr) throw std::runtime_error("no format " + std::string(name));
  // As `wsrepro run` makes it: the runs can be replayed from report.json in --out.
  return format->make(
      {out, out_dir, false, -1, (out_dir.empty() ? "wsrepro-out" : out_dir) / "report.json"});
}

std::string render(std::string_view format, const std::vector<run_result>& runs) {
  std::ostringstream out;
  auto r = make_format(format, out);
  r->begin(sample_context());
  results::plan_outline plan;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    plan.runs.push_back({i, runs[i].scenario_id, runs[i].client, 0, 30'000, false});
  }
  r->plan_known(plan);
  // As the runner does: each run knows its place in the plan.
  for (std::size_t i = 0; i < runs.size(); ++i) {
    run_result copy = runs[i];
    copy.index = i;
    r->run_finished(copy);
  }
  r->end(summarize(runs));
  return out.str();
}

std::string replace_all(const std::string& s, const char* pattern, const char* replacement) {
  return std::regex_replace(s, std::regex(pattern), replacement);
}

// Times are masked so the goldens survive changes of how they are measured or rounded.
std::string mask_json(const std::string& s) {
  std::string out = replace_all(s, R"(("t_ns": )-?[0-9]+)", R"($1"<T_NS>")");
  out = replace_all(out, R"(("duration_ms": )[-0-9.eE+]+)", R"($1"<DURATION>")");
  return replace_all(out, R"re(("started_at": )"[^"]*")re", R"($1"<STARTED_AT>")");
}

std::string mask_xml(const std::string& s) {
  // A placeholder without markup keeps the golden file well-formed XML.
  return replace_all(s, R"re( time="[^"]*")re", R"re( time="TIME")re");
}

std::string mask_markdown(const std::string& s) {
  return replace_all(s, R"((runs? in )[0-9.]+( s))", "$1<SECONDS>$2");
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void expect_matches_golden(const std::string& name, const std::string& actual) {
  const std::string path = std::string(WSREPRO_GOLDEN_DIR) + "/" + name;
  const char* update = std::getenv("WSREPRO_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  const std::string expected = read_file(path);
  if (expected == actual) return;
  // Written out beside the test's temp dir for `diff` (Catch2's "unapproved" file).
  const std::string unapproved = ::testing::TempDir() + name + ".unapproved";
  std::ofstream(unapproved, std::ios::binary) << actual;
  ADD_FAILURE() << name << " differs from the golden file " << path
                << "\n  actual output: " << unapproved
                << "\n  rerun with WSREPRO_UPDATE_GOLDEN=1 if the change is "
                << "intended";
}

TEST(ReportsGolden, Json) {
  expect_matches_golden("report.json", mask_json(render("json", sample_runs())));
}

TEST(ReportsGolden, Junit) {
  expect_matches_golden("junit.xml", mask_xml(render("junit", sample_runs())));
}

TEST(ReportsGolden, Markdown) {
  expect_matches_golden("summary.md", mask_markdown(render("markdown", sample_runs())));
}

TEST(ReportsGolden, Console) {
  expect_matches_golden("console.txt", render("console", sample_runs()));
}

TEST(ReportFormats, AreRegisteredOnceWithANameADescriptionAndAFactory) {
  std::vector<std::string> names;
  for (const auto& f : wsrepro::reports::formats()) {
    EXPECT_FALSE(f.name.empty());
    EXPECT_FALSE(f.description.empty()) << f.name;
    EXPECT_NE(f.make, nullptr) << f.name;
    EXPECT_EQ(std::count(names.begin(), names.end(), f.name), 0) << f.name << " twice";
    names.emplace_back(f.name);
  }
  for (const char* expected : {"console", "json", "junit", "markdown"}) {
    EXPECT_NE(wsrepro::reports::find_format(expected), nullptr) << expected;
  }
  EXPECT_EQ(wsrepro::reports::find_format("jsn"), nullptr);
}

TEST(Console, RepeatedRunsShowTheMissedRateAndHowToReplayAndLeaveLowerBoundsOutOfTheMedian) {
  run_result a = failing_run();  // hang_ms 3002.418, a lower bound
  run_result b = passing_run();  // hang_ms 1.2
  b.scenario_id = a.scenario_id;
  b.client = a.client;
  auto context = sample_context();
  context.repeat = 2;
  std::ostringstream out;
  auto r = make_format("console", out, "out");
  r->begin(context);
  a.index = 0;
  a.seed = 77;
  b.index = 1;
  r->run_finished(a);
  r->run_finished(b);
  r->end(summarize({a, b}));
  const std::string text = out.str();
  EXPECT_NE(text.find("1/2 50% ["), std::string::npos) << text;
  EXPECT_NE(text.find("hang_ms 1.2"), std::string::npos) << "the median of measured values only\n"
                                                         << text;
  EXPECT_NE(text.find("missed: seed 77, replay with --replay out/report.json#0"), std::string::npos)
      << text;
}

TEST(JsonReporter, ParsesBackWithMeasurements) {
  const auto doc = nlohmann::json::parse(render("json", sample_runs()));
  ASSERT_EQ(doc["runs"].size(), 5u);
  EXPECT_DOUBLE_EQ(doc["runs"][0]["measurements"]["hang_ms"]["value"].get<double>(), 1.2);
  EXPECT_DOUBLE_EQ(doc["runs"][1]["measurements"]["hang_ms"]["value"].get<double>(), 3002.418);
  EXPECT_TRUE(doc["runs"][1]["measurements"]["hang_ms"]["lower_bound"].get<bool>());
  EXPECT_EQ(doc["runs"][0]["measurements"]["ended_by"]["value"], "exit");
  EXPECT_TRUE(doc["runs"][0]["measurements"]["interrupt_latency_ms"]["value"].is_null());
  EXPECT_FALSE(doc["runs"][0]["measurements"]["hang_ms"].contains("note"));
  EXPECT_TRUE(doc["runs"][4]["library_version"].is_null());
  EXPECT_FALSE(doc["runs"][4].contains("client_version"));  // only for versioned clients
  EXPECT_EQ(doc["runs"][2]["known_bug"]["reproduced"], true);
  EXPECT_EQ(doc["summary"]["total"], 5);
  // The version matrix: 11.0 shows the bug, 12.0 the expectation met.
  const auto& matrix = doc["version_matrices"][0];
  EXPECT_EQ(matrix["library"], "websockets");
  EXPECT_EQ(matrix["versions"], (nlohmann::json{"11.0", "12.0"}));
  EXPECT_EQ(matrix["rows"][0]["cells"]["11.0"]["verdict"], "known_bug");
  EXPECT_EQ(matrix["rows"][0]["cells"]["12.0"]["text"], "ok 1 ms");
  // The invalid byte became U+FFFD; the control character survives, escaped.
  const auto out = doc["runs"][0]["output"]["stdout"]["data"].get<std::string>();
  EXPECT_NE(out.find("\x01 bad byte:\xEF\xBF\xBD\n"), std::string::npos) << out;
  const auto& timeline = doc["runs"][0]["timeline"];
  EXPECT_DOUBLE_EQ(timeline[1]["t_ms"].get<double>(), 12.346);
  EXPECT_EQ(timeline[1]["conn"], 0);
  EXPECT_FALSE(timeline[0].contains("conn"));
  EXPECT_EQ(timeline[2]["half_close"], true);
}

TEST(JsonReporter, AttributeNamedLikeAFieldDoesNotOverwriteIt) {
  run_result r = passing_run();
  r.timeline = {make_event(5'000'000, "client", "marker").with("event", std::string("ready"))};
  const auto doc = nlohmann::json::parse(render("json", {r}));
  EXPECT_EQ(doc["runs"][0]["timeline"][0]["event"], "client.marker");
  EXPECT_EQ(doc["runs"][0]["timeline"][0]["attr.event"], "ready");
}

nlohmann::json hang_statistics(const std::vector<double>& hangs) {
  std::vector<run_result> runs;
  for (std::size_t i = 0; i < hangs.size(); ++i) {
    run_result r = base_run("fault.silent_drop", "node-ws", verdict::pass, "ok");
    r.repetition = static_cast<int>(i);
    r.measurements = {numeric("hang_ms", "ms", hangs[i]), numeric("leaked_processes", "count", 0)};
    runs.push_back(r);
  }
  runs.push_back(base_run("fault.silent_drop", "other", verdict::skipped, "no"));
  const auto doc = nlohmann::json::parse(render("json", runs));
  EXPECT_EQ(doc["statistics"].size(), 2u);
  EXPECT_EQ(doc["statistics"][0]["runs"], hangs.size());
  EXPECT_EQ(doc["statistics"][1]["client"], "other");
  EXPECT_FALSE(doc["statistics"][1].contains("hang_ms"));
  return doc["statistics"][0]["hang_ms"];
}

TEST(JsonReporter, StatisticsMedianOfOddCount) {
  const auto s = hang_statistics({30.5, 10, 20});
  EXPECT_EQ(s["n"], 3);
  EXPECT_DOUBLE_EQ(s["min"].get<double>(), 10);
  EXPECT_DOUBLE_EQ(s["median"].get<double>(), 20);
  EXPECT_DOUBLE_EQ(s["mean"].get<double>(), 20.167);
  EXPECT_DOUBLE_EQ(s["max"].get<double>(), 30.5);
  EXPECT_EQ(s["unit"], "ms");
}

TEST(JsonReporter, StatisticsMedianOfEvenCount) {
  const auto s = hang_statistics({40, 10, 30, 20});
  EXPECT_EQ(s["n"], 4);
  EXPECT_DOUBLE_EQ(s["median"].get<double>(), 25);
  EXPECT_DOUBLE_EQ(s["mean"].get<double>(), 25);
}

TEST(XmlWriter, EscapesEverySpecialCharacter) {
  EXPECT_EQ(escape_xml_text("a<b>&c\"d'e\tf\ng\rh"), "a&lt;b&gt;&amp;c\"d'e\tf\ng&#13;h");
  EXPECT_EQ(escape_xml_attribute("a<b>&c\"d'e\tf\ng\rh"),
            "a&lt;b&gt;&amp;c&quot;d&apos;e&#9;f&#10;g&#13;h");
}

TEST(XmlWriter, ReplacesCharactersIllegalInXmlAndInvalidUtf8) {
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(escape_xml_text(std::string("\x00\x01\x08\x0b\x0c\x1f|\x7f", 8)),
            fffd + fffd + fffd + fffd + fffd + fffd + "|\x7f");
  EXPECT_EQ(escape_xml_text("\xff"), fffd);
  EXPECT_EQ(escape_xml_text("\xC0\xAF"), fffd + fffd);                        // overlong '/'
  EXPECT_EQ(escape_xml_text("\xED\xA0\x80"), fffd + fffd + fffd);             // a surrogate
  EXPECT_EQ(escape_xml_text("x\xE2\x82"), "x" + fffd + fffd);                 // cut short
  EXPECT_EQ(escape_xml_text("\xEF\xBF\xBE"), fffd);                           // U+FFFE
  EXPECT_EQ(escape_xml_text("\xF4\x90\x80\x80"), fffd + fffd + fffd + fffd);  // > U+10FFFF
  const std::string valid = "é € 😀 \xEF\xBF\xBD";
  EXPECT_EQ(escape_xml_text(valid), valid);
}

TEST(XmlWriter, WritesNestedElements) {
  std::ostringstream out;
  xml_writer w(out);
  w.start("a");
  w.attribute("x", "1&2");
  w.start("b");
  w.text("<t>");
  w.end();
  w.empty("c", {{"y", "\"q\""}});
  w.end();
  EXPECT_EQ(out.str(), "<a x=\"1&amp;2\">\n  <b>&lt;t&gt;</b>\n  <c y=\"&quot;q&quot;\"/>\n</a>\n");
}

TEST(Markdown, RepeatedRunsGetTheMissedRateAndSeeds) {
  run_result a = passing_run();
  run_result b = passing_run();
  b.outcome = verdict::fail;
  b.seed = 777;
  b.repetition = 2;
  const std::string md = render("markdown", {a, b});
  EXPECT_NE(md.find("## Repeated runs"), std::string::npos) << md;
  EXPECT_NE(md.find("| 2 | 1/2, 50% [9%, 91%] | hang_ms 1.2 | 777 (1) |"), std::string::npos) << md;
  // A single run per pair: no such section.
  EXPECT_EQ(render("markdown", {a}).find("Repeated runs"), std::string::npos);
}

TEST(Markdown, EscapesPipesAndCountsSingular) {
  run_result r = base_run("a|b", "c|d", verdict::error, "x | y\nz");
  const std::string md = render("markdown", {r});
  EXPECT_NE(md.find("| ⚠️ error | a\\|b | c\\|d | – | – | – | x \\| y z |\n"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("**0 passed, 0 failed**, 0 known bugs, 0 skipped, 1 error, 1 run in 6.54 s"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("### a|b · c|d\n"), std::string::npos) << md;
}

/// Records every call it gets, and can throw from end().
class recording_reporter final : public reporter {
 public:
  explicit recording_reporter(std::vector<std::string>& log, std::string name, bool fail = false)
      : log_(log), name_(std::move(name)), fail_(fail) {}
  void begin(const results::report_context& c) override {
    log_.push_back(name_ + ".begin " + c.wsrepro_version);
  }
  void run_finished(const results::run_result& r) override {
    log_.push_back(name_ + ".run " + r.client);
  }
  void end(const results::run_summary& s) override {
    log_.push_back(name_ + ".end " + std::to_string(s.counts.total()));
    if (fail_) throw std::runtime_error("disk full");
  }

 private:
  std::vector<std::string>& log_;
  std::string name_;
  bool fail_;
};

TEST(MultiReporter, FansOutEveryCall) {
  std::vector<std::string> log;
  results::multi_reporter m;
  m.add(std::make_unique<recording_reporter>(log, "a"));
  m.add(std::make_unique<recording_reporter>(log, "b"));
  m.begin(sample_context());
  m.run_finished(passing_run());
  m.end(summarize({passing_run()}));
  EXPECT_EQ(log, (std::vector<std::string>{"a.begin 0.1.0", "b.begin 0.1.0",
                                           "a.run python-websockets@12.0",
                                           "b.run python-websockets@12.0", "a.end 1", "b.end 1"}));
}

TEST(MultiReporter, OneFailingReporterDoesNotStopTheOthers) {
  std::vector<std::string> log;
  results::multi_reporter m;
  m.add(std::make_unique<recording_reporter>(log, "a", true));
  m.add(std::make_unique<recording_reporter>(log, "b"));
  EXPECT_THROW(m.end(results::run_summary{}), std::runtime_error);
  EXPECT_EQ(log, (std::vector<std::string>{"a.end 0", "b.end 0"}));
}

TEST(Format, NumbersAndSeconds) {
  EXPECT_EQ(format_number(1.2), "1.2");
  EXPECT_EQ(format_number(1000), "1000");
  EXPECT_EQ(format_number(3002.4184), "3002.418");
  EXPECT_EQ(format_number(-0.0001), "0");
  EXPECT_EQ(format_seconds(3110.0005), "3.110");
  EXPECT_DOUBLE_EQ(round_ms(2999.9996), 3000);
}

// --- streaming: runs leave memory as they finish ---------------------------------------------

/// A spool that a test can look into while the reporter still runs.
TEST(JsonReporter, JournalsEachRunAsItFinishesAndListsRunsInPlanOrder) {
  const auto dir = std::filesystem::path(::testing::TempDir()) / "wsrepro-journal-test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto journal_text = [&] {
    std::ifstream in(dir / "runs.jsonl");
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  std::string journal;
  std::ostringstream out;
  auto r = make_format("json", out, dir);
  r->begin(sample_context());
  journal = journal_text();
  EXPECT_EQ(std::count(journal.begin(), journal.end(), '\n'), 1) << "a header line first";
  EXPECT_TRUE(nlohmann::json::parse(journal).contains("command_line")) << journal;
  // Runs finish out of plan order (parallel jobs); each is in the journal at once.
  run_result second = failing_run();
  second.index = 1;
  run_result first = passing_run();
  first.index = 0;
  r->run_finished(second);
  journal = journal_text();
  EXPECT_EQ(std::count(journal.begin(), journal.end(), '\n'), 2);
  r->run_finished(first);
  journal = journal_text();
  EXPECT_EQ(std::count(journal.begin(), journal.end(), '\n'), 3);
  EXPECT_TRUE(out.str().empty()) << "report.json is written only at the end";
  r->end(summarize({first, second}));
  const auto doc = nlohmann::json::parse(out.str());
  ASSERT_EQ(doc["runs"].size(), 2u);
  EXPECT_EQ(doc["runs"][0]["verdict"], "pass");
  EXPECT_EQ(doc["runs"][1]["verdict"], "fail");
  // Every journal line after the header is one run's report.json object.
  std::istringstream lines(journal);
  std::string line;
  std::getline(lines, line);
  std::getline(lines, line);
  EXPECT_EQ(nlohmann::json::parse(line), doc["runs"][1]);
}

TEST(Markdown, DetailsStopAfterFiftyFailedRuns) {
  std::vector<run_result> runs(60, failing_run());
  const std::string md = render("markdown", runs);
  std::size_t sections = 0;
  for (auto at = md.find("\n### "); at != std::string::npos; at = md.find("\n### ", at + 1)) {
    ++sections;
  }
  EXPECT_EQ(sections, 50u);
  EXPECT_NE(md.find("and 10 more failed runs"), std::string::npos);
}

/// summary.md for `count` runs (every third failing, with a long stderr line), repeated or not.
std::string big_summary(std::size_t count, bool repeated) {
  std::ostringstream out;
  auto r = make_format("markdown", out);
  auto context = sample_context();
  context.repeat = repeated ? static_cast<int>(count / 10) : 1;
  r->begin(context);
  results::run_summary summary;
  run_result failing = failing_run();
  failing.client_stderr.data = std::string(5'000, 'x') + "\n" + failing.client_stderr.data;
  const run_result passing = passing_run();
  for (std::size_t i = 0; i < count; ++i) {
    run_result copy = i % 3 == 0 ? failing : passing;
    copy.index = i;
    copy.scenario_id += "_" + std::to_string(i % (repeated ? 10 : count));
    copy.repetition = repeated ? static_cast<int>(i / 10) + 1 : 0;
    summary.counts.add(copy.outcome);
    r->run_finished(copy);
  }
  r->end(summary);
  return out.str();
}

TEST(Junit, RetriedRunsAreWrittenAsSurefireWritesReruns) {
  run_result flaky = passing_run();
  flaky.failed_attempts = {{verdict::fail, "exited before it connected", 12},
                           {verdict::error, "client failed to start", 3}};
  run_result failed = failing_run();
  failed.failed_attempts = {{verdict::fail, "first try", 10}};
  const std::string xml = render("junit", {flaky, failed});
  EXPECT_NE(xml.find(R"(<flakyFailure message="exited before it connected" type="expectation"/>)"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find(R"(<flakyError message="client failed to start" type="harness"/>)"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find(R"(<rerunFailure message="first try" type="expectation"/>)"),
            std::string::npos)
      << xml;
}

TEST(Markdown, StaysUnderGithubsStepSummaryLimitForAnyNumberOfRuns) {
  constexpr std::size_t github_limit = 1024 * 1024;
  const std::string once = big_summary(30'000, false);
  EXPECT_LT(once.size(), github_limit);
  EXPECT_NE(once.find("more that passed: this page stays under GitHub's 1 MiB limit"),
            std::string::npos);
  EXPECT_NE(once.find("more failed runs: their details are in report.json"), std::string::npos);
  const std::string repeated = big_summary(100'000, true);
  EXPECT_LT(repeated.size(), github_limit);
  EXPECT_NE(repeated.find("## Repeated runs"), std::string::npos);
  EXPECT_NE(repeated.find("Runs that did not pass (the 66666 that passed are counted above"),
            std::string::npos)
      << repeated.substr(0, 4000);
}

/// A run with every field report.json has: stacks, sockets, spans, retries, parameters.
run_result run_with_everything() {
  run_result r = failing_run();
  r.param_overrides = {{"delay_ms", 40}};
  r.headline = "interrupt_latency_ms";
  r.situation = {"server.fault", "harness.signal"};
  r.situation_missing = {"harness.signal"};
  r.failed_attempts = {{verdict::error, "client failed to start", 3.25}};
  results::machine_load load;
  load.cpu_busy_pct = 97.5;
  load.cpu_wait_pct = 31.2;
  load.runs_at_once = 16;
  load.saturated = true;
  load.timing_in_doubt = true;
  load.rerun_alone = true;
  load.first_attempt = "fail: hang_ms = 1203 ms, expected <= 1000 ms";
  r.machine = load;
  r.timeline_dropped = 7;
  r.measurements[0].span_from_ns = t0 + 50'000'000;
  r.measurements[0].span_to_ns = t0 + 3'052'418'400;
  r.timeline.push_back(make_event(60'000'000, "server", "frame_out", 1)
                           .with("conn", std::int64_t{9})
                           .with("opcode", std::int64_t{-3}));
  results::stack_capture capture;
  capture.t_ns = t0 + 3'000'000'000;
  capture.why = "the deadline came";
  capture.duration_ms = 41.5;
  capture.blocked_at = "recv (socket.py:12)";
  capture.connection = "server sent FIN 2.9 s ago";
  results::process_stacks p;
  p.pid = 4300;
  p.command = "python3 client.py";
  p.runtime = "python";
  p.tool = "py-spy dump";
  p.duration_ms = 40;
  p.threads = {{4300,
                "MainThread",
                "idle",
                true,
                {{"recv", "socket.py", 12, false}, {"main", "client.py", 0, true}}}};
  p.notes = {"a note"};
  p.raw = "Thread 4300 (idle)";
  capture.processes = {p};
  capture.sockets = {{4300, "127.0.0.1:5", "127.0.0.1:6", "CLOSE_WAIT", 1, 2, "", "sent FIN"}};
  r.diagnosis.captures = {capture};
  return r;
}

TEST(ReportReader, ReadsBackEveryRunAsReportJsonWroteIt) {
  // What merge relies on: report.json read back and written again is the same document.
  auto runs = sample_runs();
  runs.push_back(run_with_everything());
  const std::string written = render("json", runs);
  auto read = read_report(written, "report.json");
  ASSERT_TRUE(std::holds_alternative<loaded_report>(read)) << std::get<std::string>(read);
  const auto& loaded = std::get<loaded_report>(read);
  ASSERT_EQ(loaded.runs.size(), runs.size());
  EXPECT_EQ(loaded.context.seed, 42U);
  EXPECT_EQ(loaded.summary.counts.fail, 2);
  EXPECT_EQ(loaded.runs.back().headline, "interrupt_latency_ms");
  EXPECT_EQ(loaded.runs.back().started_ns, t0);
  EXPECT_EQ(render("json", loaded.runs), written);
}

TEST(ReportReader, BadInputNamesTheFileTheRunAndTheField) {
  auto doc = nlohmann::json::parse(render("json", sample_runs()));
  const auto error_of = [](const nlohmann::json& d) {
    auto read = read_report(d.dump(), "r.json");
    return std::holds_alternative<std::string>(read) ? std::get<std::string>(read)
                                                     : std::string("(read)");
  };
  EXPECT_EQ(error_of(nlohmann::json::array()), "r.json is not a wsrepro report.json");
  auto bad = doc;
  bad["runs"][1]["measurements"]["hang_ms"]["unit"] = 3;
  EXPECT_EQ(error_of(bad), "r.json: run 1: measurements.hang_ms.unit is not text");
  bad = doc;
  bad["runs"][0]["timeline"][2]["delay_ms"] = nullptr;
  EXPECT_EQ(error_of(bad),
            "r.json: run 0: timeline[2].delay_ms is not a number, text or true/false");
  bad = doc;
  bad["runs"][0]["seed"] = 1e30;
  EXPECT_EQ(error_of(bad), "r.json: run 0: seed is not a whole number >= 0");
  bad = doc;
  bad["runs"][0]["verdict"] = "passed";
  EXPECT_EQ(error_of(bad),
            "r.json: run 0: verdict is not a verdict (pass, fail, known_bug, skipped, error, "
            "unsupported)");
  bad = doc;
  bad["schema_version"] = 99;
  EXPECT_NE(error_of(bad).find("written by a newer wsrepro (schema_version 99"), std::string::npos);
  bad = doc;
  bad["runs"][0]["repetition"] = 1LL << 40;
  EXPECT_EQ(error_of(bad), "r.json: run 0: repetition is out of range");
}

}  // namespace
}  // namespace wsrepro::reports
