#include "wsrepro/common/events.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "wsrepro/common/timeline.hpp"

namespace {

using namespace wsrepro;

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST(event_vocabulary, declares_what_the_supervisor_emits) {
  const auto harness = event_kinds_of("harness");
  for (const char* kind : {"signal", "deadline", "kill_tree", "supervisor_lost", "error"}) {
    EXPECT_TRUE(has(harness, kind)) << kind;
    EXPECT_TRUE(is_essential_event("harness", kind)) << "never credited to the client, so kept";
  }
  EXPECT_TRUE(is_essential_event("server", "fault"));
  EXPECT_TRUE(is_essential_event("client", "exit"));
  EXPECT_FALSE(is_essential_event("server", "frame_out")) << "high volume: may be dropped";
  EXPECT_FALSE(is_essential_event("client", "stdout"));
}

TEST(event_vocabulary, every_kind_is_named_once_with_a_known_source_and_a_doc_line) {
  std::vector<std::string> names;
  for (const auto& k : event_vocabulary()) {
    EXPECT_FALSE(has(names, k.name())) << k.name() << " twice";
    names.push_back(k.name());
    EXPECT_TRUE(has(event_sources(), k.source)) << k.name();
    EXPECT_FALSE(k.doc.empty()) << k.name();
  }
}

TEST(event_vocabulary, the_timeline_notes_an_undeclared_kind_and_keeps_driver_events_free) {
  timeline log;
  event driver;
  driver.source = "driver";
  driver.kind = "anything_it_likes";
  log.emit(driver);
  EXPECT_FALSE(has(undeclared_event_names(), "driver.anything_it_likes"));
  declare_event_kind({"server", "unit_test_kind", "", false, "declared by this test"});
  event declared;
  declared.source = "server";
  declared.kind = "unit_test_kind";
  log.emit(declared);
  EXPECT_TRUE(is_declared_event("server", "unit_test_kind"));
  EXPECT_FALSE(has(undeclared_event_names(), "server.unit_test_kind"));
  event drifted;
  drifted.source = "harness";
  drifted.kind = "kill_tre";
  log.emit(drifted);
  EXPECT_TRUE(has(undeclared_event_names(), "harness.kill_tre"));
}

}  // namespace
