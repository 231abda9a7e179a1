#pragma once
// Did-you-mean for the command line: after CLI11 refuses an argument (`wsrepro rn`,
// `run --clinet`), the nearest subcommand or option name, as git and cargo suggest.

#include <string>

#include <CLI/CLI.hpp>

namespace wsrepro::cli {

/// "did you mean 'run'?" lines for each argument in argv that names no subcommand or option of
/// the parsed command line but is near one; empty when there is none.
std::string suggest_for_unknown_arguments(const CLI::App& app, int argc, const char* const* argv);

}  // namespace wsrepro::cli
