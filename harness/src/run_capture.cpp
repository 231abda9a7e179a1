#include "run_capture.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdio>

#include "server_view.hpp"
#include "wsrepro/harness/measurements.hpp"

namespace wsrepro::harness::detail {

namespace net = boost::asio;
using namespace std::chrono_literals;

namespace {

/// More would only repeat what the first ones show, and each costs the client a moment.
constexpr std::size_t max_captures = 4;

std::string milliseconds_text(double ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%g ms", ms);
  return text;
}

/// Where the measurement `name` starts, when it ends with the client's exit.
std::optional<std::string> start_of_exit_span(const scenario& s, const std::string& name) {
  if (const measurement_spec* m = find_measurement(name)) {
    if (m->unit == "ms" && m->to == "client.exit" && m->from_first) return m->from;
    return std::nullopt;
  }
  for (const auto& w : s.windows) {
    if (w.name == name && w.to == "client.exit") return w.from;
  }
  return std::nullopt;
}

}  // namespace

std::vector<capture_trigger> capture_triggers(const scenario& s) {
  std::vector<capture_trigger> out;
  for (const auto& step : s.captures) {
    out.push_back({step.after, step.delay_ms,
                   "[[capture]] " + milliseconds_text(step.delay_ms) + " after " + step.after});
  }
  for (const auto& [name, limit] : s.expect.limits) {
    if (!limit.max) continue;
    if (const auto from = start_of_exit_span(s, name)) {
      out.push_back({*from, *limit.max,
                     name + " passed its maximum (" + milliseconds_text(*limit.max) +
                         ") with the client still running"});
    }
  }
  return out;
}

struct run_capture::pending {
  std::atomic<bool> done{false};
  results::stack_capture result;
};

run_capture::run_capture(net::io_context& ioc, child_process& child, timeline& log,
                         capture_settings settings)
    : ioc_(ioc), child_(child), log_(log), settings_(std::move(settings)) {}

run_capture::~run_capture() {
  for (auto& w : workers_) w.join();
}

net::awaitable<void> run_capture::take(std::string why) {
  constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
  net::steady_timer pause(ioc_);
  // One at a time: a later request (the deadline's) waits for the one under way.
  const auto wait_until = std::chrono::steady_clock::now() + settings_.budget + 1s;
  while (busy_ && std::chrono::steady_clock::now() < wait_until) {
    pause.expires_after(5ms);
    co_await pause.async_wait(use_tuple);
  }
  if (!enabled() || busy_ || !child_.running() || diagnosis_.captures.size() >= max_captures) {
    co_return;
  }
  busy_ = true;
  event start;
  start.source = "harness";
  start.kind = "capture";
  start.attrs = {{"why", why}};
  log_.emit(std::move(start));
  auto job = std::make_shared<pending>();
  workers_.emplace_back([job, pid = child_.pid(), settings = settings_, why] {
    job->result = capture_stacks(pid, settings, why);
    job->done = true;
  });
  const auto give_up = std::chrono::steady_clock::now() + settings_.budget + 1s;
  while (!job->done && std::chrono::steady_clock::now() < give_up) {
    pause.expires_after(5ms);
    co_await pause.async_wait(use_tuple);
  }
  if (job->done) {
    record(std::move(job->result));
  } else {
    results::stack_capture late;
    late.t_ns = now_ns();
    late.why = why;
    results::process_stacks unfinished;
    unfinished.pid = child_.pid();
    unfinished.error = "the capture did not finish within its budget";
    late.processes.push_back(std::move(unfinished));
    record(std::move(late));
  }
  busy_ = false;
}

void run_capture::record(results::stack_capture c) {
  describe_connections(c, log_.snapshot());
  bool paused = false;
  std::string error;
  for (const auto& p : c.processes) {
    paused = paused || p.paused;
    if (!p.error.empty() && error.empty()) error = p.error;
  }
  event done;
  done.source = "harness";
  done.kind = "captured";
  done.attrs = {{"why", c.why},
                {"processes", static_cast<std::int64_t>(c.processes.size())},
                {"paused", paused},
                {"duration_ms", c.duration_ms},
                {"blocked_at", c.blocked_at},
                {"connection", c.connection}};
  if (!error.empty()) done.attrs.emplace_back("error", error);
  log_.emit(std::move(done));
  diagnosis_.captures.push_back(std::move(c));
}

}  // namespace wsrepro::harness::detail
