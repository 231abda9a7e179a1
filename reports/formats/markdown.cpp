// summary.md: the short page a CI job shows: counts, one table row per run, and details of the
// runs that need a look.

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "format.hpp"
#include "mermaid.hpp"
#include "wsrepro/common/statistics.hpp"
#include "wsrepro/reports/formats.hpp"
#include "wsrepro/reports/matrix.hpp"
#include "wsrepro/results/statistics.hpp"

namespace wsrepro::reports {

namespace {

using results::verdict;

constexpr std::string_view none = "–";  // en dash: the value was not measured

// The measurements the table shows, one column each.
constexpr std::string_view table_measurements[] = {"hang_ms", "interrupt_latency_ms", "ended_by"};

constexpr std::size_t stderr_tail_lines = 20;

std::string_view verdict_label(verdict v) {
  switch (v) {
    case verdict::pass:
      return "✅ pass";
    case verdict::fail:
      return "❌ fail";
    case verdict::known_bug:
      return "🐞 known bug";
    case verdict::skipped:
      return "⏭ skipped";
    case verdict::error:
      return "⚠️ error";
  }
  return "⚠️ error";
}

/// Inline text: one line, and no HTML a renderer would interpret.
std::string inline_text(std::string_view raw) {
  std::string out;
  for (char c : clean_utf8(raw)) {
    switch (c) {
      case '\n':
      case '\r':
      case '\t':
        out += ' ';
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

/// A table cell: inline text with `|` escaped, which would otherwise end the cell.
std::string cell(std::string_view raw) {
  std::string out;
  for (char c : inline_text(raw)) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out.empty() ? std::string(none) : out;
}

std::string measurement_cell(const results::run_result& r, std::string_view name) {
  const results::measurement* m = r.find(name);
  if (m == nullptr || m->status != results::measurement_status::measured) {
    return std::string(none);
  }
  // A forced stop (deadline kill) only bounds the value from below.
  return (m->lower_bound ? "≥ " : "") + cell(measurement_value_text(*m));
}

std::string plural(int n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

/// The last lines of the captured output (which is the first bytes the client wrote).
std::string tail_lines(std::string_view text, std::size_t count) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  std::size_t start = text.size();
  for (std::size_t lines = 0; start > 0; --start) {
    if (text[start - 1] == '\n' && ++lines == count) break;
  }
  return std::string(text.substr(start));
}

/// A fence longer than any backtick run in the text, so the text can't close it.
std::string fence_for(std::string_view text) {
  std::size_t longest = 0, run = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return std::string(std::max<std::size_t>(3, longest + 1), '`');
}

/// What the reporter keeps of each run: the table row, and the details of a failed run.
struct run_entry {
  std::size_t index;  ///< the run's place in the plan: rows are listed in this order
  std::string row;
  std::string details;  // empty unless the run failed or errored
};

/// Details beyond this many failed runs are left to report.json: the page stays short, and the
/// reporter's memory does not grow with a long run of failures.
constexpr std::size_t max_detailed_runs = 50;

std::string details_for(const results::run_result& r) {
  std::string out =
      "### " + inline_text(r.scenario_id) + " · " + inline_text(run_label(r)) + "\n\n";
  // Labelled, so a reason starting with `#` or `-` stays a plain paragraph. A failure's reason
  // is its unmet checks, listed below with the met ones.
  if (!r.reason.empty() && r.checks.empty()) out += "**Reason:** " + inline_text(r.reason) + "\n\n";
  for (const auto& c : r.checks) {
    out += std::string(c.met ? "- ✅ " : "- ❌ ") + inline_text(c.message) + "\n";
  }
  if (!r.checks.empty()) out += '\n';
  if (r.known_bug) {
    out += "Known bug " + inline_text(r.known_bug->id) + " (" + inline_text(r.known_bug->summary) +
           ") is expected here; its signature:\n\n";
    for (const auto& c : r.known_bug->checks) {
      out += std::string(c.met ? "- ✅ " : "- ❌ ") + inline_text(c.message) + "\n";
    }
    out += '\n';
  }
  // What happened when, drawn (GitHub renders Mermaid).
  if (const auto chart = mermaid_gantt(r); !chart.empty()) out += chart + "\n";
  if (const auto stuck = r.diagnosis.summary(); !stuck.empty()) {
    out += "**Stuck:** " + inline_text(stuck) + " (stacks in report.json)\n\n";
  }
  if (const auto connection = r.diagnosis.connection_summary(); !connection.empty()) {
    out += "**Connection:** " + inline_text(connection) + "\n\n";
  }
  const auto& err = r.client_stderr;
  if (!err.data.empty()) {
    const std::string tail = clean_utf8(tail_lines(err.data, stderr_tail_lines));
    const std::string fence = fence_for(tail);
    out += "stderr (last " + std::to_string(stderr_tail_lines) + " lines";
    if (err.truncated) {
      out += " of the first " + std::to_string(err.data.size()) + " of " +
             std::to_string(err.total_bytes) + " bytes";
    }
    out += "):\n\n" + fence + "text\n" + tail + "\n" + fence + "\n\n";
  }
  return out;
}

class markdown_reporter final : public reporter {
 public:
  explicit markdown_reporter(std::ostream& out) : out_(out) {}

  void begin(const results::report_context&) override {}

  void run_finished(const results::run_result& r) override {
    std::string row = "| " + std::string(verdict_label(r.outcome)) + " | " + cell(r.scenario_id) +
                      " | " + cell(run_label(r));
    for (std::string_view name : table_measurements) row += " | " + measurement_cell(r, name);
    row += " | " + cell(r.reason) + " |\n";
    const bool needs_details = r.outcome == verdict::fail || r.outcome == verdict::error;
    std::string details;
    if (needs_details && ++detailed_ <= max_detailed_runs) details = details_for(r);
    runs_.push_back({r.index, std::move(row), std::move(details)});
    matrices_.add(r);
    pairs_.add(r);
  }

  void end(const results::run_summary& summary) override {
    const auto& c = summary.counts;
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.2f", summary.duration_ms / 1000.0);
    out_ << "# wsrepro report\n\n";
    out_ << "**" << c.pass << " passed, " << c.fail << " failed**, "
         << plural(c.known_bug, "known bug", "known bugs") << ", " << c.skipped << " skipped, "
         << plural(c.error, "error", "errors") << ", " << plural(c.total(), "run", "runs") << " in "
         << seconds << " s";
    if (summary.interrupted) out_ << " (interrupted)";
    out_ << "\n\n";
    for (const auto& m : matrices_.build()) write_matrix(m);
    matrices_.clear();
    write_repetitions();
    std::stable_sort(runs_.begin(), runs_.end(),
                     [](const run_entry& a, const run_entry& b) { return a.index < b.index; });
    if (!runs_.empty()) {
      out_ << "| verdict | scenario | client";
      for (std::string_view name : table_measurements) out_ << " | " << name;
      out_ << " | reason |\n";
      out_ << "|---|---|---|---:|---:|---|---|\n";
      for (const auto& r : runs_) out_ << r.row;
      out_ << '\n';
    }
    for (const auto& r : runs_) out_ << r.details;
    if (detailed_ > max_detailed_runs) {
      out_ << "… and " << detailed_ - max_detailed_runs
           << " more failed runs: their details are in report.json.\n\n";
    }
    out_.flush();
    runs_.clear();
    detailed_ = 0;
  }

 private:
  /// Only when some pair ran more than once: the missed rate with its Wilson interval.
  void write_repetitions() {
    if (pairs_.repeated()) {
      out_ << "## Repeated runs\n\n| scenario | client | runs | missed (95% CI) | headline median "
              "| seeds of missed runs (run index) |\n|---|---|---:|---|---|---|\n";
      for (const auto& p : pairs_.pairs()) {
        std::string rate = none.data();
        if (const auto ci = p.missed_rate()) {
          char buf[96];
          std::snprintf(buf, sizeof buf, "%zu/%zu, %.0f%% [%.0f%%, %.0f%%]", p.missed.size(),
                        p.judged(), ci->rate * 100, ci->low * 100, ci->high * 100);
          rate = buf;
        }
        std::string median = std::string(none);
        if (const auto m = p.headline_median()) median = p.headline + " " + format_number(*m);
        std::string seeds;
        for (std::size_t k = 0; k < p.missed.size() && k < 5; ++k) {
          seeds += (k ? ", " : "") + std::to_string(p.missed[k].seed) + " (" +
                   std::to_string(p.missed[k].index) + ")";
        }
        if (p.missed.size() > 5) seeds += ", …";
        out_ << "| " << cell(p.scenario) << " | " << cell(p.client) << " | " << p.outcomes.total()
             << " | " << rate << " | " << cell(median) << " | " << cell(seeds) << " |\n";
      }
      out_ << "\n";
    }
    pairs_.clear();
  }

  /// Bug x version: BUG where a known bug reproduced, ok where the expectation held.
  void write_matrix(const version_matrix& m) {
    out_ << "## " << inline_text(m.library) << " by version";
    if (!m.runtimes.empty()) {
      std::string runtimes;
      for (const auto& r : m.runtimes) runtimes += (runtimes.empty() ? "" : ", ") + r;
      out_ << " (" << inline_text(runtimes) << ")";
    }
    out_ << "\n\n| scenario | client | shows";
    for (const auto& v : m.versions) out_ << " | " << cell(v);
    out_ << " |\n|---|---|---";
    for (std::size_t i = 0; i < m.versions.size(); ++i) out_ << "|---";
    out_ << "|\n";
    for (const auto& row : m.rows) {
      out_ << "| " << cell(row.scenario_id) << " | " << cell(row.client_name) << " | "
           << cell(row.headline);
      for (const auto& c : row.cells) {
        out_ << " | "
             << (c.present ? cell(c.outcome == verdict::known_bug ? "**" + c.text + "**" : c.text)
                           : std::string(none));
      }
      out_ << " |\n";
    }
    out_ << "\nBUG: a known bug reproduced, as the scenario expects on that version; ok: the "
            "expectation held; FAIL: neither.\n\n";
  }

  std::ostream& out_;
  std::vector<run_entry> runs_;
  std::size_t detailed_ = 0;
  matrix_collector matrices_;
  results::run_statistics pairs_;
};

std::unique_ptr<reporter> make(const format_output& o) {
  return std::make_unique<markdown_reporter>(o.out);
}

}  // namespace

}  // namespace wsrepro::reports

void wsrepro_register_format_markdown() {
  wsrepro::reports::register_format({"markdown",
                                     "summary.md",
                                     "a summary for people: verdicts, failures with their "
                                     "evidence, repetitions and version matrices",
                                     {},
                                     true,
                                     wsrepro::reports::make});
}
