// pcapng: each run's traffic as a capture file Wireshark and tshark open (pcap/NNNN-....pcapng),
// and traffic.md, the index: which file is which run, and how to read it.

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "format.hpp"
#include "pcapng.hpp"
#include "wsrepro/common/files.hpp"
#include "wsrepro/reports/formats.hpp"

namespace wsrepro::reports {

namespace {

namespace fs = std::filesystem;

/// A file name from a run: "0007-handshake.redirect_302_close-websockets-cli_12.0.pcapng".
std::string file_name(const results::run_result& r) {
  std::string name = std::to_string(r.index);
  name.insert(0, name.size() < 4 ? 4 - name.size() : 0, '0');
  name += "-" + r.scenario_id + "-" + r.client;
  for (char& c : name) {
    const bool plain =
        std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' || c == '_';
    if (!plain) c = '_';
  }
  return name + ".pcapng";
}

class pcapng_reporter final : public reporter {
 public:
  explicit pcapng_reporter(const format_output& o) : out_(o.out), dir_(o.out_dir) {}

  void begin(const results::report_context& /*context*/) override {
    if (dir_.empty()) return;
    // The files of an earlier invocation in the same --out would be mistaken for this one's.
    std::error_code ec;
    fs::remove_all(dir_ / "pcap", ec);
    fs::create_directories(dir_ / "pcap", ec);
  }

  void run_finished(const results::run_result& r) override {
    if (dir_.empty()) return;
    const std::string capture = pcapng_of(r);
    if (capture.empty()) return;
    const std::string name = file_name(r);
    ++written_;
    // The index stops growing past a bound; the files go on.
    if (written_ > max_listed) {
      try {
        atomic_file file(dir_ / "pcap" / name);
        file.stream() << capture;
        file.commit();
      } catch (const std::exception&) {
        ++failed_;
      }
      return;
    }
    try {
      atomic_file file(dir_ / "pcap" / name);
      file.stream() << capture;
      file.commit();
      rows_.emplace_back(r.index, "| " + std::to_string(r.index) + " | `" + r.scenario_id + "` | " +
                                      r.client + " | " +
                                      std::string(results::to_string(r.outcome)) + " | [pcap/" +
                                      name + "](pcap/" + name + ") |\n");
    } catch (const std::exception& e) {
      rows_.emplace_back(r.index, "| " + std::to_string(r.index) + " | `" + r.scenario_id + "` | " +
                                      r.client + " | " +
                                      std::string(results::to_string(r.outcome)) +
                                      " | not written: " + e.what() + " |\n");
    }
  }

  void end(const results::run_summary& /*summary*/) override {
    out_ << "# Traffic\n\n"
            "Each run's connections as a pcapng file, synthesised from what the mock server read "
            "and wrote: open one in Wireshark, or `tshark -r pcap/FILE -Y websocket`. The server's "
            "port is written as 80 so that HTTP and WebSocket are dissected at once; TLS runs "
            "hold the plaintext. Each file's comment says so.\n\n";
    if (rows_.empty()) {
      out_ << "No run had a connection.\n";
    } else {
      // In plan order, whatever order parallel runs finished in.
      std::sort(rows_.begin(), rows_.end());
      out_ << "| run | scenario | client | verdict | capture |\n|---:|---|---|---|---|\n";
      for (const auto& row : rows_) out_ << row.second;
    }
    if (written_ > max_listed) {
      out_ << "\nAnd " << written_ - max_listed << " more files in pcap/, not listed here"
           << (failed_ > 0 ? " (" + std::to_string(failed_) + " could not be written)" : "")
           << ".\n";
    }
    out_.flush();
  }

 private:
  std::ostream& out_;
  static constexpr std::size_t max_listed = 1000;
  fs::path dir_;
  std::vector<std::pair<std::size_t, std::string>> rows_;
  std::size_t written_ = 0;
  std::size_t failed_ = 0;
};

std::unique_ptr<reporter> make(const format_output& o) {
  return std::make_unique<pcapng_reporter>(o);
}

}  // namespace

}  // namespace wsrepro::reports

void wsrepro_register_format_pcapng() {
  wsrepro::reports::register_format(
      {"pcapng",
       "traffic.md",
       "each run's traffic as a pcapng file (pcap/) for Wireshark and tshark, and their index",
       {"pcap/"},
       true,
       wsrepro::reports::make,
       false,
       false,
       true});
}
