// The docs stay true to the code: every behaviour has its section, every measurement and every
// scenario its row, and the README links every page of docs/.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "test_paths.hpp"
#include "wsrepro/harness/diagnosers.hpp"
#include "wsrepro/harness/measurements.hpp"
#include "wsrepro/harness/scenario_loader.hpp"
#include "wsrepro/mock/registry.hpp"

namespace wsrepro::harness {
namespace {

std::string read_doc(const std::string& name) {
  std::ifstream in(std::string(WSREPRO_TEST_DATA_DIR) + "/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(docs, have_a_section_for_every_behaviour_with_each_parameter) {
  const std::string text = read_doc("docs/behaviours.md");
  for (const auto& b : mock::all_behaviours()) {
    const auto section = text.find("### `" + b.name + "`\n");
    ASSERT_NE(section, std::string::npos)
        << "docs/behaviours.md has no section for behaviour " << b.name;
    const auto next = text.find("\n### ", section + 1);
    const std::string body = text.substr(section, next - section);
    for (const auto& p : b.params) {
      EXPECT_NE(body.find("`" + p.name + "`"), std::string::npos)
          << "docs/behaviours.md's section on " << b.name << " does not describe parameter "
          << p.name;
    }
  }
}

TEST(docs, describe_every_measurement) {
  const std::string text = read_doc("docs/measurements.md");
  for (const auto& m : measurement_specs()) {
    EXPECT_NE(text.find("`" + m.name + "`"), std::string::npos)
        << "docs/measurements.md's table does not describe " << m.name;
  }
}

TEST(docs, describe_every_diagnoser) {
  const std::string text = read_doc("docs/diagnosis.md");
  for (const auto& d : diagnoser_specs()) {
    EXPECT_NE(text.find("| `" + d.name + "` |"), std::string::npos)
        << "docs/diagnosis.md's table of tools has no row for " << d.name;
  }
}

TEST(docs, list_every_scenario_of_the_library) {
  const std::string text = read_doc("docs/scenarios.md");
  const auto loaded = load_scenarios({std::string(WSREPRO_TEST_DATA_DIR) + "/scenarios"});
  ASSERT_TRUE(loaded.errors.empty());
  for (const auto& s : loaded.scenarios) {
    EXPECT_NE(text.find("| `" + s.id + "` |"), std::string::npos)
        << "docs/scenarios.md's library has no row for " << s.id;
  }
}

TEST(docs, the_readme_links_every_page_and_every_link_resolves) {
  const std::string readme = read_doc("README.md");
  namespace fs = std::filesystem;
  for (const auto& entry : fs::directory_iterator(std::string(WSREPRO_TEST_DATA_DIR) + "/docs")) {
    if (entry.is_directory()) continue;  // docs/images: the pictures the pages show
    const std::string page = "docs/" + entry.path().filename().string();
    EXPECT_NE(readme.find("](" + page + ")"), std::string::npos)
        << "README.md does not link " << page;
  }
  // Every relative link of the README and the docs names a file that exists.
  const std::regex link(R"(\]\(([^)#:]+)(#[^)]*)?\))");
  for (const char* doc :
       {"README.md", "CONTRIBUTING.md", "docs/cli.md", "docs/scenarios.md", "docs/behaviours.md",
        "docs/clients.md", "docs/measurements.md", "docs/library.md", "docs/seed-bugs.md",
        "docs/diagnosis.md", "docs/test-suites.md", "integrations/python/README.md",
        "integrations/node/README.md"}) {
    const std::string text = read_doc(doc);
    ASSERT_FALSE(text.empty()) << doc;
    const fs::path dir = fs::path(WSREPRO_TEST_DATA_DIR) / fs::path(doc).parent_path();
    for (auto it = std::sregex_iterator(text.begin(), text.end(), link);
         it != std::sregex_iterator(); ++it) {
      EXPECT_TRUE(fs::exists(dir / (*it)[1].str())) << doc << " links " << (*it)[1].str();
    }
  }
}

// The library page's example is the example our tests build and run, word for word.
TEST(docs, the_library_example_is_the_tested_one) {
  const std::string page = read_doc("docs/library.md");
  const std::string source = read_doc("examples/gtest_stall/stall_test.cpp");
  const auto start = page.find("```cpp\n");
  ASSERT_NE(start, std::string::npos);
  const auto end = page.find("```", start + 7);
  const std::string shown = page.substr(start + 7, end - start - 7);
  const std::string tested = source.substr(0, source.find("#ifdef EXPECTED_BEHAVIOURS"));
  EXPECT_EQ(tested.substr(0, tested.find_last_not_of('\n') + 1) + "\n", shown);
}

}  // namespace
}  // namespace wsrepro::harness
