#include "wsrepro/reports/matrix.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>

#include "wsrepro/common/version.hpp"

namespace wsrepro::reports {

using results::verdict;

std::string headline_text(const results::run_result& r) {
  const results::measurement* m = r.find(r.headline);
  if (m == nullptr || m->status != results::measurement_status::measured) return "-";
  if (m->text) return *m->text;
  if (!m->value) return "-";
  char buf[48];
  const char* bound = m->lower_bound ? "≥" : "";
  if (m->unit == "ms") {
    if (*m->value >= 1000) {
      std::snprintf(buf, sizeof buf, "%s%.1f s", bound, *m->value / 1000);
    } else {
      std::snprintf(buf, sizeof buf, "%s%.0f ms", bound, *m->value);
    }
  } else {
    std::snprintf(buf, sizeof buf, "%s%g", bound, *m->value);
  }
  return buf;
}

namespace {

std::string cell_text(const results::run_result& r) {
  switch (r.outcome) {
    case verdict::pass:
      return "ok " + headline_text(r);
    case verdict::known_bug:
      return "BUG " + headline_text(r);
    case verdict::fail:
      return "FAIL " + headline_text(r);
    case verdict::skipped:
      return "skip";
    case verdict::error:
      return "error";
    case verdict::unsupported:
      return "n/s " + headline_text(r);
  }
  return "error";
}

/// Which verdict a repeated cell shows: the most alarming one.
int severity(verdict v) {
  switch (v) {
    case verdict::error:
      return 4;
    case verdict::fail:
      return 3;
    case verdict::known_bug:
      return 2;
    case verdict::unsupported:  // a finding, but not judged: above a pass only by a skip
    case verdict::pass:
      return 1;
    case verdict::skipped:
      return 0;
  }
  return 0;
}

}  // namespace

void matrix_collector::add(const results::run_result& r) {
  if (r.client_version.empty()) return;
  entries_.push_back({r.library.empty() ? r.client_name : r.library, r.scenario_id, r.client_name,
                      r.client_version, r.runtime_version.value_or(""), r.headline, r.outcome,
                      cell_text(r)});
}

std::vector<version_matrix> matrix_collector::build() const {
  std::vector<version_matrix> out;
  const auto matrix_for = [&out](const std::string& library) -> version_matrix& {
    for (auto& m : out) {
      if (m.library == library) return m;
    }
    out.push_back({library, {}, {}, {}});
    return out.back();
  };
  std::set<std::pair<std::string, std::string>> seen;  // (library, version): sort each once
  for (const auto& e : entries_) {
    auto& m = matrix_for(e.matrix);
    if (seen.insert({e.matrix, e.version}).second) m.versions.push_back(e.version);
    if (!e.runtime.empty() &&
        std::find(m.runtimes.begin(), m.runtimes.end(), e.runtime) == m.runtimes.end()) {
      m.runtimes.push_back(e.runtime);
    }
  }
  for (auto& m : out) sort_versions(m.versions);
  // (library, scenario, client) -> row: building stays O(n log n) with many scenarios.
  std::map<std::tuple<std::string, std::string, std::string>, std::size_t> rows;
  for (const auto& e : entries_) {
    auto& m = matrix_for(e.matrix);
    const auto [slot, added] =
        rows.try_emplace({e.matrix, e.scenario_id, e.client_name}, m.rows.size());
    if (added) {
      m.rows.push_back(
          {e.scenario_id, e.client_name, e.headline, std::vector<matrix_cell>(m.versions.size())});
    }
    auto* row = &m.rows[slot->second];
    const auto column = static_cast<std::size_t>(
        std::find_if(m.versions.begin(), m.versions.end(),
                     [&](const std::string& v) { return compare_versions(v, e.version) == 0; }) -
        m.versions.begin());
    auto& cell = row->cells[column];
    if (!cell.present || severity(e.outcome) > severity(cell.outcome)) {
      cell = {true, e.outcome, e.text};
    }
  }
  return out;
}

namespace {
/// Width on a terminal: code points, not bytes (cells hold "≥").
std::size_t display_width(const std::string& s) {
  std::size_t n = 0;
  for (const unsigned char c : s) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}
}  // namespace

std::string render_matrix_text(const version_matrix& m) {
  std::vector<std::vector<std::string>> table;
  std::vector<std::string> header{"scenario", "client"};
  for (const auto& v : m.versions) header.push_back(v);
  table.push_back(header);
  for (const auto& row : m.rows) {
    std::vector<std::string> line{row.scenario_id, row.client_name};
    for (const auto& c : row.cells) line.push_back(c.present ? c.text : "");
    table.push_back(line);
  }
  std::vector<std::size_t> widths(header.size(), 0);
  for (const auto& line : table) {
    for (std::size_t i = 0; i < line.size(); ++i) {
      widths[i] = std::max(widths[i], display_width(line[i]));
    }
  }
  std::string out;
  for (const auto& line : table) {
    std::string text;
    for (std::size_t i = 0; i < line.size(); ++i) {
      text += line[i];
      if (i + 1 < line.size()) text += std::string(widths[i] - display_width(line[i]) + 2, ' ');
    }
    out += text + "\n";
  }
  return out;
}

}  // namespace wsrepro::reports
