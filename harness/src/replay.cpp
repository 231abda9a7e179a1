#include "wsrepro/harness/replay.hpp"

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
  if (index >= runs.size()) {
    return file + " has " + std::to_string(runs.size()) + " runs (indices 0 to " +
           std::to_string(runs.size() - 1) + ")";
  }
  const auto& run = runs[index];
  replay_source source;
  try {
    source.scenario_id = run.at("scenario").get<std::string>();
    source.client = run.at("client").get<std::string>();
    source.argv = run.value("argv", std::vector<std::string>{});
    source.seed = run.value("seed", std::uint64_t{0});
    source.server_params = run.value("server_params", std::map<std::string, std::int64_t>{});
    source.time_scale = doc.value("time_scale", 1.0);
  } catch (const std::exception& e) {
    return "run " + std::to_string(index) + " of " + file + " is incomplete: " + e.what();
  }
  if (source.scenario_id.empty() || source.client.empty()) {
    return "run " + std::to_string(index) + " of " + file + " names no scenario or client";
  }
  return source;
}

}  // namespace wsrepro::harness
