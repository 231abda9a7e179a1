#pragma once
// The mock servers' own WebSocket frame writer and reader (RFC 6455 section 5.2). Hand-written on
// purpose: a library cannot be made to misbehave byte by byte, and behaviours need to send
// frames that are wrong (bad lengths, reserved bits, unmasked or oversized control frames).

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wsrepro::mock {

namespace opcodes {
inline constexpr std::uint8_t continuation = 0x0;
inline constexpr std::uint8_t text = 0x1;
inline constexpr std::uint8_t binary = 0x2;
inline constexpr std::uint8_t close = 0x8;
inline constexpr std::uint8_t ping = 0x9;
inline constexpr std::uint8_t pong = 0xA;
}  // namespace opcodes

/// "text", "close", ... or "reserved-0x3".
std::string opcode_name(std::uint8_t opcode);
constexpr bool is_control(std::uint8_t opcode) { return (opcode & 0x8) != 0; }

struct frame {
  bool fin = true;
  std::uint8_t rsv = 0;  ///< the three RSV bits, in the low bits (RSV1 = 0x4)
  std::uint8_t opcode = opcodes::text;
  bool masked = false;
  std::array<std::uint8_t, 4> mask_key{};
  std::string payload;  ///< unmasked payload
};

struct encode_options {
  /// Announce this payload length instead of the real one (to send a lying header).
  std::optional<std::uint64_t> length_override;
  /// Use the 64-bit length form even for short payloads (legal but unusual).
  bool force_64bit_length = false;
};

/// Encodes any frame, valid or not: no check is made on purpose.
std::string encode_frame(const frame& f, const encode_options& options = {});

/// A close frame payload: 2-byte code in network order, then the reason.
std::string close_payload(std::uint16_t code, std::string_view reason = {});
/// The code in a close payload, if it has one.
std::optional<std::uint16_t> close_code(std::string_view payload);

/// Incremental reader: feed bytes as they arrive, take frames out as they complete.
class frame_parser {
 public:
  enum class status { need_more, frame, error };

  explicit frame_parser(std::uint64_t max_payload_bytes = 16u << 20)
      : max_payload_bytes_(max_payload_bytes) {}

  void feed(std::string_view bytes);
  /// On `frame`, `out` holds the next frame (payload unmasked); on `error`, `error` says why and
  /// the parser stays in error.
  status next(frame& out, std::string& error);
  std::size_t buffered_bytes() const { return buffer_.size() - start_; }

 private:
  std::string buffer_;
  std::size_t start_ = 0;  ///< where the next frame begins: consumed bytes are dropped in bulk
  std::uint64_t max_payload_bytes_;
  bool failed_ = false;
};

}  // namespace wsrepro::mock
