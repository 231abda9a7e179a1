// The terminal: a line per run as it finishes with its place in the plan ("[ 3/68]"; unless
// --quiet), and under a failure its cause (the reason, where the client was stuck, the last
// lines it wrote, how to replay it); on a terminal a status line with the runs under way and
// the ETA. At the end the failures (or, for repeated runs, the missed rate per pair), the
// version matrices and the totals: the whole table is in summary.md.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "format.hpp"
#include "wsrepro/reports/formats.hpp"
#include "wsrepro/reports/matrix.hpp"
#include "wsrepro/reports/progress.hpp"
#include "wsrepro/results/statistics.hpp"

namespace wsrepro::reports {

namespace {

using results::verdict;

// The measurements a run line and the table show.
constexpr std::string_view shown[] = {"hang_ms", "interrupt_latency_ms", "ended_by"};
constexpr std::size_t tail_lines = 10;  // of a failed client's stderr and stdout
constexpr std::size_t tail_line_chars = 240;
constexpr std::size_t failures_listed = 50;  // at the end; the rest are in summary.md
constexpr std::string_view indent = "          ";

bool is_failure(const results::run_result& r, bool strict) {
  return r.outcome == verdict::fail || r.outcome == verdict::error ||
         (strict && (r.outcome == verdict::skipped || r.outcome == verdict::unsupported));
}

/// A client's line made safe for a terminal: valid UTF-8, control characters shown as ^X (an
/// escape sequence in a client's output must not repaint the user's screen), at most
/// tail_line_chars long.
std::string printable(std::string_view line) {
  std::string out;
  for (const char c : line.substr(0, tail_line_chars)) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 && c != '\t') {
      out += '^';
      out += static_cast<char>(u + 0x40);
    } else if (u == 0x7F) {
      out += "^?";
    } else {
      out += c;
    }
  }
  out = clean_utf8(out);  // a character cut at the limit becomes U+FFFD
  // C1 controls (U+0080..U+009F, UTF-8 C2 80..C2 9F) include a one-character escape (CSI).
  for (std::size_t i = 0; i + 1 < out.size(); ++i) {
    const auto lead = static_cast<unsigned char>(out[i]);
    const auto next = static_cast<unsigned char>(out[i + 1]);
    if (lead == 0xC2 && next >= 0x80 && next <= 0x9F) {
      char code[8];
      std::snprintf(code, sizeof code, "<%02X>", next);
      out.replace(i, 2, code);
    }
  }
  if (line.size() > tail_line_chars) out += "...";
  return out;
}

/// The last `tail_lines` lines of what the client wrote on one stream, indented under a
/// heading; empty when it wrote nothing.
std::string output_tail(std::string_view stream, const results::captured_output& o) {
  std::string_view data = o.data;
  while (!data.empty() && (data.back() == '\n' || data.back() == '\r')) data.remove_suffix(1);
  if (data.empty()) return {};
  std::vector<std::string_view> lines;
  std::size_t end = data.size();
  std::size_t total = 1;
  for (std::size_t i = data.size(); i-- > 0;) {
    if (data[i] != '\n') continue;
    ++total;
    if (lines.size() < tail_lines) lines.push_back(data.substr(i + 1, end - i - 1));
    end = i;
  }
  if (lines.size() < tail_lines) lines.push_back(data.substr(0, end));
  std::string text = std::string(indent) + std::string(stream);
  text += lines.size() < total ? " (last " + std::to_string(lines.size()) + " of " +
                                     std::to_string(total) + " lines)"
                               : "";
  text += o.truncated ? ", cut at " + std::to_string(o.data.size()) + " of " +
                            std::to_string(o.total_bytes) + " bytes:\n"
                      : ":\n";
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    std::string_view line = *it;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    text += std::string(indent) + "| " + printable(line) + "\n";
  }
  return text;
}

/// An argument as a POSIX shell reads it back: bare when it is plain, else in single quotes.
std::string shell_quoted(const std::string& arg) {
  // `#` starts a comment only at the start of a word (REPORT#N stays bare).
  const bool plain = !arg.empty() && arg.front() != '#' &&
                     arg.find_first_not_of(
                         "abcdefghijklmnopqrstuvwxyz"
                         "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                         "0123456789@%+=:,./_#-") == std::string::npos;
  if (plain) return arg;
  std::string out = "'";
  for (const char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

/// How to make this run again, alone: `wsrepro run --replay REPORT#N`, with an ad-hoc client's
/// own options, ready to paste.
std::string replay_command(const results::run_result& r, const std::filesystem::path& report) {
  if (report.empty()) return {};
  std::string command =
      "wsrepro run --replay " + shell_quoted(report.string() + "#" + std::to_string(r.index));
  for (const auto& arg : r.replay_args) command += " " + shell_quoted(arg);
  return command;
}

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
      : out_(o.out), replay_report_(o.replay_report), quiet_(o.quiet), tty_fd_(o.tty_fd) {}

  void begin(const results::report_context& context) override {
    repeated_ = context.repeat != 1;
    strict_ = context.strict;
    failures_.clear();
    flaky_.clear();
    doubted_ = 0;
    rerun_alone_ = 0;
    failures_left_out_ = 0;
    pairs_.clear();
    matrices_.clear();
    progress_.emplace(out_, progress_settings{.tty_fd = tty_fd_});
  }

  void plan_known(const results::plan_outline& plan) override {
    if (progress_) progress_->plan(plan);
  }

  void run_started(const results::run_outline& run) override {
    if (progress_) progress_->started(run);
  }

  void run_finished(const results::run_result& r) override {
    const std::string counter = progress_ ? progress_->finished(r) : std::string();
    const bool failed = is_failure(r, strict_);
    if (!quiet_ && progress_) {
      progress_->print(counter + " " + run_line(r) + (failed ? cause(r) : std::string()) + "\n");
    }
    if (r.flaky() && flaky_.size() < failures_listed) {
      flaky_.emplace_back(
          r.index, "FLAKY     " + r.scenario_id + " on " + label(r) + attempts_line(r) + "\n");
    }
    if (failed) {
      if (failures_.size() < failures_listed) {
        failures_.emplace_back(
            r.index, pad(std::string(upper_label(r.outcome)), 10) + r.scenario_id + " on " +
                         label(r) + "\n" + std::string(indent) + r.reason + "\n" +
                         (replay_report_.empty() ? std::string()
                                                 : std::string(indent) + "replay: " +
                                                       replay_command(r, replay_report_) + "\n"));
      } else {
        ++failures_left_out_;
      }
    }
    if (r.machine && r.machine->timing_in_doubt) ++doubted_;
    if (r.machine && r.machine->rerun_alone) ++rerun_alone_;
    pairs_.add(r);
    matrices_.add(r);
  }

  void end(const results::run_summary& summary) override {
    if (progress_) progress_->stop();
    if (repeated_) {
      write_repetitions();
      write_flaky();
    } else {
      write_flaky();
      write_failures();
    }
    write_matrices();
    const auto& c = summary.counts;
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.2f", summary.duration_ms / 1000);
    out_ << "\n"
         << c.total() << (c.total() == 1 ? " run: " : " runs: ") << c.pass << " passed"
         << (c.flaky > 0 ? " (" + std::to_string(c.flaky) + " flaky)" : std::string()) << ", "
         << c.fail << " failed, " << c.known_bug << " known bugs, " << c.skipped << " skipped, "
         << (c.unsupported > 0 ? std::to_string(c.unsupported) + " not supported, " : "") << c.error
         << " errors in " << seconds << " s" << (summary.interrupted ? " (interrupted)" : "")
         << "\n";
    if (rerun_alone_ > 0) {
      out_ << rerun_alone_ << (rerun_alone_ == 1 ? " run was" : " runs were")
           << " made again alone: CPU contention had put the first attempt's timing in doubt\n";
    }
    if (doubted_ > 0) {
      out_ << doubted_ << (doubted_ == 1 ? " verdict's" : " verdicts'")
           << " timing is in doubt: waiting for a CPU may have pushed a time past its limit "
              "(fewer --jobs, or no --stress-cpu, tells the client's time from the machine's)\n";
    }
    out_.flush();
  }

 private:
  /// The client, and the repetition when runs are repeated.
  std::string label(const results::run_result& r) const {
    return repeated_ && r.repetition > 0 ? r.client + " #" + std::to_string(r.repetition)
                                         : r.client;
  }

  static std::string load_text(const results::machine_load& m) {
    std::string text;
    if (m.cpu_busy_pct) text += "CPUs " + std::to_string(std::lround(*m.cpu_busy_pct)) + "% busy, ";
    if (m.cpu_wait_pct) {
      text += "tasks waited for a CPU " + std::to_string(std::lround(*m.cpu_wait_pct)) +
              "% of the time, ";
    }
    return text + std::to_string(m.runs_at_once) + " runs at once";
  }

  static std::string verdict_text(const results::run_result& r) {
    return r.flaky() ? "FLAKY" : std::string(upper_label(r.outcome));
  }

  /// Under a run that was retried: how its attempts went, and the first failure's reason.
  static std::string attempts_line(const results::run_result& r) {
    if (r.failed_attempts.empty()) return {};
    const auto attempts = r.failed_attempts.size() + 1;
    return "\n" + std::string(indent) +
           (r.flaky() ? "passed on attempt " + std::to_string(attempts) + " of " +
                            std::to_string(attempts)
                      : std::to_string(attempts) + " attempts, none passed") +
           "; attempt 1: " + r.failed_attempts.front().reason;
  }

  std::string run_line(const results::run_result& r) const {
    std::string line = pad(verdict_text(r), 10) + pad(r.scenario_id, 40) + " " + pad(label(r), 24);
    if (r.outcome == verdict::skipped || r.outcome == verdict::error) {
      return line + " " + r.reason;
    }
    for (const auto name : shown) {
      line += " " + std::string(name) + "=" + value_text(r.find(name));
    }
    line += attempts_line(r);
    if (r.outcome == verdict::fail || r.outcome == verdict::unsupported) {
      line += "\n" + std::string(indent) + r.reason;
    }
    if (r.machine && r.machine->rerun_alone) {
      line += "\n" + std::string(indent) + "made again alone: the first attempt's timing was in " +
              "doubt under CPU contention (" + r.machine->first_attempt + ")";
    } else if (r.machine && r.machine->timing_in_doubt) {
      line += "\n" + std::string(indent) + "timing in doubt: waiting for a CPU may have pushed " +
              "a time past its limit (" + load_text(*r.machine) + ")";
    }
    if (const auto stuck = r.diagnosis.summary(); !stuck.empty()) {
      line += "\n" + std::string(indent) + "stuck: " + stuck;
    }
    if (const auto connection = r.diagnosis.connection_summary(); !connection.empty()) {
      line += "\n" + std::string(indent) + "connection: " + connection;
    }
    return line;
  }

  /// Under a failed run's line: the last lines the client wrote and how to replay the run.
  std::string cause(const results::run_result& r) const {
    std::string text =
        "\n" + output_tail("stderr", r.client_stderr) + output_tail("stdout", r.client_stdout);
    if (const auto replay = replay_command(r, replay_report_); !replay.empty()) {
      text += std::string(indent) + "replay: " + replay + "\n";
    }
    if (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
  }

  void write_flaky() {
    if (flaky_.empty()) return;
    std::sort(flaky_.begin(), flaky_.end());
    out_ << "\n"
         << flaky_.size() << (flaky_.size() == 1 ? " run was" : " runs were")
         << " flaky (failed, then passed on a retry):\n";
    for (const auto& f : flaky_) out_ << f.second;
  }

  void write_failures() {
    if (failures_.empty()) return;
    const std::size_t count = failures_.size() + failures_left_out_;
    out_ << "\n" << count << (count == 1 ? " run failed" : " runs failed") << ":\n";
    std::sort(failures_.begin(), failures_.end());
    for (const auto& f : failures_) out_ << f.second;
    if (failures_left_out_ > 0) {
      out_ << "and " << failures_left_out_ << " more (see summary.md and report.json)\n";
    }
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
        out_ << "    missed: seed " << p.missed[k].seed;
        if (!replay_report_.empty()) {
          out_ << ", replay with --replay " << replay_report_.string() << "#" << p.missed[k].index;
        }
        out_ << "\n";
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
  std::filesystem::path replay_report_;
  bool quiet_;
  int tty_fd_;
  bool repeated_ = false;
  bool strict_ = false;
  std::optional<run_progress> progress_;
  /// The first failures_listed (plan index, text), listed at the end in plan order.
  std::vector<std::pair<std::size_t, std::string>> failures_;
  std::vector<std::pair<std::size_t, std::string>> flaky_;  ///< listed before the failures
  int doubted_ = 0;      ///< verdicts whose timing is in doubt (CPU contention)
  int rerun_alone_ = 0;  ///< runs made again alone because their timing was in doubt
  std::size_t failures_left_out_ = 0;
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
                                     "the terminal: a line per run with its progress and, under a "
                                     "failure, its cause; then the failures, repetition rates, "
                                     "version matrices and totals",
                                     {},
                                     true,
                                     wsrepro::reports::make});
}
