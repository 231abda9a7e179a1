#pragma once
// The version matrix: for each library with versioned clients, one row per (scenario, client)
// and one column per version, each cell the verdict and the scenario's headline measurement.
// This is the table that shows on which releases a bug reproduces (the seed matrix).

#include <string>
#include <vector>

#include "wsrepro/results/result.hpp"

namespace wsrepro::reports {

struct matrix_cell {
  bool present = false;
  results::verdict outcome = results::verdict::skipped;
  std::string text;  ///< "BUG 10.1 s", "ok 31 ms", "FAIL 3.0 s", "skip", "error"
};

struct matrix_row {
  std::string scenario_id;
  std::string client_name;
  std::string headline;            ///< the measurement the cells show
  std::vector<matrix_cell> cells;  ///< one per column
};

struct version_matrix {
  std::string library;                ///< or the client's name when its manifest names no library
  std::vector<std::string> versions;  ///< ascending
  std::vector<std::string> runtimes;  ///< the runtime versions seen, e.g. CPython 3.11.7
  std::vector<matrix_row> rows;
};

/// Collects what the matrices need from each run as it finishes (reporters stream results and
/// keep no timelines).
class matrix_collector {
 public:
  void add(const results::run_result& r);
  /// One matrix per library, in first-seen order; empty when no run used a versioned client.
  /// Repetitions of one cell count as one: the most alarming verdict wins.
  std::vector<version_matrix> build() const;
  void clear() { entries_.clear(); }

 private:
  struct entry {
    std::string matrix;  ///< library, or client name
    std::string scenario_id;
    std::string client_name;
    std::string version;
    std::string runtime;
    std::string headline;
    results::verdict outcome;
    std::string text;
  };
  std::vector<entry> entries_;
};

/// "10.1 s", "31 ms", ">= 30.0 s" (a deadline kill), text as it is; "-" when not measured.
std::string headline_text(const results::run_result& r);

/// Plain-text rendering for a terminal (aligned columns).
std::string render_matrix_text(const version_matrix& m);

}  // namespace wsrepro::reports
