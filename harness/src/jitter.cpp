#include "wsrepro/harness/jitter.hpp"

#include <charconv>
#include <cmath>

#include "wsrepro/common/statistics.hpp"
#include "wsrepro/mock/registry.hpp"

namespace wsrepro::harness {

namespace {

std::optional<double> to_number(std::string_view text) {
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return v;
}

std::uint64_t name_hash(std::string_view name) {
  std::uint64_t h = 14695981039346656037ull;
  for (const unsigned char c : name) h = (h ^ c) * 1099511628211ull;
  return h;
}

}  // namespace

std::optional<jitter_spec> parse_jitter(std::string_view text, std::string& error) {
  const auto eq = text.find('=');
  const auto dots = text.find("..");
  if (eq == std::string_view::npos || eq == 0 || dots == std::string_view::npos || dots < eq) {
    error = "expected NAME=LOW..HIGH (e.g. delay_ms=0..50), got '" + std::string(text) + "'";
    return std::nullopt;
  }
  jitter_spec spec;
  spec.param = std::string(text.substr(0, eq));
  std::string_view high_text = text.substr(dots + 2);
  if (const auto colon = high_text.find(':'); colon != std::string_view::npos) {
    const auto kind = high_text.substr(colon + 1);
    if (kind == "log") {
      spec.distribution = jitter_distribution::log_uniform;
    } else if (kind != "uniform") {
      error = "unknown distribution '" + std::string(kind) + "' (known: uniform, log)";
      return std::nullopt;
    }
    high_text = high_text.substr(0, colon);
  }
  const auto low = to_number(text.substr(eq + 1, dots - eq - 1));
  const auto high = to_number(high_text);
  if (!low || !high || !std::isfinite(*low) || !std::isfinite(*high) || *low > *high) {
    error = "'" + std::string(text) + "': LOW and HIGH must be numbers with LOW <= HIGH";
    return std::nullopt;
  }
  if (spec.distribution == jitter_distribution::log_uniform && *low <= 0) {
    error = "'" + std::string(text) + "': a log-uniform range must start above 0";
    return std::nullopt;
  }
  spec.low = *low;
  spec.high = *high;
  return spec;
}

std::string check_jitter(const jitter_spec& spec, const scenario& s) {
  const mock::behaviour_info* info = mock::find_behaviour(s.behaviour);
  if (info == nullptr) return "unknown behaviour " + s.behaviour;
  const mock::param_spec* param = mock::find_param(info->params, spec.param);
  if (param == nullptr || param->type != mock::param_type::integer) {
    std::string known;
    for (const auto& p : info->params) {
      if (p.type == mock::param_type::integer) known += (known.empty() ? "" : ", ") + p.name;
    }
    return "behaviour " + s.behaviour + " (scenario " + s.id + ") has no integer parameter '" +
           spec.param + "' (its integer parameters: " + (known.empty() ? "none" : known) + ")";
  }
  if (spec.low < static_cast<double>(param->min) || spec.high > static_cast<double>(param->max)) {
    return "parameter " + spec.param + " of " + s.behaviour + " takes " +
           std::to_string(param->min) + " to " + std::to_string(param->max);
  }
  return {};
}

std::map<std::string, std::int64_t> draw_jitter(const std::vector<jitter_spec>& specs,
                                                std::uint64_t run_seed, double time_scale) {
  std::map<std::string, std::int64_t> out;
  for (const auto& spec : specs) {
    // One independent stream per parameter, so adding a --jitter leaves the others' draws.
    const std::uint64_t seed = derive_seed(run_seed, name_hash(spec.param));
    double v = 0;
    if (spec.distribution == jitter_distribution::log_uniform) {
      v = std::exp(uniform_in(seed, std::log(spec.low), std::log(spec.high)));
    } else {
      v = uniform_in(seed, spec.low, spec.high);
    }
    if (spec.param.ends_with("_ms")) v *= time_scale;
    out[spec.param] = static_cast<std::int64_t>(std::llround(v));
  }
  return out;
}

std::optional<std::vector<std::int64_t>> parse_sweep_values(std::string_view text,
                                                            std::string& error) {
  const auto dots = text.find("..");
  const auto colon = text.rfind(':');
  const auto number = [](std::string_view t) -> std::optional<std::int64_t> {
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc{} || end != t.data() + t.size()) return std::nullopt;
    return v;
  };
  std::optional<std::int64_t> first;
  std::optional<std::int64_t> last;
  std::optional<std::int64_t> step = 1;
  if (dots != std::string_view::npos) {
    first = number(text.substr(0, dots));
    const bool has_step = colon != std::string_view::npos && colon > dots;
    last = number(text.substr(dots + 2, has_step ? colon - dots - 2 : std::string_view::npos));
    if (has_step) step = number(text.substr(colon + 1));
  }
  if (!first || !last || !step || *step <= 0 || *first > *last) {
    error =
        "expected FIRST..LAST:STEP with integers, FIRST <= LAST and STEP > 0 (e.g. "
        "0..60:5), got '" +
        std::string(text) + "'";
    return std::nullopt;
  }
  // Unsigned: the span of two int64 values may not fit in an int64, and stepping past the last
  // value would overflow; counting from the first never does.
  const std::uint64_t span = static_cast<std::uint64_t>(*last) - static_cast<std::uint64_t>(*first);
  const std::uint64_t count = span / static_cast<std::uint64_t>(*step) + 1;
  if (count > 1000) {
    error = "'" + std::string(text) + "' makes more than 1000 values";
    return std::nullopt;
  }
  std::vector<std::int64_t> values;
  for (std::uint64_t i = 0; i < count; ++i) {
    values.push_back(static_cast<std::int64_t>(static_cast<std::uint64_t>(*first) +
                                               i * static_cast<std::uint64_t>(*step)));
  }
  return values;
}

}  // namespace wsrepro::harness
