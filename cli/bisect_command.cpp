// wsrepro bisect SCENARIO --client NAME --versions FIRST..LAST: where between two releases a
// scenario's outcome changes, by binary search over the releases the registry lists.

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <iostream>
#include <map>

#include "catalogue.hpp"
#include "client_setup.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "interrupt.hpp"
#include "invocation.hpp"
#include "report_files.hpp"
#include "run_plan.hpp"
#include "wsrepro/common/version.hpp"
#include "wsrepro/harness/runner.hpp"
#include "wsrepro/reports/matrix.hpp"

namespace wsrepro::cli {

namespace {

struct bisect_settings {
  std::string scenario_id;
  std::string client;
  std::string range;
  bool pinned = false;
  int runs_per_version = 1;
  std::string out_dir = "wsrepro-bisect";
  double time_scale = 1.0;
};

/// What one version showed: the expectation held, did not, or could not be tested.
enum class outcome { holds, broken, untestable };

std::string describe(outcome o) {
  switch (o) {
    case outcome::holds:
      return "expectation met";
    case outcome::broken:
      return "expectation not met";
    case outcome::untestable:
      return "untestable";
  }
  return "untestable";
}

/// A run shows the bug when the scenario's own expectation is not met, whatever the known-bug
/// bookkeeping made of it.
outcome outcome_of(const results::run_result& r) {
  // A run that never reached the scenario's situation says nothing about the bug either way.
  if (r.outcome == results::verdict::skipped || r.outcome == results::verdict::error ||
      r.outcome == results::verdict::unsupported || !r.situation_missing.empty()) {
    return outcome::untestable;
  }
  for (const auto& c : r.checks) {
    if (!c.met) return outcome::broken;
  }
  return outcome::holds;
}

class bisector {
 public:
  bisector(const bisect_settings& settings, const harness::scenario& s,
           const harness::client_catalogue& catalogue, harness::environment_cache& cache,
           const harness::run_options& options, reports::reporter& reporter)
      : settings_(settings),
        scenario_(s),
        catalogue_(catalogue),
        cache_(cache),
        options_(options),
        reporter_(reporter) {}

  /// Runs (once per version, cached) and returns what the version showed.
  outcome test(const std::string& version) {
    if (auto it = seen_.find(version); it != seen_.end()) return it->second;
    std::string error;
    auto instances = catalogue_.resolve(settings_.client + "@" + version, error);
    outcome result = outcome::untestable;
    if (!instances.empty()) {
      std::vector<harness::client_spec*> pointers{&instances.front()};
      const auto problems =
          prepare_clients(pointers, catalogue_, cache_, 1, options_.cancel, false);
      for (int i = 0; i < settings_.runs_per_version && !options_.cancel->load(); ++i) {
        harness::planned_run plan;
        plan.scenario_ptr = &scenario_;
        plan.client = instances.front();
        plan.repetition = settings_.runs_per_version > 1 ? i + 1 : 0;
        if (auto it = problems.begin(); it != problems.end()) plan.skip_reason = it->second;
        results::run_result r =
            plan.skip_reason ? skipped(plan) : harness::execute_run(plan, options_);
        ++runs_;
        const outcome o = outcome_of(r);
        // Any run that shows the bug marks the version: a race reproduces only sometimes.
        if (o == outcome::broken || result == outcome::untestable) result = o;
        std::cout << "  " << pad(r.client, 28)
                  << pad(std::string(results::to_string(r.outcome)), 11)
                  << pad(r.headline + " " + reports::headline_text(r), 30) << describe(o);
        if (o == outcome::untestable) std::cout << ": " << r.reason;
        std::cout << std::endl;
        counts_.add(r.outcome);
        reporter_.run_finished(r);
        if (o == outcome::untestable) break;
      }
    } else {
      std::cout << "  " << settings_.client << "@" << version << ": " << error << std::endl;
    }
    seen_[version] = result;
    return result;
  }

  int runs() const { return runs_; }
  const results::run_counts& counts() const { return counts_; }

 private:
  static std::string pad(std::string s, std::size_t width) {
    if (s.size() < width) s.append(width - s.size(), ' ');
    return s + " ";
  }
  results::run_result skipped(const harness::planned_run& plan) const {
    results::run_result r;
    r.scenario_id = scenario_.id;
    r.client = plan.client.display_name();
    r.client_name = plan.client.name;
    r.client_version = plan.client.version;
    r.outcome = results::verdict::skipped;
    r.reason = *plan.skip_reason;
    return r;
  }

  const bisect_settings& settings_;
  const harness::scenario& scenario_;
  const harness::client_catalogue& catalogue_;
  harness::environment_cache& cache_;
  const harness::run_options& options_;
  reports::reporter& reporter_;
  std::map<std::string, outcome> seen_;
  int runs_ = 0;
  results::run_counts counts_;
};

/// The candidate versions: the registry's releases in the range, else the pinned ones.
std::vector<std::string> candidate_versions(const bisect_settings& settings,
                                            const harness::client_spec& client,
                                            const harness::environment_spec& env,
                                            const harness::environment_cache& cache) {
  const auto dots = settings.range.find("..");
  if (dots == std::string::npos || dots == 0 || dots + 2 >= settings.range.size()) {
    throw usage_error{"--versions takes FIRST..LAST, e.g. " +
                      (client.versions.empty()
                           ? std::string("1.0..2.0")
                           : client.versions.front() + ".." + client.versions.back())};
  }
  const std::string first = settings.range.substr(0, dots);
  const std::string last = settings.range.substr(dots + 2);
  std::vector<std::string> all = client.versions;
  std::string source = "the manifest's pinned versions";
  if (!settings.pinned) {
    std::string error;
    if (auto releases = cache.list_releases(env, error)) {
      all = *releases;
      source = "the releases the registry lists";
    } else {
      std::cout << "bisect: cannot list releases (" << error << "); using " << source << "\n";
    }
  }
  std::string error;
  auto chosen = versions_between(all, first, last, error);
  if (!chosen) throw usage_error{"--versions " + settings.range + ": " + error};
  std::cout << "bisect: " << chosen->size() << " versions from " << source << ": ";
  for (std::size_t i = 0; i < chosen->size(); ++i) std::cout << (i ? ", " : "") << (*chosen)[i];
  std::cout << std::endl;
  return *chosen;
}

/// Tests the version in the middle of (lo, hi), else its neighbours outwards, until one can be
/// tested: which one, and its outcome (untestable when none could be).
std::pair<std::size_t, outcome> test_near_middle(bisector& b,
                                                 const std::vector<std::string>& versions,
                                                 std::size_t lo, std::size_t hi,
                                                 const std::atomic<bool>& interrupted) {
  const std::size_t mid = lo + (hi - lo) / 2;
  std::size_t probe = mid;
  outcome o = outcome::untestable;
  for (std::size_t offset = 0; o == outcome::untestable && !interrupted.load(); ++offset) {
    const bool above_ok = mid + offset < hi;
    const bool below_ok = mid >= lo + 1 + offset && offset > 0;
    if (!above_ok && !below_ok) break;
    if (above_ok) o = b.test(versions[probe = mid + offset]);
    if (o == outcome::untestable && below_ok) o = b.test(versions[probe = mid - offset]);
  }
  return {probe, o};
}

/// The search: both ends first (an untestable end moves inwards), then halving, skipping
/// untestable versions like `git bisect skip`. The exit code and the verdict in words: 0 the
/// change was found, 1 no change (or it lies among untestable versions), 3 interrupted, 4 no
/// version could be tested.
std::pair<int, std::string> search(bisector& b, const std::vector<std::string>& versions,
                                   const std::atomic<bool>& interrupted) {
  // The ends first; an untestable end moves inwards.
  std::size_t lo = 0;
  std::size_t hi = versions.size() - 1;
  outcome lo_outcome = b.test(versions[lo]);
  while (lo_outcome == outcome::untestable && lo < hi && !interrupted.load()) {
    lo_outcome = b.test(versions[++lo]);
  }
  outcome hi_outcome = lo < hi ? b.test(versions[hi]) : lo_outcome;
  while (hi_outcome == outcome::untestable && hi > lo + 1 && !interrupted.load()) {
    hi_outcome = b.test(versions[--hi]);
  }
  int code = ok;
  std::string verdict_line;
  if (interrupted.load()) {
    code = harness_error;
    verdict_line = "interrupted";
  } else if (lo_outcome == outcome::untestable || hi_outcome == outcome::untestable) {
    code = nothing_ran;
    verdict_line = "no version in the range could be tested";
  } else if (lo_outcome == hi_outcome) {
    code = expectation_failed;
    verdict_line =
        "no change: " + describe(lo_outcome) + " on " + versions[lo] + " and on " + versions[hi];
  } else {
    // Invariant: versions[lo] and versions[hi] differ. Untestable versions in between are
    // skipped over, like `git bisect skip`.
    while (hi - lo > 1 && !interrupted.load()) {
      const auto [probe, o] = test_near_middle(b, versions, lo, hi, interrupted);
      if (o == outcome::untestable) break;
      if (o == lo_outcome) {
        lo = probe;
      } else {
        hi = probe;
      }
    }
    if (interrupted.load()) {
      code = harness_error;
      verdict_line = "interrupted";
    } else if (hi - lo > 1) {
      code = expectation_failed;
      verdict_line = "the change lies between " + versions[lo] + " and " + versions[hi] +
                     ", whose versions in between could not be tested";
    } else {
      const bool fixed = lo_outcome == outcome::broken;
      verdict_line = std::string(fixed ? "fixed in " : "broken in ") + versions[hi] +
                     ": the expectation " + (fixed ? "fails" : "holds") + " up to " + versions[lo] +
                     " and " + (fixed ? "holds" : "fails") + " from " + versions[hi];
    }
  }
  return {code, verdict_line};
}

int bisect(const bisect_settings& settings, const global_options& globals) {
  invocation inv(globals, settings.time_scale);
  const auto& catalogue = inv.catalogue();
  const harness::scenario s = inv.scenario(settings.scenario_id);
  const harness::client_spec* client = catalogue.find(settings.client);
  if (client == nullptr) {
    throw usage_error{unknown_name_message("client", settings.client, catalogue.names())};
  }
  const harness::environment_spec* env = catalogue.find_environment(client->environment);
  if (env == nullptr) {
    throw usage_error{"client " + client->name +
                      " has no versions to bisect (it is not installed from a registry)"};
  }
  if (!s.applies(client->name)) {
    throw usage_error{"scenario " + s.id + " does not apply to client " + client->name};
  }
  auto cache = inv.cache();
  const auto versions = candidate_versions(settings, *client, *env, cache);

  const auto& interrupted = inv.interrupted();
  auto& reporter =
      inv.open_reports(settings.out_dir, {}, true, /*terminal=*/false, inv.report_context(false));
  const auto options = inv.run_options();  // the bisector keeps a reference
  bisector b(settings, s, catalogue, cache, options, reporter);

  const auto [code, verdict_line] = search(b, versions, interrupted);
  results::run_summary summary;
  summary.counts = b.counts();
  summary.exit_code = code;
  inv.close_reports(summary);
  std::cout << "\nbisect " << s.id << " --client " << client->name << ": " << verdict_line << "\n"
            << b.runs() << (b.runs() == 1 ? " run" : " runs") << " over " << versions.size()
            << " versions. Reports:";
  for (const auto& p : inv.report_paths()) std::cout << " " << p;
  std::cout << std::endl;
  return code;
}

}  // namespace

command add_bisect_command(CLI::App& app, const global_options& globals) {
  auto settings = std::make_shared<bisect_settings>();
  auto* sub = app.add_subcommand(
      "bisect",
      "Find the release where a scenario's outcome changes (e.g. the first version without a bug), "
      "by binary search over a versioned client's releases");
  sub->add_option("scenario", settings->scenario_id,
                  "The scenario: its id, or a scenario file (as `run` takes them)")
      ->required()
      ->type_name("ID|FILE");
  sub->add_option("--client,-c", settings->client, "A versioned client (see: wsrepro list clients)")
      ->required()
      ->type_name("NAME");
  sub->add_option("--versions", settings->range,
                  "FIRST..LAST: both releases, and every release between them, are candidates")
      ->required()
      ->type_name("FIRST..LAST");
  sub->add_flag("--pinned", settings->pinned,
                "Only the manifest's pinned versions, not every release the registry lists");
  sub->add_option("--runs-per-version", settings->runs_per_version,
                  "Runs per version; one that misses the expectation marks the version (races)")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  sub->add_option("--out,-o", settings->out_dir, "Directory for the reports of the runs made")
      ->capture_default_str();
  sub->add_option("--time-scale", settings->time_scale,
                  "Multiply every deadline, delay and threshold (for slow machines)")
      ->capture_default_str();
  return [settings, &globals] { return bisect(*settings, globals); };
}

}  // namespace wsrepro::cli
