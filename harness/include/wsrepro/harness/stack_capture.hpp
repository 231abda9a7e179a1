#pragma once
// Takes the stacks of every process in a client's tree, each with its runtime's diagnoser,
// within one time budget, and names the frame the client waits in. Blocking: the runner calls it
// on a thread of its own, so the mock server keeps serving meanwhile.

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "wsrepro/harness/diagnosers.hpp"
#include "wsrepro/results/diagnosis.hpp"

namespace wsrepro::harness {

struct capture_settings {
  /// The runtime of the client's own process (the manifest's `diagnose`, --diagnose); empty:
  /// guessed from each executable; "none": no capture at all.
  std::string diagnose;
  std::chrono::milliseconds budget{5000};  ///< for the whole tree
  std::filesystem::path scratch;           ///< the run's directory for tool files
};

/// What `program` (a client command's first word) will run as: the executable it resolves to,
/// or for a script its interpreter (`#!/usr/bin/env node` gives node's path).
process_identity identify_program(const std::string& program);

/// Lets the diagnoser the client's process will have add what it needs to the client's
/// environment ("KEY=VALUE" entries) before it starts: the manifest's choice, else a guess from
/// the command. Nothing when captures are off.
void prepare_for_capture(const std::string& program, const capture_settings& settings,
                         std::vector<std::string>& env);

/// The living processes of the tree rooted at `root`, root first, as /proc shows them.
std::vector<process_identity> process_tree(int root);

/// Every process of the tree, then the one line (stack_capture::blocked_at).
results::stack_capture capture_stacks(int root, const capture_settings& settings, std::string why);

}  // namespace wsrepro::harness
