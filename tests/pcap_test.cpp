// The capture files, read by tshark (Debian package): every WebSocket frame the timeline says the
// server read or wrote is dissected from the run's pcapng, with its opcode, mask and close code,
// over IPv4, IPv6 and TLS (whose plaintext the file holds), with valid checksums and sequence
// numbers tshark's TCP analysis finds nothing wrong with.

#include <gtest/gtest.h>

#include <sstream>

#include "cli_helpers.hpp"

namespace wsrepro::test {
namespace {

/// A frame as both sides describe it: "in text masked 5", "out close 1000".
using frame_list = std::vector<std::string>;

frame_list frames_in_timeline(const json& run) {
  frame_list out;
  for (const auto& e : run.at("timeline")) {
    const auto name = e.value("event", std::string());
    if (name != "server.frame_in" && name != "server.frame_out") continue;
    std::string f = name == "server.frame_in" ? "in " : "out ";
    f += e.value("opcode", std::string("?"));
    f += e.value("masked", false) ? " masked" : "";
    if (e.contains("code")) f += " " + std::to_string(e.at("code").get<long long>());
    out.push_back(f);
  }
  return out;
}

const std::map<std::string, std::string> opcode_names{{"0", "continuation"}, {"1", "text"},
                                                      {"2", "binary"},       {"8", "close"},
                                                      {"9", "ping"},         {"10", "pong"}};

/// tshark's view: one line per WebSocket frame with its direction, opcode, mask and close code.
frame_list frames_in_capture(const fs::path& file) {
  const auto r = run_process({on_path("tshark"),
                              "-r",
                              file.string(),
                              "-Y",
                              "websocket",
                              "-T",
                              "fields",
                              "-E",
                              "separator=/t",
                              "-E",
                              "occurrence=a",
                              "-E",
                              "aggregator=,",
                              "-e",
                              "tcp.srcport",
                              "-e",
                              "websocket.opcode",
                              "-e",
                              "websocket.mask",
                              "-e",
                              "websocket.payload.close.status_code"},
                             milliseconds(60'000));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  frame_list out;
  std::istringstream lines(r.out);
  std::string line;
  while (std::getline(lines, line)) {
    // Several frames in one segment: each field lists its values, comma-separated per field.
    std::vector<std::string> fields;
    std::string field;
    std::istringstream parts(line);
    while (std::getline(parts, field, '\t')) fields.push_back(field);
    if (fields.size() < 3) continue;
    std::vector<std::string> opcodes;
    std::vector<std::string> masks;
    std::vector<std::string> codes;
    auto split = [](const std::string& text, std::vector<std::string>& into) {
      std::istringstream items(text);
      std::string item;
      while (std::getline(items, item, ',')) into.push_back(item);
    };
    split(fields[1], opcodes);
    split(fields[2], masks);
    if (fields.size() > 3) split(fields[3], codes);
    std::size_t close_index = 0;
    for (std::size_t i = 0; i < opcodes.size(); ++i) {
      std::string f = fields[0] == "80" ? "out " : "in ";
      f += opcode_names.count(opcodes[i]) ? opcode_names.at(opcodes[i]) : opcodes[i];
      f += i < masks.size() && (masks[i] == "1" || masks[i] == "True") ? " masked" : "";
      if (opcodes[i] == "8" && close_index < codes.size()) f += " " + codes[close_index++];
      out.push_back(f);
    }
  }
  return out;
}

/// Packets tshark finds wrong: a bad IP or TCP checksum, or anything its TCP analysis flags
/// (a gap in the sequence numbers, a retransmission, an ACK of unseen data).
std::string suspicious_packets(const fs::path& file) {
  const auto r = run_process({on_path("tshark"), "-r", file.string(), "-o",
                              "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE", "-Y",
                              "tcp.checksum.status == 0 || ip.checksum.status == 0 || "
                              "tcp.analysis.flags"},
                             milliseconds(60'000));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

void expect_capture_matches_timeline(const std::vector<std::string>& args) {
  const fs::path out = fs::temp_directory_path() / ("wsrepro-pcap-" + std::to_string(::getpid()));
  fs::remove_all(out);
  std::vector<std::string> all{"run", "--out", out.string(), "--quiet"};
  all.insert(all.end(), args.begin(), args.end());
  const auto r = run_wsrepro(all);
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const json report = load_report(out);
  ASSERT_FALSE(report.at("runs").empty());
  // Runs are listed in plan order, and each file is named after its run's place in the plan.
  int position = 0;
  for (const auto& run : report.at("runs")) {
    std::string file;
    const auto index = std::to_string(position++);
    for (const auto& entry : fs::directory_iterator(out / "pcap")) {
      if (entry.path().filename().string().starts_with(std::string(4 - index.size(), '0') +
                                                       index)) {
        file = entry.path().string();
      }
    }
    ASSERT_FALSE(file.empty()) << "no capture for " << run.at("scenario");
    const auto expected = frames_in_timeline(run);
    EXPECT_FALSE(expected.empty()) << run.at("scenario");
    EXPECT_EQ(frames_in_capture(file), expected) << run.at("scenario") << " in " << file;
    EXPECT_EQ(suspicious_packets(file), "") << run.at("scenario") << " in " << file;
  }
  fs::remove_all(out);
}

TEST(pcap, tshark_dissects_the_frames_the_timeline_shows) {
  expect_capture_matches_timeline({"--scenario", "close.immediate_close", "--scenario",
                                   "frame.data_ping_close_back_to_back", "--scenario",
                                   "keepalive.server_pings", "--client", "beast-async"});
}

TEST(pcap, over_ipv6_and_over_tls_as_plaintext) {
  expect_capture_matches_timeline(
      {"--scenario", "close.immediate_close", "--client", "beast-async", "--listen", "::1"});
  expect_capture_matches_timeline({"--scenario", "tls.echo_over_wss", "--client", "beast-async"});
}

}  // namespace
}  // namespace wsrepro::test
