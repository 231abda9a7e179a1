// The README stays true to the code: every behaviour has its section, every measurement and
// every scenario its row.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "wsrepro/harness/measurements.hpp"
#include "wsrepro/harness/scenario_loader.hpp"
#include "wsrepro/mock/registry.hpp"

namespace wsrepro::harness {
namespace {

std::string readme() {
  std::ifstream in(std::string(WSREPRO_TEST_DATA_DIR) + "/README.md");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(readme, has_a_section_for_every_behaviour_with_each_parameter) {
  const std::string text = readme();
  for (const auto& b : mock::all_behaviours()) {
    const auto section = text.find("### `" + b.name + "`\n");
    ASSERT_NE(section, std::string::npos) << "README.md has no section for behaviour " << b.name;
    const auto next = text.find("\n### ", section + 1);
    const std::string body = text.substr(section, next - section);
    for (const auto& p : b.params) {
      EXPECT_NE(body.find("`" + p.name + "`"), std::string::npos)
          << "README.md's section on " << b.name << " does not describe parameter " << p.name;
    }
  }
}

TEST(readme, describes_every_measurement) {
  const std::string text = readme();
  for (const auto& m : measurement_specs()) {
    EXPECT_NE(text.find("`" + m.name + "`"), std::string::npos)
        << "README.md's measurement table does not describe " << m.name;
  }
}

TEST(readme, lists_every_scenario_of_the_library) {
  const std::string text = readme();
  const auto loaded = load_scenarios({std::string(WSREPRO_TEST_DATA_DIR) + "/scenarios"});
  ASSERT_TRUE(loaded.errors.empty());
  for (const auto& s : loaded.scenarios) {
    EXPECT_NE(text.find("| `" + s.id + "` |"), std::string::npos)
        << "README.md's scenario library has no row for " << s.id;
  }
}

}  // namespace
}  // namespace wsrepro::harness
