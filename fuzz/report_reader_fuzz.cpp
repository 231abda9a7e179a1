// libFuzzer target: the report.json reader behind `wsrepro merge`, on arbitrary bytes. A
// damaged or doctored report is an error message, never a crash.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "wsrepro/reports/report_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)wsrepro::reports::read_report(text, "fuzz.json");
  return 0;
}
