#include "wsrepro/mock/params.hpp"

#include <gtest/gtest.h>

namespace wsrepro::mock {
namespace {

const std::vector<param_spec> specs{
    int_param("delay_ms", 0, 0, 1000, "wait"),
    int_param("status", 302, 300, 399, "status"),
    bool_param("content_length", true, "header"),
    choice_param("then", {"keep_open", "close"}, "keep_open", "after"),
    string_param("location", "ws://x/", "where"),
};

TEST(params, start_at_their_defaults) {
  const param_values v(specs);
  EXPECT_EQ(v.get_int("status"), 302);
  EXPECT_TRUE(v.get_bool("content_length"));
  EXPECT_EQ(v.get_string("then"), "keep_open");
}

TEST(params, parse_text_per_type_and_check_ranges_and_choices) {
  EXPECT_EQ(std::get<param_value>(parse_value(specs[1], "307")), param_value{std::int64_t{307}});
  EXPECT_EQ(std::get<std::string>(parse_value(specs[1], "200")),
            "must be between 300 and 399, got 200");
  EXPECT_EQ(std::get<std::string>(parse_value(specs[1], "3o2")), "expected an integer, got '3o2'");
  EXPECT_EQ(std::get<param_value>(parse_value(specs[2], "false")), param_value{false});
  EXPECT_EQ(std::get<std::string>(parse_value(specs[2], "maybe")),
            "expected true or false, got 'maybe'");
  EXPECT_EQ(std::get<std::string>(parse_value(specs[3], "reset")),
            "unknown value 'reset'; expected one of: keep_open, close");
  EXPECT_EQ(std::get<param_value>(parse_value(specs[4], "ws://y/")), param_value{"ws://y/"});
}

TEST(params, time_scale_multiplies_durations_only) {
  param_values v(specs);
  v.set("delay_ms", std::int64_t{40});
  scale_durations(v, specs, 2.5);
  EXPECT_EQ(v.get_int("delay_ms"), 100);
  EXPECT_EQ(v.get_int("status"), 302);
}

TEST(params, a_wrongly_typed_read_is_a_programming_error) {
  const param_values v(specs);
  EXPECT_THROW((void)v.get_bool("status"), std::logic_error);
  EXPECT_THROW((void)v.get_int("nope"), std::logic_error);
}

}  // namespace
}  // namespace wsrepro::mock

namespace wsrepro::mock {
namespace {

TEST(unescape, text_decodes_line_breaks_tabs_and_backslashes_and_keeps_the_rest_as_typed) {
  EXPECT_EQ(unescape("a\\r\\nb\\tc\\\\d"), "a\r\nb\tc\\d");
  EXPECT_EQ(unescape("\\0\\x41\\q trailing\\"), "\\0\\x41\\q trailing\\");
}

TEST(unescape, bytes_also_decodes_nul_and_hex_and_keeps_a_short_hex_as_typed) {
  EXPECT_EQ(unescape("\\0\\x41\\xfF\\r", escapes::bytes), std::string("\0A\xff\r", 4));
  EXPECT_EQ(unescape("\\x4", escapes::bytes), "\\x4");
  EXPECT_EQ(unescape("\\xZZ", escapes::bytes), "\\xZZ");
}

}  // namespace
}  // namespace wsrepro::mock
