// Linked into the test programs that run servers and clients: after the last test, every event
// they emitted must have been declared in the vocabulary (wsrepro/common/events.hpp). A new kind
// emitted without a declaration fails the suite here, before it drifts from the scenario loader
// and the measurements.

#include <gtest/gtest.h>

#include "wsrepro/common/events.hpp"

namespace {

class undeclared_events_guard final : public ::testing::Environment {
 public:
  void TearDown() override {
    for (const auto& name : wsrepro::undeclared_event_names()) {
      ADD_FAILURE() << "emitted but not declared in the event vocabulary: " << name;
    }
  }
};

const auto* const guard = ::testing::AddGlobalTestEnvironment(new undeclared_events_guard);

}  // namespace
