#include "wsrepro/common/version.hpp"

#include <gtest/gtest.h>

namespace wsrepro {
namespace {

using versions = std::vector<std::string>;

TEST(compare_versions, orders_numerically_with_pre_releases_first) {
  EXPECT_LT(compare_versions("9.1", "10.4"), 0);
  EXPECT_LT(compare_versions("13.0", "13.0.1"), 0);
  EXPECT_EQ(compare_versions("13.0", "13.0.0"), 0);
  EXPECT_GT(compare_versions("15.0.1", "15.0"), 0);
  EXPECT_LT(compare_versions("14.0rc1", "14.0"), 0);
  EXPECT_LT(compare_versions("8.0.0-beta", "8.0.0"), 0);
  versions v{"17.4", "10.4", "13.1", "13.0", "13.0.0", "9.0"};
  sort_versions(v);
  EXPECT_EQ(v, (versions{"9.0", "10.4", "13.0", "13.1", "17.4"}));
}

TEST(version_matches, takes_single_versions_ranges_and_any) {
  EXPECT_TRUE(version_matches("13.0", "13.0"));
  EXPECT_FALSE(version_matches("13.0", "13.0.1"));
  EXPECT_TRUE(version_matches("11.0..13.0", "12.0"));
  EXPECT_TRUE(version_matches("11.0..13.0", "13.0"));
  EXPECT_FALSE(version_matches("11.0..13.0", "13.0.1"));
  EXPECT_TRUE(version_matches("13.1..", "17.4"));
  EXPECT_FALSE(version_matches("13.1..", "13.0.1"));
  EXPECT_TRUE(version_matches("..10.4", "10.4"));
  EXPECT_TRUE(version_matches("*", "1.0"));
}

TEST(versions_in_text, reads_pip_and_npm_listings) {
  EXPECT_EQ(versions_in_text("websockets (17.4)\nAvailable versions: 17.4, 13.0.1, 13.0, 9.1, "
                             "14.0rc1\n  INSTALLED: 13.0\n"),
            (versions{"9.1", "13.0", "13.0.1", "17.4"}));
  EXPECT_EQ(versions_in_text("[\n  \"8.0.0\",\n  \"8.1.0-beta\",\n  \"8.23.0\"\n]"),
            (versions{"8.0.0", "8.23.0"}));
  EXPECT_TRUE(versions_in_text("no versions here, 12 apples.").empty());
}

TEST(versions_between, needs_both_ends_known) {
  const versions all{"11.0", "12.0", "13.0", "13.1", "14.2"};
  std::string error;
  EXPECT_EQ(versions_between(all, "12.0", "13.1", error), (versions{"12.0", "13.0", "13.1"}));
  EXPECT_FALSE(versions_between(all, "12.0", "13.5", error));
  EXPECT_NE(error.find("13.5 is not a known release"), std::string::npos) << error;
  EXPECT_FALSE(versions_between(all, "13.1", "12.0", error));
  EXPECT_NE(error.find("empty"), std::string::npos) << error;
}

}  // namespace
}  // namespace wsrepro
