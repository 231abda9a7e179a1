#pragma once
// Internal: what the diagnoser files share: finding a tool, running it within a budget, and
// the parsers of each tool's output (declared here so that tests can feed them samples).

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wsrepro/harness/diagnosers.hpp"

namespace wsrepro::harness::detail {

/// A diagnostic tool: the program named by `env_var` when set, else `name` on PATH, else in
/// wsrepro's tools directory (~/.cache/wsrepro/tools/bin, where ci/install-deps.sh puts the
/// PyPI ones).
std::optional<std::filesystem::path> find_tool(const std::string& name, const char* env_var);

/// Runs a tool to completion within `budget`; fills `out.raw` (bounded), `out.tool` (the
/// command) and `out.duration_ms`. Returns its output when it exited 0, else sets `out.error`.
std::optional<std::string> run_tool(const std::vector<std::string>& argv,
                                    std::chrono::milliseconds budget, results::process_stacks& out);

/// The words of a line, split on blanks (spaces, tabs, carriage returns).
std::vector<std::string_view> split_words(std::string_view line);

/// The executable's file name: "python3.11" for /usr/bin/python3.11.
std::string exe_name(const process_identity& p);

/// `py-spy dump --json`: one process's threads.
std::vector<results::thread_stack> parse_py_spy_json(std::string_view text, int pid,
                                                     std::string& error);
/// `eu-stack -p PID` (with -s: source lines): every thread, frames innermost first.
std::vector<results::thread_stack> parse_eu_stack(std::string_view text, int pid);
/// A C++ name without its template arguments and parameters:
/// "boost::beast::websocket::stream::do_handshake".
std::string short_cpp_name(std::string_view name);
/// `jstack PID`: Java threads with their states.
std::vector<results::thread_stack> parse_jstack(std::string_view text);
/// A Node diagnostic report (JSON): the JavaScript stack as the main thread, the native stack,
/// and the libuv handles as notes.
std::vector<results::thread_stack> parse_node_report(std::string_view text,
                                                     std::vector<std::string>& notes,
                                                     std::string& error);

}  // namespace wsrepro::harness::detail
