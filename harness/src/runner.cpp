#include "wsrepro/harness/runner.hpp"

#include <unistd.h>
#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <mutex>
#include <numeric>
#include <set>
#include <thread>

#include "run_capture.hpp"
#include "wsrepro/harness/child_process.hpp"
#include "wsrepro/harness/judge.hpp"
#include "wsrepro/harness/machine_load.hpp"
#include "wsrepro/harness/measurements.hpp"
#include "wsrepro/harness/scheduling.hpp"
#include "wsrepro/mock/server.hpp"

namespace wsrepro::harness {

namespace net = boost::asio;
using namespace std::chrono_literals;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

namespace {

std::chrono::steady_clock::time_point to_steady(mono_ns t) {
  // Both clocks are CLOCK_MONOTONIC on Linux; converting through "now" keeps that an
  // implementation detail.
  return std::chrono::steady_clock::now() + std::chrono::nanoseconds(t - now_ns());
}

std::chrono::milliseconds scaled(std::chrono::milliseconds base, double factor) {
  return std::chrono::milliseconds(
      static_cast<std::int64_t>(static_cast<double>(base.count()) * std::max(factor, 1.0)));
}

/// Fires the scenario's signals relative to events, escalating while the client lives. Before
/// an escalation (a step after a previous one) the client's stacks are taken: it has ignored a
/// signal, and what it waits in says why.
class signal_plan : public std::enable_shared_from_this<signal_plan> {
 public:
  signal_plan(net::io_context& ioc, const std::vector<signal_step>& steps, child_process& child,
              detail::run_capture& capture)
      : ioc_(ioc), steps_(steps), child_(child), capture_(capture) {
    for (std::size_t i = 0; i < steps.size(); ++i) {
      timers_.push_back(std::make_unique<net::steady_timer>(ioc));
      armed_.push_back(false);
    }
  }

  /// Called for every event of the timeline (on the run's thread).
  void on_event(const event& e) {
    for (std::size_t i = 0; i < steps_.size(); ++i) {
      if (!armed_[i] && steps_[i].after == e.name()) arm(i, e.t_ns);
    }
  }

  void cancel() {
    for (auto& t : timers_) t->cancel();
  }

 private:
  void arm(std::size_t i, mono_ns anchor_ns) {
    armed_[i] = true;
    timers_[i]->expires_at(to_steady(anchor_ns + ms_to_ns(steps_[i].delay_ms)));
    timers_[i]->async_wait([self = shared_from_this(), i](boost::system::error_code ec) {
      if (ec || !self->child_.running()) return;
      if (i == 0 || self->steps_[i].after != "previous") {
        self->fire(i);
        return;
      }
      net::co_spawn(self->ioc_, self->capture_then_fire(i), net::detached);
    });
  }

  net::awaitable<void> capture_then_fire(std::size_t i) {
    auto self = shared_from_this();
    co_await capture_.take("the client outlived " + steps_[i - 1].signal_text + "; before " +
                           steps_[i].signal_text);
    if (child_.running()) fire(i);
  }

  void fire(std::size_t i) {
    child_.send_signal(steps_[i].signal, steps_[i].target);
    const mono_ns sent = now_ns();
    if (i + 1 < steps_.size() && steps_[i + 1].after == "previous") arm(i + 1, sent);
  }

  net::io_context& ioc_;
  const std::vector<signal_step>& steps_;
  child_process& child_;
  detail::run_capture& capture_;
  std::vector<std::unique_ptr<net::steady_timer>> timers_;
  std::vector<bool> armed_;
};

/// Takes the client's stacks at the scenario's moments (capture_triggers): each trigger once,
/// on its anchor's first event (for harness.signal, the plan's first signal).
class capture_schedule : public std::enable_shared_from_this<capture_schedule> {
 public:
  capture_schedule(net::io_context& ioc, std::vector<detail::capture_trigger> triggers,
                   detail::run_capture& capture)
      : ioc_(ioc), triggers_(std::move(triggers)), capture_(capture) {
    for (std::size_t i = 0; i < triggers_.size(); ++i) {
      timers_.push_back(std::make_unique<net::steady_timer>(ioc));
    }
    armed_.resize(triggers_.size(), false);
  }

  void on_event(const event& e) {
    if (e.name() == "harness.signal" && e.string_attr("why") != "plan") return;
    for (std::size_t i = 0; i < triggers_.size(); ++i) {
      if (armed_[i] || triggers_[i].after != e.name()) continue;
      armed_[i] = true;
      timers_[i]->expires_at(to_steady(e.t_ns + ms_to_ns(triggers_[i].delay_ms)));
      timers_[i]->async_wait([self = shared_from_this(), i](boost::system::error_code ec) {
        if (ec) return;
        net::co_spawn(self->ioc_, self->capture_.take(self->triggers_[i].why), net::detached);
      });
    }
  }

  const std::vector<detail::capture_trigger>& triggers() const { return triggers_; }

  void cancel() {
    for (auto& t : timers_) t->cancel();
  }

 private:
  net::io_context& ioc_;
  std::vector<detail::capture_trigger> triggers_;
  detail::run_capture& capture_;
  std::vector<std::unique_ptr<net::steady_timer>> timers_;
  std::vector<bool> armed_;
};

results::run_result base_result(const planned_run& plan) {
  results::run_result r;
  const scenario& s = *plan.scenario_ptr;
  r.scenario_id = s.id;
  r.scenario_title = s.title;
  r.category = s.category;
  r.client = plan.client.display_name();
  r.client_name = plan.client.name;
  r.client_version = plan.client.version;
  r.library = plan.client.library.value_or("");
  r.headline = s.headline;
  if (plan.client.version.empty() && plan.client.library_version) {
    r.client += "@" + *plan.client.library_version;
  }
  r.library_version = plan.client.library_version;
  r.runtime_version = plan.client.runtime_version;
  r.repetition = plan.repetition;
  r.index = plan.index;
  r.seed = plan.seed;
  r.param_overrides = plan.param_overrides;
  r.replay_args = plan.client.replay_args;
  r.expectation = s.expect.describe();
  return r;
}

void harness_event(timeline& log, std::string kind,
                   std::vector<std::pair<std::string, attr_value>> attrs = {}) {
  event e;
  e.source = "harness";
  e.kind = std::move(kind);
  e.attrs = std::move(attrs);
  log.emit(std::move(e));
}

struct run_state {
  std::optional<std::string> error;  ///< a harness error: the verdict is `error`
  /// The client broke its own supervision (killed the shim): the verdict is `fail`.
  std::optional<std::string> client_fault;
  bool interrupted = false;
  run_facts facts;
  bool finished = false;
  detail::run_capture* capture = nullptr;
};

/// Watches wsrepro's own interruption (Ctrl+C to wsrepro) every 20 ms and kills the client
/// when it comes. It lives in a shared_ptr its handler holds: a completion already queued when
/// the run ends (cancel() cannot withdraw it) finds `stopped_` and touches nothing else.
class cancel_poller : public std::enable_shared_from_this<cancel_poller> {
 public:
  cancel_poller(net::io_context& ioc, const std::atomic<bool>* cancel, child_process& child,
                run_state& state)
      : timer_(ioc), cancel_(cancel), child_(child), state_(state) {}

  void start() {
    timer_.expires_after(20ms);
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec || self->stopped_) return;
      if (self->cancel_ != nullptr && self->cancel_->load() && self->child_.running()) {
        self->state_.interrupted = true;
        self->child_.send_signal(SIGKILL, signal_target::group, "wsrepro interrupted");
        return;
      }
      self->start();
    });
  }

  void stop() {
    stopped_ = true;
    timer_.cancel();
  }

 private:
  net::steady_timer timer_;
  const std::atomic<bool>* cancel_;
  child_process& child_;
  run_state& state_;
  bool stopped_ = false;
};

/// Subscribes the plans to the timeline: only their anchors are passed on, posted, so that a
/// client flooding events does not flood the run's queue and no action fires from inside
/// another component's handler. Returns the subscription.
std::size_t follow_anchors(net::io_context& ioc, timeline& log,
                           const std::shared_ptr<signal_plan>& signals,
                           const std::shared_ptr<capture_schedule>& captures, const scenario& s) {
  auto anchors = std::make_shared<std::set<std::string>>();
  for (const auto& step : s.signals) anchors->insert(step.after);
  for (const auto& trigger : captures->triggers()) anchors->insert(trigger.after);
  const std::size_t listener =
      log.subscribe([&ioc, anchors, weak_signals = std::weak_ptr(signals),
                     weak_captures = std::weak_ptr(captures)](const event& e) {
        if (anchors->count(e.name()) == 0) return;
        net::post(ioc, [weak_signals, weak_captures, e] {
          if (auto p = weak_signals.lock()) p->on_event(e);
          if (auto p = weak_captures.lock()) p->on_event(e);
        });
      });
  for (const auto& e : log.snapshot()) {  // anchors that already happened
    signals->on_event(e);
    captures->on_event(e);
  }
  return listener;
}

net::awaitable<void> supervise(net::io_context& ioc, const scenario& s, const run_options& options,
                               mock::server& server, child_process& child, timeline& log,
                               detail::run_capture& capture, run_state& state) {
  auto plan = std::make_shared<signal_plan>(ioc, s.signals, child, capture);
  auto captures = std::make_shared<capture_schedule>(ioc, detail::capture_triggers(s), capture);
  const std::size_t listener = follow_anchors(ioc, log, plan, captures, s);

  const auto spawn = log.first("client.spawn");
  const mono_ns spawn_ns = spawn ? spawn->t_ns : now_ns();
  net::steady_timer deadline(ioc, to_steady(spawn_ns + ms_to_ns(s.deadline_ms)));
  deadline.async_wait([&](boost::system::error_code ec) {
    if (ec || !child.running()) return;
    harness_event(log, "deadline", {{"deadline_ms", s.deadline_ms}});
    // The run is over for the verdict from here; the stacks say where the client was stuck.
    net::co_spawn(
        ioc,
        [&]() -> net::awaitable<void> {
          co_await capture.take("the deadline came");
          if (child.running()) child.send_signal(SIGKILL, signal_target::group, "deadline");
        },
        net::detached);
  });
  const auto cancel_poll = std::make_shared<cancel_poller>(ioc, options.cancel, child, state);
  cancel_poll->start();

  // The deadline's SIGKILL (after a capture) ends any client; the margin only covers a wedged
  // machine.
  const auto give_up = to_steady(spawn_ns + ms_to_ns(s.deadline_ms)) + capture.budget() +
                       scaled(5s, options.time_scale);
  const auto exit = co_await child.wait_exit(give_up);
  log.unsubscribe(listener);
  plan->cancel();
  captures->cancel();
  deadline.cancel();
  cancel_poll->stop();
  if (!exit) state.error = "the client did not exit even after SIGKILL";

  // Let the server see the end of the connection (FIN, RST, close) before it is stopped.
  const auto drain_until = std::chrono::steady_clock::now() + scaled(200ms, options.time_scale);
  net::steady_timer pause(ioc);
  while (server.open_connections() > 0 && std::chrono::steady_clock::now() < drain_until) {
    pause.expires_after(2ms);
    co_await pause.async_wait(use_tuple);
  }
  state.facts.leaks = co_await child.kill_tree(scaled(3s, options.time_scale));
  state.facts.leak_scan_done = true;
  harness_event(log, "kill_tree",
                {{"leaked", static_cast<std::int64_t>(state.facts.leaks.size())}});
  server.stop();
  state.finished = true;
}

/// How this run's client is captured: its manifest's runtime (or a guess), a scaled budget, and
/// a scratch directory of its own (made only by a diagnoser that needs one).
capture_settings capture_settings_for(const planned_run& plan, const run_options& options) {
  capture_settings settings;
  settings.diagnose = options.capture_stacks ? plan.client.diagnose : "none";
  settings.budget = scaled(options.capture_budget, options.time_scale);
  static std::atomic<std::uint64_t> runs{0};
  settings.scratch =
      std::filesystem::temp_directory_path() /
      ("wsrepro-capture-" + std::to_string(::getpid()) + "-" + std::to_string(runs++));
  return settings;
}

/// The placeholders a client's command and environment may use.
std::map<std::string, std::string> placeholders(const planned_run& plan, const run_options& options,
                                                const mock::server& server,
                                                const std::string& address) {
  return client_values(plan.client, options.paths.libexec_dir, options.paths.data_dir,
                       {server.url(), address, std::to_string(server.port()),
                        mock::tls_material().ca_file.string()});
}

/// How the client is started: its argv, its environment (TLS trust, the manifest's variables,
/// the scenario's client settings and env), its input, and the shim that supervises it.
spawn_request make_spawn_request(const planned_run& plan, const run_options& options,
                                 const std::map<std::string, std::string>& values, bool tls,
                                 std::vector<std::string> argv) {
  const scenario& s = *plan.scenario_ptr;
  spawn_request request;
  request.argv = std::move(argv);
  std::vector<std::string> extra;
  if (tls) {
    // Where OpenSSL-based clients (Python) and Node look for extra trust.
    extra.push_back("SSL_CERT_FILE=" + values.at("ca_file"));
    extra.push_back("NODE_EXTRA_CA_CERTS=" + values.at("ca_file"));
  }
  for (const auto& [key, value] : plan.client.env) {
    std::string env_error;
    const auto expanded = expand_command({value}, values, env_error);
    if (expanded) extra.push_back(key + "=" + expanded->front());
  }
  for (const auto& [name, value] : s.client_settings) {
    extra.push_back(client_setting_variable(name) + "=" + value);
  }
  for (const auto& [key, value] : s.client_env) extra.push_back(key + "=" + value);
  // The Python driver helper (wsrepro_driver) is importable from any driver, wherever it lives:
  // its directory comes first on PYTHONPATH, then the one the client was given (the last
  // setting of the manifest, the scenario or --client-env), else wsrepro's own.
  const char* inherited = std::getenv("PYTHONPATH");
  std::string client_path = inherited != nullptr ? inherited : "";
  std::erase_if(extra, [&client_path](const std::string& entry) {
    if (!entry.starts_with("PYTHONPATH=")) return false;
    client_path = entry.substr(std::string_view("PYTHONPATH=").size());
    return true;
  });
  extra.push_back("PYTHONPATH=" + (options.paths.data_dir / "clients/python/lib").string() +
                  (client_path.empty() ? std::string() : ":" + client_path));
  request.env = client_environment(extra);
  request.input = s.input;
  request.shim = options.paths.libexec_dir / "wsrepro-shim";
  request.output_limit_bytes = options.output_limit_bytes;
  return request;
}

/// Supervises a started client to its end, under a watchdog over the whole run: nothing in it
/// may wait forever.
void supervise_to_the_end(net::io_context& ioc, const scenario& s, const run_options& options,
                          mock::server& server, child_process& child, timeline& log,
                          run_state& state) {
  net::co_spawn(ioc, supervise(ioc, s, options, server, child, log, *state.capture, state),
                [&ioc, &state](const std::exception_ptr& ex) {
                  if (ex) {
                    try {
                      std::rethrow_exception(ex);
                    } catch (const std::exception& e) {
                      state.error = std::string("harness failure: ") + e.what();
                    }
                  }
                  ioc.stop();
                });
  net::steady_timer watchdog(
      ioc, std::chrono::steady_clock::now() +
               std::chrono::milliseconds(static_cast<std::int64_t>(s.deadline_ms)) +
               state.capture->budget() + scaled(30s, options.time_scale));
  watchdog.async_wait([&](boost::system::error_code wait_error) {
    if (wait_error) return;
    state.error = "harness watchdog: the run did not finish in time";
    ioc.stop();
  });
  ioc.run();
  watchdog.cancel();
  if (const auto& lost = child.supervisor_lost()) {
    state.client_fault = "the client killed its supervising helper (" + *lost + ")";
  }
}

/// Starts the server and the client, and supervises the client to its end. What went wrong
/// goes into `state`; the client's command line and URL into `r`.
void serve_and_run_client(const planned_run& plan, const run_options& options, net::io_context& ioc,
                          mock::server& server, const std::string& address, child_process& child,
                          timeline& log, run_state& state, results::run_result& r) {
  if (auto ec = server.start()) {
    state.error = "the mock server cannot listen: " + ec.message();
    return;
  }
  r.url = server.url();
  const auto values = placeholders(plan, options, server, address);
  std::string error;
  auto argv = expand_command(plan.client.command, values, error);
  if (!argv) {
    state.error = error;
    return;
  }
  r.argv = *argv;
  auto request = make_spawn_request(plan, options, values, server.tls(), *argv);
  prepare_for_capture(argv->front(), state.capture->settings(), request.env);
  if (auto problem = child.start(request)) {
    if (child.supervisor_lost()) {
      state.client_fault = *problem;
      state.facts.leaks = child.leaks();
      state.facts.leak_scan_done = true;
    } else {
      state.error = *problem;
    }
    return;
  }
  supervise_to_the_end(ioc, *plan.scenario_ptr, options, server, child, log, state);
}

/// The verdict from what the run showed: a harness error, an interruption or a broken
/// supervision first, then the expectation, the situation and the known bug.
void judge_run(const planned_run& plan, const run_state& state, results::run_result& r) {
  const scenario& s = *plan.scenario_ptr;
  r.leaks = state.facts.leaks;
  r.measurements = measure(r.timeline, s, state.facts);
  r.situation = s.situation;
  for (const auto& name : s.situation) {
    const bool seen = std::any_of(r.timeline.begin(), r.timeline.end(),
                                  [&](const event& e) { return e.name() == name; });
    if (!seen) r.situation_missing.push_back(name);
  }
  if (state.error) {
    r.outcome = results::verdict::error;
    r.reason = *state.error;
    return;
  }
  if (state.interrupted) {
    r.outcome = results::verdict::error;
    r.reason = "wsrepro was interrupted; the client was killed";
    return;
  }
  if (state.client_fault) {
    r.outcome = results::verdict::fail;
    r.reason = *state.client_fault;
    if (!r.leaks.empty()) {
      r.reason += "; " + std::to_string(r.leaks.size()) + " process(es) it left behind were killed";
    }
    return;
  }
  r.checks = judge(r.measurements, s.expect);
  r.outcome = decide(r.checks, r.reason);
  const known_bug* bug = s.bug_for(plan.client.name, plan.client.version);
  if (!r.situation_missing.empty()) {
    // Nothing the run showed can be credited to the scenario: neither a pass nor a known bug.
    situation_not_reached(r, bug);
    return;
  }
  if (bug != nullptr) judge_known_bug(*bug, r);
  judge_unsupported_settings(r);
}

/// Whether CPU contention may have decided the verdict: a time it rests on (the expectation's,
/// or the known bug's signature on a client that has one) may have reached its limit by
/// waiting for a CPU.
void weigh_timing(const planned_run& plan, results::run_result& r) {
  if (!r.machine || r.outcome == results::verdict::error) return;
  const double share = cpu_wait_share(*r.machine);
  const scenario& s = *plan.scenario_ptr;
  const known_bug* bug = s.bug_for(plan.client.name, plan.client.version);
  r.machine->timing_in_doubt =
      timing_near_a_limit(r.measurements, s.expect, share, r.machine->saturated) ||
      (bug != nullptr &&
       timing_near_a_limit(r.measurements, bug->signature, share, r.machine->saturated));
}

}  // namespace

results::run_result execute_run(const planned_run& plan, const run_options& options) {
  results::run_result r = base_result(plan);
  if (plan.skip_reason) {
    r.outcome = results::verdict::skipped;
    r.reason = *plan.skip_reason;
    return r;
  }
  const scenario& s = *plan.scenario_ptr;
  const mock::behaviour_info* info = mock::find_behaviour(s.behaviour);
  if (info == nullptr) {
    r.outcome = results::verdict::error;
    r.reason = "unknown behaviour " + s.behaviour;
    return r;
  }
  // A place among the clients starting at once, given back at its first connection or exit.
  gate_pass starting(options.gate, options.cancel);
  const cpu_counters load_before = read_cpu_counters();
  const mono_ns started = now_ns();
  r.started_ns = started;
  timespec wall{};
  ::clock_gettime(CLOCK_REALTIME, &wall);
  r.started_unix_ns = std::int64_t{wall.tv_sec} * 1'000'000'000 + wall.tv_nsec;
  timeline log;  // outlives the io_context: pending handlers may log while being destroyed
  log.subscribe([&starting](const event& e) {
    if ((e.source == "server" && e.kind == "accept") ||
        (e.source == "client" && e.kind == "exit")) {
      starting.release();
    }
  });
  run_state state;
  {
    net::io_context ioc(1);
    mock::server_options server_options;
    server_options.address = options.listen.empty() ? s.listen : options.listen;
    server_options.tls = s.tls || options.tls;
    mock::param_values params = s.params;
    for (const auto& [name, value] : plan.param_overrides) params.set(name, value);
    mock::server server(ioc, *info, params, log, server_options);
    child_process child(ioc, log);
    detail::run_capture capture(ioc, child, log, capture_settings_for(plan, options));
    state.capture = &capture;
    serve_and_run_client(plan, options, ioc, server, server_options.address, child, log, state, r);
    server.stop();
    // Let the connections finish their stop (bounded), then drop whatever is left.
    ioc.restart();
    ioc.run_for(scaled(100ms, options.time_scale));
    r.client_stdout = child.output(false);
    r.client_stderr = child.output(true);
    r.diagnosis = std::move(capture.diagnosis());
    state.capture = nullptr;
    std::error_code ignored;
    std::filesystem::remove_all(capture.settings().scratch, ignored);
  }
  r.duration_ms = ns_to_ms(now_ns() - started);
  r.machine = load_between(load_before, read_cpu_counters(), 1);
  r.timeline = log.snapshot();
  r.timeline_dropped = log.dropped();
  r.wire = log.wire().snapshot();
  r.wire_dropped_bytes = log.wire().dropped_bytes();
  std::stable_sort(r.timeline.begin(), r.timeline.end(),
                   [](const event& a, const event& b) { return a.t_ns < b.t_ns; });
  judge_run(plan, state, r);
  weigh_timing(plan, r);
  return r;
}

namespace {

/// How many runs overlapped each one: its slot keeps the most that were going at once while it
/// was.
class overlap_counter {
 public:
  std::size_t begin() {
    std::lock_guard lock(mutex_);
    std::size_t slot = 0;
    while (slot < most_.size() && most_[slot] != 0) ++slot;
    if (slot == most_.size()) most_.push_back(0);
    ++going_;
    most_[slot] = going_;
    for (auto& most : most_) {
      if (most != 0) most = std::max(most, going_);
    }
    return slot;
  }
  int end(std::size_t slot) {
    std::lock_guard lock(mutex_);
    const int most = most_[slot];
    most_[slot] = 0;
    --going_;
    return most;
  }

 private:
  std::mutex mutex_;
  int going_ = 0;
  std::vector<int> most_;  ///< per slot in use; 0 for a free one
};

/// A run, and again while it fails (fail or error) and --retries allows: known bugs and skips
/// are what they are, and an interrupted wsrepro makes no more attempts.
results::run_result execute_with_retries(const planned_run& run, const run_options& options) {
  results::run_result r = execute_run(run, options);
  std::vector<results::failed_attempt> failed;
  for (int attempt = 0; attempt < options.retries; ++attempt) {
    const bool failed_now =
        r.outcome == results::verdict::fail || r.outcome == results::verdict::error;
    if (!failed_now || (options.cancel != nullptr && options.cancel->load())) break;
    failed.push_back({r.outcome, r.reason, r.duration_ms});
    r = execute_run(run, options);
  }
  // A retry that ended as a known bug (or was skipped) is what it is: the attempts before it
  // neither make it flaky nor a rerun failure.
  if (r.outcome != results::verdict::known_bug && r.outcome != results::verdict::skipped) {
    r.failed_attempts = std::move(failed);
  }
  return r;
}

}  // namespace

results::run_outline outline(const planned_run& run) {
  results::run_outline o;
  o.index = run.index;
  o.scenario_id = run.scenario_ptr != nullptr ? run.scenario_ptr->id : std::string();
  o.client = run.client.display_name();
  if (run.client.version.empty() && run.client.library_version) {
    o.client += "@" + *run.client.library_version;
  }
  o.repetition = run.repetition;
  o.deadline_ms = run.scenario_ptr != nullptr ? run.scenario_ptr->deadline_ms : 0;
  o.skipped = run.skip_reason.has_value();
  return o;
}

results::plan_outline outline(const std::vector<planned_run>& plan, int jobs) {
  results::plan_outline o;
  o.jobs = jobs;
  o.runs.reserve(plan.size());
  for (const auto& run : plan) o.runs.push_back(outline(run));
  return o;
}

std::vector<results::run_result> execute_plan(
    const std::vector<planned_run>& plan, const run_options& options_in,
    const std::function<void(const results::run_result&)>& on_finished) {
  std::vector<results::run_result> results(plan.size());
  const int jobs = std::max(1, std::min<int>(options_in.jobs, static_cast<int>(plan.size())));
  run_options options = options_in;
  const int startup_slots = options.startup_slots > 0 ? options.startup_slots : usable_cpus();
  std::optional<startup_gate> gate;
  if (jobs > startup_slots) {
    // A client slow to start (a cold JVM) keeps its place at most this long.
    gate.emplace(startup_slots, scaled(2000ms, options.time_scale));
    options.gate = &*gate;
  }
  std::vector<std::size_t> order(plan.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  if (jobs > 1 && options.history != nullptr) {
    order = longest_first(plan, *options.history, options.time_scale);
  }
  std::atomic<std::size_t> next{0};
  std::mutex report_mutex;
  overlap_counter overlap;
  // Runs whose verdict the machine may have decided (timing in doubt under contention): made
  // again at the end, alone, before anything is reported of them.
  std::vector<std::pair<std::size_t, results::run_result>> doubted;
  // Reports a run (callers hold report_mutex, or run alone) and keeps it in plan order.
  const auto finish = [&](std::size_t i, results::run_result r) {
    if (on_finished) on_finished(r);
    if (!options.keep_details) results::drop_details(r);
    results[i] = std::move(r);
  };
  const auto worker = [&] {
    for (;;) {
      const std::size_t k = next++;
      if (k >= order.size()) return;
      const std::size_t i = order[k];
      if (options.on_started) {
        std::lock_guard lock(report_mutex);
        options.on_started(plan[i]);
      }
      results::run_result r;
      if (options.cancel != nullptr && options.cancel->load() && !plan[i].skip_reason) {
        r = base_result(plan[i]);
        r.outcome = results::verdict::skipped;
        r.reason = "not run: wsrepro was interrupted";
      } else {
        const auto slot = overlap.begin();
        r = execute_with_retries(plan[i], options);
        const int at_once = overlap.end(slot);
        if (r.machine) r.machine->runs_at_once = at_once;
      }
      std::lock_guard lock(report_mutex);
      if (jobs > 1 && r.machine && r.machine->timing_in_doubt) {
        doubted.emplace_back(i, std::move(r));
        continue;
      }
      finish(i, std::move(r));
    }
  };
  std::vector<std::thread> threads;
  for (int j = 1; j < jobs; ++j) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  run_options alone = options;
  alone.gate = nullptr;
  for (auto& [i, first] : doubted) {
    results::run_result r;
    if (options.cancel != nullptr && options.cancel->load()) {
      r = std::move(first);
    } else {
      r = execute_with_retries(plan[i], alone);
      if (r.machine) {
        r.machine->rerun_alone = true;
        r.machine->first_attempt = std::string(results::to_string(first.outcome)) +
                                   (first.reason.empty() ? "" : ": " + first.reason);
      }
    }
    finish(i, std::move(r));
  }
  return results;
}

}  // namespace wsrepro::harness
