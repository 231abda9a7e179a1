#pragma once
// Small vocabulary shared by scenarios and the supervisor, free of Asio.

#include <optional>
#include <string>
#include <string_view>

namespace wsrepro::harness {

/// What the client's stdin is: /dev/null, a pipe held open with nothing written, or a
/// pseudo-terminal that is its controlling terminal (interactive clients act differently).
enum class stdin_mode { null, pipe, pty };
/// How a signal is delivered: kill() to the process, to its process group, or a Ctrl+C typed
/// into its terminal (the terminal then signals the whole foreground process group).
enum class signal_target { process, group, terminal };

std::string_view to_string(signal_target t);

/// "SIGINT" for 2; "signal 64" when unnamed.
std::string signal_name(int sig);
/// 2 for "SIGINT" or "INT"; nullopt when unknown.
std::optional<int> signal_number(std::string_view name);

}  // namespace wsrepro::harness
