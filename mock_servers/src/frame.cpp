#include "wsrepro/mock/frame.hpp"

#include <cstdio>

namespace wsrepro::mock {

std::string opcode_name(std::uint8_t opcode) {
  switch (opcode) {
    case opcodes::continuation:
      return "continuation";
    case opcodes::text:
      return "text";
    case opcodes::binary:
      return "binary";
    case opcodes::close:
      return "close";
    case opcodes::ping:
      return "ping";
    case opcodes::pong:
      return "pong";
    default: {
      char buf[24];
      std::snprintf(buf, sizeof buf, "reserved-0x%x", static_cast<unsigned>(opcode));
      return buf;
    }
  }
}

std::string encode_frame(const frame& f, const encode_options& options) {
  std::string out;
  out.reserve(f.payload.size() + 14);
  out.push_back(static_cast<char>((f.fin ? 0x80 : 0x00) | ((f.rsv & 0x7) << 4) | (f.opcode & 0xF)));
  const std::uint64_t length = options.length_override.value_or(f.payload.size());
  const auto mask_bit = static_cast<std::uint8_t>(f.masked ? 0x80 : 0x00);
  if (length < 126 && !options.force_64bit_length) {
    out.push_back(static_cast<char>(mask_bit | length));
  } else if (length <= 0xFFFF && !options.force_64bit_length) {
    out.push_back(static_cast<char>(mask_bit | 126));
    out.push_back(static_cast<char>((length >> 8) & 0xFF));
    out.push_back(static_cast<char>(length & 0xFF));
  } else {
    out.push_back(static_cast<char>(mask_bit | 127));
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.push_back(static_cast<char>((length >> shift) & 0xFF));
    }
  }
  if (f.masked) {
    for (auto b : f.mask_key) out.push_back(static_cast<char>(b));
    for (std::size_t i = 0; i < f.payload.size(); ++i) {
      out.push_back(static_cast<char>(static_cast<std::uint8_t>(f.payload[i]) ^ f.mask_key[i % 4]));
    }
  } else {
    out.append(f.payload);
  }
  return out;
}

std::string close_payload(std::uint16_t code, std::string_view reason) {
  std::string out;
  out.push_back(static_cast<char>(code >> 8));
  out.push_back(static_cast<char>(code & 0xFF));
  out.append(reason);
  return out;
}

std::optional<std::uint16_t> close_code(std::string_view payload) {
  if (payload.size() < 2) return std::nullopt;
  return static_cast<std::uint16_t>((static_cast<std::uint8_t>(payload[0]) << 8) |
                                    static_cast<std::uint8_t>(payload[1]));
}

void frame_parser::feed(std::string_view bytes) {
  // Dropping each frame's bytes as it is parsed would move the rest of the buffer every time
  // (quadratic for a burst of small frames); drop them when they are most of the buffer.
  if (start_ > 0 && start_ * 2 >= buffer_.size()) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
  buffer_.append(bytes);
}

frame_parser::status frame_parser::next(frame& out, std::string& error) {
  if (failed_) {
    error = "frame reader already failed";
    return status::error;
  }
  const std::string_view buffer = std::string_view(buffer_).substr(start_);
  const auto byte = [buffer](std::size_t i) { return static_cast<std::uint8_t>(buffer[i]); };
  if (buffer.size() < 2) return status::need_more;
  std::size_t pos = 2;
  std::uint64_t length = byte(1) & 0x7F;
  if (length == 126) {
    if (buffer.size() < 4) return status::need_more;
    length = (static_cast<std::uint64_t>(byte(2)) << 8) | byte(3);
    pos = 4;
  } else if (length == 127) {
    if (buffer.size() < 10) return status::need_more;
    length = 0;
    for (std::size_t i = 2; i < 10; ++i) length = (length << 8) | byte(i);
    pos = 10;
  }
  if (length > max_payload_bytes_) {
    failed_ = true;
    error = "frame payload of " + std::to_string(length) + " bytes exceeds the reader's limit";
    return status::error;
  }
  const bool masked = (byte(1) & 0x80) != 0;
  if (masked) pos += 4;
  if (buffer.size() < pos + length) return status::need_more;

  out.fin = (byte(0) & 0x80) != 0;
  out.rsv = static_cast<std::uint8_t>((byte(0) >> 4) & 0x7);
  out.opcode = byte(0) & 0xF;
  out.masked = masked;
  out.mask_key = {};
  if (masked) {
    for (std::size_t i = 0; i < 4; ++i) out.mask_key[i] = byte(pos - 4 + i);
  }
  out.payload.assign(buffer.substr(pos, length));
  if (masked) {
    for (std::size_t i = 0; i < out.payload.size(); ++i) {
      out.payload[i] =
          static_cast<char>(static_cast<std::uint8_t>(out.payload[i]) ^ out.mask_key[i % 4]);
    }
  }
  start_ += pos + length;
  return status::frame;
}

}  // namespace wsrepro::mock
