#include "wsrepro/harness/client.hpp"

#include <gtest/gtest.h>
#include "test_paths.hpp"

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
  EXPECT_NE(catalogue.find_environment("python-websockets"), nullptr);
  EXPECT_NE(catalogue.find("websockets-cli"), nullptr);
}

constexpr const char* versioned_manifest = R"([[environment]]
name = "pyws"
versions = ["13.1", "10.4", "13.0"]
setup = [["{python}", "-m", "venv", "{env}"], ["{env}/bin/pip", "install", "ws=={version}"]]

[[client]]
name = "cli"
environment = "pyws"
command = ["{env}/bin/python", "-m", "ws", "{url}"]
env = { PYTHONPATH = "{env}/lib" }

[[client]]
name = "plain"
command = ["prog", "{url}"]
)";

TEST(client_manifest, a_versioned_client_runs_in_its_environment) {
  client_catalogue catalogue;
  std::vector<load_error> errors;
  catalogue.add_manifest(versioned_manifest, "m.toml", errors);
  ASSERT_TRUE(errors.empty()) << errors.front().to_string();
  const auto* env = catalogue.find_environment("pyws");
  ASSERT_NE(env, nullptr);
  EXPECT_EQ(env->versions, (words{"10.4", "13.0", "13.1"}));  // sorted
  EXPECT_EQ(env->setup.size(), 2u);
  const auto* cli = catalogue.find("cli");
  ASSERT_NE(cli, nullptr);
  EXPECT_EQ(cli->versions, env->versions);
  EXPECT_EQ(cli->env.at("PYTHONPATH"), "{env}/lib");
}

TEST(client_catalogue, resolves_names_versions_and_ranges) {
  client_catalogue catalogue;
  std::vector<load_error> errors;
  catalogue.add_manifest(versioned_manifest, "m.toml", errors);
  std::string error;
  const auto names = [](const std::vector<client_spec>& v) {
    words out;
    for (const auto& c : v) out.push_back(c.display_name());
    return out;
  };
  EXPECT_EQ(names(catalogue.resolve("cli", error)), (words{"cli@10.4", "cli@13.0", "cli@13.1"}));
  EXPECT_EQ(names(catalogue.resolve("cli@13.0..", error)), (words{"cli@13.0", "cli@13.1"}));
  EXPECT_EQ(names(catalogue.resolve("cli@12.0", error)), (words{"cli@12.0"}));  // not pinned: ok
  EXPECT_EQ(names(catalogue.resolve("plain", error)), (words{"plain"}));
  EXPECT_TRUE(catalogue.resolve("plain@1.0", error).empty());
  EXPECT_NE(error.find("has no versions"), std::string::npos) << error;
  EXPECT_TRUE(catalogue.resolve("cli@14.0..15.0", error).empty());
  EXPECT_NE(error.find("no pinned version"), std::string::npos) << error;
  EXPECT_TRUE(catalogue.resolve("cli@latest", error).empty());
  EXPECT_TRUE(catalogue.resolve("nope", error).empty());
}

TEST(client_manifest, environment_mistakes_name_the_key) {
  client_catalogue catalogue;
  std::vector<load_error> errors;
  catalogue.add_manifest(R"([[environment]]
name = "e"
versions = ["1.0"]
setup = [["install", "{nope}"]]

[[client]]
name = "a"
environment = "missing"
command = ["prog"]

[[client]]
name = "b"
command = ["{env}/bin/prog"]
)",
                         "m.toml", errors);
  std::string all;
  for (const auto& e : errors) all += e.to_string() + "\n";
  EXPECT_NE(all.find("m.toml:4:9: key 'environment[0].setup': unknown placeholder {nope}"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("key 'client[0].environment': unknown environment 'missing'"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("{env}, {version} and {python} need `environment`"), std::string::npos) << all;
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
