#pragma once
// How long the runs still ahead will take, guessed from what this invocation has already seen:
// the mean duration of the same scenario on the same client, else of the same scenario, else
// the runs' mean share of their deadline applied to this one's deadline. Nothing is guessed
// before the first run ends (a deadline alone is only an upper bound, not an estimate).

#include <cstddef>
#include <map>
#include <optional>
#include <string>

#include "wsrepro/results/reporter.hpp"

namespace wsrepro::reports {

class eta_estimator {
 public:
  explicit eta_estimator(int jobs) { set_jobs(jobs); }
  void set_jobs(int jobs) { jobs_ = jobs < 1 ? 1 : jobs; }

  /// A run that will be made; skipped ones count for nothing.
  void planned(const results::run_outline& run);
  /// `now_ms` on any one clock, the same for every call.
  void started(const results::run_outline& run, double now_ms);
  /// A run ended after `duration_ms`; `judged` false (skipped) keeps it out of the means.
  void finished(std::size_t index, double duration_ms, bool judged);

  /// Milliseconds until every planned run has ended, or nullopt when nothing is known yet.
  std::optional<double> remaining_ms(double now_ms) const;

 private:
  struct mean {
    double sum_ms = 0;
    std::size_t count = 0;
    std::optional<double> value() const;
  };
  struct group {  ///< the runs of one (scenario, client)
    std::string scenario;
    double deadline_ms = 0;
    std::size_t waiting = 0;  ///< planned, not started
  };
  struct running_run {
    std::string key;
    double started_ms = 0;
  };
  std::optional<double> estimate(const std::string& key) const;

  int jobs_ = 1;
  std::map<std::string, group> groups_;  ///< by scenario + '\n' + client
  std::map<std::string, mean> by_pair_;
  std::map<std::string, mean> by_scenario_;
  mean deadline_share_;  ///< duration / deadline of the runs that ended
  std::map<std::size_t, running_run> running_;
};

}  // namespace wsrepro::reports
