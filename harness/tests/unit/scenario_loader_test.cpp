#include "wsrepro/harness/scenario_loader.hpp"

#include <gtest/gtest.h>
#include "test_paths.hpp"

namespace wsrepro::harness {
namespace {

const char* valid = R"(id = "handshake.example"
title = "Example"
clients = ["beast-async"]
deadline_ms = 15000

[server]
behaviour = "redirect"

[server.params]
status = 307
then = "close"

[[signal]]
send = "SIGINT"
after = "server.fault"
delay_ms = 500

[[signal]]
send = "TERM"
delay_ms = 5000
to = "group"

[[window]]
name = "marker_to_exit_ms"
from = "driver.marker"
to = "client.exit"

[expect]
exit = "nonzero"
ended_by = ["exit", "SIGINT"]
hang_ms = { max = 1000 }
marker_to_exit_ms = { min = 0, max = 200 }
)";

std::string errors_text(const load_result& r) {
  std::string out;
  for (const auto& e : r.errors) out += e.to_string() + "\n";
  return out;
}

TEST(scenario_loader, reads_every_field) {
  const auto r = parse_scenario(valid, "x.toml");
  ASSERT_TRUE(r.errors.empty()) << errors_text(r);
  ASSERT_EQ(r.scenarios.size(), 1u);
  const scenario& s = r.scenarios[0];
  EXPECT_EQ(s.id, "handshake.example");
  EXPECT_EQ(s.category, "handshake");
  EXPECT_EQ(s.behaviour, "redirect");
  EXPECT_EQ(s.params.get_int("status"), 307);
  EXPECT_EQ(s.params.get_string("then"), "close");
  EXPECT_EQ(s.params.get_string("location"), "ws://127.0.0.1:1/");  // the default
  EXPECT_EQ(s.deadline_ms, 15000);
  ASSERT_EQ(s.signals.size(), 2u);
  EXPECT_EQ(s.signals[0].signal_text, "SIGINT");
  EXPECT_EQ(s.signals[0].after, "server.fault");
  EXPECT_EQ(s.signals[1].signal_text, "SIGTERM");
  EXPECT_EQ(s.signals[1].after, "previous");
  EXPECT_EQ(s.signals[1].target, signal_target::group);
  ASSERT_EQ(s.windows.size(), 1u);
  EXPECT_EQ(s.expect.exit, exit_expectation::nonzero);
  EXPECT_EQ(s.expect.one_of.at("ended_by"), (std::vector<std::string>{"exit", "SIGINT"}));
  EXPECT_EQ(s.expect.limits.at("hang_ms").max, 1000);
  EXPECT_EQ(s.expect.limits.at("marker_to_exit_ms").min, 0);
  EXPECT_EQ(s.applies_to, std::vector<std::string>{"*"});
  EXPECT_TRUE(s.applies("anything"));
}

TEST(scenario_loader, names_file_line_and_key_of_a_misspelt_key_and_suggests_the_right_one) {
  std::string text = valid;
  text.replace(text.find("deadline_ms"), 11, "deadlin_ms");
  const auto r = parse_scenario(text, "scenarios/x.toml");
  ASSERT_EQ(r.errors.size(), 1u) << errors_text(r);
  const load_error& e = r.errors[0];
  EXPECT_EQ(e.line, 4);
  EXPECT_EQ(e.key, "deadlin_ms");
  EXPECT_NE(e.message.find("did you mean 'deadline_ms'"), std::string::npos) << e.message;
  EXPECT_EQ(e.to_string().rfind("scenarios/x.toml:4:1: key 'deadlin_ms': unknown key", 0), 0u)
      << e.to_string();
  EXPECT_TRUE(r.scenarios.empty());
}

TEST(scenario_loader, reports_every_error_in_the_file) {
  std::string text = valid;
  text.replace(text.find("status = 307"), 12, "status = 200");  // out of range
  text.replace(text.find("after = \"server.fault\""), 22, "after = \"sever.fault\"");  // typo
  text.replace(text.find("delay_ms = 5000"), 15, "delay_ms = \"5s\"");                 // wrong type
  text.replace(text.find("hang_ms = {"), 7, "hang_sm");  // unknown key
  const auto r = parse_scenario(text, "x.toml");
  ASSERT_EQ(r.errors.size(), 4u) << errors_text(r);
  const std::string all = errors_text(r);
  EXPECT_NE(all.find("x.toml:10:10: key 'server.params.status': must be between 300 and 399"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("key 'signal[0].after': unknown event source 'sever'; did you mean 'server'?"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("key 'signal[1].delay_ms': expected a number"), std::string::npos) << all;
  EXPECT_NE(all.find("key 'expect.hang_sm': unknown key; did you mean 'hang_ms'?"),
            std::string::npos)
      << all;
}

TEST(scenario_loader, lists_known_behaviours_and_parameters) {
  std::string text = valid;
  text.replace(text.find("\"redirect\""), 10, "\"redirekt\"");
  auto r = parse_scenario(text, "x.toml");
  ASSERT_EQ(r.errors.size(), 1u) << errors_text(r);
  EXPECT_NE(r.errors[0].message.find("did you mean 'redirect'?"), std::string::npos);
  EXPECT_NE(r.errors[0].message.find("(known: "), std::string::npos) << r.errors[0].message;
  EXPECT_NE(r.errors[0].message.find(" echo,"), std::string::npos) << r.errors[0].message;

  text = valid;
  text.replace(text.find("then = "), 4, "than");
  r = parse_scenario(text, "x.toml");
  ASSERT_EQ(r.errors.size(), 1u) << errors_text(r);
  EXPECT_EQ(r.errors[0].key, "server.params.than");
  EXPECT_NE(r.errors[0].message.find("did you mean 'then'?"), std::string::npos);
}

TEST(scenario_loader, checks_event_names_and_signals) {
  std::string text = valid;
  text.replace(text.find("\"driver.marker\""), 15, "\"client.exitt\"");
  text.replace(text.find("\"TERM\""), 6, "\"SIGFOO\"");
  const auto r = parse_scenario(text, "x.toml");
  const std::string all = errors_text(r);
  EXPECT_NE(all.find("unknown event 'client.exitt'; did you mean 'client.exit'?"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("unknown signal 'SIGFOO'"), std::string::npos) << all;
}

TEST(scenario_loader, requires_id_title_and_server) {
  const auto r = parse_scenario("clients = []\n", "x.toml");
  const std::string all = errors_text(r);
  EXPECT_NE(all.find("key 'id': required key is missing"), std::string::npos) << all;
  EXPECT_NE(all.find("key 'title': required key is missing"), std::string::npos) << all;
  EXPECT_NE(all.find("key 'server': required key is missing"), std::string::npos) << all;
}

TEST(scenario_loader, rejects_bad_ids_and_syntax_with_a_line) {
  std::string text = valid;
  text.replace(text.find("handshake.example"), 17, "NoCategory");
  auto r = parse_scenario(text, "x.toml");
  ASSERT_FALSE(r.errors.empty());
  EXPECT_EQ(r.errors[0].key, "id");

  r = parse_scenario("id = \"a.b\"\ntitle = \n", "x.toml");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 2);
}

TEST(scenario_loader, the_library_loads_without_errors) {
  const auto r = load_scenarios({std::string(WSREPRO_TEST_DATA_DIR) + "/scenarios"});
  EXPECT_TRUE(r.errors.empty()) << errors_text(r);
  EXPECT_GE(r.scenarios.size(), 2u);
}

TEST(scenario_loader, duplicate_ids_are_errors) {
  const std::string dir = std::string(WSREPRO_TEST_DATA_DIR) + "/scenarios/handshake";
  const auto r =
      load_scenarios({dir + "/redirect_302_close.toml", dir + "/redirect_302_close.toml"});
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].message.find("duplicate id"), std::string::npos);
}

TEST(scenario, time_scale_multiplies_deadlines_delays_thresholds_and_duration_params) {
  auto r = parse_scenario(valid, "x.toml");
  ASSERT_EQ(r.scenarios.size(), 1u);
  scenario s = r.scenarios[0];
  s.params.set("delay_ms", std::int64_t{100});
  apply_time_scale(s, 2.0);
  EXPECT_EQ(s.deadline_ms, 30000);
  EXPECT_EQ(s.signals[0].delay_ms, 1000);
  EXPECT_EQ(s.expect.limits.at("hang_ms").max, 2000);
  EXPECT_EQ(s.params.get_int("delay_ms"), 200);
  EXPECT_EQ(s.params.get_int("status"), 307);  // not a duration
}

TEST(scenario_loader, reads_client_env_settings_and_text_expectations) {
  std::string text = valid;
  text += "closed_by = \"client\"\nclean_close = false\ntcp_end = [\"FIN\", \"RST\"]\n";
  text.replace(text.find("[server]"), 8,
               "[client]\nenv = { MY_TIMEOUT_MS = 1000, NAME = \"x\" }\n"
               "settings = { ping_interval_ms = 1000, send = \"hi\" }\n\n[server]");
  auto r = parse_scenario(text, "x.toml");
  ASSERT_TRUE(r.errors.empty()) << errors_text(r);
  scenario s = r.scenarios[0];
  EXPECT_EQ(s.client_env.at("MY_TIMEOUT_MS"), "1000");
  EXPECT_EQ(s.client_settings.at("ping_interval_ms"), "1000");
  EXPECT_EQ(s.client_settings.at("send"), "hi");
  EXPECT_EQ(client_setting_variable("ping_interval_ms"), "WSREPRO_PING_INTERVAL_MS");
  EXPECT_EQ(s.expect.one_of.at("closed_by"), std::vector<std::string>{"client"});
  EXPECT_EQ(s.expect.one_of.at("clean_close"), std::vector<std::string>{"false"});
  EXPECT_EQ(s.expect.one_of.at("tcp_end").size(), 2u);
  apply_time_scale(s, 1.5);
  EXPECT_EQ(s.client_env.at("MY_TIMEOUT_MS"), "1500");
  EXPECT_EQ(s.client_settings.at("ping_interval_ms"), "1500");
  EXPECT_EQ(s.client_settings.at("send"), "hi");
  EXPECT_EQ(s.client_env.at("NAME"), "x");

  text += "closed_by = \"nobody\"\n";
  r = parse_scenario(text, "x.toml");
  ASSERT_FALSE(r.errors.empty());
}

const char* with_known_bug = R"(id = "seed.example"
title = "Example"
headline = "state_after_connect"

[server]
behaviour = "echo"

[[count]]
name = "sent_count"
event = "driver.sent"

[[field]]
name = "state_after_connect"
event = "driver.state"
attr = "state"

[expect]
sent_count = { max = 0 }
state_after_connect = ["CLOSING", "CLOSED"]
hang_ms = { max = 1000 }

[[known_bug]]
id = "lib#1463"
summary = "send() succeeds"
clients = ["py-*"]
versions = ["11.0..13.1", "9.0"]

[known_bug.expect]
sent_count = { min = 3 }
state_after_connect = "OPEN"
hang_ms = { min = 9000, max = 12000 }
)";

TEST(scenario_loader, reads_counts_fields_headline_and_known_bugs) {
  auto r = parse_scenario(with_known_bug, "x.toml");
  ASSERT_TRUE(r.errors.empty()) << errors_text(r);
  scenario s = r.scenarios[0];
  EXPECT_EQ(s.headline, "state_after_connect");
  ASSERT_EQ(s.counts.size(), 1u);
  ASSERT_EQ(s.fields.size(), 1u);
  EXPECT_EQ(s.fields[0].nth, 1);
  EXPECT_EQ(s.expect.one_of.at("state_after_connect").size(), 2u);
  ASSERT_EQ(s.known_bugs.size(), 1u);
  const auto& bug = s.known_bugs[0];
  EXPECT_EQ(bug.signature.one_of.at("state_after_connect"), std::vector<std::string>{"OPEN"});
  EXPECT_EQ(s.bug_for("py-cli", "12.0"), &s.known_bugs[0]);
  EXPECT_EQ(s.bug_for("py-cli", "9.0"), &s.known_bugs[0]);
  EXPECT_EQ(s.bug_for("py-cli", "14.2"), nullptr);
  EXPECT_EQ(s.bug_for("node", "12.0"), nullptr);
  // --time-scale gives a bug's upper bounds slack but leaves its lower bounds (usually the
  // client's own timeouts) alone.
  apply_time_scale(s, 2);
  EXPECT_EQ(*s.known_bugs[0].signature.limits.at("hang_ms").min, 9000);
  EXPECT_EQ(*s.known_bugs[0].signature.limits.at("hang_ms").max, 24000);
  EXPECT_EQ(*s.expect.limits.at("hang_ms").max, 2000);
}

TEST(scenario_loader, known_bug_mistakes_name_the_key) {
  std::string text = with_known_bug;
  text.replace(text.find("\"11.0..13.1\""), 12, "\"eleven\"");
  text.replace(text.find("sent_count = { min = 3 }"), 24, "sent_cnt = { min = 3 }");
  text.replace(text.find("headline = \"state_after_connect\""), 33, "headline = \"hang\"");
  const auto r = parse_scenario(text, "x.toml");
  const std::string all = errors_text(r);
  EXPECT_NE(all.find("key 'headline': unknown measurement 'hang'"), std::string::npos) << all;
  EXPECT_NE(all.find("key 'known_bug[0].versions': 'eleven' is not a version"), std::string::npos)
      << all;
  EXPECT_NE(all.find("key 'known_bug[0].expect.sent_cnt': unknown key; did you mean 'sent_count'"),
            std::string::npos)
      << all;
}

TEST(scenario_loader, knows_the_event_kinds_behaviours_declare) {
  std::string text = valid;
  text.replace(text.find("after = \"server.fault\""), 22, "after = \"server.client_hello\"");
  EXPECT_TRUE(parse_scenario(text, "x.toml").errors.empty());
  text.replace(text.find("server.client_hello"), 19, "server.client_helo");
  const auto r = parse_scenario(text, "x.toml");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].message.find("did you mean 'server.client_hello'?"), std::string::npos)
      << r.errors[0].message;
}

TEST(scenario_loader, a_terminal_signal_needs_a_pty) {
  std::string text = valid;
  text.replace(text.find("to = \"group\""), 12, "to = \"terminal\"");
  auto r = parse_scenario(text, "x.toml");
  ASSERT_EQ(r.errors.size(), 1u) << errors_text(r);
  EXPECT_NE(r.errors[0].message.find("stdin = \"pty\""), std::string::npos);
}

TEST(nearest, suggests_close_words_only) {
  EXPECT_EQ(nearest("deadlin_ms", {"deadline_ms", "title"}), "deadline_ms");
  EXPECT_EQ(nearest("zzz", {"deadline_ms", "title"}), "");
  EXPECT_EQ(nearest("beast", {"beast-async", "echo"}), "beast-async");
}

TEST(glob, matches_ids) {
  EXPECT_TRUE(glob_match("handshake.*", "handshake.redirect_302_close"));
  EXPECT_FALSE(glob_match("close.*", "handshake.redirect_302_close"));
  EXPECT_TRUE(glob_match("*302*", "handshake.redirect_302_close"));
}

}  // namespace
}  // namespace wsrepro::harness

namespace wsrepro::harness {
namespace {

/// `valid` with the first line starting with `prefix` replaced by `line`.
std::string with_line(const std::string& prefix, const std::string& line) {
  std::string text = valid;
  const auto at = text.find("\n" + prefix);
  EXPECT_NE(at, std::string::npos) << prefix;
  const auto end = text.find('\n', at + 1);
  return text.replace(at + 1, end - at - 1, line);
}

std::string only_error(const std::string& text) {
  const auto r = parse_scenario(text, "x.toml");
  EXPECT_EQ(r.errors.size(), 1u) << errors_text(r);
  return r.errors.empty() ? std::string() : r.errors.front().to_string();
}

}  // namespace

TEST(scenario_loader, refuses_nan_and_infinities_wherever_a_number_goes) {
  for (const auto& [prefix, line] :
       std::vector<std::pair<std::string, std::string>>{{"deadline_ms", "deadline_ms = nan"},
                                                        {"delay_ms = 500", "delay_ms = nan"},
                                                        {"hang_ms", "hang_ms = { max = nan }"},
                                                        {"hang_ms", "hang_ms = { max = inf }"},
                                                        {"deadline_ms", "deadline_ms = -inf"}}) {
    const std::string error = only_error(with_line(prefix, line));
    EXPECT_NE(error.find("must be a number between"), std::string::npos) << line << ": " << error;
  }
}

TEST(scenario_loader, refuses_a_min_above_its_max) {
  const std::string error = only_error(with_line("hang_ms", "hang_ms = { min = 900, max = 100 }"));
  EXPECT_NE(error.find("key 'expect.hang_ms'"), std::string::npos) << error;
  EXPECT_NE(error.find("min (900) is above max (100)"), std::string::npos) << error;
}

TEST(scenario_loader, refuses_a_max_that_the_deadline_cannot_show) {
  // A hang up to 12 s cannot be seen when the deadline kills the client at 6 s.
  std::string text = with_line("deadline_ms", "deadline_ms = 6000");
  text = text.replace(text.find("hang_ms = { max = 1000 }"), 24, "hang_ms = { max = 12000 }");
  const std::string error = only_error(text);
  EXPECT_NE(error.find("key 'expect.hang_ms.max'"), std::string::npos) << error;
  EXPECT_NE(error.find("deadline_ms = 6000 ends the client first"), std::string::npos) << error;
  // An interrupt latency longer than the wait before the next signal cannot be seen either.
  text = valid;
  text += "interrupt_latency_ms = { max = 6000 }\n";
  const std::string escalation = only_error(text);
  EXPECT_NE(escalation.find("the next signal (SIGTERM) goes out 5000 ms after the SIGINT"),
            std::string::npos)
      << escalation;
}

TEST(scenario_loader, client_settings_and_env_are_checked) {
  const auto error_for = [](const std::string& client) {
    std::string text = valid;
    text.replace(text.find("[server]"), 8, client + "\n\n[server]");
    return only_error(text);
  };
  EXPECT_NE(error_for("[client]\nsettings = { close_timout_ms = 1 }")
                .find("did you mean 'close_timeout_ms'?"),
            std::string::npos);
  EXPECT_NE(error_for("[client]\nsettings = { close_timeout_ms = 1.5 }")
                .find("a whole number of milliseconds"),
            std::string::npos);
  EXPECT_NE(error_for("[client]\nenv = { \"\" = \"x\" }").find("must be non-empty"),
            std::string::npos);
  EXPECT_NE(error_for("[client]\nenv = { \"A=B\" = \"x\" }").find("no '='"), std::string::npos);
  EXPECT_NE(error_for("[client]\nenv = { WSREPRO_CLOSE_TIMEOUT_MS = 5 }")
                .find("[client.settings] close_timeout_ms"),
            std::string::npos);
}

TEST(scenario_loader, requires_names_known_events_and_joins_the_situation) {
  std::string text = valid;
  text.replace(text.find("[server]"), 8, "requires = [\"driver.connected\"]\n\n[server]");
  auto r = parse_scenario(text, "x.toml");
  ASSERT_TRUE(r.errors.empty()) << errors_text(r);
  EXPECT_EQ(r.scenarios[0].situation,
            (std::vector<std::string>{"driver.connected", "server.fault", "driver.marker"}));
  text = valid;
  text.replace(text.find("[server]"), 8, "requires = [\"server.faul\"]\n\n[server]");
  EXPECT_NE(only_error(text).find("did you mean 'server.fault'?"), std::string::npos);
}

}  // namespace wsrepro::harness

namespace wsrepro::harness {

TEST(scenario_loader, an_absurdly_long_id_is_refused_not_a_crash) {
  // Found by the scenario-loader fuzzer: std::regex recursed once per character of the id and a
  // 30 KB id overflowed the stack.
  std::string text = valid;
  text.replace(text.find("handshake.example"), 17, "handshake." + std::string(30'000, 'm'));
  const auto r = parse_scenario(text, "x.toml");
  ASSERT_EQ(r.errors.size(), 1u) << errors_text(r);
  EXPECT_NE(r.errors[0].message.find("at most 128 characters"), std::string::npos);
  for (const char* bad : {"nodot", ".x", "x.", "a..b", "A.b", "a.b-c"}) {
    text = valid;
    text.replace(text.find("handshake.example"), 17, bad);
    EXPECT_EQ(parse_scenario(text, "x.toml").errors.size(), 1u) << bad;
  }
  text = valid;
  text.replace(text.find("handshake.example"), 17, "seed.cli_2.x_3");
  EXPECT_TRUE(parse_scenario(text, "x.toml").errors.empty());
}

}  // namespace wsrepro::harness
