#pragma once
// The one interface every output of wsrepro implements (report files, the terminal, bench and
// sweep tables): told of the invocation, fed each run as it finishes, then told it is over.
// The harness feeds it; the formats live in reports/.

#include <memory>
#include <utility>
#include <vector>

#include "wsrepro/results/result.hpp"

namespace wsrepro::results {

class reporter {
 public:
  virtual ~reporter() = default;
  virtual void begin(const report_context& context) = 0;
  virtual void run_finished(const run_result& result) = 0;
  virtual void end(const run_summary& summary) = 0;
};

/// Fans out every call to several reporters; one that throws does not stop the others (the
/// first exception is rethrown after all have had the call).
class multi_reporter final : public reporter {
 public:
  void add(std::unique_ptr<reporter> r) { reporters_.push_back(std::move(r)); }
  void begin(const report_context& context) override;
  void run_finished(const run_result& result) override;
  void end(const run_summary& summary) override;

 private:
  std::vector<std::unique_ptr<reporter>> reporters_;
};

}  // namespace wsrepro::results
