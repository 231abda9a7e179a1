#pragma once
// The JSON documents of report.json, shared by the formats that embed them (report.json, the
// jsonl stream and report.html's data): one schema, written in one place and described by
// reports/schema/report.schema.json.

#include <vector>

#include <nlohmann/json.hpp>

#include "wsrepro/reports/matrix.hpp"
#include "wsrepro/results/result.hpp"
#include "wsrepro/results/statistics.hpp"

namespace wsrepro::reports {

// Insertion order keeps the documents stable and readable: the order is the documented one.
using json = nlohmann::ordered_json;

/// report.json's schema_version: raised when a field is removed or changes meaning (new fields
/// may appear within a version). reports/schema/report.schema.json says the same.
inline constexpr int report_schema_version = 1;

/// One run, as report.json lists it.
json run_json(const results::run_result& r);
/// What is known of the invocation: version, command line, seed, repeat, stress.
json context_json(const results::report_context& context);
/// The counts, duration and exit code of the invocation.
json summary_json(const results::run_summary& summary);
/// A (scenario, client) pair's statistics over its repetitions.
json pair_json(const results::pair_statistics& p);
/// The version matrices (scenario by client version).
json matrices_json(const std::vector<version_matrix>& matrices);

/// Compact JSON whose invalid UTF-8 (client output is arbitrary bytes) is replaced, not thrown.
std::string dump_compact(const json& j);

}  // namespace wsrepro::reports
