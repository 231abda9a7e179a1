// Does my Beast client notice a server that stops answering, within its keepalive budget?
// A wsrepro mock server plays the stalled peer, on port 0 of loopback, inside the test.

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <sstream>
#include <wsrepro/mock/behaviours.hpp>
#include <wsrepro/mock/registry.hpp>
#include <wsrepro/mock/server.hpp>

namespace beast = boost::beast;
namespace net = boost::asio;
using namespace std::chrono_literals;

// The client under test: keepalive pings after 500 ms of silence, gives up after 1 s.
beast::error_code run_client(const std::string& host, std::uint16_t port,
                             std::chrono::steady_clock::duration& gave_up_after) {
  net::io_context ioc;
  beast::websocket::stream<beast::tcp_stream> ws(ioc);
  beast::get_lowest_layer(ws).connect({net::ip::make_address(host), port});
  beast::websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = 2s;
  timeouts.idle_timeout = 1s;
  timeouts.keep_alive_pings = true;
  ws.set_option(timeouts);
  ws.handshake(host, "/");
  beast::flat_buffer buffer;
  beast::error_code result;
  const auto start = std::chrono::steady_clock::now();
  ws.async_read(buffer, [&](beast::error_code ec, std::size_t) {
    result = ec;
    gave_up_after = std::chrono::steady_clock::now() - start;
  });
  ioc.run_for(10s);  // a bound on the test itself
  return result;
}

TEST(my_client, detects_a_stalled_server_within_its_keepalive_budget) {
  // Typed parameters: a misspelt one does not compile.
  wsrepro::mock::server_thread server(wsrepro::mock::behaviours::stall{.mode = "discard"});
  std::chrono::steady_clock::duration gave_up_after{};
  const auto error = run_client("127.0.0.1", server.port(), gave_up_after);

  EXPECT_EQ(error, beast::error::timeout);
  EXPECT_LT(gave_up_after, 3s);  // the budget is 1 s; generous for a loaded machine
  // The server's own log: the stall began, and the client's pings went unanswered.
  EXPECT_TRUE(server.events().wait_for("server.fault", 1s));
  EXPECT_TRUE(server.events().first("server.frame_in")) << "the client never pinged";
  EXPECT_FALSE(server.events().first("server.frame_out")) << "a stalled server sends nothing";
}

#ifdef EXPECTED_BEHAVIOURS
TEST(installed_package, lists_every_behaviour) {
  std::string listed;
  for (const auto& b : wsrepro::mock::all_behaviours())
    listed += (listed.empty() ? "" : ",") + b.name;
  EXPECT_EQ(listed, EXPECTED_BEHAVIOURS);
}
#endif
