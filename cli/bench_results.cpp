#include "bench_results.hpp"

#include "wsrepro/common/files.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

namespace wsrepro::cli {

using json = nlohmann::ordered_json;

namespace {

// A run counts as noisy past these: a spread a third of the mean, or more than one run in ten
// an outlier by hyperfine's rule (more than 14.8 MADs from the median), on which hyperfine warns.
constexpr double noisy_cv = 1.0 / 3.0;
constexpr double noisy_outlier_share = 0.1;

std::string fmt(double v) {
  if (!std::isfinite(v)) return "-";
  char buf[48];
  std::snprintf(buf, sizeof buf, std::fabs(v) >= 100 ? "%.1f" : "%.3f", v);
  return buf;
}

json number_or_null(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

json summary_json(const bench_series& s) {
  json j = {{"n", s.summary.count},
            {"missing", s.missing},
            {"min", number_or_null(s.summary.min)},
            {"median", number_or_null(s.summary.median)},
            {"mean", number_or_null(s.summary.mean)},
            {"stddev", number_or_null(s.summary.stddev)},
            {"p95", number_or_null(s.summary.p95)},
            {"p99", number_or_null(s.summary.p99)},
            {"max", number_or_null(s.summary.max)},
            {"mad", number_or_null(s.summary.mad)},
            {"outliers", s.summary.outliers},
            {"noisy", s.noisy},
            {"unit", s.unit}};
  if (s.noisy) j["noise"] = s.noise;
  return j;
}

}  // namespace

void summarize_series(bench_client& client, const std::vector<std::string>& measurements,
                      const std::vector<std::string>& units) {
  client.series.clear();
  for (std::size_t m = 0; m < measurements.size(); ++m) {
    bench_series s;
    s.measurement = measurements[m];
    s.unit = units[m];
    for (const auto& run : client.runs) {
      if (m < run.values.size() && run.values[m]) {
        s.values.push_back(*run.values[m]);
      } else {
        ++s.missing;
      }
    }
    s.summary = summarize(s.values);
    const double cv = s.summary.mean != 0 ? s.summary.stddev / std::fabs(s.summary.mean) : 0;
    const double outlier_share = s.values.empty() ? 0
                                                  : static_cast<double>(s.summary.outliers.size()) /
                                                        static_cast<double>(s.values.size());
    if (std::isfinite(cv) && cv > noisy_cv) {
      s.noisy = true;
      s.noise = "stddev is " + fmt(cv * 100) + "% of the mean";
    }
    if (outlier_share > noisy_outlier_share) {
      s.noisy = true;
      s.noise += std::string(s.noise.empty() ? "" : "; ") +
                 std::to_string(s.summary.outliers.size()) + " of " +
                 std::to_string(s.values.size()) + " runs are outliers (MAD)";
    }
    if (s.missing > 0) {
      s.noise += std::string(s.noise.empty() ? "" : "; ") + std::to_string(s.missing) +
                 " runs did not measure it";
      s.noisy = true;
    }
    client.series.push_back(std::move(s));
  }
}

std::string bench_json(const bench_results& results) {
  json doc;
  doc["scenario"] = results.scenario_id;
  doc["measurements"] = results.measurements;
  doc["seed"] = results.seed;
  doc["clients"] = json::array();
  for (const auto& c : results.clients) {
    json client = {{"client", c.name},
                   {"library_version", c.library_version},
                   {"runtime_version", c.runtime_version},
                   {"argv", c.argv},
                   {"warmup_runs", c.warmup_runs}};
    json stats = json::object();
    for (const auto& s : c.series) stats[s.measurement] = summary_json(s);
    client["statistics"] = std::move(stats);
    json runs = json::array();
    for (const auto& run : c.runs) {
      json r = {{"run", run.index},
                {"verdict", results::to_string(run.outcome)},
                {"exit_code", run.exit_code ? json(*run.exit_code) : json(nullptr)},
                {"seed", run.seed}};
      for (std::size_t m = 0; m < results.measurements.size(); ++m) {
        const bool has = m < run.values.size() && run.values[m];
        r[results.measurements[m]] = has ? json(*run.values[m]) : json(nullptr);
      }
      runs.push_back(std::move(r));
    }
    client["runs"] = std::move(runs);
    doc["clients"].push_back(std::move(client));
  }
  json ratios = json::array();
  for (const auto& r : results.ratios) {
    ratios.push_back({{"measurement", r.measurement},
                      {"numerator", r.numerator},
                      {"denominator", r.denominator},
                      {"median_ratio", number_or_null(r.estimate.ratio)},
                      {"ci95_low", number_or_null(r.estimate.low)},
                      {"ci95_high", number_or_null(r.estimate.high)}});
  }
  doc["ratios"] = std::move(ratios);
  json regressions = json::array();
  for (const auto& r : results.regressions) {
    regressions.push_back({{"client", r.client},
                           {"measurement", r.measurement},
                           {"regressed", r.check.regressed},
                           {"ratio", number_or_null(r.check.ratio)},
                           {"delta_ms", number_or_null(r.check.delta_ms)},
                           {"message", r.check.message}});
  }
  doc["regressions"] = std::move(regressions);
  return doc.dump(2) + "\n";
}

std::string bench_csv(const bench_results& results) {
  std::string out = "client,run,verdict,exit_code,seed";
  for (const auto& m : results.measurements) out += "," + m;
  out += "\n";
  for (const auto& c : results.clients) {
    for (const auto& run : c.runs) {
      out += c.name + "," + std::to_string(run.index) + "," +
             std::string(results::to_string(run.outcome)) + "," +
             (run.exit_code ? std::to_string(*run.exit_code) : "") + "," + std::to_string(run.seed);
      for (std::size_t m = 0; m < results.measurements.size(); ++m) {
        out += ",";
        if (m < run.values.size() && run.values[m]) {
          char buf[48];
          std::snprintf(buf, sizeof buf, "%.6f", *run.values[m]);
          out += buf;
        }
      }
      out += "\n";
    }
  }
  return out;
}

std::string bench_markdown(const bench_results& results) {
  std::string out = "# wsrepro bench: " + results.scenario_id + "\n\n";
  for (const auto& m : results.measurements) {
    out += "## " + m +
           "\n\n| client | runs | min | median | mean ± stddev | p95 | p99 | max | "
           "outliers | note |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n";
    for (const auto& c : results.clients) {
      for (const auto& s : c.series) {
        if (s.measurement != m) continue;
        const auto& x = s.summary;
        out += "| " + c.name + " | " + std::to_string(x.count) + " | " + fmt(x.min) + " | " +
               fmt(x.median) + " | " + fmt(x.mean) + " ± " + fmt(x.stddev) + " | " + fmt(x.p95) +
               " | " + fmt(x.p99) + " | " + fmt(x.max) + " | " + std::to_string(x.outliers.size()) +
               " | " + (s.noisy ? "noisy: " + s.noise : "") + " |\n";
      }
    }
    out += "\n";
  }
  for (const auto& r : results.ratios) {
    out += "- " + r.measurement + ": " + r.numerator + " / " + r.denominator + " = " +
           fmt(r.estimate.ratio) + " (95% CI " + fmt(r.estimate.low) + " to " +
           fmt(r.estimate.high) + ", median ratio, bootstrap)\n";
  }
  for (const auto& r : results.regressions) {
    out += std::string("- ") + (r.check.regressed ? "**regressed**" : "ok") + ": " + r.client +
           " " + r.measurement + ": " + r.check.message + "\n";
  }
  return out;
}

std::string hyperfine_json(const bench_results& results) {
  json doc;
  doc["results"] = json::array();
  for (const auto& c : results.clients) {
    if (c.series.empty()) continue;
    const auto& s = c.series.front();
    // hyperfine's unit is the second.
    const double scale = s.unit == "ms" ? 1e-3 : 1.0;
    json times = json::array();
    for (const double v : s.values) times.push_back(v * scale);
    json exit_codes = json::array();
    for (const auto& run : c.runs) {
      exit_codes.push_back(run.exit_code ? json(*run.exit_code) : json(nullptr));
    }
    doc["results"].push_back(
        {{"command", c.name + ": " + results.scenario_id + " (" + s.measurement + ")"},
         {"mean", number_or_null(s.summary.mean * scale)},
         {"stddev", number_or_null(s.summary.stddev * scale)},
         {"median", number_or_null(s.summary.median * scale)},
         {"min", number_or_null(s.summary.min * scale)},
         {"max", number_or_null(s.summary.max * scale)},
         {"times", std::move(times)},
         {"exit_codes", std::move(exit_codes)}});
  }
  return doc.dump(2) + "\n";
}

std::optional<std::vector<baseline_median>> read_baseline(const std::string& file,
                                                          std::string& error) {
  std::string read_error;
  const auto text = read_file(file, read_error);
  if (!text) {
    error = "cannot read " + file + ": " + read_error;
    return std::nullopt;
  }
  const auto doc = nlohmann::json::parse(*text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("clients") ||
      !doc["clients"].is_array()) {
    error = file + " is not a bench.json written by wsrepro bench";
    return std::nullopt;
  }
  std::vector<baseline_median> out;
  for (const auto& c : doc["clients"]) {
    // A damaged or hand-edited baseline: skip what is not shaped as wsrepro writes it.
    if (!c.is_object() || !c.contains("statistics") || !c["statistics"].is_object()) continue;
    const std::string client = c.contains("client") && c["client"].is_string()
                                   ? c["client"].get<std::string>()
                                   : std::string();
    for (const auto& [name, stats] : c["statistics"].items()) {
      if (stats.is_object() && stats.contains("median") && stats["median"].is_number()) {
        out.push_back({client, name, stats["median"].get<double>()});
      }
    }
  }
  return out;
}

std::string bench_table(const bench_results& results) {
  std::string out;
  for (const auto& m : results.measurements) {
    char header[160];
    std::snprintf(header, sizeof header, "\n%-28s %5s %10s %10s %21s %10s %10s %10s\n", m.c_str(),
                  "runs", "min", "median", "mean ± stddev", "p95", "p99", "max");
    out += header;
    for (const auto& c : results.clients) {
      for (const auto& s : c.series) {
        if (s.measurement != m) continue;
        const auto& x = s.summary;
        char line[256];
        std::snprintf(line, sizeof line, "%-28s %5zu %10s %10s %10s ± %8s %10s %10s %10s",
                      c.name.c_str(), x.count, fmt(x.min).c_str(), fmt(x.median).c_str(),
                      fmt(x.mean).c_str(), fmt(x.stddev).c_str(), fmt(x.p95).c_str(),
                      fmt(x.p99).c_str(), fmt(x.max).c_str());
        out += line;
        if (!x.outliers.empty()) out += "  " + std::to_string(x.outliers.size()) + " outliers";
        if (s.noisy) out += "  (noisy: " + s.noise + ")";
        out += "\n";
      }
    }
  }
  for (const auto& r : results.ratios) {
    out += "\n" + r.measurement + ": " + r.numerator + " / " + r.denominator + " = " +
           fmt(r.estimate.ratio) + " (95% CI " + fmt(r.estimate.low) + " to " +
           fmt(r.estimate.high) + ")";
  }
  if (!results.ratios.empty()) out += "\n";
  for (const auto& r : results.regressions) {
    out += std::string(r.check.regressed ? "REGRESSED " : "ok        ") + r.client + " " +
           r.measurement + ": " + r.check.message + "\n";
  }
  return out;
}

}  // namespace wsrepro::cli
