// script: a short list of steps for what the named behaviours do not cover. Steps are separated
// by newlines or ';', arguments by spaces, text in double quotes with C escapes (\r \n \t \\ \"
// \xNN):
//   upgrade                     read the request and answer 101 (the usual first step)
//   request                     read the request only
//   raw "BYTES"                 write bytes as they are
//   frame OPCODE ["PAYLOAD"] [fin=0|1] [rsv=N] [mask] [length=N]
//                               OPCODE: text binary continuation close ping pong or a number;
//                               for close, PAYLOAD may start with a code: frame close 1000 "bye"
//   wait MS                     sleep
//   expect KIND                 read client frames until one of KIND (text, ping, close, ...)
//   stop_reading                read nothing more (the rest of the script still runs)
//   drain                       read and log (frames once upgraded) until the client's FIN or RST
//   fault ["WHAT"]              log the fault here (hang_ms starts)
//   fin | rst | close           half-close, reset, or close the connection

#include <charconv>
#include <optional>
#include <string>
#include <vector>

#include "wsrepro/mock/behaviour.hpp"

namespace wsrepro::mock {
namespace {

struct step {
  std::string verb;
  std::vector<std::string> args;
};

/// Splits the script into steps and words; quoted words keep spaces and take C escapes.
std::variant<std::vector<step>, std::string> parse_script(std::string_view text) {
  std::vector<step> steps;
  step current;
  std::string word;
  bool in_word = false;
  const auto end_word = [&] {
    if (!in_word) return;
    if (current.verb.empty()) {
      current.verb = word;
    } else {
      current.args.push_back(word);
    }
    word.clear();
    in_word = false;
  };
  const auto end_step = [&] {
    end_word();
    if (!current.verb.empty()) steps.push_back(std::move(current));
    current = {};
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ';' || c == '\n') {
      end_step();
    } else if (c == ' ' || c == '\t' || c == '\r') {
      end_word();
    } else if (c == '"') {
      in_word = true;
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] != '\\' || i + 1 >= text.size()) {
          word.push_back(text[i]);
          continue;
        }
        const char e = text[++i];
        switch (e) {
          case 'r':
            word.push_back('\r');
            break;
          case 'n':
            word.push_back('\n');
            break;
          case 't':
            word.push_back('\t');
            break;
          case '0':
            word.push_back('\0');
            break;
          case 'x': {
            unsigned value = 0;
            const auto* first = text.data() + i + 1;
            const auto* last = text.data() + std::min(text.size(), i + 3);
            auto [ptr, ec] = std::from_chars(first, last, value, 16);
            if (ec != std::errc{} || ptr != last) return "bad \\x escape in the script";
            word.push_back(static_cast<char>(value));
            i += 2;
            break;
          }
          default:
            word.push_back(e);
            break;
        }
      }
      if (i >= text.size()) return "unterminated quote in the script";
    } else {
      word.push_back(c);
      in_word = true;
    }
  }
  end_step();
  return steps;
}

std::optional<std::uint8_t> opcode_named(const std::string& name) {
  static const std::pair<const char*, std::uint8_t> names[] = {
      {"continuation", opcodes::continuation},
      {"text", opcodes::text},
      {"binary", opcodes::binary},
      {"close", opcodes::close},
      {"ping", opcodes::ping},
      {"pong", opcodes::pong}};
  for (const auto& [n, op] : names) {
    if (name == n) return op;
  }
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(name.data(), name.data() + name.size(), value);
  if (ec == std::errc{} && ptr == name.data() + name.size() && value < 16) {
    return static_cast<std::uint8_t>(value);
  }
  return std::nullopt;
}

std::optional<std::int64_t> number(const std::string& text) {
  std::int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

/// A frame step's arguments; an error text when they do not parse.
std::variant<std::pair<frame, encode_options>, std::string> parse_frame(const step& s) {
  if (s.args.empty()) return "frame needs an opcode";
  const auto op = opcode_named(s.args[0]);
  if (!op) return "unknown opcode '" + s.args[0] + "'";
  frame f;
  f.opcode = *op;
  encode_options options;
  std::size_t i = 1;
  if (f.opcode == opcodes::close && i < s.args.size()) {
    if (auto code = number(s.args[i])) {
      f.payload = close_payload(static_cast<std::uint16_t>(*code));
      ++i;
    }
  }
  for (; i < s.args.size(); ++i) {
    const std::string& a = s.args[i];
    if (a == "mask") {
      f.masked = true;
      f.mask_key = {0x12, 0x34, 0x56, 0x78};
    } else if (a.starts_with("fin=")) {
      f.fin = a.substr(4) != "0";
    } else if (a.starts_with("rsv=")) {
      f.rsv = static_cast<std::uint8_t>(number(a.substr(4)).value_or(0) & 0x7);
    } else if (a.starts_with("length=")) {
      const auto length = number(a.substr(7));
      if (!length || *length < 0) return "bad length in '" + a + "'";
      options.length_override = static_cast<std::uint64_t>(*length);
    } else {
      f.payload += a;
    }
  }
  return std::make_pair(f, options);
}

/// Checks every step once, so `--set steps=...` is refused at once with the reason.
std::optional<std::string> check_script(const std::vector<step>& steps) {
  static const std::vector<std::string> verbs{"upgrade", "request", "raw",          "frame",
                                              "wait",    "expect",  "stop_reading", "drain",
                                              "fault",   "fin",     "rst",          "close"};
  for (const auto& s : steps) {
    if (std::find(verbs.begin(), verbs.end(), s.verb) == verbs.end()) {
      return "unknown step '" + s.verb + "'";
    }
    if (s.verb == "frame") {
      auto parsed = parse_frame(s);
      if (auto* error = std::get_if<std::string>(&parsed)) return *error;
    }
    if (s.verb == "wait" && (s.args.size() != 1 || !number(s.args[0]))) {
      return "wait needs milliseconds";
    }
    if (s.verb == "expect" && (s.args.size() != 1 || !opcode_named(s.args[0]))) {
      return "expect needs a frame kind";
    }
    if (s.verb == "raw" && s.args.size() != 1) return "raw needs one quoted argument";
  }
  return std::nullopt;
}

class script final : public behaviour {
 public:
  script(std::vector<step> steps, bool allow_unmasked)
      : steps_(std::move(steps)), allow_unmasked_(allow_unmasked) {}

  boost::asio::awaitable<void> run(connection& conn) override {
    conn.allow_unmasked_frames(allow_unmasked_);
    bool reading = true;
    bool upgraded = false;
    for (const auto& s : steps_) {
      conn.emit("script_step", {{"step", s.verb}});
      if (s.verb == "upgrade" || s.verb == "request") {
        const auto request = co_await conn.read_request();
        if (!request) co_return;
        if (s.verb == "upgrade") {
          const bool accepted = co_await conn.accept_upgrade(*request);
          if (!accepted) co_return;
          upgraded = true;
        }
      } else if (s.verb == "raw") {
        const bool written = co_await conn.write_raw(s.args[0], "raw_out");
        if (!written) co_return;
      } else if (s.verb == "frame") {
        const auto [f, options] = std::get<std::pair<frame, encode_options>>(parse_frame(s));
        const bool written = co_await conn.write_frame(f, options);
        if (!written) co_return;
      } else if (s.verb == "wait") {
        const bool slept = co_await conn.sleep_for(std::chrono::milliseconds(*number(s.args[0])));
        if (!slept) co_return;
      } else if (s.verb == "expect" && reading) {
        const std::uint8_t wanted = *opcode_named(s.args[0]);
        for (;;) {
          const auto f = co_await conn.read_frame();
          if (!f) co_return;
          if (f->opcode == wanted) break;
        }
      } else if (s.verb == "stop_reading") {
        reading = false;
      } else if (s.verb == "drain" && reading) {
        co_await drain(conn, upgraded);
      } else if (s.verb == "fault") {
        conn.mark_fault(s.args.empty() ? "script fault step" : s.args[0]);
      } else if (s.verb == "fin") {
        conn.shutdown_send();
      } else if (s.verb == "rst") {
        conn.reset();
        co_return;
      } else if (s.verb == "close") {
        conn.close();
        co_return;
      }
    }
    // The script is over: keep the connection as it is until the client ends it, reading only
    // if the script did not stop reading.
    if (reading) {
      co_await drain(conn, upgraded);
    } else {
      while (conn.is_open()) {
        const bool slept = co_await conn.sleep_for(std::chrono::seconds(1));
        if (!slept) break;
      }
    }
  }

 private:
  /// Reads until the client's FIN or RST: frames once upgraded (so its close frame is seen),
  /// raw bytes before.
  static boost::asio::awaitable<void> drain(connection& conn, bool upgraded) {
    if (!upgraded) {
      co_await conn.read_until_eof();
      co_return;
    }
    for (;;) {
      const auto f = co_await conn.read_frame();
      if (!f) co_return;
    }
  }

  std::vector<step> steps_;
  bool allow_unmasked_;
};

}  // namespace
}  // namespace wsrepro::mock

WSREPRO_REGISTER_BEHAVIOUR(
    script,
    {
        .name = "script",
        .summary =
            "Runs a short script of steps (upgrade, frame, raw, wait, expect, fault, fin, rst, "
            "...) for what the named behaviours do not cover",
        .fault_event = "the script's `fault` step",
        .params =
            {
                wsrepro::mock::string_param("steps",
                                            "upgrade; fault \"script default\"; frame close 1000",
                                            "the steps, separated by ';' or newlines (see "
                                            "mock_servers/behaviours/script.cpp)"),
                wsrepro::mock::bool_param("allow_unmasked", false,
                                          "take unmasked client frames instead of failing the "
                                          "connection with 1002"),
            },
        .events = {"script_step"},
        .check = [](const wsrepro::mock::param_values& p) -> std::optional<std::string> {
          auto parsed = wsrepro::mock::parse_script(p.get_string("steps"));
          auto* steps = std::get_if<std::vector<wsrepro::mock::step>>(&parsed);
          if (steps == nullptr) return "steps: " + std::get<std::string>(parsed);
          if (auto error = wsrepro::mock::check_script(*steps)) return "steps: " + *error;
          return std::nullopt;
        },
        .make =
            [](const wsrepro::mock::param_values& p) -> std::shared_ptr<wsrepro::mock::behaviour> {
          // check() has passed: the script parses.
          auto parsed = wsrepro::mock::parse_script(p.get_string("steps"));
          return std::make_shared<wsrepro::mock::script>(
              std::move(std::get<std::vector<wsrepro::mock::step>>(parsed)),
              p.get_bool("allow_unmasked"));
        },
    })
