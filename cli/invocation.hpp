#pragma once
// The pipeline every running subcommand (run, sweep, bench, bisect) goes through, so none
// re-implements it: load (paths, the client catalogue, the scenarios) -> plan (the subcommand's
// own) -> prepare (the clients' environments, their programs) -> execute (each run goes to the
// reporters as it finishes) -> sum up with the exit code -> reports in place. Bad input at any
// stage is a usage_error (exit 2), found before anything runs.

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "commands.hpp"
#include "report_files.hpp"
#include "wsrepro/harness/client.hpp"
#include "wsrepro/harness/environment.hpp"
#include "wsrepro/harness/paths.hpp"
#include "wsrepro/harness/runner.hpp"
#include "wsrepro/harness/scenario.hpp"

namespace wsrepro::cli {

/// The exit code of an invocation that judged runs: 3 on a harness error or an interruption, 1
/// when an expectation failed (or, with --strict, a run was skipped), else 0.
int exit_code_for(const results::run_summary& summary, bool strict, bool allow_empty);

class invocation {
 public:
  /// Load: where wsrepro's files are and the client catalogue. `time_scale` is checked.
  invocation(const global_options& globals, double time_scale);

  const harness::search_paths& paths() const { return paths_; }
  const harness::client_catalogue& catalogue() const { return catalogue_; }
  double time_scale() const { return time_scale_; }
  /// The scenario files given, or the whole library; every error in every file is listed.
  std::vector<harness::scenario> scenarios(const std::vector<std::string>& given = {}) const;
  /// One scenario, by id or as a scenario file holding one, with the time scale applied.
  harness::scenario scenario(const std::string& id_or_file) const;
  /// The ad-hoc client of --client-cmd, if one is given.
  std::optional<harness::client_spec> ad_hoc_client(const std::string& command_line) const;
  /// The ad-hoc clients of repeated --client-cmd, each 'CMD' (named cmd:PROGRAM) or labelled
  /// 'NAME[@VERSION]=CMD'; `env` (--client-env: K=V for all, or LABEL:K=V for one) is added to
  /// their environment. Two labels may not name the same client.
  std::vector<harness::client_spec> ad_hoc_clients(const std::vector<std::string>& commands,
                                                   const std::vector<std::string>& env) const;
  harness::environment_cache cache() const;

  /// From here on Ctrl+C and SIGTERM stop the runs (and client set-up) instead of wsrepro.
  const std::atomic<bool>& interrupted();
  /// Prepare: readies the plan's client instances (`jobs` environments at once; one that
  /// cannot be set up is skipped with why) and checks that their programs exist.
  void prepare(std::vector<harness::planned_run>& plan, int jobs, bool quiet);
  /// What executing a run needs: paths, time scale, jobs, the interrupt flag.
  harness::run_options run_options(int jobs = 1);

  /// Opens the reports, with the subcommand's own reporter if it has one, and tells them of the
  /// invocation; `context` is made by report_context().
  results::reporter& open_reports(const std::string& out_dir,
                                  const std::vector<std::string>& formats, bool quiet,
                                  bool terminal, const results::report_context& context,
                                  std::unique_ptr<results::reporter> own = nullptr);
  results::report_context report_context(bool strict) const;
  /// Sums up: the duration since the reports were opened and whether wsrepro was interrupted
  /// go into `summary`; the reports get it and are put in place.
  void close_reports(results::run_summary& summary);
  /// The files the reports were written to (after close_reports()).
  const std::vector<std::string>& report_paths() const;
  /// Where wsrepro's own lines go: standard error when a format writes data on standard output
  /// (--format jsonl), else standard output.
  std::ostream& own_output() const;

 private:
  const global_options& globals_;
  double time_scale_;
  harness::search_paths paths_;
  harness::client_catalogue catalogue_;
  const std::atomic<bool>* interrupted_ = nullptr;
  std::unique_ptr<report_files> reports_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace wsrepro::cli
