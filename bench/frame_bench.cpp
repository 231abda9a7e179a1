// Throughput of the mock servers' own frame writer and reader.

#include <benchmark/benchmark.h>

#include "wsrepro/mock/frame.hpp"

namespace {

using namespace wsrepro::mock;

void frame_encode(benchmark::State& state) {
  frame f;
  f.opcode = opcodes::binary;
  f.payload.assign(static_cast<std::size_t>(state.range(0)), 'x');
  for (auto _ : state) {
    auto bytes = encode_frame(f);
    benchmark::DoNotOptimize(bytes);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(frame_encode)->Arg(16)->Arg(1024)->Arg(64 * 1024);

void frame_parse_masked(benchmark::State& state) {
  frame f;
  f.opcode = opcodes::binary;
  f.masked = true;
  f.mask_key = {1, 2, 3, 4};
  f.payload.assign(static_cast<std::size_t>(state.range(0)), 'x');
  const std::string bytes = encode_frame(f);
  frame out;
  std::string error;
  for (auto _ : state) {
    frame_parser parser;
    parser.feed(bytes);
    benchmark::DoNotOptimize(parser.next(out, error));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(frame_parse_masked)->Arg(16)->Arg(1024)->Arg(64 * 1024);

/// Many small masked frames back to back in one buffer, as a flood arrives in one read: the
/// per-frame cost of the reader (header parse, unmasking, buffer bookkeeping).
void frame_parse_back_to_back(benchmark::State& state) {
  constexpr int frames = 1000;
  frame f;
  f.opcode = opcodes::text;
  f.masked = true;
  f.mask_key = {1, 2, 3, 4};
  f.payload.assign(static_cast<std::size_t>(state.range(0)), 'x');
  std::string bytes;
  for (int i = 0; i < frames; ++i) bytes += encode_frame(f);
  frame out;
  std::string error;
  for (auto _ : state) {
    frame_parser parser;
    parser.feed(bytes);
    int parsed = 0;
    while (parser.next(out, error) == frame_parser::status::frame) ++parsed;
    if (parsed != frames) {
      state.SkipWithError("the reader did not return every frame");
      break;
    }
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * frames);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(bytes.size()));
}
BENCHMARK(frame_parse_back_to_back)->Arg(2)->Arg(16)->Arg(125);

}  // namespace
