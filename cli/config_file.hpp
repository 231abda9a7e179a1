#pragma once
// wsrepro.toml: defaults for the command line, in profiles, so a project and its CI need not
// repeat their options. Found as --config FILE, else $WSREPRO_CONFIG, else the nearest
// wsrepro.toml from the current directory up. Each [profile.NAME] table sets options by their
// long name (jobs = 2, client = ["beast-async"], strict = true); [profile.NAME.SUBCOMMAND] sets
// one subcommand's. A profile other than `default` starts from `default`. The command line wins
// over the file, option by option.

#include <CLI/CLI.hpp>
#include <filesystem>
#include <optional>
#include <string>

namespace wsrepro::cli {

/// The config file to use: `given` (--config), else $WSREPRO_CONFIG, else the nearest
/// wsrepro.toml from the current directory up; nullopt when there is none.
std::optional<std::filesystem::path> find_config_file(const std::string& given);

/// Sets the options of `app` and of the chosen `sub` that the command line left unset from
/// `profile` (else $WSREPRO_PROFILE, else "default") of `file`. Relative paths in path-valued
/// options are relative to the file's directory. Bad input (an unknown key or profile, a value
/// the option refuses) throws usage_error naming the file, line and key.
void apply_config_file(const std::filesystem::path& file, const std::string& profile, CLI::App& app,
                       CLI::App& sub);

}  // namespace wsrepro::cli
