#include "wsrepro/reports/progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace wsrepro::reports {

namespace {

std::string seconds_text(double ms) {
  const long long s = std::llround(ms / 1000);
  if (s < 60) return std::to_string(s) + " s";
  char buf[32];
  if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%lld min %02lld s", s / 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lld h %02lld min", s / 3600, (s % 3600) / 60);
  }
  return buf;
}

int terminal_columns(int fd) {
  winsize size{};
  if (fd >= 0 && ::ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}

/// At most `columns` characters (UTF-8 aware enough: never cuts a multi-byte character).
std::string fit(std::string text, int columns) {
  const auto limit = static_cast<std::size_t>(std::max(columns - 1, 10));
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0U) == 0x80U) continue;
    if (++chars > limit) {
      text.resize(i);
      break;
    }
  }
  return text;
}

}  // namespace

bool is_live_terminal(int fd) {
  if (fd < 0 || ::isatty(fd) == 0) return false;
  const char* term = std::getenv("TERM");
  return term == nullptr || std::strcmp(term, "dumb") != 0;
}

run_progress::run_progress(std::ostream& out, progress_settings settings)
    : out_(out), settings_(std::move(settings)), started_(std::chrono::steady_clock::now()) {}

run_progress::~run_progress() { stop(); }

double run_progress::now_ms() const {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_)
      .count();
}

void run_progress::plan(const results::plan_outline& plan) {
  std::lock_guard lock(mutex_);
  if (stopping_) return;
  planned_ += plan.runs.size();
  open_ended_max_ = plan.open_ended_max;
  eta_.set_jobs(plan.jobs);
  for (const auto& run : plan.runs) eta_.planned(run);
  last_output_ms_ = now_ms();
  if (!ticker_.joinable()) ticker_ = std::thread([this] { tick(); });
}

void run_progress::started(const results::run_outline& run) {
  std::lock_guard lock(mutex_);
  const double now = now_ms();
  eta_.started(run, now);
  if (!run.skipped) {
    running_[run.index] = {run.scenario_id, run.client, run.repetition, now, run.deadline_ms};
  }
}

std::string run_progress::finished(const results::run_result& r) {
  std::lock_guard lock(mutex_);
  eta_.finished(r.index, r.duration_ms, r.outcome != results::verdict::skipped);
  running_.erase(r.index);
  return counter(++done_);
}

std::string run_progress::counter(std::size_t k) const {
  if (open_ended_max_ > 0) {
    return "[" + std::to_string(k) + "/" + std::to_string(open_ended_max_) + " max]";
  }
  std::string total = std::to_string(std::max(planned_, k));
  std::string done = std::to_string(k);
  if (done.size() < total.size()) done.insert(0, total.size() - done.size(), ' ');
  return "[" + done + "/" + total + "]";
}

void run_progress::print(std::string_view text) {
  std::lock_guard lock(mutex_);
  clear_locked();
  out_ << text;
  last_output_ms_ = now_ms();
  if (!stopping_) draw_locked();
  out_.flush();
}

void run_progress::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    clear_locked();
    out_.flush();
  }
  wake_.notify_all();
  if (ticker_.joinable()) ticker_.join();
}

std::string run_progress::status() const {
  std::lock_guard lock(mutex_);
  return status_locked(false);
}

std::string run_progress::status_locked(bool for_log) const {
  // The counter, the time and the ETA first: a narrow terminal cuts the end of the line.
  const double now = now_ms();
  std::string text = counter(done_);
  const auto eta = open_ended_max_ == 0 ? eta_.remaining_ms(now) : std::nullopt;
  if (!for_log) {
    text += " " + seconds_text(now) + (eta ? ", ETA " + seconds_text(*eta) : std::string());
    if (!running_.empty()) text += " | running:";
  } else {
    text += " still running after " + seconds_text(now) +
            (eta ? " (ETA " + seconds_text(*eta) + ")" : std::string()) + ":";
  }
  std::size_t shown = 0;
  for (const auto& [index, run] : running_) {
    if (shown++ == 3) {
      text += " and " + std::to_string(running_.size() - 3) + " more";
      break;
    }
    text += (shown > 1 ? ", " : " ") + run.scenario + " on " + run.client;
    if (run.repetition > 0) text += " #" + std::to_string(run.repetition);
    text += " (" + seconds_text(now - run.started_ms);
    if (run.deadline_ms > 0) text += " of " + seconds_text(run.deadline_ms);
    text += ")";
  }
  return text;
}

void run_progress::draw_locked() {
  if (settings_.tty_fd < 0) return;
  out_ << '\r' << fit(status_locked(false), terminal_columns(settings_.tty_fd)) << "\033[K";
  drawn_ = true;
}

void run_progress::clear_locked() {
  if (!drawn_) return;
  out_ << "\r\033[K";
  drawn_ = false;
}

void run_progress::tick() {
  std::unique_lock lock(mutex_);
  const bool live = settings_.tty_fd >= 0;
  // Never a busy loop, whatever the settings.
  const auto period = std::max(
      std::chrono::milliseconds(10),
      live ? settings_.redraw : std::min(settings_.heartbeat, std::chrono::milliseconds(500)));
  while (!stopping_) {
    wake_.wait_for(lock, period);
    if (stopping_) break;
    if (live) {
      draw_locked();
      out_.flush();
    } else if (settings_.heartbeat.count() > 0 && !running_.empty() &&
               now_ms() - last_output_ms_ >= static_cast<double>(settings_.heartbeat.count())) {
      out_ << status_locked(true) << '\n';
      out_.flush();
      last_output_ms_ = now_ms();
    }
  }
}

}  // namespace wsrepro::reports
