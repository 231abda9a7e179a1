// libFuzzer target: the mock server's upgrade-request reader on arbitrary bytes, arriving in
// pieces as a client may send them. Bounded (64 KiB of header) and never crashing.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "../mock_servers/src/request_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte picks the size of the pieces the rest arrives in.
  const std::size_t piece = 1 + data[0] % 64;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  using reader_status = wsrepro::mock::detail::request_reader::status;
  wsrepro::mock::detail::request_reader reader(4096);
  for (std::size_t at = 0; at < bytes.size(); at += piece) {
    const auto status = reader.feed(bytes.substr(at, piece));
    if (status == reader_status::error) return 0;
    if (status == reader_status::done) {
      const auto request = reader.request();
      if (reader.total_bytes() > bytes.size()) std::abort();
      (void)request;
      (void)reader.take_leftover();
      return 0;
    }
  }
  return 0;
}
