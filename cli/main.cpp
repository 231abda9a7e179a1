// wsrepro: reproduce and measure WebSocket client hangs. See README.md.

#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>

#include "commands.hpp"
#include "config_file.hpp"
#include "exit_codes.hpp"
#include "suggestions.hpp"
#include "wsrepro/harness/diagnosers.hpp"

#ifndef WSREPRO_VERSION
#define WSREPRO_VERSION "0.0.0"
#endif

int main(int argc, char** argv) {
  // wsrepro writes to sockets and pipes whose readers may be gone; those are errors to handle,
  // not a reason to die. (Clients get every signal back at its default through the shim.)
  std::signal(SIGPIPE, SIG_IGN);

  CLI::App app{
      "wsrepro: reproduce and measure WebSocket client hangs, interrupt latency and "
      "keepalive failures against scripted misbehaving servers.",
      "wsrepro"};
  app.set_version_flag("--version", "wsrepro " WSREPRO_VERSION);
  app.require_subcommand(1);
  app.fallthrough();
  app.footer(
      "Exit codes: 0 every expectation met, 1 some expectation not met, 2 bad input, "
      "3 harness error or interrupted, 4 nothing ran (every run skipped; --allow-empty: 0).");
  wsrepro::cli::global_options globals;
  for (int i = 0; i < argc; ++i) globals.command_line += (i ? " " : "") + std::string(argv[i]);
  app.add_option("--data-dir", globals.data_dir,
                 "Directory holding scenarios/ and clients/ (default: the source tree wsrepro "
                 "was built from, then PREFIX/share/wsrepro; env WSREPRO_DATA_DIR)");
  app.add_option("--libexec-dir", globals.libexec_dir,
                 "Directory holding wsrepro-shim and the reference clients (default: beside "
                 "this executable, then PREFIX/libexec/wsrepro; env WSREPRO_LIBEXEC_DIR)");

  app.add_option("--scenarios", globals.scenario_dirs,
                 "A directory of scenario files that add to the built-in library (repeatable; "
                 "also WSREPRO_SCENARIOS, colon-separated)")
      ->type_name("DIR");
  app.add_option("--clients", globals.client_dirs,
                 "A directory of client manifests (*.toml) that add to the built-in clients "
                 "(repeatable; also WSREPRO_CLIENTS, colon-separated)")
      ->type_name("DIR");
  app.add_option("--cache", globals.cache_dir,
                 "Directory for client environments (venvs, npm prefixes, driver builds) (default: "
                 "$WSREPRO_CACHE_DIR, else $XDG_CACHE_HOME/wsrepro, else ~/.cache/wsrepro)")
      ->type_name("DIR");
  app.add_option("--diagnose", globals.diagnose,
                 "The runtime whose tool takes the stacks of a --client-cmd client that hangs: "
                 "native, python, node or java (default: guessed from the executable; see "
                 "wsrepro list diagnosers); none: take no stacks of any client")
      ->type_name("RUNTIME")
      ->check([](const std::string& value) { return wsrepro::harness::check_diagnose(value); });
  std::string config_file;
  std::string profile;
  app.add_option("--config", config_file,
                 "Defaults for the options from this file (default: $WSREPRO_CONFIG, else the "
                 "nearest wsrepro.toml from here up); the command line wins")
      ->type_name("FILE");
  app.add_option("--profile", profile,
                 "The profile of the config file to use (default: $WSREPRO_PROFILE, else "
                 "'default'; others start from 'default')")
      ->type_name("NAME");
  app.add_flag("--allow-empty", globals.allow_empty,
               "Exit 0 when every run was skipped (by default such an invocation exits 4: "
               "nothing was checked)");

  const auto run = wsrepro::cli::add_run_command(app, globals);
  const auto serve = wsrepro::cli::add_serve_command(app);
  const auto list = wsrepro::cli::add_list_command(app, globals);
  const auto clients = wsrepro::cli::add_clients_command(app, globals);
  const auto bisect = wsrepro::cli::add_bisect_command(app, globals);
  const auto sweep = wsrepro::cli::add_sweep_command(app, globals);
  const auto bench = wsrepro::cli::add_bench_command(app, globals);
  const auto merge = wsrepro::cli::add_merge_command(app, globals);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Help and version are successes; every other parse error is bad input (2), whatever
    // CLI11's own code for it.
    const int code = app.exit(e);
    if (code == 0) return wsrepro::cli::ok;
    std::cerr << wsrepro::cli::suggest_for_unknown_arguments(app, argc, argv);
    return wsrepro::cli::bad_input;
  }
  try {
    if (const auto file = wsrepro::cli::find_config_file(config_file)) {
      for (auto* sub : app.get_subcommands()) {
        wsrepro::cli::apply_config_file(*file, profile, app, *sub);
      }
    } else if (!profile.empty()) {
      throw wsrepro::cli::usage_error{"--profile " + profile +
                                      ": there is no config file (wsrepro.toml, --config)"};
    }
    for (const auto* sub : app.get_subcommands()) {
      if (sub->get_name() == "run") return run();
      if (sub->get_name() == "serve") return serve();
      if (sub->get_name() == "list") return list();
      if (sub->get_name() == "clients") return clients();
      if (sub->get_name() == "bisect") return bisect();
      if (sub->get_name() == "sweep") return sweep();
      if (sub->get_name() == "bench") return bench();
      if (sub->get_name() == "merge") return merge();
    }
  } catch (const wsrepro::cli::usage_error& e) {
    std::cerr << "wsrepro: " << e.message << "\n";
    return wsrepro::cli::bad_input;
  } catch (const std::exception& e) {
    std::cerr << "wsrepro: internal error: " << e.what() << "\n";
    return wsrepro::cli::harness_error;
  }
  return wsrepro::cli::bad_input;
}
