// libFuzzer target: the scenario loader on arbitrary text. It must never crash, whatever the
// file holds (a 50,000-level dotted header once crashed the TOML parser), and a scenario it
// accepts must survive everything done to it before a run.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "wsrepro/harness/scenario.hpp"
#include "wsrepro/harness/scenario_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto result = wsrepro::harness::parse_scenario(text, "fuzz.toml");
  for (const auto& e : result.errors) (void)e.to_string();
  for (auto& s : result.scenarios) {
    (void)s.expect.describe();
    (void)wsrepro::harness::derive_situation(s);
    wsrepro::harness::apply_time_scale(s, 0.01);
    wsrepro::harness::apply_time_scale(s, 1000);
  }
  return 0;
}
