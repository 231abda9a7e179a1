// libFuzzer target: what the stack tools print (py-spy's JSON, eu-stack, jstack, a Node report)
// and the kernel's TCP table, as the diagnosers parse them. The tools read a client wsrepro does
// not control, so their output is untrusted too: any bytes give threads or an error, and the
// one-line wait never fails.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "../harness/src/diagnose_support.hpp"
#include "../harness/src/socket_table.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace wsrepro::harness;
  if (size == 0) return 0;
  // The first byte picks the parser; the rest is the tool's output.
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::vector<wsrepro::results::thread_stack> threads;
  std::string error;
  std::vector<std::string> notes;
  wsrepro::results::socket_state socket;
  unsigned long long inode = 0;
  switch (data[0] % 6) {
    case 0:
      threads = detail::parse_py_spy_json(text, 1, error);
      break;
    case 1:
      threads = detail::parse_eu_stack(text, 1);
      break;
    case 2:
      threads = detail::parse_jstack(text);
      break;
    case 3:
      threads = detail::parse_node_report(text, notes, error);
      break;
    default:
      (void)detail::short_cpp_name(text);
      break;
  }
  for (const auto& t : threads) (void)describe_wait(t);
  return 0;
}
