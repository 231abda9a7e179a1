// report.html without a browser: the page's structure, its data island (report.json's documents,
// parsed back), the escaping of hostile client output, the script's hash in the policy, and the
// budget that keeps a page of many runs small. tests/html_browser_test.cpp loads real reports
// in Chromium.

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "wsrepro/reports/formats.hpp"

namespace wsrepro::reports {
namespace {

using results::run_result;
using results::verdict;

constexpr mono_ns t0 = 5'000'000'000'000;

// What a hostile client prints: markup that would run if the page ever treated it as HTML.
constexpr std::string_view hostile =
    "</script><script>document.title='PWNED'</script><img src=x onerror=alert(1)>"
    "<!-- ]]> \u2028 & &amp; \"quoted\" \xff";

run_result hostile_run(std::size_t index, verdict v) {
  run_result r;
  r.scenario_id = "fault.silent_drop";
  r.scenario_title = "<b>title</b>";
  r.category = "fault";
  r.client = "hostile";
  r.client_name = "hostile";
  r.index = index;
  r.outcome = v;
  r.reason = std::string(hostile);
  r.started_ns = t0;
  r.duration_ms = 1500;
  results::measurement hang;
  hang.name = "hang_ms";
  hang.unit = "ms";
  hang.status = results::measurement_status::measured;
  hang.value = 1200;
  hang.from_event = "server.fault";
  hang.to_event = "client.exit";
  hang.span_from_ns = t0 + 100'000'000;
  hang.span_to_ns = t0 + 1'300'000'000;
  r.measurements = {hang};
  r.checks = {{"hang_ms", "<= 1000", "1200", false, "hang_ms 1200 ms is above 1000 ms"}};
  event fault;
  fault.t_ns = t0 + 100'000'000;
  fault.source = "server";
  fault.kind = "fault";
  r.timeline = {fault};
  r.client_stdout = {std::string(hostile), hostile.size(), false};
  return r;
}

std::string render_html(const std::vector<run_result>& runs) {
  std::ostringstream out;
  auto reporter = find_format("html")->make({out, {}, false, -1, {}});
  results::report_context context;
  context.command_line = "wsrepro run <script>";
  reporter->begin(context);
  results::run_summary summary;
  for (const auto& r : runs) {
    reporter->run_finished(r);
    summary.counts.add(r.outcome);
  }
  reporter->end(summary);
  return out.str();
}

std::size_t count(const std::string& text, std::string_view needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

nlohmann::json island(const std::string& page) {
  const std::string open = R"(<script id="wsrepro-data" type="application/json">)";
  const auto from = page.find(open) + open.size();
  const auto to = page.find("</script>", from);
  return nlohmann::json::parse(page.substr(from, to - from));
}

TEST(HtmlReport, IsOnePageWithTheDataIslandAndTheScriptAndNothingToFetch) {
  const std::string page = render_html({hostile_run(0, verdict::fail)});
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(page.find("Content-Security-Policy"), std::string::npos);
  EXPECT_NE(page.find("default-src 'none'"), std::string::npos);
  EXPECT_NE(page.find("script-src 'sha256-"), std::string::npos);
  EXPECT_NE(page.find("id=\"report\""), std::string::npos);
  // No address outside the page: no http(s) URL in a src or href.
  EXPECT_EQ(page.find("src=\"http"), std::string::npos);
  EXPECT_EQ(page.find("href=\"http"), std::string::npos);
}

TEST(HtmlReport, HostileOutputCannotEndTheDataIslandAndParsesBackUnchanged) {
  const std::string page = render_html({hostile_run(0, verdict::fail)});
  // Exactly the page's two script elements: the island and the script.
  EXPECT_EQ(count(page, "<script"), 2u);
  EXPECT_EQ(count(page, "</script>"), 2u);
  EXPECT_EQ(count(page, "<img"), 0u);
  EXPECT_EQ(count(page, "<!--"), 0u);
  const auto data = island(page);
  ASSERT_EQ(data["runs"].size(), 1u);
  const auto& run = data["runs"][0];
  EXPECT_EQ(run["output"]["stdout"]["data"].get<std::string>().substr(0, 20),
            std::string(hostile.substr(0, 20)));
  EXPECT_EQ(run["title"], "<b>title</b>");
  EXPECT_EQ(data["context"]["command_line"], "wsrepro run <script>");
}

TEST(HtmlReport, CarriesEachRunsIndexHeadlineAndMeasurementSpan) {
  const auto data =
      island(render_html({hostile_run(1, verdict::fail), hostile_run(0, verdict::pass)}));
  ASSERT_EQ(data["runs"].size(), 2u);
  EXPECT_EQ(data["runs"][0]["index"], 0);  // plan order, not the order they finished in
  EXPECT_EQ(data["runs"][1]["index"], 1);
  EXPECT_EQ(data["runs"][0]["headline"], "hang_ms");
  const auto span = data["runs"][0]["measurements"]["hang_ms"]["span_ms"];
  ASSERT_EQ(span.size(), 2u);
  EXPECT_DOUBLE_EQ(span[0].get<double>(), 100.0);
  EXPECT_DOUBLE_EQ(span[1].get<double>(), 1300.0);
  EXPECT_EQ(data["summary"]["fail"], 1);
}

TEST(HtmlReport, LeavesOutTheBulkOfRunsPastItsBudgetButKeepsTheirVerdicts) {
  std::vector<run_result> runs;
  for (std::size_t i = 0; i < 12; ++i) {
    run_result r = hostile_run(i, verdict::pass);
    r.client_stdout.data.assign(std::size_t{1024} * 1024, 'x');  // 1 MiB each: 12 MiB > 8 MiB
    runs.push_back(r);
  }
  run_result failed = hostile_run(12, verdict::fail);
  failed.client_stdout.data.assign(std::size_t{1024} * 1024, 'y');
  runs.push_back(failed);
  const auto data = island(render_html(runs));
  ASSERT_EQ(data["runs"].size(), 13u);
  const auto left_out = std::count_if(data["runs"].begin(), data["runs"].end(),
                                      [](const auto& r) { return r.contains("details_left_out"); });
  EXPECT_GE(left_out, 4);
  EXPECT_LE(left_out, 6);
  EXPECT_TRUE(data["runs"][0].contains("output"));
  EXPECT_FALSE(data["runs"][11].contains("output"));
  EXPECT_EQ(data["runs"][11]["verdict"], "pass");
  EXPECT_TRUE(data["runs"][11]["measurements"].contains("hang_ms"));
  // The failed run has its own, larger budget: the passes did not use it up.
  EXPECT_TRUE(data["runs"][12].contains("output"));
}

}  // namespace
}  // namespace wsrepro::reports
