#pragma once
// The subcommands. Each registers its options on the CLI11 app and returns a function that runs
// it after parsing; only main.cpp knows CLI11's exit conventions.

#include <functional>
#include <string>

namespace CLI {
class App;
}

namespace wsrepro::cli {

struct global_options {
  std::string data_dir;
  std::string libexec_dir;
  std::string cache_dir;                   ///< --cache: where client environments live
  std::vector<std::string> scenario_dirs;  ///< --scenarios: more scenario directories
  std::vector<std::string> client_dirs;    ///< --clients: more client-manifest directories
  std::string command_line;                ///< as typed, for the reports
  /// --diagnose: the runtime of --client-cmd clients for stack capture; "none": no capture.
  std::string diagnose;
  /// --allow-empty: an invocation whose runs were all skipped exits 0 rather than 4.
  bool allow_empty = false;
};

using command = std::function<int()>;

command add_run_command(CLI::App& app, const global_options& globals);
command add_serve_command(CLI::App& app);
command add_list_command(CLI::App& app, const global_options& globals);
command add_clients_command(CLI::App& app, const global_options& globals);
command add_bisect_command(CLI::App& app, const global_options& globals);
command add_sweep_command(CLI::App& app, const global_options& globals);
command add_bench_command(CLI::App& app, const global_options& globals);
command add_merge_command(CLI::App& app, const global_options& globals);

}  // namespace wsrepro::cli
