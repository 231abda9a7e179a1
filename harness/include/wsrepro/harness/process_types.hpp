#pragma once
// Small vocabulary shared by scenarios and the supervisor, free of Asio.

#include <optional>
#include <string>
#include <string_view>

namespace wsrepro::harness {

enum class stdin_mode { null, pipe };
enum class signal_target { process, group };

/// "SIGINT" for 2; "signal 64" when unnamed.
std::string signal_name(int sig);
/// 2 for "SIGINT" or "INT"; nullopt when unknown.
std::optional<int> signal_number(std::string_view name);

}  // namespace wsrepro::harness
