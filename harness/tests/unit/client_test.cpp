#include "wsrepro/harness/client.hpp"

#include <gtest/gtest.h>

namespace wsrepro::harness {
namespace {

using words = std::vector<std::string>;

TEST(split_command, splits_like_a_shell_without_expanding) {
  std::string error;
  EXPECT_EQ(split_command("prog a  b", error), (words{"prog", "a", "b"}));
  EXPECT_EQ(split_command("p 'a b' \"c \\\"d\\\"\" e\\ f", error),
            (words{"p", "a b", "c \"d\"", "e f"}));
  EXPECT_EQ(split_command("p $HOME '*' ;", error), (words{"p", "$HOME", "*", ";"}));
  EXPECT_EQ(split_command("p ''", error), (words{"p", ""}));
  EXPECT_FALSE(split_command("p 'open", error));
  EXPECT_NE(error.find("unterminated"), std::string::npos);
  EXPECT_FALSE(split_command("   ", error));
}

TEST(expand_command, fills_placeholders_and_refuses_unknown_ones) {
  std::string error;
  const std::map<std::string, std::string> values{{"url", "ws://127.0.0.1:9/"}, {"port", "9"}};
  EXPECT_EQ(expand_command({"c", "{url}", "--port={port}", "{{x}}"}, values, error),
            (words{"c", "ws://127.0.0.1:9/", "--port=9", "{x}"}));
  EXPECT_FALSE(expand_command({"c", "{nope}"}, values, error));
  EXPECT_NE(error.find("unknown placeholder {nope}"), std::string::npos) << error;
}

TEST(ad_hoc_client, is_named_after_its_program) {
  std::string error;
  const auto c = ad_hoc_client("/usr/bin/python3 -m websockets {url}", error);
  ASSERT_TRUE(c) << error;
  EXPECT_EQ(c->name, "cmd:python3");
  EXPECT_EQ(c->command.size(), 4u);
  EXPECT_FALSE(ad_hoc_client("prog {ulr}", error));
}

TEST(client_manifest, reports_errors_with_line_and_key) {
  client_catalogue catalogue;
  std::vector<load_error> errors;
  catalogue.add_manifest(R"([[client]]
name = "good"
command = ["prog", "{url}"]

[[client]]
name = "bad"
comand = ["x"]
interrupt = "SIGNOPE"
)",
                         "m.toml", errors);
  ASSERT_NE(catalogue.find("good"), nullptr);
  EXPECT_EQ(catalogue.find("bad"), nullptr);
  std::string all;
  for (const auto& e : errors) all += e.to_string() + "\n";
  EXPECT_NE(all.find("m.toml:7:1: key 'client[1].comand': unknown key; did you mean 'command'?"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("key 'client[1].command': required key is missing"), std::string::npos) << all;
  EXPECT_NE(all.find("unknown signal 'SIGNOPE'"), std::string::npos) << all;
}

TEST(client_manifest, the_reference_manifest_loads) {
  std::vector<load_error> errors;
  const auto catalogue =
      client_catalogue::load(std::string(WSREPRO_TEST_DATA_DIR) + "/clients", errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_NE(catalogue.find("beast-async"), nullptr);
  EXPECT_NE(catalogue.find("beast-threaded-naive"), nullptr);
}

TEST(find_program, searches_path_like_execvp) {
  EXPECT_TRUE(find_program("sh"));
  EXPECT_TRUE(find_program("/bin/sh"));
  EXPECT_FALSE(find_program("wsrepro-no-such-program"));
  EXPECT_FALSE(find_program("/nonexistent/prog"));
  EXPECT_FALSE(find_program("/tmp"));  // a directory is not a program
}

}  // namespace
}  // namespace wsrepro::harness
