#include "format.hpp"

#include <cmath>
#include <cstdio>

namespace wsrepro::reports {

double round_ms(double ms) {
  if (!std::isfinite(ms)) return ms;
  return std::round(ms * 1000.0) / 1000.0;
}

std::string format_number(double value) {
  if (!std::isfinite(value)) return std::isnan(value) ? "nan" : (value > 0 ? "inf" : "-inf");
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", value);
  std::string s = buf;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  return s;
}

std::string format_seconds(double ms) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", ms / 1000.0);
  return buf;
}

std::string measurement_value_text(const results::measurement& m) {
  if (m.status != results::measurement_status::measured) return {};
  if (m.value) return format_number(*m.value);
  if (m.text) return *m.text;
  return {};
}

std::string_view upper_label(results::verdict v) {
  switch (v) {
    case results::verdict::pass:
      return "PASS";
    case results::verdict::fail:
      return "FAIL";
    case results::verdict::known_bug:
      return "KNOWN-BUG";
    case results::verdict::skipped:
      return "SKIP";
    case results::verdict::error:
      return "ERROR";
    case results::verdict::unsupported:
      return "UNSUPPORTED";
  }
  return "ERROR";
}

std::string run_label(const results::run_result& r) {
  if (r.repetition > 0) return r.client + " #" + std::to_string(r.repetition);
  return r.client;
}

namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

}  // namespace

std::string clean_utf8(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  std::size_t i = 0;
  while (i < in.size()) {
    const auto c = static_cast<unsigned char>(in[i]);
    if (c < 0x80) {
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
        out += replacement;
      } else {
        out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    // The ranges of RFC 3629, which exclude overlong forms, surrogates and code points past
    // U+10FFFF.
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    }
    bool valid = len != 0 && i + len <= in.size();
    if (valid) {
      const auto second = static_cast<unsigned char>(in[i + 1]);
      valid = second >= lo && second <= hi;
      for (std::size_t k = 2; valid && k < len; ++k) {
        valid = is_continuation(static_cast<unsigned char>(in[i + k]));
      }
    }
    if (!valid) {
      out += replacement;
      ++i;
      continue;
    }
    // U+FFFE and U+FFFF (EF BF BE, EF BF BF) are valid UTF-8 but not XML characters.
    if (len == 3 && c == 0xEF && static_cast<unsigned char>(in[i + 1]) == 0xBF &&
        static_cast<unsigned char>(in[i + 2]) >= 0xBE) {
      out += replacement;
    } else {
      out.append(in.substr(i, len));
    }
    i += len;
  }
  return out;
}

void write_indented_json(std::ostream& out, std::string_view compact, int depth) {
  const auto newline = [&](int level) {
    out << '\n' << std::string(static_cast<std::size_t>(2 * level), ' ');
  };
  int level = depth;
  bool in_string = false;
  for (std::size_t i = 0; i < compact.size(); ++i) {
    const char c = compact[i];
    if (in_string) {
      out << c;
      if (c == '\\' && i + 1 < compact.size()) {
        out << compact[++i];
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        out << c;
        break;
      case '{':
      case '[':
        // An empty container stays on its line, as dump(2) writes it.
        if (i + 1 < compact.size() && (compact[i + 1] == '}' || compact[i + 1] == ']')) {
          out << c << compact[++i];
        } else {
          out << c;
          newline(++level);
        }
        break;
      case '}':
      case ']':
        newline(--level);
        out << c;
        break;
      case ',':
        out << c;
        newline(level);
        break;
      case ':':
        out << ": ";
        break;
      default:
        out << c;
    }
  }
}

}  // namespace wsrepro::reports
