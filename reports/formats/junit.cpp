// junit.xml: one testsuite per scenario, one testcase per run, for CI test-result pages.

#include <algorithm>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "format.hpp"
#include "wsrepro/common/files.hpp"
#include "wsrepro/reports/formats.hpp"
#include "xml_writer.hpp"

namespace wsrepro::reports {

namespace {

using results::verdict;

/// "[ok] hang_ms = 1.2 ms (expected <= 1000)"
std::string check_line(const results::run_result& r, const results::check& c) {
  std::string line = c.met ? "[ok] " : "[FAILED] ";
  line += c.measurement + " = " + c.actual;
  // Only a measured value has a unit; "count" and "code" would just be noise after a number.
  const results::measurement* m = r.find(c.measurement);
  if (m != nullptr && m->status == results::measurement_status::measured && !m->unit.empty() &&
      m->unit != "count" && m->unit != "code") {
    line += " " + m->unit;
  }
  line += " (expected " + c.expected + ")";
  return line;
}

std::string output_text(const results::captured_output& o) {
  std::string text = o.data;
  if (o.truncated) {
    if (!text.empty() && text.back() != '\n') text += '\n';
    text += "[wsrepro: output truncated, " + std::to_string(o.data.size()) + " of " +
            std::to_string(o.total_bytes) + " bytes captured]\n";
  }
  return text;
}

/// One <testsuite>: its testcases are rendered as they finish, the counts summed for the header.
struct suite {
  std::string name;
  results::run_counts counts;
  double duration_ms = 0;
  std::vector<std::pair<std::uint64_t, std::size_t>> testcases;  ///< in the spool
};

void write_counts(xml_writer& w, const results::run_counts& c, double duration_ms) {
  w.attribute("tests", std::to_string(c.total()));
  w.attribute("failures", std::to_string(c.fail));
  w.attribute("errors", std::to_string(c.error));
  w.attribute("skipped", std::to_string(c.skipped + c.unsupported));
  w.attribute("time", format_seconds(duration_ms));
}

void write_testcase(xml_writer& w, const results::run_result& r) {
  w.start("testcase");
  w.attribute("classname", r.scenario_id);
  w.attribute("name", run_label(r));
  w.attribute("time", format_seconds(r.duration_ms));

  w.start("properties");
  w.empty("property", {{"name", "verdict"}, {"value", results::to_string(r.outcome)}});
  if (r.known_bug) w.empty("property", {{"name", "known_bug"}, {"value", r.known_bug->id}});
  for (const auto& m : r.measurements) {
    if (m.status != results::measurement_status::measured) continue;
    // A value the harness cut short is only a lower bound: say so, as every other report does.
    const std::string value = (m.lower_bound ? ">= " : "") + measurement_value_text(m);
    w.empty("property", {{"name", m.name}, {"value", value}});
  }
  w.end();

  switch (r.outcome) {
    case verdict::fail: {
      std::string message;
      std::string body;
      for (const auto& c : r.checks) {
        if (!c.met) message += (message.empty() ? "" : "; ") + c.message;
        body += check_line(r, c) + "\n";
      }
      // A failure without an unmet check (leaked processes, say) still needs a message.
      if (message.empty()) message = r.reason;
      if (body.empty()) body = r.reason + "\n";
      w.start("failure");
      w.attribute("message", message);
      w.attribute("type", "expectation");
      w.text(body);
      w.end();
      break;
    }
    case verdict::error:
      w.empty("error", {{"message", r.reason}, {"type", "harness"}});
      break;
    case verdict::skipped:
    case verdict::unsupported:  // not judged: JUnit's nearest is a skip, with the reason
      w.empty("skipped", {{"message", r.reason}});
      break;
    case verdict::pass:
    case verdict::known_bug:  // passes: the bug is expected; the verdict property says which
      break;
  }
  // --retries, as Maven Surefire writes reruns: the attempts that failed before a pass make it
  // flaky (flakyFailure, flakyError); before a failure they are reruns (rerunFailure, ...).
  const bool passed = r.outcome == verdict::pass;
  for (const auto& a : r.failed_attempts) {
    const bool error = a.outcome == verdict::error;
    const char* tag =
        passed ? (error ? "flakyError" : "flakyFailure") : (error ? "rerunError" : "rerunFailure");
    w.empty(tag, {{"message", a.reason}, {"type", error ? "harness" : "expectation"}});
  }

  for (const auto& [tag, output] :
       {std::pair{"system-out", &r.client_stdout}, std::pair{"system-err", &r.client_stderr}}) {
    if (output->data.empty() && !output->truncated) continue;
    w.start(tag);
    w.text(output_text(*output));
    w.end();
  }
  w.end();
}

class junit_reporter final : public reporter {
 public:
  junit_reporter(std::ostream& out, std::unique_ptr<spool> testcases)
      : out_(out), spool_(std::move(testcases)) {}

  void begin(const results::report_context&) override {}

  void run_finished(const results::run_result& result) override {
    const auto [slot, added] = suite_index_.try_emplace(result.scenario_id, suites_.size());
    if (added) suites_.push_back({result.scenario_id, {}, 0, {}});
    const auto it = suites_.begin() + static_cast<std::ptrdiff_t>(slot->second);
    it->counts.add(result.outcome);
    it->duration_ms += result.duration_ms;
    // Rendered now (at testsuite depth) and spooled: the reporter keeps where, not what.
    std::ostringstream fragment;
    xml_writer w(fragment, 2);
    write_testcase(w, result);
    const std::string text = fragment.str();
    it->testcases.emplace_back(spool_->append(text), text.size());
  }

  void end(const results::run_summary& summary) override {
    // The totals are summed from the testcases written, so the document is self-consistent.
    results::run_counts total;
    for (const auto& s : suites_) {
      total.pass += s.counts.pass;
      total.fail += s.counts.fail;
      total.known_bug += s.counts.known_bug;
      total.skipped += s.counts.skipped;
      total.error += s.counts.error;
    }
    xml_writer w(out_);
    w.declaration();
    w.start("testsuites");
    w.attribute("name", "wsrepro");
    write_counts(w, total, summary.duration_ms);
    for (const auto& s : suites_) {
      w.start("testsuite");
      w.attribute("name", s.name);
      write_counts(w, s.counts, s.duration_ms);
      for (const auto& [offset, size] : s.testcases) w.fragment(spool_->read(offset, size));
      w.end();
    }
    w.end();
    out_.flush();
    suites_.clear();
    suite_index_.clear();
  }

 private:
  std::ostream& out_;
  std::unique_ptr<spool> spool_;
  std::vector<suite> suites_;
  std::map<std::string, std::size_t> suite_index_;  ///< scenario -> its suite in suites_
};

std::unique_ptr<reporter> make(const format_output& o) {
  return std::make_unique<junit_reporter>(
      o.out, o.out_dir.empty() ? make_memory_spool() : make_anonymous_spool(o.out_dir));
}

}  // namespace

}  // namespace wsrepro::reports

void wsrepro_register_format_junit() {
  wsrepro::reports::register_format({"junit",
                                     "junit.xml",
                                     "JUnit XML: a testsuite per scenario, a testcase per run",
                                     {},
                                     true,
                                     wsrepro::reports::make});
}
