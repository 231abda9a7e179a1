// wsrepro merge PART... --out DIR: the reports of one invocation rebuilt from the report.json
// of its --shard parts (or of separate invocations), as if one wsrepro had made every run:
// report.json, junit.xml, summary.md, report.html and the version matrices, with the exit code
// `run` would have given.

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "invocation.hpp"
#include "report_files.hpp"
#include "shard.hpp"
#include "wsrepro/reports/formats.hpp"
#include "wsrepro/reports/report_reader.hpp"

namespace wsrepro::cli {

namespace {

namespace fs = std::filesystem;

struct merge_settings {
  std::vector<std::string> inputs;
  std::string out_dir;
  std::vector<std::string> formats;
  bool partial = false;
  bool verbose = false;
};

struct part {
  std::string path;  ///< the report.json read
  reports::loaded_report report;
  shard_spec shard;  ///< when report.context.shard is set
};

/// A report far past any real one is refused before it is read into memory.
constexpr std::uintmax_t max_report_bytes = std::uintmax_t{1} << 30;

part read_part(const std::string& given) {
  fs::path path = given;
  std::error_code ec;
  if (fs::is_directory(path, ec)) path /= "report.json";
  const auto size = fs::file_size(path, ec);
  if (ec) throw usage_error{"cannot read " + path.string() + ": " + ec.message()};
  if (size > max_report_bytes) {
    throw usage_error{path.string() + " is larger than 1 GiB: not a report wsrepro wrote"};
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) throw usage_error{"cannot read " + path.string()};
  auto read = reports::read_report(text.str(), path.string());
  if (auto* error = std::get_if<std::string>(&read)) throw usage_error{*error};
  part p{path.string(), std::move(std::get<reports::loaded_report>(read)), {}};
  if (!p.report.context.shard.empty()) {
    try {
      p.shard = parse_shard(p.report.context.shard);
    } catch (const usage_error&) {
      throw usage_error{p.path + ": shard '" + p.report.context.shard + "' is not K/N"};
    }
  }
  return p;
}

/// The parts of one sharded plan: the same N, seed and wsrepro, each part once, none missing
/// (unless --partial). Their runs keep their indices.
void check_shards(const std::vector<part>& parts, bool partial) {
  const part& first = parts.front();
  std::map<std::size_t, const part*> seen;
  for (const auto& p : parts) {
    const auto& c = p.report.context;
    const auto differ = [&](const std::string& what, const std::string& a, const std::string& b) {
      throw usage_error{"not parts of one plan: " + what + " " + a + " in " + first.path + ", " +
                        b + " in " + p.path};
    };
    if (p.shard.count != first.shard.count) {
      differ("shard", first.report.context.shard, c.shard);
    }
    if (c.seed != first.report.context.seed) {
      differ("seed", std::to_string(first.report.context.seed), std::to_string(c.seed));
    }
    if (c.wsrepro_version != first.report.context.wsrepro_version) {
      differ("wsrepro", first.report.context.wsrepro_version, c.wsrepro_version);
    }
    if (const auto [it, fresh] = seen.emplace(p.shard.index, &p); !fresh) {
      throw usage_error{"shard " + c.shard + " is given twice: " + it->second->path + " and " +
                        p.path};
    }
  }
  for (std::size_t k = 1; k <= first.shard.count; ++k) {
    if (seen.contains(k)) continue;
    const std::string name = std::to_string(k) + "/" + std::to_string(first.shard.count);
    if (!partial) {
      throw usage_error{"shard " + name + " is missing (--partial merges the parts there are)"};
    }
    // Said, so a partial merge is never mistaken for the whole plan.
    std::cerr << "wsrepro merge: shard " << name << " is missing; its runs are not in the report\n";
  }
}

/// Every run once, in plan order: shards keep their indices; whole invocations follow one
/// another, each numbered after the last.
std::vector<results::run_result> gather_runs(std::vector<part>& parts, bool sharded) {
  std::vector<results::run_result> runs;
  std::size_t next = 0;
  for (auto& p : parts) {
    std::size_t past = next;
    for (auto& r : p.report.runs) {
      if (!sharded) r.index += next;
      past = std::max(past, r.index + 1);
      runs.push_back(std::move(r));
    }
    next = past;
  }
  std::stable_sort(runs.begin(), runs.end(),
                   [](const auto& a, const auto& b) { return a.index < b.index; });
  for (std::size_t i = 1; i < runs.size(); ++i) {
    if (runs[i].index == runs[i - 1].index) {
      throw usage_error{"run " + std::to_string(runs[i].index) +
                        " is in two of the reports: they overlap"};
    }
  }
  return runs;
}

results::report_context merged_context(const std::vector<part>& parts,
                                       const std::string& command_line, bool sharded) {
  auto context = parts.front().report.context;
  context.command_line = command_line;
  context.shard.clear();
  context.merged_from.clear();
  for (const auto& p : parts) {
    const auto& c = p.report.context;
    context.started_at = std::min(context.started_at, c.started_at);
    context.strict = context.strict || c.strict;
    context.merged_from.push_back({p.path, c.shard, c.command_line, c.started_at});
  }
  // Separate invocations keep their own seeds (in their runs); the merged one has none.
  if (!sharded) context.seed = 0;
  return context;
}

/// The formats to write: those named, else every default one that report.json can rebuild.
std::vector<std::string> merge_formats(const std::vector<std::string>& named) {
  check_formats(named);
  std::vector<std::string> out;
  for (const auto& f : reports::formats()) {
    const bool wanted =
        named.empty() ? f.by_default : std::find(named.begin(), named.end(), f.name) != named.end();
    if (!wanted) continue;
    if (f.needs_wire) {
      if (named.empty()) continue;
      throw usage_error{"--format " + std::string(f.name) +
                        ": it needs the wire bytes, which report.json does not keep"};
    }
    out.emplace_back(f.name);
  }
  return out;
}

int merge(const merge_settings& settings, const global_options& globals) {
  std::vector<part> parts;
  for (const auto& input : settings.inputs) parts.push_back(read_part(input));
  const auto sharded_count = std::count_if(
      parts.begin(), parts.end(), [](const part& p) { return !p.report.context.shard.empty(); });
  if (sharded_count != 0 && static_cast<std::size_t>(sharded_count) != parts.size()) {
    throw usage_error{
        "some reports are --shard parts and some are not: merge the parts of one "
        "plan, or whole invocations"};
  }
  const bool sharded = sharded_count != 0;
  if (sharded) check_shards(parts, settings.partial);

  auto runs = gather_runs(parts, sharded);
  const auto context = merged_context(parts, globals.command_line, sharded);
  results::run_summary summary;
  for (const auto& p : parts) {
    // The parts ran side by side: the merged invocation took as long as the longest.
    summary.duration_ms = std::max(summary.duration_ms, p.report.summary.duration_ms);
    summary.interrupted = summary.interrupted || p.report.summary.interrupted;
  }
  for (const auto& r : runs) summary.counts.add(r);
  summary.exit_code = exit_code_for(summary, context.strict, globals.allow_empty);

  report_files files(settings.out_dir, merge_formats(settings.formats), !settings.verbose);
  auto& reporter = files.reporter();
  reporter.begin(context);
  results::plan_outline plan;
  for (const auto& r : runs) {
    plan.runs.push_back({r.index, r.scenario_id, r.client, r.repetition, r.duration_ms,
                         r.outcome == results::verdict::skipped});
  }
  reporter.plan_known(plan);
  for (const auto& r : runs) reporter.run_finished(r);
  reporter.end(summary);
  files.commit();
  auto& out = files.stdout_is_data() ? std::cerr : std::cout;
  out << "Merged " << runs.size() << " runs from " << parts.size()
      << (parts.size() == 1 ? " report" : " reports") << ". Reports:";
  for (const auto& w : files.paths()) out << " " << w;
  out << std::endl;
  return summary.exit_code;
}

}  // namespace

command add_merge_command(CLI::App& app, const global_options& globals) {
  auto settings = std::make_shared<merge_settings>();
  auto* sub = app.add_subcommand(
      "merge",
      "Rebuild the reports (report.json, junit.xml, summary.md, report.html, version matrices) "
      "from the report.json of --shard parts or of separate invocations; exits as `run` would");
  sub->add_option("reports", settings->inputs,
                  "report.json files, or --out directories holding one; the parts of one "
                  "--shard plan (every part once) or whole invocations")
      ->required()
      ->type_name("REPORT");
  sub->add_option("--out,-o", settings->out_dir, "Directory for the merged reports")->required();
  sub->add_option("--format", settings->formats,
                  "Write only these outputs (repeatable, or comma-separated); default: the "
                  "default ones that report.json can rebuild (not pcapng)")
      ->delimiter(',')
      ->type_name("NAME");
  sub->add_flag("--partial", settings->partial,
                "Merge the parts there are when some --shard parts are missing");
  sub->add_flag("--verbose,-v", settings->verbose,
                "A line per run, as `run` prints them (default: only failures and totals)");
  return [settings, &globals] { return merge(*settings, globals); };
}

}  // namespace wsrepro::cli
