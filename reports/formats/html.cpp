// report.html: one self-contained page (no network, no file beside it) that draws the
// invocation: counts, the version matrix, distributions of repeated runs, sweeps and bench, and
// per run its swim-lane timeline, diagnosis, wire log and output. The data is report.json's own
// documents in a JSON island; the script and style sheet (reports/html/) are compiled in.
//
// Client output is hostile by assumption. The island is JSON with every `<`, `>` and `&`
// escaped, so no text in it can end the script element; the script builds the page from text
// nodes only; and the page's Content-Security-Policy allows no network and runs only the one
// script whose hash it names, so even markup that got through could not execute.

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "report_json.hpp"
#include "wsrepro/common/files.hpp"
#include "wsrepro/reports/formats.hpp"
#include "wsrepro/reports/matrix.hpp"

namespace wsrepro::embedded {
extern const std::string_view html_report_script;
extern const std::string_view html_report_style;
}  // namespace wsrepro::embedded

namespace wsrepro::reports {

namespace {

// Full details (timeline, stacks, output) are kept for runs up to these totals; later runs keep
// their verdict and measurements, so a 10,000-run bench still makes a page a browser opens.
// Runs that need a look get the larger share.
constexpr std::uint64_t detail_budget_needs_look = std::uint64_t{40} * 1024 * 1024;
constexpr std::uint64_t detail_budget_passed = std::uint64_t{8} * 1024 * 1024;

/// JSON that can sit inside a <script> element: `<`, `>` and `&` only occur in JSON strings,
/// where their \u escapes mean the same, and without `<` nothing can end the element.
std::string script_safe(std::string_view json_text) {
  std::string out;
  out.reserve(json_text.size() + json_text.size() / 16);
  for (const char c : json_text) {
    switch (c) {
      case '<':
        out += "\\u003c";
        break;
      case '>':
        out += "\\u003e";
        break;
      case '&':
        out += "\\u0026";
        break;
      default:
        out += c;
    }
  }
  return out;
}

/// The CSP source for a script: 'sha256-BASE64'.
std::string script_hash_source(std::string_view script) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(script.data()), script.size(), digest.data());
  std::array<unsigned char, 4 * ((SHA256_DIGEST_LENGTH + 2) / 3) + 1> base64{};
  EVP_EncodeBlock(base64.data(), digest.data(), static_cast<int>(digest.size()));
  return "'sha256-" + std::string(reinterpret_cast<const char*>(base64.data())) + "'";
}

/// Keeps what the tables and charts need and drops what is bulky.
void drop_bulk(json& run) {
  run.erase("timeline");
  run.erase("output");
  if (auto d = run.find("diagnosis"); d != run.end()) {
    for (auto& capture : (*d)["captures"]) capture.erase("processes");
  }
  run["details_left_out"] =
      "The timeline, output and stacks of this run are left out of the page to keep it small "
      "(see report.json).";
}

struct spooled_run {
  std::size_t index;
  std::uint64_t offset;
  std::size_t size;
};

class html_reporter final : public reporter {
 public:
  html_reporter(std::ostream& out, std::unique_ptr<spool> runs)
      : out_(out), runs_(std::move(runs)) {}

  void begin(const results::report_context& context) override { context_ = context; }

  void run_finished(const results::run_result& result) override {
    json run = run_json(result);
    std::string text = script_safe(dump_compact(run));
    const bool needs_look = result.outcome != results::verdict::pass;
    std::uint64_t& used = needs_look ? used_needs_look_ : used_passed_;
    const std::uint64_t budget = needs_look ? detail_budget_needs_look : detail_budget_passed;
    if (used + text.size() > budget) {
      drop_bulk(run);
      text = script_safe(dump_compact(run));
    } else {
      used += text.size();
    }
    runs_spooled_.push_back({result.index, runs_->append(text), text.size()});
    matrices_.add(result);
  }

  void end(const results::run_summary& summary) override {
    const std::string_view script = embedded::html_report_script;
    out_ << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src 'unsafe-inline'; img-src data:; script-src "
         << script_hash_source(script) << "\">\n"
         << "<link rel=\"icon\" href=\"data:,\">\n<title>wsrepro report</title>\n<style>\n"
         << embedded::html_report_style << "</style>\n</head>\n<body>\n"
         << "<main id=\"report\"><noscript>This report is drawn by its script; report.json and "
            "summary.md hold the same results as text.</noscript></main>\n"
         << R"(<script id="wsrepro-data" type="application/json">)";
    json head = json::object();
    head["context"] = context_json(context_);
    head["summary"] = summary_json(summary);
    head["version_matrices"] = matrices_json(matrices_.build());
    std::string head_text = script_safe(dump_compact(head));
    head_text.pop_back();  // the closing brace: the runs follow
    out_ << head_text << ",\"runs\":[";
    std::stable_sort(runs_spooled_.begin(), runs_spooled_.end(),
                     [](const spooled_run& a, const spooled_run& b) { return a.index < b.index; });
    bool first = true;
    for (const auto& r : runs_spooled_) {
      if (!first) out_ << ",\n";
      out_ << runs_->read(r.offset, r.size);
      first = false;
    }
    out_ << "]}</script>\n<script>" << script << "</script>\n</body>\n</html>\n";
    out_.flush();
    runs_spooled_.clear();
    matrices_.clear();
  }

 private:
  std::ostream& out_;
  std::unique_ptr<spool> runs_;
  results::report_context context_;
  std::vector<spooled_run> runs_spooled_;
  std::uint64_t used_needs_look_ = 0;
  std::uint64_t used_passed_ = 0;
  matrix_collector matrices_;
};

std::unique_ptr<reporter> make(const format_output& o) {
  // The runs wait on disk (an unnamed file, gone with the process), not in memory.
  return std::make_unique<html_reporter>(
      o.out, o.out_dir.empty() ? make_memory_spool() : make_anonymous_spool(o.out_dir));
}

}  // namespace

}  // namespace wsrepro::reports

void wsrepro_register_format_html() {
  wsrepro::reports::register_format(
      {"html",
       "report.html",
       "one self-contained page: matrix, distributions, timelines, stacks, wire log",
       {},
       true,
       wsrepro::reports::make});
}
