#include "wsrepro/mock/frame.hpp"

#include <gtest/gtest.h>

namespace wsrepro::mock {
namespace {

std::string hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 0xF];
  }
  return out;
}

TEST(frame_writer, close_frame_matches_the_seed_bug_bytes) {
  frame f;
  f.opcode = opcodes::close;
  f.payload = close_payload(1000);
  EXPECT_EQ(hex(encode_frame(f)), "880203e8");
}

TEST(frame_writer, uses_16_and_64_bit_lengths_at_the_rfc_boundaries) {
  frame f;
  f.opcode = opcodes::binary;
  f.payload.assign(125, 'x');
  EXPECT_EQ(encode_frame(f).size(), 2u + 125);
  f.payload.assign(126, 'x');
  EXPECT_EQ(hex(encode_frame(f).substr(0, 4)), "827e007e");
  f.payload.assign(65536, 'x');
  EXPECT_EQ(hex(encode_frame(f).substr(0, 10)), "827f0000000000010000");
}

TEST(frame_writer, can_lie_about_the_length_and_set_reserved_bits) {
  frame f;
  f.opcode = opcodes::text;
  f.fin = false;
  f.rsv = 0x4;
  f.payload = "hi";
  encode_options lie;
  lie.length_override = 100;
  EXPECT_EQ(hex(encode_frame(f, lie)), "41646869");
}

TEST(frame_parser, round_trips_a_masked_client_frame_fed_byte_by_byte) {
  frame f;
  f.opcode = opcodes::text;
  f.masked = true;
  f.mask_key = {0x37, 0xfa, 0x21, 0x3d};
  f.payload = "Hello";
  const std::string bytes = encode_frame(f);
  EXPECT_EQ(hex(bytes),
            "8185"
            "37fa213d"
            "7f9f4d5158");  // RFC 6455 section 5.7

  frame_parser parser;
  frame out;
  std::string error;
  for (std::size_t i = 0; i + 1 < bytes.size(); ++i) {
    parser.feed(bytes.substr(i, 1));
    ASSERT_EQ(parser.next(out, error), frame_parser::status::need_more);
  }
  parser.feed(bytes.substr(bytes.size() - 1));
  ASSERT_EQ(parser.next(out, error), frame_parser::status::frame);
  EXPECT_EQ(out.payload, "Hello");
  EXPECT_TRUE(out.masked);
  EXPECT_TRUE(out.fin);
  EXPECT_EQ(out.opcode, opcodes::text);
  EXPECT_EQ(parser.buffered_bytes(), 0u);
}

TEST(frame_parser, refuses_payloads_over_its_limit) {
  frame_parser parser(10);
  frame f;
  f.payload.assign(11, 'x');
  parser.feed(encode_frame(f));
  frame out;
  std::string error;
  EXPECT_EQ(parser.next(out, error), frame_parser::status::error);
  EXPECT_NE(error.find("11 bytes"), std::string::npos);
}

TEST(frame_parser, splits_frames_that_arrive_in_one_read) {
  frame a;
  a.opcode = opcodes::ping;
  a.payload = "p";
  frame b;
  b.opcode = opcodes::close;
  b.payload = close_payload(1001, "bye");
  frame_parser parser;
  parser.feed(encode_frame(a) + encode_frame(b));
  frame out;
  std::string error;
  ASSERT_EQ(parser.next(out, error), frame_parser::status::frame);
  EXPECT_EQ(out.opcode, opcodes::ping);
  ASSERT_EQ(parser.next(out, error), frame_parser::status::frame);
  EXPECT_EQ(out.opcode, opcodes::close);
  EXPECT_EQ(close_code(out.payload), 1001);
  EXPECT_EQ(parser.next(out, error), frame_parser::status::need_more);
}

TEST(frame, names_opcodes) {
  EXPECT_EQ(opcode_name(opcodes::pong), "pong");
  EXPECT_EQ(opcode_name(0x3), "reserved-0x3");
}

}  // namespace
}  // namespace wsrepro::mock
