#include "wsrepro/harness/replay.hpp"

#include <cstdint>
#include <nlohmann/json.hpp>

namespace wsrepro::harness {

std::variant<replay_source, std::string> parse_replay_report(std::string_view text,
                                                             std::size_t index,
                                                             const std::string& file) {
  const auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("runs") || !doc["runs"].is_array()) {
    return file + " is not a wsrepro report.json";
  }
  const auto& runs = doc["runs"];
  if (runs.empty()) return file + " has no runs";
  // N is the run's place in its invocation's plan: the run whose "index" it is (a --shard
  // report holds only some), or, in a report without indices, the N-th run.
  const nlohmann::json* found = nullptr;
  for (const auto& candidate : runs) {
    if (candidate.is_object() && candidate.contains("index") &&
        candidate["index"].is_number_unsigned() &&
        candidate["index"].get<std::uint64_t>() == index) {
      found = &candidate;
      break;
    }
  }
  const bool indexed = runs[0].is_object() && runs[0].contains("index");
  if (found == nullptr && !indexed && index < runs.size()) found = &runs[index];
  if (found == nullptr) {
    return file + " has no run " + std::to_string(index) + " (it has " +
           std::to_string(runs.size()) + " runs; N is the run's \"index\")";
  }
  const auto& run = *found;
  const std::string where = "run " + std::to_string(index) + " of " + file;
  if (!run.is_object()) return where + " is not an object";
  // Every field is checked for its type before it is read: nlohmann's conversions cast a
  // number to whatever is asked, and a seed of 1e30 as an integer is undefined behaviour.
  replay_source source;
  const auto read_text = [&](const char* key, std::string& out) {
    if (!run.contains(key) || !run[key].is_string()) return false;
    out = run[key].get<std::string>();
    return !out.empty();
  };
  if (!read_text("scenario", source.scenario_id) || !read_text("client", source.client)) {
    return where + " names no scenario or client";
  }
  if (run.contains("argv")) {
    if (!run["argv"].is_array()) return where + ": argv is not a list";
    for (const auto& arg : run["argv"]) {
      if (!arg.is_string()) return where + ": argv holds something other than text";
      source.argv.push_back(arg.get<std::string>());
    }
  }
  if (run.contains("replay_args")) {
    if (!run["replay_args"].is_array()) return where + ": replay_args is not a list";
    for (const auto& arg : run["replay_args"]) {
      if (!arg.is_string()) return where + ": replay_args holds something other than text";
      source.replay_args.push_back(arg.get<std::string>());
    }
  }
  if (run.contains("seed")) {
    if (!run["seed"].is_number_unsigned()) return where + ": seed is not a whole number >= 0";
    source.seed = run["seed"].get<std::uint64_t>();
  }
  if (run.contains("server_params")) {
    if (!run["server_params"].is_object()) return where + ": server_params is not an object";
    for (const auto& [name, value] : run["server_params"].items()) {
      if (!value.is_number_integer()) {
        return where + ": server parameter " + name + " is not a whole number";
      }
      if (value.is_number_unsigned() && value.get<std::uint64_t>() > INT64_MAX) {
        return where + ": server parameter " + name + " is too large";
      }
      source.server_params[name] = value.get<std::int64_t>();
    }
  }
  if (doc.contains("time_scale")) {
    if (!doc["time_scale"].is_number()) return file + ": time_scale is not a number";
    source.time_scale = doc["time_scale"].get<double>();
  }
  return source;
}

}  // namespace wsrepro::harness
