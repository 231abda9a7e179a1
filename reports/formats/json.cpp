// report.json: everything the harness knows about every run, for tools and for diffing runs.

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "format.hpp"
#include "report_json.hpp"
#include "wsrepro/common/files.hpp"
#include "wsrepro/reports/formats.hpp"
#include "wsrepro/reports/matrix.hpp"
#include "wsrepro/results/statistics.hpp"

namespace wsrepro::reports {

namespace {

/// Where a finished run's document sits in the journal.
struct journal_entry {
  std::size_t index;  ///< the run's place in the plan: report.json lists runs in this order
  std::uint64_t offset;
  std::size_t size;
};

// Stands for the runs in the document while it is dumped; the runs are streamed in its place.
constexpr std::string_view runs_placeholder = "\x01wsrepro-runs\x01";

class json_reporter final : public reporter {
 public:
  json_reporter(std::ostream& out, std::unique_ptr<spool> journal)
      : out_(out), journal_(std::move(journal)) {}

  void begin(const results::report_context& context) override {
    context_ = context;
    // The journal's first line says whose runs follow, so a journal a killed wsrepro left behind
    // explains itself.
    json header = context_json(context_);
    header["journal"] = "wsrepro runs, one JSON object per line, as each run finished";
    journal_->append(dump_compact(header) + "\n");
  }

  void run_finished(const results::run_result& result) override {
    // Written to the journal at once: the reporter keeps where it is, not the document.
    const std::string line = dump_compact(run_json(result)) + "\n";
    const std::uint64_t offset = journal_->append(line);
    entries_.push_back({result.index, offset, line.size() - 1});
    matrices_.add(result);
    stats_.add(result);
  }

  void end(const results::run_summary& summary) override {
    json doc = context_json(context_);
    doc["runs"] = runs_placeholder;
    doc["summary"] = summary_json(summary);
    json statistics = json::array();
    for (const auto& p : stats_.pairs()) statistics.push_back(pair_json(p));
    doc["statistics"] = std::move(statistics);
    json matrices = matrices_json(matrices_.build());
    if (!matrices.empty()) doc["version_matrices"] = std::move(matrices);
    matrices_.clear();
    // Client output is arbitrary bytes: replace invalid UTF-8 rather than throw.
    const std::string text = doc.dump(2, ' ', false, json::error_handler_t::replace);
    const std::string marker = "\"runs\": " + json(runs_placeholder).dump();
    const auto at = text.find(marker);
    out_ << text.substr(0, at);
    write_runs();
    out_ << text.substr(at + marker.size()) << '\n';
    out_.flush();
    entries_.clear();
    stats_.clear();
  }

 private:
  /// `"runs": [...]` at the document's second level, one run at a time from the journal, in plan
  /// order, formatted as the rest of the document.
  void write_runs() {
    std::stable_sort(
        entries_.begin(), entries_.end(),
        [](const journal_entry& a, const journal_entry& b) { return a.index < b.index; });
    out_ << "\"runs\": [";
    if (entries_.empty()) {
      out_ << "]";
      return;
    }
    bool first = true;
    for (const auto& e : entries_) {
      out_ << (first ? "\n" : ",\n") << "    ";
      write_indented_json(out_, journal_->read(e.offset, e.size), 2);
      first = false;
    }
    out_ << "\n  ]";
  }

  std::ostream& out_;
  std::unique_ptr<spool> journal_;
  results::report_context context_;
  std::vector<journal_entry> entries_;
  results::run_statistics stats_;
  matrix_collector matrices_;
};

std::unique_ptr<reporter> make(const format_output& o) {
  // The journal lives in --out beside report.json, so a killed wsrepro leaves the finished runs.
  return std::make_unique<json_reporter>(
      o.out, o.out_dir.empty() ? make_memory_spool() : make_file_spool(o.out_dir / "runs.jsonl"));
}

}  // namespace

}  // namespace wsrepro::reports

void wsrepro_register_format_json() {
  wsrepro::reports::register_format({"json",
                                     "report.json",
                                     "everything known about every run, for tools and diffs",
                                     {"runs.jsonl"},
                                     true,
                                     wsrepro::reports::make,
                                     true});
}
