// --format jsonl: one JSON object per line on standard output as the invocation goes, for tools
// that follow a run live (jq, a dashboard): {"event":"begin",...} with what report.json's top
// level says, {"event":"run","run":{...}} as each run ends (the run as report.json has it), then
// {"event":"end","summary":{...}}. wsrepro's own lines go to standard error meanwhile.

#include "report_json.hpp"
#include "wsrepro/reports/formats.hpp"

namespace wsrepro::reports {

namespace {

class jsonl_reporter final : public reporter {
 public:
  explicit jsonl_reporter(std::ostream& out) : out_(out) {}

  void begin(const results::report_context& context) override {
    json line = {{"event", "begin"}};
    line.update(context_json(context));
    write(line);
  }

  void run_finished(const results::run_result& result) override {
    write({{"event", "run"}, {"run", run_json(result)}});
  }

  void end(const results::run_summary& summary) override {
    write({{"event", "end"}, {"summary", summary_json(summary)}});
  }

 private:
  void write(const json& line) {
    // Flushed per line: a reader sees each run as it ends, not when a buffer fills.
    out_ << dump_compact(line) << '\n';
    out_.flush();
  }

  std::ostream& out_;
};

std::unique_ptr<reporter> make(const format_output& o) {
  return std::make_unique<jsonl_reporter>(o.out);
}

}  // namespace

}  // namespace wsrepro::reports

void wsrepro_register_format_jsonl() {
  wsrepro::reports::report_format format{
      "jsonl",
      "",
      "a JSON object per line on standard output as each run ends (begin, run, end), for tools",
      {},
      false,
      wsrepro::reports::make};
  format.owns_stdout = true;
  wsrepro::reports::register_format(format);
}
