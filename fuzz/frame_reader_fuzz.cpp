// libFuzzer target: the mock servers' frame reader on arbitrary bytes, fed in two pieces, and
// the round trip of every frame it accepts through the frame writer.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "wsrepro/mock/frame.hpp"

namespace {

using wsrepro::mock::frame;
using wsrepro::mock::frame_parser;

void check_round_trip(const frame& f) {
  frame_parser again(1u << 20);
  again.feed(wsrepro::mock::encode_frame(f));
  frame copy;
  std::string error;
  if (again.next(copy, error) != frame_parser::status::frame || copy.payload != f.payload ||
      copy.opcode != f.opcode || copy.fin != f.fin || copy.rsv != f.rsv ||
      copy.masked != f.masked) {
    std::abort();  // the writer and the reader disagree about a frame
  }
}

void drain(frame_parser& parser) {
  for (int i = 0; i < 10'000; ++i) {
    frame f;
    std::string error;
    const auto status = parser.next(f, error);
    if (status != frame_parser::status::frame) return;
    check_round_trip(f);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const std::size_t split = size == 0 ? 0 : data[0] % (size + 1);
  frame_parser parser(1u << 20);
  parser.feed(bytes.substr(0, split));
  drain(parser);
  parser.feed(bytes.substr(split));
  drain(parser);
  return 0;
}
