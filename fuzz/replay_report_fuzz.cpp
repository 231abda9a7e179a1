// libFuzzer target: the report reader behind `--replay REPORT.json#N`, on arbitrary bytes. A
// damaged or doctored report is an error message, never a crash.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "wsrepro/harness/replay.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t index = data[0] % 4;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  (void)wsrepro::harness::parse_replay_report(text, index, "fuzz.json");
  return 0;
}
