// The library as its users write against it: typed parameters from wsrepro/mock/behaviours.hpp
// (a misspelt one is a compile error, tested apart), clear errors for what only shows at run
// time, and waiting for an event with a deadline instead of polling snapshots.

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

#include "raw_client.hpp"
#include "wsrepro/mock/behaviours.hpp"
#include "wsrepro/mock/server.hpp"

namespace wsrepro::mock {
namespace {

using namespace std::chrono_literals;
using testing::raw_client;

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no exception)";
}

TEST(typed_params, a_struct_starts_its_behaviour_with_its_values) {
  server_thread srv(behaviours::redirect{.status = 307, .then = "close"});
  raw_client client(srv.port());
  client.send(testing::upgrade_request);
  const auto response = client.read_until("\r\n\r\n");
  ASSERT_TRUE(response.has_value());
  EXPECT_TRUE(response->starts_with("HTTP/1.1 307 ")) << *response;
  const auto fault = srv.events().wait_for("server.fault", 5s);
  ASSERT_TRUE(fault.has_value());
  EXPECT_EQ(client.next_end(), raw_client::end::fin) << "then = close";
}

TEST(typed_params, defaults_are_the_schemas) {
  const typed_settings defaults = behaviours::redirect{};
  ASSERT_EQ(defaults.behaviour, "redirect");
  const auto& info = behaviour_named("redirect");
  ASSERT_EQ(defaults.values.size(), info.params.size());
  for (std::size_t i = 0; i < info.params.size(); ++i) {
    EXPECT_EQ(defaults.values[i].first, info.params[i].name);
    EXPECT_EQ(defaults.values[i].second, info.params[i].default_value) << info.params[i].name;
  }
}

TEST(typed_params, values_out_of_range_or_choice_name_the_parameter) {
  const auto status = message_of([] { server_thread srv(behaviours::redirect{.status = 200}); });
  EXPECT_NE(status.find("status"), std::string::npos) << status;
  EXPECT_NE(status.find("300"), std::string::npos) << status;
  const auto then = message_of([] { server_thread srv(behaviours::redirect{.then = "explode"}); });
  EXPECT_NE(then.find("keep_open"), std::string::npos) << then;
}

TEST(typed_params, misspelt_names_at_run_time_get_a_did_you_mean_and_the_known_ones) {
  const auto behaviour = message_of([] { server_thread srv("redirekt"); });
  EXPECT_NE(behaviour.find("did you mean 'redirect'"), std::string::npos) << behaviour;
  const auto parameter = message_of([] { server_thread srv("redirect", {{"stauts", "302"}}); });
  EXPECT_NE(parameter.find("did you mean 'status'"), std::string::npos) << parameter;
  EXPECT_NE(parameter.find("known: status, location, then"), std::string::npos) << parameter;
  const auto typed = message_of([] {
    server_thread srv(typed_settings{"redirect", {{"stauts", std::int64_t{302}}}});
  });
  EXPECT_NE(typed.find("did you mean 'status'"), std::string::npos) << typed;
  const auto type = message_of([] {
    server_thread srv(typed_settings{"redirect", {{"status", std::string("302")}}});
  });
  EXPECT_NE(type.find("status"), std::string::npos) << type;
}

TEST(timeline_wait_for, returns_the_count_th_event_as_it_happens) {
  server_thread srv(behaviours::redirect{.then = "close"});
  std::thread clients([port = srv.port()] {
    for (int i = 0; i < 3; ++i) {
      std::this_thread::sleep_for(20ms);
      raw_client client(port);
      client.send(testing::upgrade_request);
      (void)client.read_until("\r\n\r\n");
    }
  });
  const auto third = srv.events().wait_for("server.accept", 10s, 3);
  clients.join();
  ASSERT_TRUE(third.has_value());
  EXPECT_EQ(third->connection, 3);
  EXPECT_EQ(srv.events().wait_for("server.accept", 0ms)->connection, 1);
}

TEST(timeline_wait_for, gives_up_at_its_deadline) {
  server_thread srv(behaviours::stall{});
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(srv.events().wait_for("server.fault", 100ms).has_value());
  EXPECT_GE(std::chrono::steady_clock::now() - start, 100ms);
  EXPECT_FALSE(srv.events().wait_for("server.accept", 0ms, 2).has_value());
}

}  // namespace
}  // namespace wsrepro::mock
