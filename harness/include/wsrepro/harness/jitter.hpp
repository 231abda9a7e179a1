#pragma once
// Seeded jitter on a scenario's integer server parameters (--jitter delay_ms=0..50): each run
// draws its values from its own seed, so any run can be repeated exactly (--replay).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wsrepro/harness/scenario.hpp"

namespace wsrepro::harness {

enum class jitter_distribution { uniform, log_uniform };

struct jitter_spec {
  std::string param;
  double low = 0;
  double high = 0;
  jitter_distribution distribution = jitter_distribution::uniform;
};

/// "delay_ms=0..50" or "delay_ms=1..1000:log"; nullopt and `error` when malformed.
std::optional<jitter_spec> parse_jitter(std::string_view text, std::string& error);

/// Checks the spec against the scenario's behaviour: an integer parameter, a range its schema
/// allows. Empty when fine, else the problem (naming the known integer parameters).
std::string check_jitter(const jitter_spec& spec, const scenario& s);

/// The values for one run, drawn from its seed; `_ms` values are multiplied by `time_scale`
/// (like every duration) after drawing, so a replay at the same scale gets the same values.
std::map<std::string, std::int64_t> draw_jitter(const std::vector<jitter_spec>& specs,
                                                std::uint64_t run_seed, double time_scale);

/// "A..B:STEP" for sweep: the values from A to B inclusive in steps of STEP.
std::optional<std::vector<std::int64_t>> parse_sweep_values(std::string_view text,
                                                            std::string& error);

}  // namespace wsrepro::harness
