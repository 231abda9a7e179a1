// summary.md: the short page a CI job shows: counts, one table row per run, and details of the
// runs that need a look. It stays under GitHub's 1 MiB step-summary limit whatever the number
// of runs: repeated runs are summed up per (scenario, client) rather than listed, and each
// section has a byte budget beyond which it says what it left to report.json.

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
    case verdict::unsupported:
      return "🚫 not supported";
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
/// Budgets that keep the page under GitHub's 1 MiB job-summary limit (1,048,576 bytes): table
/// rows of runs that did not pass, of runs that passed, each failure's details, and the rows of
/// the repetition table.
constexpr std::size_t max_missed_row_bytes = 256 * std::size_t{1024};
constexpr std::size_t max_passed_row_bytes = 128 * std::size_t{1024};
constexpr std::size_t max_detail_bytes = 8 * std::size_t{1024};
constexpr std::size_t max_pair_rows = 400;
constexpr std::size_t max_matrix_rows = 400;
constexpr std::size_t max_stderr_line_chars = 300;

/// At most `limit` bytes of `text`, cut at a line end (or a UTF-8 character boundary).
std::string cut_to(std::string text, std::size_t limit) {
  if (text.size() <= limit) return text;
  std::size_t end = text.rfind('\n', limit);
  if (end == std::string::npos || end < limit / 2) {
    end = limit;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0U) == 0x80U) --end;
  }
  text.resize(end);
  return text;
}

/// Each line at most max_stderr_line_chars characters: one huge line must not fill the page.
std::string shorten_lines(std::string_view text) {
  std::string out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (line.size() > max_stderr_line_chars) {
      out += cut_to(std::string(line), max_stderr_line_chars) + " …";
    } else {
      out += line;
    }
    if (end == text.size()) break;
    out += '\n';
    start = end + 1;
  }
  return out;
}

std::string details_for(const results::run_result& r) {
  std::string head =
      "### " + inline_text(r.scenario_id) + " · " + inline_text(run_label(r)) + "\n\n";
  // Labelled, so a reason starting with `#` or `-` stays a plain paragraph. A failure's reason
  // is its unmet checks, listed below with the met ones.
  if (!r.reason.empty() && r.checks.empty()) {
    head += "**Reason:** " + inline_text(r.reason) + "\n\n";
  }
  for (const auto& c : r.checks) {
    head += std::string(c.met ? "- ✅ " : "- ❌ ") + inline_text(c.message) + "\n";
  }
  if (!r.checks.empty()) head += '\n';
  if (r.known_bug) {
    head += "Known bug " + inline_text(r.known_bug->id) + " (" + inline_text(r.known_bug->summary) +
            ") is expected here; its signature:\n\n";
    for (const auto& c : r.known_bug->checks) {
      head += std::string(c.met ? "- ✅ " : "- ❌ ") + inline_text(c.message) + "\n";
    }
    head += '\n';
  }
  if (const auto stuck = r.diagnosis.summary(); !stuck.empty()) {
    head += "**Stuck:** " + inline_text(stuck) + " (stacks in report.json)\n\n";
  }
  if (const auto connection = r.diagnosis.connection_summary(); !connection.empty()) {
    head += "**Connection:** " + inline_text(connection) + "\n\n";
  }
  // What happened when, drawn (GitHub renders Mermaid).
  const std::string chart = mermaid_gantt(r);
  std::string output;
  const auto& err = r.client_stderr;
  if (!err.data.empty()) {
    const std::string tail = clean_utf8(shorten_lines(tail_lines(err.data, stderr_tail_lines)));
    const std::string fence = fence_for(tail);
    output = "stderr (last " + std::to_string(stderr_tail_lines) + " lines";
    if (err.truncated) {
      output += " of the first " + std::to_string(err.data.size()) + " of " +
                std::to_string(err.total_bytes) + " bytes";
    }
    output += "):\n\n" + fence + "text\n" + tail + "\n" + fence + "\n\n";
  }
  // Within its budget: the chart goes first, then the output; the text is cut at a line end
  // (it holds no fence that a cut could leave open).
  const std::string more = "… (more of this run in report.json)\n\n";
  if (head.size() + chart.size() + output.size() <= max_detail_bytes) {
    return head + (chart.empty() ? "" : chart + "\n") + output;
  }
  if (head.size() + output.size() <= max_detail_bytes) return head + output + more;
  if (head.size() <= max_detail_bytes) return head + more;
  return cut_to(head, max_detail_bytes) + "\n\n" + more;
}

class markdown_reporter final : public reporter {
 public:
  explicit markdown_reporter(std::ostream& out) : out_(out) {}

  void begin(const results::report_context& context) override { repeated_ = context.repeat != 1; }

  void run_finished(const results::run_result& r) override {
    matrices_.add(r);
    pairs_.add(r);
    const bool passed = r.outcome == verdict::pass;
    // Repeated runs are summed up per pair; only the ones that did not pass are listed.
    if (passed && repeated_ && !r.flaky()) {
      ++passed_summed_up_;
      return;
    }
    const std::string verdict_text =
        r.flaky()
            ? "🔁 flaky (passed on attempt " + std::to_string(r.failed_attempts.size() + 1) + ")"
            : std::string(verdict_label(r.outcome));
    std::string row =
        "| " + verdict_text + " | " + cell(r.scenario_id) + " | " + cell(run_label(r));
    for (std::string_view name : table_measurements) row += " | " + measurement_cell(r, name);
    row += " | " + cell(cut_to(r.reason, 600)) + " |\n";
    auto& used = passed ? passed_row_bytes_ : missed_row_bytes_;
    const std::size_t budget = passed ? max_passed_row_bytes : max_missed_row_bytes;
    const bool needs_details = r.outcome == verdict::fail || r.outcome == verdict::error;
    std::string details;
    if (needs_details && ++detailed_ <= max_detailed_runs) details = details_for(r);
    if (used + row.size() > budget) {
      ++(passed ? passed_left_out_ : missed_left_out_);
      row.clear();
    } else {
      used += row.size();
    }
    if (!row.empty() || !details.empty()) {
      runs_.push_back({r.index, std::move(row), std::move(details)});
    }
  }

  void end(const results::run_summary& summary) override {
    const auto& c = summary.counts;
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.2f", summary.duration_ms / 1000.0);
    out_ << "# wsrepro report\n\n";
    out_ << "**" << c.pass << " passed"
         << (c.flaky > 0 ? " (" + std::to_string(c.flaky) + " flaky)" : std::string()) << ", "
         << c.fail << " failed**, " << plural(c.known_bug, "known bug", "known bugs") << ", "
         << c.skipped << " skipped, "
         << (c.unsupported > 0 ? std::to_string(c.unsupported) + " not supported, " : "")
         << plural(c.error, "error", "errors") << ", " << plural(c.total(), "run", "runs") << " in "
         << seconds << " s";
    if (summary.interrupted) out_ << " (interrupted)";
    out_ << "\n\n";
    for (const auto& m : matrices_.build()) write_matrix(m);
    matrices_.clear();
    write_repetitions();
    std::stable_sort(runs_.begin(), runs_.end(),
                     [](const run_entry& a, const run_entry& b) { return a.index < b.index; });
    if (repeated_ && (!runs_.empty() || missed_left_out_ > 0)) {
      out_ << "Runs that did not pass (the " << passed_summed_up_
           << " that passed are counted above; every run is in report.json):\n\n";
    }
    if (!runs_.empty()) {
      out_ << "| verdict | scenario | client";
      for (std::string_view name : table_measurements) out_ << " | " << name;
      out_ << " | reason |\n";
      out_ << "|---|---|---|---:|---:|---|---|\n";
      for (const auto& r : runs_) out_ << r.row;
      out_ << '\n';
    }
    if (missed_left_out_ + passed_left_out_ > 0) {
      out_ << "… and " << missed_left_out_ << " more runs that did not pass and "
           << passed_left_out_
           << " more that passed: this page stays under GitHub's 1 MiB limit; every run is in "
              "report.json.\n\n";
    }
    for (const auto& r : runs_) out_ << r.details;
    if (detailed_ > max_detailed_runs) {
      out_ << "… and " << detailed_ - max_detailed_runs
           << " more failed runs: their details are in report.json.\n\n";
    }
    out_.flush();
    runs_.clear();
    detailed_ = 0;
    missed_row_bytes_ = passed_row_bytes_ = 0;
    missed_left_out_ = passed_left_out_ = passed_summed_up_ = 0;
  }

 private:
  /// Only when some pair ran more than once: the missed rate with its Wilson interval.
  void write_repetitions() {
    if (pairs_.repeated()) {
      out_ << "## Repeated runs\n\n| scenario | client | runs | missed (95% CI) | headline median "
              "| seeds of missed runs (run index) |\n|---|---|---:|---|---|---|\n";
      std::size_t rows = 0;
      for (const auto& p : pairs_.pairs()) {
        if (++rows > max_pair_rows) {
          out_ << "\n… and " << pairs_.pairs().size() - max_pair_rows
               << " more (scenario, client) pairs in report.json's statistics.\n";
          break;
        }
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
    std::size_t rows = 0;
    for (const auto& row : m.rows) {
      if (++rows > max_matrix_rows) {
        out_ << "\n… and " << m.rows.size() - max_matrix_rows
             << " more rows in report.json's version_matrices.\n";
        break;
      }
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
  bool repeated_ = false;
  std::vector<run_entry> runs_;
  std::size_t detailed_ = 0;
  std::size_t missed_row_bytes_ = 0;
  std::size_t passed_row_bytes_ = 0;
  std::size_t missed_left_out_ = 0;
  std::size_t passed_left_out_ = 0;
  std::size_t passed_summed_up_ = 0;
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
