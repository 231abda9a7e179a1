#include "wsrepro/common/events.hpp"

#include <algorithm>
#include <mutex>
#include <set>

namespace wsrepro {

namespace {

// clang-format off
std::vector<event_kind> core_kinds() {
  return {
    // The mock server's core, for every behaviour.
    {"server", "listen", "address port behaviour tls", true, "the server listens"},
    {"server", "accept", "peer", true, "a connection is accepted"},
    {"server", "accept_error", "error errno retry_ms retrying", false, "accept() failed"},
    {"server", "tls_handshake", "version", false, "the TLS handshake completed"},
    {"server", "tls_error", "error", false, "the TLS handshake failed"},
    {"server", "request", "method target upgrade bytes", true, "the HTTP upgrade request was read"},
    {"server", "request_timeout", "timeout_ms bytes", false, "no complete request in time"},
    {"server", "bad_request", "error bytes", false, "the request could not be parsed"},
    {"server", "response", "status bytes", true, "the HTTP response was written"},
    {"server", "raw_out", "bytes", false, "bytes written as they are, not as frames"},
    {"server", "frame_in", "opcode bytes fin masked rsv code reason head", false,
     "a frame was read (head: its first 32 bytes, a close frame's reason)"},
    {"server", "frame_out", "opcode bytes fin masked rsv code reason head", false,
     "a frame was written (head: its first 32 bytes, a close frame's reason)"},
    {"server", "bad_frame", "error", false, "a frame could not be parsed"},
    {"server", "protocol_error", "reason code", false, "the client broke the protocol"},
    {"server", "data_in", "bytes", false, "bytes read where no frame parsing happens"},
    {"server", "fin_in", "", true, "the client half-closed (FIN)"},
    {"server", "rst_in", "", true, "the client reset the connection"},
    {"server", "read_error", "error", false, "a read failed otherwise"},
    {"server", "write_error", "error written_bytes", false, "a write failed"},
    {"server", "fin_out", "", true, "the server half-closed (FIN)"},
    {"server", "fin_out_error", "error", false, "the half-close failed"},
    {"server", "rst_out", "", true, "the server reset the connection"},
    {"server", "close", "by", true, "the server closed the socket"},
    {"server", "fault", "what", true, "the behaviour's fault: measurements start here"},
    {"server", "behaviour_error", "error", false, "the behaviour threw"},
    // The client under test, as the supervisor sees it.
    {"client", "spawn", "pid program", true, "the client was started"},
    {"client", "exit", "pid code signal status", true, "the client exited (or was reaped)"},
    {"client", "stdout", "line", false, "a line the client wrote to stdout"},
    {"client", "stderr", "line", false, "a line the client wrote to stderr"},
    {"client", "terminal", "line", false, "a line the client wrote to its terminal"},
    // What wsrepro did to the run: never credited to the client.
    {"harness", "signal", "signal target why error", true, "wsrepro sent a signal"},
    {"harness", "deadline", "deadline_ms", true, "the run's deadline passed"},
    {"harness", "kill_tree", "leaked", true, "wsrepro killed the client's tree"},
    {"harness", "supervisor_lost", "what", true, "the client's supervisor (shim) died"},
    {"harness", "error", "error", true, "wsrepro could not do what the run needed"},
    {"harness", "capture", "why", true,
     "wsrepro began taking the stacks of the client's tree (it is neither a signal nor an end)"},
    {"harness", "captured", "why processes paused duration_ms blocked_at connection error", true,
     "the stacks were taken (or why not); paused: the tool stopped the client meanwhile"},
  };
}
// clang-format on

struct registry {
  std::mutex mutex;
  std::vector<event_kind> kinds = core_kinds();
  std::set<std::string> undeclared;

  const event_kind* find(std::string_view source, std::string_view kind) const {
    for (const auto& k : kinds) {
      if (k.source == source && k.kind == kind) return &k;
    }
    return nullptr;
  }
};

registry& the_registry() {
  static registry r;
  return r;
}

}  // namespace

const std::vector<std::string>& event_sources() {
  static const std::vector<std::string> sources{"server", "client", "harness", "driver"};
  return sources;
}

std::vector<event_kind> event_vocabulary() {
  auto& r = the_registry();
  std::lock_guard lock(r.mutex);
  return r.kinds;
}

std::vector<std::string> event_kinds_of(std::string_view source) {
  auto& r = the_registry();
  std::lock_guard lock(r.mutex);
  std::vector<std::string> out;
  for (const auto& k : r.kinds) {
    if (k.source == source) out.push_back(k.kind);
  }
  return out;
}

bool is_declared_event(std::string_view source, std::string_view kind) {
  if (source == "driver") return true;
  auto& r = the_registry();
  std::lock_guard lock(r.mutex);
  return r.find(source, kind) != nullptr;
}

bool is_essential_event(std::string_view source, std::string_view kind) {
  auto& r = the_registry();
  std::lock_guard lock(r.mutex);
  const auto* k = r.find(source, kind);
  return k != nullptr && k->essential;
}

void declare_event_kind(event_kind kind) {
  auto& r = the_registry();
  std::lock_guard lock(r.mutex);
  if (r.find(kind.source, kind.kind) == nullptr) r.kinds.push_back(std::move(kind));
}

bool note_emitted_event(const event& e) {
  if (e.source == "driver") return false;
  auto& r = the_registry();
  std::lock_guard lock(r.mutex);
  const auto* k = r.find(e.source, e.kind);
  if (k == nullptr) r.undeclared.insert(e.name());
  return k != nullptr && k->essential;
}

std::vector<std::string> undeclared_event_names() {
  auto& r = the_registry();
  std::lock_guard lock(r.mutex);
  return {r.undeclared.begin(), r.undeclared.end()};
}

}  // namespace wsrepro
