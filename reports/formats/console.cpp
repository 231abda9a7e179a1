// The terminal: a line per run as it finishes (unless --quiet), then the verdict table (or, for
// repeated runs, the missed rate per pair and how to replay the runs that missed), the version
// matrices and the totals.

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "format.hpp"
#include "wsrepro/reports/formats.hpp"
#include "wsrepro/reports/matrix.hpp"
#include "wsrepro/results/statistics.hpp"

namespace wsrepro::reports {

namespace {

using results::verdict;

// The measurements a run line and the table show.
constexpr std::string_view shown[] = {"hang_ms", "interrupt_latency_ms", "ended_by"};

std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

std::string value_text(const results::measurement* m) {
  if (m == nullptr || m->status != results::measurement_status::measured) return "-";
  if (m->text) return *m->text;
  char buf[48];
  std::snprintf(buf, sizeof buf, m->unit == "ms" ? "%s%.1f" : "%s%.0f", m->lower_bound ? ">=" : "",
                *m->value);
  return buf;
}

class console_reporter final : public reporter {
 public:
  explicit console_reporter(const format_output& o)
      : out_(o.out), out_dir_(o.out_dir), quiet_(o.quiet) {}

  void begin(const results::report_context& context) override {
    repeated_ = context.repeat != 1;
    rows_.clear();
    pairs_.clear();
    matrices_.clear();
  }

  void run_finished(const results::run_result& r) override {
    if (!quiet_) out_ << run_line(r) << std::endl;
    std::string row = pad(std::string(upper_label(r.outcome)), 10) + pad(r.scenario_id, 40) + " " +
                      pad(r.client, 24) + " " + pad(value_text(r.find(shown[0])), 10) +
                      pad(value_text(r.find(shown[1])), 22) + value_text(r.find(shown[2]));
    rows_.emplace_back(r.index, std::move(row));
    pairs_.add(r);
    matrices_.add(r);
  }

  void end(const results::run_summary& summary) override {
    if (repeated_) {
      write_repetitions();
    } else {
      write_table();
    }
    write_matrices();
    const auto& c = summary.counts;
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.2f", summary.duration_ms / 1000);
    out_ << "\n"
         << c.total() << (c.total() == 1 ? " run: " : " runs: ") << c.pass << " passed, " << c.fail
         << " failed, " << c.known_bug << " known bugs, " << c.skipped << " skipped, " << c.error
         << " errors in " << seconds << " s" << (summary.interrupted ? " (interrupted)" : "")
         << "\n";
    out_.flush();
  }

 private:
  static std::string run_line(const results::run_result& r) {
    std::string line = pad(std::string(upper_label(r.outcome)), 10) + pad(r.scenario_id, 40) + " " +
                       pad(r.client, 24);
    if (r.outcome == verdict::skipped || r.outcome == verdict::error) return line + " " + r.reason;
    for (const auto name : shown) {
      line += " " + std::string(name) + "=" + value_text(r.find(name));
    }
    if (r.outcome == verdict::fail) line += "\n          " + r.reason;
    if (const auto stuck = r.diagnosis.summary(); !stuck.empty()) {
      line += "\n          stuck: " + stuck;
    }
    if (const auto connection = r.diagnosis.connection_summary(); !connection.empty()) {
      line += "\n          connection: " + connection;
    }
    return line;
  }

  void write_table() {
    std::sort(rows_.begin(), rows_.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    out_ << "\n"
         << pad("verdict", 10) << pad("scenario", 40) << " " << pad("client", 24) << " "
         << pad("hang_ms", 10) << pad("interrupt_latency_ms", 22) << "ended_by\n";
    for (const auto& row : rows_) out_ << row.second << "\n";
  }

  /// Per (scenario, client): the runs, the missed rate with its 95% Wilson interval, the
  /// headline's median, and how to replay the first runs that missed.
  void write_repetitions() {
    out_ << "\n"
         << pad("scenario", 40) << " " << pad("client", 24) << " " << pad("runs", 6)
         << pad("missed (95% CI)", 30) << "median\n";
    for (const auto& p : pairs_.pairs()) {
      std::string rate = "-";
      if (const auto ci = p.missed_rate()) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%zu/%zu %.0f%% [%.0f%%, %.0f%%]", p.missed.size(),
                      p.judged(), ci->rate * 100, ci->low * 100, ci->high * 100);
        rate = buf;
      }
      std::string median = "-";
      if (const auto m = p.headline_median()) {
        char buf[48];
        std::snprintf(buf, sizeof buf, " %.1f", *m);
        median = p.headline + buf;
      }
      out_ << pad(p.scenario, 40) << " " << pad(p.client, 24) << " "
           << pad(std::to_string(p.outcomes.total()), 6) << pad(rate, 30) << median << "\n";
      for (std::size_t k = 0; k < p.missed.size() && k < 3; ++k) {
        out_ << "    missed: seed " << p.missed[k].seed << ", replay with --replay "
             << (out_dir_ / "report.json").string() << "#" << p.missed[k].index << "\n";
      }
    }
  }

  void write_matrices() {
    for (const auto& m : matrices_.build()) {
      std::string runtimes;
      for (const auto& rt : m.runtimes) runtimes += (runtimes.empty() ? "" : ", ") + rt;
      out_ << "\n"
           << m.library << " by version" << (runtimes.empty() ? "" : " (" + runtimes + ")")
           << "; BUG = known bug reproduced, as expected on that version:\n"
           << render_matrix_text(m);
    }
  }

  std::ostream& out_;
  std::filesystem::path out_dir_;
  bool quiet_;
  bool repeated_ = false;
  std::vector<std::pair<std::size_t, std::string>> rows_;  ///< plan index, table row
  results::run_statistics pairs_;
  matrix_collector matrices_;
};

std::unique_ptr<reporter> make(const format_output& o) {
  return std::make_unique<console_reporter>(o);
}

}  // namespace

}  // namespace wsrepro::reports

void wsrepro_register_format_console() {
  wsrepro::reports::register_format({"console",
                                     "",
                                     "the terminal: a line per run, then the verdicts, repetition "
                                     "rates, version matrices and totals",
                                     {},
                                     true,
                                     wsrepro::reports::make});
}
